"""Page texts for reading the model's assessment: the reason line, the marks and their legend, the SKB
categories, reviewers' corrections and the near-miss page. Merged into the catalogue (review_ui.messages);
Indonesian is the reference.
"""

from __future__ import annotations

from monitor.review.violations import CATEGORIES

ID: dict[str, str] = {
    "reason_title": "Mengapa ditandai",
    "legend_title": "Penanda",
    "legend_mention": "Disebut dalam daftar pemilihan (nama, alias, nomor urut, tagar, slogan, partai, warna)",
    "legend_model": "Kata yang menurut model paling menentukan (penjelasan model, bisa keliru)",
    "mention_name": "Nama calon",
    "mention_alias": "Alias calon",
    "mention_number": "Nomor urut dalam konteks pemilihan",
    "mention_finger": "Pose atau emoji jari nomor urut",
    "mention_tagline": "Slogan calon",
    "mention_hashtag": "Tagar kampanye",
    "mention_party": "Partai",
    "mention_party_number": "Nomor urut partai",
    "mention_colour": "Warna kampanye",
    "mention_region": "Daerah pemilihan",
    **{f"skb_{key}": text for key, text in CATEGORIES.items()},
    "skb_with_article": "{name} ({article})",
    "why_ajakan_memilih": "Ajakan memilih {target}",
    "why_ajakan_memilih_serangan": "Ajakan tidak memilih {target}",
    "why_atribut_kampanye": "Atribut kampanye {target}",
    "why_hadir_kampanye": "Hadir di kegiatan kampanye {target}",
    "why_membagikan_konten": "Membagikan konten kampanye {target}",
    "why_komentar_dukungan": "Dukungan untuk {target}",
    "why_kampanye_hitam": "Serangan terhadap {target}",
    "why_dukungan": "Dukungan untuk {target}",
    "why_serangan": "Serangan terhadap {target}",
    "why_netral": "Netral menurut model; menyebut {target}",
    "target_candidate": "calon no. {n} {names} ({election})",
    "target_candidate_unnamed": "calon no. {n} ({election})",
    "target_election": "peserta {election}",
    "target_party": "partai {party}",
    "no_target": "sasaran tidak diketahui",
    "score_text": "skor {score}",
    "correct_legend": "Koreksi penilaian model (boleh dikosongkan)",
    "correct_label": "Label yang benar",
    "correct_target": "Sasaran yang benar",
    "correct_keep": "(sesuai penilaian model)",
    "correct_no_target": "Tidak ada sasaran",
    "correction": "Koreksi",
    "correction_label": "label {before} → {after}",
    "correction_target": "sasaran {before} → {after}",
    "opened_by_hand": "dibuka manual dari halaman Hampir ditandai",
    "nav_near_misses": "Hampir ditandai",
    "near_intro": "Unggahan {days} hari terakhir yang tidak membuka kasus, dengan skor keberpihakan "
    "(P(dukungan) + P(serangan)) di bawah ambang penandaan tetapi sedikitnya {floor}. Periksa sekilas: buka kasus "
    "bila memang memihak (kasus masuk alur dua peninjau dan keputusannya menjadi data pelatihan), atau tandai sudah "
    "diperiksa. Keduanya tercatat di log audit.",
    "near_side_score": "Skor keberpihakan",
    "near_reading": "Bacaan model",
    "near_open": "Buka kasus",
    "near_check": "Sudah diperiksa",
    "near_none": "Tidak ada unggahan yang hampir ditandai.",
    "near_opened": "Kasus #{n} dibuka; kasus ini masuk alur dua peninjau.",
    "near_marked": "Unggahan ditandai sudah diperiksa.",
}

