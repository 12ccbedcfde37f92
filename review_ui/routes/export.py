"""The queue as CSV from the page, with the page's current filters (`/cases.csv?<the queue's query>`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlmodel import Session

from monitor.review.cases import Viewer
from review_ui.case_csv import csv_response
from review_ui.deps import db, viewer
from review_ui.filters import FILTERS, parse_filters
from review_ui.render import lang_of
from review_ui.security import csrf_protect

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


@router.get("/cases.csv")
def queue_csv(request: Request, v: Viewer = Depends(viewer), session: Session = Depends(db)) -> Response:
    filters, _ = parse_filters(request.query_params)
    kept = {k: val for k, val in request.query_params.items() if k in FILTERS and val}
    return csv_response(session, v, filters, kept, lang=lang_of(request), base_url=str(request.base_url))
