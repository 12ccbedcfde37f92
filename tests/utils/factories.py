"""Factories for test data: `make_x(session, **overrides)` adds, flushes and returns one row."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from monitor.models import Account, Agency, Asn, Case, Election, Post, Score, User

_seq = itertools.count(1)


def make_nip(n: int | None = None, gender: int = 1) -> str:
    """A valid NIP: born 1985-03-12, appointed 2010-01, gender digit, 3-digit sequence."""
    n = next(_seq) if n is None else n
    return f"19850312201001{gender}{n % 1000:03d}"


def _add(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def make_agency(session: Session, **kw: Any) -> Agency:
    n = next(_seq)
    fields = {
        "code": f"AG{n}",
        "name": f"Dinas Uji {n}",
        "region": "Kota Harapan Jaya",
        "ppk_name": "Drs. Budi Santoso",
        "ppk_email": f"ppk{n}@example.go.id",
    } | kw
    return _add(session, Agency(**fields))


def make_asn(session: Session, agency: Agency | None = None, **kw: Any) -> Asn:
    agency = agency or make_agency(session)
    n = next(_seq)
    fields = {
        "nip": f"1985031220100110{n % 100:02d}"[:15] + f"{n % 1000:03d}",
        "name": f"ASN Uji {n}",
        "agency_id": agency.id,
        "unit": "Bidang Umum",
        "position": "Analis",
        "region": "Kota Harapan Jaya",
        "province": "Jawa Barat",
    } | kw
    return _add(session, Asn(**fields))


def make_election(session: Session, **kw: Any) -> Election:
    """The mayoral election of the city the default ASN serves in (kw override any field)."""
    fields = {
        "id": "pilwalkot-harapanjaya-2024",
        "name": "Pilwalkot Harapan Jaya",
        "level": "walikota",
        "region": "Kota Harapan Jaya",
        "province": "Jawa Barat",
        "voting_day": date(2024, 11, 27),
    } | kw
    return _add(session, Election(**fields))


def make_account(session: Session, asn: Asn | None = None, **kw: Any) -> Account:
    asn = asn or make_asn(session)
    n = next(_seq)
    fields = {"asn_id": asn.id, "platform": "bluesky", "handle": f"user{n}.bsky.social"} | kw
    return _add(session, Account(**fields))


def make_post(session: Session, account: Account | None = None, **kw: Any) -> Post:
    account = account or make_account(session)
    n = next(_seq)
    text = kw.pop("text", f"Postingan uji nomor {n}")
    raw = kw.pop("raw_payload", f'{{"id": "{n}", "text": "{text}"}}')
    fields = {
        "account_id": account.id,
        "asn_id": account.asn_id,
        "platform": account.platform,
        "platform_post_id": f"p{n}",
        "url": f"https://example.test/p/{n}",
        "text": text,
        "posted_at": datetime(2024, 11, 1, 8, 0, tzinfo=UTC),
        "raw_payload": raw,
        "payload_sha256": hashlib.sha256(raw.encode()).hexdigest(),
        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "request_url": f"https://example.test/api/{n}",
        "http_status": 200,
    } | kw
    return _add(session, Post(**fields))


def make_score(session: Session, post: Post, **kw: Any) -> Score:
    fields = {
        "post_id": post.id,
        "model_version": "test-v1",
        "label": "dukungan",
        "probabilities": {"netral": 0.05, "dukungan": 0.9, "serangan": 0.05},
        "target_election_id": "pilwalkot-harapanjaya-2024",
        "target_candidate_number": 1,
        "spans": [{"start": 0, "end": 5, "weight": 0.8}],
    } | kw
    return _add(session, Score(**fields))


def make_case(session: Session, post: Post | None = None, **kw: Any) -> Case:
    post = post or make_post(session)
    score = kw.pop("score_row", None) or make_score(session, post)
    asn = session.get(Asn, post.asn_id)
    assert asn is not None
    detected = kw.pop("detected_at", datetime.now(UTC))
    fields = {
        "post_id": post.id,
        "asn_id": post.asn_id,
        "agency_id": asn.agency_id,
        "original_key": f"{post.platform}:{post.original_post_id or post.platform_post_id}",
        "score_id": score.id,
        "label": score.label,
        "score": max(score.probabilities.values()),
        "election_id": score.target_election_id,
        "candidate_number": score.target_candidate_number,
        "detected_at": detected,
        "deadline": detected + timedelta(days=7),
    } | kw
    return _add(session, Case(**fields))


def make_user(session: Session, **kw: Any) -> User:
    n = next(_seq)
    fields = {
        "email": f"user{n}@example.go.id",
        "name": f"Pengguna {n}",
        "role": "supervisor",
        "password_hash": "not-a-real-hash",
    } | kw
    return _add(session, User(**fields))
