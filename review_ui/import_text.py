"""A registry import's result in the page's language: the entity counts ("asn created") and the rejected
rows ("row 8: nip '…': NIP must have 18 digits, got 17"), which the importer stores in English because the
command line prints them too. A reason the catalogue lacks stays as the importer wrote it."""

from __future__ import annotations

import re

from review_ui.i18n import translate, translate_sentence
from review_ui.messages_errors import ROW_REASONS

_ROW = re.compile(r"row (?P<n>\d+): (?P<parts>.*)", re.S)
_PART = re.compile(r"(?P<column>[\w ]+?)(?P<value> '.*?')?: (?P<reason>.+)", re.S)


def entity_text(lang: str, entity: str) -> str:
    """ "asn created" -> "ASN dibuat"."""
    kind, _, outcome = entity.partition(" ")
    return f"{translate(lang, f'import_kind_{kind}')} {translate(lang, f'import_outcome_{outcome}')}"


def _part(lang: str, part: str) -> str:
    match = _PART.fullmatch(part)
    if match is None:
        return translate_sentence(lang, part, ROW_REASONS)
    return f"{match['column']}{match['value'] or ''}: {translate_sentence(lang, match['reason'], ROW_REASONS)}"


def rejected_row_text(lang: str, message: str) -> str:
    match = _ROW.fullmatch(message)
    if lang != "id" or match is None:
        return message
    parts = "; ".join(_part(lang, p) for p in match["parts"].split("; "))
    return f"{translate(lang, 'row_n', n=match['n'])}: {parts}"
