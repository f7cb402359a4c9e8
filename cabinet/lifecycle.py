"""What a worker is doing right now: in-flight requests and socket events, and whether it is
draining (SIGTERM received: finish what is running, accept nothing new)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator


class Lifecycle:
    """The worker's in-flight counter and draining flag (one per process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.inflight = 0
        self.draining = False

    def enter(self) -> None:
        """One more request or event in flight."""
        with self._lock:
            self.inflight += 1

    def leave(self) -> None:
        """One request or event done."""
        with self._lock:
            self.inflight -= 1

    @contextlib.contextmanager
    def busy(self) -> Iterator[None]:
        """Count the enclosed request or event as in flight."""
        self.enter()
        try:
            yield
        finally:
            self.leave()


worker = Lifecycle()
