"""Telegram public channels: the web preview t.me/s/<channel>, paged backwards with ?before=<id>."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from bs4 import BeautifulSoup, Tag
from lxml import etree

from scrapers import plain_html
from scrapers.base import AccountRef, FetchResult, ScrapedPost, parse_time
from scrapers.capture import CaptureRef, capture_of, css, css_string
from scrapers.errors import BadPayload, NotFound, ScrapeError
from scrapers.http import PoliteClient, conditional_headers, validators
from scrapers.paging import Walk, fill, walk_timeline


def _text(node: Tag | None) -> str:
    if node is None:
        return ""
    for br in node.find_all("br"):
        br.replace_with("\n")
    return node.get_text().strip()


def _has_class(tag: Tag, name: str) -> bool:
    return name in (tag.get("class") or [])


def _within(tag: Tag, name: str) -> bool:
    return any(_has_class(parent, name) for parent in tag.parents)


def _first(tags: Iterable[Tag], test: Callable[[Tag], bool]) -> Tag | None:
    return next((tag for tag in tags if test(tag)), None)


def message_blocks(html: str) -> list[Tag]:
    """The message blocks of a t.me/s page, service messages ("Channel created") left out."""
    soup = BeautifulSoup(html, "lxml")
    return [
        tag
        for tag in soup.select("div.tgme_widget_message[data-post]")
        if "service_message" not in (tag.get("class") or [])
    ]


def _data_post(data_post: str) -> str:
    channel, _, number = data_post.partition("/")
    if not number.isdigit():
        raise BadPayload(f"data-post {data_post!r} is not <channel>/<id>")
    return channel


# A message's own link: t.me/<channel>/<id> (t.me/s/... and t.me/c/<internal id>/<id> for private channels).
_MESSAGE_LINK = re.compile(r"(?:https?:)?//t\.me/(?:s/)?((?:c/\d+|[A-Za-z0-9_]+)/\d+)/?(?:[?#].*)?")


def forwarded_message(href: str) -> str | None:
    """The forwarded message as "<channel>/<id>", when the "Forwarded from" link names one.

    Reposts of one original share a case, so a forward must be keyed by the message it forwards. A link to
    a channel or a user alone names no message: that forward is keyed by itself (None), or every forward
    from one channel would land in one case.
    """
    match = _MESSAGE_LINK.fullmatch(href.strip())
    return match.group(1) if match else None


def to_post(
    block: Tag, *, request_url: str = "", http_status: int = 200, capture: CaptureRef | None = None
) -> ScrapedPost:
    """Map one message block (pure). Forwarded messages are reposts of the message they forward (when the
    markup links it); replies keep their parent's id."""
    raw = str(block)
    data_post = str(block["data-post"])
    channel = _data_post(data_post)
    # bs4's find() with class tests is the CSS of the comments, several times faster than select_one().
    # .tgme_widget_message_date time[datetime]
    time = _first(block.find_all("time", datetime=True), lambda t: _within(t, "tgme_widget_message_date"))
    if time is None:
        raise BadPayload(f"message {data_post} has no date")
    bubble = block.find(class_="tgme_widget_message_bubble") or block  # .tgme_widget_message_bubble
    text_node = bubble.find("div", class_="tgme_widget_message_text", recursive=False)
    # a.tgme_widget_message_forwarded_from_name, .tgme_widget_message_forwarded_from a
    forwarded = _first(
        block.find_all("a"),
        lambda a: (
            _has_class(a, "tgme_widget_message_forwarded_from_name") or _within(a, "tgme_widget_message_forwarded_from")
        ),
    )
    reply = block.find("a", class_="tgme_widget_message_reply")  # a.tgme_widget_message_reply
    if forwarded is not None:
        kind, original = "repost", forwarded_message(str(forwarded.get("href", "")))
    elif reply is not None:
        kind, original = "reply", str(reply.get("href", "")).removeprefix("https://t.me/") or None
    else:
        kind, original = "post", None
    text = _text(text_node)
    return _post(
        data_post, channel, kind, original, text, str(time["datetime"]), raw, request_url, http_status, capture
    )


def _post(
    data_post: str,
    channel: str,
    kind: Any,
    original: str | None,
    text: str,
    posted: str,
    raw: str,
    request_url: str,
    http_status: int,
    capture: CaptureRef | None,
) -> ScrapedPost:
    return ScrapedPost(
        platform="telegram",
        platform_post_id=data_post,
        kind=kind,
        url=f"https://t.me/{data_post}",
        text=text,
        original_post_id=original,
        posted_at=parse_time(posted),
        # "edited" is shown without a date; the collector notices the changed text.
        edited_at=None,
        author_id=channel.lower(),
        author_handle=channel.lower(),
        raw_payload=raw,
        request_url=request_url,
        http_status=http_status,
        capture=capture,
        # data-post is unique on a page: the selector finds this message's block and no other.
        locator=css(f"div.tgme_widget_message[data-post={css_string(data_post)}]"),
    )


def _lxml_blocks(html: str) -> list[etree._Element] | None:
    """message_blocks as lxml elements, or None where beautifulsoup4 must read the page (see plain_html)."""
    root = plain_html.parse(html)
    if root is None or plain_html.has_template(root):
        return None
    blocks = []
    for div in root.iter("div"):
        names = plain_html.classes(div)
        if "tgme_widget_message" in names and "data-post" in div.attrib and "service_message" not in names:
            if plain_html.within(div, "tgme_widget_message") or not plain_html.plain(div):
                return None  # nested blocks (one's <br>s rewritten before the other is serialised) or unusual markup
            blocks.append(div)
    return blocks


