"""Calls across processes (issue 18): with Redis the calls' registry is shared
(calls/shared_registry.py), so two people whose sockets reach different processes are in one
call, and their signalling is relayed through the Socket.IO message queue. Two real `python -m
workshop` processes on PostgreSQL and Redis."""

from __future__ import annotations

import pytest

from tests.support.services import ScratchPostgres, require_redis
from tests.support.two_processes import Pair
from workshop import protocol as P

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

OFFER = {"type": "offer", "sdp": "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n"}


def enter(client, board_id):
    return client.call(P.CALL_JOIN, {"board_id": board_id, "cam": True, "mic": False})


def test_people_on_two_processes_share_one_call_and_signal_each_other(tmp_path):
    pair = Pair(tmp_path, require_redis())
    with ScratchPostgres() as scratch:
        try:
            pair.start(scratch.url)
            board = pair.world.board
            ada = pair.on_board("ada", pair.a, "p0")
            bob = pair.on_board("bob", pair.b, "p1")
            first = enter(ada, board)
            assert first["ok"] and first["peers"] == [] and first["mode"] == "mesh"
            second = enter(bob, board)
            assert second["ok"]
            # Bob, on process B, finds Ada of process A in the call, and she is told he came.
            assert [p["peer_id"] for p in second["peers"]] == [first["peer_id"]]
            assert (
                second["peers"][0]["cam"] is True and second["peers"][0]["name"] == "Participant 0"
            )
            joined = ada.wait_for(lambda: ada.received(P.CALL_PEER_JOINED))
            assert joined[0]["peer"]["peer_id"] == second["peer_id"]
            # An offer from B reaches A, and A's answer reaches B, through the message queue.
            sent = bob.call(
                P.CALL_SIGNAL, {"board_id": board, "to": first["peer_id"], "description": OFFER}
            )
            assert sent == {"ok": True}
            signalled = ada.wait_for(lambda: ada.received(P.CALL_SIGNALLED))
            assert signalled == [
                {"board_id": board, "from": second["peer_id"], "description": OFFER}
            ]
            answer = {"type": "answer", "sdp": OFFER["sdp"]}
            assert ada.call(
                P.CALL_SIGNAL, {"board_id": board, "to": second["peer_id"], "description": answer}
            )["ok"]
            assert bob.wait_for(lambda: bob.received(P.CALL_SIGNALLED))[0]["description"] == answer
            # Media state crosses too.
            assert bob.call(
                P.CALL_MEDIA, {"board_id": board, "cam": False, "mic": True, "speaking": True}
            )["ok"]
            media = ada.wait_for(lambda: ada.received(P.CALL_MEDIA_CHANGED))
            assert media[0]["peer"]["mic"] is True and media[0]["peer"]["speaking"] is True
            # A peer id that is not in the call stays out of reach.
            refused = bob.call(
                P.CALL_SIGNAL, {"board_id": board, "to": "nobody", "description": OFFER}
            )
            assert refused["error"]["code"] == P.FORBIDDEN
            # Bob's socket closes on B: Ada on A sees him leave, and a newcomer finds only her.
            bob.close()
            left = ada.wait_for(lambda: ada.received(P.CALL_PEER_LEFT))
            assert left == [{"board_id": board, "peer_id": second["peer_id"]}]
            cleo = pair.on_board("cleo", pair.b, "p2")
            assert [p["peer_id"] for p in enter(cleo, board)["peers"]] == [first["peer_id"]]
            assert pair.log_problems() == []
        finally:
            pair.close()
