"""Admin page: the registered social-media accounts of ASN; verify, reject, remove or restore one; export
everything held on one NIP (subject access)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from monitor.privacy.subject_access import SubjectError, check_reason, export_asn, record_export
from monitor.registry.accounts import STATUSES, AccountError, change_account, list_accounts
from monitor.review.cases import Viewer
from review_ui.deps import admin_only, db
from review_ui.i18n import translate, translate_error
from review_ui.render import flash, lang_of, page
from review_ui.security import csrf_protect

router = APIRouter(prefix="/admin", dependencies=[Depends(csrf_protect)], include_in_schema=False)
PAGE_SIZE = 100
# Which changes each status offers (the service refuses the others too, with a reason).
OFFERED: dict[str, tuple[str, ...]] = {
    "unverified": ("verify", "reject", "remove"),
    "verified": ("reject", "remove"),
    "rejected": ("verify", "remove"),
    "removed": ("restore",),
}


@router.get("/accounts", response_class=HTMLResponse)
def accounts(
    request: Request,
    q: str = "",
    platform: str = "",
    status: str = "",
    after: int | None = None,
    limit: int = PAGE_SIZE,
    v: Viewer = Depends(admin_only),
    session: Session = Depends(db),
) -> Response:
    lang = lang_of(request)
    try:
        rows, next_after = list_accounts(
            session, q=q, platform=platform or None, status=status or None, after=after, limit=max(1, min(limit, 500))
        )
    except AccountError as exc:
        raise HTTPException(400, translate_error(lang, str(exc))) from exc
    params = {k: val for k, val in {"q": q, "platform": platform, "status": status}.items() if val}
    context = {
        "viewer": v,
        "rows": rows,
        "next_after": next_after,
        "params": params,
        "statuses": STATUSES,
        "offered": OFFERED,
        "back": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    }
    return page(request, "admin_accounts.html", context)


@router.post("/accounts/{account_id}/{change}")
def change_one(
    account_id: int,
    change: str,
    request: Request,
    reason: str = Form(""),
    back: str = Form("/admin/accounts"),
    v: Viewer = Depends(admin_only),
    session: Session = Depends(db),
) -> RedirectResponse:
    back = back if back.startswith("/admin/accounts") else "/admin/accounts"  # never off-site
    lang = lang_of(request)
    try:
        change_account(session, account_id, change, reason=reason, actor=v.email)
    except AccountError as exc:
        session.rollback()
        flash(request, translate_error(lang, str(exc)), "error")
        return RedirectResponse(back, status_code=303)
    session.commit()
    flash(request, translate(lang, "saved"))
    return RedirectResponse(back, status_code=303)


@router.post("/asn-export")
def export_one_asn(
    request: Request,
    nip: str = Form(""),
    reason: str = Form(""),
    v: Viewer = Depends(admin_only),
    session: Session = Depends(db),
) -> Response:
    """Everything held on one NIP as a ZIP download (monitor.privacy.subject_access), recorded in the audit log."""
    try:
        why = check_reason(reason)
        made = export_asn(session, nip, actor=v.email)
    except SubjectError as exc:
        session.rollback()
        flash(request, exc.indonesian if lang_of(request) == "id" else exc.english, "error")
        return RedirectResponse("/admin/accounts#asn-export", status_code=303)
    record_export(session, made, actor=v.email, reason=why, via="web")
    session.commit()
    headers = {
        "Content-Disposition": f'attachment; filename="{made.filename}"',
        "Cache-Control": "no-store",  # personal data: never kept by a browser or proxy cache
        "X-Export-SHA256": made.sha256,
    }
    return Response(made.content, media_type="application/zip", headers=headers)
