"""Write and restore a backup folder.

    DIR/manifest.json          what is in the backup, checksums, KDF parameters, key check, MAC
    DIR/database.enc           the database dump, encrypted
    DIR/instance.enc           the instance folder (tar.gz), encrypted
    DIR/manifest-sha256.txt    the encrypted files' SHA-256, for `sha256sum -c` on a copy

Plaintext exists only in a private (0700) temporary folder while a backup is written or read.
"""

from __future__ import annotations

import json
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cabinet import backup
from cabinet.audit import verify_chain
from cabinet.backup import crypto, database
from cabinet.backup.crypto import BackupError
from cabinet.config import settings
from cabinet.db import db, utcnow

FORMAT = "ecabinet-backup/1"
MANIFEST = "manifest.json"
CHECKSUMS = "manifest-sha256.txt"
FILES = {"database": "database.enc", "instance": "instance.enc"}
#: Files the app creates by itself in a new instance folder: their presence is not "in use".
FRESH_INSTANCE = {"secret_key"}


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    checks: dict[str, backup.CheckOutcome] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks.values())


def _database_files() -> set[Path]:
    path = database.sqlite_path(settings().database_url)
    if path is None:
        return set()
    return {path, *(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal"))}


def instance_files() -> list[Path]:
    """The instance folder's files a backup carries (relative paths), without the database
    (dumped on its own) and without the files that must never be backed up."""
    root = settings().instance_path
    skipped = _database_files() | backup.excluded_files()
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.resolve() not in skipped:
            found.append(path.relative_to(root))
    return found


def create_backup(target: Path, passphrase: str, say: Callable[[str], None] = print) -> dict:
    """Write a backup of the database and the instance folder into the empty folder `target`."""
    config = settings()
    _check_target(target, config.instance_path)
    if len(passphrase) < crypto.MIN_PASSPHRASE:
        raise BackupError(f"the passphrase must have at least {crypto.MIN_PASSPHRASE} characters")
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    kdf = crypto.new_kdf_params()
    keys = crypto.derive_keys(passphrase, kdf)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": utcnow().isoformat(),
        "kdf": kdf,
        "cipher": "xchacha20poly1305-secretstream",
        "key_check": crypto.key_check(keys),
        "database": {"dialect": database.dialect(config.database_url)},
        "files": [],
    }
    with tempfile.TemporaryDirectory(prefix="ecabinet-backup-") as scratch:
        plain = Path(scratch)
        manifest["database"]["revision"] = database.schema_revision()
        fmt = database.dump(config.database_url, plain / "database")
        say(f"database dumped ({fmt})")
        manifest["files"].append(_seal(keys, "database", fmt, plain / "database", target))
        members = instance_files()
        with tarfile.open(plain / "instance", "w:gz") as tar:
            for relative in members:
                tar.add(config.instance_path / relative, arcname=str(relative), recursive=False)
        manifest["instance"] = {
            "files": [
                {
                    "path": str(relative),
                    "sha256": crypto.sha256_file(config.instance_path / relative),
                }
                for relative in members
            ],
            "never_included": "the secret-vote custody key (docs/secret-votes.md)",
        }
        say(f"instance folder packed ({len(members)} files)")
        manifest["files"].append(_seal(keys, "instance", "tar.gz", plain / "instance", target))
    manifest["mac"] = crypto.mac(keys, manifest)
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    (target / CHECKSUMS).write_text(
        "".join(f"{f['sha256']}  {f['name']}\n" for f in manifest["files"])
    )
    return manifest


def _check_target(target: Path, instance: Path) -> None:
    resolved = target.resolve()
    if resolved == instance or instance in resolved.parents:
        raise BackupError("the backup folder must not be inside the instance folder")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} is not an empty folder")


def _seal(keys: crypto.Keys, role: str, fmt: str, plain: Path, target: Path) -> dict[str, Any]:
    name = FILES[role]
    with plain.open("rb") as source, (target / name).open("wb") as sealed:
        crypto.encrypt_stream(keys, role, source, sealed)
    return {
        "name": name,
        "role": role,
        "format": fmt,
        "size": (target / name).stat().st_size,
        "sha256": crypto.sha256_file(target / name),
        "plain_size": plain.stat().st_size,
        "plain_sha256": crypto.sha256_file(plain),
    }


