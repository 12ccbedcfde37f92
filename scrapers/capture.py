"""Every HTTP response as received, handed to a recorder (monitor writes them as WARC records).

The scrapers' raw payload is one item re-serialised, so its SHA-256 proves only that nothing changed since
capture. What the platform sent is the response: body, status, headers, URL and time. `PoliteClient` gives
each response it receives to a `Recorder` (one place, so every platform has it) and attaches the recorder's
`CaptureRef` to the response, where a scraper reads it (`capture_of`) and puts it on each post it maps, with
a locator saying where in the body the post is. Scrapers never write files: the recorder is monitor's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import httpx

from scrapers.errors import ScrapeError

_EXTENSION = "netra.capture"


@dataclass(frozen=True)
class Exchange:
    """One response as it arrived. `body` is the entity as sent, content coding (gzip, br) kept; the
    transfer coding (chunked) is already undone by the HTTP client. `decoded_sha256` is the SHA-256 of the
    body after content decoding: the bytes the scraper parsed."""

    url: str
    method: str
    http_version: str
    status: int
    reason: str
    headers: list[tuple[str, str]]  # as received, in order, repeated names kept
    body: bytes
    decoded_sha256: str
    received_at: datetime  # when the last byte of the body was read (aware, UTC)


@dataclass(frozen=True)
class CaptureRef:
    """Where a response was archived: a WARC file (relative to the archive's root), the record's id, the
    offset and length of the record's bytes (one gzip member) in that file, and `body_sha256`."""

    warc_file: str
    record_id: str
    offset: int
    length: int
    body_sha256: str  # of the content-decoded body (`warcio extract --payload` prints those bytes)


class Recorder(Protocol):
    def record(self, exchange: Exchange) -> CaptureRef:
        """Archive one response; raise OSError when it could not be written."""
        ...


class CaptureFailed(ScrapeError):
    """The response could not be archived: its posts are not stored (evidence first), the account fails
    and is fetched again next time."""

    status = "error"


def attach(response: httpx.Response, ref: CaptureRef) -> None:
    response.extensions[_EXTENSION] = ref


def capture_of(response: httpx.Response) -> CaptureRef | None:
    """The response's archive record; None when the client has no recorder (tests, one-off tools)."""
    return response.extensions.get(_EXTENSION)


# Locators: where in the record's body a post is (docs/scrapers.md, "Responses as received").


def json_pointer(*parts: str | int) -> str:
    """`json:` and an RFC 6901 JSON Pointer, e.g. json:/feed/3."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "json:" + "".join("/" + p for p in escaped)


def xpath(expression: str) -> str:
    """`xpath:` and an XPath 1.0 expression selecting the item in the XML body."""
    return "xpath:" + expression


def css(selector: str, nth: int | None = None) -> str:
    """`css:` and a CSS selector matching the item alone, or `css-nth(N):` and a selector of which the item
    is the N-th match (1-based, document order)."""
    return f"css-nth({nth}):{selector}" if nth is not None else f"css:{selector}"


def css_string(value: str) -> str:
    """A CSS string literal, for attribute selector values."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