EN: dict[str, str] = {
    "reason_title": "Why it was flagged",
    "legend_title": "Marks",
    "legend_mention": "Named in the election registry (name, alias, ballot number, hashtag, tagline, party, colour)",
    "legend_model": "Words the model found most decisive (the model's explanation; it can be wrong)",
    "mention_name": "Candidate's name",
    "mention_alias": "Candidate's alias",
    "mention_number": "Ballot number in an election context",
    "mention_finger": "Finger pose or emoji of a ballot number",
    "mention_tagline": "Candidate's tagline",
    "mention_hashtag": "Campaign hashtag",
    "mention_party": "Party",
    "mention_party_number": "Party's ballot number",
    "mention_colour": "Campaign colour",
    "mention_region": "Electoral region",
    "skb_ajakan_memilih": "Calling to vote / not to vote for a contestant",
    "skb_atribut_kampanye": "Putting up or spreading campaign attributes, props or symbols (finger poses too)",
    "skb_hadir_kampanye": "Attending or joining a campaign event or declaration",
    "skb_membagikan_konten": "Sharing (reposting) a contestant's campaign content",
    "skb_komentar_dukungan": "Giving support on social media (posts, comments, likes)",
    "skb_kampanye_hitam": "Attacking or discrediting a contestant on social media",
    "skb_with_article": "{name} ({article})",
    "why_ajakan_memilih": "Call to vote for {target}",
    "why_ajakan_memilih_serangan": "Call not to vote for {target}",
    "why_atribut_kampanye": "Campaign attributes of {target}",
    "why_hadir_kampanye": "At a campaign event of {target}",
    "why_membagikan_konten": "Sharing campaign content of {target}",
    "why_komentar_dukungan": "Support for {target}",
    "why_kampanye_hitam": "Attack on {target}",
    "why_dukungan": "Support for {target}",
    "why_serangan": "Attack on {target}",
    "why_netral": "Neutral according to the model; mentions {target}",
    "target_candidate": "candidate no. {n} {names} ({election})",
    "target_candidate_unnamed": "candidate no. {n} ({election})",
    "target_election": "a contestant of {election}",
    "target_party": "party {party}",
    "no_target": "target unknown",
    "score_text": "score {score}",
    "correct_legend": "Correct the model's reading (optional)",
    "correct_label": "Correct label",
    "correct_target": "Correct target",
    "correct_keep": "(as the model read it)",
    "correct_no_target": "No target",
    "correction": "Correction",
    "correction_label": "label {before} → {after}",
    "correction_target": "target {before} → {after}",
    "opened_by_hand": "opened by hand from the Near misses page",
    "nav_near_misses": "Near misses",
    "near_intro": "Posts of the last {days} days that opened no case, whose side score (P(dukungan) + P(serangan)) "
    "is under the flag threshold but at least {floor}. Spot-check them: open a case if the post does take a side "
    "(it enters the two-reviewer flow and its decision becomes training data), or mark it checked. Both are "
    "recorded in the audit log.",
    "near_side_score": "Side score",
    "near_reading": "Model's reading",
    "near_open": "Open a case",
    "near_check": "Checked",
    "near_none": "No near misses.",
    "near_opened": "Case #{n} opened; it enters the two-reviewer flow.",
    "near_marked": "Post marked as checked.",
}

# Service errors (English sentences) in Indonesian.
ERRORS_ID: dict[str, str] = {
    "the label must be one of: dukungan, serangan, netral": "Label harus dukungan, serangan atau netral.",
    "a confirmed violation takes a side: correct the label to dukungan or serangan, or dismiss the case": (
        "Pelanggaran yang dikonfirmasi selalu memihak: koreksi label menjadi dukungan atau serangan, atau tolak kasus."
    ),
    "the target is not in the election registry": "Sasaran tidak ada dalam daftar pemilihan.",
    "this post is already in a case": "Unggahan ini sudah masuk sebuah kasus.",
    "this post is no longer a near miss": "Unggahan ini sudah tidak termasuk hampir ditandai (sudah masuk kasus atau "
    "sudah diperiksa).",
}
