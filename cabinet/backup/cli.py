"""`flask --app app cabinet backup DIR` and `flask --app app cabinet restore DIR`.

The passphrase never comes from the command line (argv is visible to every local user in
`ps`): it is read from the file `--passphrase-file` names, else from the environment
(`ECABINET_BACKUP_PASSPHRASE_FILE`, then `ECABINET_BACKUP_PASSPHRASE`), else asked at a hidden
prompt (twice for a new backup).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cabinet.backup.archive import create_backup, restore_backup
from cabinet.backup.crypto import BackupError
from cabinet.config import settings

PASSPHRASE_ENV = "ECABINET_BACKUP_PASSPHRASE"
PASSPHRASE_FILE_ENV = "ECABINET_BACKUP_PASSPHRASE_FILE"

_passphrase_file = click.option(
    "--passphrase-file",
    type=click.Path(dir_okay=False, exists=True),
    help=f"Read the passphrase from this file (else ${PASSPHRASE_FILE_ENV}, ${PASSPHRASE_ENV}, "
    "or a prompt).",
)


def read_passphrase(path: str | None, *, confirm: bool) -> str:
    """The backup passphrase from a file, the environment, or a hidden prompt."""
    path = path or os.environ.get(PASSPHRASE_FILE_ENV)
    if path:
        return Path(path).read_text().rstrip("\r\n")
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    return click.prompt("Backup passphrase", hide_input=True, confirmation_prompt=confirm)


@click.command("backup")
@click.argument("folder", type=click.Path(file_okay=False))
@_passphrase_file
def backup_command(folder: str, passphrase_file: str | None) -> None:
    """Write an encrypted backup (database, instance folder with keys, manifest) into FOLDER.

    FOLDER must be new or empty, and outside the instance folder. The secret-vote custody key
    is never included (keep it apart, see docs/secret-votes.md).
    """
    passphrase = read_passphrase(passphrase_file, confirm=True)
    try:
        manifest = create_backup(Path(folder), passphrase, say=click.echo)
    except BackupError as error:
        raise click.ClickException(f"backup failed: {error}") from None
    if os.environ.get("ECABINET_SECRET_KEY"):
        click.echo(
            "note: the secret key comes from ECABINET_SECRET_KEY, not the instance folder; "
            "keep it with the deployment's configuration"
        )
    size = sum(item["size"] for item in manifest["files"])
    click.echo(f"backup written to {folder} ({size} bytes, encrypted); keep the passphrase apart")


@click.command("restore")
@click.argument("folder", type=click.Path(file_okay=False, exists=True))
@_passphrase_file
@click.option(
    "--replace", is_flag=True, help="Overwrite a database and instance folder that are in use."
)
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=None,
    help="Verify the signatures of at most this many signed records (default: all).",
)
def restore_command(
    folder: str, passphrase_file: str | None, replace: bool, sample: int | None
) -> None:
    """Restore a backup written by `cabinet backup`, then verify it.

    Checks the manifest (passphrase, MAC, checksums) before touching anything; restores the
    database and the instance folder; then verifies the audit chain and the signed records.
    Exit 0 only when every check passed. Restart the app afterwards.
    """
    passphrase = read_passphrase(passphrase_file, confirm=False)
    try:
        report = restore_backup(
            Path(folder), passphrase, replace=replace, sample=sample, say=click.echo
        )
    except BackupError as error:
        raise click.ClickException(f"restore refused: {error}") from None
    if not report.ok:
        click.echo("restore FAILED its checks: do not put this instance into service", err=True)
        sys.exit(1)
    click.echo(
        f"restore done and verified into {settings().instance_path}; restart the app's workers"
    )
