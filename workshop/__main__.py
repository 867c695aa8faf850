"""Serve the app: `python -m workshop [--host H] [--port P]`.

The only place that touches the async library: it must patch the standard library before
anything else imports it, and it makes the PostgreSQL driver yield instead of blocking.
"""

from __future__ import annotations

import argparse
import gc
import os

DEFAULT_PORT = 5000
LISTEN_BACKLOG = 128  # connections waiting to be accepted (eventlet.listen's default is 50)
# SQLite's busy wait blocks in C, freezing every green thread: a write that meets another
# process's lock should fail fast with a retryable `unavailable`, not stall every board for 10 s.
# (This process's own writers never wait: they are serialised before they reach SQLite.)
GREEN_SQLITE_BUSY_TIMEOUT_MS = 250


def _patch_for(mode: str, database_url: str) -> None:
    uses_postgres = database_url.startswith(("postgres://", "postgresql"))
    if mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
        if uses_postgres:
            from psycogreen.eventlet import patch_psycopg

            patch_psycopg()
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
        if uses_postgres:
            from psycogreen.gevent import patch_psycopg

            patch_psycopg()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m workshop", description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", DEFAULT_PORT)))
    args = parser.parse_args(argv)

    mode = os.environ.get("SOCKETIO_ASYNC_MODE", "gevent")
    _patch_for(mode, os.environ.get("DATABASE_URL", ""))
    if mode in ("eventlet", "gevent"):
        os.environ.setdefault("WORKSHOP_SQLITE_BUSY_TIMEOUT_MS", str(GREEN_SQLITE_BUSY_TIMEOUT_MS))

    from workshop import create_app
    from workshop.extensions import socketio

    app = create_app()
    if app.config["ENV_NAME"] == "development" and not app.config.get("MAIL_SMTP_HOST"):
        from workshop import mail

        mail.show_in_console()  # development e-mails are read on bin/run's output
    app.logger.info("serving on http://%s:%d (%s mode)", args.host, args.port, mode)
    log_output = os.environ.get("WORKSHOP_ACCESS_LOG", "0") == "1"
    freeze_start_up_objects()
    if mode == "eventlet":
        import eventlet.wsgi

        eventlet.wsgi.server(listener(args.host, args.port), app, log_output=log_output)
    elif mode == "gevent":
        from gevent import pywsgi
        from geventwebsocket.handler import WebSocketHandler  # python-engineio's WebSockets

        server = pywsgi.WSGIServer(
            listener(args.host, args.port),
            app,
            handler_class=WebSocketHandler,
            log="default" if log_output else None,
        )
        server.serve_forever()
    else:
        # The threading mode runs on Werkzeug: allowed here because it is a chosen setting.
        socketio.run(
            app,
            host=args.host,
            port=args.port,
            allow_unsafe_werkzeug=True,
            log_output=log_output,
        )


def freeze_start_up_objects() -> None:
    """What start-up built (modules, the app, its templates, SQLAlchemy's mappers) lives as long
    as the process: moved out of the cyclic collector's sight, so that a full collection scans
    only what serving made. Every board of a process stops while the collector runs; a full
    collection of everything took 120-200 ms every ten seconds or so on a slow core."""
    gc.collect()
    gc.freeze()


def listener(host: str, port: int, backlog: int = LISTEN_BACKLOG):
    """The listening socket of the green servers, with TCP_NODELAY, which the sockets it accepts
    inherit (Linux). Without it, Nagle's algorithm held a small frame sent while the previous
    one to the same client was unacknowledged until the client's delayed ACK (up to 40 ms): at
    60 clients x 2 writes/s, broadcast p95 21 ms and p99 39 ms, against 3.7 and 21 with it
    (bench/results/2026-12-02-nodelay.md). Otherwise what Flask-SocketIO's run() does, but
    without SO_REUSEPORT: a second server started on a port in use fails instead of sharing it.
    A green socket: the standard library is patched by now."""
    import socket

    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(address)
        sock.listen(backlog)
    except BaseException:
        sock.close()
        raise
    return sock


if __name__ == "__main__":
    main()
