"""The pieces that put codes and the services' English into words (issue 16, item 9): audit entries, weeks,
error sentences and rejected registry rows, in both languages."""

from __future__ import annotations

from monitor.registry.names import RegistryNames
from review_ui.audit_text import action_text, actor_text, detail_lines, object_text, sentence_text
from review_ui.i18n import translate_error
from review_ui.import_text import entity_text, rejected_row_text
from review_ui.weeks import week_names

NO_NAMES = RegistryNames()


def test_a_confirmation_reads_as_words_in_both_languages() -> None:
    details = {"reason": "Ajakan memilih.", "from": "open", "to": "awaiting_second", "category": "kode_etik",
               "note": "", "second": False}  # fmt: skip
    assert detail_lines("id", "case.confirm", details, NO_NAMES) == [
        ("Alasan", "Ajakan memilih."),
        ("Dari", "Baru"),
        ("Menjadi", "Menunggu peninjau kedua"),
        ("Jenis pelanggaran", "Kode etik"),
        ("Catatan", "-"),
        ("Konfirmasi kedua", "Tidak"),
    ]
    assert ("To", "Awaiting second reviewer") in detail_lines("en", "case.confirm", details, NO_NAMES)
    assert action_text("id", "case.confirm") == "Pelanggaran dikonfirmasi"
    assert action_text("en", "case.confirm") == "Violation confirmed"
    assert object_text("id", "case", "12") == "Kasus #12" and actor_text("id", "system") == "sistem"


def test_an_action_the_catalogue_lacks_shows_its_code_so_that_the_page_check_catches_it() -> None:
    assert action_text("id", "case.teleported") == "case.teleported"
    assert detail_lines("id", "case.teleported", {"warp_factor": 9}, NO_NAMES) == [("warp_factor", "9")]


def test_flag_decisions_and_import_summaries_are_translated() -> None:
    assert sentence_text("id", "opened by hand: Jelas ajakan.") == "dibuka manual: Jelas ajakan."
    assert sentence_text("id", "rows: created 9, updated 0, unchanged 1, rejected 3") == (
        "baris: dibuat 9, diperbarui 0, tidak berubah 1, ditolak 3"
    )
    assert sentence_text("en", "opened by hand: x") == "opened by hand: x"
    assert sentence_text("id", "a sentence nobody wrote a pattern for") == "a sentence nobody wrote a pattern for"


def test_weeks_are_named_with_their_dates() -> None:
    assert week_names("id", "2026-W49") == ("Mg 49", "Minggu 49 · 30 Nov–6 Des 2026")
    assert week_names("id", "2026-W50") == ("Mg 50", "Minggu 50 · 7–13 Des 2026")
    assert week_names("en", "2026-W49") == ("Wk 49", "Week 49 · 30 Nov–6 Dec 2026")


def test_error_sentences_name_the_field_as_the_page_labels_it() -> None:
    assert translate_error("id", "score_min must be a number") == "Skor minimal harus berupa angka."
    assert translate_error("id", "invalid or missing field(s): assignee_id, reason") == (
        "Isian berikut tidak valid atau belum diisi: Peninjau, Alasan."
    )
    assert translate_error("id", "invalid or missing field(s): secret_knob") == (
        "Isian berikut tidak valid atau belum diisi: isian lain."
    )
    assert translate_error("id", "cannot confirm a case whose status is dismissed") == (
        "Tindakan ini tidak dapat dilakukan pada kasus berstatus Ditolak (bukan pelanggaran)."
    )
    assert translate_error("en", "score_min must be a number") == "score_min must be a number"


def test_rejected_registry_rows_and_counts() -> None:
    row = "row 4: nip '19850312201001100': NIP must have 18 digits, got 17; name: is required"
    assert (
        rejected_row_text("id", row)
        == "baris 4: nip '19850312201001100': NIP harus 18 angka, tertulis 17; name: wajib diisi"
    )
    assert rejected_row_text("en", row) == row
    assert (
        entity_text("id", "asn created") == "ASN dibuat" and entity_text("en", "agency updated") == "Agencies updated"
    )
