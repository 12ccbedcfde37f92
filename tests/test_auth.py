"""The user service: argon2 hashes, create / disable / reset, authenticate."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from monitor.audit import verify
from monitor.auth import UserError, authenticate, create_user, disable_user, reset_password
from tests.utils.factories import make_agency

PW = "rahasia-sekali-123"


def test_create_and_authenticate(session: Session) -> None:
    agency = make_agency(session, code="DISDIK")
    user = create_user(session, "Ani@Example.go.id", "Ani", "supervisor", agency_code="DISDIK", password=PW)
    assert user.email == "ani@example.go.id" and user.agency_id == agency.id
    assert user.password_hash.startswith("$argon2id$") and PW not in user.password_hash
    assert authenticate(session, "ani@example.go.id", PW) is not None
    assert authenticate(session, "ani@example.go.id", "wrong-password") is None
    assert authenticate(session, "nobody@example.go.id", PW) is None
    assert verify(session) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"role": "supervisor"}, "needs an agency"),
        ({"role": "admin", "agency_code": "X1"}, "do not give an agency"),
        ({"role": "boss"}, "unknown role"),
        ({"role": "auditor", "password": "short"}, "at least"),
        ({"role": "auditor", "agency_code": "NOPE"}, "no agency"),
    ],
)
def test_create_refuses_bad_input(session: Session, kwargs: dict[str, str], message: str) -> None:
    make_agency(session, code="X1")
    args = {"password": PW} | kwargs
    with pytest.raises(UserError, match=message):
        create_user(session, "a@example.go.id", "A", **args)


def test_duplicate_email_refused(session: Session) -> None:
    create_user(session, "a@example.go.id", "A", "admin", password=PW)
    with pytest.raises(UserError, match="already exists"):
        create_user(session, "A@example.go.id", "A2", "admin", password=PW)


def test_disable_and_reset(session: Session) -> None:
    create_user(session, "a@example.go.id", "A", "admin", password=PW)
    reset_password(session, "a@example.go.id", "another-password-1")
    assert authenticate(session, "a@example.go.id", PW) is None
    assert authenticate(session, "a@example.go.id", "another-password-1") is not None
    disable_user(session, "a@example.go.id")
    assert authenticate(session, "a@example.go.id", "another-password-1") is None
    with pytest.raises(UserError, match="no user"):
        disable_user(session, "ghost@example.go.id")