def open_backup(folder: Path, passphrase: str) -> tuple[dict[str, Any], crypto.Keys]:
    """Read and check the manifest and every file's checksum; nothing is decrypted yet."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} has no {MANIFEST}: not a backup folder") from None
    except (ValueError, UnicodeDecodeError):
        raise BackupError(f"{MANIFEST} is damaged (not JSON)") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} is not an {FORMAT} manifest")
    try:
        keys = crypto.derive_keys(passphrase, manifest["kdf"])
    except (KeyError, TypeError, ValueError) as error:
        raise BackupError(f"{MANIFEST} is damaged ({error})") from None
    if not crypto.opens_key_check(keys, str(manifest.get("key_check", ""))):
        raise BackupError("wrong passphrase: the backup's key check does not open with it")
    if not crypto.mac_matches(keys, manifest):
        raise BackupError(f"{MANIFEST} was changed after the backup was written (its MAC fails)")
    for item in manifest["files"]:
        path = folder / item["name"]
        if not path.is_file():
            raise BackupError(f"{item['name']} is missing")
        if path.stat().st_size != item["size"] or crypto.sha256_file(path) != item["sha256"]:
            raise BackupError(
                f"{item['name']} was changed or damaged: its SHA-256 does not match the manifest"
            )
    return manifest, keys


def instance_in_use() -> list[Path]:
    """Files in the instance folder that a restore would overwrite or mix with."""
    return [p for p in instance_files() if str(p) not in FRESH_INSTANCE]


def restore_backup(
    folder: Path,
    passphrase: str,
    *,
    replace: bool = False,
    sample: int | None = None,
    say: Callable[[str], None] = print,
) -> RestoreReport:
    """Check the backup, restore the database and the instance folder, then run the checks.

    Everything that can refuse (passphrase, MAC, checksums, decryption, a target in use) is
    checked before the first write: a refused restore changes nothing.
    """
    config = settings()
    with tempfile.TemporaryDirectory(prefix="ecabinet-restore-") as scratch:
        plain = Path(scratch)
        try:
            manifest = _prepare(folder, passphrase, plain, replace=replace)
        except BackupError as error:
            raise BackupError(f"{error}. Nothing was changed.") from None
        say(f"backup of {manifest['created_at']} checked: passphrase, MAC and checksums match")
        files = {item["role"]: item for item in manifest["files"]}
        database.load(
            config.database_url, plain / "database", files["database"]["format"], replace=replace
        )
        say(f"database restored (schema revision {manifest['database'].get('revision') or '?'})")
        _extract(plain / "instance", config.instance_path, manifest["instance"]["files"])
        say(f"instance folder restored ({len(manifest['instance']['files'])} files)")
    report = RestoreReport(manifest)
    for name, check in {"audit chain": _audit_chain, **backup.restore_checks()}.items():
        outcome = report.checks[name] = check(sample)
        say(f"{name}: {'ok' if outcome.ok else 'FAILED'}: {outcome.summary}")
    return report


def _prepare(folder: Path, passphrase: str, plain: Path, *, replace: bool) -> dict[str, Any]:
    """Check the backup and the target, decrypt into `plain`; the manifest when all holds."""
    manifest, keys = open_backup(folder, passphrase)
    if not replace:
        if tables := database.table_names():
            raise BackupError(
                f"the database is not empty ({len(tables)} tables); restore into an empty "
                "database, or pass --replace to overwrite it"
            )
        if used := instance_in_use():
            raise BackupError(
                f"the instance folder {settings().instance_path} is in use ({used[0]}, ...); "
                "restore into an empty one, or pass --replace to overwrite it"
            )
    for item in manifest["files"]:
        role = item["role"]
        with (folder / item["name"]).open("rb") as sealed, (plain / role).open("wb") as out:
            crypto.decrypt_stream(keys, role, sealed, out)
        if crypto.sha256_file(plain / role) != item["plain_sha256"]:
            raise BackupError(f"{item['name']} decrypts to something else than was backed up")
    return manifest


def _audit_chain(sample: int | None) -> backup.CheckOutcome:
    """Every entry of the audit log, linked and unchanged (always all: it is one pass)."""
    db.session.remove()
    chain = verify_chain(db.session)
    return backup.CheckOutcome(chain.ok, str(chain))


def _extract(archive: Path, root: Path, expected: list[dict[str, str]]) -> None:
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(root, filter="data")
    for item in expected:
        path = root / item["path"]
        if not path.is_file() or crypto.sha256_file(path) != item["sha256"]:
            raise BackupError(f"restored file {item['path']} does not match the manifest")
