"""A real SMTP conversation for tests: a minimal server on the loopback that keeps each message
and the transcript, and an app that sends its e-mail there."""

from __future__ import annotations

import socketserver
import threading
from email import message_from_bytes
from email.policy import default as default_policy

import pytest

from workshop.extensions import db


class SmtpSink(socketserver.ThreadingTCPServer):
    """A minimal SMTP server on the loopback: it speaks the protocol and keeps each message."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SmtpHandler)
        self.messages: list[dict] = []
        self.transcript: list[str] = []


class SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        sink = self.server
        self.reply("220 sink ESMTP")
        envelope: dict = {"to": []}
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode().rstrip("\r\n")
            sink.transcript.append(line)
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250-sink")
                self.reply("250 8BITMIME")
            elif verb == "MAIL":
                envelope = {"from": line[10:], "to": []}
                self.reply("250 OK")
            elif verb == "RCPT":
                envelope["to"].append(line[8:])
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 go ahead")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                envelope["message"] = message_from_bytes(data, policy=default_policy)
                sink.messages.append(envelope)
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not here")


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    yield sink
    sink.shutdown()
    sink.server_close()


@pytest.fixture
def mailing_app(make_app, smtp_sink):
    app = make_app(
        MAIL_SMTP_HOST="127.0.0.1",
        MAIL_SMTP_PORT=smtp_sink.server_address[1],
        MAIL_SMTP_SECURITY="none",
        MAIL_SENDER="lab@example.org",
    )
    with app.app_context():
        yield app
        db.session.remove()
