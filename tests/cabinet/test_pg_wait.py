"""The gevent worker's psycopg wait (cabinet/pg_wait.py), in a monkey-patched process on the
real PostgreSQL: the same results and errors, other greenlets run while one waits for the
server, a connection the server drops mid-query fails instead of hanging, and a pipelined
executemany on a ready socket no longer switches to the hub once per row."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import BACKEND, PG_URL, ROOT

SCRIPT = r"""
from gevent import monkey

monkey.patch_all()

import json
import sys

import gevent
import greenlet
import psycopg

from cabinet import pg_wait

if sys.argv[2] == "installed":
    pg_wait.install()
url = sys.argv[1]
found = {}
switches = [0]


def count(event, args):
    switches[0] += event == "switch"


with psycopg.connect(url) as conn:
    conn.execute("CREATE TEMP TABLE w (k int PRIMARY KEY, note text)")
    rows = [(i, "Biểu quyết thông qua") for i in range(300)] + [(5, "again")]
    with conn.cursor() as cursor:
        greenlet.settrace(count)
        cursor.executemany("INSERT INTO w VALUES (%s, %s) ON CONFLICT DO NOTHING", rows)
        greenlet.settrace(None)
        found["inserted"] = cursor.rowcount
    found["switches"] = switches[0]
    found["stored"] = list(conn.execute("SELECT count(*), min(note) FROM w").fetchone())
    try:
        conn.execute("SELECT 1/0")
    except psycopg.errors.DivisionByZero:
        found["error"] = "division by zero"
    conn.rollback()
    found["after_error"] = conn.execute("SELECT 2").fetchone()[0]

order = []


def slow():
    with psycopg.connect(url) as c:
        c.execute("SELECT pg_sleep(0.5)")
    order.append("slow")


def quick():
    with psycopg.connect(url) as c:
        c.execute("SELECT 1")
    order.append("quick")


first = gevent.spawn(slow)
gevent.sleep(0.1)  # the slow one waits for the server now
gevent.joinall([first, gevent.spawn(quick)], raise_error=True)
found["order"] = order

victim = psycopg.connect(url)
backend = victim.info.backend_pid


def waits():
    try:
        victim.execute("SELECT pg_sleep(30)")
    except psycopg.OperationalError:
        return "dropped"
    return "finished"


waiting = gevent.spawn(waits)
gevent.sleep(0.3)
with psycopg.connect(url, autocommit=True) as admin:
    admin.execute("SELECT pg_terminate_backend(%s)", (backend,))
found["dropped"] = waiting.get(timeout=20)
print(json.dumps(found))
"""


def _run(mode: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, PG_URL or "", mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(
    BACKEND != "postgres", reason="psycopg waits only on PostgreSQL: runs in the PostgreSQL pass"
)
def test_the_gevent_wait_answers_as_psycopgs_own_and_skips_the_hub_when_ready():
    ours, theirs = _run("installed"), _run("psycopg's own")
    for found in (ours, theirs):
        assert found["inserted"] == 300  # the resent key was left alone
        assert found["stored"] == [300, "Biểu quyết thông qua"]
        assert found["error"] == "division by zero"
        assert found["after_error"] == 2
        assert found["order"] == ["quick", "slow"]  # nobody blocked the process
        assert found["dropped"] == "dropped"  # a dropped connection fails, never hangs
    # psycopg's wait on gevent's poll went through the hub for every row of the pipeline
    assert theirs["switches"] > 300
    assert ours["switches"] < 30, ours["switches"]
