"""Indonesian wording for the digest: case statuses, labels, dates."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

STATUS_NAMES = {
    "open": "Baru",
    "awaiting_second": "Menunggu peninjau kedua",
    "clarification": "Klarifikasi",
    "confirmed": "Terkonfirmasi",
    "dismissed": "Tidak terbukti",
    "forwarded": "Diteruskan",
    "closed": "Selesai",
}
LABEL_NAMES = {"dukungan": "Dukungan", "serangan": "Serangan", "netral": "Netral"}
MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
WEEKDAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


def status_name(status: str) -> str:
    return STATUS_NAMES.get(status, status)


def label_name(label: str) -> str:
    return LABEL_NAMES.get(label, label.capitalize())


def long_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def local_time(moment: datetime, tz: str) -> str:
    """'Senin, 25 November 2024 07.00 WIB' (Indonesian writes hours with a dot)."""
    local = moment.astimezone(ZoneInfo(tz))
    return f"{WEEKDAYS[local.weekday()]}, {long_date(local.date())} {local:%H.%M} {local.tzname()}"


def week_span(monday: date, sunday: date) -> str:
    """'18–24 November 2024', '28 Oktober – 3 November 2024', '30 Desember 2024 – 5 Januari 2025'."""
    if monday.year != sunday.year:
        return f"{long_date(monday)} – {long_date(sunday)}"
    if monday.month != sunday.month:
        return f"{monday.day} {MONTHS[monday.month - 1]} – {long_date(sunday)}"
    return f"{monday.day}–{long_date(sunday)}"


def due_text(deadline: datetime, now: datetime) -> str:
    """How a deadline reads next to a case: overdue by how long, or due in how long."""
    seconds = (deadline - now).total_seconds()
    hours = int(abs(seconds) // 3600)
    span = f"{hours // 24} hari" if hours >= 24 else f"{hours} jam" if hours >= 1 else "kurang dari 1 jam"
    return f"terlambat {span}" if seconds < 0 else f"jatuh tempo dalam {span}"
