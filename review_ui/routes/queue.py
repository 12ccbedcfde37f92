"""The queue: flagged cases with filters, counts per status and keyset pagination."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from monitor.registry.names import registry_names
from monitor.review.cases import Viewer, filter_options, queue
from review_ui.deps import in_thread
from review_ui.filters import parse_filters
from review_ui.html_rows import agency_options, election_options, plain_options, queue_rows
from review_ui.render import page
from review_ui.security import csrf_protect

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
PAGE_SIZE = 50
OPTIONS_TTL_S = 60.0


def _options(request: Request, session: Session, v: Viewer) -> dict[str, list[Any]]:
    """The drop-down values change only when the registry or new cases do: computed once a minute per scope."""
    cache: dict[int | None, tuple[float, dict[str, list[Any]]]] = request.app.state.options_cache
    hit = cache.get(v.scope)
    now = time.monotonic()
    if hit is None or now - hit[0] > OPTIONS_TTL_S:
        hit = (now, filter_options(session, v))
        cache[v.scope] = hit
    return hit[1]


@router.get("/cases", response_class=HTMLResponse)
async def queue_page(request: Request) -> Response:
    return await in_thread(request, _queue_page)


def _queue_page(request: Request, v: Viewer, session: Session) -> Response:
    filters, status = parse_filters(request.query_params)
    try:
        result = queue(session, v, filters, cursor=request.query_params.get("after"), limit=PAGE_SIZE)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc
    counts = request.app.state.counts.counts(session, v, filters)  # cached a few seconds; rows are live
    kept = [(k, val) for k, val in request.query_params.multi_items() if k not in ("after", "lang") and val]
    base = [(k, val) for k, val in kept if k != "status"]
    context = {
        "viewer": v,
        "rows": result.rows,
        # the rows' and drop-downs' HTML, built in Python (review_ui.html_rows)
        "queue_rows": queue_rows,
        "agency_options": agency_options,
        "plain_options": plain_options,
        "election_options": election_options,
        "names": registry_names(session),  # election slugs and candidate numbers shown as names
        "counts": counts,
        "active_count": sum(counts[s] for s in ("open", "awaiting_second", "clarification")),
        "total_count": sum(counts.values()),
        "status": status,
        "params": dict(kept),
        "options": _options(request, session, v),
        "status_link": lambda s: "/cases?" + urlencode([*base, ("status", s)]),
        # the region tabs: priority only, every case stays under "all regions"
        "region_link": lambda r: (
            "/cases?" + urlencode([*((k, val) for k, val in kept if k != "region"), *([("region", r)] if r else [])])
        ),
        "next_link": "/cases?" + urlencode([*kept, ("after", result.next_cursor)]) if result.next_cursor else None,
        "first_link": "/cases?" + urlencode(kept) if request.query_params.get("after") else None,
        "filters": filters,
    }
    return page(request, "queue.html", context)
