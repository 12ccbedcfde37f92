"""Storing what a scraper fetched: upsert posts with evidence, keep earlier versions, mark deletions,
and advance the account's cursor in the same transaction (so a crash re-fetches, never skips)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Engine, and_, bindparam, insert, or_, update
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, select

from monitor.collection.items import notes_summary, storable
from monitor.db import session_scope
from monitor.models import Account, CollectStatus, Post, PostVersion, utcnow
from scrapers.base import FetchResult, ScrapedPost


@dataclass
class AccountOutcome:
    account_id: int
    platform: str
    status: str = CollectStatus.ok
    error: str | None = None
    new: int = 0
    changed: int = 0
    deleted: int = 0
    foreign: int = 0  # items by other authors met on the way: not stored
    notes: list[str] = field(default_factory=list)  # own items that had to change to be stored (collect_items)


class AccountKeys(Protocol):
    """What storing needs of an account: an Account, or just these columns of its row."""

    @property
    def id(self) -> int | None: ...
    @property
    def asn_id(self) -> int: ...
    @property
    def platform(self) -> str: ...
    @property
    def handle(self) -> str: ...
    @property
    def platform_user_id(self) -> str | None: ...


def is_own(post: ScrapedPost, account: AccountKeys, platform_user_id: str | None) -> bool:
    """Only the registered account's own posts and reposts are stored."""
    ids = {i for i in (platform_user_id, account.platform_user_id) if i}
    return post.author_id in ids or post.author_handle.lower() == account.handle.lower()


_WARC_COLUMNS = ("warc_file", "warc_record_id", "warc_offset", "warc_length", "warc_locator", "body_sha256")


def warc_columns(post: ScrapedPost) -> dict[str, object]:
    """Where the response the post came from is archived (models.posts.WarcRef); all None without one."""
    ref = post.capture
    if ref is None:
        return dict.fromkeys(_WARC_COLUMNS)
    return {
        "warc_file": ref.warc_file,
        "warc_record_id": ref.record_id,
        "warc_offset": ref.offset,
        "warc_length": ref.length,
        "warc_locator": post.locator,
        "body_sha256": ref.body_sha256,
    }


def _new_row(post: ScrapedPost, account: AccountKeys, captured_at: datetime) -> dict[str, object]:
    """Column values of a new post: inserted with one executemany (the ORM costs ~1 ms a row)."""
    return {
        "account_id": account.id,
        "asn_id": account.asn_id,
        "platform": account.platform,
        "platform_post_id": post.platform_post_id,
        "kind": post.kind,
        "original_post_id": post.original_post_id,
        "url": post.url,
        "text": post.text,
        "quoted_text": post.quoted_text,
        "language": post.language,
        "posted_at": post.posted_at,
        "captured_at": captured_at,
        "edited_at": post.edited_at,
        "deleted_at": None,
        "text_purged_at": None,
        "version": 1,
        "raw_payload": post.raw_payload,
        "payload_sha256": post.payload_sha256,
        "text_sha256": post.text_sha256,
        "request_url": post.request_url,
        "http_status": post.http_status,
        "scored_version": None,
    } | warc_columns(post)


def _new_version(session: Session, row: Post, post: ScrapedPost, captured_at: datetime) -> None:
    """Keep the old text and evidence as a PostVersion; the row takes the new text (to be re-scored)."""
    session.add(
        PostVersion(
            post_id=row.id,  # type: ignore[arg-type]
            version=row.version,
            text=row.text,
            raw_payload=row.raw_payload,
            payload_sha256=row.payload_sha256,
            request_url=row.request_url,
            http_status=row.http_status,
            captured_at=row.captured_at,
            **{name: getattr(row, name) for name in _WARC_COLUMNS},
        )
    )
    row.version += 1
    row.text, row.quoted_text, row.text_sha256 = post.text, post.quoted_text, post.text_sha256
    row.raw_payload, row.payload_sha256 = post.raw_payload, post.payload_sha256
    row.request_url, row.http_status, row.captured_at = post.request_url, post.http_status, captured_at
    for name, value in warc_columns(post).items():
        setattr(row, name, value)
    row.edited_at = post.edited_at or captured_at
    row.scored_version = None
    # Written even where the row read None: a scorer may have marked the old text scored since it was read
    # (on PostgreSQL this UPDATE waits for the scorer's row lock), and the new text must get its own score.
    flag_modified(row, "scored_version")
    session.add(row)


# Built once: a statement per account per pass costs more to build than to run.
_EXISTING = select(
    Post.id, Post.platform_post_id, Post.account_id, Post.text_sha256, Post.deleted_at, Post.text_purged_at
).where(Post.platform == bindparam("platform"), col(Post.platform_post_id).in_(bindparam("ids", expanding=True)))
_LIVE = select(Post.id, Post.platform_post_id).where(
    Post.account_id == bindparam("account_id"), col(Post.deleted_at).is_(None), col(Post.posted_at) > bindparam("since")
)


