"""ISO weeks and their Monday-to-Monday windows in WIB."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from monitor.digest.week import IsoWeek, WeekError


def test_parse_and_format() -> None:
    week = IsoWeek.parse("2024-W47")
    assert (week.year, week.week, str(week)) == (2024, 47, "2024-W47")
    assert (week.monday, week.sunday) == (date(2024, 11, 18), date(2024, 11, 24))
    assert str(IsoWeek.parse("2020-W53")) == "2020-W53"  # 2020 had 53 ISO weeks


@pytest.mark.parametrize("text", ["2024-47", "2024W47", "2024-W7", "24-W47", "2024-W00", "2024-W53", ""])
def test_bad_weeks_are_refused_with_an_example(text: str) -> None:
    with pytest.raises(WeekError, match=r"2024-W47|weeks 1 to 52"):
        IsoWeek.parse(text)


def test_bounds_are_local_midnights_in_utc() -> None:
    start, end = IsoWeek.parse("2024-W47").bounds("Asia/Jakarta")
    assert start == datetime(2024, 11, 17, 17, 0, tzinfo=UTC)  # Monday 00:00 WIB
    assert end == datetime(2024, 11, 24, 17, 0, tzinfo=UTC)


def test_previous_crosses_years() -> None:
    assert str(IsoWeek.parse("2025-W01").previous()) == "2024-W52"
    assert str(IsoWeek.parse("2021-W01").previous()) == "2020-W53"


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2024, 11, 25, 0, 0, tzinfo=UTC), "2024-W47"),  # Monday 07:00 WIB
        (datetime(2024, 11, 24, 16, 59, tzinfo=UTC), "2024-W46"),  # Sunday 23:59 WIB: W47 not over yet
        (datetime(2024, 11, 24, 17, 0, tzinfo=UTC), "2024-W47"),  # Monday 00:00 WIB
        (datetime(2025, 1, 6, 0, 0, tzinfo=UTC), "2025-W01"),
    ],
)
def test_last_finished_week_in_jakarta(now: datetime, expected: str) -> None:
    assert str(IsoWeek.last_finished(now, "Asia/Jakarta")) == expected
