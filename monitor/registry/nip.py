"""NIP (Nomor Induk Pegawai) validation: 18 digits that encode birth date, appointment month,
gender and a sequence number. Pure functions; the error says which part is wrong and why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class NipParts:
    birth_date: dt.date
    appointment: tuple[int, int]  # (year, month)
    gender: int  # 1 male, 2 female
    sequence: int


class NipError(ValueError):
    pass


def parse_nip(raw: str, today: dt.date | None = None) -> NipParts:
    """Split and check a NIP; raises NipError with a reason an official can act on."""
    nip = raw.strip().replace(" ", "")
    if not nip:
        raise NipError("NIP is empty")
    if not nip.isascii() or not nip.isdigit():
        raise NipError(f"NIP must contain digits only, got {raw!r}")
    if len(nip) != 18:
        raise NipError(f"NIP must have 18 digits, got {len(nip)}")
    try:
        birth = dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise NipError(f"digits 1-8 ({nip[0:8]}) are not a real birth date YYYYMMDD") from None
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12 or year < 1900:
        raise NipError(f"digits 9-14 ({nip[8:14]}) are not a real appointment month YYYYMM")
    if (year, month) < (birth.year, birth.month):
        raise NipError(f"appointment month {year}-{month:02d} is before the birth date {birth.isoformat()}")
    today = today or dt.date.today()
    if birth > today:
        raise NipError(f"birth date {birth.isoformat()} is in the future")
    if (year, month) > (today.year, today.month):
        raise NipError(f"appointment month {year}-{month:02d} is in the future")
    gender = int(nip[14])
    if gender not in (1, 2):
        raise NipError(f"digit 15 (gender) must be 1 or 2, got {gender}")
    sequence = int(nip[15:18])
    if sequence == 0:
        raise NipError("digits 16-18 (sequence) must not be 000")
    return NipParts(birth_date=birth, appointment=(year, month), gender=gender, sequence=sequence)


def normalise_nip(raw: str) -> str:
    return raw.strip().replace(" ", "")
