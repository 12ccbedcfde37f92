"""F16: retention purges every copy of a text when its window ends (hashes kept): the post's text, quoted text
and payload, its earlier versions, and the words its scores quote (spans, mentions); a dismissed case keeps
its posts only `retention_dismissed_days` after the dismissal; other people's posts that a Bluesky reply
brings along (parent, root) are kept only as the context of a case, and go with it."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text, update
from sqlmodel import Session, SQLModel, col, select

from monitor.collection.store import store_result
from monitor.config import Settings
from monitor.db import MIGRATIONS_DIR, alembic_config, upgrade
from monitor.models import Case, CasePost, CaseStatus, Post, PostVersion, ReviewAction, Score, utcnow
from monitor.privacy import retention
from monitor.privacy.retention import purge_expired_text
from monitor.review import actions as act
from monitor.review.cases import Viewer
from scrapers.base import FetchResult
from scrapers.bluesky import to_post
from tests.utils.factories import make_account, make_asn, make_case, make_post, make_score, make_user

FIXTURE = Path(__file__).parent / "fixtures/platforms/bluesky/getAuthorFeed_page.json"
PARENT_WORDS = "Your buddy looks very happy"  # a third party's post that the ASN's reply answers
PARENT_AUTHOR = "placeholder.bsky.social"
OTHER_PARENT = "It begins"  # another third party's post, answered by a reply that is in a case
NEAR_MISS_PASSED = timedelta(days=15)  # the near-miss window (14 days) has passed since the score


def _settings(**kw: Any) -> Settings:
    return Settings(_env_file=None, **kw)  # type: ignore[call-arg]


def _anywhere(engine: Engine, phrase: str) -> list[str]:
    """Every place in the database that still holds `phrase`: each text and JSON column of every table, and
    the files inside stored ZIPs (forwarded packs)."""
    found = []
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                for column, value in row._mapping.items():
                    if isinstance(value, bytes) and value.startswith(b"PK"):
                        with zipfile.ZipFile(io.BytesIO(value)) as archive:
                            content = " ".join(archive.read(n).decode(errors="replace") for n in archive.namelist())
                    elif isinstance(value, dict | list):
                        content = json.dumps(value, ensure_ascii=False)
                    else:
                        content = str(value)
                    if phrase in content:
                        found.append(f"{table.name}.{column}")
    return found


def _admin(s: Session) -> Viewer:
    return Viewer.of(make_user(s, role="admin"))


def _dismiss(s: Session, viewer: Viewer, case: Case, at: datetime) -> None:
    assert case.id is not None
    act.dismiss(s, viewer, case.id, reason="bukan ajakan memilih")
    s.execute(update(ReviewAction).where(col(ReviewAction.case_id) == case.id).values(created_at=at))


def test_every_copy_of_an_expired_post_is_purged(engine: Engine) -> None:
    now = utcnow()
    words = "Coblos Bang Andi nomor satu"
    with Session(engine, expire_on_commit=False) as s:
        payload = json.dumps({"uri": "at://x/1", "record": {"text": words}, "embed": {"record": {"text": "kutip"}}})
        post = make_post(
            s, text=words, raw_payload=payload, quoted_text="kutip", captured_at=now - timedelta(days=91),
            scored_version="v1", version=2,
        )  # fmt: skip
        s.add(
            PostVersion(
                post_id=post.id, version=1, text=f"{words}!", raw_payload=json.dumps({"text": f"{words}!"}),
                payload_sha256="a" * 64, captured_at=now - timedelta(days=92),
            )
        )  # fmt: skip
        for version in (1, 2):
            make_score(
                s, post, post_version=version, flag_checked_at=now, label="netral",
                spans=[{"start": 7, "end": 16, "text": "Bang Andi", "weight": 0.7}],
                mentions=[{"start": 7, "end": 16, "text": "Bang Andi", "kind": "alias", "marker": "[CALON-A]"}],
            )  # fmt: skip
        s.commit()
        hashes = (post.payload_sha256, post.text_sha256)
    assert _anywhere(engine, "Bang Andi")  # before: in the post, its version, its payloads and its scores

    summary = purge_expired_text(engine, _settings(), now=now)

    assert _anywhere(engine, "Bang Andi") == [] and _anywhere(engine, "kutip") == []
    assert (summary.posts, summary.versions, summary.scores) == (1, 1, 2)
    with Session(engine) as s:
        row = s.get(Post, post.id)
        assert row is not None and (row.payload_sha256, row.text_sha256) == hashes and row.text_purged_at == now
        spans = [sc.spans + sc.mentions for sc in s.exec(select(Score).where(Score.post_id == post.id))]
    # The offsets and kinds stay: what the model pointed at can still be told, not what it said.
    assert spans[0][0] == {"start": 7, "end": 16, "text": "", "weight": 0.7}
    assert spans[0][1]["marker"] == "[CALON-A]" and spans[0][1]["text"] == ""


def test_dismissed_cases_keep_their_posts_only_for_their_window(engine: Engine) -> None:
    now = utcnow()
    old = now - timedelta(days=400)  # captured long ago: only a case could still keep these
    with Session(engine, expire_on_commit=False) as s:
        admin = _admin(s)
        account = make_account(s)

        def case_of(text: str) -> tuple[Post, Case]:
            post = make_post(s, account, text=text, captured_at=old, scored_version="v1")
            score = make_score(s, post, flag_checked_at=old)
            return post, make_case(s, post, score_row=score)

        expired, expired_case = case_of("dukung paslon satu, ditolak lama")
        joined = make_post(s, account, text="repost ditolak lama", kind="repost", captured_at=old, scored_version="v1")
        make_score(s, joined, flag_checked_at=old)
        s.add(CasePost(case_id=expired_case.id, post_id=joined.id))
        recent, recent_case = case_of("dukung paslon satu, ditolak baru")
        confirmed, confirmed_case = case_of("dukung paslon satu, terbukti")
        confirmed_case.status = CaseStatus.confirmed
        both, both_case = case_of("dukung paslon satu, kasus lain masih terbuka")
        open_case = make_case(s, make_post(s, account, scored_version="v1"), original_key="bluesky:lain")
        s.add(CasePost(case_id=open_case.id, post_id=both.id))
        s.commit()
        _dismiss(s, admin, expired_case, now - timedelta(days=181))
        _dismiss(s, admin, both_case, now - timedelta(days=181))
        _dismiss(s, admin, recent_case, now - timedelta(days=10))
        s.commit()

    summary = purge_expired_text(engine, _settings(), now=now)  # the default window: 180 days

    assert _anywhere(engine, "ditolak lama") == []
    assert (summary.posts, summary.dismissed) == (2, 2)
    with Session(engine) as s:
        for kept in (recent, confirmed, both):
            row = s.get(Post, kept.id)
            assert row is not None and row.text and row.text_purged_at is None, row
        gone = s.get(Post, expired.id)
        assert gone is not None and gone.text is None and s.get(Case, expired_case.id) is not None  # the case stays

    shorter = purge_expired_text(engine, _settings(retention_dismissed_days=7), now=now)
    assert shorter.posts == 1 and _anywhere(engine, "ditolak baru") == []
    assert _anywhere(engine, "terbukti") and _anywhere(engine, "kasus lain masih terbuka")


def _store(engine: Engine, account_id: int, items: list[dict[str, Any]]) -> None:
    store_result(engine, account_id, FetchResult(posts=[to_post(i) for i in items]), advance_cursor=False)


def _mark_scored(engine: Engine, checked: bool = True) -> None:
    """The scorer and the flag rules have looked at every stored version: netral, no case."""
    with Session(engine) as s:
        for post in s.exec(select(Post).where(col(Post.scored_version).is_(None))):
            post.scored_version = "v1"
            s.add(post)
            make_score(
                s, post, post_version=post.version, label="netral", flag_checked_at=utcnow() if checked else None
            )
        s.commit()


def test_third_party_thread_context_is_kept_only_with_a_case(engine: Engine) -> None:
    feed = json.loads(FIXTURE.read_text())["feed"]
    reply, reply_in_case = feed[1], feed[4]  # the ASN's replies to other people's posts
    author = reply["post"]["author"]
    with Session(engine, expire_on_commit=False) as s:
        account = make_account(s, make_asn(s), handle=author["handle"], platform_user_id=author["did"])
        s.commit()
    _store(engine, account.id, [reply, reply_in_case])  # type: ignore[arg-type]
    _mark_scored(engine)
    with Session(engine, expire_on_commit=False) as s:
        in_case = s.exec(select(Post).where(Post.platform_post_id == reply_in_case["post"]["uri"])).one()
        case = make_case(s, in_case, score_row=s.exec(select(Score).where(Score.post_id == in_case.id)).one())
        s.commit()
    assert _anywhere(engine, PARENT_WORDS) == ["post.raw_payload"]
    # Scored within the near-miss window: a reviewer may still open a case by hand, with its context.
    assert purge_expired_text(engine, _settings(), now=utcnow()).contexts == 0
    assert _anywhere(engine, PARENT_WORDS) == ["post.raw_payload"]

    summary = purge_expired_text(engine, _settings(), now=utcnow() + NEAR_MISS_PASSED)

    assert _anywhere(engine, PARENT_WORDS) == [] and _anywhere(engine, PARENT_AUTHOR) == []
    assert (summary.contexts, summary.posts) == (1, 0)
    with Session(engine) as s:
        mine = s.exec(select(Post).where(Post.platform_post_id == reply["post"]["uri"])).one()
        payload = json.loads(mine.raw_payload)
        kept_case = s.get(Post, in_case.id)
        assert kept_case is not None
    # The ASN's own words stay for the usual window; the thread is still pointed at, not quoted.
    assert mine.text == "Thx, yes he is! 😆" and payload["post"]["record"]["text"] == mine.text
    assert payload["reply"]["parent"] == {k: reply["reply"]["parent"][k] for k in ("uri", "cid")}
    assert mine.context_purged_version == 1 and mine.text_purged_at is None
    assert OTHER_PARENT in kept_case.raw_payload  # the context of a case stays with the case

    # An edit brings the context back with the new payload: cut again once the new version is judged.
    edited = json.loads(json.dumps(reply))
    edited["post"]["record"]["text"] = "Thx, yes he is! (disunting)"
    _store(engine, account.id, [edited])  # type: ignore[arg-type]
    assert _anywhere(engine, PARENT_WORDS) == ["post.raw_payload"]
    _mark_scored(engine, checked=False)
    assert purge_expired_text(engine, _settings(), now=utcnow() + NEAR_MISS_PASSED).contexts == 0  # may still flag
    with Session(engine) as s:
        s.execute(update(Score).values(flag_checked_at=utcnow()))
        s.commit()
    assert purge_expired_text(engine, _settings(), now=utcnow() + NEAR_MISS_PASSED).contexts == 1
    assert _anywhere(engine, PARENT_WORDS) == []

    # The case is dismissed and its window ends: the context goes with the case's own text.
    later = utcnow() + timedelta(days=400)
    with Session(engine) as s:
        _dismiss(s, _admin(s), s.get(Case, case.id), later - timedelta(days=181))  # type: ignore[arg-type]
        s.commit()
    assert purge_expired_text(engine, _settings(), now=later).dismissed == 1
    assert _anywhere(engine, OTHER_PARENT) == [] and _anywhere(engine, "black color lipstick") == []


def test_upgrade_clears_the_words_left_in_scores_of_posts_purged_before(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as s:
        purged = make_post(s, text="Bang Andi hebat", text_purged_at=utcnow(), scored_version="v1")
        purged.text = None  # purged by retention before this revision: its scores kept the words
        live = make_post(s, text="Bang Andi hebat", scored_version="v1")
        spans = [{"start": 0, "end": 9, "text": "Bang Andi", "weight": 0.5}]
        make_score(s, purged, spans=spans, mentions=spans)
        make_score(s, live, spans=spans, mentions=spans)
        s.commit()
    mine = ScriptDirectory(str(MIGRATIONS_DIR)).get_revision("f16a2c9d7e41")
    assert mine is not None
    # The database as it was before this revision (a downgrade would rebuild `post` under its foreign keys).
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE post DROP COLUMN context_purged_version"))
    command.stamp(alembic_config(engine), str(mine.down_revision))
    upgrade(engine, mine.revision)  # this revision only: later ones found their columns already there
    with Session(engine) as s:
        scores = {sc.post_id: sc for sc in s.exec(select(Score))}
    assert scores[purged.id].spans[0]["text"] == "" and scores[purged.id].mentions[0]["text"] == ""
    assert scores[live.id].spans == spans  # a post still holding its text keeps its explanation


def test_the_dismissed_window_is_a_setting(monkeypatch: Any) -> None:
    monkeypatch.setenv("NETRA_RETENTION_DISMISSED_DAYS", "30")
    assert _settings().retention_dismissed_days == 30


def test_an_edit_stored_while_retention_runs_waits_for_its_own_score(engine: Engine, monkeypatch: Any) -> None:
    """The collector stores an edit between retention's choice of a post and its purge: the new text is kept
    (it has not been scored, it may be a violation) and its payload is not overwritten by the old one."""
    now = utcnow()
    with Session(engine, expire_on_commit=False) as s:
        post = make_post(s, text="teks lama", captured_at=now - timedelta(days=91), scored_version="v1")
        make_score(s, post, flag_checked_at=now, label="netral")
        s.commit()
    choose = retention._expired_ids

    def chosen_then_edited(session: Session, *args: Any) -> list[int]:
        ids = choose(session, *args)
        if ids:
            with Session(engine) as collector:  # another process, committing first
                row = collector.get(Post, post.id)
                assert row is not None
                row.text, row.raw_payload, row.version, row.scored_version = (
                    "teks baru",
                    '{"text":"teks baru"}',
                    2,
                    None,
                )
                collector.add(row)
                collector.commit()
        return ids

    monkeypatch.setattr(retention, "_expired_ids", chosen_then_edited)
    assert purge_expired_text(engine, _settings(), now=now).posts == 0
    with Session(engine) as s:
        row = s.get(Post, post.id)
        assert row is not None and row.text == "teks baru" and row.raw_payload == '{"text":"teks baru"}'
        assert row.text_purged_at is None
