"""The gevent worker's WebSocket frame checks (cabinet/websocket_frames.py) answer as
gevent-websocket's own Python ones, and a real worker still closes a socket whose text frame
is not UTF-8 while it reads Vietnamese text."""

from __future__ import annotations

import json
import random

import websocket
from geventwebsocket.utf8validator import Utf8Validator
from geventwebsocket.websocket import Header

from cabinet.websocket_frames import Utf8Check, unmask
from tests.workers import gevent_workers

SAMPLES = [
    "Biểu quyết thông qua Tờ trình số 12/TTr-BTC".encode(),
    "€𝄞 ả ậ đ Ữ".encode(),
    b"\xc3\x28",  # invalid continuation
    b"\xed\xa0\x80",  # a UTF-16 surrogate
    b"\xf4\x90\x80\x80",  # above U+10FFFF
    b"\xc0\xaf",  # overlong
    b"\xe2\x82",  # truncated: valid so far, not on a code point
    b"\xff",
    b"",
]


def _original(chunks: list[bytes]) -> list[tuple[bool, bool]]:
    validator = Utf8Validator()
    return [validator.validate(chunk)[:2] for chunk in chunks]


def _ours(chunks: list[bytes]) -> list[tuple[bool, bool]]:
    check = Utf8Check()
    found = []
    for chunk in chunks:
        found.append(check.validate(chunk)[:2])
        if not found[-1][0]:
            break  # the reader closes the socket at the first refusal
    return found


def _until_refused(results: list[tuple[bool, bool]]) -> list[tuple[bool, bool]]:
    for n, (valid, _) in enumerate(results):
        if not valid:
            return results[: n + 1]
    return results


def _accepted(results: list[tuple[bool, bool]]) -> bool:
    """The message is read: every chunk valid, the last ending on a code point."""
    return all(valid for valid, _ in results) and results[-1][1]


def test_the_utf8_check_agrees_with_gevent_websockets_validator():
    assert Utf8Validator.__module__ == "geventwebsocket.utf8validator"  # the Python one
    rng = random.Random(1007)
    cases = [[s] for s in SAMPLES]
    for _ in range(3000):
        text = b"".join(
            rng.choice(SAMPLES)
            if rng.random() < 0.3
            else bytes([rng.randrange(rng.choice((128, 256)))])
            for _ in range(rng.randrange(1, 6))
        )
        cuts = sorted(rng.sample(range(len(text) + 1), min(2, len(text) + 1)))
        cases.append([text[: cuts[0]], text[cuts[0] : cuts[-1]], text[cuts[-1] :]])
    refused = 0
    for chunks in cases:
        ours, original = _ours(chunks), _until_refused(_original(chunks))
        # The same verdict on every message; a valid one chunk by chunk alike. An invalid one
        # may be refused a chunk later (Python's decoder waits for the byte after a surrogate's
        # or an out-of-range lead's second byte), never earlier and never not at all.
        assert _accepted(ours) == _accepted(original), chunks
        assert len(ours) >= len(original), chunks
        if _accepted(original):
            assert ours == original, chunks
        refused += not _accepted(original)
    assert 300 < refused < len(cases) - 300  # both kinds were tried, many times
    check = Utf8Check()
    assert check.validate("ả".encode()) == (True, True, 3, 3)
    assert check.validate(b"\xe2\x82") == (True, False, 2, 5)
    check.reset()
    assert check.validate(b"ab\xff") == (False, False, 2, 2)


def test_unmasking_agrees_with_gevent_websockets():
    rng = random.Random(6455)
    for length in [0, 1, 3, 4, 5, 127, 128, 1000, 70_000]:
        payload = rng.randbytes(length)
        header = Header(fin=1, opcode=1, length=length)
        header.mask = rng.randbytes(4)
        expected = bytearray(payload)
        for i in range(length):  # RFC 6455 §5.3
            expected[i] ^= header.mask[i % 4]
        assert unmask(header, payload) == expected
        assert unmask(header, bytes(expected)) == bytearray(payload)


def test_a_gevent_worker_reads_vietnamese_text_and_refuses_bytes_that_are_not_utf8(
    tmp_path, redis_url
):
    with gevent_workers(tmp_path, redis_url, (), count=1) as (workers, _):
        url = workers.bases[0].replace("http://", "ws://")
        url += "/socket.io/?EIO=4&transport=websocket"
        good = websocket.create_connection(url, timeout=10)
        try:
            assert good.recv().startswith("0{")  # Engine.IO's open packet
            # Socket.IO's CONNECT with a Vietnamese payload: answered (refused: nobody signed
            # in), so the frame was unmasked, checked and decoded.
            note = {"ghi_chú": "Biểu quyết thông qua Tờ trình số 12?"}
            good.send(f"40{json.dumps(note, ensure_ascii=False)}")
            assert good.recv()[:2] in ("40", "44")
        finally:
            good.close()

        bad = websocket.create_connection(url, timeout=10)
        try:
            assert bad.recv().startswith("0{")
            # The same CONNECT, its payload not UTF-8: the worker closes the socket unanswered.
            bad.send(b'40{"ghi_ch\xfa": "\xff\xfe"}', opcode=websocket.ABNF.OPCODE_TEXT)
            frame = bad.recv_frame()
            assert frame.opcode == websocket.ABNF.OPCODE_CLOSE, frame.data
        finally:
            bad.close()
