"""The JSON API: cases and actions, with exactly the pages' permissions (same services, same scope).

Authenticate with HTTP Basic (email:password), or with the page's session cookie plus the
`X-CSRF-Token` header on POST. OpenAPI schema: `/api/openapi.json`; readable docs: `/api/docs`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from monitor.audit_check import check_audit_log
from monitor.review import actions as act
from monitor.review.case_detail import get_case
from monitor.review.cases import CaseFilters, Viewer, queue
from monitor.review.evidence.forwarded import forward_with_pack
from review_ui.case_csv import csv_response
from review_ui.deps import audit_readers, db, viewer
from review_ui.evidence_download import evidence_response
from review_ui.filters import FILTERS, api_filters
from review_ui.render import page
from review_ui.routes.report import report_pdf_response
from review_ui.security import csrf_protect

router = APIRouter(prefix="/api", dependencies=[Depends(csrf_protect)], tags=["cases"])


class CaseSummary(BaseModel):
    id: int
    status: str
    label: str
    score: float
    detected_at: datetime
    deadline: datetime
    overdue: bool
    asn_name: str
    nip: str
    unit: str
    agency_code: str
    platform: str
    excerpt: str | None
    election_id: str | None
    candidate_number: int | None
    in_asn_region: bool | None = Field(
        description="the election is held where the ASN serves (None: no election resolved); priority only"
    )


class CaseList(BaseModel):
    items: list[CaseSummary]
    next_cursor: str | None = Field(description="pass as `after` for the next page")
    counts: dict[str, int]


class ActionIn(BaseModel):
    reason: str = Field(min_length=1, description="required for every action; recorded in the audit log")
    category: str | None = Field(None, description="confirm: kode_etik or disiplin")
    note: str = ""
    answer: str | None = Field(None, description="answer: the ASN's clarification")
    target: str | None = Field(None, description="forward: bawaslu or bkn")
    sanctioned: bool | None = Field(None, description="followup: was a sanction decided")
    decided_on: date | None = None
    assignee_id: int | None = None
    correct_label: str = Field("", description="confirm, dismiss: the right label (dukungan, serangan, netral)")
    correct_target: str = Field(
        "", description="confirm, dismiss: the right target, c:<election id>:<candidate number>, p:<party>, or none"
    )
    seen_posts: int | None = Field(
        None,
        ge=0,
        description="confirm, dismiss: how many joined posts you looked at (len of the case's joined_posts); "
        "refused with 400 when more have joined since",
    )


class BulkDismissIn(BaseModel):
    case_ids: list[int] = Field(min_length=1)
    reason: str = Field(min_length=1)


class ActionOut(BaseModel):
    case_id: int
    status: str


@router.get(
    "/cases",
    response_model=CaseList,
    summary="The queue (same filters as the page), as JSON or CSV",
    responses={200: {"content": {"text/csv": {}}}, 400: {"description": "an unknown query parameter, or a bad value"}},
)
def list_cases(
    request: Request,
    found: tuple[CaseFilters, str] = Depends(api_filters),
    after: str | None = Query(None, description="cursor: the `next_cursor` of the page before (JSON only)"),
    limit: int = Query(50, description="cases per page, 1 to 200 (clamped; JSON only)"),
    format: Literal["json", "csv"] = Query(
        "json", description="csv: every matching case (not a page) as a spreadsheet file, UTF-8 with BOM"
    ),
    lang: Literal["id", "en"] = Query("id", description="the CSV's column names and words"),
    v: Viewer = Depends(viewer),
    session: Session = Depends(db),
) -> CaseList | Response:
    """Unknown query parameters are refused (400), so that a misspelt filter never returns every case."""
    filters, _ = found
    if format == "csv":
        kept = {k: val for k, val in request.query_params.items() if k in FILTERS}
        return csv_response(session, v, filters, kept, lang=lang, base_url=str(request.base_url))
    try:
        result = queue(session, v, filters, cursor=after, limit=max(1, min(limit, 200)))
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc
    items = [CaseSummary(**r._asdict(), overdue=r.overdue) for r in result.rows]
    return CaseList(
        items=items, next_cursor=result.next_cursor, counts=request.app.state.counts.counts(session, v, filters)
    )


@router.get("/cases/{case_id}", summary="One case with its post, ASN, score and history")
def case_detail(case_id: int, v: Viewer = Depends(viewer), session: Session = Depends(db)) -> dict[str, object]:
    d = get_case(session, v, case_id)
    return {
        "case": d.case.model_dump(mode="json", warnings=False),
        "post": d.post.model_dump(mode="json", warnings=False),
        "asn": d.asn.model_dump(mode="json", warnings=False),
        "agency": d.agency.model_dump(mode="json", warnings=False),
        "score": d.score.model_dump(mode="json", warnings=False) if d.score else None,
        "joined_posts": [p.model_dump(mode="json", warnings=False) for p in d.joined_posts],
        "earlier_case_ids": [c.id for c in d.earlier_cases],
        "actions": [{**a.model_dump(mode="json", warnings=False), "user_name": name} for a, name in d.actions],
    }


@router.get("/cases/{case_id}/evidence.zip", summary="The evidence pack (ZIP)", response_class=Response)
def evidence(
    case_id: int,
    as_forwarded: bool = False,
    target: str | None = None,
    v: Viewer = Depends(viewer),
    session: Session = Depends(db),
) -> Response:
    """Built now; with `as_forwarded=1` the bytes as forwarded (latest, or to `target`), whose SHA-256 the
    `case.forward` audit entry recorded (404 when the case was never forwarded)."""
    return evidence_response(session, v, case_id, as_forwarded=as_forwarded, target=target, lang=None)


@router.get(
    "/cases/{case_id}/report.pdf",
    summary="The case report for BKN (PDF)",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def report_pdf(
    case_id: int,
    request: Request,
    lang: Literal["id", "en"] = Query("id", description="the report's language (Indonesian for BKN)"),
    v: Viewer = Depends(viewer),
    session: Session = Depends(db),
) -> Response:
    """The reviewers' decision, the reported ASN, the incident with its evidence (times in WIB), and the
    model's reading as a separate part; the same report as the page `/cases/{id}/report`. Audited."""
    return report_pdf_response(request, v, session, case_id, lang)


