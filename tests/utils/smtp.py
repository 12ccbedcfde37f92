"""A real SMTP server on loopback (aiosmtpd) that records what it accepts and can misbehave on demand."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RecordingHandler:
    """Accepts everything except: addresses in `reject` (550) and in `defer` (421, then hangs up)."""

    reject: set[str] = field(default_factory=set)
    defer: set[str] = field(default_factory=set)
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.reject:
            return f"550 5.1.1 <{address}>: mailbox does not exist"
        if address in self.defer:
            return "421 4.3.2 service temporarily unavailable, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append(msg)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


class SmtpServer:
    """Start, stop and restart (on the same port) a recording SMTP server."""

    def __init__(self, **controller_options: Any) -> None:
        """`controller_options` go to aiosmtpd's Controller: tls_context, ssl_context, authenticator ..."""
        self.handler = RecordingHandler()
        self.port = free_port()
        self.options = controller_options
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **self.options)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages
