"""The post text with what decided the assessment marked: registry mentions (candidate names, aliases,
numbers, hashtags, taglines, parties, colours) in one style, the model's decisive phrases in another.

A mention is a fact the matcher found in the registry; a model phrase is the model's own explanation
(the words whose removal hurts its label most), which can be noise. Shown apart, a reviewer can tell the
two. Every piece of text is escaped on its own: post text is hostile.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from review_ui.i18n import translate

__all__ = ["MENTION", "MODEL", "highlight_post", "model_spans"]

MENTION = "mention"
MODEL = "model"


def _bounds(span: dict[str, object], length: int) -> tuple[int, int] | None:
    try:
        start, end = int(span.get("start", 0)), int(span.get("end", 0))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    start, end = max(0, min(start, length)), max(0, min(end, length))
    return (start, end) if end > start else None


def model_spans(spans: Iterable[dict[str, object]] | None) -> list[dict[str, object]]:
    """The model's own phrases: every span but the registry mentions stored among them."""
    return [s for s in spans or [] if s.get("kind") != MENTION]


def highlight_post(
    text: str | None,
    mentions: Iterable[dict[str, object]] | None,
    spans: Iterable[dict[str, object]] | None,
    lang: str,
) -> Markup:
    """`<mark class="mention">` over mentions (titled with their kind), `<mark class="model">` over the
    model's phrases; where the two overlap the mention wins (it is the verifiable fact)."""
    text = text or ""
    owner: list[tuple[str, str] | None] = [None] * len(text)
    for span in model_spans(spans):
        bounds = _bounds(span, len(text))
        if bounds:
            owner[bounds[0] : bounds[1]] = [(MODEL, "")] * (bounds[1] - bounds[0])
    for mention in mentions or []:
        bounds = _bounds(mention, len(text))
        if bounds:
            kind = str(mention.get("kind") or "")
            owner[bounds[0] : bounds[1]] = [(MENTION, kind)] * (bounds[1] - bounds[0])
    out: list[str] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i < len(text) and owner[i] == owner[start]:
            continue
        piece = escape(text[start:i])
        mark = owner[start]
        if mark is None:
            out.append(str(piece))
        elif mark[0] == MENTION:
            title = escape(translate(lang, f"mention_{mark[1]}") if mark[1] else translate(lang, "legend_mention"))
            out.append(f'<mark class="mention" data-kind="{escape(mark[1])}" title="{title}">{piece}</mark>')
        else:
            out.append(f'<mark class="model">{piece}</mark>')
        start = i
    return Markup("".join(out))
