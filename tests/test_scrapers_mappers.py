"""The pure mappers against recorded platform payloads (tests/fixtures/platforms)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import yaml

from scrapers import bluesky, mastodon, rss, telegram, x, zeeschuimer
from scrapers._json import mapped
from scrapers.errors import BadPayload

FIXTURES = Path(__file__).parent / "fixtures" / "platforms"


def load(name: str) -> object:
    return json.loads((FIXTURES / name).read_text())


def test_bluesky_author_feed_kinds_and_evidence() -> None:
    page = load("bluesky/getAuthorFeed_page.json")
    posts = [bluesky.to_post(item, request_url="u", http_status=200) for item in page["feed"]]  # type: ignore[index]
    assert [p.kind for p in posts] == ["repost", "reply", "post", "post", "reply", "repost", "post"]
    repost = posts[0]
    # The repost belongs to the feed's owner; the original's author is someone else.
    assert repost.author_handle == "shinyakato.dev"
    assert repost.original_post_id == page["feed"][0]["post"]["uri"]  # type: ignore[index]
    assert repost.text.startswith("Had a great time at the Seattle meetup")
    assert posts[1].original_post_id == page["feed"][1]["post"]["record"]["reply"]["parent"]["uri"]  # type: ignore[index]
    assert all(p.posted_at and p.posted_at.tzinfo for p in posts)
    assert json.loads(posts[2].raw_payload) == page["feed"][2]  # type: ignore[index]
    assert len({p.platform_post_id for p in posts}) == 7


def test_bluesky_quote_with_media_keeps_quoted_text() -> None:
    thread = load("bluesky/getPostThread_quote_with_media.json")
    post = bluesky.to_post({"post": thread["thread"]["post"]})  # type: ignore[index]
    assert post.kind == "quote"
    assert post.quoted_text == "test"
    assert post.original_post_id and post.original_post_id.startswith("at://")


def test_mastodon_reblog_reply_quote() -> None:
    reblog = mastodon.to_post(load("mastodon/status_reblog.json"))  # type: ignore[arg-type]
    assert (reblog.kind, reblog.text) == ("repost", "Toot!")
    assert reblog.original_post_id and reblog.original_post_id.endswith("/statuses/117020586019094258")
    reply = mastodon.to_post(load("mastodon/status_reply.json"))  # type: ignore[arg-type]
    assert (reply.kind, reply.text, reply.original_post_id) == (
        "reply",
        "@mastodonpy_test_2 same!",
        "117020583245459824",
    )
    quote = mastodon.to_post(load("mastodon/status_remote_reply_with_quote.json"))  # type: ignore[arg-type]
    assert quote.kind == "quote" and quote.quoted_text
    assert "<" not in quote.text


def test_mastodon_recorded_paging_cassette() -> None:
    cassette = yaml.safe_load((FIXTURES / "mastodon/account_statuses_paging.yaml").read_text())
    first = cassette["interactions"][0]
    statuses = json.loads(first["response"]["body"]["string"])
    posts = [mastodon.to_post(s) for s in statuses]
    assert [p.text for p in posts] == [f"Toot number {n}!" for n in range(9, 4, -1)]
    link = first["response"]["headers"]["link"][0]
    response = httpx.Response(200, headers={"Link": link}, request=httpx.Request("GET", first["request"]["uri"]))
    assert "max_id=117020580489281910" in response.links["next"]["url"]


def test_mastodon_html_to_text() -> None:
    assert mastodon.html_to_text("<p>Satu<br>dua</p><p>tiga &amp; empat</p>") == "Satu\ndua\n\ntiga & empat"


def test_telegram_page_blocks() -> None:
    blocks = telegram.message_blocks((FIXTURES / "telegram/channel_page.html").read_text())
    posts = [telegram.to_post(b) for b in blocks]
    assert [p.platform_post_id for p in posts] == ["kominfocontoh/41", "kominfocontoh/42", "kominfocontoh/43"]
    assert posts[0].text == "Jadwal pelayanan\nSenin! contoh.go.id/jadwal"
    # "Forwarded from" links only the source channel here: the forward is keyed by itself, not by the
    # channel (which would put every forward from it in one case); see test_decided_cases for a message link.
    assert (posts[1].kind, posts[1].original_post_id) == ("repost", None)
    assert (posts[2].kind, posts[2].original_post_id, posts[2].text) == (
        "reply",
        "kominfocontoh/41",
        "Ralat: mulai pukul 08.00",
    )
    assert posts[2].posted_at == datetime(2024, 11, 20, 4, 30, tzinfo=UTC)


def test_telegram_block_without_date_is_bad_payload() -> None:
    blocks = telegram.message_blocks('<div class="tgme_widget_message" data-post="c/1"><div>hi</div></div>')
    with pytest.raises(BadPayload):
        telegram.to_post(blocks[0])


def test_x_page_types_from_referenced_tweets() -> None:
    page = load("x/users_id_tweets_page.json")
    included = {t["id"]: t for t in page["includes"]["tweets"]}  # type: ignore[index]
    posts = [x.to_post(t, username="phillynefl", user_id="2351222345", included=included) for t in page["data"]]  # type: ignore[index]
    assert [p.kind for p in posts] == ["repost", "reply", "repost", "post", "post", "reply"]
    # A retweet's text is the original's full text, not the truncated "RT @..." line.
    assert not posts[0].text.startswith("RT @")
    assert all(p.author_handle == "phillynefl" for p in posts)


def test_x_quote_keeps_quoted_text_and_default_fields() -> None:
    lookup = load("x/tweets_lookup_quote_reply.json")
    included = {t["id"]: t for t in lookup["includes"]["tweets"]}  # type: ignore[index]
    post = x.to_post(lookup["data"][0], username="u", included=included)  # type: ignore[index]
    assert post.kind == "quote" and post.quoted_text
    plain = load("x/users_id_tweets_default_fields.json")
    posts = [x.to_post(t, username="twitter", user_id="783214") for t in plain["data"]]  # type: ignore[index]
    assert posts and all(p.kind == "post" and p.posted_at is None for p in posts)


def test_x_tweet_by_someone_else_is_not_the_owner() -> None:
    post = x.to_post({"id": "1", "text": "t", "author_id": "9"}, username="budi", user_id="5")
    assert post.author_id == "9" and post.author_handle == ""


@pytest.mark.parametrize("name", ["rss/feedparser_example_rss20.xml", "rss/feedparser_example_atom10.xml"])
def test_rss_examples_strip_markup(name: str) -> None:
    body = (FIXTURES / name).read_bytes()
    entries = rss.parse_feed(body).entries
    raws = rss.raw_entries(body)
    assert len(entries) == len(raws) == 1
    post = rss.to_post(entries[0], feed_url="f", raw=raws[0])
    assert post.text.startswith("First")
    assert "javascript" not in post.text and "<span>" not in post.text
    assert "nasty tricks" in post.text


def test_rss_text_decodes_entities_with_or_without_markup() -> None:
    """Feed titles and summaries are HTML: `&quot;` is a quote even where no tag made it go through HTML parsing
    (it used to be stored as the five characters, and the classifier read them)."""
    body = b"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>
    <link>https://x.test</link><description>d</description>
    <item><title>Kata &amp;quot;Ucok&amp;quot; &amp;amp; kawan</title><link>https://x.test/1</link>
      <description>Dukung &amp;quot;Paslon 2&amp;quot; &amp;#8212; ayo</description></item>
    <item><title>Bertanda</title><link>https://x.test/2</link>
      <description>&lt;p&gt;Dukung &amp;quot;Paslon 2&amp;quot;&lt;/p&gt;</description></item>
    </channel></rss>"""
    entries, raws = rss.read_feed(body)
    texts = [rss.to_post(e, feed_url="f", raw=r).text for e, r in zip(entries, raws, strict=True)]
    assert texts == ['Kata "Ucok" & kawan\n\nDukung "Paslon 2" \u2014 ayo', 'Bertanda\n\nDukung "Paslon 2"']


