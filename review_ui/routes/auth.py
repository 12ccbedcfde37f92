"""Log in, log out, and the front door."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from monitor.access.login_throttle import LoginThrottle, Refusal
from monitor.access.sessions import open_session, revoke_session
from monitor.audit import record
from monitor.auth import authenticate, password_fingerprint
from monitor.models import User
from review_ui.client_address import client_ip
from review_ui.deps import db
from review_ui.device_cookie import remember
from review_ui.i18n import translate
from review_ui.login_guard import attempt_of, refusal_message, retry_after
from review_ui.render import lang_of, page
from review_ui.security import csrf_protect, csrf_token

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect to another site after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/cases"


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/cases", status_code=303)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    return page(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    email: str = Form(...),
    password: str = Form(...),
    next: str = Form("/cases"),
    session: Session = Depends(db),
) -> Response:
    settings = request.app.state.settings
    throttle: LoginThrottle = request.app.state.throttle
    lang = lang_of(request)
    form = {"next": _safe_next(next), "email": email}
    ticket = throttle.begin(attempt_of(request, email))
    if isinstance(ticket, Refusal):
        response = page(request, "login.html", form | {"error": refusal_message(lang, ticket)}, 429)
        response.headers["Retry-After"] = retry_after(ticket)
        return response
    user = authenticate(session, email, password)
    if user is None:
        throttle.failure(ticket)  # counted, and audited once per account, client and window
        return page(request, "login.html", form | {"error": translate(lang, "login_failed")}, 401)
    throttle.success(ticket)
    assert user.id is not None
    sid = open_session(session, user.id)
    record(session, user.email, "auth.login", "user", str(user.id), {"ip": client_ip(request)})
    session.commit()
    request.session.clear()  # a fresh session (and CSRF token) after login: no session fixation
    request.session.update({"sid": sid, "pwf": password_fingerprint(user.password_hash)})
    csrf_token(request)  # issued with the login, not by the first page (which would re-sign the cookie)
    response = RedirectResponse(_safe_next(next), status_code=303)
    remember(response, request, settings, user.email)  # this browser is now known: nobody can lock it out
    return response


@router.post("/logout")
def logout(request: Request, session: Session = Depends(db)) -> RedirectResponse:
    """Ends the session on the server: a copy of the cookie is refused from now on."""
    sid = request.session.get("sid")
    user_id = revoke_session(session, sid) if isinstance(sid, str) else None
    user = session.get(User, user_id) if user_id is not None else None
    if user is not None:
        record(session, user.email, "auth.logout", "user", str(user.id), {"ip": client_ip(request)})
        session.commit()
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
