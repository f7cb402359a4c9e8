"""The administration commands, and the production entry point serving with gevent."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sqlalchemy import func, select, text

from cabinet.users.models import CabinetSeat, Role, User
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_seed_demo_then_audit_verify_passes_and_names_an_edited_entry(app, committed_db):
    """The demo database (seeded once: it commits for real) verifies; one edited row breaks it."""
    db = committed_db
    runner = app.test_cli_runner()
    result = runner.invoke(args=["cabinet", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(CabinetSeat.id))) == 25  # the 2025 Government
    chair = db.session.scalar(select(User).where(User.email == "thutuong@ecabinet.demo"))
    assert chair.has_role(Role.CHAIR, Role.MEMBER) and chair.title == "Thủ tướng Chính phủ"
    assert sum(1 for u in db.session.scalars(select(User)) if u.has_role(Role.SECRETARIAT)) == 2
    assert sum(1 for s in db.session.scalars(select(CabinetSeat)) if s.deputy_id) == 4
    assert "thutuong@ecabinet.demo" in result.output and "Chủ tọa" in result.output
    again = runner.invoke(args=["cabinet", "seed-demo"])
    assert "not seeded again" in again.output
    assert db.session.scalar(select(func.count(User.id))) == 33  # 25 members, 4 deputies, 4 staff

    ok = runner.invoke(args=["cabinet", "audit-verify"])
    assert ok.exit_code == 0 and "audit chain OK" in ok.output
    db.session.execute(text("UPDATE audit_log SET actor_name = 'Ai đó' WHERE seq = 7"))
    db.session.commit()
    broken = runner.invoke(args=["cabinet", "audit-verify"])
    assert broken.exit_code == 1
    assert "BROKEN at entry #7" in broken.output


def test_create_user_command(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "cabinet",
            "create-user",
            "--name",
            "Trần Thị Mới",
            "--email",
            "moi@ecabinet.test",
            "--role",
            "member",
            "--seat",
        ],
        input="mat-khau-dai-du\nmat-khau-dai-du\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "moi@ecabinet.test"))
    assert user.roles == {Role.MEMBER}
    assert (
        db.session.scalar(select(CabinetSeat).where(CabinetSeat.member_id == user.id)) is not None
    )
    bad = runner.invoke(
        args=["cabinet", "create-user", "--name", "X", "--email", "x@e.test", "--role", "king"],
        input="a" * 12 + "\n" + "a" * 12 + "\n",
    )
    assert bad.exit_code != 0 and "king" in bad.output


def _serve_sign_in(tmp_path: Path, mode: str) -> tuple[str, str]:
    """`cabinet init`, then `python app.py` in `mode` as an operator runs them, until it serves
    the sign-in page; what init wrote to stderr and what the server printed."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ECABINET_")},
        "ECABINET_INSTANCE_PATH": str(tmp_path / "instance"),
        "ECABINET_ASYNC_MODE": mode,
        "ECABINET_PORT": str(free_port()),
        "ECABINET_TICK_IN_PROCESS": "0",
    }
    flask = [sys.executable, "-m", "flask", "--app", "app", "cabinet"]
    init = subprocess.run(
        [*flask, "init"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=180
    )
    server = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{env['ECABINET_PORT']}/sign-in"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    body = response.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError(
                        server.stdout.read().decode() if server.poll() is not None else "no answer"
                    ) from None
                time.sleep(0.2)
        assert "Đăng nhập" in body
    finally:
        server.terminate()
        server.wait(timeout=10)
        printed = server.stdout.read().decode()
        server.stdout.close()
    return init.stderr.decode(), printed


def test_production_entry_serves_the_sign_in_page_with_gevent(tmp_path):
    """The page is served and neither `cabinet init` nor the server prints a library's warning
    (cryptography 51's DSA notice on pyHanko's import did)."""
    init_printed, printed = _serve_sign_in(tmp_path, "gevent")
    assert "Warning" not in init_printed, init_printed
    assert "Warning" not in printed, printed


def test_the_eventlet_entry_serves_the_sign_in_page(tmp_path):
    """`ECABINET_ASYNC_MODE=eventlet` (legacy, SQLite only: README) starts and serves. It failed
    at import: `cabinet.pg_wait` asked for `select.poll`, which eventlet deletes when it patches.
    eventlet prints its own deprecation notice; nothing else may go wrong."""
    _, printed = _serve_sign_in(tmp_path, "eventlet")
    assert "async mode: eventlet" in printed, printed
    assert "Traceback" not in printed, printed
