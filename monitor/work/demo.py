"""`netra demo`: Netra end to end on one machine with no network beyond loopback.

The bundled demo registry and elections are imported, a loopback demo source serves the sample posts in
`demo/posts.yaml` in each platform's own shape (so they travel the real scraper code paths), the default
model is built if missing, one collection and scoring pass runs, cases open, and demo users are made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine
from sqlmodel import Session, select

from classifiers.elections import load_registry
from monitor.auth import create_user, get_user_by_email
from monitor.config import ScraperSettings, Settings
from monitor.db import session_scope
from monitor.models import Account, Agency, Asn, AsnStatus, utcnow
from monitor.registry.csv_import import import_registry_csv
from monitor.registry.elections import import_elections
from scrapers.loopback import LoopbackServer, World

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_PASSWORD = "demo-netra-2026"
# Feed URLs in the demo registry that the loopback source stands in for, and its names for them.
DEMO_FEEDS = {"https://dewiputri.blog.demo/feed.xml": "dewiputri", "https://lilis.blog.demo/feed.xml": "lilis"}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    scope: str


def load_demo_data(engine: Engine) -> None:
    """Import the demo registry and elections (idempotent)."""
    report = import_registry_csv(engine, DEMO_DIR / "registry.csv")
    if report.rejected:
        raise RuntimeError("the bundled demo registry has bad rows: " + report.rejected[0].message())
    with session_scope(engine) as session:
        import_elections(session, load_registry(DEMO_DIR / "elections.yaml"))


def ensure_demo_users(engine: Engine) -> list[DemoLogin]:
    """An admin, an auditor and one supervisor per demo agency, all with the demo password."""
    logins = [
        DemoLogin("admin@netra.demo", "admin", "semua instansi"),
        DemoLogin("auditor@netra.demo", "auditor", "semua instansi (baca saja)"),
    ]
    with session_scope(engine) as session:
        agencies = session.exec(select(Agency).order_by(Agency.code)).all()
        for agency in agencies:
            logins.append(DemoLogin(f"pengawas.{agency.code.lower()}@netra.demo", "supervisor", agency.name))
        for login in logins:
            if get_user_by_email(session, login.email) is not None:
                continue
            agency_code = next((a.code for a in agencies if a.name == login.scope), None)
            name = {"admin": "Admin Demo", "auditor": "Auditor Demo"}.get(login.role, f"Pengawas {agency_code}")
            create_user(session, login.email, name, login.role, agency_code=agency_code,
                        password=DEMO_PASSWORD, actor="netra demo")  # fmt: skip
    return logins


def demo_world(engine: Engine, posts_file: Path = DEMO_DIR / "posts.yaml") -> World:
    """The loopback world: every registered demo account of an active ASN with its sample posts."""
    spec: dict[str, list[dict[str, Any]]] = yaml.safe_load(posts_file.read_text(encoding="utf-8"))
    with Session(engine) as session:
        accounts = session.exec(
            select(Account).join(Asn, Asn.id == Account.asn_id).where(Asn.status == AsnStatus.active)
        ).all()
    world = World()
    by_handle = {a.handle: a for a in accounts}
    now = utcnow().replace(microsecond=0)
    entries = []
    for handle, posts in spec.items():
        account = by_handle.get(handle)
        if account is None:
            continue  # an inactive ASN's account: not collected
        fake = world.add_account(account.platform, _world_name(account.platform, handle))
        entries += [(now - timedelta(hours=p["age_hours"]), fake, p) for p in posts]
    # Post ids ascend with time across the whole source, as on real platforms.
    for created_at, fake, post in sorted(entries, key=lambda e: e[0]):
        added = world.add_post(fake, post["text"], kind=post.get("kind", "post"))
        added.created_at = created_at
    return world


def _world_name(platform: str, handle: str) -> str:
    return DEMO_FEEDS[handle] if platform == "rss" else handle


def demo_scraper_settings(settings: Settings, server: LoopbackServer) -> Settings:
    """Settings whose scrapers read the loopback demo source instead of the real platforms."""
    overrides = server.scraper_settings() | {
        "url_rewrites": {url: f"{server.url}/feeds/{name}.xml" for url, name in DEMO_FEEDS.items()},
        "requests_per_second_per_host": 50.0,
        "backoff_base_s": 0.1,
    }
    scrapers = ScraperSettings.model_validate(settings.scrapers.model_dump() | overrides)
    return settings.model_copy(update={"scrapers": scrapers})
