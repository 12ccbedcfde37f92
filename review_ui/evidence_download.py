"""The evidence pack download shared by the page and the API: built now, or exactly as forwarded."""

from __future__ import annotations

from fastapi import HTTPException
from fastapi.responses import Response
from sqlmodel import Session

from monitor.audit import record
from monitor.review.cases import Viewer
from monitor.review.evidence.forwarded import ArchiveError, NotForwarded, forwarded_pack
from monitor.review.evidence.pack import build_evidence_pack
from review_ui.i18n import translate


def evidence_response(
    session: Session,
    v: Viewer,
    case_id: int,
    *,
    as_forwarded: bool,
    target: str | None,
    lang: str | None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The pack as a ZIP response, its SHA-256 in `X-Evidence-SHA256`; every download is audited.

    `lang` None (the API): error details in English, like the API's other errors; else the page's language.
    """
    details: dict[str, object] = {} if lang else {"via": "api"}
    if as_forwarded:
        try:
            kept = forwarded_pack(session, v, case_id, target or None)
        except NotForwarded as exc:
            key = "pack_not_forwarded_to" if target else "pack_not_forwarded"
            raise HTTPException(404, translate(lang, key, target=(target or "").upper()) if lang else str(exc)) from exc
        except ArchiveError as exc:
            raise HTTPException(500, translate(lang, "pack_altered") if lang else str(exc)) from exc
        pack, digest = kept.content, kept.sha256
        details |= {"as_forwarded": True, "audit_id": kept.audit_id}
    else:
        pack, digest = build_evidence_pack(session, v, case_id)
    record(session, v.email, "case.evidence_download", "case", str(case_id), {"sha256": digest, **details})
    session.commit()
    return Response(pack, media_type="application/zip", headers={"X-Evidence-SHA256": digest, **(headers or {})})
