"""The JSON of our Socket.IO packets: an Encoded value goes in as its text, the rest as json."""

from __future__ import annotations

import json

import pytest

from workshop.realtime.wire import Encoded, SplicingJSON, WirePacket, encode_json


def test_encoded_values_are_spliced_in_as_they_are():
    items = [{"id": "a", "fields": {"text": 'Povertà "educativa"'}}, {"id": "b"}]
    value = {"ok": True, "items": Encoded(encode_json(items)), "more": [Encoded("[1,2]"), "x"]}
    text = SplicingJSON.dumps(value, separators=(",", ":"))
    assert json.loads(text) == {"ok": True, "items": items, "more": [[1, 2], "x"]}


def test_data_that_looks_like_a_placeholder_stays_data():
    """The placeholder's token is random per packet: a text written to look like one of them
    is encoded as the string it is."""
    value = {"a": Encoded("[]"), "b": "0:0", "c": ":0"}
    assert json.loads(SplicingJSON.dumps(value)) == {"a": [], "b": "0:0", "c": ":0"}


def test_what_is_not_json_is_still_refused_and_loads_refuses_huge_integers():
    with pytest.raises(TypeError):
        SplicingJSON.dumps({"x": object()})
    with pytest.raises(ValueError):
        SplicingJSON.loads("1" * 101)


def test_an_event_packet_carries_the_encoded_text():
    packet = WirePacket(data=["ack", {"items": Encoded('[{"id":"a"}]')}])
    assert packet.encode() == '2["ack",{"items":[{"id":"a"}]}]'
