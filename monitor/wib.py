"""Moments as Western Indonesian Time (WIB, UTC+7), which is what officials read, everywhere Netra shows one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["WIB", "wib"]

WIB = timedelta(hours=7)  # Indonesia has kept UTC+7 in Jakarta since 1964: a fixed offset, no tz database needed


def wib(value: datetime | None) -> str:
    """ "%d-%m-%Y %H:%M WIB", or "-" for no moment.

    Formatted by hand: `strftime` took twice as long, and a queue or case page shows 50-100 of these.
    """
    if value is None:
        return "-"
    local = (value if value.tzinfo is UTC else value.astimezone(UTC)) + WIB
    return f"{local.day:02d}-{local.month:02d}-{local.year} {local.hour:02d}:{local.minute:02d} WIB"
