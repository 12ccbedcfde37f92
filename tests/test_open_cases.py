"""Opening cases from scores: rules applied, one case per original post per ASN, idempotent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from monitor.audit import verify
from monitor.config import Settings
from monitor.flagging.open_cases import open_new_cases
from monitor.models import AuditLog, Case, CasePost, Election, Score
from tests.utils.concurrency import run_concurrently
from tests.utils.factories import make_account, make_asn, make_post, make_score

SETTINGS = Settings(_env_file=None)
NOW = datetime(2024, 11, 20, 2, 0, tzinfo=UTC)


def _elections(session: Session) -> None:
    session.add(
        Election(
            id="pilwalkot-harapanjaya-2024",
            name="Pilwalkot Harapan Jaya",
            level="walikota",
            region="Kota Harapan Jaya",
            province="Jawa Barat",
            voting_day=date(2024, 11, 27),
        )
    )
    session.add(
        Election(
            id="pilwalkot-medan-2024",
            name="Pilwalkot Medan",
            level="walikota",
            region="Kota Medan",
            province="Sumatera Utara",
            voting_day=date(2024, 11, 27),
        )
    )


def test_flags_by_rules_and_sets_deadline(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as s:
        _elections(s)
        account = make_account(s)
        own = make_post(s, account)
        make_score(s, own)  # dukungan 0.9 for the ASN's own city: a case
        elsewhere = make_post(s, account)
        make_score(s, elsewhere, target_election_id="pilwalkot-medan-2024")
        neutral = make_post(s, account)
        make_score(s, neutral, label="netral", probabilities={"netral": 0.95, "dukungan": 0.03, "serangan": 0.02})
        weak_untargeted = make_post(s, account)
        make_score(s, weak_untargeted, target_election_id=None, probabilities={"dukungan": 0.7, "netral": 0.3})
        strong_untargeted = make_post(s, account)
        make_score(
            s,
            strong_untargeted,
            label="serangan",
            target_election_id=None,
            probabilities={"serangan": 0.95, "netral": 0.05},
        )
        s.commit()

    summary = open_new_cases(engine, SETTINGS, now=NOW)
    # every partisan post opens a case: another region's election and an unnamed target count too
    assert (summary.checked, summary.opened, summary.joined) == (5, 4, 0)
    with Session(engine) as s:
        cases = {c.post_id: c for c in s.exec(select(Case))}
        assert set(cases) == {own.id, elsewhere.id, weak_untargeted.id, strong_untargeted.id}
        assert cases[elsewhere.id].election_id == "pilwalkot-medan-2024"
        case = cases[own.id]
        assert case.deadline == NOW + timedelta(days=7)
        assert case.election_id == "pilwalkot-harapanjaya-2024" and case.candidate_number == 1
        assert case.label == "dukungan" and abs(case.score - 0.9) < 1e-9
        assert cases[strong_untargeted.id].election_id is None
        assert s.exec(select(func.count()).where(col(Score.flag_checked_at).is_(None))).one() == 0
        actions = s.exec(select(AuditLog.action)).all()
        assert actions == ["case.opened"] * 4
        assert verify(s) is None


def test_reposts_of_one_original_join_its_case_and_reruns_change_nothing(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as s:
        _elections(s)
        asn = make_asn(s)
        bsky = make_account(s, asn)
        original = make_post(s, bsky, platform_post_id="orig-1")
        make_score(s, original)
        repost = make_post(s, bsky, kind="repost", original_post_id="orig-1")
        make_score(s, repost)
        other_asn_repost = make_post(s, make_account(s), kind="repost", original_post_id="orig-1")
        make_score(s, other_asn_repost)
        s.commit()

    first = open_new_cases(engine, SETTINGS, now=NOW)
    assert (first.opened, first.joined) == (2, 1)  # one case per ASN; the repost joined
    # A second model version scores the same posts again: no new case, no duplicate membership.
    with Session(engine, expire_on_commit=False) as s:
        for post in (original, repost):
            make_score(s, post, model_version="test-v2")
        s.commit()
    again = open_new_cases(engine, SETTINGS, now=NOW)
    assert (again.checked, again.opened, again.joined) == (2, 0, 0)
    assert open_new_cases(engine, SETTINGS, now=NOW).checked == 0
    with Session(engine) as s:
        case = s.exec(select(Case).where(Case.asn_id == asn.id)).one()
        assert case.post_id == original.id and case.original_key == "bluesky:orig-1"
        assert s.exec(select(CasePost.post_id).where(CasePost.case_id == case.id)).all() == [repost.id]
        assert s.exec(select(func.count()).select_from(Case)).one() == 2


def test_limit_and_batches(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as s:
        _elections(s)
        account = make_account(s)
        for _ in range(7):
            make_score(s, make_post(s, account))
        s.commit()
    assert open_new_cases(engine, SETTINGS, batch_size=2, limit=3, now=NOW).checked == 3
    rest = open_new_cases(engine, SETTINGS, batch_size=2, now=NOW)
    assert (rest.checked, rest.opened) == (4, 4)


def test_concurrent_workers_open_each_case_once(engine: Engine) -> None:
    """Four threads race over many reposts of the same originals: each (ASN, original) gets one case."""
    with Session(engine, expire_on_commit=False) as s:
        _elections(s)
        asns = [make_asn(s) for _ in range(3)]
        accounts = [make_account(s, a) for a in asns]
        for i in range(60):
            account = accounts[i % 3]
            make_score(s, make_post(s, account, kind="repost", original_post_id=f"orig-{i % 5}"))
        s.commit()

    _, errors = run_concurrently(lambda: open_new_cases(engine, SETTINGS, batch_size=4, now=NOW), 4)
    assert errors == []
    with Session(engine) as s:
        keys = s.exec(select(Case.asn_id, Case.original_key)).all()
        assert len(keys) == len(set(keys)) == 15  # 3 ASN x 5 originals
        members = s.exec(select(func.count()).select_from(CasePost)).one()
        assert members + len(keys) == 60  # every post is in exactly one case
        assert s.exec(select(func.count()).where(col(Score.flag_checked_at).is_(None))).one() == 0
        assert s.exec(select(func.count()).select_from(AuditLog)).one() == 15
        assert verify(s) is None
