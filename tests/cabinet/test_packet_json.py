"""Socket.IO packets with parts encoded once (`cabinet.packet_json`): the text is the one
python-socketio would send for the plain values, nothing that merely looks like a placeholder
is replaced, and a real join ack goes out that way and decodes to the same snapshot."""

from __future__ import annotations

import json

import pytest

from cabinet.packet_json import Encoded, dumps, encoded
from cabinet.realtime import JsonPacket

ITEM = {"id": 7, "title": 'Tờ trình về "Luật Đất đai"\n(sửa đổi)', "papers": [{"id": 1}]}


def test_encoded_parts_are_placed_as_the_plain_values_would_be():
    plain = {"ok": True, "state": {"items": [ITEM, {"id": 8}], "n": [1, None, "x"]}}
    parts = {
        "ok": True,
        "state": {"items": [encoded(ITEM), encoded({"id": 8})], "n": [1, None, "x"]},
    }
    compact = {"separators": (",", ":")}  # what python-socketio asks for
    assert dumps(parts, **compact) == json.dumps(plain, **compact)  # the same text
    for kwargs in ({}, {"ensure_ascii": False}):  # other options: the same values
        assert json.loads(dumps(parts, **kwargs)) == plain
    assert dumps(plain) == json.dumps(plain)  # nothing encoded: json's own text
    assert json.loads(dumps(encoded(parts))) == plain  # encoded parts inside an encoded part


def test_only_its_own_marks_are_replaced():
    lookalike = {"a": "\x000", "b": "\\u00000", "c": Encoded('"z"')}
    assert json.loads(dumps(lookalike)) == {"a": "\x000", "b": "\\u00000", "c": "z"}


def test_other_objects_still_refuse_to_encode():
    with pytest.raises(TypeError, match="set is not JSON serializable"):
        dumps({"ids": {1, 2}})


def test_the_apps_packets_encode_with_it_and_read_as_before():
    packet = JsonPacket(packet_type=3, data=[{"ok": True, "items": [encoded(ITEM)]}], id=12)
    text = packet.encode()
    assert text == "312" + json.dumps([{"ok": True, "items": [ITEM]}], separators=(",", ":"))
    incoming = JsonPacket(encoded_packet='2["vote.cast",{"poll_id":1}]')
    assert incoming.data == ["vote.cast", {"poll_id": 1}]
