"""The queue's filters: from the page's form (`parse_filters`) and as the API's typed query parameters
(`api_filters`, documented in OpenAPI), both turned into `CaseFilters` by `make_filters`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

from fastapi import HTTPException, Query, Request
from starlette.datastructures import QueryParams

from monitor.models import CaseStatus
from monitor.review.cases import ACTIVE_STATUSES, CaseFilters

STATUS_CHOICES = ("active", "all", *(s.value for s in CaseStatus))
SORTS = ("score", "deadline", "date")
# Every filter of the queue, by its query parameter name (the page's form and the API use the same).
FILTERS = (
    "status",
    "sort",
    "agency",
    "unit",
    "election",
    "candidate",
    "label",
    "platform",
    "score_min",
    "score_max",
    "from",
    "to",
    "overdue",
    "q",
    "region",
)
REGIONS = ("own", "other", "unknown")

StatusChoice = StrEnum("StatusChoice", {s: s for s in STATUS_CHOICES})  # type: ignore[misc]  # an enum in OpenAPI


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


def _date(params: QueryParams, key: str) -> date | None:
    value = _blank(params.get(key))
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise HTTPException(400, f"{key} must be a date (YYYY-MM-DD)") from exc


def _wib_day_start(day: date | None, plus_one: bool = False) -> datetime | None:
    if day is None:
        return None
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=7)  # days start in WIB
    return moment + timedelta(days=1) if plus_one else moment


def make_filters(
    *,
    status: str = "active",
    sort: str = "score",
    agency: int | None = None,
    unit: str | None = None,
    election: str | None = None,
    candidate: int | None = None,
    label: str | None = None,
    platform: str | None = None,
    score_min: float | None = None,
    score_max: float | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    overdue: bool = False,
    q: str | None = None,
    region: str | None = None,
) -> tuple[CaseFilters, str]:
    """The filters and the status tab; 400 on a status, sort or region that does not exist."""
    region = _blank(region)
    if region is not None and region not in REGIONS:
        raise HTTPException(400, f"region must be one of: {', '.join(REGIONS)}")
    if status not in STATUS_CHOICES:
        raise HTTPException(400, f"status must be one of: {', '.join(STATUS_CHOICES)}")
    if sort not in SORTS:
        raise HTTPException(400, f"sort must be one of: {', '.join(SORTS)}")
    statuses = list(ACTIVE_STATUSES) if status == "active" else [] if status == "all" else [CaseStatus(status)]
    filters = CaseFilters(
        agency_id=agency,
        unit=_blank(unit),
        election_id=_blank(election),
        candidate_number=candidate,
        label=_blank(label),
        platform=_blank(platform),
        score_min=score_min,
        score_max=score_max,
        statuses=statuses,
        date_from=_wib_day_start(date_from),
        date_to=_wib_day_start(date_to, plus_one=True),  # "to" includes its whole day
        overdue=overdue,
        q=_blank(q),
        region=region,  # type: ignore[arg-type]
        sort=sort,  # type: ignore[arg-type]
    )
    return filters, status


def parse_filters(params: QueryParams) -> tuple[CaseFilters, str]:
    """The page's form: every value a string, an empty field means no filter."""
    return make_filters(
        status=params.get("status") or "active",
        sort=params.get("sort") or "score",
        agency=_number(params, "agency", int),
        unit=params.get("unit"),
        election=params.get("election"),
        candidate=_number(params, "candidate", int),
        label=params.get("label"),
        platform=params.get("platform"),
        score_min=_number(params, "score_min", float),
        score_max=_number(params, "score_max", float),
        date_from=_date(params, "from"),
        date_to=_date(params, "to"),
        overdue=params.get("overdue") in ("1", "on", "true"),
        q=params.get("q"),
        region=params.get("region"),
    )


def unknown_params(params: QueryParams, allowed: tuple[str, ...]) -> list[str]:
    """The query parameters that are not in `allowed`, sorted: a misspelt filter must not silently match all."""
    return sorted({key for key in params if key not in allowed})


API_EXTRA = ("after", "limit", "format", "lang")  # GET /api/cases's parameters that are not filters


def api_filters(
    request: Request,
    status: StatusChoice = Query(  # type: ignore[valid-type]
        "active", description="status tab: active (new, awaiting second, clarification), all, or one status"
    ),
    sort: Literal["score", "deadline", "date"] = Query(
        "score", description="highest score, nearest deadline or newest"
    ),
    agency: int | None = Query(None, description="agency id (admins and auditors without scope)"),
    unit: str | None = Query(None, description="the ASN's work unit, exactly"),
    election: str | None = Query(None, description="election id, e.g. pilwalkot-harapanjaya-2026"),
    candidate: int | None = Query(None, ge=1, description="candidate number"),
    label: Literal["dukungan", "serangan", "netral"] | None = Query(None, description="the model's label"),
    platform: str | None = Query(None, description="bluesky, mastodon, telegram, rss, x, html, ..."),
    score_min: float | None = Query(None, ge=0, le=1, description="lowest score"),
    score_max: float | None = Query(None, ge=0, le=1, description="highest score"),
    date_from: date | None = Query(None, alias="from", description="detected on or after this day (WIB)"),
    date_to: date | None = Query(None, alias="to", description="detected on or before this day (WIB)"),
    overdue: bool = Query(False, description="only cases past their deadline"),
    q: str | None = Query(None, description="NIP or part of the ASN's name"),
    region: Literal["own", "other", "unknown"] | None = Query(
        None,
        description="own: the case's election is held where the ASN serves (national ones always are); other: "
        "held elsewhere (still a violation: priority only); unknown: no election resolved",
    ),
) -> tuple[CaseFilters, str]:
    """`GET /api/cases`'s filters as typed query parameters; 400 for a parameter that is none of them."""
    unknown = unknown_params(request.query_params, (*FILTERS, *API_EXTRA))
    if unknown:
        raise HTTPException(
            400, f"unknown query parameter(s): {', '.join(unknown)}; allowed: {', '.join((*FILTERS, *API_EXTRA))}"
        )
    return make_filters(
        status=str(status),
        sort=sort,
        agency=agency,
        unit=unit,
        election=election,
        candidate=candidate,
        label=label,
        platform=platform,
        score_min=score_min,
        score_max=score_max,
        date_from=date_from,
        date_to=date_to,
        overdue=overdue,
        q=q,
        region=region,
    )
