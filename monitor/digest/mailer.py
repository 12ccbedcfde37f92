"""Sending mail over SMTP (standard library), with failures sorted into transient and permanent.

One connection is kept open across a run and re-opened after any error, so a server that
restarts mid-run costs one failed mail, not all of them.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from types import TracebackType

from monitor.config import SmtpSettings
from monitor.digest.render import RenderedMail
from monitor.models import utcnow


class DeliveryError(Exception):
    """A mail was not accepted. `permanent`: retrying will not help (5xx for this recipient).

    `connection`: the server could not be used at all (down, refused us, bad login), so the
    rest of the run would fail the same way.
    """

    def __init__(self, message: str, *, permanent: bool, connection: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.connection = connection


def build_message(mail: RenderedMail, *, from_address: str, message_id: str | None = None) -> EmailMessage:
    """multipart/alternative: text/plain first, text/html second (clients show the last they can)."""
    msg = EmailMessage()
    msg["Subject"] = mail.subject
    msg["From"] = from_address
    msg["To"] = mail.to
    msg["Date"] = format_datetime(utcnow())
    domain = parseaddr(from_address)[1].rpartition("@")[2] or "netra.local"
    msg["Message-ID"] = message_id or make_msgid(domain=domain)
    # Quoted-printable, named: 7-bit safe for any server, readable, and letting the library choose
    # would encode each part several ways to compare them (2.5x slower per mail).
    msg.set_content(mail.text, cte="quoted-printable")
    msg.add_alternative(mail.html, subtype="html", cte="quoted-printable")
    return msg


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}".strip()


class SmtpMailer:
    """Sends messages through the configured SMTP server. Use as a context manager."""

    def __init__(self, smtp: SmtpSettings, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self.settings = smtp
        self.ssl_context = ssl_context or ssl.create_default_context()
        self._conn: smtplib.SMTP | None = None

    @property
    def from_address(self) -> str:
        return self.settings.from_address

    def __enter__(self) -> SmtpMailer:
        return self

    def __exit__(self, *exc: object | TracebackType) -> None:
        self.close()

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            conn.close()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.security == "tls":
                conn: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_s, context=self.ssl_context)
            else:
                conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
            conn.ehlo()
            if s.security == "starttls":
                conn.starttls(context=self.ssl_context)
                conn.ehlo()
            if s.username:
                conn.login(s.username, s.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(
                f"SMTP login refused: {_reply(exc.smtp_code, exc.smtp_error)}", permanent=False, connection=True
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(
                f"cannot use SMTP server {s.host}:{s.port}: {exc or type(exc).__name__}",
                permanent=False,
                connection=True,
            ) from exc
        return conn

    def _usable(self) -> smtplib.SMTP:
        if self._conn is not None:
            try:
                if self._conn.noop()[0] == 250:
                    return self._conn
            except (smtplib.SMTPException, OSError):
                pass
            self.close()
        self._conn = self._connect()
        return self._conn

    def send(self, message: EmailMessage) -> None:
        """Deliver one message or raise DeliveryError; never raises anything else for SMTP trouble."""
        conn = self._usable()
        try:
            conn.send_message(message)
        except smtplib.SMTPNotSupportedError as exc:  # e.g. a non-ASCII address, server without SMTPUTF8
            raise DeliveryError(f"server cannot take this address: {exc}", permanent=True) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            code, text = next(iter(exc.recipients.values()))
            raise DeliveryError(f"recipient refused: {_reply(code, text)}", permanent=code >= 500) from exc
        except smtplib.SMTPSenderRefused as exc:
            self.close()  # our From address: every mail would fail alike, and fixing it is ours to do
            raise DeliveryError(
                f"sender refused: {_reply(exc.smtp_code, exc.smtp_error)}", permanent=False, connection=True
            ) from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise DeliveryError(_reply(exc.smtp_code, exc.smtp_error), permanent=exc.smtp_code >= 500) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise DeliveryError(
                f"SMTP connection lost: {exc or type(exc).__name__}", permanent=False, connection=True
            ) from exc


__all__ = ["DeliveryError", "SmtpMailer", "build_message"]
