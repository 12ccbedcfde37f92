"""The showcase world (tests/utils/review_showcase.py) plus every kind of history a supervisor or an admin can
meet: a case assigned, asked for clarification, answered, confirmed twice with a correction, forwarded and
closed; a case dismissed with a correction; a case opened by hand as a new case linked to a decided one; a
near miss checked and one still listed; an account verified; users created and disabled; an import.
Everything goes through the services the pages use, so the audit log holds what production writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Engine
from sqlmodel import Session, select

from classifiers.elections import parse_registry
from monitor.auth import create_user, disable_user
from monitor.flagging.near_misses import mark_checked, open_by_hand
from monitor.flagging.rules import FlagRules
from monitor.models import Account, Asn, Case, CaseStatus, CollectStatus, Post, Score, User
from monitor.registry.accounts import change_account
from monitor.registry.elections import import_elections
from monitor.review import actions as act
from monitor.review.cases import Viewer
from monitor.review.evidence.forwarded import forward_with_pack
from tests.utils.factories import make_post, make_score
from tests.utils.review_showcase import Showcase, seed_showcase

RULES = FlagRules(operating_threshold=None, untargeted_threshold=None, deadline_days=7)
ELECTIONS_YAML = """
elections:
  - id: pilwalkot-harapanjaya-2024
    name: Pemilihan Wali Kota Harapan Jaya 2024
    level: walikota
    region: Kota Harapan Jaya
    province: Jawa Barat
    voting_day: 2024-11-27
    candidates:
      - number: 1
        names: [Budi Santoso, Rina Wulandari]
        aliases: [BuRi]
      - number: 2
        names: [Sari Indah, Hasan Basri]
"""


@dataclass
class FullHistory:
    showcase: Showcase
    full: int  # every action, from assignment to the PPK's follow-up
    dismissed: int  # dismissed with a correction of label and target
    linked: int  # opened by hand as a new case after `previous` was decided
    previous: int
    nip: str  # the full case's ASN


def _viewer(session: Session, email: str) -> Viewer:
    return Viewer.of(session.exec(select(User).where(User.email == email)).one())


def _near_miss(session: Session, post: Post, dukungan: float, **kw: object) -> Score:
    probabilities = {"netral": round(1 - dukungan, 2), "dukungan": dukungan, "serangan": 0.0}
    fields: dict[str, object] = {
        "label": "netral",
        "probabilities": probabilities,
        "flag_checked_at": datetime.now(UTC),
    }
    return make_score(session, post, **(fields | kw))


def seed_full_history(engine: Engine) -> FullHistory:
    showcase = seed_showcase(engine, cases_per_agency=7)
    with Session(engine, expire_on_commit=False) as s:
        import_elections(s, parse_registry(ELECTIONS_YAML, source="pemilihan.yaml"))
        admin, sup, sup2 = (_viewer(s, showcase.emails[k]) for k in ("admin", "sup_a", "sup_a2"))
        full, dismissed = showcase.open_cases[0], showcase.open_cases[1]
        act.assign(s, admin, full, assignee_id=sup.user_id, reason="Mohon ditinjau minggu ini.")  # type: ignore[arg-type]
        act.request_clarification(s, sup, full, reason="Apakah akun ini milik Saudara?")
        act.answer_clarification(s, sup, full, answer="Benar, akun saya.", reason="Jawaban diterima lewat surat.")
        other_side = "dukungan" if s.get(Case, full).label == "serangan" else "serangan"  # type: ignore[union-attr]
        act.confirm(s, sup, full, category="kode_etik", reason="Ajakan memilih.", note="Ada tangkapan layar.",
                    label=other_side)  # fmt: skip  # a correction of the model's label
        act.confirm(s, sup2, full, category="kode_etik", reason="Setuju, jelas berpihak.")
        forward_with_pack(s, sup2, full, target="bkn", reason="Diteruskan ke BKN sesuai SKB.")
        act.record_followup(s, sup, full, sanctioned=True, decided_on=date(2024, 11, 20), reason="SK teguran.")
        act.dismiss(s, sup, dismissed, reason="Berita, bukan ajakan.", label="netral", target="none")

        previous = s.get(Case, dismissed)
        assert previous is not None and previous.status == CaseStatus.dismissed
        original = s.get(Post, previous.post_id)
        assert original is not None
        account = s.get(Account, original.account_id)
        repost = make_post(s, account, text="Repost: ayo dukung nomor 1!", kind="repost",
                           original_post_id=original.platform_post_id, url="https://x.example/repost/1")  # fmt: skip
        linked = open_by_hand(s, sup, _near_miss(s, repost, 0.74).id, reason="Jelas ajakan.", rules=RULES)  # type: ignore[arg-type]
        checked = _near_miss(s, make_post(s, account, text="Selamat pagi, semangat bekerja."), 0.55)
        mark_checked(s, sup, checked.id, reason="Sapaan biasa.")  # type: ignore[arg-type]
        _near_miss(s, make_post(s, account, text="Nomor 1 memang paling paham kota kita."), 0.7)

        assert account is not None and account.id is not None
        change_account(s, account.id, "verify", reason="Dicocokkan dengan data BKN.", actor=admin.email)
        account.last_status, account.last_collected_at = CollectStatus.rate_limited, datetime.now(UTC)
        s.add(account)
        extra = create_user(s, "tamu@bawaslu.example.go.id", "Tamu Sementara", "auditor", password="kata-sandi-uji-123",
                            actor=admin.email)  # fmt: skip
        disable_user(s, extra.email, actor=admin.email)
        s.commit()
        asn = s.get(Asn, s.get(Case, full).asn_id)  # type: ignore[union-attr]
        assert asn is not None
        return FullHistory(showcase, full, dismissed, linked, dismissed, asn.nip)
