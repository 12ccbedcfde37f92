"""The review web app: `create_app(settings, engine)` wires middleware, routers and error pages."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from monitor.access.login_throttle import LoginThrottle
from monitor.access.sessions import SESSION_TTL_S
from monitor.config import Settings, get_settings
from monitor.db import autocommit_reads, get_engine
from monitor.metrics import metrics_router
from monitor.review.actions import AssignableCache, NotAllowed
from monitor.review.cases import CaseNotFound, CountCache
from review_ui.client_address import ForwardedClient
from review_ui.deps import LoginRequired
from review_ui.i18n import translate_error
from review_ui.metrics_access import metrics_reader
from review_ui.render import lang_of, page
from review_ui.routes import (
    actions,
    admin,
    admin_accounts,
    api,
    archive,
    audit,
    auth,
    case,
    dashboard,
    export,
    near_misses,
    queue,
    report,
)
from review_ui.security import SecurityHeaders

SESSION_COOKIE = "netra_session"
SESSION_MAX_AGE_S = SESSION_TTL_S  # one working day; the server-side session ends then too


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=status)
    # the services' and the web layer's English sentences in the page's language (review_ui.messages_errors)
    shown = translate_error(lang_of(request), message)
    return page(request, "error.html", {"status": status, "message": shown}, status_code=status)


def create_app(
    settings: Settings | None = None, engine: Engine | None = None, *, throttle: LoginThrottle | None = None
) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Netra review API",
        description="Cases and review actions. Authenticate with HTTP Basic (email:password) or the page's "
        "session cookie plus an X-CSRF-Token header. Permissions are the same as on the pages.",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine or get_engine(settings.db_url)
    app.state.read_engine = autocommit_reads(app.state.engine)  # for pages that only read (review_ui.deps)
    app.state.throttle = throttle or LoginThrottle(app.state.engine, settings.login)  # shared by every replica
    app.state.options_cache = {}  # the queue's drop-down values, per scope (review_ui.routes.queue)
    app.state.counts = CountCache()  # the queue's counts per status (rows are always live)
    app.state.assignable = AssignableCache()  # the case page's assign drop-down, per agency
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE_S,
        same_site="lax",
        https_only=settings.base_url.startswith("https://"),
    )

    app.add_middleware(SecurityHeaders)
    # Outermost: everything inside (the throttle, the audit log) sees the real client behind a trusted proxy.
    app.add_middleware(ForwardedClient, proxies=settings.proxy_networks)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "not authenticated"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(CaseNotFound)
    async def case_not_found(request: Request, _exc: CaseNotFound) -> Response:
        return _error(request, 404, "not found")

    @app.exception_handler(NotAllowed)
    async def not_allowed(request: Request, exc: NotAllowed) -> Response:
        return _error(request, 403, str(exc))

    # Starlette's own (an unknown path, a wrong method) as well as ours: both get the page, in its language
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        response = _error(request, exc.status_code, str(exc.detail))
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.errors()}, status_code=422)
        fields = ", ".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors())
        return _error(request, 422, f"invalid or missing field(s): {fields}")

    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    for module in (
        auth,
        export,
        queue,
        near_misses,
        case,
        report,
        archive,
        actions,
        dashboard,
        audit,
        admin,
        admin_accounts,
        api,
    ):
        app.include_router(module.router)
    # /metrics counts cases: a bearer token or an admin's session (/healthz is in routes/auth, open)
    app.include_router(metrics_router(app.state.engine, health=False, guard=metrics_reader))
    return app
