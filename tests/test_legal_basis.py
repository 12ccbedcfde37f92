"""Every rule Netra prints on a case page or a report for BKN is written down, with the source it was checked
against, in docs/legal_basis.md: a citation changed in code without being checked there fails here."""

from __future__ import annotations

from pathlib import Path

from classifiers.skb import ARTICLES, CATEGORIES
from monitor.review.evidence.report_words import REPORT_EN, REPORT_ID

LEGAL_BASIS = Path(__file__).resolve().parents[1] / "docs" / "legal_basis.md"
DECISION_CATEGORIES = ("kode_etik", "disiplin")


def _table_row(code: str) -> list[str]:
    """The cells of the one table row of docs/legal_basis.md that names the category code in backticks."""
    rows = [line for line in LEGAL_BASIS.read_text(encoding="utf-8").splitlines() if f"`{code}`" in line]
    assert len(rows) == 1, f"docs/legal_basis.md should have one table row for `{code}`, has {len(rows)}"
    return [cell.strip() for cell in rows[0].strip().strip("|").split("|")]


def test_each_suggested_category_prints_the_citation_its_row_checks() -> None:
    assert set(ARTICLES) == set(CATEGORIES)
    for code, citation in ARTICLES.items():
        _category, _before, now, _verdict, _sources = _table_row(code)
        assert now == citation, f"{code}: Netra prints {citation!r}, docs/legal_basis.md checked {now!r}"


def test_each_decision_category_prints_the_citation_its_row_checks_in_both_languages() -> None:
    for code in DECISION_CATEGORIES:
        _category, printed, _verdict, _sources = _table_row(code)
        for words in (REPORT_ID, REPORT_EN):
            citation = words[f"report_cat_{code}"]
            assert citation in printed, f"{code}: {citation!r} is printed but not checked in docs/legal_basis.md"


def test_every_row_says_when_and_against_what_it_was_checked() -> None:
    text = LEGAL_BASIS.read_text(encoding="utf-8")
    assert "Checked on 2026-12-05" in text
    for code in (*ARTICLES, *DECISION_CATEGORIES):
        sources = _table_row(code)[-1]
        assert sources.startswith("[S"), f"{code}: no source in the last column"
