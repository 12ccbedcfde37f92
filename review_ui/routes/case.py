"""One case: the evidence, the ASN, the model's assessment, the history and the actions."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from monitor.audit import trail
from monitor.model.corrections import target_choices
from monitor.registry.names import Target, registry_names
from monitor.review.actions import CATEGORIES, FORWARD_TARGETS, offered_actions
from monitor.review.case_view import case_view
from monitor.review.cases import Viewer
from review_ui.audit_text import action_text, actor_text, review_action_text
from review_ui.deps import db, in_thread, viewer
from review_ui.evidence_download import evidence_response
from review_ui.highlight import highlight_post
from review_ui.html_rows import earlier_cases
from review_ui.reason import correction_text, reason_line, skb_text, target_of, target_text
from review_ui.render import lang_of, page
from review_ui.security import csrf_protect

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
async def case_page(case_id: int, request: Request) -> Response:
    return await in_thread(request, _case_page, case_id)


def _case_page(request: Request, v: Viewer, session: Session, case_id: int) -> Response:
    detail = case_view(session, v, case_id)
    offered = offered_actions(detail.case.status) if v.can_act else ()
    if detail.first_confirmer_id == v.user_id:
        offered = tuple(a for a in offered if a != "confirm")
    lang, c, s = lang_of(request), detail.case, detail.score
    names = registry_names(session)
    target = Target(c.election_id, c.candidate_number, c.party)
    category = s.skb_category if s else None
    context = {
        "viewer": v,
        "d": detail,
        # the model's reading in words: names instead of slugs, the SKB article, one plain reason line
        "reason": reason_line(lang, label=c.label, category=category, target=target, names=names, score=c.score),
        "target_text": target_text(lang, target, names),
        "skb_text": skb_text(lang, category),
        "post_html": highlight_post(detail.post.text, s.mentions if s else [], s.spans if s else [], lang),
        # reviewers' corrections of the model's label / target: the choices, and each action's in words
        "target_choices": [(value, target_text(lang, target_of(t), names)) for value, t in target_choices(session)]
        if {"confirm", "dismiss"} & set(offered)
        else [],
        "corrections": [correction_text(lang, a.details.get("correction"), names) for a, _ in detail.actions],
        "offered": offered,
        "categories": CATEGORIES,
        "targets": FORWARD_TARGETS,
        # cached per agency for a few seconds; `assign` checks the chosen user against the database
        "assignable": request.app.state.assignable.get(session, detail.case.agency_id) if "assign" in offered else [],
        "trail": trail(session, "case", str(case_id), limit=200),
        # the history's and the trail's actions in words, never `case.confirm`
        "review_action_text": partial(review_action_text, lang),
        "action_text": partial(action_text, lang),
        "actor_text": partial(actor_text, lang),
        "earlier_cases": earlier_cases,  # the list's HTML, built in Python (review_ui.html_rows)
    }
    return page(request, "case.html", context)


@router.get("/cases/{case_id}/evidence.zip")
def evidence_pack(
    case_id: int,
    request: Request,
    as_forwarded: bool = False,
    target: str | None = None,
    v: Viewer = Depends(viewer),
    session: Session = Depends(db),
) -> Response:
    """The pack built now, or with `as_forwarded=1` the bytes forwarded (latest, or to `target`)."""
    suffix = "-diteruskan" if as_forwarded else ""
    return evidence_response(
        session,
        v,
        case_id,
        as_forwarded=as_forwarded,
        target=target,
        lang=lang_of(request),
        headers={"Content-Disposition": f'attachment; filename="netra-kasus-{case_id}{suffix}.zip"'},
    )
