"""The archived copy of a case's post (`/cases/{id}/archive`): what Netra captured, shown beside every link
to the original, which may no longer answer."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from monitor.review.cases import Viewer
from monitor.review.post_archive import VersionNotFound, archived_copy
from review_ui.deps import in_thread
from review_ui.i18n import translate
from review_ui.render import lang_of, page
from review_ui.security import csrf_protect

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


@router.get("/cases/{case_id}/archive", response_class=HTMLResponse)
async def archive_page(
    case_id: int,
    request: Request,
    post: int | None = Query(None, description="a post joined to the case (default: the case's post)"),
    version: int | None = Query(None, description="default: the version the case flagged"),
) -> Response:
    return await in_thread(request, _archive_page, case_id, post, version)


def _archive_page(
    request: Request, v: Viewer, session: Session, case_id: int, post: int | None, version: int | None
) -> Response:
    try:
        copy = archived_copy(session, v, case_id, post, version)
    except VersionNotFound as exc:
        raise HTTPException(404, translate(lang_of(request), "archive_no_version", n=version)) from exc
    return page(request, "archive.html", {"viewer": v, "a": copy})
