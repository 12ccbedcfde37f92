"""Who may read the review web app's `/metrics`: it counts cases of every agency, so not anyone."""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request
from sqlmodel import Session

from monitor.metrics import bearer_matches
from monitor.models import Role
from review_ui.deps import LoginRequired, db, viewer
from review_ui.i18n import translate
from review_ui.render import lang_of

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="metrics"'}


def metrics_reader(request: Request, session: Session = Depends(db)) -> None:
    """A scraper with `Authorization: Bearer NETRA_METRICS_TOKEN`, or a logged-in admin or auditor without an
    agency scope (those who see every agency's cases anyway). Anyone else: 401, or 403 for other roles."""
    token = request.app.state.settings.metrics_token
    authorization = request.headers.get("authorization")
    lang = lang_of(request)
    if authorization and authorization.lower().startswith("bearer "):
        if token and bearer_matches(authorization, token):
            return
        raise HTTPException(401, translate(lang, "metrics_bad_token"), headers=_CHALLENGE)
    try:
        v = viewer(request, session)
    except LoginRequired as exc:  # a scraper gets a status to alert on, not a redirect to the login form
        raise HTTPException(401, translate(lang, "metrics_login"), headers=_CHALLENGE) from exc
    if not (v.role == Role.admin or (v.role == Role.auditor and v.agency_id is None)):
        raise HTTPException(403, translate(lang, "metrics_forbidden"))
