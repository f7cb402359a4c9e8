"""The baseline: a bare python-socketio server on gevent, served as Flask-SocketIO serves the app.

    python bench/tablets/bare_server.py PORT [--redis URL] [--shapes shapes.json]

Several of them behind nginx on one ``--redis`` are the bare cluster of `bench/bench_cluster.py`
(a broadcast from one server reaches the clients of all, as with the app's workers).

Same transport settings as the app (`cabinet/__init__.py`: ping interval and timeout 10 s,
1 MB buffer; gevent's WSGI server with gevent-websocket, no access log) and the same message
queue setting (a Redis manager when ``--redis`` is given, on a channel of its own so that it
never talks to the app's server on the same Redis). No Flask, no session, no database:

* ``meeting.join``: enters the meeting's room (``meeting:<meeting_id>``), acks ``{"ok": true, "state": ...}`` with the state the app
  sent a tablet (``--shapes``: captured from the app at the start of the run), so the same
  bytes go over the wire;
* ``POST /trigger`` ``{"order": [...], "meeting_id": 1}``: broadcasts ``agenda.reordered`` to
  that meeting's room (meeting 1 when none is named);
* ``vote.open`` / ``vote.close``: broadcast ``vote.opened`` / ``vote.closed`` with the app's
  poll payload; ``vote.cast``: acks a receipt from memory (a dict keyed by client id, so a
  resent cast is acked as a duplicate, as the app does).
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

import socketio  # noqa: E402
from gevent import pywsgi  # noqa: E402
from geventwebsocket.handler import WebSocketHandler  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("port", type=int)
parser.add_argument("--redis")
parser.add_argument("--shapes")
args = parser.parse_args()

shapes = {"state": {}, "poll": {"id": 0, "result": None}}
if args.shapes:
    with open(args.shapes) as handle:
        shapes = json.load(handle)

manager = socketio.RedisManager(args.redis, channel="bench-bare") if args.redis else None
sio = socketio.Server(
    async_mode="gevent",
    client_manager=manager,
    ping_interval=10,
    ping_timeout=10,
    max_http_buffer_size=1_000_000,
)
ROOM = "meeting:1"  # the votes' room (bench_tablets.py follows meeting 1)
poll_ids = itertools.count(1_000_000)
receipts: dict[str, dict] = {}
state = {"version": 0}


@sio.on("meeting.join")
def join(sid, data):
    sio.enter_room(sid, f"meeting:{data.get('meeting_id', 1)}")
    return {"ok": True, "state": shapes["state"]}


def _poll(poll_id, closed):
    poll = dict(shapes["poll"], id=poll_id, state="closed" if closed else "open")
    if not closed:
        poll["result"], poll["closed_at"] = None, None
    return poll


@sio.on("vote.open")
def open_vote(sid, data):
    poll = _poll(next(poll_ids), closed=False)
    sio.emit("vote.opened", {"meeting_id": 1, "poll": poll}, to=ROOM)
    return {"ok": True, "poll": poll}


@sio.on("vote.cast")
def cast(sid, data):
    client_id = data["client_id"]
    receipt = receipts.get(client_id)
    duplicate = receipt is not None
    if receipt is None:
        receipt = receipts[client_id] = {
            "poll_id": data["poll_id"],
            "client_id": client_id,
            "at": datetime.now(UTC).isoformat(),
            "choice": data["choice"],
        }
    return {"ok": True, "receipt": receipt, "duplicate": duplicate}


@sio.on("vote.close")
def close_vote(sid, data):
    poll = _poll(data["poll_id"], closed=True)
    sio.emit("vote.closed", {"meeting_id": 1, "poll": poll}, to=ROOM)
    return {"ok": True, "result": poll.get("result") or {}}


def trigger(environ, start_response):
    body = json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
    state["version"] += 1
    meeting_id = body.get("meeting_id", 1)
    payload = {"meeting_id": meeting_id, "version": state["version"], "order": body["order"]}
    sio.emit("agenda.reordered", payload, to=f"meeting:{meeting_id}")
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"order": body["order"]}).encode()]


app = socketio.WSGIApp(sio, trigger)
pywsgi.WSGIServer(
    ("127.0.0.1", args.port), app, handler_class=WebSocketHandler, log=None
).serve_forever()
