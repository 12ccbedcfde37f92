"""Reviewers correct the model (issue 16, item 4): the label and the target, given with a confirm or a
dismiss, audited, shown in the case history, and used by `netra model train --reviews`."""

from __future__ import annotations

from datetime import date

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from monitor.model.corrections import decode_target, encode_target
from monitor.model.scoring import reviewed_examples
from monitor.models import AuditLog, Candidate, Case, ReviewAction
from monitor.review import actions as act
from monitor.review.cases import Viewer
from tests.utils.factories import make_case, make_election, make_post, make_user
from tests.utils.review import PASSWORD, csrf_of, login, make_client, seed_world

ELECTION = "pilwalkot-harapanjaya-2024"


def _registry(session: Session) -> None:
    make_election(session, voting_day=date(2024, 11, 27))
    session.add(Candidate(election_id=ELECTION, number=1, names=["Andi Wijaya", "Sari Dewi"]))
    session.add(Candidate(election_id=ELECTION, number=2, names=["Teguh Santosa", "Rina Marlina"]))
    session.flush()


def _reviewers(session: Session) -> tuple[Viewer, Viewer]:
    first, second = (make_user(session, role="admin") for _ in range(2))
    return Viewer.of(first), Viewer.of(second)


def test_target_form_values_round_trip() -> None:
    for target in ({"election": ELECTION, "candidate": 2}, {"party": "PKN"}, None):
        assert decode_target(encode_target(target)) == target


def test_a_corrected_side_reaches_the_training_examples(engine: Engine) -> None:
    with Session(engine) as s:
        _registry(s)
        attack = make_case(s, post=make_post(s, text="Jangan sampai Teguh menang, korupsi semua"))  # model: dukungan
        party_post = make_case(s, post=make_post(s, text="Salam dari acara keluarga, Teguh kakak saya"))
        kept = make_case(s, post=make_post(s, text="Coblos nomor 1"))
        first, second = _reviewers(s)
        for v in (first, second):
            act.confirm(s, v, attack.id, category="disiplin", reason="menyerang calon no. 2",
                        label="serangan", target=f"c:{ELECTION}:2")  # fmt: skip
        # dismissed, but the post does take a side: the stance model learns the side, not netral
        act.dismiss(s, first, party_post.id, reason="bukan kewenangan", label="dukungan")
        act.dismiss(s, first, kept.id, reason="bukan ajakan")
        s.commit()
        assert attack.label == "dukungan"  # the case keeps what the model flagged, as evidence
    examples = {e.text: e.label for e in reviewed_examples(engine)}
    assert examples == {
        "Jangan sampai Teguh menang, korupsi semua": "serangan",
        "Salam dari acara keluarga, Teguh kakak saya": "dukungan",
        "Coblos nomor 1": "netral",
    }


def test_corrections_are_audited_with_before_and_after(engine: Engine) -> None:
    with Session(engine) as s:
        _registry(s)
        case = make_case(s)
        first, _ = _reviewers(s)
        act.confirm(s, first, case.id, category="kode_etik", reason="r", label="serangan", target=f"c:{ELECTION}:2")
        s.commit()
        entry = s.exec(select(AuditLog).where(AuditLog.action == "case.correct")).one()
        assert entry.object_id == str(case.id) and entry.actor == first.email
        assert entry.details == {
            "label": {"before": "dukungan", "after": "serangan"},
            "target": {
                "before": {"election": ELECTION, "candidate": 1},
                "after": {"election": ELECTION, "candidate": 2},
            },
        }
        action = s.exec(select(ReviewAction).where(ReviewAction.case_id == case.id)).one()
        assert action.details["correction"] == entry.details
        confirm_entry = s.exec(select(AuditLog).where(AuditLog.action == "case.confirm")).one()
        assert confirm_entry.details["correction"] == entry.details


def test_invalid_corrections_are_refused_and_nothing_is_written(engine: Engine) -> None:
    with Session(engine) as s:
        _registry(s)
        case = make_case(s)
        first, _ = _reviewers(s)
        s.commit()
        with pytest.raises(act.ActionError, match="takes a side"):
            act.confirm(s, first, case.id, category="disiplin", reason="r", label="netral")
        with pytest.raises(act.ActionError, match="label must be one of"):
            act.dismiss(s, first, case.id, reason="r", label="positif")
        with pytest.raises(act.ActionError, match="not in the election registry"):
            act.dismiss(s, first, case.id, reason="r", target=f"c:{ELECTION}:9")
        s.rollback()
        assert s.exec(select(ReviewAction)).all() == []
        assert s.exec(select(AuditLog).where(col(AuditLog.action).in_(("case.correct", "case.confirm")))).all() == []
        # unchanged values are no correction at all
        act.confirm(s, first, case.id, category="disiplin", reason="r", label="dukungan", target=f"c:{ELECTION}:1")
        assert "correction" not in s.exec(select(ReviewAction)).one().details


def test_the_case_page_offers_corrections_and_shows_them_in_the_history(engine: Engine) -> None:
    world = seed_world(engine, n_cases=1)
    with Session(engine) as s:
        _registry(s)
        s.commit()
    case_id = world.cases_a[0]
    client = login(make_client(engine), world.emails["sup_a"])
    form = BeautifulSoup(client.get(f"/cases/{case_id}").text, "html.parser").select_one("#form-confirm")
    options = {o["value"]: o.text for o in form.select('select[name="correct_target"] option')}
    assert options[f"c:{ELECTION}:2"] == "calon no. 2 Teguh Santosa–Rina Marlina (Pilwalkot Harapan Jaya 2024)"
    assert {o["value"] for o in form.select('select[name="correct_label"] option')} == {
        "",
        "dukungan",
        "serangan",
        "netral",
    }
    data = {"csrf_token": csrf_of(client, f"/cases/{case_id}"), "category": "disiplin", "reason": "menyerang",
            "correct_label": "serangan", "correct_target": f"c:{ELECTION}:2"}  # fmt: skip
    assert client.post(f"/cases/{case_id}/confirm", data=data).status_code == 303
    history = BeautifulSoup(client.get(f"/cases/{case_id}").text, "html.parser").select_one("[data-correction]").text
    assert "label Dukungan → Serangan" in history
    assert "calon no. 1 Andi Wijaya–Sari Dewi (Pilwalkot Harapan Jaya 2024) → calon no. 2 Teguh Santosa" in history
    with Session(engine) as s:
        assert s.get(Case, case_id).status == "awaiting_second"


def test_the_api_takes_corrections_too(engine: Engine) -> None:
    world = seed_world(engine, n_cases=1)
    case_id = world.cases_a[0]
    client = make_client(engine)
    auth = (world.emails["sup_a"], PASSWORD)
    body = {"reason": "dukungan untuk partai, bukan ajakan", "correct_label": "dukungan", "correct_target": "none"}
    bad = client.post(
        f"/api/cases/{case_id}/confirm", json={"reason": "r", "category": "disiplin", "correct_label": "x"}, auth=auth
    )
    assert bad.status_code == 409 and "label must be one of" in bad.text
    assert client.post(f"/api/cases/{case_id}/dismiss", json=body, auth=auth).status_code == 200
    with Session(engine) as s:
        action = s.exec(select(ReviewAction).where(ReviewAction.case_id == case_id)).one()
        assert action.details["correction"]["target"]["after"] is None
        assert action.details["training_label"] == "dukungan"
