"""Plain RSS 2.0 and Atom feeds (YouTube channel feeds among them) read with lxml: about ten times
cheaper than feedparser, whose SAX handlers cost 1-2 ms per feed.

Only feeds on which feedparser would hand every field we map through unchanged are read here: well-formed
UTF-8 without a DTD, xml:base or xml:lang; known elements only; titles and summaries without markup;
RFC 822 / RFC 3339 dates. Anything else returns None and goes to feedparser, so a post never depends on
which reader ran. The entries are dicts with the feedparser keys `rss.to_post` reads."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
YT = "{http://www.youtube.com/xml/schemas/2015}"
Entry = dict[str, Any]

# Leaf elements that say nothing we map (feedparser stores them under other keys).
_RSS_IGNORED = {"category", "comments", "enclosure"}
_ATOM_IGNORED = {YT + "videoId", YT + "channelId"}
_MEDIA_IGNORED = {MEDIA + n for n in ("title", "content", "thumbnail", "starRating", "statistics")}
_MONTHS = {
    m: i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1)
}
_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (" + "|".join(_MONTHS) + r") (\d{4}) "
    r"(\d{2}):(\d{2})(?::(\d{2}))? (GMT|UT|Z|[+-]\d{4})"
)
_RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})")
# Text that feedparser would take for HTML (an entity reference, say "&amp;copy;") and sanitise.
_ENTITY = re.compile(r"&#?\w+;")
# feedparser's _urlfixer drops the slashes after "scheme://"; such URLs go to feedparser.
_EXTRA_SLASHES = re.compile(r"[A-Za-z][A-Za-z0-9+-.]*:///")


class _Unsupported(Exception):
    """Something feedparser might map differently: let it."""


# XPath 1.0 of the nodes read, in document order (the evidence locator's `[n]` picks one).
RSS_ITEMS, ATOM_ENTRIES = "//item", "//*[local-name()='entry']"


def read(body: bytes) -> tuple[list[Entry], list[str], str] | None:
    """The entries, each entry's raw XML (as `rss.raw_entries` gives it) and the XPath selecting those
    entries in the body, or None for feedparser."""
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body or b"base=" in body or b"lang=" in body or body[:1] != b"<":
        return None  # a DTD, xml:base / xml:lang, a BOM or leading space: feedparser's business
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
        if root.getroottree().docinfo.encoding.upper() != "UTF-8":
            return None
        if root.tag == "rss" and root.get("version") == "2.0":
            nodes = root.findall("channel/item")
            if len(nodes) != len(root.findall(".//item")) or root.find(".//{*}entry") is not None:
                return None
            entries, where = [_rss_item(node) for node in nodes], RSS_ITEMS
        elif root.tag == ATOM + "feed":
            nodes = root.findall(ATOM + "entry")
            if len(nodes) != len(root.findall(".//{*}entry")):
                return None
            entries, where = [_atom_entry(node) for node in nodes], ATOM_ENTRIES
        else:
            return None
    except (etree.XMLSyntaxError, _Unsupported):
        return None
    return entries, [etree.tostring(node, encoding="unicode") for node in nodes], where


def _text(node: Any, *, attrs: tuple[str, ...] = (), html: bool = False) -> str:
    """A leaf's text as feedparser's pop() would give it, or _Unsupported. `html`: feedparser sanitises
    it as HTML, which turns some ampersands into "&amp;"."""
    if len(node) or any(key not in attrs for key in node.attrib):
        raise _Unsupported
    value = (node.text or "").strip()
    if "<" in value or _ENTITY.search(value) or (html and "&" in value) or not _unchanged_by_feedparser(value):
        raise _Unsupported
    return value


def _unchanged_by_feedparser(value: str) -> bool:
    """feedparser re-decodes Latin-1 text that is valid UTF-8 and maps cp1252 code points 0x80-0x9F."""
    if value.isascii():
        return True
    if any("\x80" <= c <= "\x9f" for c in value):
        return False
    try:
        value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return True
    return False


def _uri(value: str) -> str:
    if _EXTRA_SLASHES.match(value) or ("&" in value and ";" in value):
        raise _Unsupported
    return value


def _once(entry: Entry, key: str, value: Any) -> None:
    if key in entry:
        raise _Unsupported  # feedparser's rules for repeated elements are its own
    entry[key] = value


def _rss_item(item: Any) -> Entry:
    if item.attrib:
        raise _Unsupported  # feedparser reads CDF attributes of an item
    entry: Entry = {}
    guid, permalink = None, False
    for node in item:
        tag = node.tag
        if tag == "title":
            _once(entry, "title", _text(node))
            entry["title_detail"] = {"language": None}
        elif tag == "description":
            _once(entry, "summary", _text(node, html=True))
        elif tag == "link":
            _once(entry, "link", _uri(_text(node)))
        elif tag == "guid":
            if node.get("isPermaLink", "true") not in ("true", "false"):
                raise _Unsupported
            permalink = node.get("isPermaLink", "true") == "true"
            guid = _text(node, attrs=("isPermaLink",))
            _once(entry, "id", _uri(guid) if permalink and guid else guid)
        elif tag == "pubDate":
            _once(entry, "published_parsed", _rfc822(_text(node)))
        elif tag == "author":
            author = _text(node)
            if "@" in author:
                raise _Unsupported  # feedparser splits out e-mail addresses
            _once(entry, "author", author)
        elif tag not in _RSS_IGNORED or len(node):
            raise _Unsupported
    if permalink and "link" not in entry:
        entry["link"] = entry["id"]  # a permalink guid is the link when there is none
    return entry


def _atom_entry(node: Any) -> Entry:
    if node.attrib:
        raise _Unsupported
    entry: Entry = {}
    links = []
    for child in node:
        tag = child.tag
        if tag == ATOM + "id":
            _once(entry, "id", _uri(_text(child)))
        elif tag == ATOM + "title":
            _once(entry, "title", _text(child))
            entry["title_detail"] = {"language": None}
        elif tag == ATOM + "link":
            links.append(_link(child))
        elif tag == ATOM + "published":
            _once(entry, "published_parsed", _rfc3339(_text(child)))
        elif tag == ATOM + "updated":
            _once(entry, "updated_parsed", _rfc3339(_text(child)))
        elif tag == ATOM + "author":
            _once(entry, "author", _atom_author(child))
        elif tag == MEDIA + "group":
            for part in child:
                if part.tag == MEDIA + "description":
                    _once(entry, "summary", _text(part, html=True))
                elif part.tag == MEDIA + "community":
                    if any(len(c) or c.tag not in _MEDIA_IGNORED for c in part):
                        raise _Unsupported
                elif part.tag not in _MEDIA_IGNORED or len(part):
                    raise _Unsupported
        elif tag not in _ATOM_IGNORED or len(child):
            raise _Unsupported
    if "title" not in entry:
        raise _Unsupported  # then feedparser would take media:title
    alternates = [href for href in links if href is not None]
    if alternates:
        entry["link"] = alternates[-1]
    elif "id" in entry:
        entry["link"] = entry["id"]  # feedparser treats an Atom id as a permalink
    return entry


def _link(node: Any) -> str | None:
    """The href of an alternate HTML link, None for other links."""
    if len(node) or any(key not in ("rel", "href", "type") for key in node.attrib) or node.get("href") is None:
        raise _Unsupported
    href = node.get("href")
    if href != href.strip() or not _unchanged_by_feedparser(href):
        raise _Unsupported
    rel, kind = node.get("rel", "alternate").lower(), node.get("type", "text/html").lower()
    return (
        _uri(href) if rel == "alternate" and kind in ("text/html", "html", "application/xhtml+xml", "xhtml") else None
    )


def _atom_author(node: Any) -> str:
    if (node.text or "").strip() or any((child.tail or "").strip() for child in node) or node.attrib:
        raise _Unsupported
    names = [child for child in node if child.tag == ATOM + "name"]
    if len(names) != 1 or any(child.tag not in (ATOM + "name", ATOM + "uri") for child in node):
        raise _Unsupported
    for child in node:
        _text(child)
    return _text(names[0])


def _utc(fields: tuple[int, ...], zone: str) -> time.struct_time:
    offset = 0 if zone in ("GMT", "UT", "Z") else int(zone[1:3]) * 60 + int(zone[-2:])
    year, month, day, hour, minute, second = fields
    moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC) - timedelta(
        minutes=offset if zone[0] == "+" else -offset
    )
    return moment.timetuple()


def _rfc822(value: str) -> time.struct_time:
    match = _RFC822.fullmatch(value)
    if match is None:
        raise _Unsupported  # feedparser knows many more date formats
    day, month, year, hour, minute, second, zone = match.groups()
    try:
        return _utc((int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second or 0)), zone)
    except ValueError as exc:
        raise _Unsupported from exc


def _rfc3339(value: str) -> time.struct_time:
    match = _RFC3339.fullmatch(value)
    if match is None:
        raise _Unsupported
    *fields, zone = match.groups()
    try:
        return _utc(tuple(int(f) for f in fields), zone)
    except ValueError as exc:
        raise _Unsupported from exc
