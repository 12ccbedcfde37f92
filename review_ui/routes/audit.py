"""The audit log page (admins and auditors): newest first, and a check of the hash chain."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from monitor.audit import entries
from monitor.audit_check import check_audit_log
from monitor.registry.names import registry_names
from monitor.review.cases import Viewer
from review_ui.audit_text import action_text, actor_text, detail_lines, object_text
from review_ui.deps import audit_readers, db
from review_ui.render import lang_of, page
from review_ui.security import csrf_protect

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
PAGE_SIZE = 100


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    before: int | None = None,
    check: bool = False,
    v: Viewer = Depends(audit_readers),
    session: Session = Depends(db),
) -> Response:
    rows = entries(session, before_id=before, limit=PAGE_SIZE)
    lang, names = lang_of(request), registry_names(session)
    context = {
        "viewer": v,
        "rows": rows,
        "older": f"/audit?before={rows[-1].id}" if len(rows) == PAGE_SIZE else None,
        "checked": check,
        # each entry in words (action, object, one line per detail); the raw details stay, folded
        "action_text": partial(action_text, lang),
        "actor_text": partial(actor_text, lang),
        "object_text": partial(object_text, lang),
        "detail_lines": lambda e: detail_lines(lang, e.action, e.details, names),
        # the chain and every signed checkpoint, as `netra audit verify` checks them: the chain alone cannot
        # see its newest entries deleted
        "report": check_audit_log(session, request.app.state.settings) if check else None,
    }
    return page(request, "audit.html", context)
