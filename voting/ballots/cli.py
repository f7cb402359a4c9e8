"""`flask --app app cabinet tick`: close due ballots, send due reminders, deliver the mail outbox.

Safe to run as often as wanted, from cron and the server at once: every notice is keyed in the
database, so a second run (or a run after a restart) sends nothing twice and misses nothing.
"""

from __future__ import annotations

import click
from sqlalchemy import select

from cabinet.cli import cabinet_cli
from cabinet.db import db
from cabinet.users.models import User
from voting.ballots import notify, services


@cabinet_cli.command("tick")
def tick_command() -> None:
    """Run the scheduler once (ballot deadlines, reminders, outgoing mail)."""
    report = notify.run_tick()
    click.echo(
        f"closed {report.closed} ballot(s), queued {report.reminders} reminder(s), "
        f"sent {report.mails_sent} e-mail(s), {notify.count_pending_mail()} waiting"
    )


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
