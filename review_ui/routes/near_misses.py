"""The "Hampir ditandai" page: recent near misses to spot-check, each with its reason line, and the two
actions on them (open a case by hand, mark checked), each posting and redirecting back (post/redirect/get)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from monitor.flagging.near_misses import mark_checked, near_miss_access, near_misses, open_by_hand, side_label
from monitor.flagging.rules import FlagRules
from monitor.models import utcnow
from monitor.registry.names import Target, registry_names
from monitor.review.actions import ActionError
from monitor.review.cases import CaseNotFound, Viewer
from review_ui.deps import db, viewer
from review_ui.i18n import translate, translate_error
from review_ui.reason import decimal, reason_line
from review_ui.render import flash, lang_of, page
from review_ui.security import csrf_protect

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
PATH = "/near-misses"


@router.get(PATH, response_class=HTMLResponse)
def near_miss_page(request: Request, v: Viewer = Depends(viewer), session: Session = Depends(db)) -> Response:
    flagging = request.app.state.settings.flagging
    lang = lang_of(request)
    names = registry_names(session)
    rows = near_misses(
        session, v, floor=flagging.near_miss_floor, since=utcnow() - timedelta(days=flagging.near_miss_days)
    )
    reasons = [
        reason_line(lang, label=side_label(r.probabilities), category=r.skb_category,
                    target=Target(r.election_id, r.candidate_number, r.party), names=names, score=r.side)
        for r in rows
    ]  # fmt: skip
    context = {
        "viewer": v,
        "rows": list(zip(rows, reasons, strict=True)),
        "intro": translate(
            lang, "near_intro", days=flagging.near_miss_days, floor=decimal(lang, flagging.near_miss_floor)
        ),
        "decimal": lambda value: decimal(lang, value),
    }
    return page(request, "near_misses.html", context)


@router.post(PATH + "/{score_id}/{action}")
def near_miss_action(
    score_id: int,
    action: str,
    request: Request,
    reason: str = Form(""),
    v: Viewer = Depends(viewer),
    session: Session = Depends(db),
) -> RedirectResponse:
    lang = lang_of(request)
    if action not in ("open", "check"):
        near_miss_access(session, v, score_id)  # 404 outside the agency, 403 read-only: as for any action
        raise CaseNotFound(score_id)  # no such action
    try:
        if action == "open":
            rules = FlagRules.from_settings(request.app.state.settings)
            case_id = open_by_hand(session, v, score_id, reason=reason, rules=rules)
            session.commit()
            flash(request, translate(lang, "near_opened", n=case_id))
            return RedirectResponse(f"/cases/{case_id}", status_code=303)
        mark_checked(session, v, score_id, reason=reason)
        session.commit()
        flash(request, translate(lang, "near_marked"))
    except ActionError as exc:  # not found (404) and read-only (403) answer as for cases (review_ui.app)
        session.rollback()
        flash(request, translate_error(lang, str(exc)), "error")
    return RedirectResponse(PATH, status_code=303)
