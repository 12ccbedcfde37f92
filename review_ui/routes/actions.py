"""Case actions from the page's forms: each posts, is recorded, and redirects back (post/redirect/get)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from monitor.review import actions as act
from monitor.review.cases import Viewer
from monitor.review.evidence.forwarded import forward_with_pack
from review_ui.deps import db, viewer
from review_ui.i18n import translate, translate_error
from review_ui.render import flash, lang_of
from review_ui.security import csrf_protect

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


def _done(request: Request, session: Session, result: act.ActionResult) -> RedirectResponse:
    session.commit()
    lang = lang_of(request)
    flash(request, translate(lang, "action_done", status=translate(lang, f"status_{result.status}")))
    return RedirectResponse(f"/cases/{result.case_id}", status_code=303)


def _failed(request: Request, case_id: int, exc: act.ActionError) -> RedirectResponse:
    flash(request, translate_error(lang_of(request), str(exc)), "error")
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/{action}")
def case_action(
    case_id: int,
    action: str,
    request: Request,
    reason: str = Form(""),
    category: str = Form(""),
    note: str = Form(""),
    answer: str = Form(""),
    target: str = Form(""),
    sanctioned: str = Form(""),
    decided_on: str = Form(""),
    assignee_id: int = Form(0),
    correct_label: str = Form(""),  # confirm / dismiss: the reviewer's correction of the model's reading
    correct_target: str = Form(""),
    seen_posts: int | None = Form(None),  # confirm / dismiss: the joined posts the page showed
    v: Viewer = Depends(viewer),
    session: Session = Depends(db),
) -> RedirectResponse:
    fix: dict[str, Any] = {"label": correct_label, "target": correct_target, "seen_posts": seen_posts}
    try:
        if action == "confirm":
            result = act.confirm(session, v, case_id, category=category, reason=reason, note=note, **fix)
        elif action == "dismiss":
            result = act.dismiss(session, v, case_id, reason=reason, **fix)
        elif action == "clarify":
            result = act.request_clarification(session, v, case_id, reason=reason)
        elif action == "answer":
            result = act.answer_clarification(session, v, case_id, answer=answer, reason=reason)
        elif action == "forward":
            result, _ = forward_with_pack(session, v, case_id, target=target, reason=reason)
        elif action == "followup":
            try:
                day = date.fromisoformat(decided_on) if decided_on else None
            except ValueError as exc:
                raise act.ActionError("decision date must be YYYY-MM-DD") from exc
            result = act.record_followup(
                session, v, case_id, sanctioned=sanctioned == "yes", decided_on=day, reason=reason
            )
        elif action == "assign":
            result = act.assign(session, v, case_id, assignee_id=assignee_id, reason=reason)
        else:
            return _failed(request, case_id, act.ActionError(f"unknown action {action!r}"))
    except act.ActionError as exc:
        session.rollback()
        return _failed(request, case_id, exc)
    return _done(request, session, result)


@router.post("/bulk-dismiss")
def bulk_dismiss(
    request: Request,
    reason: str = Form(""),
    case_ids: list[int] = Form(default=[]),
    back: str = Form("/cases"),
    v: Viewer = Depends(viewer),
    session: Session = Depends(db),
) -> RedirectResponse:
    lang = lang_of(request)
    back = back if back.startswith("/cases") else "/cases"  # only back to the queue, never off-site
    if not case_ids:
        flash(request, translate(lang, "no_selection"), "error")
        return RedirectResponse(back, status_code=303)
    try:
        done, skipped = act.bulk_dismiss(session, v, case_ids, reason=reason)
    except act.ActionError as exc:
        flash(request, translate_error(lang, str(exc)), "error")
        return RedirectResponse(back, status_code=303)
    session.commit()
    flash(request, translate(lang, "bulk_done", n=len(done), m=len(skipped)))
    return RedirectResponse(back, status_code=303)
