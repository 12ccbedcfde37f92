"""Turn the queue's query string into `CaseFilters` (shared by the page and the API)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import HTTPException
from starlette.datastructures import QueryParams

from monitor.cases import ACTIVE_STATUSES, CaseFilters
from monitor.models import CaseStatus

STATUS_CHOICES = ("active", "all", *(s.value for s in CaseStatus))
SORTS = ("score", "deadline", "date")


def _blank(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def _number(params: QueryParams, key: str, kind: type) -> Any:
    value = _blank(params.get(key))
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError as exc:
        raise HTTPException(400, f"{key} must be a number") from exc


def _day(params: QueryParams, key: str, plus_one: bool = False) -> datetime | None:
    value = _blank(params.get(key))
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise HTTPException(400, f"{key} must be a date (YYYY-MM-DD)") from exc
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=7)  # days start in WIB
    return moment + timedelta(days=1) if plus_one else moment


def parse_filters(params: QueryParams) -> tuple[CaseFilters, str]:
    status = params.get("status") or "active"
    if status not in STATUS_CHOICES:
        raise HTTPException(400, f"status must be one of: {', '.join(STATUS_CHOICES)}")
    statuses = list(ACTIVE_STATUSES) if status == "active" else [] if status == "all" else [CaseStatus(status)]
    sort = params.get("sort") or "score"
    if sort not in SORTS:
        raise HTTPException(400, f"sort must be one of: {', '.join(SORTS)}")
    filters = CaseFilters(
        agency_id=_number(params, "agency", int),
        unit=_blank(params.get("unit")),
        election_id=_blank(params.get("election")),
        candidate_number=_number(params, "candidate", int),
        label=_blank(params.get("label")),
        platform=_blank(params.get("platform")),
        score_min=_number(params, "score_min", float),
        score_max=_number(params, "score_max", float),
        statuses=statuses,
        date_from=_day(params, "from"),
        date_to=_day(params, "to", plus_one=True),
        overdue=params.get("overdue") in ("1", "on", "true"),
        q=_blank(params.get("q")),
        sort=sort,  # type: ignore[arg-type]
    )
    return filters, status
