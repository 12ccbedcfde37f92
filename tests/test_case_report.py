"""The case report for BKN: summary.txt in the evidence pack, the printable page and its PDF (item 16.5)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import Engine
from sqlmodel import Session

from monitor.models import Agency, Asn, Case, Post, ReviewAction, Score
from monitor.registry.names import RegistryNames
from monitor.review.case_detail import CaseDetail
from monitor.review.evidence.report_words import REPORT_WORDS
from monitor.review.evidence.summary import case_report, report_text, summary_fields
from tests.utils.factories import make_election
from tests.utils.review import World, csrf_of, login, make_client, seed_world

POSTED_WIB = "01-11-2024 15:00 WIB"  # the factories post at 08:00 UTC


def _detail(actions: list[tuple[ReviewAction, str]], status: str = "confirmed") -> CaseDetail:
    """A case as `get_case` returns it, built in memory: the report is a pure function of it."""
    agency = Agency(id=1, code="DISDIK", name="Dinas Pendidikan", ppk_name="Wali Kota Harapan Jaya")
    asn = Asn(id=1, nip="198001012006041001", name="Budi Santoso", agency_id=1, position="Guru", unit="SMPN 1")
    post = Post(
        id=7,
        account_id=1,
        asn_id=1,
        platform="bluesky",
        platform_post_id="p7",
        url="https://bsky.app/p/7",
        text="Ayo coblos nomor 1!\nJangan lupa.",
        posted_at=datetime(2024, 11, 1, 8, 0, tzinfo=UTC),
        captured_at=datetime(2024, 11, 1, 9, 30, tzinfo=UTC),
        raw_payload="{}",
        payload_sha256="ab" * 32,
    )
    score = Score(id=3, post_id=7, model_version="test-v1", label="dukungan", skb_category="ajakan_memilih")
    case = Case(
        id=12,
        post_id=7,
        asn_id=1,
        agency_id=1,
        original_key="bluesky:p7",
        score_id=3,
        label="dukungan",
        score=0.97,
        status=status,
        election_id="pilwalkot-harapanjaya-2024",
        candidate_number=1,
        detected_at=datetime(2024, 11, 1, 10, 0, tzinfo=UTC),
        deadline=datetime(2024, 11, 8, 10, 0, tzinfo=UTC),
    )
    return CaseDetail(case, post, asn, agency, score, [], [], actions, None, None)


def _confirm(user_id: int, hour: int, reason: str, category: str = "disiplin") -> ReviewAction:
    return ReviewAction(
        case_id=12,
        user_id=user_id,
        action="confirm",
        reason=reason,
        details={"category": category, "note": ""},
        created_at=datetime(2024, 11, 2, hour, 0, tzinfo=UTC),
    )


def test_report_puts_the_reviewers_decision_first_in_indonesian_and_wib() -> None:
    detail = _detail([(_confirm(1, 1, "ajakan memilih terbuka"), "Siti"), (_confirm(2, 3, "setuju"), "Andi")])
    report = case_report(detail, REPORT_WORDS["id"])
    assert [s.key for s in report.sections] == ["decision", "person", "incident", "model"]
    decision = dict((line.label, line.value) for line in report.sections[0].lines)
    assert decision["Status kasus"] == "Terkonfirmasi pelanggaran oleh dua peninjau"
    assert decision["Kategori pelanggaran"].startswith("Pelanggaran disiplin (PP 94/2021 Pasal 5 huruf n")
    text = report_text(report)
    assert "Siti, 02-11-2024 08:00 WIB: ajakan memilih terbuka" in text
    assert "Andi, 02-11-2024 10:00 WIB: setuju" in text
    assert (
        f"Waktu unggahan: {POSTED_WIB}" in text and "Waktu pengambilan bukti oleh Netra: 01-11-2024 16:30 WIB" in text
    )
    assert "NIP: 198001012006041001" in text and "Pejabat Pembina Kepegawaian (PPK): Wali Kota Harapan Jaya" in text
    # The model's reading is its own, labelled part, after the decision, in words.
    assert text.index("KEPUTUSAN PENINJAU") < text.index("PENILAIAN OTOMATIS (MODEL) — BUKAN KEPUTUSAN")
    assert "Penilaian: Dukungan (berpihak kepada peserta)" in text
    assert "Kategori SKB yang disarankan: Mengajak memilih / tidak memilih peserta pemilihan" in text
    # A multi-line post cannot be mistaken for another field.
    assert "Isi unggahan: Ayo coblos nomor 1!\n    Jangan lupa." in text
    for leak in ("Nip Terlapor", "Ppk:", "confirmed", "UTC", "+00:00", "ajakan_memilih", "disiplin\n"):
        assert leak not in text


def test_target_in_names_and_skb_category_with_its_article() -> None:
    names = RegistryNames(
        elections={"pilwalkot-harapanjaya-2024": "Pilwalkot Harapan Jaya 2024"},
        candidates={("pilwalkot-harapanjaya-2024", 1): "Andi Wijaya–Sari Dewi"},
    )
    text = report_text(case_report(_detail([]), REPORT_WORDS["id"], names=names))
    assert "Sasaran: calon nomor urut 1 Andi Wijaya–Sari Dewi · Pilwalkot Harapan Jaya 2024" in text
    assert "pilwalkot-harapanjaya-2024" not in text
    assert "peserta pemilihan (SKB 2/2022; PP 94/2021 Pasal 5 huruf n angka 6)" in text


def test_undecided_case_says_so_and_summary_json_is_in_wib() -> None:
    detail = _detail([], status="open")
    text = report_text(case_report(detail, REPORT_WORDS["id"]))
    assert "Status kasus: Baru, belum ditinjau" in text and "Peninjau: Belum diputuskan peninjau" in text
    fields = summary_fields(detail)
    assert fields["waktu_unggahan"] == "2024-11-01T15:00:00+07:00"
    assert fields["penilaian_model"]["label"] == "dukungan" and fields["kategori_pelanggaran"] is None  # type: ignore[index]


def test_english_report_keeps_the_same_parts() -> None:
    text = report_text(case_report(_detail([(_confirm(1, 1, "x", "kode_etik"), "Siti")]), REPORT_WORDS["en"]))
    assert "Category of breach: Breach of the code of ethics (PP 42/2004" in text
    assert "AUTOMATIC ASSESSMENT (MODEL) — NOT A DECISION" in text


@pytest.fixture
def world(sqlite_engine: Engine) -> World:
    world = seed_world(sqlite_engine)
    with Session(sqlite_engine) as s:
        make_election(s)  # the cases' election: the report names it
        s.commit()
    return world


def _confirmed(world: World) -> tuple[int, TestClient]:
    """A case confirmed by two reviewers through the page, and the second reviewer's client."""
    case_id = world.cases_a[1]
    form = {"category": "disiplin", "reason": "mendukung paslon 1 secara terbuka"}
    for who in ("sup_a", "sup_a2"):
        client = login(make_client(world.engine), world.emails[who])
        assert (
            client.post(f"/cases/{case_id}/confirm", data=form | {"csrf_token": csrf_of(client, "/cases")}).status_code
            == 303
        )
    return case_id, client


