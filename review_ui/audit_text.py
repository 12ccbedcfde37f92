"""Audit entries and case history in words: the action, the object and each detail as a readable line in
the page's language, values included (statuses, labels, categories, booleans), instead of `case.confirm` and
raw JSON. The raw details stay on the page, folded, for auditors (templates/audit.html).

Texts come from the catalogue (review_ui.messages_audit); an action or field the catalogue lacks shows its
code, which tests/test_no_english.py catches.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from monitor.registry.names import RegistryNames
from monitor.wib import wib
from review_ui.i18n import CATALOG, Patterns, translate, translate_sentence
from review_ui.reason import correction_text, decimal

_FLAG_REASONS: Patterns = [
    (re.compile(r"opened by hand: (?P<reason>.*)", re.S), "flag_by_hand"),
    (re.compile(r"no target resolved; the model's label decides"), "flag_untargeted"),
    (re.compile(r"targets (?P<election>\S+), which concerns the ASN"), "flag_in_region"),
    (re.compile(r"targets (?P<election>\S+), held elsewhere \(the ban holds for every election\)"), "flag_elsewhere"),
    (
        re.compile(
            r"rows: created (?P<created>\d+), updated (?P<updated>\d+), unchanged (?P<unchanged>\d+), "
            r"rejected (?P<rejected>\d+)"
        ),
        "summary_rows",
    ),
    (
        re.compile(r"created (?P<created>\d+), updated (?P<updated>\d+), unchanged (?P<unchanged>\d+)"),
        "summary_elections",
    ),
]


def _known(lang: str, key: str) -> bool:
    return key in CATALOG.get(lang, {}) or key in CATALOG["id"]


def _coded(lang: str, prefix: str, code: object) -> str:
    """The catalogue's text for `prefix + code`, or the code itself when there is none."""
    key = f"{prefix}{str(code).replace('.', '_')}"
    return translate(lang, key) if _known(lang, key) else str(code)


def action_text(lang: str, action: str) -> str:
    return _coded(lang, "act_", action)


def review_action_text(lang: str, action: str) -> str:
    return _coded(lang, "review_", action)


def actor_text(lang: str, actor: str) -> str:
    """`system` and `anonymous` (a failed login) in words; people are their e-mail address."""
    return translate(lang, f"actor_{actor}") if actor in ("system", "anonymous") else actor


def object_text(lang: str, object_type: str, object_id: str) -> str:
    key = f"obj_{object_type}"
    return translate(lang, key if _known(lang, key) else "obj_other", id=object_id)


def sentence_text(lang: str, text: str) -> str:
    """A sentence a service wrote in English (a flag decision, an import summary) in the page's language."""
    return translate_sentence(lang, text, _FLAG_REASONS)


def _status(lang: str, value: object) -> str:
    for prefix in ("status_", "account_"):
        if _known(lang, f"{prefix}{value}"):
            return translate(lang, f"{prefix}{value}")
    return str(value)


def _moment(lang: str, value: object) -> str:
    try:
        return wib(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)


_VALUES: dict[str, Callable[[str, object], str]] = {
    "from": _status,
    "to": _status,
    "previous_status": _status,
    "status": _status,  # a CSV export's status filter: "all", "active" or a status
    "region": lambda lang, v: _coded(lang, "region_", v),  # and its region filter: own, other, unknown
    "label": lambda lang, v: _coded(lang, "label_", v),
    "training_label": lambda lang, v: _coded(lang, "label_", v),
    "category": lambda lang, v: _coded(lang, "cat_", v),
    "role": lambda lang, v: _coded(lang, "role_", v),
    "outcome": lambda lang, v: _coded(lang, "outcome_", v),
    "scope": lambda lang, v: _coded(lang, "scope_", v),
    "via": lambda lang, v: _coded(lang, "via_", v),
    "lang": lambda lang, v: _coded(lang, "lang_", v),
    "target": lambda _lang, v: str(v).upper(),
    "format": lambda _lang, v: str(v).upper(),
    "reason": sentence_text,
    "summary": sentence_text,
    "side_score": lambda lang, v: decimal(lang, float(v), 4).rstrip("0").rstrip(",."),  # type: ignore[arg-type]
    "window_start": _moment,
    "window_end": _moment,
}


def _value(lang: str, field: str, value: object) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return translate(lang, "yes" if value else "no")
    if isinstance(value, dict):
        # a subject access export counts rows per table; any other dict is fields and values
        name = (lambda k: _coded(lang, "tbl_", k)) if field == "rows" else (lambda k: _field(lang, k))
        return "; ".join(f"{name(k)}: {_value(lang, k, v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_value(lang, field, v) for v in value)
    if field in _VALUES:
        return _VALUES[field](lang, value)
    return str(value)


def _field(lang: str, field: str) -> str:
    return _coded(lang, "f_", field)


def detail_lines(lang: str, action: str, details: dict[str, object], names: RegistryNames) -> list[tuple[str, str]]:
    """The entry's details as (field, value) lines in words; a correction as the case page words it."""
    if action == "case.correct":
        return [(translate(lang, "f_correction"), correction_text(lang, details, names))]  # type: ignore[arg-type]
    lines = []
    for field, value in details.items():
        if field == "correction":
            lines.append((_field(lang, field), correction_text(lang, value, names)))  # type: ignore[arg-type]
        else:
            lines.append((_field(lang, field), _value(lang, field, value)))
    return lines
