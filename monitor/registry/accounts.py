"""The registered social-media accounts of ASN: list them, and verify, reject, remove or restore one.

Verified: the account is confirmed to be this ASN's. Rejected: it is not (collection stops). Removed: taken
off the watch list (no longer used, registered by mistake): collection stops too, but nothing stored is
deleted: the account row, its posts and their versions, the scores and the cases they raised all stay,
because they are evidence. Restoring puts it back on the watch list. Every change is audited with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from monitor.audit import record
from monitor.models import Account, Agency, Asn, Verification, utcnow

__all__ = [
    "CHANGES",
    "ERRORS_ID",
    "STATUSES",
    "AccountError",
    "AccountRow",
    "account_status",
    "change_account",
    "collectable",
    "find_account",
    "list_accounts",
]

Change = Literal["verify", "reject", "remove", "restore"]
CHANGES: tuple[Change, ...] = ("verify", "reject", "remove", "restore")
STATUSES = ("unverified", "verified", "rejected", "removed")  # what a listing filters on
MAX_REASON = 4000

# The errors below in Bahasa Indonesia, for the admin page (review_ui.messages) and the CLI.
ERRORS_ID: dict[str, str] = {
    "no such account": "Akun tidak ditemukan.",
    "unknown change": "Perubahan tidak dikenal; pilih verifikasi, tolak, hapus atau pulihkan.",
    "a reason is required": "Alasan wajib diisi.",
    "the reason is too long": f"Alasan terlalu panjang (paling banyak {MAX_REASON} karakter).",
    "the account is already verified": "Akun ini sudah terverifikasi.",
    "the account is already rejected": "Akun ini sudah ditolak.",
    "the account is already removed": "Akun ini sudah dihapus dari pemantauan.",
    "the account is not removed": "Akun ini tidak sedang dihapus dari pemantauan.",
    "restore the account before verifying or rejecting it": "Pulihkan akun ini dulu sebelum memverifikasi "
    "atau menolaknya.",
    "unknown status": "Status tidak dikenal; pilih belum diverifikasi, terverifikasi, ditolak atau dihapus.",
}


class AccountError(ValueError):
    """The change cannot be made; the message (a key of ERRORS_ID) says why."""


def collectable() -> Any:
    """The accounts collection may fetch: not rejected, not removed. Every collector filters with this."""
    return and_(Account.verification != Verification.rejected, col(Account.removed_at).is_(None))


def account_status(account: Account) -> str:
    return "removed" if account.removed_at is not None else str(account.verification)


def find_account(session: Session, ref: str | int) -> Account:
    """By id, or by "platform:handle" as registered (the handle compared without case)."""
    text = str(ref).strip()
    account: Account | None = None
    if text.isdigit():
        account = session.get(Account, int(text))
    else:
        platform, _, handle = text.partition(":")
        if handle:
            account = session.exec(
                select(Account).where(
                    Account.platform == platform.strip().lower(),
                    func.lower(Account.handle) == handle.strip().lower(),
                )
            ).first()
    if account is None:
        raise AccountError("no such account")
    return account


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise AccountError("a reason is required")
    if len(text) > MAX_REASON:
        raise AccountError("the reason is too long")
    return text


def _apply(account: Account, change: Change) -> None:
    status = account_status(account)
    if change == "restore":
        if account.removed_at is None:
            raise AccountError("the account is not removed")
        account.removed_at = None
        return
    if account.removed_at is not None:
        if change == "remove":
            raise AccountError("the account is already removed")
        raise AccountError("restore the account before verifying or rejecting it")
    if change == "remove":
        account.removed_at = utcnow()
        return
    target = Verification.verified if change == "verify" else Verification.rejected
    if status == target:
        raise AccountError(f"the account is already {target}")
    account.verification = target


def change_account(session: Session, ref: str | int, change: str, *, reason: str, actor: str) -> Account:
    """Verify, reject, remove or restore one account, audited, in the caller's transaction."""
    if change not in CHANGES:
        raise AccountError("unknown change")
    text = _reason(reason)
    account = find_account(session, ref)
    before = account_status(account)
    _apply(account, change)  # type: ignore[arg-type]
    account.updated_at = utcnow()
    session.add(account)
    asn = session.get(Asn, account.asn_id)
    details: dict[str, object] = {
        "platform": account.platform,
        "handle": account.handle,
        "nip": asn.nip if asn else None,
        "reason": text,
        "from": before,
        "to": account_status(account),
    }
    record(session, actor, f"account.{change}", "account", str(account.id), details)
    session.flush()
    return account


@dataclass(frozen=True)
class AccountRow:
    id: int
    platform: str
    handle: str
    status: str  # unverified, verified, rejected, removed
    last_status: str
    last_collected_at: datetime | None
    nip: str
    asn_name: str
    agency_code: str


def list_accounts(
    session: Session,
    *,
    q: str = "",
    platform: str | None = None,
    status: str | None = None,
    after: int | None = None,
    limit: int = 100,
) -> tuple[list[AccountRow], int | None]:
    """One page, by id; the id to pass as `after` for the next page (None on the last).

    `q`: an 18-digit NIP, or part of a handle or an ASN's name (without case). `status` None: every account
    still watched (removed ones only when asked for with "removed").
    """
    if status is not None and status not in STATUSES:
        raise AccountError("unknown status")
    stmt = (
        select(Account, Asn.nip, Asn.name, Agency.code)
        .join(Asn, col(Asn.id) == Account.asn_id)
        .join(Agency, col(Agency.id) == Asn.agency_id)
    )
    if status == "removed":
        stmt = stmt.where(col(Account.removed_at).is_not(None))
    else:
        stmt = stmt.where(col(Account.removed_at).is_(None))
        if status is not None:
            stmt = stmt.where(Account.verification == status)
    if platform:
        stmt = stmt.where(Account.platform == platform)
    q = q.strip()
    if q.isdigit() and len(q) == 18:
        stmt = stmt.where(Asn.nip == q)
    elif q:
        needle = q.lower()  # typed % and _ match themselves (autoescape)
        stmt = stmt.where(
            or_(
                func.lower(Account.handle).contains(needle, autoescape=True),
                func.lower(Asn.name).contains(needle, autoescape=True),
            )
        )
    if after is not None:
        stmt = stmt.where(col(Account.id) > after)
    rows = session.exec(stmt.order_by(col(Account.id)).limit(limit + 1)).all()
    page = [
        AccountRow(
            a.id,  # type: ignore[arg-type]
            a.platform,
            a.handle,
            account_status(a),
            str(a.last_status),
            a.last_collected_at,
            nip,
            name,
            code,
        )
        for a, nip, name, code in rows[:limit]
    ]
    return page, (page[-1].id if len(rows) > limit else None)
