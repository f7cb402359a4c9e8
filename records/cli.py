"""Shell commands: `cabinet verify FILE`, `cabinet keys ...`, `cabinet pki serve`, `cabinet signing-identity`, and the
init/demo hooks that prepare signing keys."""

from __future__ import annotations

import secrets
import sys
from datetime import UTC
from pathlib import Path

import click
from sqlalchemy import select

from cabinet.cli import cabinet_cli
from cabinet.config import settings
from cabinet.db import db
from cabinet.pki.cli import pki
from cabinet.signing import create_demo_ca, issue_user_p12, load_demo_ca, user_p12_path
from cabinet.signing.cli import keys, set_user_lookup
from cabinet.signing.keys import CA_CERT_FILE, CA_DIR
from cabinet.users.models import Role, User
from records.archive import ArchiveMismatch, export_records
from records.decree30 import issue_organisation_keystore, organisation_p12_path
from records.models import SigningIdentity
from records.signing import store
from records.verify import verify_document


@cabinet_cli.command("verify")
@click.argument("pdf_file", type=click.Path(dir_okay=False))
@click.option(
    "--at",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="Validate as a verifier would at this moment (UTC), e.g. after a certificate expired.",
)
def verify_command(pdf_file: str, at) -> None:
    """Verify a signed PDF: each signature, its PAdES level, the validity horizon, the register.

    Prints the words of the verification page; exit 0 for a valid registered record, 1 if not,
    2 when the file cannot be read.
    """
    try:
        data = Path(pdf_file).read_bytes()
    except OSError as exc:
        click.echo(f"cannot read {pdf_file}: {exc}", err=True)
        sys.exit(2)
    moment = at.replace(tzinfo=UTC) if at is not None else None
    result = verify_document(data, at=moment)
    click.echo(result["text"])
    if not result["ok"]:
        sys.exit(1)


@cabinet_cli.group("records")
def records_cli() -> None:
    """Records: archive export."""


@records_cli.command("export")
@click.argument("target", type=click.Path(file_okay=False))
def export_command(target: str) -> None:
    """Write every final record (PDF, register entry) and a SHA-256 manifest into TARGET."""
    folder = Path(target)
    if folder.exists() and any(folder.iterdir()):
        raise click.ClickException(f"{target} is not empty")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        manifest = export_records(folder, store())
    except ArchiveMismatch as exc:
        raise click.ClickException(f"stored file does not match the register: {exc}") from exc
    for record in manifest["records"]:
        click.echo(f"{record['symbol']}\t{record['pdf']}")
    click.echo(f"{len(manifest['records'])} records, manifest: {folder / 'manifest.json'}")


@cabinet_cli.command("signing-identity")
@click.argument("user_email")
@click.option("--pkcs12", "p12_path", type=click.Path(dir_okay=False), help="Path of a .p12 file.")
@click.option("--pkcs11-module", help="PKCS#11 module (.so) path.")
@click.option("--token-label", help="Token label.")
@click.option("--slot", type=int, help="Slot number (instead of the token label).")
@click.option("--key-label", help="Label of the key (and its certificate) on the token.")
@click.option("--chain", type=click.Path(dir_okay=False), help="PEM file of the issuing chain.")
def signing_identity_command(
    user_email, p12_path, pkcs11_module, token_label, slot, key_label, chain
):
    """Set where a person's signing key lives: a .p12 file or a PKCS#11 token."""
    user = db.session.scalar(select(User).where(User.email == user_email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user {user_email}")
    if pkcs11_module and not (key_label and (token_label or slot is not None)):
        raise click.UsageError("PKCS#11 needs --key-label and --token-label or --slot")
    ident = db.session.scalar(select(SigningIdentity).where(SigningIdentity.user_id == user.id))
    ident = ident or SigningIdentity(user_id=user.id)
    ident.backend = "pkcs11" if pkcs11_module else "pkcs12"
    ident.p12_path = p12_path
    ident.pkcs11_module, ident.token_label, ident.slot = pkcs11_module, token_label, slot
    ident.key_label, ident.chain_path = key_label, chain
    db.session.add(ident)
    db.session.commit()
    click.echo(f"{user.email}: {ident.backend}")


def _lookup(email: str) -> tuple[str, str]:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise LookupError(email)
    return user.name, user.ministry or "Chính phủ"


@keys.command("issue-organisation")
@click.option("--passphrase", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", "organisation", default="CHÍNH PHỦ", show_default=True)
@click.option("--force", is_flag=True, help="Replace an existing organisation keystore.")
def issue_organisation_command(passphrase: str, organisation: str, force: bool) -> None:
    """Issue the organisation's certificate (the clerk's seal signature) and its seal image."""
    keys_dir = Path(settings().keys_dir)
    if organisation_p12_path(keys_dir).exists() and not force:
        raise click.ClickException("an organisation keystore exists (use --force to replace it)")
    init_keys()
    path = issue_organisation_keystore(
        load_demo_ca(keys_dir),
        keys_dir,
        passphrase=passphrase,
        organisation=organisation,
        overwrite=True,
    )
    click.echo(f"Organisation keystore: {path}")


def init_keys() -> None:
    """`cabinet init`: create the demo CA in keys_dir unless one exists."""
    keys_dir = Path(settings().keys_dir)
    if not (keys_dir / CA_DIR / CA_CERT_FILE).exists():
        ca = create_demo_ca(keys_dir, base_url=settings().pki_url)
        click.echo(f"Demo signing CA created: {ca.cert_path} (services at {ca.base_url})")


def demo_keystores() -> list[tuple[str, str, str]]:
    """`seed-demo`: keystores for the demo chair and secretariat; (label, e-mail, passphrase)."""
    init_keys()
    keys_dir = Path(settings().keys_dir)
    ca = load_demo_ca(keys_dir)
    logins = []
    for user in db.session.scalars(select(User).order_by(User.id)):
        if not user.has_role(Role.CHAIR, Role.SECRETARIAT):
            continue
        path = user_p12_path(keys_dir, user.email)
        passphrase = secrets.token_urlsafe(9)
        issue_user_p12(
            ca,
            path,
            name=user.name,
            ministry=user.ministry or "Chính phủ",
            passphrase=passphrase,
            email=user.email,
            overwrite=True,
        )
        logins.append((f"Mật khẩu ký số — {user.name}", user.email, passphrase))
    # The clerk (văn thư) signs decisions with the organisation's certificate (Decree 30).
    passphrase = secrets.token_urlsafe(9)
    issue_organisation_keystore(ca, keys_dir, passphrase=passphrase, overwrite=True)
    logins.append(("Mật khẩu ký số — Con dấu CHÍNH PHỦ (văn thư)", "organisation", passphrase))
    return logins


def register_cli(app) -> None:
    """Add the keys group to `cabinet`, the user lookup, and the init/demo hooks."""
    if "keys" not in cabinet_cli.commands:
        cabinet_cli.add_command(keys)
    if "pki" not in cabinet_cli.commands:
        cabinet_cli.add_command(pki)
    set_user_lookup(_lookup)
    for name, hook in (("ecabinet.init_hooks", init_keys), ("ecabinet.demo_hooks", demo_keystores)):
        hooks = app.extensions.setdefault(name, [])
        if hook not in hooks:
            hooks.append(hook)
