"""`flask --app app cabinet ...`: init, seed-demo, create-user, audit-verify, config.

Feature packages add their commands to `cabinet_cli` from their own `cli.py`.
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from cabinet.db import db

cabinet_cli = AppGroup("cabinet", help="e-Cabinet administration.")


def migrate_database() -> None:
    """Bring the database schema to the newest migration."""
    from alembic import command

    from cabinet.migrations import alembic_config

    command.upgrade(alembic_config(current_app), "heads")


@cabinet_cli.command("init")
def init_command() -> None:
    """Create the instance folder, migrate the database, prepare the signing keys."""
    from cabinet.config import settings

    config = settings()
    for folder in (config.instance_path, config.storage_dir, config.keys_dir):
        folder.mkdir(parents=True, exist_ok=True)
    migrate_database()
    for hook in current_app.extensions.get("ecabinet.init_hooks", []):
        hook()
    click.echo(f"Database ready: {_safe_url(config.database_url)}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _logins_file():
    from cabinet.config import settings

    return settings().instance_path / "demo-logins.txt"


@cabinet_cli.command("seed-demo")
@click.option(
    "--save-logins", is_flag=True, help="Also keep the logins in instance/demo-logins.txt (0600)."
)
def seed_demo_command(save_logins: bool) -> None:
    """Create a realistic Vietnamese cabinet with demo logins (passwords printed once)."""
    import os

    from cabinet.demo import seed_demo
    from cabinet.users.models import User

    if (db.session.scalar(select(func.count(User.id))) or 0) > 0:
        click.echo("The database already has people; the demo cabinet is not seeded again.")
        return
    logins = seed_demo()
    db.session.commit()
    lines = [f"  {role:<44} {email:<30} {password}" for role, email, password in logins]
    if save_logins:
        path = _logins_file()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write("\n".join(lines) + "\n")
    else:
        click.echo("Demo cabinet created. The passwords are shown only this once:")
        click.echo("\n".join(lines))


@cabinet_cli.command("demo-logins")
def demo_logins_command() -> None:
    """Print the demo logins kept by `seed-demo --save-logins`, if any."""
    path = _logins_file()
    if not path.exists():
        click.echo("No demo logins kept (the database was not seeded by `make run`).")
        return
    click.echo("Demo logins (role, e-mail, password):")
    click.echo(path.read_text().rstrip())


@cabinet_cli.command("create-user")
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option(
    "--role", "roles", multiple=True, help="chair, member, deputy, invitee, secretariat, admin"
)
@click.option("--title", default="")
@click.option("--ministry", default="")
@click.option(
    "--seat", is_flag=True, help="Give the person a cabinet seat (counts in 'all members')."
)
@click.password_option()
def create_user_command(name, email, roles, title, ministry, seat, password) -> None:
    """Create an account from the shell."""
    from cabinet.errors import DomainError
    from cabinet.users.models import Role
    from cabinet.users.services import add_seat, create_user

    try:
        chosen = {Role(r) for r in roles}
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--role") from None
    try:
        user = create_user(
            name=name,
            email=email,
            password=password,
            roles=chosen,
            title=title,
            ministry=ministry,
            actor=None,
        )
        if seat:
            add_seat(user)
    except DomainError as error:
        db.session.rollback()
        fields = error.details.get("fields") or {}
        detail = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in fields.items())
        raise click.ClickException(f"{error.message} {detail}".strip()) from None
    db.session.commit()
    click.echo(f"Created user #{user.id} {user.email}")


@cabinet_cli.command("audit-verify")
def audit_verify_command() -> None:
    """Walk the audit hash chain; exit 1 naming the first broken entry."""
    from cabinet.audit import verify_chain

    report = verify_chain(db.session)
    click.echo(str(report))
    if not report.ok:
        sys.exit(1)


@cabinet_cli.command("config")
def config_command() -> None:
    """Print the effective settings (secrets hidden)."""
    from cabinet.config import settings

    for key, value in settings().describe().items():
        click.echo(f"{key} = {_safe_url(value) if key == 'database_url' else value}")
