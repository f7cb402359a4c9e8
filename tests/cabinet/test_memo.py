"""The shared memo builds a key once, however many callers miss it at the same moment."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from cabinet.memo import BoundedMemo


def _callers(memo: BoundedMemo, build, n: int = 12) -> list:
    """`n` callers that miss the same key while its first build is still running."""
    with ThreadPoolExecutor(n) as pool:
        futures = [pool.submit(memo.get_or_build, "key", build) for _ in range(n)]
        return [f.result(timeout=10) for f in futures]


def test_callers_that_miss_a_key_being_built_wait_for_that_build():
    release, builds = threading.Event(), []

    def build():
        builds.append(threading.get_ident())
        release.wait(5)  # a build that waits for the database: every other caller arrives
        return {"built": len(builds)}

    memo: BoundedMemo[dict] = BoundedMemo(size=4)
    threading.Timer(0.3, release.set).start()
    results = _callers(memo, build)

    assert len(builds) == 1
    assert results == [{"built": 1}] * 12
    assert (memo.misses, memo.hits) == (1, 11)  # the 11 found what the one built


def test_when_the_build_fails_a_waiting_caller_builds_for_itself():
    started, release, builds = threading.Event(), threading.Event(), []

    def failing():
        builds.append("failing")
        started.set()
        release.wait(5)
        raise RuntimeError("database gone")

    def working():
        builds.append("working")
        return "second"

    memo: BoundedMemo[str] = BoundedMemo(size=4)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(memo.get_or_build, "key", failing)
        assert started.wait(10)  # the first build is under way: the second caller waits for it
        second = pool.submit(memo.get_or_build, "key", working)
        while memo.waits == 0:
            threading.Event().wait(0.01)
        release.set()
        with pytest.raises(RuntimeError):
            first.result(timeout=10)
        assert second.result(timeout=10) == "second"
    assert memo.get_or_build("key", working) == "second"
    assert builds == ["failing", "working"]


def test_a_build_stuck_past_the_wait_does_not_hold_the_others():
    started, release = threading.Event(), threading.Event()

    def stuck():
        started.set()
        release.wait(5)
        return "late"

    memo: BoundedMemo[str] = BoundedMemo(size=4, wait=0.2)
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(memo.get_or_build, "key", stuck)
        assert started.wait(10)
        assert memo.get_or_build("key", lambda: "own") == "own"  # after 0.2 s, not 5
        release.set()
        assert first.result(timeout=10) == "late"


def test_least_recently_used_entries_go_beyond_the_size():
    memo: BoundedMemo[int] = BoundedMemo(size=2)
    for key in ("a", "b", "a", "c"):
        memo.get_or_build(key, lambda k=key: ord(k))
    assert len(memo) == 2
    assert memo.get_or_build("b", lambda: -1) == -1  # "b" was the least recently used
