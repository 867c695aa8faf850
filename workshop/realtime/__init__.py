"""The socket layer: thin handlers over the board engine (workshop.boards)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workshop.protocol import (
    APPLY_CHANGE,
    MAX_MESSAGE_BYTES,
    MOVE_CURSOR,
    PING_INTERVAL_S,
    PING_TIMEOUT_S,
    RUN_ACTION,
)

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from workshop.boards.sequencer import Sequencers
    from workshop.boards.service import WriteLocks
    from workshop.boards.snapshots import SnapshotCache
    from workshop.extensions import db, socketio
    from workshop.realtime import handlers  # noqa: F401 - registers the event handlers
    from workshop.realtime.guards import app_context_event
    from workshop.realtime.origins import origin_check
    from workshop.realtime.rights import RightsBus
    from workshop.realtime.sessions import SocketEventsSessionInterface
    from workshop.realtime.wire import WirePacket

    app.session_interface = SocketEventsSessionInterface()
    locks = WriteLocks.for_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.extensions["workshop_write_locks"] = locks
    # Socket changes go through their board's sequencer (group commit, boards/sequencer.py).
    app.extensions["workshop_sequencers"] = Sequencers(
        locks, lambda: db.session, handlers.sequencer_spawner(app)
    )
    app.extensions["workshop_snapshots"] = SnapshotCache()
    # With Redis the calls' registry is shared, so the peers of one call may sit on any process.
    if app.config["REDIS_URL"]:
        import redis

        from workshop.calls.shared_registry import REDIS_TIMEOUT_S, SharedCallRegistry

        timeout = {"socket_connect_timeout": REDIS_TIMEOUT_S, "socket_timeout": REDIS_TIMEOUT_S}
        app.extensions["workshop_calls"] = SharedCallRegistry(
            redis.Redis.from_url(app.config["REDIS_URL"], **timeout),
            app.config["SOCKETIO_CHANNEL"] + ":calls",
        )
    # Rights changes reach every process's sockets: on a channel of their own beside Socket.IO's.
    app.extensions["workshop_rights_bus"] = RightsBus(
        app.config["REDIS_URL"], app.config["SOCKETIO_CHANNEL"] + ":rights"
    )

    extra = app.config["SOCKETIO_EXTRA_ORIGINS"]
    if "*" in extra:
        raise ValueError("WORKSHOP_ALLOWED_ORIGINS may not contain '*': list the origins")
    # Flask-SocketIO keeps a message queue's client manager from an earlier init_app in its
    # options: an app built without Redis after one built with it (tests) must not inherit it.
    socketio.server_options.pop("client_manager", None)
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["REDIS_URL"],
        channel=app.config["SOCKETIO_CHANNEL"],
        # The page's own origin always, and the listed ones (realtime/origins.py). Never [] (that
        # turns python-engineio's check off) and never "*".
        cors_allowed_origins=origin_check(
            extra,
            app.config.get("BASE_URL"),
            app.config.get("TRUSTED_HOSTS"),
            app.config["PROXY_FIX_HOPS"],
        ),
        max_http_buffer_size=MAX_MESSAGE_BYTES,
        # Broken JSON, deep nesting and odd event names become a clean bad_request.
        serializer=WirePacket,
        ping_interval=PING_INTERVAL_S,
        ping_timeout=PING_TIMEOUT_S,
        # The cookie session is read once at connect. Events do not re-read the AuthSession: the
        # socket's principal is re-loaded when rights change (on every process, realtime/rights.py)
        # and by a sweep every AUTH_RECHECK_INTERVAL_S (realtime/sessions.py).
        manage_session=False,
        logger=False,
        engineio_logger=False,
    )
    if socketio.server.eio.async_mode == "gevent":  # an eventlet process never imports gevent
        from workshop.realtime import unmask
        from workshop.realtime.direct_writes import DirectWrites

        # A message to a WebSocket is written at once when nothing waits before it.
        DirectWrites.install(socketio.server.eio)
        unmask.install()  # what clients send, unmasked in C
    socketio.server.on(MOVE_CURSOR, handlers.on_move_cursor, namespace="/")
    # A board's changes: in an app context, without Flask-SocketIO's request per event.
    for event, handler in (
        (APPLY_CHANGE, handlers.on_apply_change),
        (RUN_ACTION, handlers.on_run_action),
    ):
        socketio.server.on(event, app_context_event(app, handler), namespace="/")
