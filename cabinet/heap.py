"""The garbage collector of a serving process: the start-up heap frozen, young collections rarer.

A serving process holds some 250,000 objects from start-up (modules, mappers, compiled SQL,
templates, catalogues) that live as long as it does. Every full collection walked all of
them: under a burst of joins about every join triggered one, a pause of the whole process of
up to a second or two on a busy machine, during which no tablet heard anything (the fan-out
stall of issue 15, docs/profile-before.md). `gc.freeze()` moves them out of every collection;
a higher first threshold lets the short-lived objects of an event die young instead of being
promoted and walked again.
"""

from __future__ import annotations

import gc

#: Objects allocated (minus freed) before a young collection; Python's default is 700.
YOUNG_THRESHOLD = 50_000


def settle_heap() -> None:
    """Call once the app is built, before serving: collect, freeze, raise the thresholds."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
