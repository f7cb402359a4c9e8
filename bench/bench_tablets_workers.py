"""What 500 tablets feel when the app runs as deployed on this 2-core machine: the scenarios of
`bench/bench_tablets.py` (the official socket.io JS client, alternating with the bare server,
medians of three alternations, SQLite and PostgreSQL) with deploy/local.py's nginx in front of
two workers (one per core) on one Redis queue, each tablet pinned by a route cookie of its own.
The baseline is deployed the same way: as many bare python-socketio servers as workers, behind
the same nginx configuration on a Redis queue, each tablet pinned by the same route cookie
(``--bare direct``: one bare server reached directly, bench_tablets.py's baseline). Saved as
bench/out/tablets_workers.json.

    python bench/bench_tablets_workers.py            # 2 workers, 3 waves, 2 bare servers
    python bench/bench_tablets_workers.py --workers 4 --waves 0
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_tablets import main  # noqa: E402

if __name__ == "__main__":
    # Defaults first: the command line's own arguments, parsed after them, win.
    defaults = ["--workers", "2", "--bare", "cluster", "--waves", "3", "--name", "tablets_workers"]
    sys.argv[1:1] = defaults
    main()
