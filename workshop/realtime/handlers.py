"""Socket event handlers: parse, authorise, act. Thin: the engine lives in workshop.boards."""

from __future__ import annotations

import logging

from flask import request, session
from flask_socketio import ConnectionRefusedError

from workshop.access import service as access
from workshop.extensions import db, socketio
from workshop.models import utcnow
from workshop.realtime import protocol as P
from workshop.realtime.sessions import registry

log = logging.getLogger(__name__)

AUTH_SESSION_KEY = "auth_session_id"  # written by web.security.start_session


@socketio.on("connect")
def on_connect(auth=None):
    """A browser opens its socket. Refused without a live login or join behind the cookie."""
    auth_session_id = session.get(AUTH_SESSION_KEY)
    who = access.load_principal(db.session, auth_session_id, utcnow()) if auth_session_id else None
    db.session.remove()
    if who is None:
        log.info("socket refused: no live session (sid=%s)", request.sid)
        raise ConnectionRefusedError(P.UNAUTHORIZED)
    registry.add(request.sid, who)


@socketio.on("disconnect")
def on_disconnect(reason=None):
    registry.remove(request.sid)
