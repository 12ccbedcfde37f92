"""The pure part: which cases a digest lists, in which order, and how it reads (no database, no SMTP)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bs4 import BeautifulSoup

from monitor.digest.content import ScopeData, Trend, build_digest, collapse_reposts
from monitor.digest.labels import due_text, week_span
from monitor.digest.queries import CaseRow, Recipient
from monitor.digest.render import render_digest
from monitor.digest.week import IsoWeek

WEEK = IsoWeek.parse("2024-W47")
NOW = datetime(2024, 11, 25, 0, 0, tzinfo=UTC)
BASE = "https://netra.example.id/"
SUPERVISOR = Recipient(1, "sup@example.go.id", "Ibu Ani", "supervisor", 7, False, True)
ADMIN = Recipient(2, "admin@example.go.id", "Pak Admin", "admin", None, False, True)


def row(case_id: int, *, asn: int = 1, unit: str = "Bidang Umum", deadline_days: float = 5, **kw: object) -> CaseRow:
    fields: dict[str, object] = {
        "id": case_id,
        "agency_id": 7,
        "agency_name": "Dinas Uji",
        "asn_id": asn,
        "asn_name": f"ASN {asn}",
        "asn_nip": f"19850312201001100{asn}",
        "unit": unit,
        "label": "dukungan",
        "score": 0.91,
        "status": "open",
        "platform": "bluesky",
        "original_key": f"bluesky:{case_id}",
        "detected_at": datetime(2024, 11, 20, tzinfo=UTC),
        "deadline": NOW + timedelta(days=deadline_days),
        "reposts": 0,
    } | kw
    return CaseRow(**fields)  # type: ignore[arg-type]


def digest_of(rows: list[CaseRow], urgent: list[CaseRow] | None = None, *, previous: int = 0, **kw: object):  # type: ignore[no-untyped-def]
    data = ScopeData("Dinas Uji", rows, urgent if urgent is not None else rows, previous)
    return build_digest(SUPERVISOR, data, week=WEEK, now=NOW, tz="Asia/Jakarta", base_url=BASE, **kw)  # type: ignore[arg-type]


def test_urgent_cases_come_first_by_deadline_and_are_not_repeated_below() -> None:
    rows = [row(1, deadline_days=5), row(2, deadline_days=1), row(3, deadline_days=-2), row(4, deadline_days=6)]
    d = digest_of(rows)
    assert [c.id for c in d.urgent] == [3, 2]  # overdue, then due within two days
    assert d.urgent[0].overdue and d.urgent[0].due == "terlambat 2 hari"
    assert [c.id for g in d.groups for a in g.asns for c in a.cases] == [1, 4]
    assert d.new_total == 4 and d.grouped_total == 2


def test_resolved_cases_are_never_urgent_even_past_deadline() -> None:
    # the service only passes unresolved cases as urgent; the week's list still counts the resolved one
    d = digest_of([row(1, deadline_days=-1, status="confirmed")], urgent=[])
    assert d.urgent == [] and d.by_status == [("Terkonfirmasi", 1)]


def test_grouped_by_unit_then_asn() -> None:
    rows = [
        row(1, asn=2, unit="Sekretariat"),
        row(2, asn=1, unit="Bidang P2P"),
        row(3, asn=1, unit="Bidang P2P"),
        row(4, asn=3, unit=""),
    ]
    d = digest_of(rows, urgent=[])
    assert [g.unit for g in d.groups] == ["(tanpa unit)", "Bidang P2P", "Sekretariat"]
    p2p = d.groups[1]
    assert [(a.name, [c.id for c in a.cases]) for a in p2p.asns] == [("ASN 1", [2, 3])]


def test_long_lists_are_cut_with_a_link_to_the_filtered_queue() -> None:
    rows = [row(i, asn=i) for i in range(1, 8)]
    d = digest_of(rows, urgent=[], max_cases=3)
    assert (d.grouped_total, d.grouped_shown) == (7, 3)
    assert d.queue_url == "https://netra.example.id/cases?from=2024-11-18&to=2024-11-24&status=all&sort=date"
    mail = render_digest(d)
    assert f"... dan 4 kasus lain. Lihat semua: {d.queue_url}" in mail.text
    links = {a.get_text(): a["href"] for a in BeautifulSoup(mail.html, "html.parser").find_all("a")}
    assert links["Lihat semua"] == d.queue_url


def test_urgent_list_is_cut_too() -> None:
    rows = [row(i, asn=i, deadline_days=-i) for i in range(1, 6)]
    d = digest_of(rows, max_cases=2)
    assert d.urgent_total == 5 and len(d.urgent) == 2
    assert f"... dan 3 kasus lain. Lihat semua: {d.urgent_url}" in render_digest(d).text


def test_reposts_of_one_original_collapse_into_one_line() -> None:
    first = row(1, original_key="x:9", reposts=1)
    again = row(2, original_key="x:9", detected_at=datetime(2024, 11, 21, tzinfo=UTC))
    other_asn = row(3, asn=2, original_key="x:9")
    collapsed = collapse_reposts([again, first, other_asn])
    assert [(r.id, r.reposts) for r in collapsed] == [(1, 2), (3, 0)]


def test_counts_and_trend() -> None:
    rows = [row(1, label="serangan"), row(2), row(3, status="dismissed")]
    d = digest_of(rows, urgent=[], previous=5)
    assert d.by_label == [("Dukungan", 2), ("Serangan", 1)]
    assert d.by_status == [("Baru", 2), ("Tidak terbukti", 1)]
    assert d.trend.text == "turun 2 dari minggu sebelumnya (5 → 3)"
    assert Trend(4, 4).text == "sama dengan minggu sebelumnya (4)"
    assert d.subject == "Netra 2024-W47: 3 kasus baru"


def test_empty_week() -> None:
    d = digest_of([], urgent=[], previous=2)
    assert d.is_empty and d.subject == "Netra 2024-W47: tidak ada kasus baru"
    mail = render_digest(d)
    assert "Tidak ada kasus baru minggu ini" in mail.text and "Tidak ada kasus baru minggu ini" in mail.html


def test_overdue_old_case_makes_a_week_without_new_cases_worth_a_mail() -> None:
    d = digest_of([], urgent=[row(1, deadline_days=-3)])
    assert not d.is_empty and d.subject == "Netra 2024-W47: 0 kasus baru, 1 perlu segera ditangani"


def test_admin_gets_a_per_agency_summary_without_case_lists() -> None:
    rows = [row(1), row(2, agency_id=8, agency_name="Dinas Lain", deadline_days=-1)]
    names = {7: "Dinas Uji", 8: "Dinas Lain", 9: "Dinas Kemarin", 10: "Dinas Sepi"}  # 10: no activity at all
    data = ScopeData("Semua instansi", rows, [rows[1]], 3, {7: 1, 8: 2, 9: 4}, names)
    d = build_digest(ADMIN, data, week=WEEK, now=NOW, tz="Asia/Jakarta", base_url=BASE)
    assert d.groups == [] and [c.id for c in d.urgent] == [2]
    assert [(a.name, a.new, a.previous, a.urgent) for a in d.agencies] == [
        ("Dinas Lain", 1, 2, 1),
        ("Dinas Uji", 1, 1, 0),
        ("Dinas Kemarin", 0, 4, 0),
    ]
    assert d.urgent_url == "https://netra.example.id/cases?sort=deadline"


def test_indonesian_dates_and_deadlines() -> None:
    assert week_span(date(2024, 11, 18), date(2024, 11, 24)) == "18–24 November 2024"
    assert week_span(date(2024, 10, 28), date(2024, 11, 3)) == "28 Oktober – 3 November 2024"
    assert week_span(date(2024, 12, 30), date(2025, 1, 5)) == "30 Desember 2024 – 5 Januari 2025"
    assert due_text(NOW + timedelta(hours=30), NOW) == "jatuh tempo dalam 1 hari"
    assert due_text(NOW + timedelta(hours=5), NOW) == "jatuh tempo dalam 5 jam"
    assert due_text(NOW - timedelta(minutes=5), NOW) == "terlambat kurang dari 1 jam"
    d = digest_of([row(1)])
    assert d.generated == "Senin, 25 November 2024 07.00 WIB"
