"""Every link in a digest opens the right page of the real review app for the reader."""

from __future__ import annotations

from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup
from sqlalchemy import Engine

from monitor.config import Settings
from monitor.digest import IsoWeek, preview_digest
from monitor.models import utcnow
from tests.utils.review import login, make_client, seed_world


def paths(html: str) -> list[str]:
    links = [a["href"] for a in BeautifulSoup(html, "html.parser").find_all("a")]
    assert all(link.startswith("http://testserver/") for link in links), links
    return [urlsplit(link).path + (f"?{urlsplit(link).query}" if urlsplit(link).query else "") for link in links]


def test_digest_links_open_the_review_page(sqlite_engine: Engine) -> None:
    world = seed_world(sqlite_engine)  # cases detected now, in two agencies
    now = utcnow()
    week = IsoWeek.containing(now.astimezone(ZoneInfo("Asia/Jakarta")).date())  # the WIB week of "now"
    settings = Settings(_env_file=None, base_url="http://testserver")  # type: ignore[call-arg]
    digest, mail = preview_digest(sqlite_engine, settings, email=world.emails["sup_a"], week=week, now=now)
    assert digest.new_total == len(world.cases_a)

    client = login(make_client(sqlite_engine), world.emails["sup_a"])
    links = paths(mail.html)
    case_links = [p for p in links if p.startswith("/cases/")]
    assert sorted(case_links) == sorted(f"/cases/{i}" for i in world.cases_a)
    for path in case_links:
        page = client.get(path)
        assert page.status_code == 200, path
    queue = client.get(digest.queue_url.removeprefix("http://testserver"))
    assert queue.status_code == 200
    for case_id in world.cases_a:
        assert f"/cases/{case_id}" in queue.text
    for case_id in world.cases_b:
        assert f'/cases/{case_id}"' not in queue.text
    assert client.get(digest.urgent_url.removeprefix("http://testserver")).status_code == 200
