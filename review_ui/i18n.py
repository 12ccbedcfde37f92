"""Bahasa Indonesia first, English on request: one message catalog, a cookie, and `?lang=en`."""

from __future__ import annotations

import re

from review_ui.messages import EN, ERRORS_ID, ID
from review_ui.messages_errors import PATTERNS

LANGS = ("id", "en")
DEFAULT_LANG = "id"
COOKIE = "netra_lang"
CATALOG: dict[str, dict[str, str]] = {"id": ID, "en": EN}


def translate(lang: str, key: str, **kwargs: object) -> str:
    text = CATALOG.get(lang, ID).get(key) or ID.get(key) or key
    return text.format(**kwargs) if kwargs else text


def pick_lang(query_lang: str | None, cookie_lang: str | None) -> str:
    for candidate in (query_lang, cookie_lang):
        if candidate in LANGS:
            return candidate
    return DEFAULT_LANG


Patterns = list[tuple[re.Pattern[str], str]]


def translate_sentence(lang: str, text: str, patterns: Patterns) -> str:
    """An English sentence a service wrote, in the page's language: the first pattern that matches all of
    it names the catalogue key, its named groups fill that key's text. No match: the sentence as it is."""
    for pattern, key in patterns:
        match = pattern.fullmatch(text)
        if match:
            values = match.groupdict()
            if "field" in values:
                values["field"] = field_name(lang, values["field"])
            if "status" in values:
                values["status"] = translate(lang, f"status_{values['status']}")
            if "fields" in values:
                values["fields"] = ", ".join(field_name(lang, f.strip()) for f in values["fields"].split(","))
            return translate(lang, key, **values)
    return text


def field_name(lang: str, field: str) -> str:
    """A form or filter field's name as its page labels it; never the parameter's code."""
    for key in (f"filter_{field}", f"f_{field}"):
        if key in ID:
            return translate(lang, key)
    return translate(lang, "err_field_unknown")


def translate_error(lang: str, message: str) -> str:
    """Service errors are English sentences; show the Indonesian one where the catalog has it."""
    if lang != "id":
        return message
    if message in ERRORS_ID:
        return ERRORS_ID[message]
    return translate_sentence(lang, message, PATTERNS)
