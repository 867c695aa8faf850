"""Outgoing e-mail through a configurable SMTP server; in development, to the log.

Plain stdlib (smtplib, email.message), no Flask: the settings come in as a MailSettings read
from the app's config, so the sender can be tested against a real SMTP conversation.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

log = logging.getLogger(__name__)

SECURITY_MODES = ("starttls", "ssl", "none")
DEFAULT_SMTP_PORT = 587  # submission with STARTTLS
SMTP_TIMEOUT_S = 10.0  # a stuck server must not hold a request for long


@dataclass(frozen=True)
class MailSettings:
    host: str | None  # None: development, messages go to the log
    port: int = DEFAULT_SMTP_PORT
    user: str | None = None
    password: str | None = None
    security: str = "starttls"
    sender: str = "workshop@localhost"
    timeout_s: float = SMTP_TIMEOUT_S

    @classmethod
    def from_config(cls, config: Mapping) -> MailSettings:
        return cls(
            host=config.get("MAIL_SMTP_HOST") or None,
            port=int(config.get("MAIL_SMTP_PORT") or DEFAULT_SMTP_PORT),
            user=config.get("MAIL_SMTP_USER") or None,
            password=config.get("MAIL_SMTP_PASSWORD") or None,
            security=config.get("MAIL_SMTP_SECURITY") or "starttls",
            sender=config.get("MAIL_SENDER") or "workshop@localhost",
        )


def compose(settings: MailSettings, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message from the configured sender."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    message.set_content(body)
    return message


def send(settings: MailSettings, message: EmailMessage) -> None:
    """Send one message, or log it when no SMTP host is set. Raises smtplib/OSError errors."""
    if not settings.host:
        # Readable as written (as_string() would show the Italian text quoted-printable).
        log.info(
            "e-mail (no SMTP host set, not sent):\nTo: %s\nSubject: %s\n\n%s",
            message["To"],
            message["Subject"],
            message.get_content().rstrip(),
        )
        return
    if settings.security not in SECURITY_MODES:
        raise ValueError(f"MAIL_SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}")
    context = ssl.create_default_context()
    if settings.security == "ssl":
        smtp = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout_s, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s)
    with smtp:
        if settings.security == "starttls":
            smtp.starttls(context=context)
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        smtp.send_message(message)
    log.info("e-mail sent to %s: %s", message["To"], message["Subject"])


def show_in_console(stream=None) -> None:
    """Development (`bin/run`): print the e-mails that go to the log on the server's output, at
    INFO, as the README promises; nothing else of the app's INFO logging is turned on."""
    if log.getEffectiveLevel() > logging.INFO:
        log.setLevel(logging.INFO)
    if not any(getattr(h, "shows_mail", False) for h in log.handlers):
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        handler.shows_mail = True
        log.addHandler(handler)


def send_quietly(settings: MailSettings, message: EmailMessage) -> bool:
    """Send, and log a failure instead of raising: the change it tells about is committed
    already, and an unreachable mail server must not turn it into an error page."""
    try:
        send(settings, message)
    except (OSError, smtplib.SMTPException, ValueError):
        log.exception("e-mail to %s not sent", message["To"])
        return False
    return True