def test_youtube_feed_entries() -> None:
    body = (FIXTURES / "youtube/channel_feed.xml").read_bytes()
    entries = rss.parse_feed(body).entries
    posts = [
        rss.to_post(e, feed_url="f", raw=r, platform="youtube")
        for e, r in zip(entries, rss.raw_entries(body), strict=True)
    ]
    assert [p.platform_post_id for p in posts] == ["yt:video:AbCdEfGhIj1", "yt:video:KlMnOpQrSt2"]
    assert posts[1].text == "Sosialisasi Netralitas ASN\n\nASN wajib netral dalam Pilkada."
    assert "<yt:videoId>AbCdEfGhIj1</yt:videoId>" in posts[0].raw_payload


def test_not_a_feed_is_bad_payload() -> None:
    with pytest.raises(BadPayload):
        rss.parse_feed(b"<html><body>hello</body></html>")


def test_zeeschuimer_instagram_and_tiktok() -> None:
    lines = (FIXTURES / "zeeschuimer/export.ndjson").read_text().splitlines()
    ig = zeeschuimer.to_post(zeeschuimer.parse_line(lines[0]), raw=lines[0])
    assert (ig.platform, ig.author_handle, ig.url) == (
        "instagram",
        "budi.asn",
        "https://www.instagram.com/p/DAbCdEfGhIj/",
    )
    assert ig.text == "Coblos nomor 2 ya! #pilkada" and ig.raw_payload == lines[0]
    tt = zeeschuimer.to_post(zeeschuimer.parse_line(lines[2]))
    assert (tt.platform, tt.author_handle, tt.platform_post_id) == ("tiktok", "siti_asn", "7400000000000000001")
    assert tt.posted_at == datetime.fromtimestamp(1731900000, UTC)
    with pytest.raises(BadPayload):
        zeeschuimer.to_post(zeeschuimer.parse_line(lines[3]))
    with pytest.raises(BadPayload):
        zeeschuimer.parse_line(lines[4])
    assert zeeschuimer.platform_of(zeeschuimer.parse_line(lines[5])) is None


def test_mapper_errors_become_bad_payload() -> None:
    with pytest.raises(BadPayload):
        mapped(bluesky.to_post, {"post": {"record": {}}})


def test_zeeschuimer_x_item_retweet() -> None:
    item = {
        "source_platform": "twitter.com",
        "source_url": "https://x.com/i/api/graphql/abc/UserTweets",
        "data": {
            "rest_id": "1850000000000000001",
            "core": {"user_results": {"result": {"rest_id": "42", "legacy": {"screen_name": "Budi_ASN"}}}},
            "legacy": {
                "full_text": "RT @paslon1: Ayo ke TPS",
                "created_at": "Wed Oct 30 08:00:00 +0000 2024",
                "retweeted_status_result": {"result": {"rest_id": "1849999999999999999"}},
            },
        },
    }
    post = zeeschuimer.to_post(item)
    assert (post.platform, post.author_handle, post.kind) == ("x", "budi_asn", "repost")
    assert post.original_post_id == "1849999999999999999"
    assert post.posted_at == datetime(2024, 10, 30, 8, 0, tzinfo=UTC)
