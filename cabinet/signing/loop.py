"""Run pyHanko's synchronous API safely from any thread.

pyHanko's sync calls use `asyncio.run`, which refuses to run inside a thread that already runs
an event loop (an async worker, or Playwright's loop in the browser tests).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def off_event_loop(fn: Callable[..., T]) -> Callable[..., T]:
    """Call `fn` directly, or in a helper thread when this thread is running an asyncio loop."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return fn(*args, **kwargs)
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(fn, *args, **kwargs).result()

    return wrapper
