"""The WARC records of a case's posts, for its evidence pack: `warc/records.warc.gz` and `warc/index.json`.

Each record is copied byte for byte from the archive (monitor/collection/warc.py): the same gzip member, so the same
WARC-Record-ID, WARC-Date and digests as when it was received. Copied gzip members make a valid .warc.gz
that any WARC tool opens (`warcio index`, `warcio extract`, `warcio check`). Every record is checked before it
goes in (its id, its digests, its body's SHA-256 against the post's); one that cannot be is listed in the
index with the reason and left out, never silently. The records of a post's earlier versions come too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from monitor.collection.warc import RecordError, headers_of, read_record
from monitor.models import Post, PostVersion
from monitor.models.posts import WarcRef
from scrapers.capture import CaptureRef

__all__ = ["WARC_FILE", "case_warc"]

WARC_FILE = "warc/records.warc.gz"
INDEX_FILE = "warc/index.json"


def capture_ref(row: WarcRef) -> CaptureRef | None:
    """The stored pointer as a CaptureRef; None when the record is gone (retention) or never was."""
    if row.warc_file is None or row.warc_offset is None or row.warc_length is None:
        return None
    return CaptureRef(row.warc_file, row.warc_record_id or "", row.warc_offset, row.warc_length, row.body_sha256 or "")


@dataclass
class _Pack:
    root: Path
    data: bytearray = field(default_factory=bytearray)
    placed: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)  # (file, offset) -> where

    def add(self, row: WarcRef) -> dict[str, Any]:
        """The index entry of one post (version): where its record is in the pack, or why it is not."""
        entry: dict[str, Any] = {
            "record_id": row.warc_record_id,
            "locator": row.warc_locator,
            "body_sha256": row.body_sha256,
        }
        ref = capture_ref(row)
        if ref is None:
            entry["status"] = "purged by retention" if row.warc_record_id else "not archived (collected before)"
            return entry
        key = (ref.warc_file, ref.offset)
        if key not in self.placed:
            try:
                member, record, _ = read_record(self.root, ref)
            except RecordError as exc:
                return entry | {"status": f"missing: {exc}", "source_file": ref.warc_file, "source_offset": ref.offset}
            self.placed[key] = {"pack_offset": len(self.data), **headers_of(record)}
            self.data += member
        return entry | {"status": "ok", **self.placed[key], "source_file": ref.warc_file, "source_offset": ref.offset}


def case_warc(session: Session, posts: list[Post], root: Path) -> dict[str, bytes]:
    """The pack's WARC files for these posts (the case's post and joined reposts), or {} when none of them
    (nor any earlier version) was archived."""
    ids = [p.id for p in posts]
    versions: dict[int, list[PostVersion]] = {}
    for version in session.exec(
        select(PostVersion).where(col(PostVersion.post_id).in_(ids)).order_by(col(PostVersion.version))
    ):
        versions.setdefault(version.post_id, []).append(version)
    rows: list[tuple[Post, int, WarcRef]] = []
    for post in posts:
        rows += [(post, v.version, v) for v in versions.get(post.id or 0, [])]
        rows.append((post, post.version, post))
    if not any(row.warc_record_id for _, _, row in rows):
        return {}
    pack = _Pack(root)
    index = [{"post_id": post.id, "version": number, **pack.add(row)} for post, number, row in rows]
    files = {INDEX_FILE: json.dumps(index, ensure_ascii=False, indent=2).encode()}
    if pack.data:
        files[WARC_FILE] = bytes(pack.data)
    return files
