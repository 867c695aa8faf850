"""At most MAX_SOCKETS_PER_PERSON sockets per person on a process (issue 19): the next one is
refused at connect with `too_many_sockets`; another person is not affected; one closing makes
room again. The code a real client receives: tests/reliability/test_socket_cap_real_server.py."""

from __future__ import annotations

from workshop import protocol as P
from workshop.realtime.sessions import registry


def test_the_ninth_socket_of_one_participant_is_refused(clients, cast):
    session = clients.as_participant(cast.invite_a).auth_session_id
    tabs = [clients.open(session) for _ in range(P.MAX_SOCKETS_PER_PERSON - 1)]
    assert all(tab.connected for tab in tabs) and len(registry.all()) == P.MAX_SOCKETS_PER_PERSON
    ninth = clients.open(session)
    assert not ninth.connected
    assert len(registry.all()) == P.MAX_SOCKETS_PER_PERSON  # no connect handler state left behind
    # Someone else still gets in.
    assert clients.as_participant(cast.invite_a, "Ugo").connected
    # One tab closes: there is room again.
    tabs[0].disconnect()
    assert clients.open(session).connected


def test_the_cap_counts_a_person_across_their_logins(clients, cast):
    """An organizer logged in on two browsers is one person: 8 sockets in all."""
    first = [clients.as_user(cast.organizer) for _ in range(P.MAX_SOCKETS_PER_PERSON // 2)]
    second = [clients.as_user(cast.organizer) for _ in range(P.MAX_SOCKETS_PER_PERSON // 2)]
    assert all(c.connected for c in first + second)
    assert not clients.as_user(cast.organizer).connected
    assert clients.as_user(cast.conductor).connected
