"""The ASN's region sets priority, never whether a case exists: each case records whether its election
is held where the ASN serves (`Case.in_asn_region`), and the queue, the CSV export and the API filter on
it (`region=own|other|unknown`). Every case stays under "all regions"."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.script import ScriptDirectory
from bs4 import BeautifulSoup
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from monitor.auth import create_user
from monitor.config import Settings
from monitor.db import MIGRATIONS_DIR, alembic_config, session_scope, upgrade
from monitor.flagging.open_cases import open_new_cases
from monitor.models import Case, User
from monitor.review.cases import CaseFilters, Viewer, queue
from tests.utils.factories import make_account, make_asn, make_election, make_post, make_score
from tests.utils.review import PASSWORD, login, make_client

SETTINGS = Settings(_env_file=None)
NOW = datetime(2024, 11, 20, 2, 0, tzinfo=UTC)
ADMIN = "admin@example.go.id"
ELSEWHERE = "pilbup-sukamaju-2024"


def three_cases(engine: Engine) -> dict[str, int]:
    """An ASN of Kota Harapan Jaya with three flagged posts: for its own mayoral election, for a regency's
    election in another province, and with no election resolved. Returns the post ids by kind."""
    with session_scope(engine) as s:
        make_election(s)  # Kota Harapan Jaya, Jawa Barat: where the ASN serves
        make_election(s, id=ELSEWHERE, name="Pilbup Sukamaju", level="bupati", region="Kabupaten Sukamaju",
                      province="Jawa Tengah")  # fmt: skip
        create_user(s, ADMIN, "Admin", "admin", password=PASSWORD)
        asn = make_asn(s)
        ids = {}
        for kind, election in (("own", "pilwalkot-harapanjaya-2024"), ("other", ELSEWHERE), ("unknown", None)):
            post = make_post(s, make_account(s, asn), text=f"Ayo dukung nomor 1 ({kind})")
            make_score(s, post, target_election_id=election, target_candidate_number=1 if election else None,
                       probabilities={"netral": 0.01, "dukungan": 0.99, "serangan": 0.0})  # fmt: skip
            ids[kind] = post.id
    assert open_new_cases(engine, SETTINGS, now=NOW).opened == 3  # the other region's post opens a case too
    return ids  # type: ignore[return-value]


def test_each_case_records_whether_its_election_is_the_asns(engine: Engine) -> None:
    posts = three_cases(engine)
    with Session(engine) as s:
        by_post = {c.post_id: c.in_asn_region for c in s.exec(select(Case))}
    assert by_post == {posts["own"]: True, posts["other"]: False, posts["unknown"]: None}


def test_the_queue_filters_by_region_and_all_regions_holds_every_case(engine: Engine) -> None:
    posts = three_cases(engine)
    with Session(engine) as s:
        admin = Viewer.of(s.exec(select(User).where(User.email == ADMIN)).one())
        post_of = {c.id: c.post_id for c in s.exec(select(Case))}

        def shown(region: str | None) -> list[int]:
            return sorted(post_of[r.id] for r in queue(s, admin, CaseFilters(region=region)).rows)  # type: ignore[arg-type]

        assert shown(None) == sorted(posts.values())
        for kind in ("own", "other", "unknown"):
            assert shown(kind) == [posts[kind]]


def test_the_page_offers_region_tabs_and_the_api_refuses_an_unknown_region(sqlite_engine: Engine) -> None:
    posts = three_cases(sqlite_engine)
    client = login(make_client(sqlite_engine), ADMIN)
    page = BeautifulSoup(client.get("/cases?region=other").text, "html.parser")
    tabs = {a["data-region"]: a for a in page.select("#region-tabs a[data-region]")}
    assert set(tabs) == {"own", "other", "unknown"} and "on" in tabs["other"]["class"]
    assert "Di luar wilayah ASN" in tabs["other"].text
    assert "setiap pemilu" in page.select_one("#region-note").text  # elsewhere is still a violation
    assert len(page.select("tr.row")) == 1
    assert page.select_one("tr.row .elsewhere").text == "Di luar wilayah ASN"  # the row says so too
    api = client.get("/api/cases", params={"region": "own", "status": "all"})
    assert api.status_code == 200
    with Session(sqlite_engine) as s:
        own_case = s.exec(select(Case.id).where(Case.post_id == posts["own"])).one()
    assert [(c["id"], c["in_asn_region"]) for c in api.json()["items"]] == [(own_case, True)]
    assert client.get("/api/cases", params={"region": "mine"}).status_code in (400, 422)
    assert client.get("/cases", params={"region": "mine"}).status_code == 400
    csv = client.get("/cases.csv", params={"region": "unknown", "status": "all"}).text
    assert csv.count("\n") == 2  # the header and the one case whose election was not resolved


def test_the_migration_fills_in_cases_opened_before_it(sqlite_engine: Engine) -> None:
    posts = three_cases(sqlite_engine)
    mine = ScriptDirectory(str(MIGRATIONS_DIR)).get_revision("a17b3e2d9c50")
    assert mine is not None
    with sqlite_engine.begin() as connection:  # the database as it was before this revision
        connection.execute(text('ALTER TABLE "case" DROP COLUMN in_asn_region'))
    command.stamp(alembic_config(sqlite_engine), str(mine.down_revision))
    upgrade(sqlite_engine, mine.revision)
    with Session(sqlite_engine) as s:
        by_post = {c.post_id: c.in_asn_region for c in s.exec(select(Case))}
    assert by_post == {posts["own"]: True, posts["other"]: False, posts["unknown"]: None}
