"""The SMTP edge: STARTTLS, implicit TLS and login against a real loopback server; failures sorted."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from typing import Any

import pytest
import trustme
from aiosmtpd.smtp import AuthResult, LoginPassword

from monitor.config import SmtpSettings
from monitor.digest.mailer import DeliveryError, SmtpMailer, build_message
from monitor.digest.render import RenderedMail
from tests.utils.smtp import SmtpServer, free_port

MAIL = RenderedMail(to="sup@example.go.id", subject="Netra 2024-W47: 1 kasus baru", text="Halo", html="<p>Halo</p>")
FROM = "Netra <netra@example.go.id>"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def server_context(ca: trustme.CA) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(ctx)
    return ctx


def client_context(ca: trustme.CA) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ca.configure_trust(ctx)
    return ctx


def only_netra(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"netra", b"rahasia")
    return AuthResult(success=ok, handled=False)


def serve(**options: Any) -> Iterator[SmtpServer]:
    server = SmtpServer(**options)
    server.start()
    yield server
    server.stop()


def send(settings: SmtpSettings, ssl_context: ssl.SSLContext | None = None) -> None:
    with SmtpMailer(settings, ssl_context=ssl_context) as mailer:
        mailer.send(build_message(MAIL, from_address=FROM))


def test_starttls_with_login(ca: trustme.CA) -> None:
    for server in serve(
        tls_context=server_context(ca),
        require_starttls=True,
        authenticator=only_netra,
        auth_require_tls=True,
        auth_exclude_mechanism=["LOGIN"],
    ):
        settings = SmtpSettings(
            port=server.port, security="starttls", username="netra", password="rahasia", timeout_s=5
        )
        send(settings, client_context(ca))
        (msg,) = server.messages
        assert msg["Subject"] == MAIL.subject

        with pytest.raises(DeliveryError, match="login refused") as bad_login:
            send(settings.model_copy(update={"password": "salah"}), client_context(ca))
        assert bad_login.value.connection and not bad_login.value.permanent

        with pytest.raises(DeliveryError) as no_tls:  # the server insists on STARTTLS first
            send(settings.model_copy(update={"security": "none", "username": None}))
        assert not no_tls.value.permanent


def test_implicit_tls_checks_the_certificate(ca: trustme.CA) -> None:
    for server in serve(ssl_context=server_context(ca)):
        settings = SmtpSettings(port=server.port, security="tls")
        send(settings, client_context(ca))
        assert len(server.messages) == 1
        with pytest.raises(DeliveryError, match="cannot use SMTP server") as untrusted:
            send(settings)  # the system trust store does not know our test CA
        assert untrusted.value.connection


def test_nobody_listening_is_a_transient_connection_failure() -> None:
    with pytest.raises(DeliveryError, match=r"cannot use SMTP server 127\.0\.0\.1") as exc:
        send(SmtpSettings(port=free_port(), timeout_s=2))
    assert exc.value.connection and not exc.value.permanent


def test_one_connection_serves_many_mails_and_survives_a_restart() -> None:
    for server in serve():
        settings = SmtpSettings(port=server.port)
        with SmtpMailer(settings) as mailer:
            mailer.send(build_message(MAIL, from_address=FROM))
            server.stop()
            server.start()  # the kept connection is now dead; the mailer notices and reconnects
            mailer.send(build_message(MAIL, from_address=FROM))
        assert len(server.messages) == 2


def test_refusals_are_sorted_by_reply_code() -> None:
    for server in serve():
        server.handler.reject.add("bad@example.go.id")
        server.handler.defer.add("busy@example.go.id")
        with SmtpMailer(SmtpSettings(port=server.port)) as mailer:
            with pytest.raises(DeliveryError, match="550") as permanent:
                mailer.send(
                    build_message(MAIL.__class__(**{**MAIL.__dict__, "to": "bad@example.go.id"}), from_address=FROM)
                )
            assert permanent.value.permanent and not permanent.value.connection
            with pytest.raises(DeliveryError, match="421") as transient:
                mailer.send(
                    build_message(MAIL.__class__(**{**MAIL.__dict__, "to": "busy@example.go.id"}), from_address=FROM)
                )
            assert not transient.value.permanent and not transient.value.connection
            mailer.send(build_message(MAIL, from_address=FROM))  # the next one still goes through
        assert [m["To"] for m in server.messages] == [MAIL.to]


def test_address_the_server_cannot_take_fails_alone() -> None:
    for server in serve(enable_SMTPUTF8=False):
        with SmtpMailer(SmtpSettings(port=server.port)) as mailer:
            unicode_to = RenderedMail(**{**MAIL.__dict__, "to": "pengawäs@example.go.id"})
            with pytest.raises(DeliveryError, match="cannot take this address") as exc:
                mailer.send(build_message(unicode_to, from_address=FROM))
            assert exc.value.permanent and not exc.value.connection
            mailer.send(build_message(MAIL, from_address=FROM))
        assert [m["To"] for m in server.messages] == [MAIL.to]
