"""The case report for BKN: a printable page (print stylesheet) and the same page as PDF.

The page's words come from `monitor.review.evidence.report_words` in the reader's language; the report's content from
`monitor.review.evidence.summary`, the very report the evidence pack's `summary.txt` holds.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from monitor.audit import record
from monitor.models import utcnow
from monitor.registry.names import registry_names
from monitor.review.case_detail import get_case
from monitor.review.cases import Viewer
from monitor.review.evidence.report_words import REPORT_WORDS
from monitor.review.evidence.summary import CaseReport, Line, case_report
from monitor.wib import wib
from review_ui.deps import db, in_thread, viewer
from review_ui.render import lang_of, page
from review_ui.report_pdf import pdf_of
from review_ui.security import csrf_protect

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


def build_report(request: Request, v: Viewer, session: Session, case_id: int, lang: str) -> CaseReport:
    """The report in `lang`, its archived-copy line pointing at this server's archive page."""
    words = REPORT_WORDS[lang]
    archive = f"{str(request.base_url).rstrip('/')}/cases/{case_id}/archive"
    detail = get_case(session, v, case_id)
    return case_report(detail, words, Line(words["report_archive"], archive, archive), registry_names(session))


def render_report(request: Request, report: CaseReport, *, for_pdf: bool) -> HTMLResponse:
    """The report page; `for_pdf` leaves out the toolbar and the stylesheet link (WeasyPrint gets the
    stylesheet from disk and fetches nothing)."""
    context = {"viewer": None, "r": report, "for_pdf": for_pdf, "generated": wib(utcnow())}
    return page(request, "report.html", context)


def report_pdf_response(request: Request, v: Viewer, session: Session, case_id: int, lang: str) -> Response:
    """The PDF, audited like an evidence pack download (it carries the same personal data)."""
    html = render_report(request, build_report(request, v, session, case_id, lang), for_pdf=True)
    pdf = pdf_of(bytes(html.body).decode())
    record(session, v.email, "case.report_download", "case", str(case_id), {"format": "pdf", "lang": lang})
    session.commit()
    disposition = f'attachment; filename="netra-laporan-kasus-{case_id}.pdf"'
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})


@router.get("/cases/{case_id}/report", response_class=HTMLResponse)
async def report_page(case_id: int, request: Request) -> Response:
    return await in_thread(request, _report_page, case_id)


def _report_page(request: Request, v: Viewer, session: Session, case_id: int) -> Response:
    return render_report(request, build_report(request, v, session, case_id, lang_of(request)), for_pdf=False)


@router.get("/cases/{case_id}/report.pdf")
def report_pdf(case_id: int, request: Request, v: Viewer = Depends(viewer), session: Session = Depends(db)) -> Response:
    return report_pdf_response(request, v, session, case_id, lang_of(request))
