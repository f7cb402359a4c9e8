"""Shell commands for signing keys (``cabinet keys ...``) and the human verification report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from asn1crypto import x509 as asn1_x509
from flask import has_app_context

from cabinet.config import settings
from cabinet.pki.authority import (
    REVOCATION_REASONS,
    AuthorityError,
    certificates_of,
    issued_certificates,
    revocations,
    revoke,
)

from .keys import (
    KeystoreError,
    create_demo_ca,
    import_p12,
    issue_user_p12,
    load_demo_ca,
    user_p12_path,
)
from .verify import VerificationReport, verify_pdf

#: ``email -> (name, ministry)``; the core wires it to the users table (raise LookupError if none).
UserLookup = Callable[[str], tuple[str, str]]
_user_lookup: UserLookup | None = None


def set_user_lookup(lookup: UserLookup | None) -> None:
    """Install the function that finds a user's name and ministry by e-mail for ``keys issue``."""
    global _user_lookup
    _user_lookup = lookup


def _keys_dir(value: str | None) -> Path:
    if value:
        return Path(value)
    if not has_app_context():
        raise click.UsageError("give --keys-dir (or run inside the app)")
    return Path(settings().keys_dir)


def _pki_url(value: str | None) -> str | None:
    if value:
        return value.rstrip("/")
    return settings().pki_url if has_app_context() else None


keys_dir_option = click.option(
    "--keys-dir",
    envvar="ECABINET_KEYS_DIR",
    type=click.Path(file_okay=False),
    help="Key directory (default: the app's keys_dir setting).",
)
force_option = click.option("--force", is_flag=True, help="Overwrite an existing file.")


@click.group("keys")
def keys() -> None:
    """Signing keys: demo CA, users' keystores."""


@keys.command("create-ca")
@keys_dir_option
@click.option("--name", default="e-Cabinet Demo Root CA", show_default=True)
@click.option("--organization", default="Văn phòng Chính phủ (demo)", show_default=True)
@click.option(
    "--pki-url",
    help="Base URL of `cabinet pki serve` that certificates name (default: ECABINET_PKI_URL).",
)
@force_option
def create_ca_command(keys_dir, name, organization, pki_url, force) -> None:
    """Create the local demonstration root and issuing CAs, OCSP responders and TSA."""
    try:
        ca = create_demo_ca(
            _keys_dir(keys_dir),
            common_name=name,
            organization=organization,
            base_url=_pki_url(pki_url),
            overwrite=force,
        )
    except KeystoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"CA certificate: {ca.cert_path}")
    click.echo(f"CA key (keep private): {ca.key_path}")
    click.echo(f"OCSP, CRLs and TSA: {ca.base_url or 'none (certificates carry no addresses)'}")


@keys.command("issue")
@click.argument("user_email")
@keys_dir_option
@click.option("--name", help="Certificate CN (default: the user's name).")
@click.option("--ministry", help="Certificate O (default: the user's ministry).")
@click.option(
    "--passphrase",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Signing passphrase.",
)
@force_option
def issue_command(user_email, keys_dir, name, ministry, passphrase, force) -> None:
    """Issue a user's signing certificate from the demo CA into a .p12 keystore."""
    if (name is None or ministry is None) and _user_lookup is not None:
        try:
            found_name, found_ministry = _user_lookup(user_email)
        except LookupError as exc:
            raise click.ClickException(f"no user {user_email}") from exc
        name, ministry = name or found_name, ministry or found_ministry
    if not name or not ministry:
        raise click.UsageError("give --name and --ministry")
    directory = _keys_dir(keys_dir)
    out = user_p12_path(directory, user_email)
    try:
        cert = issue_user_p12(
            load_demo_ca(directory),
            out,
            name=name,
            ministry=ministry,
            passphrase=passphrase,
            email=user_email,
            overwrite=force,
        )
    except KeystoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Issued {cert.subject.rfc4514_string()} (serial {cert.serial_number:x})")
    click.echo(f"Keystore: {out}")


