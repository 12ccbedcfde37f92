"""Helpers for review page tests: a seeded world (two agencies, users of every role, cases) and
logged-in clients through the real app."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from monitor.access.login_throttle import LoginThrottle
from monitor.auth import create_user
from monitor.config import Settings
from review_ui.app import create_app
from tests.utils.factories import make_account, make_agency, make_asn, make_case, make_post, make_score

PASSWORD = "kata-sandi-uji-123"
ROLES = ("admin", "sup_a", "sup_a2", "sup_b", "auditor", "auditor_a")


@dataclass
class World:
    engine: Engine
    agency_a: int
    agency_b: int
    cases_a: list[int]
    cases_b: list[int]
    emails: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)


def seed_world(engine: Engine, *, post_text: str | None = None, asn_name: str | None = None, n_cases: int = 3) -> World:
    with Session(engine, expire_on_commit=False) as s:
        a = make_agency(s, code="DISDIK", name="Dinas Pendidikan Kota Harapan Jaya")
        b = make_agency(s, code="DINKES", name="Dinas Kesehatan Kota Lain")
        ids: dict[str, list[int]] = {"a": [], "b": []}
        for key, agency in (("a", a), ("b", b)):
            for i in range(n_cases):
                asn = make_asn(s, agency, **({"name": asn_name} if asn_name else {}))
                account = make_account(s, asn, platform="bluesky" if i % 2 == 0 else "x")
                text = post_text or f"Ayo dukung paslon nomor 1 di pilkada! ({key}{i})"
                post = make_post(s, account, text=text)
                score = make_score(
                    s,
                    post,
                    probabilities={"netral": 0.1, "dukungan": 0.6 + 0.1 * i, "serangan": 0.0},
                    spans=[{"start": 4, "end": 10, "weight": 0.9}],
                    skb_category="kampanye di media sosial",
                )
                ids[key].append(make_case(s, post, score_row=score, score=round(0.6 + 0.1 * i, 2)).id)
        world = World(engine, a.id, b.id, ids["a"], ids["b"])
        specs = {
            "admin": ("admin", None),
            "sup_a": ("supervisor", "DISDIK"),
            "sup_a2": ("supervisor", "DISDIK"),
            "sup_b": ("supervisor", "DINKES"),
            "auditor": ("auditor", None),
            "auditor_a": ("auditor", "DISDIK"),
        }
        for key, (role, agency_code) in specs.items():
            user = create_user(
                s, f"{key}@example.go.id", f"Pengguna {key}", role, agency_code=agency_code, password=PASSWORD
            )
            world.emails[key] = user.email
            world.user_ids[key] = user.id
        s.commit()
    return world


def make_client(
    engine: Engine,
    throttle: LoginThrottle | None = None,
    *,
    address: str = "testclient",
    **settings: object,
) -> TestClient:
    """A client of a new app on `engine` (another web process, as far as the app can tell), connecting from
    `address`; `settings` override the test defaults (e.g. trusted_proxies, login=LoginSettings(...))."""
    config = Settings(**{"secret_key": "test-secret-key-0123456789", "base_url": "http://testserver"} | settings)
    app = create_app(config, engine, throttle=throttle)
    return TestClient(app, follow_redirects=False, client=(address, 50000))


def csrf_of(client: TestClient, path: str = "/login") -> str:
    html = client.get(path).text
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD) -> TestClient:
    token = csrf_of(client)
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.text
    return client
