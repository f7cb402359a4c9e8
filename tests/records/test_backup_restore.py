"""`cabinet backup` → wipe → `cabinet restore`: a deployment of its own (database, instance
folder with the secret key and signing keys, its own demo PKI) holds a session with an open and a
secret vote and signed minutes; it is backed up, wiped (database dropped, instance folder
deleted) and restored, and the restore verifies the audit chain and every signed record.
Runs on the suite's backend: SQLite, or PostgreSQL (a database `<test db>_backup`)."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from cabinet import create_app
from cabinet.audit import verify_chain
from cabinet.audit.models import AuditEntry
from cabinet.backup import crypto
from cabinet.cli import migrate_database
from cabinet.db import db
from cabinet.pki import serve_in_thread
from cabinet.users.models import CabinetSeat, Role, User
from cabinet.users.services import hash_password
from records import services
from records.models import Minutes
from records.signing import sign_record
from tests.conftest import BACKEND, PASSWORD, PG_URL
from tests.conftest import test_environ as environ_for
from voting.polls.progress import progress_flusher

from .conftest import PASSPHRASES, fill_and_finalize, hold_session, issue_keystore

PASSPHRASE = "cụm mật khẩu sao lưu 2026"


def _pg_database(name: str) -> str:
    """A fresh PostgreSQL database beside the test database; its URL."""
    url = make_url(PG_URL)
    with psycopg.connect(
        url.set(drivername="postgresql").render_as_string(False), autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def _cabinet(n: int = 27, deputies: int = 3) -> SimpleNamespace:
    """The people of a session (what the `make_cabinet` fixture makes, committed for real)."""

    password = hash_password(PASSWORD)

    def person(roles, name, title="Bộ trưởng"):
        user = User(
            name=name,
            email=f"{name.replace(' ', '.').lower()}@backup.test",
            title=title,
            ministry="Chính phủ",
            password_hash=password,
        )
        user.set_roles(set(roles))
        db.session.add(user)
        db.session.flush()
        return user

    chair = person({Role.CHAIR, Role.MEMBER}, "Thu tuong", "Thủ tướng")
    members = [chair] + [person({Role.MEMBER}, f"Bo truong {i}") for i in range(2, n + 1)]
    deputy_users = [person({Role.DEPUTY}, f"Thu truong {i}", "Thứ trưởng") for i in range(deputies)]
    for position, member in enumerate(members, start=1):
        deputy = deputy_users[position - 2] if 2 <= position < 2 + deputies else None
        db.session.add(
            CabinetSeat(member_id=member.id, deputy_id=deputy and deputy.id, position=position)
        )
    secretariat = person({Role.SECRETARIAT}, "Thu ky", "Vụ trưởng")
    invitee = person({Role.INVITEE}, "Khach moi", "Chủ tịch")
    db.session.commit()
    return SimpleNamespace(
        chair=chair,
        members=members,
        deputies=deputy_users,
        secretariat=secretariat,
        invitee=invitee,
    )


def _fingerprint(instance: Path) -> dict:
    """What must come back: the audit chain, the signed files, the secret key."""
    db.session.remove()
    minutes = db.session.scalars(select(Minutes)).all()
    found = {
        "audit_entries": db.session.scalar(select(func.count()).select_from(AuditEntry)),
        "users": db.session.scalar(select(func.count()).select_from(User)),
        "minutes_pdf": sorted(m.pdf_sha256 for m in minutes),
        "secret_key": (instance / "secret_key").read_text(),
        "files": sorted(
            (str(p.relative_to(instance)), hashlib.sha256(p.read_bytes()).hexdigest())
            for p in (instance / "files").rglob("*")
            if p.is_file()
        ),
    }
    db.session.remove()
    return found


@pytest.fixture(scope="module")
def deployment(app, tmp_path_factory) -> Iterator[SimpleNamespace]:
    """A deployment with a signed record, backed up once into `folder`."""
    base = tmp_path_factory.mktemp("backup-deployment")
    instance = base / "instance"
    with ExitStack() as stack:
        pki = stack.enter_context(serve_in_thread(instance / "keys"))
        url = _pg_database(make_url(PG_URL).database + "_backup") if BACKEND == "postgres" else None
        env = environ_for(
            base,
            ECABINET_PKI_URL=pki.url,
            ECABINET_DATABASE_URL=url or f"sqlite:///{instance / 'ecabinet.db'}",
        )
        del env["ECABINET_SECRET_KEY"]  # generated into the instance folder, as in production
        own = create_app(env)
        # The custody key kept (wrongly) inside the instance folder: it must still stay out.
        own.config.update(TESTING=True, VOTE_CUSTODY_KEY_FILE=str(instance / "vote-custody.key"))
        stack.enter_context(own.app_context())
        stack.callback(db.session.remove)
        progress_flusher.autostart = False
        stack.callback(setattr, progress_flusher, "autostart", True)
        stack.callback(progress_flusher.init_app, app)  # building `own` took the flusher over
        migrate_database()

        session = hold_session(_cabinet())
        cab = session.cab
        minutes = services.ensure_minutes(session.meeting, cab.secretariat)
        fill_and_finalize(minutes, cab)
        issue_keystore(cab.secretariat, PASSPHRASES["secretary"])
        issue_keystore(cab.chair, PASSPHRASES["chair"])
        sign_record(minutes, cab.secretariat, PASSPHRASES["secretary"])
        db.session.commit()
        sign_record(minutes, cab.chair, PASSPHRASES["chair"])
        db.session.commit()
        assert (instance / "vote-custody.key").exists()

        folder = base / "backup"
        result = own.test_cli_runner().invoke(
            args=["cabinet", "backup", str(folder)], env={"ECABINET_BACKUP_PASSPHRASE": PASSPHRASE}
        )
        assert result.exit_code == 0, result.output
        yield SimpleNamespace(
            app=own, url=url, instance=instance, folder=folder, before=_fingerprint(instance)
        )
        db.session.remove()
        db.engine.dispose()
    if url:
        _pg_database(make_url(url).database)  # leave an empty database behind, not the data


def _restore(deployment, folder: Path, passphrase: str = PASSPHRASE, *args: str):
    return deployment.app.test_cli_runner().invoke(
        args=["cabinet", "restore", str(folder), *args],
        env={"ECABINET_BACKUP_PASSPHRASE": passphrase},
    )


def _wipe(deployment) -> None:
    db.session.remove()
    db.engine.dispose()
    if deployment.url:
        _pg_database(make_url(deployment.url).database)
    shutil.rmtree(deployment.instance)


def test_backup_round_trip_restores_and_verifies_everything(deployment):
    manifest = json.loads((deployment.folder / "manifest.json").read_text())
    backed_up = {f["path"] for f in manifest["instance"]["files"]}
    assert "secret_key" in backed_up and any(p.startswith("keys/") for p in backed_up)
    assert "vote-custody.key" not in backed_up and "ecabinet.db" not in backed_up
    assert b"BEGIN" not in (deployment.folder / "instance.enc").read_bytes()  # no PEM in clear

    _wipe(deployment)
    assert not deployment.instance.exists()
    result = _restore(deployment, deployment.folder)
    assert result.exit_code == 0, result.output
    assert "audit chain: ok" in result.output
    assert "signed records: ok: 1 signed record(s): every signature verified" in result.output
    assert "restore done and verified" in result.output

    assert _fingerprint(deployment.instance) == deployment.before
    assert verify_chain(db.session).ok
    # The custody key is never restored either: it is kept apart from backups.
    assert not (deployment.instance / "vote-custody.key").exists()


def test_restore_refuses_a_database_in_use_without_replace(deployment):
    result = _restore(deployment, deployment.folder)
    assert result.exit_code != 0
    assert "the database is not empty" in result.output and "Nothing was changed" in result.output


def test_restore_refuses_a_wrong_passphrase(deployment):
    result = _restore(deployment, deployment.folder, "không phải cụm mật khẩu này", "--replace")
    assert result.exit_code != 0
    assert "wrong passphrase" in result.output and "Nothing was changed" in result.output
    assert _fingerprint(deployment.instance) == deployment.before


@pytest.mark.parametrize("name", ["database.enc", "instance.enc", "manifest.json"])
def test_restore_refuses_a_flipped_byte(deployment, tmp_path, name):
    copy = tmp_path / "copy"
    shutil.copytree(deployment.folder, copy)
    data = bytearray((copy / name).read_bytes())
    data[len(data) // 2] ^= 0x01
    (copy / name).write_bytes(bytes(data))
    result = _restore(deployment, copy, PASSPHRASE, "--replace")
    assert result.exit_code != 0
    expected = "was changed after" if name == "manifest.json" else f"{name} was changed or damaged"
    assert expected in result.output and "Nothing was changed" in result.output
    assert _fingerprint(deployment.instance) == deployment.before


def test_a_changed_file_with_a_matching_checksum_does_not_decrypt(deployment, tmp_path):
    # Someone who rewrites the checksums too is stopped by the MAC; the AEAD stops the rest.
    keys = crypto.derive_keys(
        PASSPHRASE, json.loads((deployment.folder / "manifest.json").read_text())["kdf"]
    )
    sealed = bytearray((deployment.folder / "database.enc").read_bytes())
    sealed[-5] ^= 0x01
    (tmp_path / "db.enc").write_bytes(bytes(sealed))
    with (
        (tmp_path / "db.enc").open("rb") as source,
        (tmp_path / "out").open("wb") as out,
        pytest.raises(crypto.BackupError, match="changed or damaged"),
    ):
        crypto.decrypt_stream(keys, "database", source, out)
