"""The demo CA's register of issued certificates and its revocation list (JSON files in
``keys_dir/ca``, written atomically under a file lock). The OCSP responder and the CRLs are
built from them; the responder answers "unknown" for a serial the register does not hold.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

CA_DIR = "ca"
ISSUED_FILE = "issued.json"
REVOKED_FILE = "revoked.json"
REVOCATION_REASONS = (
    "unspecified",
    "key_compromise",
    "ca_compromise",
    "affiliation_changed",
    "superseded",
    "cessation_of_operation",
    "certificate_hold",
    "privilege_withdrawn",
)


class AuthorityError(Exception):
    """The CA could not be created, loaded or used (the message says why)."""


def pem(cert: x509.Certificate) -> bytes:
    """The certificate in PEM."""
    return cert.public_bytes(serialization.Encoding.PEM)


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return default


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    tmp.replace(path)


def _email(cert: x509.Certificate) -> str | None:
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return None
    emails = names.get_values_for_type(x509.RFC822Name)
    return emails[0].lower() if emails else None


def record_issued(directory: Path, cert: x509.Certificate, issuer: str, *, kind: str) -> None:
    """Enter a certificate in the CA's register (the OCSP responder knows only these)."""
    with _locked(directory):
        issued = _read_json(directory / ISSUED_FILE, [])
        issued.append(
            {
                "serial": format(cert.serial_number, "x"),
                "issuer": issuer,
                "kind": kind,
                "subject": cert.subject.rfc4514_string(),
                "email": _email(cert),
                "not_after": cert.not_valid_after_utc.isoformat(),
                "pem": pem(cert).decode(),
            }
        )
        _write_json(directory / ISSUED_FILE, issued)


def issued_certificates(keys_dir: Path) -> list[dict[str, Any]]:
    """Every certificate the demo CAs issued (serial in hex, issuer, kind, subject, e-mail...)."""
    return _read_json(Path(keys_dir) / CA_DIR / ISSUED_FILE, [])


def revocations(keys_dir: Path) -> dict[str, dict[str, str]]:
    """``"issuer:serial" -> {"at": ISO time, "reason": name}`` for every revoked certificate."""
    return _read_json(Path(keys_dir) / CA_DIR / REVOKED_FILE, {})


def revoke(
    keys_dir: Path,
    serial: int,
    *,
    reason: str = "unspecified",
    at: datetime | None = None,
) -> dict[str, Any]:
    """Revoke the certificate with this serial number from now (or ``at``); return its entry."""
    if reason not in REVOCATION_REASONS:
        raise AuthorityError("reason must be one of " + ", ".join(REVOCATION_REASONS))
    directory = Path(keys_dir) / CA_DIR
    serial_hex = format(serial, "x")
    entry = next((e for e in issued_certificates(keys_dir) if e["serial"] == serial_hex), None)
    if entry is None:
        raise AuthorityError(f"the demo CA issued no certificate with serial {serial_hex}")
    with _locked(directory):
        revoked = _read_json(directory / REVOKED_FILE, {})
        key = f"{entry['issuer']}:{serial_hex}"
        if key not in revoked:
            moment = (at or datetime.now(UTC)).replace(microsecond=0)
            revoked[key] = {"at": moment.isoformat(), "reason": reason}
            _write_json(directory / REVOKED_FILE, revoked)
    return {**entry, **revoked[key]}


def certificates_of(keys_dir: Path, email: str) -> list[dict[str, Any]]:
    """The signing certificates issued to this e-mail address, newest last."""
    wanted = email.strip().lower()
    return [
        e for e in issued_certificates(keys_dir) if e["kind"] == "user" and e["email"] == wanted
    ]
