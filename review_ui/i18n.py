"""Bahasa Indonesia first, English on request: one message catalog, a cookie, and `?lang=en`."""

from __future__ import annotations

import re

from review_ui.messages import EN, ERRORS_ID, ID

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


def translate_error(lang: str, message: str) -> str:
    """Service errors are English sentences; show the Indonesian one where the catalog has it."""
    if lang != "id":
        return message
    if message in ERRORS_ID:
        return ERRORS_ID[message]
    match = re.fullmatch(r"cannot (.+) a case whose status is (\w+)", message)
    if match:
        return f"Tindakan ini tidak dapat dilakukan pada kasus berstatus {translate(lang, f'status_{match.group(2)}')}."
    return message