def test_evidence_pack_summary_is_ready_for_bkn(world: World) -> None:
    case_id, client = _confirmed(world)
    pack = zipfile.ZipFile(io.BytesIO(client.get(f"/cases/{case_id}/evidence.zip").content))
    text = pack.read(f"kasus-{case_id}/summary.txt").decode()
    assert "Status kasus: Terkonfirmasi pelanggaran oleh dua peninjau" in text
    assert "Kategori pelanggaran: Pelanggaran disiplin (PP 94/2021" in text
    assert "Pengguna sup_a2," in text and f"Waktu unggahan: {POSTED_WIB}" in text
    assert "Salinan arsip Netra: posts/" in text
    assert "Sasaran: calon nomor urut 1 · Pilwalkot Harapan Jaya 2024" in text
    for leak in ("Nip Terlapor", "Ppk:", "confirmed", "+00:00"):
        assert leak not in text


def _pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def test_report_page_and_pdf_from_the_case_page_and_the_api(world: World) -> None:
    case_id, client = _confirmed(world)
    with Session(world.engine) as s:
        nip = s.get(Asn, s.get(Case, case_id).asn_id).nip
    case_page = BeautifulSoup(client.get(f"/cases/{case_id}").text, "html.parser")
    assert case_page.select_one("#report-link")["href"] == f"/cases/{case_id}/report"
    assert case_page.select_one("#report-pdf")["href"] == f"/cases/{case_id}/report.pdf"

    page = BeautifulSoup(client.get(f"/cases/{case_id}/report").text, "html.parser")
    assert page.select_one("link[rel=stylesheet]")["href"] == "/static/report.css"
    assert "@media print" in client.get("/static/report.css").text
    assert "Terkonfirmasi pelanggaran oleh dua peninjau" in page.select_one("#report-decision").text
    assert "bukan keputusan" in page.select_one("#report-model h2").text

    pdf = client.get(f"/cases/{case_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    for expected in ("Terkonfirmasi pelanggaran oleh dua peninjau", "Pelanggaran disiplin", POSTED_WIB, nip):
        assert expected in text, expected

    api = TestClient(client.app).get(
        f"/api/cases/{case_id}/report.pdf", auth=(world.emails["sup_a"], "kata-sandi-uji-123")
    )
    assert api.status_code == 200 and nip in _pdf_text(api.content)
    other = TestClient(client.app).get(
        f"/api/cases/{case_id}/report.pdf", auth=(world.emails["sup_b"], "kata-sandi-uji-123")
    )
    assert other.status_code == 404  # another agency's case does not exist for them
    assert login(make_client(world.engine), world.emails["sup_b"]).get(f"/cases/{case_id}/report").status_code == 404
