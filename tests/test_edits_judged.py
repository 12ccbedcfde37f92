"""Edits are judged: an edited post is scored again under the same model and flagged like a new post;
every version stays as evidence and the case says which version was flagged."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from monitor.auth import create_user
from monitor.collection.store import AccountOutcome, upsert_posts
from monitor.config import Settings
from monitor.db import session_scope
from monitor.flagging.open_cases import open_new_cases
from monitor.model.scoring import reviewed_examples, score_pending
from monitor.models import Account, Case, CasePost, Post, PostVersion, Score, utcnow
from scrapers.base import ScrapedPost
from tests.utils.factories import make_account, make_election, make_post
from tests.utils.keyword_classifier import install
from tests.utils.review import PASSWORD, login, make_client

SETTINGS = Settings(_env_file=None)
NEUTRAL = "Selamat pagi, pelayanan kantor buka pukul 08.00"
PARTISAN = "Selamat pagi! Besok jangan lupa coblos nomor 1 ya"


def edit(engine: Engine, post_id: int, text: str) -> None:
    """The platform serves the post again with new text: stored the way a collection run stores it."""
    with session_scope(engine) as s:
        post = s.get(Post, post_id)
        assert post is not None
        account = s.get(Account, post.account_id)
        assert account is not None
        scraped = ScrapedPost(
            platform=post.platform,
            platform_post_id=post.platform_post_id,
            kind=post.kind,
            url=post.url,
            text=text,
            posted_at=post.posted_at,
            author_id="",
            author_handle=account.handle,
            raw_payload=json.dumps({"id": post.platform_post_id, "text": text}),
            request_url=post.request_url,
            http_status=200,
        )
        outcome = AccountOutcome(account.id, account.platform)  # type: ignore[arg-type]
        upsert_posts(s, account, [scraped], outcome, utcnow())
        assert outcome.changed == 1


def a_post(engine: Engine, text: str) -> int:
    """One post by an ASN of Kota Harapan Jaya, whose mayoral election is registered."""
    with session_scope(engine) as s:
        make_election(s)
        return make_post(s, make_account(s), text=text).id  # type: ignore[return-value]


def test_an_edit_is_scored_again_under_the_same_model(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch)
    post_id = a_post(engine, NEUTRAL)
    assert score_pending(engine, SETTINGS) == 1
    edit(engine, post_id, PARTISAN)
    assert score_pending(engine, SETTINGS) == 1
    assert score_pending(engine, SETTINGS) == 0  # each version once
    with Session(engine) as s:
        scores = s.exec(select(Score).where(Score.post_id == post_id).order_by(col(Score.id))).all()
        assert [sc.label for sc in scores] == ["netral", "dukungan"]  # the edit's score is kept, not dropped
        assert [(sc.post_version, sc.model_version, sc.label) for sc in scores] == [
            (1, "kata-v1", "netral"),
            (2, "kata-v1", "dukungan"),
        ]
        assert s.exec(select(PostVersion.text).where(PostVersion.post_id == post_id)).all() == [NEUTRAL]


def test_an_edit_turning_partisan_opens_a_case_on_its_version(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch)
    post_id = a_post(engine, NEUTRAL)
    score_pending(engine, SETTINGS)
    assert open_new_cases(engine, SETTINGS).opened == 0
    edit(engine, post_id, PARTISAN)
    score_pending(engine, SETTINGS)
    summary = open_new_cases(engine, SETTINGS)
    assert (summary.checked, summary.opened, summary.joined) == (1, 1, 0)
    with Session(engine) as s:
        case = s.exec(select(Case)).one()
        assert (case.post_id, case.post_version) == (post_id, 2)
        score = s.get(Score, case.score_id)
        assert score is not None and score.post_version == 2


def test_an_edit_of_a_post_in_an_open_case_joins_it_as_its_new_version(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(monkeypatch)
    post_id = a_post(engine, PARTISAN)
    score_pending(engine, SETTINGS)
    assert open_new_cases(engine, SETTINGS).opened == 1
    edit(engine, post_id, PARTISAN + ", coblos lagi!")  # still partisan, so still judged
    score_pending(engine, SETTINGS)
    summary = open_new_cases(engine, SETTINGS)
    assert (summary.opened, summary.joined) == (0, 1)
    # Another model version scoring the same versions again adds nothing.
    install(monkeypatch).version = "kata-v2"
    assert score_pending(engine, SETTINGS) == 1
    assert open_new_cases(engine, SETTINGS).checked == 1
    with Session(engine) as s:
        case = s.exec(select(Case)).one()
        assert (case.post_id, case.post_version) == (post_id, 1)
        members = s.exec(select(CasePost.post_id, CasePost.post_version)).all()
        assert members == [(post_id, 2)]
        assert s.exec(select(func.count()).select_from(Score)).one() == 3


def test_the_dismissed_version_is_the_training_example_not_the_later_edit(engine: Engine) -> None:
    post_id = a_post(engine, NEUTRAL)
    with session_scope(engine) as s:
        s.add(Score(post_id=post_id, model_version="m", label="dukungan", probabilities={"dukungan": 0.9}))
    open_new_cases(engine, SETTINGS)
    with session_scope(engine) as s:
        case = s.exec(select(Case)).one()
        case.status = "dismissed"
        s.add(case)
    edit(engine, post_id, PARTISAN)
    assert [(e.text, e.label) for e in reviewed_examples(engine)] == [(NEUTRAL, "netral")]


def test_the_case_page_shows_the_flagged_version_and_the_later_edit(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(monkeypatch)
    post_id = a_post(sqlite_engine, PARTISAN)
    with session_scope(sqlite_engine) as s:
        create_user(s, "admin@example.go.id", "Admin", "admin", password=PASSWORD)
    score_pending(sqlite_engine, SETTINGS)
    open_new_cases(sqlite_engine, SETTINGS, now=datetime(2024, 11, 20, tzinfo=UTC))
    edit(sqlite_engine, post_id, NEUTRAL)  # hidden after the fact: the flagged words stay the evidence
    with Session(sqlite_engine) as s:
        case_id = s.exec(select(Case.id)).one()
    client = login(make_client(sqlite_engine), "admin@example.go.id")
    soup = BeautifulSoup(client.get(f"/cases/{case_id}").text, "html.parser")
    assert "coblos nomor 1" in soup.select_one("#post-text").text
    assert soup.select_one("#post-text mark").text == "coblos"  # the spans still fall on the flagged words
    version = soup.select_one("#post-version").text
    assert "versi 1 dari 2" in version.lower()
    assert NEUTRAL in soup.select_one("#post-current").text