@router.post("/cases/{case_id}/{action}", response_model=ActionOut, summary="Act on a case")
def act_on_case(
    case_id: int, action: str, body: ActionIn, v: Viewer = Depends(viewer), session: Session = Depends(db)
) -> ActionOut:
    """`action` is one of confirm, dismiss, clarify, answer, forward, followup, assign."""
    try:
        if action == "confirm":
            result = act.confirm(session, v, case_id, category=body.category or "", reason=body.reason, note=body.note,
                                 label=body.correct_label, target=body.correct_target,
                                 seen_posts=body.seen_posts)  # fmt: skip
        elif action == "dismiss":
            result = act.dismiss(session, v, case_id, reason=body.reason, label=body.correct_label,
                                 target=body.correct_target, seen_posts=body.seen_posts)  # fmt: skip
        elif action == "clarify":
            result = act.request_clarification(session, v, case_id, reason=body.reason)
        elif action == "answer":
            result = act.answer_clarification(session, v, case_id, answer=body.answer or "", reason=body.reason)
        elif action == "forward":
            result, _ = forward_with_pack(session, v, case_id, target=body.target or "", reason=body.reason)
        elif action == "followup":
            result = act.record_followup(
                session, v, case_id, sanctioned=bool(body.sanctioned), decided_on=body.decided_on, reason=body.reason
            )
        elif action == "assign":
            result = act.assign(session, v, case_id, assignee_id=body.assignee_id or 0, reason=body.reason)
        else:
            raise HTTPException(404, f"unknown action {action!r}")
    except act.ActionError as exc:
        raise HTTPException(409, str(exc)) from exc
    session.commit()
    return ActionOut(case_id=result.case_id, status=result.status)


@router.post("/bulk-dismiss", summary="Dismiss many cases with one reason")
def api_bulk_dismiss(
    body: BulkDismissIn, v: Viewer = Depends(viewer), session: Session = Depends(db)
) -> dict[str, list[int]]:
    try:
        done, skipped = act.bulk_dismiss(session, v, body.case_ids, reason=body.reason)
    except act.ActionError as exc:
        raise HTTPException(400, str(exc)) from exc
    session.commit()
    return {"dismissed": done, "skipped": skipped}


@router.get("/audit/verify", summary="Check the audit log: hash chain and signed checkpoints (admins and auditors)",
            tags=["audit"])  # fmt: skip
def audit_verify(request: Request, v: Viewer = Depends(audit_readers),
                 session: Session = Depends(db)) -> dict[str, object]:  # fmt: skip
    report = check_audit_log(session, request.app.state.settings)
    return {
        "ok": report.ok,
        "entries": report.entries,
        "broken_id": report.broken.id if report.broken else None,
        "reason": report.broken.reason if report.broken else None,
        "checkpoints_held": report.held,
        "problems": report.problems,
        "warnings": report.warnings,
    }


@router.get("/me", summary="Who am I", tags=["auth"])
def me(v: Viewer = Depends(viewer)) -> dict[str, object]:
    return {"email": v.email, "name": v.name, "role": v.role.value, "agency_id": v.agency_id}


@router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
def docs(request: Request) -> Response:
    """Readable API docs rendered from the OpenAPI schema (no CDN: nothing is fetched at run time)."""
    schema = request.app.openapi()
    return page(request, "api_docs.html", {"schema": schema, "viewer": None})
