"""deploy/local.py's status lines reach its stdout whole, whatever its workers write meanwhile.

The workers share the supervisor's stdout. Under PYTHONUNBUFFERED (set on CI's machine) `print`
writes a text and its newline in two calls, and a worker's log line once landed between them:
the rolling-restart test read `WORKER 0 pid=… exited code=02026-12-04 …` as exit code 2026.
"""

from __future__ import annotations

import importlib.util
import io

from tests.conftest import ROOT


class Pipe(io.RawIOBase):
    """An unbuffered stream that keeps each write apart (what `python -u` writes through)."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[no-untyped-def, override]
        self.writes.append(bytes(data))
        return len(data)


def unbuffered() -> tuple[io.TextIOWrapper, Pipe]:
    pipe = Pipe()
    return io.TextIOWrapper(pipe, encoding="utf-8", write_through=True), pipe


def test_each_status_line_is_one_write(monkeypatch):
    spec = importlib.util.spec_from_file_location("deploy_local", ROOT / "deploy" / "local.py")
    local = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(local)

    stdout, pipe = unbuffered()
    print("WORKER 0 pid=41 exited code=0", file=stdout, flush=True)
    assert pipe.writes == [b"WORKER 0 pid=41 exited code=0", b"\n"]  # the hazard: two writes

    stdout, pipe = unbuffered()
    monkeypatch.setattr("sys.stdout", stdout)
    local.say("WORKER 0 pid=41 exited code=0")
    local.say("READY http://127.0.0.1:8080 workers=5001,5002")
    assert pipe.writes == [
        b"WORKER 0 pid=41 exited code=0\n",
        b"READY http://127.0.0.1:8080 workers=5001,5002\n",
    ]
