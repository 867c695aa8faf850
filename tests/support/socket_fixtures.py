"""Fixtures for socket tests (imported by tests/realtime and tests/reliability conftests)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.support.sockets import Clients
from workshop.access import service as access
from workshop.extensions import db
from workshop.models import InviteRole
from workshop.realtime import handlers
from workshop.realtime.presence import presence
from workshop.realtime.sessions import registry


@pytest.fixture
def clients(app):
    """Socket clients; every one is closed afterwards, and the server must then hold no trace
    of them (no registered socket, no peer left on any board)."""
    opened = Clients(app)
    yield opened
    opened.close_all()
    leftover = [e.sid for e in registry.all()]
    assert not leftover, f"sockets still registered after every client closed: {leftover}"
    assert not presence._peers, f"peers still present after every client closed: {presence._peers}"


@dataclass
class Cast:
    """Everyone a board test needs, with the boards they reach."""

    world: object
    board: int  # project A's first board: the board most tests use
    board_a2: int  # another board of project A
    board_b: int  # a board of project B
    scoped_invite_a2: object  # a participant invite for board_a2 only

    def __getattr__(self, name):
        return getattr(self.world, name)


@pytest.fixture
def cast(world) -> Cast:
    boards_a = sorted(b.id for b in world.project_a.boards)
    boards_b = sorted(b.id for b in world.project_b.boards)
    scoped = access.create_invite(
        db.session, world.project_a.id, None, board_id=boards_a[1], role=InviteRole.PARTICIPANT
    )
    db.session.commit()
    return Cast(world, boards_a[0], boards_a[1], boards_b[0], scoped)


@pytest.fixture
def sweep(app):
    """Run the periodic session re-check now, as its timer would."""
    return lambda: handlers._recheck_sessions(app)


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    """Socket tests never check a password: a one-round hash saves ~0.4 s per account made."""
    from werkzeug.security import generate_password_hash

    monkeypatch.setattr(
        "workshop.models.user.generate_password_hash",
        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1"),
    )
