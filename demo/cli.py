"""`flask --app app cabinet seed-demo` and `demo-logins`: the demo cabinet's commands."""

from __future__ import annotations

import os
from pathlib import Path

import click
from sqlalchemy import func, select

from cabinet.cli import cabinet_cli
from cabinet.config import settings
from cabinet.db import db
from cabinet.users.models import User
from demo.people import seed_demo


def _logins_file() -> Path:
    return settings().instance_path / "demo-logins.txt"


@cabinet_cli.command("seed-demo")
@click.option(
    "--save-logins", is_flag=True, help="Also keep the logins in instance/demo-logins.txt (0600)."
)
def seed_demo_command(save_logins: bool) -> None:
    """Create a realistic Vietnamese cabinet with demo logins (passwords printed once)."""
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
