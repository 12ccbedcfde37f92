"""Subject access (UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi): everything Netra holds on one
ASN, by NIP, in one ZIP that the person can read without Netra.

The ZIP (`asn-<NIP>/`) holds one JSON file per table (`data/<table>.json`, every column as stored), the
audit entries about the ASN, binary columns (forwarded evidence packs) as files of their own under
`lampiran/`, a README in Bahasa Indonesia then English saying what each file holds, and `manifest.sha256`.
Which rows belong to the ASN is read from the schema's foreign keys (`monitor.privacy.subject_rows`). Every export
is recorded in the audit log (`asn.export`) with who asked, why, and the ZIP's SHA-256.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import MetaData
from sqlmodel import Session, SQLModel, col, select

from monitor.audit import record
from monitor.collection.warc import warc_root
from monitor.config import get_settings
from monitor.models import Asn, Post, utcnow
from monitor.privacy.subject_rows import Attachment, audit_entries, mentions, read_rows, rows_where, tables_about_asn
from monitor.privacy.zip_pack import zip_with_manifest
from monitor.registry.nip import NipError, normalise_nip, parse_nip
from monitor.review.evidence.warc import case_warc

__all__ = [
    "DESCRIPTIONS",
    "SubjectError",
    "SubjectExport",
    "check_reason",
    "export_asn",
    "record_export",
    "undescribed_tables",
]

MAX_REASON = 4000

# What each file holds, in Bahasa Indonesia and in English. A table that references the ASN (directly or
# through another) is exported whether listed here or not, but the README must say what it is: a test fails
# for any such table missing here.
DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "asn": (
        "Baris register ASN: NIP, nama, instansi, unit kerja, jabatan, wilayah tugas, status.",
        "The ASN's registry row: NIP, name, agency, unit, position, region served, status.",
    ),
    "agency": (
        "Instansi tempat ASN terdaftar, dengan PPK-nya.",
        "The agency the ASN is registered with, and its PPK.",
    ),
    "account": (
        "Akun media sosial yang didaftarkan atas NIP ini: platform, nama akun, verifikasi, status pengambilan, "
        "kapan dihapus dari pemantauan.",
        "Social-media accounts registered to this NIP: platform, handle, verification, collection status, when "
        "removed from monitoring.",
    ),
    "post": (
        "Unggahan publik yang diambil dari akun-akun tersebut: teks, URL, waktu unggah dan pengambilan, data "
        "mentah (raw_payload) sebagaimana diterima beserta SHA-256-nya.",
        "Public posts collected from those accounts: text, URL, posted and captured times, the raw payload as "
        "received and its SHA-256.",
    ),
    "postversion": (
        "Versi lama unggahan yang kemudian disunting, masing-masing dengan data mentah dan SHA-256-nya.",
        "Earlier versions of posts that were edited later, each with its raw payload and SHA-256.",
    ),
    "score": (
        "Penilaian model untuk tiap versi unggahan: label (netral/dukungan/serangan), probabilitas, sasaran "
        "pemilihan dan calon, frasa penjelas (spans), sebutan calon (mentions), saran kategori SKB.",
        "The model's score of each version of a post: label, probabilities, target election and candidate, "
        "explanation spans, candidate mentions, suggested SKB category.",
    ),
    "case": (
        "Kasus yang dibuka atas unggahan ASN: label, skor, pemilihan, status peninjauan, tenggat.",
        "Cases opened on the ASN's posts: label, score, election, review status, deadline.",
    ),
    "casepost": (
        "Unggahan lain (repost, versi suntingan) yang digabungkan ke kasus tersebut.",
        "Further posts (reposts, edited versions) joined to those cases.",
    ),
    "reviewaction": (
        "Tindakan peninjau atas kasus tersebut: konfirmasi, tolak, klarifikasi (dengan jawaban ASN), "
        "teruskan, tindak lanjut PPK; masing-masing dengan alasannya.",
        "What reviewers did on those cases: confirm, dismiss, clarification (with the ASN's answer), forward, "
        "PPK follow-up; each with its reason.",
    ),
    "forwardedpack": (
        "Paket bukti yang diteruskan ke Bawaslu/BKN, disimpan persis seperti saat diteruskan; isinya (ZIP) ada "
        "di folder lampiran/, SHA-256-nya sama dengan yang tercatat di log audit.",
        "Evidence packs forwarded to Bawaslu/BKN, kept exactly as forwarded; their bytes (ZIP) are under "
        "lampiran/, their SHA-256 is the one recorded in the audit log.",
    ),
    "auditlog": (
        "Entri log audit tentang ASN ini, akunnya dan kasusnya (siapa melakukan apa, kapan), dengan hash rantainya.",
        "Audit log entries about this ASN, their accounts and cases (who did what, when), with their chain hashes.",
    ),
}


class SubjectError(ValueError):
    """The export cannot be made; `indonesian` and `english` say why."""

    def __init__(self, indonesian: str, english: str) -> None:
        super().__init__(f"{indonesian} ({english})")
        self.indonesian, self.english = indonesian, english


def undescribed_tables(metadata: MetaData | None = None) -> list[str]:
    """Tables about an ASN that the README does not describe (should be none)."""
    return [t.name for t in tables_about_asn(metadata or SQLModel.metadata) if t.name not in DESCRIPTIONS]


@dataclass
class SubjectExport:
    nip: str
    name: str
    content: bytes
    sha256: str
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def filename(self) -> str:
        return f"asn-{self.nip}.zip"


def _find(session: Session, nip: str) -> Asn:
    wanted = normalise_nip(nip)
    asn = session.exec(select(Asn).where(Asn.nip == wanted)).first()
    if asn is not None:
        return asn
    try:
        parse_nip(wanted)
    except NipError as exc:
        raise SubjectError(f"NIP {wanted!r} tidak sah", f"invalid NIP: {exc}") from exc
    raise SubjectError(f"Tidak ada ASN terdaftar dengan NIP {wanted}", f"no ASN is registered with NIP {wanted}")


_WARC_ID = (
    "- lampiran/warc/records.warc.gz dan lampiran/warc/index.json: respons platform sebagaimana diterima (arsip "
    "WARC, ISO 28500) tempat unggahan-unggahan ini diambil, dengan indeks per versi unggahan; satu respons memuat "
    "seluruh halaman yang dikirim platform."
)
_WARC_EN = (
    "- lampiran/warc/records.warc.gz and lampiran/warc/index.json: the platform's responses as received (WARC, "
    "ISO 28500) these posts came from, indexed per post version; a response holds the whole page the platform sent."
)


MENTIONS = "sebutan"  # data/sebutan/<table>.json: rows of other tables that name the NIP
_MENTIONS_TEXT = (
    "Baris tabel lain yang menyebut NIP ini tanpa terhubung ke data ASN (misalnya laporan impor register).",
    "Rows of other tables that name this NIP without being linked to the ASN's data (e.g. a registry import's report).",
)


def _readme(
    asn: Asn, rows: dict[str, int], attachments: list[Attachment], warc: bool, actor: str, now: datetime
) -> str:
    files = [(f"data/{t}.json", DESCRIPTIONS.get(t, _MENTIONS_TEXT), n) for t, n in rows.items()]
    id_lines = [f"- {name} ({n} baris): {text_id}" for name, (text_id, _), n in files]
    en_lines = [f"- {name} ({n} rows): {text_en}" for name, (_, text_en), n in files]
    if attachments:
        id_lines.append(f"- lampiran/ ({len(attachments)} berkas): isi kolom biner, dirujuk dari berkas data.")
        en_lines.append(f"- lampiran/ ({len(attachments)} files): binary column values, referred to by the data.")
    if warc:
        id_lines.append(_WARC_ID)
        en_lines.append(_WARC_EN)
    return "\n".join(
        [
            "EKSPOR DATA PRIBADI ASN (AKSES SUBJEK DATA, UU NO. 27 TAHUN 2022 TENTANG PELINDUNGAN DATA PRIBADI)",
            "",
            f"NIP: {asn.nip}",
            f"Nama: {asn.name}",
            f"Dibuat: {now.isoformat()} (UTC) oleh {actor}",
            "",
            "Arsip ini memuat semua data yang disimpan Netra tentang NIP ini pada saat ekspor. Satu berkas JSON",
            "per tabel; setiap kolom ditulis sebagaimana tersimpan. Teks yang sudah dihapus oleh kebijakan retensi",
            "tertulis null (atau kosong); hash SHA-256-nya tetap ada. Peninjau disebut dengan id pengguna",
            "(user_id), di log audit dengan emailnya.",
            "",
            *id_lines,
            f"- manifest.sha256: SHA-256 setiap berkas. Periksa dengan: cd asn-{asn.nip} && sha256sum -c manifest.sha256",
            "",
            "---- English ----",
            "",
            "PERSONAL DATA EXPORT OF AN ASN (DATA SUBJECT ACCESS, INDONESIAN LAW 27/2022 ON PERSONAL DATA PROTECTION)",
            "",
            f"NIP: {asn.nip}",
            f"Name: {asn.name}",
            f"Made: {now.isoformat()} (UTC) by {actor}",
            "",
            "This archive holds everything Netra keeps about this NIP at the time of the export: one JSON file per",
            "table, each column as stored. Text removed by the retention policy reads null (or empty); its",
            "SHA-256 hashes remain. Reviewers appear by user id (user_id), in the audit log by their email.",
            "",
            *en_lines,
            f"- manifest.sha256: the SHA-256 of every file. Check with: cd asn-{asn.nip} && sha256sum -c manifest.sha256",
            "",
        ]
    )


def export_asn(
    session: Session, nip: str, *, actor: str, now: datetime | None = None, warc_dir: Path | None = None
) -> SubjectExport:
    """Build the ZIP of everything held on `nip`. Raises SubjectError for an unknown or invalid NIP.

    `warc_dir`: the archive of responses as received (default: <NETRA_DATA_DIR>/warc of the settings)."""
    asn = _find(session, nip)
    assert asn.id is not None
    now = now or utcnow()
    connection = session.connection()
    files: dict[str, bytes] = {}
    rows: dict[str, int] = {}
    attachments: list[Attachment] = []
    agency = SQLModel.metadata.tables["agency"]  # not about the person, but where their registry row points
    tables = [("agency", rows_where(connection, agency, agency.c.id == asn.agency_id).rows)]
    for found in read_rows(connection, SQLModel.metadata, asn.id):
        tables.append((found.table, found.rows))
        attachments += found.attachments
    tables.append(("auditlog", audit_entries(connection, SQLModel.metadata, asn.id, asn.nip)))
    exported = {name for name, _ in tables}
    for found in mentions(connection, SQLModel.metadata, asn.nip, exported):
        tables.append((f"{MENTIONS}/{found.table}", found.rows))
        attachments += found.attachments
    for table, table_rows in tables:
        files[f"data/{table}.json"] = json.dumps(table_rows, ensure_ascii=False, indent=2).encode()
        rows[table] = len(table_rows)
    for attachment in attachments:
        files[attachment.name] = attachment.data
    # The responses the posts came from, as received: records copied byte for byte, as in an evidence pack.
    posts = list(session.exec(select(Post).where(Post.asn_id == asn.id).order_by(col(Post.id))))
    warc = case_warc(session, posts, warc_dir or warc_root(get_settings().data_dir)) if posts else {}
    files.update({f"lampiran/{name}": data for name, data in warc.items()})
    files["README.txt"] = _readme(asn, rows, attachments, bool(warc), actor, now).encode()
    content = zip_with_manifest(f"asn-{asn.nip}", files)
    return SubjectExport(asn.nip, asn.name, content, hashlib.sha256(content).hexdigest(), rows)


def check_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise SubjectError("Alasan wajib diisi", "a reason is required")
    if len(text) > MAX_REASON:
        raise SubjectError(
            f"Alasan terlalu panjang (paling banyak {MAX_REASON} karakter)",
            f"the reason is too long (at most {MAX_REASON} characters)",
        )
    return text


def record_export(session: Session, export: SubjectExport, *, actor: str, reason: str, via: str) -> None:
    """The audit entry of one export, in the caller's transaction."""
    details: dict[str, object] = {
        "reason": reason,
        "via": via,
        "sha256": export.sha256,
        "size": len(export.content),
        "rows": export.rows,
    }
    record(session, actor, "asn.export", "asn", export.nip, details)
