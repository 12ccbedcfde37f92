"""The case report as PDF, laid out by WeasyPrint from the report page's own HTML and print stylesheet."""

from __future__ import annotations

from pathlib import Path

__all__ = ["REPORT_CSS", "pdf_of"]

REPORT_CSS = Path(__file__).parent / "static" / "report.css"


def pdf_of(html: str) -> bytes:
    """`html` (which must fetch nothing: no links to stylesheets or images) as PDF bytes.

    WeasyPrint is imported here, not at module level: it loads pango through cffi and its own font
    machinery (~0.3 s, tens of MB), which only a PDF download needs.
    """
    from weasyprint import CSS, HTML

    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(REPORT_CSS))])
