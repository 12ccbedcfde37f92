"""The dashboard's ISO weeks ("2026-W49") in words: "Mg 49" under a bar, "Minggu 49 · 1–7 Des 2026" in its
tooltip, so that nobody has to know what W49 means."""

from __future__ import annotations

from datetime import date, timedelta

from review_ui.i18n import translate


def _day(lang: str, day: date, *, year: bool) -> str:
    month = translate(lang, f"month_{day.month}")
    if year:
        return translate(lang, "day_month_year", day=day.day, month=month, year=day.year)
    return translate(lang, "day_month", day=day.day, month=month)


def week_names(lang: str, iso_week: str) -> tuple[str, str]:
    """(short, long) names of an ISO week such as "2026-W49"."""
    year, week = iso_week.split("-W")
    monday = date.fromisocalendar(int(year), int(week), 1)
    sunday = monday + timedelta(days=6)
    start = str(monday.day) if monday.month == sunday.month else _day(lang, monday, year=False)
    n = int(week)
    return (
        translate(lang, "week_short", n=n),
        translate(lang, "week_long", n=n, start=start, end=_day(lang, sunday, year=True)),
    )
