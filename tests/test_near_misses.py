"""Near misses, "Hampir ditandai" (issue 16, item 3): posts the flag rules let pass with a side score above
a lower bound, scoped like the queue; opening a case by hand and marking checked are audited, and a case
opened by hand goes through the two-reviewer flow into the training examples."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine
from sqlmodel import Session, select

from monitor.flagging.near_misses import mark_checked, near_misses, open_by_hand, side_label, side_score
from monitor.flagging.rules import FlagRules
from monitor.model.scoring import reviewed_examples
from monitor.models import Agency, AuditLog, Case, Post, ReviewAction, Score, User
from monitor.review import actions as act
from monitor.review.cases import CaseNotFound, Viewer
from tests.utils.factories import make_account, make_asn, make_case, make_post, make_score
from tests.utils.review import World, csrf_of, login, make_client, seed_world

RULES = FlagRules(operating_threshold=None, untargeted_threshold=None, deadline_days=7)
SINCE = datetime.now(UTC) - timedelta(days=14)
NOW = datetime.now(UTC)
NEAR_TEXT = "AnSa nomor 1 adalah pilihan paling masuk akal"


def _scored(session: Session, agency: Agency, text: str, dukungan: float, **kw: object) -> Score:
    post = make_post(session, make_account(session, make_asn(session, agency)), text=text)
    probabilities = {"netral": round(1 - dukungan, 4), "dukungan": dukungan, "serangan": 0.0}
    return make_score(
        session, post, **({"label": "netral", "probabilities": probabilities, "flag_checked_at": NOW} | kw)
    )


def _viewer(session: Session, email: str) -> Viewer:
    return Viewer.of(session.exec(select(User).where(User.email == email)).one())


def _world_with_near_miss(engine: Engine) -> tuple[World, int]:
    world = seed_world(engine, n_cases=1)
    with Session(engine) as s:
        near = _scored(s, s.get(Agency, world.agency_a), NEAR_TEXT, 0.78)
        s.commit()
        assert near.id is not None
        return world, near.id


def test_side_score_and_label() -> None:
    assert side_score({"netral": 0.2, "dukungan": 0.5, "serangan": 0.3}) == pytest.approx(0.8)
    assert side_label({"dukungan": 0.1, "serangan": 0.3}) == "serangan"
    assert side_label({"dukungan": 0.3, "serangan": 0.3}) == "dukungan"


def test_near_misses_are_recent_unflagged_leaning_posts_of_the_viewers_agency(engine: Engine) -> None:
    world, near_id = _world_with_near_miss(engine)
    with Session(engine) as s:
        a, b = s.get(Agency, world.agency_a), s.get(Agency, world.agency_b)
        _scored(s, a, "makan siang dulu", 0.2)  # under the lower bound
        _scored(s, a, "belum dilihat aturan", 0.7, flag_checked_at=None)  # the flag rules have not looked yet
        _scored(s, a, "lama sekali", 0.7, created_at=SINCE - timedelta(days=1))  # not recent
        flagged = _scored(s, a, "sudah jadi kasus", 0.7)
        make_case(s, s.get(Post, flagged.post_id), score_row=flagged)  # in a case: not a near miss
        other = _scored(s, b, "instansi lain", 0.9)
        rescored = _scored(s, a, "dinilai ulang", 0.6)
        make_score(s, s.get(Post, rescored.post_id), model_version="test-v2", label="netral", flag_checked_at=NOW,
                   probabilities={"netral": 0.9, "dukungan": 0.1, "serangan": 0.0})  # fmt: skip  # the newest score counts
        s.commit()
        sup_a, admin = _viewer(s, world.emails["sup_a"]), _viewer(s, world.emails["admin"])
        mine = near_misses(s, sup_a, floor=0.5, since=SINCE)
        assert [r.score_id for r in mine] == [near_id]
        assert mine[0].side == pytest.approx(0.78) and (mine[0].excerpt or "").startswith("AnSa nomor 1")
        assert [r.score_id for r in near_misses(s, admin, floor=0.5, since=SINCE)] == [other.id, near_id]
        assert [r.score_id for r in near_misses(s, admin, floor=0.8, since=SINCE)] == [other.id]
        assert near_misses(s, _viewer(s, world.emails["sup_b"]), floor=0.5, since=SINCE)[0].score_id == other.id


def test_marking_checked_is_audited_and_removes_it_from_the_list(engine: Engine) -> None:
    world, near_id = _world_with_near_miss(engine)
    with Session(engine) as s:
        sup_a, sup_b = _viewer(s, world.emails["sup_a"]), _viewer(s, world.emails["sup_b"])
        with pytest.raises(CaseNotFound):  # another agency's post: not found, as for cases
            mark_checked(s, sup_b, near_id, reason="x")
        with pytest.raises(act.NotAllowed):
            mark_checked(s, _viewer(s, world.emails["auditor"]), near_id, reason="x")
        with pytest.raises(act.ActionError, match="reason"):
            mark_checked(s, sup_a, near_id, reason=" ")
        mark_checked(s, sup_a, near_id, reason="pendapat umum, bukan ajakan")
        s.commit()
        entry = s.exec(select(AuditLog).where(AuditLog.action == "near_miss.checked")).one()
        assert (entry.actor, entry.object_type, entry.object_id) == (sup_a.email, "score", str(near_id))
        assert entry.details["reason"] == "pendapat umum, bukan ajakan"
        assert near_misses(s, sup_a, floor=0.5, since=SINCE) == []


def test_a_case_opened_by_hand_goes_through_two_reviewers_into_training(engine: Engine) -> None:
    world, near_id = _world_with_near_miss(engine)
    with Session(engine) as s:
        sup_a, sup_a2 = _viewer(s, world.emails["sup_a"]), _viewer(s, world.emails["sup_a2"])
        case_id = open_by_hand(s, sup_a, near_id, reason="ajakan memilih terselubung", rules=RULES)
        s.commit()
        case = s.get(Case, case_id)
        assert (case.status, case.label, case.score_id) == ("open", "dukungan", near_id)
        assert case.score == pytest.approx(0.78)
        opened = s.exec(
            select(AuditLog).where(AuditLog.action == "case.opened", AuditLog.object_id == str(case_id))
        ).one()
        assert opened.actor == sup_a.email and "ajakan memilih terselubung" in str(opened.details["reason"])
        assert s.exec(select(AuditLog).where(AuditLog.action == "near_miss.opened")).one().details["case_id"] == case_id
        assert s.exec(select(ReviewAction.action).where(ReviewAction.case_id == case_id)).all() == ["open"]
        assert near_misses(s, sup_a, floor=0.5, since=SINCE) == []
        with pytest.raises(act.ActionError, match="no longer a near miss"):  # it is in a case now
            open_by_hand(s, sup_a, near_id, reason="lagi", rules=RULES)
        act.confirm(s, sup_a, case_id, category="disiplin", reason="memihak", label="serangan")
        with pytest.raises(act.ActionError, match="second, different reviewer"):
            act.confirm(s, sup_a, case_id, category="disiplin", reason="memihak")
        act.confirm(s, sup_a2, case_id, category="disiplin", reason="setuju")
        s.commit()
        assert s.get(Case, case_id).status == "confirmed"
    assert {e.text: e.label for e in reviewed_examples(engine)}[NEAR_TEXT] == "serangan"


def test_the_page_is_linked_lists_near_misses_and_opens_a_case(engine: Engine) -> None:
    world, near_id = _world_with_near_miss(engine)
    client = login(make_client(engine), world.emails["sup_a"])
    soup = BeautifulSoup(client.get("/cases").text, "html.parser")
    assert soup.select_one('header nav a[href="/near-misses"]').text == "Hampir ditandai"
    page = BeautifulSoup(client.get("/near-misses").text, "html.parser")
    row = page.select_one(f'tr[data-score="{near_id}"]')
    assert NEAR_TEXT in row.text and "skor 0,78" in row.select_one(".reason").text
    assert row.select_one(".num").text == "0,78"
    other = login(make_client(engine), world.emails["sup_b"])
    assert other.get("/near-misses").text.count(NEAR_TEXT) == 0
    token = csrf_of(client, "/near-misses")
    assert client.post("/near-misses/999999/open", data={"csrf_token": token, "reason": "x"}).status_code == 404
    no_reason = client.post(f"/near-misses/{near_id}/check", data={"csrf_token": token, "reason": " "})
    assert no_reason.headers["location"] == "/near-misses"
    assert "Alasan wajib diisi" in client.get("/near-misses").text
    response = client.post(f"/near-misses/{near_id}/open", data={"csrf_token": token, "reason": "ajakan"})
    assert response.status_code == 303 and response.headers["location"].startswith("/cases/")
    case_page = BeautifulSoup(client.get(response.headers["location"]).text, "html.parser")
    assert case_page.select_one("#post-text").text == NEAR_TEXT
    assert "masuk alur dua peninjau" in case_page.select_one(".flash").text
    assert NEAR_TEXT not in client.get("/near-misses").text
