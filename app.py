"""The WSGI application and the production entry point.

`python app.py` serves the app with the configured async mode (gevent by default);
`flask --app app cabinet ...` runs the administration commands.
"""

import os
import sys

_MODE = os.environ.get("ECABINET_ASYNC_MODE", "gevent").strip().lower() or "gevent"
# Patch before anything imports socket or threading, and only when serving; imported here, not
# at the top, because the patch must come first and eventlet is an optional extra.
if __name__ == "__main__" and _MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()
elif __name__ == "__main__" and _MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()

from cabinet import create_app  # noqa: E402
from cabinet.config import ConfigError  # noqa: E402
from cabinet.extensions import socketio  # noqa: E402

try:
    app = create_app()
except ConfigError as error:  # one clear line, no traceback
    print(f"e-Cabinet cannot start: {error}", file=sys.stderr)
    sys.exit(2)


if __name__ == "__main__":
    from cabinet.heap import settle_heap

    settle_heap()  # the start-up heap out of every collection (no process-wide pauses)
    host = os.environ.get("ECABINET_HOST", "127.0.0.1")
    port = int(os.environ.get("ECABINET_PORT", "5000"))
    print(f"e-Cabinet serving on http://{host}:{port}  (async mode: {_MODE})", flush=True)
    if _MODE == "gevent":  # graceful SIGTERM, structured logs (cabinet/serve.py)
        from cabinet import serve

        serve.run(app, host, port)
    else:
        socketio.run(
            app, host=host, port=port, allow_unsafe_werkzeug=_MODE == "threading", log_output=False
        )
