"""`flask --app app cabinet ...`: init, create-user, audit-verify, config, tick, backup, restore.

Feature packages add their commands to `cabinet_cli` from their own `cli.py`.
"""

from __future__ import annotations

import sys

import click
from alembic import command
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.engine import make_url

from cabinet import tick
from cabinet.audit import verify_chain
from cabinet.backup.cli import backup_command, restore_command
from cabinet.config import settings
from cabinet.db import db
from cabinet.errors import DomainError
from cabinet.migrations import alembic_config
from cabinet.users.models import Role
from cabinet.users.services import add_seat, create_user

cabinet_cli = AppGroup("cabinet", help="e-Cabinet administration.")
cabinet_cli.add_command(backup_command)
cabinet_cli.add_command(restore_command)


def migrate_database() -> None:
    """Bring the database schema to the newest migration."""
    command.upgrade(alembic_config(current_app), "heads")


@cabinet_cli.command("init")
def init_command() -> None:
    """Create the instance folder, migrate the database, prepare the signing keys."""
    config = settings()
    for folder in (config.instance_path, config.storage_dir, config.keys_dir):
        folder.mkdir(parents=True, exist_ok=True)
    migrate_database()
    for hook in current_app.extensions.get("ecabinet.init_hooks", []):
        hook()
    click.echo(f"Database ready: {_safe_url(config.database_url)}")


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


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
    report = verify_chain(db.session)
    click.echo(str(report))
    if not report.ok:
        sys.exit(1)


@cabinet_cli.command("config")
def config_command() -> None:
    """Print the effective settings (secrets hidden)."""
    for key, value in settings().describe().items():
        click.echo(f"{key} = {value}")


@cabinet_cli.command("tick")
def tick_command() -> None:
    """Run the scheduled jobs once (cron, systemd timer); print what each did, exit 1 if one failed.

    One line: the jobs' reports in running order, joined by ", " ("closed 1 ballot(s), queued 3
    reminder(s), sent 6 e-mail(s), 0 waiting"); a job that failed or that another runner did
    shows as "<job name>: failed" / "<job name>: done by another runner".
    """
    reports = tick.run_tick()
    click.echo(tick_line(reports))
    if tick.FAILED in reports.values():
        sys.exit(1)


def tick_line(reports: dict[str, str]) -> str:
    """The tick's reports as one line (jobs with nothing to say are left out)."""
    parts = [
        f"{name}: {report}" if report in (tick.FAILED, tick.TAKEN) else report
        for name, report in reports.items()
        if report
    ]
    if parts:
        return ", ".join(parts)
    return "nothing to do" if reports else "no jobs registered"
