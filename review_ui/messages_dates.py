"""Page texts for dates: the dashboard's weeks and the months they span. Merged into the catalogue
(review_ui.messages); Indonesian is the reference. review_ui.weeks puts them together."""

from __future__ import annotations

_MONTHS_ID = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

ID: dict[str, str] = {
    "week_short": "Mg {n}",
    "week_long": "Minggu {n} · {start}–{end}",
    "day_month": "{day} {month}",
    "day_month_year": "{day} {month} {year}",
    **{f"month_{i}": name for i, name in enumerate(_MONTHS_ID, start=1)},
}

EN: dict[str, str] = {
    "week_short": "Wk {n}",
    "week_long": "Week {n} · {start}–{end}",
    "day_month": "{day} {month}",
    "day_month_year": "{day} {month} {year}",
    **{f"month_{i}": name for i, name in enumerate(_MONTHS_EN, start=1)},
}
