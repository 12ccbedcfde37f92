"""The login throttle, shared by every web process through the database.

Where the state lives: in the database, table `loginfailure`. Every web replica already shares it (SQLite on
one machine, PostgreSQL under docker-compose), so there is nothing else to run or to lose, and a failure is
counted in the same store as the audit rows it writes. Redis would add a service that a single-machine install
does not have; a login costs an argon2 hash (tens of milliseconds), so a few indexed queries on a small table
cost nothing next to it.

What is limited, over the last `window_s` seconds (`Settings.login`):

- `pair`: one account from one client (5). That client waits; the account's user, anywhere else, does not.
- `client`: one client address, whatever the accounts (20): spraying from one address.
- `account`: one account, from clients that never logged in to it (10): one password guessed from many addresses.
- `overall`: every such client together (25): spraying from many addresses.

A browser that has logged in to the account before (a signed cookie, `review_ui.device_cookie`) is held to its
own `pair` limit only and does not count towards the others: nobody without that cookie can lock its user out,
and a busy morning of ordinary typos does not trip the overall limit. The price: while an attack trips the
`account` or `overall` limit, a first login from a new browser waits.

Each attempt is reserved as a failure before the password is checked (under a lock, see `_serialise`) and
removed again if the password was right, so a burst of parallel requests cannot all pass the check at once.
Refused attempts check no password and store nothing.

The audit log gets, per account and client and window (`window_s`, aligned to the epoch): one
`auth.login_failed` row at the first failure, and after the window one `auth.login_failed_window` row with the
total when there was more than one; `auth.login_throttled` once when a limit is reached. Failed logins can
therefore add only a bounded number of rows, whatever their number.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, func, text, update
from sqlmodel import Session, col, select

from monitor.audit import record
from monitor.config import LoginSettings
from monitor.models import LoginFailure, utcnow

__all__ = ["Attempt", "LoginThrottle", "Refusal", "Ticket"]

_PG_LOCK_KEY = 0x6E6C6F67  # "nlog": check-and-reserve of login attempts, one at a time
MAX_ACCOUNT = 128  # the typed email is stored and audited up to this length
SCOPES = ("pair", "client", "account", "overall")
# How each limit is named in the audit log, and which object its row is about.
_AUDIT_SCOPE = {"pair": "account_client", "client": "client", "account": "account", "overall": "overall"}


@dataclass(frozen=True)
class Attempt:
    """Who tries to log in to which account. `browser`: the id of a browser whose cookie names this account."""

    account: str
    ip: str
    browser: str | None = None

    @classmethod
    def of(cls, email: str, ip: str, browser: str | None = None) -> Attempt:
        return cls(email.strip().lower()[:MAX_ACCOUNT], ip[:64], browser)

    @property
    def client(self) -> str:
        return f"device:{self.browser}" if self.browser else self.ip


@dataclass(frozen=True)
class Refusal:
    scope: str  # one of SCOPES: the limit that refused (the one that lifts last)
    retry_after_s: float


@dataclass(frozen=True)
class Ticket:
    """An attempt allowed to check its password; its reservation row is `failure_id`."""

    attempt: Attempt
    failure_id: int
    at: datetime


class LoginThrottle:
    def __init__(
        self, engine: Engine, limits: LoginSettings | None = None, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.engine = engine
        self.limits = limits or LoginSettings()
        self.clock = clock

    # -- the three steps of a login ---------------------------------------------------------------------------

    def begin(self, attempt: Attempt) -> Ticket | Refusal:
        """Refuse the attempt, or reserve it as a failure so that parallel attempts see it at once."""
        now = self.clock()
        with Session(self.engine, expire_on_commit=False) as session:
            _serialise(session)
            refusal = self._refusal(session, attempt, now)
            if refusal is not None:
                return refusal
            row = LoginFailure(
                at=now,
                account=attempt.account,
                client=attempt.client,
                ip=attempt.ip,
                known_browser=attempt.browser is not None,
            )
            session.add(row)
            session.commit()
            assert row.id is not None
            return Ticket(attempt, row.id, now)

    def failure(self, ticket: Ticket) -> None:
        """The password was wrong: the reservation stays; audit what is new (see the module's docstring)."""
        attempt, now = ticket.attempt, self.clock()
        start = self._window_start(ticket.at)
        # Counting only reservations made up to ours, exactly one of several parallel failures is the first of
        # its window, and exactly one reaches each limit.
        up_to_mine = col(LoginFailure.id) <= ticket.failure_id
        with Session(self.engine, expire_on_commit=False) as session:
            same_pair = [col(LoginFailure.account) == attempt.account, col(LoginFailure.client) == attempt.client]
            if _count(session, [*same_pair, up_to_mine, col(LoginFailure.at) >= start]) == 1:
                record(
                    session,
                    "anonymous",
                    "auth.login_failed",
                    "user",
                    attempt.account,
                    {"ip": attempt.ip, "known_browser": attempt.browser is not None} | self._window(start),
                )
            window = timedelta(seconds=self.limits.window_s)
            for scope in _scopes(attempt):
                limit = self._limit(scope)
                counted = [*_where(attempt, scope), up_to_mine, col(LoginFailure.at) > ticket.at - window]
                if _count(session, counted) == limit:
                    self._audit_throttled(session, attempt, scope, limit)
            self._summarise(session, self._window_start(now))
            # Housekeeping: failures out of every window, whose totals are in the audit log, serve no one now.
            stale = [col(LoginFailure.at) < now - window, col(LoginFailure.summarised)]
            session.execute(delete(LoginFailure).where(*stale))
            session.commit()

    def success(self, ticket: Ticket) -> None:
        """The password was right: drop the reservation, and this client's earlier failures on the account no
        longer count against it (they stay for the audit summary and for the other limits)."""
        attempt = ticket.attempt
        with Session(self.engine) as session:
            session.execute(delete(LoginFailure).where(col(LoginFailure.id) == ticket.failure_id))
            earlier = session.exec(select(LoginFailure.id).where(*_where(attempt, "pair")).limit(1)).first()
            if earlier is not None:
                session.execute(update(LoginFailure).where(*_where(attempt, "pair")).values(cleared=True))
            session.commit()

    def summarise(self) -> int:
        """Write the totals of windows that have ended (the scheduler calls this hourly); returns rows written."""
        with Session(self.engine) as session:
            written = self._summarise(session, self._window_start(self.clock()))
            session.commit()
            return written

    # -- the parts -----------------------------------------------------------------------------------------

    def _limit(self, scope: str) -> int:
        return int(getattr(self.limits, f"{scope}_failures"))

    def _refusal(self, session: Session, attempt: Attempt, now: datetime) -> Refusal | None:
        """The limit that holds this attempt back longest, if any: a limit holds while `limit` failures fall in
        the last window, so it lifts when the `limit`-th newest of them leaves it."""
        window = timedelta(seconds=self.limits.window_s)
        waits: list[Refusal] = []
        for scope in _scopes(attempt):
            limit = self._limit(scope)
            nth_newest = session.exec(
                select(LoginFailure.at)
                .where(*_where(attempt, scope), col(LoginFailure.at) > now - window)
                .order_by(col(LoginFailure.at).desc())
                .offset(limit - 1)
                .limit(1)
            ).first()
            if nth_newest is not None:
                waits.append(Refusal(scope, max(1.0, (nth_newest + window - now).total_seconds())))
        return max(waits, key=lambda r: r.retry_after_s, default=None)

    def _window_start(self, at: datetime) -> datetime:
        seconds = self.limits.window_s
        return datetime.fromtimestamp(math.floor(at.timestamp() / seconds) * seconds, UTC)

    def _window(self, start: datetime) -> dict[str, Any]:
        end = start + timedelta(seconds=self.limits.window_s)
        return {"window_start": start.isoformat(), "window_end": end.isoformat()}

    def _audit_throttled(self, session: Session, attempt: Attempt, scope: str, limit: int) -> None:
        object_type, object_id = {
            "pair": ("user", attempt.account),
            "account": ("user", attempt.account),
            "client": ("client", attempt.ip),
            "overall": ("login", "*"),
        }[scope]
        details = {"scope": _AUDIT_SCOPE[scope], "failures": limit, "window_s": self.limits.window_s}
        record(session, "anonymous", "auth.login_throttled", object_type, object_id, details | {"ip": attempt.ip})

    def _summarise(self, session: Session, before: datetime) -> int:
        """One `auth.login_failed_window` row per account, client and ended window that saw more than one
        failure. Rows are claimed by one UPDATE, so two processes never summarise the same failures."""
        claimed = session.execute(
            update(LoginFailure)
            .where(~col(LoginFailure.summarised), col(LoginFailure.at) < before)
            .values(summarised=True)
            .returning(LoginFailure.at, LoginFailure.account, LoginFailure.client, LoginFailure.ip)
        ).all()
        totals: dict[tuple[datetime, str, str], list[Any]] = defaultdict(lambda: [0, ""])
        for at, account, client, ip in claimed:
            total = totals[(self._window_start(at), account, client)]
            total[0] += 1
            total[1] = ip
        written = 0
        for (start, account, client), (failures, ip) in sorted(totals.items()):
            if failures > 1:  # a single failure is told in full by its auth.login_failed row
                details = {"ip": ip, "known_browser": client.startswith("device:"), "failures": failures}
                record(session, "anonymous", "auth.login_failed_window", "user", account, details | self._window(start))
                written += 1
        return written


def _scopes(attempt: Attempt) -> tuple[str, ...]:
    return ("pair",) if attempt.browser else SCOPES


def _where(attempt: Attempt, scope: str) -> list[Any]:
    """The failures that count towards `scope`'s limit for this attempt."""
    untrusted = ~col(LoginFailure.known_browser)
    return {
        "pair": [
            col(LoginFailure.account) == attempt.account,
            col(LoginFailure.client) == attempt.client,
            ~col(LoginFailure.cleared),
        ],
        "client": [col(LoginFailure.ip) == attempt.ip, untrusted],
        "account": [col(LoginFailure.account) == attempt.account, untrusted],
        "overall": [untrusted],
    }[scope]


def _count(session: Session, where: list[Any]) -> int:
    return int(session.exec(select(func.count()).select_from(LoginFailure).where(*where)).one())


def _serialise(session: Session) -> None:
    """Hold a lock until the transaction ends, so that check-and-reserve is one step across processes."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.exec(text("SELECT pg_advisory_xact_lock(:k)").bindparams(k=_PG_LOCK_KEY))  # type: ignore[call-overload]
    elif dialect == "sqlite":
        # sqlite3 opens a transaction only at the first write: this no-op write takes SQLite's write lock now.
        session.connection().exec_driver_sql("UPDATE loginfailure SET id = id WHERE 0")
