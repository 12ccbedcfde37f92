"""The case report for BKN: the evidence pack's `summary.txt`/`summary.json`, the report page and its PDF.

Built from a `CaseDetail` by pure functions, in the reader's words (`monitor.review.evidence.report_words`), times in WIB.
The reviewers' decision comes first; the model's reading is a separate part, labelled as only a suggestion.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import NamedTuple

from classifiers.skb import ARTICLES
from monitor.models import Case, ReviewAction
from monitor.registry.names import RegistryNames
from monitor.review.case_detail import CaseDetail
from monitor.wib import WIB, wib

_WIB_ZONE = timezone(WIB)

__all__ = ["CaseReport", "Line", "Section", "case_report", "report_text", "summary_fields"]


class Line(NamedTuple):
    label: str
    value: str
    href: str | None = None  # a link, where the value is an address


class Section(NamedTuple):
    key: str  # decision, person, incident, model: the page styles and tests find sections by it
    title: str
    lines: list[Line]
    note: str | None = None


@dataclass(frozen=True)
class CaseReport:
    title: str
    case_label: str
    case_id: int
    sections: list[Section]


def _word(words: Mapping[str, str], key: str, fallback: str) -> str:
    return words.get(key, fallback)


def _or_none(words: Mapping[str, str], value: object) -> str:
    return str(value) if value not in (None, "") else words["report_none"]


def _by(name: str, action: ReviewAction) -> str:
    return f"{name}, {wib(action.created_at)}: {action.reason}"


def _decision(words: Mapping[str, str], detail: CaseDetail) -> Section:
    case = detail.case
    lines = [Line(words["report_status"], _word(words, f"report_status_{case.status}", str(case.status)))]
    confirms = [(a, name) for a, name in detail.actions if a.action == "confirm"]
    judged = [(a, name) for a, name in detail.actions if a.action in ("confirm", "dismiss")]
    if confirms:
        category = str(confirms[-1][0].details.get("category") or "")
        lines.append(Line(words["report_category"], _word(words, f"report_cat_{category}", category)))
    if judged:
        lines += [Line(words["report_reviewers"], _by(name, a)) for a, name in judged]
    else:
        lines.append(Line(words["report_reviewers"], words["report_undecided"]))
    for a, name in detail.actions:
        if a.action == "forward":
            lines.append(
                Line(words["report_forwarded"], f"{str(a.details.get('target', '')).upper()} · {_by(name, a)}")
            )
        elif a.action == "followup":
            outcome = words["report_sanctioned" if a.details.get("sanction_decided") else "report_not_sanctioned"]
            if a.details.get("decided_on"):
                outcome += f" ({words['report_decided_on'].format(day=a.details['decided_on'])})"
            lines.append(Line(words["report_followup"], f"{outcome} · {_by(name, a)}"))
    return Section("decision", words["report_sec_decision"], lines)


def _person(words: Mapping[str, str], detail: CaseDetail) -> Section:
    asn, agency = detail.asn, detail.agency
    return Section(
        "person",
        words["report_sec_person"],
        [
            Line(words["report_name"], asn.name),
            Line(words["report_nip"], asn.nip),
            Line(words["report_position"], _or_none(words, asn.position)),
            Line(words["report_unit"], _or_none(words, asn.unit)),
            Line(words["report_agency"], f"{agency.name} ({agency.code})"),
            Line(words["report_ppk"], _or_none(words, agency.ppk_name)),
        ],
    )


def _incident(words: Mapping[str, str], detail: CaseDetail, archive: Line | None) -> Section:
    post = detail.post
    url = post.url if post.url.startswith(("https://", "http://")) else None
    lines = [
        Line(words["report_posted_at"], wib(post.posted_at)),
        Line(words["report_captured_at"], wib(post.captured_at)),
        Line(words["report_detected_at"], wib(detail.case.detected_at)),
        Line(words["report_platform"], post.platform),
        Line(words["report_kind"], _word(words, f"report_kind_{post.kind}", str(post.kind))),
        Line(words["report_url"], _or_none(words, post.url), url),
        *([archive] if archive else []),
        Line(words["report_sha256"], post.payload_sha256),
        Line(words["report_text"], post.text if post.text is not None else words["report_text_purged"]),
    ]
    return Section("incident", words["report_sec_incident"], lines)


def _target(words: Mapping[str, str], case: Case, names: RegistryNames) -> str:
    """'calon nomor urut 1 Andi Wijaya–Sari Dewi · Pilwalkot Harapan Jaya 2026': names, never a slug."""
    parts: list[str] = []
    if case.candidate_number:
        pair = names.candidate(case.election_id, case.candidate_number) if case.election_id else None
        parts.append(words["report_candidate"].format(n=case.candidate_number) + (f" {pair}" if pair else ""))
    if case.election_id:
        parts.append(names.election(case.election_id))
    if case.party:
        parts.append(names.party(case.party))
    return " · ".join(parts) or words["report_none"]


def _skb(words: Mapping[str, str], category: str | None) -> str:
    if not category:
        return words["report_none"]
    text = _word(words, f"report_skb_{category}", category)
    return f"{text} ({ARTICLES[category]})" if category in ARTICLES else text


def _model(words: Mapping[str, str], detail: CaseDetail, names: RegistryNames) -> Section:
    case, score = detail.case, detail.score
    lines = [
        Line(words["report_label"], _word(words, f"report_label_{case.label}", case.label)),
        Line(words["report_score"], f"{case.score:.2f}"),
        Line(words["report_target"], _target(words, case, names)),
        Line(words["report_skb"], _skb(words, score.skb_category if score else None)),
        Line(words["report_model_version"], score.model_version if score else words["report_none"]),
    ]
    return Section("model", words["report_sec_model"], lines, words["report_model_note"])


def case_report(
    detail: CaseDetail, words: Mapping[str, str], archive: Line | None = None, names: RegistryNames | None = None
) -> CaseReport:
    """The report of one case: decision, reported person, incident and evidence, then the model's reading.

    `archive` is the line pointing at Netra's own copy of the post: a page address on the report page, the
    raw payload's path inside the evidence pack in `summary.txt`. `names` resolves the target's election,
    candidate and party ids to the registry's names (without it, the ids are shown).
    """
    assert detail.case.id is not None
    return CaseReport(
        title=words["report_title"],
        case_label=words["report_case_no"],
        case_id=detail.case.id,
        sections=[
            _decision(words, detail),
            _person(words, detail),
            _incident(words, detail, archive),
            _model(words, detail, names or RegistryNames()),
        ],
    )


def report_text(report: CaseReport) -> str:
    """Plain text for `summary.txt`: a section per heading, one "label: value" line each; multi-line values
    (the post's text) indented under their label so they cannot be read as another field."""
    out = [report.title.upper(), f"{report.case_label}: #{report.case_id}", ""]
    for section in report.sections:
        out += [section.title.upper(), "-" * len(section.title)]
        if section.note:
            out.append(section.note)
        for line in section.lines:
            first, *rest = line.value.splitlines() or [""]
            out.append(f"{line.label}: {first}")
            out += [f"    {more}" for more in rest]
        out.append("")
    return "\n".join(out)


def _iso_wib(value: datetime | None) -> str | None:
    return value.astimezone(_WIB_ZONE).isoformat() if value else None


def summary_fields(detail: CaseDetail) -> dict[str, object]:
    """`summary.json`: the same report for machines, keys in Indonesian, times ISO 8601 in WIB (+07:00)."""
    case, post, asn, agency, score = detail.case, detail.post, detail.asn, detail.agency, detail.score
    confirms = [a for a, _ in detail.actions if a.action == "confirm"]
    return {
        "nomor_kasus": case.id,
        "status_kasus": str(case.status),
        "keputusan_peninjau": [
            {"tindakan": a.action, "peninjau": name, "waktu": _iso_wib(a.created_at), "alasan": a.reason, **a.details}
            for a, name in detail.actions
        ],
        "kategori_pelanggaran": confirms[-1].details.get("category") if confirms else None,
        "nip_terlapor": asn.nip,
        "nama_terlapor": asn.name,
        "jabatan": asn.position,
        "unit_kerja": asn.unit,
        "instansi": f"{agency.name} ({agency.code})",
        "pejabat_pembina_kepegawaian": agency.ppk_name,
        "waktu_unggahan": _iso_wib(post.posted_at),
        "waktu_pengambilan_bukti": _iso_wib(post.captured_at),
        "tempat_url": post.url,
        "platform": post.platform,
        "isi_unggahan": post.text,
        "penilaian_model": {
            "label": case.label,
            "skor": case.score,
            "pemilihan": case.election_id,
            "nomor_urut_calon": case.candidate_number,
            "partai": case.party,
            "kategori_skb_disarankan": score.skb_category if score else None,
            "versi_model": score.model_version if score else None,
        },
    }
