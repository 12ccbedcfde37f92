"""Templates: one Jinja2 environment with autoescape on, and the helpers pages share."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from jinja2.ext import Extension
from jinja2.lexer import (
    TOKEN_DATA,
    TOKEN_LPAREN,
    TOKEN_NAME,
    TOKEN_RPAREN,
    TOKEN_STRING,
    TOKEN_VARIABLE_BEGIN,
    TOKEN_VARIABLE_END,
    Token,
    TokenStream,
)
from markupsafe import Markup, escape

from monitor.models import utcnow
from monitor.wib import wib
from review_ui.i18n import COOKIE, DEFAULT_LANG, LANGS, pick_lang, translate
from review_ui.security import CSRF_FIELD, csrf_token

TEMPLATES = Path(__file__).parent / "templates"


def highlight(text: str | None, spans: list[dict[str, object]] | None) -> Markup:
    """The post text with model spans wrapped in <mark>; every piece is escaped on its own."""
    text = text or ""
    marks: list[tuple[int, int]] = []
    for span in spans or []:
        try:
            start, end = int(span.get("start", 0)), int(span.get("end", 0))  # type: ignore[call-overload]
        except (TypeError, ValueError):
            continue
        start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
        if end > start:
            marks.append((start, end))
    merged: list[list[int]] = []
    for start, end in sorted(marks):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[str] = []
    pos = 0
    for start, end in merged:
        out.append(str(escape(text[pos:start])))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def pretty_payload(raw: str) -> str:
    try:
        return json.dumps(json.loads(raw), indent=2, ensure_ascii=False)
    except (ValueError, TypeError):
        return raw


def remaining(deadline: datetime, lang: str, now: datetime | None = None) -> tuple[str, bool]:
    left = deadline - (now or utcnow())
    if left.total_seconds() <= 0:
        return translate(lang, "overdue"), True
    return translate(lang, "remaining", days=left.days, hours=left.seconds // 3600), False


class _FixedTranslations(Extension):
    """`{{ _("key") }}` with a literal key, compiled as the (escaped) text of the environment's language.

    A page called `_()` 30-80 times per render, each a Jinja call, a catalog look-up and an escape;
    the text of a literal key never changes, so each language gets its own compiled templates with the
    text in place. Any other use of `_` (a computed key, arguments, inside an expression) stays a call.
    """

    _PATTERN = (TOKEN_VARIABLE_BEGIN, TOKEN_NAME, TOKEN_LPAREN, TOKEN_STRING, TOKEN_RPAREN, TOKEN_VARIABLE_END)

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        lang: str = self.environment.netra_lang  # type: ignore[attr-defined]
        tokens = list(stream)
        i = 0
        while i < len(tokens):
            window = tokens[i : i + len(self._PATTERN)]
            if tuple(t.type for t in window) == self._PATTERN and window[1].value == "_":
                yield Token(window[0].lineno, TOKEN_DATA, str(escape(translate(lang, window[3].value))))
                i += len(window)
            else:
                yield tokens[i]
                i += 1


def _templates(lang: str) -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        auto_reload=False,  # compiled once per process: no stat() of every template file on each render
        extensions=[_FixedTranslations],
    )
    env.extend(netra_lang=lang)
    env.filters["wib"] = wib
    env.filters["pretty_payload"] = pretty_payload
    env.globals["highlight"] = highlight
    return Jinja2Templates(env=env)


TEMPLATES_BY_LANG: dict[str, Jinja2Templates] = {lang: _templates(lang) for lang in LANGS}
templates = TEMPLATES_BY_LANG[DEFAULT_LANG]


def lang_of(request: Request) -> str:
    return pick_lang(request.query_params.get("lang"), request.cookies.get(COOKIE))


def flash(request: Request, message: str, kind: str = "ok") -> None:
    request.session.setdefault("flash", []).append([kind, message])


def page(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    lang = lang_of(request)
    ctx = {
        "request": request,
        "lang": lang,
        "_": partial(translate, lang),
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request),
        "flashes": request.session.pop("flash", []),
        "remaining": partial(remaining, lang=lang),
        **(context or {}),
    }
    response = TEMPLATES_BY_LANG[lang].TemplateResponse(request, name, ctx, status_code=status_code)
    if request.query_params.get("lang") == lang:
        response.set_cookie(COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return response
