"""`flask --app app cabinet ballot-approver EMAIL [--revoke]`: who may approve sending ballots.

(Deadlines and reminders run in the core's `flask cabinet tick`, see `voting.ballots.tick`.)
"""

from __future__ import annotations

import click
from sqlalchemy import select

from cabinet.cli import cabinet_cli
from cabinet.db import db
from cabinet.users.models import User
from voting.ballots import services


@cabinet_cli.command("ballot-approver")
@click.argument("email")
@click.option("--revoke", is_flag=True, help="Take the right away instead of granting it.")
def ballot_approver_command(email: str, revoke: bool) -> None:
    """Grant (or revoke) a deputy prime minister the right to approve sending ballots."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user with e-mail {email}")
    if revoke:
        services.revoke_approver(user, by=None)
    else:
        services.grant_approver(user, by=None)
    db.session.commit()
    click.echo(f"{user.name}: {'revoked' if revoke else 'may approve ballots'}")
