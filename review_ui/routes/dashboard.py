"""The dashboard: cases per week by agency and by label, and the PPK's follow-up share."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from monitor.review.cases import Viewer
from monitor.review.dashboard import dashboard
from review_ui.charts import share_bar, stacked_bars
from review_ui.deps import db, viewer
from review_ui.i18n import translate
from review_ui.render import lang_of, page
from review_ui.security import csrf_protect
from review_ui.weeks import week_names

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(request: Request, v: Viewer = Depends(viewer), session: Session = Depends(db)) -> Response:
    lang = lang_of(request)
    board = dashboard(session, v)
    labels = {translate(lang, f"label_{k}"): counts for k, counts in board.by_label.items()}
    names = partial(week_names, lang)  # "Mg 49", never "W49"
    context = {
        "viewer": v,
        "board": board,
        "agency_chart": stacked_bars(
            board.weeks, board.by_agency, title=translate(lang, "per_week_agency"), week_names=names
        ),
        "label_chart": stacked_bars(board.weeks, labels, title=translate(lang, "per_week_label"), week_names=names),
        "share_chart": share_bar(board.ppk_share),
    }
    return page(request, "dashboard.html", context)
