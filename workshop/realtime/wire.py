"""Decoding what clients send, so that a frame which is not a well-formed event still gets a
clean answer instead of an exception inside python-socketio; and encoding once what many get.

python-socketio decodes each packet's JSON before any handler runs, and it raises on broken
JSON, on nesting deeper than the interpreter's recursion limit, on integers longer than 100
digits (engineio's safe parser), and later on event names that are not strings (a dict cannot
be looked up among the handlers). None of that reaches our handlers, so none of it would be
acknowledged. This packet class turns every such event into MALFORMED_EVENT, which the catch-all
handler acknowledges with `bad_request` (when the client asked for an ack), and it does the same
for the event names that python-socketio reserves for its own handlers.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from engineio import json as engineio_json
from socketio import packet

# Not a name any client can mean: it holds a NUL, which no protocol event does.
MALFORMED_EVENT = "\x00malformed"
# A client event with one of these names would reach the connect/disconnect handlers or the
# catch-all registration itself.
RESERVED_EVENT_NAMES = frozenset({"connect", "disconnect", "*"})
_EVENT_TYPES = (packet.EVENT, packet.BINARY_EVENT)


class Encoded:
    """A value already encoded as JSON, spliced into a packet as it is: a board's snapshot,
    encoded once per board and seq and sent to every joiner (5,000 items take ~16 ms to encode,
    for each of them, on the event loop)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def encode_json(value: Any) -> str:
    """JSON as packets hold it (Socket.IO's separators)."""
    return json.dumps(value, separators=(",", ":"))


class SplicingJSON:
    """The JSON of our packets: engineio's (its loads refuses 100-digit integers), and an
    Encoded value goes in as its text. Each is first written as a placeholder string with a
    random token, which no data can hold by chance, then replaced."""

    loads = staticmethod(engineio_json.loads)

    @staticmethod
    def dumps(value: Any, **kwargs: Any) -> str:
        texts: list[str] = []
        token = ""

        def splice(found: Any) -> str:
            nonlocal token
            if not isinstance(found, Encoded):
                raise TypeError(f"{type(found).__name__} is not JSON")
            token = token or uuid.uuid4().hex
            texts.append(found.text)
            return f"{token}:{len(texts) - 1}"

        encoded = json.dumps(value, default=splice, **kwargs)
        for index, text in enumerate(texts):
            encoded = encoded.replace(f'"{token}:{index}"', text, 1)
        return encoded


class WirePacket(packet.Packet):
    """A Socket.IO packet whose decoding never fails for an event from a client, and whose
    encoding splices Encoded values in."""

    json = SplicingJSON

    def decode(self, encoded_packet):
        try:
            attachments = super().decode(encoded_packet)
        except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
            if self.packet_type not in _EVENT_TYPES:
                raise
            # Keep the ack id if it was read: the client then gets its refusal.
            self.packet_type = packet.EVENT
            self.data = [MALFORMED_EVENT]
            return 0
        if self.packet_type in _EVENT_TYPES and not _well_formed_event(self.data):
            self.data = [MALFORMED_EVENT]
        return attachments


def _well_formed_event(data) -> bool:
    return (
        isinstance(data, list)
        and len(data) > 0
        and isinstance(data[0], str)
        and data[0] not in RESERVED_EVENT_NAMES
    )
