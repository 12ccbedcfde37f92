"""HTML and XML pages for the loopback server: t.me/s channel previews, RSS/Atom/YouTube feeds and
plain HTML pages, shaped like the recorded samples in /work/shared/data/platforms."""

from __future__ import annotations

from email.utils import format_datetime
from html import escape

from scrapers.loopback_render import iso
from scrapers.loopback_state import FakeAccount, FakePost

HTML = {"Content-Type": "text/html; charset=utf-8"}
TELEGRAM_PAGE = 20


def _tg_message(account: FakeAccount, post: FakePost) -> str:
    channel = account.name if post.kind != "foreign" else post.other
    text = escape(post.text).replace("\n", "<br/>")
    extra = ""
    if post.kind == "repost":
        extra = (
            '<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from&nbsp;'
            f'<a class="tgme_widget_message_forwarded_from_name" href="https://t.me/{post.other}">'
            f'<span dir="auto">{escape(post.other)}</span></a></div>'
        )
    elif post.kind == "reply":
        extra = (
            f'<a class="tgme_widget_message_reply" href="https://t.me/{channel}/{post.id - 1}">'
            '<div class="tgme_widget_message_metatext js-message_reply_text" dir="auto">...</div></a>'
        )
    edited = "edited &nbsp;" if post.edited_at else ""
    return f"""<div class="tgme_widget_message_wrap js-widget_message_wrap">
  <div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="{channel}/{post.id}">
    <div class="tgme_widget_message_bubble">
      <div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" href="https://t.me/{channel}"><span dir="auto">{escape(channel)}</span></a></div>
      {extra}
      <div class="tgme_widget_message_text js-message_text" dir="auto">{text}</div>
      <div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short js-message_info">
        <span class="tgme_widget_message_views">12</span><span class="copyonly"> views</span><span class="tgme_widget_message_meta">{edited}<a class="tgme_widget_message_date" href="https://t.me/{channel}/{post.id}"><time datetime="{post.created_at.isoformat()}" class="time">{post.created_at:%H:%M}</time></a></span>
      </div></div>
    </div>
  </div>
</div>"""


def telegram_page(account: FakeAccount, before: int | None) -> str:
    older = [p for p in account.visible() if before is None or p.id < before]
    posts = older[:TELEGRAM_PAGE]
    posts.reverse()  # t.me/s lists messages oldest first
    more = ""
    if posts and len(older) > TELEGRAM_PAGE:
        first = posts[0].id
        more = (
            f'<div class="tgme_widget_message_centered js-messages_more_wrap"><a href="/s/{account.name}?before={first}" '
            f'class="tme_messages_more js-messages_more" data-before="{first}"></a></div>'
        )
    messages = "\n".join(_tg_message(account, p) for p in posts)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{escape(account.name)} – Telegram</title></head>
<body class="widget_frame_base tgme_webpreview_body">
<div class="tgme_channel_info"><div class="tgme_channel_info_header_title"><span dir="auto">{escape(account.name)}</span></div></div>
<section class="tgme_channel_history js-message_history">
{more}
{messages}
</section></body></html>"""


def rss_feed(account: FakeAccount, base: str) -> str:
    items = "\n".join(
        f"""  <item>
    <title>{escape(p.text.split(".")[0][:80])}</title>
    <link>{base}/artikel/{p.id}</link>
    <guid isPermaLink="false">{escape(p.guid or f"{account.name}-{p.id}")}</guid>
    <pubDate>{format_datetime(p.created_at, usegmt=True)}</pubDate>
    <description>{escape(p.text)}</description>
  </item>"""
        for p in account.visible()[:20]
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>{escape(account.name)}</title><link>{base}</link><description>Berita</description><language>id</language>
{items}
</channel></rss>"""


def youtube_feed(account: FakeAccount, base: str) -> str:
    channel = account.name
    entries = "\n".join(
        f""" <entry>
  <id>yt:video:v{p.id}</id>
  <yt:videoId>v{p.id}</yt:videoId>
  <yt:channelId>{channel}</yt:channelId>
  <title>{escape(p.text.split(".")[0][:80])}</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v=v{p.id}"/>
  <author><name>{escape(channel)}</name><uri>https://www.youtube.com/channel/{channel}</uri></author>
  <published>{iso(p.created_at)}</published>
  <updated>{iso(p.edited_at or p.created_at)}</updated>
  <media:group>
   <media:title>{escape(p.text.split(".")[0][:80])}</media:title>
   <media:description>{escape(p.text)}</media:description>
  </media:group>
 </entry>"""
        for p in account.visible()[:15]
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
 <link rel="self" href="{base}/feeds/videos.xml?channel_id={channel}"/>
 <id>yt:channel:{channel}</id>
 <yt:channelId>{channel}</yt:channelId>
 <title>{escape(channel)}</title>
 <author><name>{escape(channel)}</name></author>
{entries}
</feed>"""


def html_page(account: FakeAccount) -> str:
    articles = "\n".join(
        f"""<article class="post" id="post-{p.id}">
  <h2><a href="/pages/{account.name}/{p.id}">Berita {p.id}</a></h2>
  <time datetime="{p.created_at.isoformat()}">{p.created_at:%d %B %Y}</time>
  <div class="content"><p>{escape(p.text)}</p></div>
</article>"""
        for p in account.visible()[:20]
    )
    return f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{escape(account.name)}</title></head>
<body><header><h1>{escape(account.name)}</h1></header><main>
{articles}
</main></body></html>"""
