"""Suggest which kind of neutrality violation (SKB on ASN neutrality) a flagged post may be.

A suggestion for the reviewer, never a verdict: pure function of the post kind, the label and cues.
"""

from __future__ import annotations

import re

CALL_TO_VOTE = re.compile(r"(?i)\b(coblos|nyoblos|pilih|milih|contreng|menangkan|vote)\b")
CAMPAIGN_ATTRIBUTE = re.compile(
    r"(?i)(#\w+|\bbaliho\b|\bposter\b|\bstiker\b|\bkaos\b|\batribut\b|[☝✌🤟]|\bsalam \w+ jari\b)"
)
EVENT = re.compile(r"(?i)\b(kampanye|deklarasi|posko|konvoi|rapat tim|relawan|jalan sehat)\b")

CATEGORIES = {
    "ajakan_memilih": "Mengajak memilih / tidak memilih peserta pemilihan",
    "atribut_kampanye": "Memasang/menyebarkan atribut, alat peraga atau simbol kampanye (termasuk pose jari)",
    "hadir_kampanye": "Menghadiri / mengikuti kegiatan kampanye atau deklarasi",
    "membagikan_konten": "Membagikan (share/repost) konten kampanye peserta pemilihan",
    "komentar_dukungan": "Memberikan dukungan di media sosial (posting, komentar, like)",
    "kampanye_hitam": "Menyerang / mendiskreditkan peserta pemilihan di media sosial",
}

# The rule each category breaks, as the reviewer cites it; checked against the sources in docs/legal_basis.md
# (keep the two in step). SKB 2/2022 (joint decree on guiding and supervising ASN neutrality in elections)
# lists the forbidden acts in its Lampiran II. An article of PP 94/2021 (civil servants' discipline) is named
# only where its words name the act: Pasal 5 huruf n angka 1 "ikut kampanye", angka 6 "mengadakan kegiatan
# yang mengarah kepada keberpihakan ... meliputi pertemuan, ajakan, himbauan, seruan ...". Posting, sharing,
# commenting, showing campaign attributes or poses in a post, and attacking a candidate are acts the SKB lists
# but no angka of Pasal 5 huruf n names (angka 2 is wearing attributes *at* a campaign), so they cite the SKB
# alone rather than an angka no source ties them to.
# The one place this mapping lives: the pages, the reason line and the API read it from here.
SKB_ATTACHMENT = "SKB 2/2022 Lampiran II"
ARTICLES = {
    "ajakan_memilih": "SKB 2/2022; PP 94/2021 Pasal 5 huruf n angka 6",
    "atribut_kampanye": SKB_ATTACHMENT,
    "hadir_kampanye": "SKB 2/2022; PP 94/2021 Pasal 5 huruf n angka 1",
    "membagikan_konten": SKB_ATTACHMENT,
    "komentar_dukungan": SKB_ATTACHMENT,
    "kampanye_hitam": SKB_ATTACHMENT,
}


def cues(text: str) -> dict[str, bool]:
    return {
        "call_to_vote": bool(CALL_TO_VOTE.search(text)),
        "campaign_attribute": bool(CAMPAIGN_ATTRIBUTE.search(text)),
        "event_attendance": bool(EVENT.search(text)),
    }


def suggest_category(post_kind: str, label: str, found: dict[str, bool]) -> str | None:
    """The SKB category key a reviewer should consider first, or None for `netral`."""
    if label == "netral":
        return None
    if label == "serangan":
        return "ajakan_memilih" if found.get("call_to_vote") else "kampanye_hitam"
    if found.get("event_attendance"):
        return "hadir_kampanye"
    if found.get("call_to_vote"):
        return "ajakan_memilih"
    if post_kind in {"repost", "quote"}:
        return "membagikan_konten"
    if found.get("campaign_attribute"):
        return "atribut_kampanye"
    return "komentar_dukungan"
