"""docs/protocol.md lists exactly the events the server handles and emits, and the browser code
listens only for events the server emits and sends only events it handles.

Handled events come from the running app's Socket.IO server (every `socket_event` and
`socketio.on`). Emitted events are read from the source: string names passed to
`emit_after_commit(...)` / `socketio.emit(...)`, or to a helper that forwards its `event`
parameter to one of them (`_announce(poll, "vote.closed", ...)`)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "protocol.md"
NOT_SERVER_CODE = {"tests", "migrations", "bench", "scripts", "docs", "static", "templates"}
SOCKETIO_BUILTINS = {"connect", "disconnect", "connect_error", "reconnect_attempt"}
EVENT_NAME = re.compile(r"^[a-z_]+(\.[a-z_]+)*$")


# ---------------------------------------------------------------------------- the document


def _catalogue() -> tuple[set[str], set[str]]:
    """(client → server, server → client) names from the two tables of the event catalogue."""
    text = DOC.read_text(encoding="utf-8")
    catalogue = text[text.index("## Event catalogue") :]
    tables: list[set[str]] = []
    current: set[str] | None = None
    for line in catalogue.splitlines():
        if not line.startswith("|"):
            if current is not None:
                tables.append(current)
                current = None
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if current is None:  # the header row
            current = set()
            continue
        if set(cells[0]) <= {"-", ":"}:
            continue
        current.update(re.findall(r"`([^`]+)`", cells[0]))
    if current is not None:
        tables.append(current)
    assert len(tables) == 2, "the catalogue has a client → server and a server → client table"
    return tables[0], tables[1]


# ------------------------------------------------------------------------------ the server


def _server_modules() -> list[Path]:
    packages = [
        d
        for d in ROOT.iterdir()
        if d.is_dir() and (d / "__init__.py").is_file() and d.name not in NOT_SERVER_CODE
    ]
    return [p for d in packages for p in d.rglob("*.py")]


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    if isinstance(call.func, ast.Name):
        return call.func.id
    return None


def _positional_params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    return [a.arg for a in fn.args.posonlyargs + fn.args.args]


def emitted_events() -> dict[str, set[str]]:
    """Every event name the server code emits, with the files that emit it."""
    trees = [(p, ast.parse(p.read_text(encoding="utf-8"))) for p in _server_modules()]
    functions = [
        fn
        for _, tree in trees
        for fn in ast.walk(tree)
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    # Callables that put a name on the wire, with the positions of that name among their args.
    sinks: dict[str, set[int]] = {"emit_after_commit": {0}, "emit": {0}}
    changed = True
    while changed:
        changed = False
        for fn in functions:
            params = _positional_params(fn)
            for call in ast.walk(fn):
                if not isinstance(call, ast.Call) or _callee(call) not in sinks:
                    continue
                for i in sinks[_callee(call)]:
                    arg = call.args[i] if len(call.args) > i else None
                    if isinstance(arg, ast.Name) and arg.id in params and "event" in arg.id:
                        position = params.index(arg.id)
                        if position not in sinks.setdefault(fn.name, set()):
                            sinks[fn.name].add(position)
                            changed = True
    found: dict[str, set[str]] = {}
    for path, tree in trees:
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call) or _callee(call) not in sinks:
                continue
            for i in sinks[_callee(call)]:
                arg = call.args[i] if len(call.args) > i else None
                named = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                if named and EVENT_NAME.match(arg.value):
                    found.setdefault(arg.value, set()).add(str(path.relative_to(ROOT)))
    return found


def error_codes() -> set[str]:
    """The stable codes of the domain errors (`code = "vote.closed"` on a DomainError class)."""
    codes = set()
    for path in _server_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    target = stmt.targets[0] if isinstance(stmt, ast.Assign) else None
                    is_code = isinstance(target, ast.Name) and target.id == "code"
                    if is_code and isinstance(stmt.value, ast.Constant):
                        codes.add(stmt.value.value)
    return codes


def handled_events() -> set[str]:
    """Every client → server event the running app's Socket.IO server answers."""
    from cabinet.extensions import socketio

    return set(socketio.server.handlers["/"]) - SOCKETIO_BUILTINS


# ----------------------------------------------------------------------------- the browser

LISTENS = re.compile(r"""(?:\bon|\.once|\?\.on\?\.)\(\s*["']([\w.]+)["']""")
SENDS = re.compile(r"""(?:\brequest|\bemitOnce|\.emit)\(\s*["']([\w.]+)["']""")


def _browser_code() -> dict[str, str]:
    files = [p for p in (ROOT / "static" / "js").rglob("*.js") if "vendor" not in p.parts]
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in files}


# ------------------------------------------------------------------------------- the tests


def test_the_catalogue_lists_exactly_the_events_the_server_handles(app):
    documented, _ = _catalogue()
    handled = handled_events()
    assert not handled - documented, f"handled but not in docs/protocol.md: {handled - documented}"
    assert not documented - handled, f"in docs/protocol.md but not handled: {documented - handled}"


def test_the_catalogue_lists_exactly_the_events_the_server_emits():
    _, documented = _catalogue()
    emitted = emitted_events()
    missing = {name: sorted(files) for name, files in emitted.items() if name not in documented}
    assert not missing, f"emitted but not in docs/protocol.md: {missing}"
    stale = documented - set(emitted)
    assert not stale, f"in docs/protocol.md but never emitted: {stale}"


def test_the_emitted_events_are_found_at_all():
    # The source scan must keep seeing the helpers that wrap emit_after_commit.
    emitted = emitted_events()
    for name in ("vote.closed", "agenda.reordered", "paper.withdrawn", "minutes.updated"):
        assert name in emitted, name


def test_the_browser_listens_only_for_emitted_events_and_sends_only_handled_ones(app):
    emitted, handled = set(emitted_events()), handled_events()
    for path, text in _browser_code().items():
        heard = set(LISTENS.findall(text)) - SOCKETIO_BUILTINS
        assert heard <= emitted, (
            f"{path} listens for events the server never emits: {heard - emitted}"
        )
        sent = set(SENDS.findall(text))
        assert sent <= handled, f"{path} sends events the server does not handle: {sent - handled}"


def test_docs_and_headers_name_no_event_or_code_that_does_not_exist(app):
    known = set(emitted_events()) | handled_events() | error_codes()
    texts = {"docs/protocol.md": DOC.read_text(encoding="utf-8")}
    texts["static/js/realtime.js"] = (ROOT / "static/js/realtime.js").read_text(encoding="utf-8")
    families = {name.split(".")[0] for name in known}
    for path, text in texts.items():
        for name in re.findall(r"[\"`']([a-z_]+\.[a-z_]+)[\"`']", text):
            if name.split(".")[0] in families | {"poll", "speaker"}:
                assert name in known, (
                    f"{path} names {name!r}, which the server neither handles nor emits"
                )