def _lxml_post(block: etree._Element, request_url: str, http_status: int, capture: CaptureRef | None) -> ScrapedPost:
    """to_post of a plain_html.plain block read with lxml: the same post, the same evidence."""
    raw = plain_html.serialise(block)
    data_post = block.attrib["data-post"]
    channel = _data_post(data_post)
    time = next(
        (t for t in block.iterdescendants("time") if "datetime" in t.attrib and plain_html.within(t, _DATE)), None
    )
    if time is None:
        raise BadPayload(f"message {data_post} has no date")
    bubble = next((d for d in block.iterdescendants() if plain_html.has_class(d, _BUBBLE)), block)
    text_node = next((d for d in bubble.iterchildren("div") if plain_html.has_class(d, _TEXT)), None)
    forwarded = next(
        (
            a
            for a in block.iterdescendants("a")
            if plain_html.has_class(a, _FORWARDED_NAME) or plain_html.within(a, _FORWARDED)
        ),
        None,
    )
    reply = next((a for a in block.iterdescendants("a") if plain_html.has_class(a, _REPLY)), None)
    if forwarded is not None:
        kind, original = "repost", forwarded_message(forwarded.get("href") or "")
    elif reply is not None:
        kind, original = "reply", (reply.get("href") or "").removeprefix("https://t.me/") or None
    else:
        kind, original = "post", None
    text = plain_html.text(text_node).strip() if text_node is not None else ""
    posted = time.attrib["datetime"]
    return _post(data_post, channel, kind, original, text, posted, raw, request_url, http_status, capture)


_DATE, _BUBBLE, _TEXT = "tgme_widget_message_date", "tgme_widget_message_bubble", "tgme_widget_message_text"
_FORWARDED, _FORWARDED_NAME = "tgme_widget_message_forwarded_from", "tgme_widget_message_forwarded_from_name"
_REPLY = "tgme_widget_message_reply"


def page_posts(
    html: str, *, request_url: str = "", http_status: int = 200, capture: CaptureRef | None = None
) -> list[ScrapedPost]:
    """The posts of a t.me/s page: read with lxml where plain_html covers the markup, else beautifulsoup4."""
    blocks = _lxml_blocks(html)
    if blocks is None:
        return [
            to_post(b, request_url=request_url, http_status=http_status, capture=capture) for b in message_blocks(html)
        ]
    return [_lxml_post(b, request_url, http_status, capture) for b in blocks]


class TelegramScraper:
    platform = "telegram"

    async def fetch(self, client: PoliteClient, account: AccountRef, cursor: dict[str, Any]) -> FetchResult:
        channel = account.handle.removeprefix("@")
        base = f"{client.config.telegram_url.rstrip('/')}/s/{channel}"
        known = int(cursor.get("newest_id", 0) or 0) or None
        result = FetchResult(platform_user_id=channel, cursor=dict(cursor))

        async def walk(token: Any, until: Any, budget: int) -> Walk:
            headers = conditional_headers(cursor) if token is None else {}
            return await self._walk(client, base, channel, token, until, budget, headers)

        head, older, gaps = await walk_timeline(
            walk, known, cursor.get("gaps", []), client.config.max_pages_per_account
        )
        if head.not_modified and not older:
            result.not_modified = True
            return result
        fill(result, head, older, gaps)
        result.cursor.update(head.validators)
        if head.newest:
            result.cursor["newest_id"] = max(head.newest, known or 0)
        return result

    async def _walk(
        self,
        client: PoliteClient,
        base: str,
        channel: str,
        token: int | None,
        until: int | None,
        budget: int,
        headers: dict[str, str],
    ) -> Walk:
        walk = Walk(next_token=token)
        for _ in range(budget):
            params = {"before": walk.next_token} if walk.next_token else None
            response = await client.get(base, params=params, headers=headers if walk.pages == 0 else {})
            walk.pages += 1
            if response.status_code == 304:
                walk.not_modified = walk.reached = True
                break
            if response.status_code in (301, 302, 404):
                raise NotFound(f"Telegram channel {channel!r} has no public web preview (HTTP {response.status_code})")
            if response.status_code >= 400:
                raise ScrapeError(f"Telegram: HTTP {response.status_code} for {response.request.url}")
            html = response.text
            if "tgme_channel_history" not in html and "tgme_widget_message" not in html:
                raise BadPayload(f"not a channel preview page: {response.request.url}")
            if walk.pages == 1 and token is None:
                walk.validators = validators(response)
            ids: list[int] = []
            url, capture = str(response.request.url), capture_of(response)
            for post in page_posts(html, request_url=url, http_status=response.status_code, capture=capture):
                ids.append(int(post.platform_post_id.rsplit("/", 1)[1]))
                walk.posts.append(post)
            if ids:
                walk.newest = max(walk.newest or 0, *ids)
                walk.next_token = min(ids)
            walk.reached = bool(until is not None and ids and min(ids) <= until)
            # The page links to older messages ("data-before") only while there are some.
            if not ids or min(ids) <= 1 or "data-before=" not in html:
                walk.reached = True
            if walk.reached:
                break
        return walk
