"""A reviewer decides on what they saw: a post that joined an undecided case after the case page was
opened is never confirmed or dismissed unseen. The page's action forms carry how many joined posts it
showed (`seen_posts`); a decision made on fewer is refused with a clear message and the case stays open."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine
from sqlmodel import Session, select

from monitor.models import Case, CasePost, CaseStatus, Post, User
from monitor.review import actions as act
from monitor.review.cases import Viewer
from tests.utils.review import login, make_client, seed_world


def join_a_post(engine: Engine, case_id: int) -> None:
    """A repost of the case's original, as `open_new_cases` attaches it."""
    with Session(engine) as s:
        case = s.get(Case, case_id)
        assert case is not None
        original = s.get(Post, case.post_id)
        assert original is not None
        repost = Post(
            account_id=original.account_id, asn_id=original.asn_id, platform=original.platform,
            platform_post_id=f"{original.platform_post_id}-repost", kind="repost",
            original_post_id=original.platform_post_id, text=original.text, posted_at=original.posted_at,
            url=original.url, raw_payload=original.raw_payload, payload_sha256=original.payload_sha256,
        )  # fmt: skip
        s.add(repost)
        s.flush()
        s.add(CasePost(case_id=case_id, post_id=repost.id))  # type: ignore[arg-type]
        s.commit()


def form_fields(page: str, action: str) -> dict[str, str]:
    form = BeautifulSoup(page, "html.parser").select_one(f"#form-{action}")
    assert form is not None
    return {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}


@pytest.mark.parametrize("action", ["dismiss", "confirm"])
def test_a_decision_on_a_page_older_than_a_joined_post_is_refused(sqlite_engine: Engine, action: str) -> None:
    world = seed_world(sqlite_engine)
    case_id = world.cases_a[0]
    client = login(make_client(sqlite_engine), world.emails["sup_a"])
    fields = form_fields(client.get(f"/cases/{case_id}").text, action)
    assert fields["seen_posts"] == "0"
    join_a_post(sqlite_engine, case_id)  # while the reviewer reads the page
    decision = {**fields, "reason": "sudah diperiksa", "category": "disiplin"}
    answer = client.post(f"/cases/{case_id}/{action}", data=decision)
    assert (answer.status_code, answer.headers["location"]) == (303, f"/cases/{case_id}")
    assert "unggahan baru" in client.get(answer.headers["location"]).text  # the message, on the case page
    with Session(sqlite_engine) as s:
        assert s.get(Case, case_id).status == CaseStatus.open  # type: ignore[union-attr]
    fresh = form_fields(client.get(f"/cases/{case_id}").text, action)
    assert fresh["seen_posts"] == "1"  # the reloaded page shows the joined post, and counts it
    client.post(
        f"/cases/{case_id}/{action}", data={**fresh, "reason": "sudah diperiksa", "category": decision["category"]}
    )
    with Session(sqlite_engine) as s:
        assert s.get(Case, case_id).status != CaseStatus.open  # type: ignore[union-attr]


def test_the_service_refuses_a_dismissal_that_saw_fewer_posts(sqlite_engine: Engine) -> None:
    world = seed_world(sqlite_engine)
    case_id = world.cases_a[0]
    join_a_post(sqlite_engine, case_id)
    with Session(sqlite_engine) as s:
        viewer = Viewer.of(s.exec(select(User).where(User.email == world.emails["sup_a"])).one())
        with pytest.raises(act.ActionError, match="joined this case"):
            act.dismiss(s, viewer, case_id, reason="bukan pelanggaran", seen_posts=0)
        assert act.dismiss(s, viewer, case_id, reason="bukan pelanggaran", seen_posts=1).status == "dismissed"
