"""ISO weeks ("2024-W47") as Monday-to-Monday windows in a local timezone (WIB by default)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


class WeekError(ValueError):
    """A week string that is not a valid ISO week such as 2024-W47."""


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        match = _WEEK_RE.match(text.strip())
        if not match:
            raise WeekError(f"{text!r} is not an ISO week; write it like 2024-W47")
        year, week = int(match[1]), int(match[2])
        weeks_in_year = date(year, 12, 28).isocalendar().week  # 28 December is always in the last week
        if not 1 <= week <= weeks_in_year:
            raise WeekError(f"{year} has weeks 1 to {weeks_in_year}; got {text!r}")
        return cls(year, week)

    @classmethod
    def containing(cls, day: date) -> IsoWeek:
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @classmethod
    def last_finished(cls, now: datetime, tz: str) -> IsoWeek:
        """The ISO week before the one `now` falls in, in timezone `tz` (Monday 07:00 WIB -> last week)."""
        return cls.containing(now.astimezone(ZoneInfo(tz)).date()).previous()

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 7)

    def previous(self) -> IsoWeek:
        return IsoWeek.containing(self.monday - timedelta(days=7))

    def bounds(self, tz: str) -> tuple[datetime, datetime]:
        """[start, end) of the week as aware UTC datetimes: local Monday 00:00 to the next Monday 00:00."""
        zone = ZoneInfo(tz)
        start = datetime.combine(self.monday, time(0), tzinfo=zone)
        end = datetime.combine(self.monday + timedelta(days=7), time(0), tzinfo=zone)
        return start.astimezone(UTC), end.astimezone(UTC)
