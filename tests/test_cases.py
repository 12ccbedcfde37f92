"""Case queries (scope, filters, keyset pagination, counts) and the action state machine."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from monitor.audit import verify
from monitor.auth import disable_user
from monitor.models import ReviewAction
from monitor.review import actions as act
from monitor.review.case_detail import get_case
from monitor.review.cases import CaseFilters, CaseNotFound, CountCache, Viewer, count_by_status, queue
from monitor.review.dashboard import dashboard
from monitor.review.evidence.pack import build_evidence_pack
from tests.utils.factories import make_account, make_agency, make_asn, make_case, make_post, make_score, make_user


def _viewer(session: Session, role: str, agency_id: int | None) -> Viewer:
    return Viewer.of(make_user(session, role=role, agency_id=agency_id))


@pytest.fixture
def world(engine: Engine) -> dict:
    with Session(engine, expire_on_commit=False) as s:
        a, b = make_agency(s, code="A"), make_agency(s, code="B")
        cases_a = []
        for i in range(7):
            asn = make_asn(s, a, unit="Keuangan" if i % 2 else "Umum")
            post = make_post(s, make_account(s, asn, platform="x" if i == 0 else "bluesky"))
            score = make_score(s, post, probabilities={"dukungan": 0.5 + i * 0.05, "netral": 0.1})
            cases_a.append(make_case(s, post, score_row=score, score=round(0.5 + i * 0.05, 2)))
        case_b = make_case(s, make_post(s, make_account(s, make_asn(s, b))))
        viewers = {
            "admin": _viewer(s, "admin", None),
            "sup_a": _viewer(s, "supervisor", a.id),
            "sup_a2": _viewer(s, "supervisor", a.id),
            "sup_b": _viewer(s, "supervisor", b.id),
            "auditor": _viewer(s, "auditor", None),
        }
        s.commit()
        return {"engine": engine, "a": [c.id for c in cases_a], "b": case_b.id, **viewers}


def test_scope_and_pagination(world: dict) -> None:
    with Session(world["engine"]) as s:
        seen: list[int] = []
        cursor = None
        while True:
            page = queue(s, world["sup_a"], CaseFilters(), cursor=cursor, limit=3)
            seen += [r.id for r in page.rows]
            if not (cursor := page.next_cursor):
                break
        assert seen == list(reversed(world["a"]))  # highest score first, every case once, none of B's
        assert count_by_status(s, world["sup_a"])["open"] == 7
        assert count_by_status(s, world["sup_b"])["open"] == 1
        assert count_by_status(s, world["admin"])["open"] == 8
        with pytest.raises(CaseNotFound):
            get_case(s, world["sup_a"], world["b"])
        assert get_case(s, world["auditor"], world["b"]).case.id == world["b"]


def test_count_cache_is_scoped_and_emptied_by_case_changes(world: dict) -> None:
    cache = CountCache(ttl_s=3600)
    with Session(world["engine"], expire_on_commit=False) as s:
        assert cache.counts(s, world["sup_a"], CaseFilters())["open"] == 7
        assert cache.counts(s, world["sup_b"], CaseFilters())["open"] == 1  # its own scope, not A's entry
        assert cache.counts(s, world["sup_a"], CaseFilters(label="serangan"))["open"] == 0  # filters are keyed
        act.dismiss(s, world["sup_a"], world["a"][0], reason="bukan kampanye")
        s.rollback()  # nothing committed: the cached figure still holds
        assert cache.counts(s, world["sup_a"], CaseFilters())["open"] == 7
        act.dismiss(s, world["sup_a"], world["a"][0], reason="bukan kampanye")
        s.commit()  # a committed case change in this process empties the cache at once
        counts = cache.counts(s, world["sup_a"], CaseFilters())
        assert (counts["open"], counts["dismissed"]) == (6, 1)
    expired = CountCache(ttl_s=0)
    with Session(world["engine"]) as s:
        assert expired.counts(s, world["admin"], CaseFilters())["open"] == 7


def test_assignable_cache_is_per_agency_and_emptied_by_user_changes(world: dict) -> None:
    cache = act.AssignableCache(ttl_s=3600)
    a_id = world["sup_a"].agency_id
    b_id = world["sup_b"].agency_id
    with Session(world["engine"], expire_on_commit=False) as s:
        in_a = {u.id for u in cache.get(s, a_id)}
        in_b = {u.id for u in cache.get(s, b_id)}
        assert in_a == {u.id for u in act.assignable_users(s, a_id)}
        assert world["sup_a"].user_id in in_a and world["sup_a"].user_id not in in_b  # never another agency's
        assert world["sup_b"].user_id in in_b and world["sup_b"].user_id not in in_a
        newcomer = make_user(s, role="supervisor", agency_id=a_id)
        s.rollback()  # nothing committed: the cached list still holds
        assert {u.id for u in cache.get(s, a_id)} == in_a
        newcomer = make_user(s, role="supervisor", agency_id=a_id)
        s.commit()  # a committed user change in this process empties the cache at once
        assert {u.id for u in cache.get(s, a_id)} == in_a | {newcomer.id}
        disable_user(s, world["sup_a2"].email)
        s.commit()
        assert world["sup_a2"].user_id not in {u.id for u in cache.get(s, a_id)}
    expired = act.AssignableCache(ttl_s=0)
    with Session(world["engine"]) as s:
        assert {u.id for u in expired.get(s, b_id)} == in_b


def test_filters(world: dict) -> None:
    with Session(world["engine"]) as s:
        v = world["admin"]
        assert [r.platform for r in queue(s, v, CaseFilters(platform="x")).rows] == ["x"]
        assert {r.unit for r in queue(s, v, CaseFilters(unit="Keuangan")).rows} == {"Keuangan"}
        assert all(r.score >= 0.7 for r in queue(s, v, CaseFilters(score_min=0.7)).rows)
        assert queue(s, v, CaseFilters(overdue=True)).rows == []
        deadline_sorted = queue(s, v, CaseFilters(sort="deadline")).rows
        assert [r.deadline for r in deadline_sorted] == sorted(r.deadline for r in deadline_sorted)
        future = datetime.now(UTC) + timedelta(days=1)
        assert queue(s, v, CaseFilters(date_from=future)).rows == []


def test_two_reviewer_confirmation_and_forward(world: dict) -> None:
    case_id = world["a"][0]
    with Session(world["engine"]) as s:
        first = act.confirm(s, world["sup_a"], case_id, category="disiplin", reason="jelas mendukung")
        assert first.status == "awaiting_second"
        with pytest.raises(act.ActionError, match="different reviewer"):
            act.confirm(s, world["sup_a"], case_id, category="disiplin", reason="lagi")
        with pytest.raises(CaseNotFound):
            act.confirm(s, world["sup_b"], case_id, category="disiplin", reason="bukan wewenang")
        with pytest.raises(act.NotAllowed):
            act.confirm(s, world["auditor"], case_id, category="disiplin", reason="x")
        assert act.confirm(s, world["sup_a2"], case_id, category="disiplin", reason="setuju").status == "confirmed"
        pack, digest = build_evidence_pack(s, world["sup_a"], case_id)
        assert act.forward(s, world["sup_a"], case_id, target="bkn", reason="kirim", pack_sha256=digest).status == (
            "forwarded"
        )
        followup = act.record_followup(
            s, world["sup_a"], case_id, sanctioned=True, decided_on=date(2024, 12, 1), reason="SK"
        )
        assert followup.status == "closed"
        s.commit()
        assert verify(s) is None
        names = zipfile.ZipFile(io.BytesIO(pack)).namelist()
        assert f"kasus-{case_id}/summary.json" in names and f"kasus-{case_id}/manifest.sha256" in names
        summary = json.loads(zipfile.ZipFile(io.BytesIO(pack)).read(f"kasus-{case_id}/summary.json"))
        assert summary["nip_terlapor"] and summary["tempat_url"].startswith("https://")
        assert len(s.exec(select(ReviewAction)).all()) == 4
        board = dashboard(s, world["sup_a"])
        assert board.ppk_acted == 1 and board.confirmed_total == 1 and "B" not in board.by_agency


def test_reason_required_and_transitions(world: dict) -> None:
    case_id = world["a"][1]
    with Session(world["engine"]) as s:
        with pytest.raises(act.ActionError, match="reason"):
            act.dismiss(s, world["sup_a"], case_id, reason="   ")
        with pytest.raises(act.ActionError, match="status"):
            act.forward(s, world["sup_a"], case_id, target="bkn", reason="belum dikonfirmasi")
        assert act.request_clarification(s, world["sup_a"], case_id, reason="tanya").status == "clarification"
        assert (
            act.answer_clarification(s, world["sup_a"], case_id, answer="akun diretas", reason="catat").status == "open"
        )
        assert act.dismiss(s, world["sup_a"], case_id, reason="bukan kampanye").status == "dismissed"
        done, skipped = act.bulk_dismiss(s, world["sup_a"], [*world["a"][2:4], case_id, world["b"]], reason="massal")
        assert done == world["a"][2:4] and skipped == [case_id, world["b"]]


def test_assign_within_agency(world: dict) -> None:
    with Session(world["engine"]) as s:
        case_id = world["a"][5]
        act.assign(s, world["admin"], case_id, assignee_id=world["sup_a2"].user_id, reason="beban kerja")
        assert get_case(s, world["admin"], case_id).assignee.id == world["sup_a2"].user_id
        with pytest.raises(act.ActionError, match="another agency"):
            act.assign(s, world["admin"], case_id, assignee_id=world["sup_b"].user_id, reason="salah")
