"""NIP rules: 18 digits, real birth date, real appointment month not before birth, gender 1/2."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.registry.nip import NipError, parse_nip

TODAY = dt.date(2026, 11, 23)


def test_valid_nip_is_split_into_its_parts() -> None:
    parts = parse_nip("198503122010012003", today=TODAY)
    assert parts.birth_date == dt.date(1985, 3, 12)
    assert parts.appointment == (2010, 1)
    assert parts.gender == 2
    assert parts.sequence == 3


def test_spaces_are_tolerated() -> None:
    assert parse_nip("19850312 201001 1 003", today=TODAY).gender == 1


@pytest.mark.parametrize(
    ("nip", "reason"),
    [
        ("", "empty"),
        ("19850312201001100", "18 digits, got 17"),
        ("1985031220100110033", "18 digits, got 19"),
        ("19850312201001100A", "digits only"),
        ("１９８５０３１２２０１００１１００３", "digits only"),  # full-width digits
        ("198502302010011003", "birth date"),  # 30 February
        ("198513012010011003", "birth date"),  # month 13
        ("190002292010011003", "birth date"),  # 1900 was not a leap year
        ("198503122010131003", "appointment month"),  # month 13
        ("198503122010001003", "appointment month"),  # month 00
        ("198503121984121003", "before the birth date"),
        ("198503122030011003", "in the future"),
        ("203001012050011003", "in the future"),
        ("198503122010013003", "gender"),
        ("198503122010010003", "gender"),
        ("198503122010011000", "sequence"),
    ],
)
def test_invalid_nips_are_refused_with_a_reason(nip: str, reason: str) -> None:
    with pytest.raises(NipError, match=reason):
        parse_nip(nip, today=TODAY)


def test_leap_day_birth_is_valid() -> None:
    assert parse_nip("200002292020011001", today=TODAY).birth_date == dt.date(2000, 2, 29)


def test_appointment_in_birth_month_is_allowed() -> None:
    assert parse_nip("198503121985031001", today=TODAY).appointment == (1985, 3)
