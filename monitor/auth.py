"""People who may use the review page: argon2 password hashes and the user service.

Other services call `create_user` (the demo) and `authenticate` (the web login); the CLI wraps
`add / disable / reset-password / list`.
"""

from __future__ import annotations

import hashlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from monitor.access.sessions import revoke_user_sessions
from monitor.audit import record
from monitor.models import Agency, Role, User

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "UserError",
    "authenticate",
    "create_user",
    "disable_user",
    "enable_user",
    "get_user_by_email",
    "hash_password",
    "list_users",
    "password_fingerprint",
    "reset_password",
    "verify_password",
]

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile
# A real hash to verify against when the email is unknown, so timing does not reveal which emails exist.
_DUMMY_HASH = _hasher.hash("netra-dummy-password")


class UserError(ValueError):
    """A user cannot be created or changed as asked; the message says why."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_fingerprint(password_hash: str) -> str:
    """Changes when the password changes: stored in the session so a reset logs out old sessions."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")


def _agency_id(session: Session, agency_code: str | None, agency_id: int | None) -> int | None:
    if agency_id is not None:
        if session.get(Agency, agency_id) is None:
            raise UserError(f"no agency with id {agency_id}")
        return agency_id
    if agency_code:
        agency = session.exec(select(Agency).where(Agency.code == agency_code)).first()
        if agency is None:
            raise UserError(f"no agency with code {agency_code!r}; import the registry first")
        return agency.id
    return None


def get_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def create_user(
    session: Session,
    email: str,
    name: str,
    role: Role | str,
    agency_code: str | int | None = None,
    password: str = "",
    *,
    agency_id: int | None = None,
    actor: str = "system",
) -> User:
    """Add a user. Supervisors need an agency; admins have none; auditors may have one (scope) or not."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 320:
        raise UserError(f"not an email address: {email!r}")
    if not name.strip():
        raise UserError("name must not be empty")
    try:
        role = Role(role)
    except ValueError as exc:
        raise UserError(f"unknown role {role!r}; use one of: {', '.join(r.value for r in Role)}") from exc
    if isinstance(agency_code, int):  # an agency id given in the code's place
        agency_code, agency_id = None, agency_code
    scope = _agency_id(session, agency_code, agency_id)
    if role == Role.supervisor and scope is None:
        raise UserError("a supervisor needs an agency (--agency CODE)")
    if role == Role.admin and scope is not None:
        raise UserError("an admin sees every agency; do not give an agency")
    _check_password(password)
    if get_user_by_email(session, email) is not None:
        raise UserError(f"a user with email {email} already exists")
    user = User(email=email, name=name.strip(), role=role, agency_id=scope, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    record(
        session, actor, "user.create", "user", str(user.id), {"email": email, "role": role.value, "agency_id": scope}
    )
    return user


def _require(session: Session, email: str) -> User:
    user = get_user_by_email(session, email)
    if user is None:
        raise UserError(f"no user with email {email.strip().lower()}")
    return user


def disable_user(session: Session, email: str, *, actor: str = "system") -> User:
    user = _require(session, email)
    user.active = False
    session.add(user)
    assert user.id is not None
    ended = revoke_user_sessions(session, user.id)  # enabling the user again must not revive them
    record(session, actor, "user.disable", "user", str(user.id), {"email": user.email, "sessions_ended": ended})
    return user


def enable_user(session: Session, email: str, *, actor: str = "system") -> User:
    user = _require(session, email)
    user.active = True
    session.add(user)
    record(session, actor, "user.enable", "user", str(user.id), {"email": user.email})
    return user


def reset_password(session: Session, email: str, password: str, *, actor: str = "system") -> User:
    _check_password(password)
    user = _require(session, email)
    user.password_hash = hash_password(password)
    session.add(user)
    assert user.id is not None
    ended = revoke_user_sessions(session, user.id)
    record(session, actor, "user.reset_password", "user", str(user.id), {"email": user.email, "sessions_ended": ended})
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same cost either way)."""
    user = get_user_by_email(session, email)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.email)))
