"""Office → PDF conversion with LibreOffice headless, when it is installed.

Each run gets its own throw-away profile (``-env:UserInstallation``): a shared profile makes a
second soffice hand its job to the first one and hang, and a crashed run can lock it for good.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from cabinet.storage.store import ContentStore
from cabinet.storage.uploads import StoredUpload, UploadRejected, check_and_store, detect_kind

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 120.0


def soffice_binary() -> str | None:
    """The LibreOffice executable on PATH, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(
    path: Path, *, outdir: Path | None = None, timeout: float = DEFAULT_TIMEOUT
) -> Path | None:
    """Convert a DOCX/XLSX/PPTX to PDF; None when LibreOffice is missing or the conversion fails.

    The PDF is written to ``outdir`` (a new temp directory by default; the caller removes it after
    storing the result with :func:`~cabinet.storage.check_and_store`).
    """
    binary = soffice_binary()
    if binary is None:
        return None
    path = Path(path)
    outdir = Path(outdir) if outdir else Path(tempfile.mkdtemp(prefix="convert-"))
    outdir.mkdir(parents=True, exist_ok=True)
    # The input name decides the output name and LibreOffice picks the filter from the extension:
    # hand it a copy with a plain name (stored files are named by hash, without an extension).
    with tempfile.TemporaryDirectory(prefix="soffice-") as work:
        work_dir = Path(work)
        source = work_dir / f"input{path.suffix or _guess_suffix(path)}"
        shutil.copyfile(path, source)
        command = [
            binary,
            f"-env:UserInstallation={(work_dir / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work_dir / "out"),
            str(source),
        ]
        env = {**os.environ, "HOME": str(work_dir)}
        try:
            process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                start_new_session=True,
            )
        except OSError as exc:
            log.warning("LibreOffice could not start: %s", exc)
            return None
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            # soffice.bin is a child of the soffice script: end the whole process group.
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            log.warning("LibreOffice conversion of %s timed out after %ss", path, timeout)
            return None
        produced = work_dir / "out" / "input.pdf"
        if process.returncode != 0 or not produced.is_file() or produced.stat().st_size == 0:
            log.warning(
                "LibreOffice could not convert %s (exit %s): %s",
                path,
                process.returncode,
                stderr.decode(errors="replace")[-500:],
            )
            return None
        target = outdir / "converted.pdf"
        shutil.move(produced, target)
        return target


def store_pdf_rendition(
    store: ContentStore,
    upload: StoredUpload,
    *,
    max_bytes: int,
    timeout: float = DEFAULT_TIMEOUT,
) -> StoredUpload | None:
    """The checked PDF reading copy of a stored DOCX/XLSX/PPTX, or None (keep it as a download)."""
    if upload.kind == "pdf":
        return upload
    with tempfile.TemporaryDirectory(prefix="rendition-") as outdir:
        pdf = convert_to_pdf(store.path_for(upload.sha256), outdir=Path(outdir), timeout=timeout)
        if pdf is None:
            return None
        stem = upload.display_name.rpartition(".")[0] or upload.display_name
        try:
            with pdf.open("rb") as handle:
                return check_and_store(handle, f"{stem}.pdf", store=store, max_bytes=max_bytes)
        except UploadRejected as error:
            log.warning(
                "LibreOffice produced an unusable PDF for %s: %s", upload.sha256, error.reason
            )
            return None


def _guess_suffix(path: Path) -> str:
    """The Office extension of a stored (extension-less) package, from its main part."""
    with path.open("rb") as handle:
        return "." + detect_kind(handle)
