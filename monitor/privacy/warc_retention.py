"""Retention for the archive of responses (monitor/collection/warc.py): a response record is kept while a post that
still holds its text points at it, and goes when none does, once its file is older than the window.

A response holds every item of its page, and profile lookups and pages without new posts hold text that no
post keeps: none of it may outlive `retention_days` unless a case needs it. So, for each WARC file started
before the window: with no record still needed, the file is deleted; with some, those records are copied
byte for byte (the same gzip members: same ids, dates, digests) into a new file with a warcinfo record
saying so, the posts are pointed at the new places, and the old file is deleted. A record still needed is
one a post with unpurged text points at (its current version or an earlier one): posts in a case, posts not
yet scored or checked, exactly those monitor/privacy/retention.py keeps. Purged posts keep the record's id, locator
and body hash; file, offset and length are cleared.

Crash-safe by order: the new file is written and synced, then the database updated in one transaction,
then the old file deleted. A crash leaves at worst a file no post points at, which the next run deletes.
"""

from __future__ import annotations

import io
import logging
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select
from warcio.archiveiterator import ArchiveIterator

from monitor.collection.warc import created_at, warc_root, warcinfo_member
from monitor.config import Settings
from monitor.db import session_scope
from monitor.models import Post, PostVersion, utcnow

__all__ = ["WarcPurgeSummary", "purge_expired_warcs"]

log = logging.getLogger(__name__)
_KEPT_SUFFIX = re.compile(r"-r\d{8}T\d{6}(?=\.warc\.gz\Z)")


@dataclass
class WarcPurgeSummary:
    warc_files_deleted: int = 0
    warc_files_compacted: int = 0
    warc_bytes_freed: int = 0


def _needed(session: Session, name: str) -> dict[int, int]:
    """offset -> length of the file's records that a post with unpurged text points at."""
    current = select(Post.warc_offset, Post.warc_length).where(
        Post.warc_file == name, col(Post.text_purged_at).is_(None)
    )
    earlier = (
        select(PostVersion.warc_offset, PostVersion.warc_length)
        .join(Post, col(Post.id) == PostVersion.post_id)
        .where(PostVersion.warc_file == name, col(Post.text_purged_at).is_(None))
    )
    return {offset: length for query in (current, earlier) for offset, length in session.exec(query)}


def _first_member_length(path: Path) -> int:
    with path.open("rb") as handle:
        records = ArchiveIterator(handle)
        record = next(records)
        records.read_to_end(record)
        return int(records.get_record_length())


def _repoint(session: Session, name: str, moves: dict[int, tuple[str, int]]) -> None:
    """Posts and versions of file `name`: moved records to their new place, the others cleared."""
    for table in (Post, PostVersion):
        for old, (new_name, new_offset) in moves.items():
            session.execute(
                update(table)
                .where(col(table.warc_file) == name, col(table.warc_offset) == old)
                .values(warc_file=new_name, warc_offset=new_offset)
            )
        session.execute(
            update(table).where(col(table.warc_file) == name).values(warc_file=None, warc_offset=None, warc_length=None)
        )


def _write_kept(root: Path, name: str, needed: dict[int, int], now: datetime) -> tuple[str, dict[int, tuple[str, int]]]:
    """A new file holding the needed records of `name`, synced; its name and where each record went."""
    new_name = _KEPT_SUFFIX.sub("", name).removesuffix(".warc.gz") + f"-r{now:%Y%m%dT%H%M%S}.warc.gz"
    info = {
        "software": "Netra retention (monitor/privacy/warc_retention.py)",
        "format": "WARC File Format 1.1",
        "description": (
            f"The {len(needed)} response records of {Path(name).name} that posts in a case or not yet purged "
            f"still point at, copied unchanged on {now:%Y-%m-%d}; the others were deleted after the retention window"
        ),
    }
    moves: dict[int, tuple[str, int]] = {}
    out = io.BytesIO()
    out.write(warcinfo_member(Path(new_name).name, info))
    with (root / name).open("rb") as source:
        for offset, length in sorted(needed.items()):
            source.seek(offset)
            data = source.read(length)
            if len(data) != length:
                raise OSError(f"{name} ends before the record at offset {offset}")
            moves[offset] = (new_name, out.tell())
            out.write(data)
    with (root / new_name).open("xb") as target:
        target.write(out.getvalue())
        target.flush()
        os.fsync(target.fileno())
    return new_name, moves


def _delete(root: Path, name: str) -> int:
    path = root / name
    size = path.stat().st_size
    path.unlink()
    for parent in path.parents:  # empty day, month and year folders go too
        if parent == root or not parent.is_relative_to(root):
            break
        try:
            parent.rmdir()
        except OSError:
            break
    return size


def _expire(engine: Engine, root: Path, name: str, now: datetime, summary: WarcPurgeSummary) -> None:
    with Session(engine) as session:
        needed = _needed(session, name)
    path = root / name
    moves: dict[int, tuple[str, int]] = {}
    new_name, new_size = None, 0
    if needed:
        if _first_member_length(path) + sum(needed.values()) == path.stat().st_size:
            return  # holds nothing but records still needed
        new_name, moves = _write_kept(root, name, needed, now)
        new_size = (root / new_name).stat().st_size
    with session_scope(engine) as session:
        _repoint(session, name, moves)
    summary.warc_bytes_freed += _delete(root, name) - new_size
    if new_name:
        summary.warc_files_compacted += 1
    else:
        summary.warc_files_deleted += 1
    log.info("retention expired a WARC file", extra={"file": name, "kept_records": len(needed), "kept_in": new_name})


def purge_expired_warcs(engine: Engine, settings: Settings, *, now: datetime | None = None) -> WarcPurgeSummary:
    """Expire the records of WARC files started more than `retention_days` ago. Idempotent."""
    now = now or utcnow()
    cutoff = now - timedelta(days=settings.retention_days)
    root = warc_root(settings.data_dir)
    summary = WarcPurgeSummary()
    if not root.is_dir():
        return summary
    for path in sorted(root.rglob("netra-*.warc.gz")):
        started = created_at(path.name)
        if started is None or started >= cutoff:
            continue  # not ours, or still inside the window
        try:
            _expire(engine, root, path.relative_to(root).as_posix(), now.astimezone(UTC), summary)
        except Exception:  # one unreadable file must not stop the rest; it is tried again next run
            log.exception("retention could not expire %s", path)
    return summary