def upsert_posts(
    session: Session, account: AccountKeys, posts: list[ScrapedPost], outcome: AccountOutcome, captured_at: datetime
) -> None:
    unique = {p.platform_post_id: p for p in posts}  # a pinned post can appear twice on one page
    if not unique:
        return
    # Only the columns needed to decide; a full row is loaded only when its text changed.
    existing = {
        row.platform_post_id: row
        for row in session.exec(_EXISTING, params={"platform": account.platform, "ids": list(unique)})
    }
    new_rows = []
    reappeared = []
    for post_id, post in unique.items():
        row = existing.get(post_id)
        if row is None:
            new_rows.append(_new_row(post, account, captured_at))
            continue
        if row.account_id != account.id:
            continue  # stored for another account (e.g. the same feed registered twice): leave it
        if row.deleted_at is not None:
            reappeared.append(row.id)  # served again: it was hidden, not gone
        if row.text_purged_at is None and row.text_sha256 != post.text_sha256:
            full = session.get(Post, row.id)
            if full is not None:
                _new_version(session, full, post, captured_at)
                outcome.changed += 1
    if new_rows:
        session.execute(insert(Post), new_rows)
        outcome.new += len(new_rows)
    if reappeared:
        session.execute(update(Post).where(col(Post.id).in_(reappeared)).values(deleted_at=None))


def mark_deleted(
    session: Session, account: AccountKeys, result: FetchResult, outcome: AccountOutcome, now: datetime
) -> None:
    """Posts the platform should have served in this window but did not: deleted (evidence kept)."""
    if result.window_start is None:
        return
    rows = session.exec(_LIVE, params={"account_id": account.id, "since": result.window_start})
    gone = [row.id for row in rows if row.platform_post_id not in result.seen_ids]
    if gone:
        session.execute(update(Post).where(col(Post.id).in_(gone)).values(deleted_at=now))
        outcome.deleted += len(gone)


def _store_posts(session: Session, account: AccountKeys, result: FetchResult, now: datetime) -> AccountOutcome:
    """Posts, versions and deletions of one account, in the caller's transaction."""
    outcome = AccountOutcome(account.id, account.platform)  # type: ignore[arg-type]
    own = [p for p in result.posts if is_own(p, account, result.platform_user_id)]
    outcome.foreign = len(result.posts) - len(own)
    upsert_posts(session, account, own, outcome, now)
    session.flush()
    mark_deleted(session, account, result, outcome, now)
    return outcome


def _advanced(account: AccountKeys, result: FetchResult, now: datetime, notes: list[str]) -> dict[str, Any]:
    """The account's new cursor and status after a successful fetch; items changed to be stored are
    named where a failure's message would be, though the account is ok."""
    return {
        "cursor": json.dumps(result.cursor, sort_keys=True),
        "platform_user_id": result.platform_user_id or account.platform_user_id,
        "last_status": CollectStatus.ok,
        "last_error": (notes_summary(notes) or "")[:2000] or None,
        "last_collected_at": now,
        "updated_at": now,
    }


def store_result(
    engine: Engine, account_id: int, result: FetchResult, *, advance_cursor: bool = True
) -> AccountOutcome:
    """One transaction: posts, versions, deletions, then the cursor and the account's status."""
    now = utcnow()
    with session_scope(engine) as session:
        account = session.get(Account, account_id)
        if account is None:
            raise LookupError(f"account {account_id} no longer exists")
        result, notes = storable(result, lambda p: is_own(p, account, result.platform_user_id))
        outcome = _store_posts(session, account, result, now)
        outcome.notes = notes
        if advance_cursor:
            for key, value in _advanced(account, result, now, notes).items():
                setattr(account, key, value)
            session.add(account)
    return outcome


_KEYS = select(Account.id, Account.asn_id, Account.platform, Account.handle, Account.platform_user_id)
_EXISTING_MANY = select(
    Post.id,
    Post.platform,
    Post.platform_post_id,
    Post.account_id,
    Post.text_sha256,
    Post.deleted_at,
    Post.text_purged_at,
).where(
    col(Post.platform).in_(bindparam("platforms", expanding=True)),
    col(Post.platform_post_id).in_(bindparam("ids", expanding=True)),
)


_MAX_IDS = 5000


@dataclass
class _Pending:
    account: AccountKeys
    result: FetchResult
    now: datetime
    unique: dict[str, ScrapedPost]
    outcome: AccountOutcome
    notes: list[str]


def _independent(pending: list[_Pending]) -> bool:
    """Whether the accounts can be stored with one query of each kind for them all and give what storing
    them one after the other gives: no account twice, no post id met by two of them (the first would
    insert it, the second find it stored), and every post stored on the way among the fetch's seen ids
    (so looking for deletions before the inserts finds what looking after them would). And not so many
    posts that one query's bound parameters could pass a database's limit (SQLite: 32,766)."""
    if sum(len(item.unique) for item in pending) > _MAX_IDS:
        return False
    accounts: set[int | None] = set()
    keys: set[tuple[str, str]] = set()
    for item in pending:
        if item.account.id in accounts:
            return False
        accounts.add(item.account.id)
        for post_id in item.unique:
            if (item.account.platform, post_id) in keys:
                return False
            keys.add((item.account.platform, post_id))
        if item.result.window_start is not None and not item.result.seen_ids.issuperset(item.unique):
            return False
    return True


