"""The JSON of Socket.IO packets, with parts encoded once and sent to many.

A tablet's `meeting.join` ack is ~20 kB, nine tenths of it the agenda, which is the same text
for everyone who may read the same items and has opened the same versions of their papers.
Python's encoder made that text again for every tablet that joined: 8 % of a join's CPU
(py-spy, 500 tablets joining at once, PostgreSQL). A value wrapped in `Encoded` is JSON
already, made once and kept with the snapshot it belongs to (`meetings.queries`), and goes
into the packet's text as it is. Everything else is encoded as python-socketio encodes it.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from engineio.json import loads

__all__ = ["Encoded", "dumps", "encoded", "loads"]  # loads: incoming packets, as Engine.IO's

#: Marks where an `Encoded` text goes while the rest is encoded: a NUL (which no text from
#: outside holds: every input refuses it, `cabinet.schemas`) and a random tag, in a string.
_TAG = secrets.token_hex(8)
_PLACED = re.compile(r'"\\u0000' + _TAG + r'(\d+)"')


class Encoded:
    """A value's JSON text, made once (`encoded(value)`), placed as it is in a packet."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def encoded(value: Any) -> Encoded:
    """`value` encoded as a packet encodes it (compact separators, ASCII escapes)."""
    return Encoded(dumps(value, separators=(",", ":")))


def dumps(obj: Any, **kwargs: Any) -> str:
    """`json.dumps(obj, **kwargs)`, each `Encoded` value's text in its place."""
    texts: list[str] = []

    def place(value: Any) -> str:
        if isinstance(value, Encoded):
            texts.append(value.text)
            return f"\0{_TAG}{len(texts) - 1}"
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    text = json.dumps(obj, default=place, **kwargs)
    if not texts:
        return text
    return _PLACED.sub(lambda found: texts[int(found[1])], text)
