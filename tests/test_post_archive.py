"""Netra's archived copy of a post, offered beside every link to the original (issue 16 item 7)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine
from sqlmodel import Session

from monitor.models import Case, Post, PostVersion
from monitor.review.post_archive import ArchivedVersion, VersionNotFound, payload_intact, pick_version
from tests.utils.review import World, login, make_client, seed_world

OLD_RAW = '{"id": "p-old", "text": "Ayo coblos nomor 1 besok!", "uri": "http://127.0.0.1:8765/p/1"}'


def test_payload_intact_and_pick_version() -> None:
    raw = '{"a": 1}'
    assert payload_intact(raw, hashlib.sha256(raw.encode()).hexdigest())
    assert not payload_intact(raw + " ", hashlib.sha256(raw.encode()).hexdigest())
    at = datetime(2024, 11, 1, tzinfo=UTC)
    versions = [
        ArchivedVersion(2, "b", "{}", "x", at, "", 200, True),
        ArchivedVersion(1, "a", "{}", "y", at, "", 200, False),
    ]
    assert pick_version(versions, 1).text == "a"
    with pytest.raises(VersionNotFound):
        pick_version(versions, 3)


@pytest.fixture
def world(sqlite_engine: Engine) -> World:
    """Case A0's post was edited after it was flagged (flagged version 1, now version 2) and its original
    link points at the demo's loopback source, which stops after the demo collected."""
    world = seed_world(sqlite_engine)
    with Session(world.engine) as s:
        case = s.get(Case, world.cases_a[0])
        post = s.get(Post, case.post_id)
        s.add(
            PostVersion(
                post_id=post.id,
                version=1,
                text="Ayo coblos nomor 1 besok!",
                raw_payload=OLD_RAW,
                payload_sha256=hashlib.sha256(OLD_RAW.encode()).hexdigest(),
                request_url="http://127.0.0.1:8765/api/p/1",
                http_status=200,
                captured_at=datetime(2024, 11, 1, 9, 30, tzinfo=UTC),
            )
        )
        post.version, post.text, post.url = 2, "Teks sudah diubah.", "http://127.0.0.1:8765/p/1"
        case.post_version = 1
        s.add_all([post, case])
        s.commit()
    return world


def test_case_page_offers_the_archived_copy_beside_the_original(world: World) -> None:
    client = login(make_client(world.engine), world.emails["sup_a"])
    case_id = world.cases_a[0]
    soup = BeautifulSoup(client.get(f"/cases/{case_id}").text, "html.parser")
    archive = soup.select_one("#archive-link")
    assert archive["href"] == f"/cases/{case_id}/archive"
    original = archive.find_previous_sibling("a")
    assert original["href"] == "http://127.0.0.1:8765/p/1"  # both links side by side


def test_archive_shows_the_flagged_version_as_captured(world: World) -> None:
    client = login(make_client(world.engine), world.emails["sup_a"])
    case_id = world.cases_a[0]
    soup = BeautifulSoup(client.get(f"/cases/{case_id}/archive").text, "html.parser")
    assert soup.select_one("#archive-text").text == "Ayo coblos nomor 1 besok!"  # not the edit made afterwards
    assert '"p-old"' in soup.select_one("#archive-payload").text
    assert soup.select_one("#archive-captured").text == "01-11-2024 16:30 WIB"
    assert soup.select_one("#archive-sha256").text == hashlib.sha256(OLD_RAW.encode()).hexdigest()
    assert "cocok dengan data yang tersimpan" in soup.select_one("#archive-check").text
    assert "yang ditandai" in soup.select_one("#archive-version").text
    current = BeautifulSoup(client.get(f"/cases/{case_id}/archive?version=2").text, "html.parser")
    assert current.select_one("#archive-text").text == "Teks sudah diubah."
    assert len(current.select("#archive-versions li")) == 2
    assert client.get(f"/cases/{case_id}/archive?version=9").status_code == 404


def test_archive_is_limited_to_the_reviewers_agency_and_the_cases_posts(world: World) -> None:
    case_id = world.cases_a[0]
    other = login(make_client(world.engine), world.emails["sup_b"])
    assert other.get(f"/cases/{case_id}/archive").status_code == 404
    own = login(make_client(world.engine), world.emails["sup_a"])
    with Session(world.engine) as s:
        foreign_post = s.get(Case, world.cases_b[0]).post_id
    assert own.get(f"/cases/{case_id}/archive?post={foreign_post}").status_code == 404  # not in this case
    assert login(make_client(world.engine), world.emails["auditor"]).get(f"/cases/{case_id}/archive").status_code == 200


def test_altered_payload_is_reported(world: World) -> None:
    case_id = world.cases_a[1]
    with Session(world.engine) as s:
        post = s.get(Post, s.get(Case, case_id).post_id)
        post.raw_payload += " "
        s.add(post)
        s.commit()
    client = login(make_client(world.engine), world.emails["sup_a"])
    check = BeautifulSoup(client.get(f"/cases/{case_id}/archive").text, "html.parser").select_one("#archive-check")
    assert "TIDAK cocok" in check.text


def test_report_offers_the_archived_copy_beside_the_original(world: World) -> None:
    client = login(make_client(world.engine), world.emails["sup_a"])
    case_id = world.cases_a[0]
    incident = BeautifulSoup(client.get(f"/cases/{case_id}/report").text, "html.parser").select_one("#report-incident")
    hrefs = [a["href"] for a in incident.select("a")]
    assert hrefs == ["http://127.0.0.1:8765/p/1", f"http://testserver/cases/{case_id}/archive"]
