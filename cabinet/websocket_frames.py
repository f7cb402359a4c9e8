"""gevent-websocket's frame checks, done by C code instead of a Python loop per byte.

Every frame a tablet sends is masked (RFC 6455 §5.3) and every text frame must be valid UTF-8
(§8.1). gevent-websocket unmasks a frame byte by byte in Python and checks UTF-8 with a
Python state machine, twice per message (the frame, then the message), unless the optional
Cython package `wsaccel` is installed. In a burst of 500 casts that was 3 % of the worker's CPU
(open votes) and 9 % (sealed ballots: longer frames) in py-spy (bench/tablets). `install()`
replaces both, same results: the unmask XORs the payload as one integer; the UTF-8 check is
Python's own incremental decoder, answering as the validator it replaces does
(`valid, ends on a code point, index in this chunk, index in the message`).
"""

from __future__ import annotations

import codecs
from typing import Any

_DECODER = codecs.getincrementaldecoder("utf-8")


class Utf8Check:
    """The interface of `geventwebsocket.utf8validator.Utf8Validator`: `reset()` per message,
    `validate(chunk)` per chunk, the state kept between chunks."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """A new message."""
        self._decoder = _DECODER()
        self._total = 0

    def validate(self, chunk: bytes | bytearray) -> tuple[bool, bool, int, int]:
        """Whether the bytes so far are valid UTF-8 (or a valid start of it)."""
        try:
            self._decoder.decode(chunk)
        except UnicodeDecodeError as error:
            return False, False, error.start, self._total + error.start
        self._total += len(chunk)
        pending = self._decoder.getstate()[0]
        return True, not pending, len(chunk), self._total


def unmask(header: Any, payload: bytes | bytearray) -> bytearray:
    """A frame's payload XORed with its 4-byte masking key (the operation is its own inverse)."""
    length = len(payload)
    if not length:
        return bytearray()
    key = (bytes(header.mask) * (length // 4 + 1))[:length]
    value = int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")
    return bytearray(value.to_bytes(length, "big"))


def install() -> None:
    """Use these in gevent-websocket (the gevent worker's WebSocket server)."""
    from geventwebsocket import websocket

    websocket.Utf8Validator = Utf8Check  # read by every new WebSocket and close frame
    websocket.Header.mask_payload = unmask
    websocket.Header.unmask_payload = unmask
