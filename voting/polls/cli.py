"""`flask --app app cabinet vote-verify POLL_ID`: recount a closed secret vote from its
published, signed (token, choice) list and say whether it matches the stored result."""

from __future__ import annotations

import sys

import click

from cabinet.cli import cabinet_cli
from voting.polls.verify import verify_secret_poll


@cabinet_cli.command("vote-verify")
@click.argument("poll_id", type=int)
def vote_verify_command(poll_id: int) -> None:
    """Check the published list's signature, recount it; exit 1 unless it matches."""
    report = verify_secret_poll(poll_id)
    for name, passed, detail in report.checks:
        click.echo(f"{'OK  ' if passed else 'FAIL'} {name}: {detail}")
    click.echo(
        "MATCH: the published list recounts to the stored result" if report.ok else "MISMATCH"
    )
    sys.exit(0 if report.ok else 1)
