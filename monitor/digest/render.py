"""Rendering a digest to a subject, a plain-text part and an HTML part (pure: no I/O beyond templates)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from monitor.digest.content import Digest

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class RenderedMail:
    to: str
    subject: str
    text: str
    html: str


@lru_cache
def _env() -> Environment:
    # Names and units come from registries and may hold anything: HTML is always escaped.
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_digest(digest: Digest) -> RenderedMail:
    env = _env()
    return RenderedMail(
        to=digest.recipient.email,
        subject=digest.subject,
        text=env.get_template("digest.txt").render(digest=digest),
        html=env.get_template("digest.html").render(digest=digest),
    )
