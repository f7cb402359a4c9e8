"""The content-addressed file store: every file lives at ``root/ab/cdef...`` named by its SHA-256.

The same bytes are stored once (a new version identical to an old one costs nothing). Files reach
their final name by an atomic rename from ``root/tmp`` (same filesystem), so a reader never sees
a half-written file and a crash leaves only a temp file behind, never a corrupt paper.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")


class ContentStore:
    """Files addressed by SHA-256 under one directory (``settings().storage_dir``)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    @property
    def tmp_dir(self) -> Path:
        """Where uploads are spooled before they are checked (same filesystem as the store)."""
        return self.root / "tmp"

    @property
    def watermark_dir(self) -> Path:
        """Where per-reader watermarked copies are cached."""
        return self.root / "watermarks"

    def path_for(self, sha256: str) -> Path:
        """The path of the file with this hash (it may not exist)."""
        if not _SHA256.fullmatch(sha256):
            # The hash comes from the database, but it ends up in a path: never trust it blindly.
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:]

    def exists(self, sha256: str) -> bool:
        """True when the file with this hash is stored."""
        return self.path_for(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        """Open a stored file for reading (FileNotFoundError when missing)."""
        return self.path_for(sha256).open("rb")

    def relative(self, path: Path) -> str:
        """A stored path relative to the root, with forward slashes (for X-Accel-Redirect)."""
        return Path(path).resolve().relative_to(self.root.resolve()).as_posix()

    @contextmanager
    def spool(self) -> Iterator[tuple[BinaryIO, Path]]:
        """A temp file inside the store, removed on exit unless :meth:`adopt` moved it away."""
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.tmp_dir, prefix="up-")
        path = Path(name)
        try:
            with os.fdopen(fd, "w+b") as handle:
                yield handle, path
        finally:
            path.unlink(missing_ok=True)

    def adopt(self, temp_path: Path, sha256: str) -> Path:
        """Move a checked temp file to its content address (dedup: drop it if already stored)."""
        final = self.path_for(sha256)
        if final.is_file():
            temp_path.unlink(missing_ok=True)
            return final
        final.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(temp_path, 0o640)
        # os.replace is atomic on POSIX; two concurrent uploads of the same bytes both succeed.
        os.replace(temp_path, final)
        return final

    def put_file(self, path: Path) -> tuple[str, int]:
        """Copy a local file (e.g. a generated PDF) into the store; returns (sha256, size)."""
        digest = hashlib.sha256()
        size = 0
        with self.spool() as (out, temp), Path(path).open("rb") as src:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
            sha = digest.hexdigest()
            self.adopt(temp, sha)
        return sha, size

    def put_bytes(self, data: bytes) -> str:
        """Store bytes produced in memory (small generated files); returns the sha256."""
        sha = hashlib.sha256(data).hexdigest()
        if not self.exists(sha):
            with self.spool() as (out, temp):
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
                self.adopt(temp, sha)
        return sha

    def delete(self, sha256: str) -> None:
        """Remove a stored file and its watermarked copies (for a purge, not for a withdrawal)."""
        self.path_for(sha256).unlink(missing_ok=True)
        self.delete_watermarks(sha256)

    def delete_watermarks(self, sha256: str) -> int:
        """Remove every reader's watermarked copy of a file (on withdrawal); returns how many."""
        folder = self.watermark_dir / sha256[:2] / sha256
        self.path_for(sha256)  # validates the hash before it becomes a path
        removed = 0
        if folder.is_dir():
            for child in folder.iterdir():
                child.unlink(missing_ok=True)
                removed += 1
            folder.rmdir()
        return removed
