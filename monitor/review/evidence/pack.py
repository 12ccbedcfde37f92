"""The evidence pack sent to Bawaslu / BKN: one ZIP with everything needed to judge a case alone.

Contents: the post(s) as JSON and text, each raw payload exactly as captured, the WARC records of the
responses they came from as received (monitor/review/evidence/warc.py), the case's audit trail, a summary with
the fields a BKN public report (pengaduan) asks for, and a SHA-256 manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session

from monitor.audit import entries
from monitor.collection.warc import warc_root
from monitor.config import get_settings
from monitor.models import Post
from monitor.registry.names import registry_names
from monitor.review.case_detail import get_case
from monitor.review.cases import Viewer
from monitor.review.evidence.report_words import REPORT_ID
from monitor.review.evidence.summary import Line, case_report, report_text, summary_fields
from monitor.review.evidence.warc import case_warc

__all__ = ["build_evidence_pack", "summary_fields"]

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entries get a fixed timestamp: the same case gives the same bytes


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _post_json(post: Post) -> dict[str, object]:
    return {
        "id": post.id,
        "platform": post.platform,
        "platform_post_id": post.platform_post_id,
        "kind": post.kind,
        "original_post_id": post.original_post_id,
        "url": post.url,
        "text": post.text,
        "quoted_text": post.quoted_text,
        "posted_at": _iso(post.posted_at),
        "captured_at": _iso(post.captured_at),
        "edited_at": _iso(post.edited_at),
        "deleted_at": _iso(post.deleted_at),
        "request_url": post.request_url,
        "http_status": post.http_status,
        "payload_sha256": post.payload_sha256,
        "payload_sha256_recomputed": hashlib.sha256(post.raw_payload.encode()).hexdigest(),
        # The response as received: its record in warc/records.warc.gz (warc/index.json says where).
        "warc_record_id": post.warc_record_id,
        "warc_locator": post.warc_locator,
        "body_sha256": post.body_sha256,
    }


def build_evidence_pack(
    session: Session, viewer: Viewer, case_id: int, *, warc_dir: Path | None = None
) -> tuple[bytes, str]:
    """The ZIP bytes and their SHA-256. Raises CaseNotFound outside the viewer's scope. `warc_dir`: the
    archive of responses (default: <NETRA_DATA_DIR>/warc of the configured settings)."""
    detail = get_case(session, viewer, case_id)
    files: dict[str, bytes] = {}
    for post in [detail.post, *detail.joined_posts]:
        prefix = f"posts/{post.id}"
        files[f"{prefix}/post.json"] = json.dumps(_post_json(post), ensure_ascii=False, indent=2).encode()
        files[f"{prefix}/post.txt"] = (post.text or "(teks telah dihapus oleh kebijakan retensi)").encode()
        files[f"{prefix}/raw_payload.txt"] = post.raw_payload.encode()
    trail = [
        {
            "id": e.id,
            "at": _iso(e.at),
            "actor": e.actor,
            "action": e.action,
            "details": e.details,
            "prev_hash": e.prev_hash,
            "hash": e.hash,
        }
        for e in reversed(entries(session, object_type="case", object_ids=[str(case_id)], limit=10_000))
    ]
    posts = [detail.post, *detail.joined_posts]
    files.update(case_warc(session, posts, warc_dir or warc_root(get_settings().data_dir)))
    files["audit_trail.json"] = json.dumps(trail, ensure_ascii=False, indent=2).encode()
    files["summary.json"] = json.dumps(summary_fields(detail), ensure_ascii=False, indent=2).encode()
    # The archived copy of the post is in the pack itself: its raw payload, as captured.
    archive = Line(REPORT_ID["report_archive"], f"posts/{detail.post.id}/raw_payload.txt")
    files["summary.txt"] = report_text(case_report(detail, REPORT_ID, archive, registry_names(session))).encode()
    manifest = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items()))
    files["manifest.sha256"] = manifest.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(f"kasus-{case_id}/{name}", _FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    payload = buffer.getvalue()
    return payload, hashlib.sha256(payload).hexdigest()
