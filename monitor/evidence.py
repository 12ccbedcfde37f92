"""The evidence pack sent to Bawaslu / BKN: one ZIP with everything needed to judge a case alone.

Contents: the post(s) as JSON and text, each raw payload exactly as captured, the case's audit
trail, a summary with the fields a BKN public report (pengaduan) asks for, and a SHA-256 manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime

from sqlmodel import Session

from monitor.audit import entries
from monitor.case_detail import CaseDetail, get_case
from monitor.cases import Viewer
from monitor.models import Post

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
    }


def summary_fields(detail: CaseDetail) -> dict[str, object]:
    """The fields of a BKN public report: reported person, agency, time, place/URL, description."""
    case, post, asn, score = detail.case, detail.post, detail.asn, detail.score
    target = f"calon nomor urut {case.candidate_number}" if case.candidate_number else "tidak diketahui"
    description = (
        f"Unggahan {post.kind} di {post.platform} oleh {asn.name} (NIP {asn.nip}) dinilai '{case.label}' "
        f"terhadap {target} pada pemilihan {case.election_id or '-'}."
    )
    if score is not None and score.skb_category:
        description += f" Kategori SKB yang disarankan: {score.skb_category}."
    return {
        "nip_terlapor": asn.nip,
        "nama_terlapor": asn.name,
        "jabatan": asn.position,
        "unit_kerja": asn.unit,
        "instansi": f"{detail.agency.name} ({detail.agency.code})",
        "ppk": detail.agency.ppk_name,
        "waktu_kejadian": _iso(post.posted_at),
        "waktu_pengambilan_bukti": _iso(post.captured_at),
        "tempat_url": post.url,
        "platform": post.platform,
        "uraian": description,
        "isi_unggahan": post.text,
        "status_kasus": str(case.status),
        "nomor_kasus": case.id,
    }


def _summary_text(fields: dict[str, object]) -> str:
    lines = ["RINGKASAN LAPORAN DUGAAN PELANGGARAN NETRALITAS ASN", ""]
    lines += [
        f"{key.replace('_', ' ').title()}: {value if value is not None else '-'}" for key, value in fields.items()
    ]
    return "\n".join(lines) + "\n"


def build_evidence_pack(session: Session, viewer: Viewer, case_id: int) -> tuple[bytes, str]:
    """The ZIP bytes and their SHA-256. Raises CaseNotFound outside the viewer's scope."""
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
    files["audit_trail.json"] = json.dumps(trail, ensure_ascii=False, indent=2).encode()
    fields = summary_fields(detail)
    files["summary.json"] = json.dumps(fields, ensure_ascii=False, indent=2).encode()
    files["summary.txt"] = _summary_text(fields).encode()
    manifest = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items()))
    files["manifest.sha256"] = manifest.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(f"kasus-{case_id}/{name}", _FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    payload = buffer.getvalue()
    return payload, hashlib.sha256(payload).hexdigest()