@keys.command("revoke")
@click.argument("user_email")
@keys_dir_option
@click.option("--serial", help="Serial number (hex) of one certificate; default: all of them.")
@click.option(
    "--reason",
    type=click.Choice(REVOCATION_REASONS),
    default="unspecified",
    show_default=True,
)
def revoke_command(user_email, keys_dir, serial, reason) -> None:
    """Revoke a person's demo certificates: the OCSP responder and the CRL say so at once."""
    directory = _keys_dir(keys_dir)
    entries = certificates_of(directory, user_email)
    if serial:
        entries = [e for e in entries if e["serial"] == serial.lower().lstrip("0")]
    if not entries:
        raise click.ClickException(f"the demo CA issued no such certificate to {user_email}")
    for entry in entries:
        try:
            done = revoke(directory, int(entry["serial"], 16), reason=reason)
        except AuthorityError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Revoked {done['subject']} (serial {done['serial']}) at {done['at']}")


@keys.command("list")
@keys_dir_option
def list_command(keys_dir) -> None:
    """The certificates the demo CA issued, with their revocation status."""
    directory = _keys_dir(keys_dir)
    revoked = revocations(directory)
    for entry in issued_certificates(directory):
        status = revoked.get(f"{entry['issuer']}:{entry['serial']}")
        state = f"REVOKED {status['at']} ({status['reason']})" if status else "good"
        click.echo(
            f"{entry['kind']:5} {entry['serial']:>40}  until {entry['not_after'][:10]}  "
            f"{state}  {entry['subject']}"
        )


@keys.command("import-p12")
@click.argument("user_email")
@click.argument("p12_file", type=click.Path(exists=True, dir_okay=False))
@keys_dir_option
@click.option("--passphrase", prompt=True, hide_input=True, help="The keystore's passphrase.")
@force_option
def import_p12_command(user_email, p12_file, keys_dir, passphrase, force) -> None:
    """Import a user's .p12 from a real CA after checking it opens and holds key + certificate."""
    out = user_p12_path(_keys_dir(keys_dir), user_email)
    try:
        info = import_p12(Path(p12_file), out, passphrase=passphrase, overwrite=force)
    except KeystoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Imported {info.common_name} ({info.organization or '-'})")
    click.echo(f"Valid {info.not_before:%Y-%m-%d} to {info.not_after:%Y-%m-%d}")
    click.echo(f"SHA-256 {info.sha256_fingerprint}")
    click.echo(f"Keystore: {out}")


def _yes(value: bool) -> str:
    return "yes" if value else "NO"


def format_report(report: VerificationReport) -> str:
    """Human-readable text of a verification report."""
    if report.error:
        return f"NOT VERIFIED: {report.error}"
    lines = []
    for number, sig in enumerate(report.signatures, start=1):
        when = sig.signing_time.isoformat() if sig.signing_time else "unknown"
        kind = f"certification ({sig.docmdp_level})" if sig.certifying else "approval"
        lines += [
            f"Signature {number}: field {sig.field_name}, {kind}",
            f"  signer:   {sig.signer_name or '?'} ({sig.signer_subject or '?'})",
            f"  time:     {when}{' (timestamped)' if sig.timestamped else ''}",
            f"  intact:   {_yes(sig.intact)}   valid: {_yes(sig.valid)}   "
            f"trusted: {_yes(sig.trusted)}",
            f"  covers:   {sig.coverage.replace('_', ' ')}",
            f"  after it: {(sig.modification_level or 'unknown').replace('_', ' ')}"
            + (f" ({', '.join(sig.changed_fields)})" if sig.changed_fields else ""),
            f"  result:   {'OK' if sig.ok else 'FAILED'}"
            + (f" - {sig.error}" if sig.error and not sig.ok else ""),
        ]
    lines.append("DOCUMENT OK" if report.ok else "DOCUMENT NOT VERIFIED")
    return "\n".join(lines)


def verify_command(path: Path | str, trust_roots: list[asn1_x509.Certificate]) -> int:
    """Print the verification report of a PDF file; 0 when it verifies, 1 when not, 2 unreadable."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        click.echo(f"cannot read {path}: {exc}", err=True)
        return 2
    report = verify_pdf(data, trust_roots)
    click.echo(format_report(report))
    if report.ok:
        return 0
    return 2 if report.error and not report.signatures and "readable" in report.error else 1