def _store_together(session: Session, pending: list[_Pending]) -> None:
    """_store_posts for independent accounts: one query for the posts already stored, one for the posts
    live in the accounts' windows, one insert; each post decided as _store_posts decides it."""
    wanted = {(item.account.platform, post_id) for item in pending for post_id in item.unique}
    existing = {}
    if wanted:
        params = {"platforms": sorted({p for p, _ in wanted}), "ids": sorted({i for _, i in wanted})}
        for row in session.exec(_EXISTING_MANY, params=params):
            if (row.platform, row.platform_post_id) in wanted:
                existing[(row.platform, row.platform_post_id)] = row
    windows = [item for item in pending if item.result.window_start is not None]
    live: dict[int, list[Any]] = {}
    if windows:
        query = select(Post.id, Post.platform_post_id, Post.account_id).where(
            col(Post.deleted_at).is_(None),
            or_(
                *(
                    and_(Post.account_id == item.account.id, col(Post.posted_at) > item.result.window_start)
                    for item in windows
                )
            ),
        )
        for row in session.exec(query):
            live.setdefault(row.account_id, []).append(row)
    new_rows = []
    reappeared = []
    for item in pending:
        account, outcome = item.account, item.outcome
        for post_id, post in item.unique.items():
            row = existing.get((account.platform, post_id))
            if row is None:
                new_rows.append(_new_row(post, account, item.now))
                outcome.new += 1
                continue
            if row.account_id != account.id:
                continue
            if row.deleted_at is not None:
                reappeared.append(row.id)
            if row.text_purged_at is None and row.text_sha256 != post.text_sha256:
                full = session.get(Post, row.id)
                if full is not None:
                    _new_version(session, full, post, item.now)
                    outcome.changed += 1
    if new_rows:
        session.execute(insert(Post), new_rows)
    if reappeared:
        session.execute(update(Post).where(col(Post.id).in_(reappeared)).values(deleted_at=None))
    session.flush()
    for item in windows:
        gone = [row.id for row in live.get(item.account.id, []) if row.platform_post_id not in item.result.seen_ids]
        if gone:
            session.execute(update(Post).where(col(Post.id).in_(gone)).values(deleted_at=item.now))
            item.outcome.deleted += len(gone)


def store_results(engine: Engine, items: Sequence[tuple[int, FetchResult]]) -> list[AccountOutcome | Exception]:
    """Several accounts in one transaction (a group commit: a commit per account costs more than its rows),
    their cursors advanced with one UPDATE. Should it fail, each account is stored in its own transaction,
    so a failure stays with its account."""
    try:
        with session_scope(engine) as session:
            ids = [account_id for account_id, _ in items]
            accounts = {row.id: row for row in session.exec(_KEYS.where(col(Account.id).in_(ids)))}
            pending = []
            for account_id, result in items:
                if account_id not in accounts:
                    raise LookupError(f"account {account_id} no longer exists")
                account = accounts[account_id]
                result, notes = storable(result, lambda p, a=account, r=result: is_own(p, a, r.platform_user_id))
                own = [p for p in result.posts if is_own(p, account, result.platform_user_id)]
                outcome = AccountOutcome(account_id, account.platform, foreign=len(result.posts) - len(own))
                unique = {p.platform_post_id: p for p in own}  # a pinned post can appear twice on one page
                pending.append(_Pending(account, result, utcnow(), unique, outcome, notes))
            if _independent(pending):
                _store_together(session, pending)
            else:
                for item in pending:
                    item.outcome = _store_posts(session, item.account, item.result, item.now)
            session.execute(
                update(Account),
                [
                    {"id": item.account.id} | _advanced(item.account, item.result, item.now, item.notes)
                    for item in pending
                ],
            )
            for item in pending:
                item.outcome.notes = item.notes
            return [item.outcome for item in pending]
    except Exception as exc:
        if len(items) == 1:
            return [exc]
    outcomes = []
    for account_id, result in items:
        try:
            outcomes.append(store_result(engine, account_id, result))
        except Exception as exc:
            outcomes.append(exc)
    return outcomes


def store_failure(engine: Engine, account_id: int, status: str, error: str) -> AccountOutcome:
    """The account gets a clear status and message; its cursor and posts stay as they were."""
    now = utcnow()
    with session_scope(engine) as session:
        account = session.get(Account, account_id)
        if account is None:
            raise LookupError(f"account {account_id} no longer exists")
        account.last_status, account.last_error = CollectStatus(status), error[:2000]
        account.last_collected_at = now
        account.updated_at = now
        session.add(account)
        return AccountOutcome(account_id, account.platform, status=status, error=error)
