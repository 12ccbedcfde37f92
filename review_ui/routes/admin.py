"""Admin pages: manage users; upload the ASN registry CSV or the election YAML."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool

from monitor.audit import record
from monitor.auth import UserError, create_user, disable_user, enable_user, list_users, reset_password
from monitor.models import Agency, ImportJob, User
from monitor.registry.elections import import_elections, read_elections_file
from monitor.registry.import_jobs import ImportBusy, job_state, recent_jobs, start_registry_import
from monitor.review.cases import Viewer
from review_ui.audit_text import sentence_text
from review_ui.deps import admin_only, db
from review_ui.i18n import translate, translate_error
from review_ui.import_text import entity_text, rejected_row_text
from review_ui.render import flash, lang_of, page
from review_ui.security import csrf_protect

router = APIRouter(prefix="/admin", dependencies=[Depends(csrf_protect)], include_in_schema=False)
MAX_UPLOAD = 20 * 1024 * 1024
REFRESH_S = 2  # how often a running import's page reloads itself


def _users_page(request: Request, v: Viewer, session: Session, status: int = 200) -> Response:
    agencies = {a.id: a for a in session.exec(select(Agency))}
    context = {"viewer": v, "users": list_users(session), "agencies": agencies}
    return page(request, "admin_users.html", context, status)


@router.get("/users", response_class=HTMLResponse)
def users(request: Request, v: Viewer = Depends(admin_only), session: Session = Depends(db)) -> Response:
    return _users_page(request, v, session)


@router.post("/users", response_class=HTMLResponse)
def add_user(
    request: Request,
    email: str = Form(...),
    name: str = Form(...),
    role: str = Form(...),
    agency_code: str = Form(""),
    password: str = Form(...),
    v: Viewer = Depends(admin_only),
    session: Session = Depends(db),
) -> Response:
    try:
        create_user(
            session, email, name, role, agency_code=agency_code.strip() or None, password=password, actor=v.email
        )
    except UserError as exc:
        session.rollback()
        flash(request, translate_error(lang_of(request), str(exc)), "error")
        return _users_page(request, v, session, 400)
    session.commit()
    flash(request, translate(lang_of(request), "saved"))
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{user_id}/{change}")
def change_user(
    user_id: int,
    change: str,
    request: Request,
    password: str = Form(""),
    v: Viewer = Depends(admin_only),
    session: Session = Depends(db),
) -> Response:
    user = session.get(User, user_id)
    try:
        if user is None or change not in ("disable", "enable", "reset-password"):
            raise UserError("no such user or change")
        if change == "disable":
            if user.id == v.user_id:
                raise UserError("you cannot disable your own account")
            disable_user(session, user.email, actor=v.email)
        elif change == "enable":
            enable_user(session, user.email, actor=v.email)
        else:
            reset_password(session, user.email, password, actor=v.email)
    except UserError as exc:
        session.rollback()
        flash(request, translate_error(lang_of(request), str(exc)), "error")
        return RedirectResponse("/admin/users", status_code=303)
    session.commit()
    flash(request, translate(lang_of(request), "saved"))
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/import", response_class=HTMLResponse)
def import_form(
    request: Request, job: int | None = None, v: Viewer = Depends(admin_only), session: Session = Depends(db)
) -> Response:
    """The upload forms, the recent registry imports, and with `?job=` one import: its progress while it
    runs (the page reloads itself every few seconds), its result or error after."""
    shown = session.get(ImportJob, job) if job is not None else None
    jobs = [(j, job_state(j)) for j in recent_jobs(session)]
    lang = lang_of(request)
    context: dict[str, object] = {"viewer": v, "result": None, "job": shown, "jobs": jobs}
    # the importer's English counts and rejected rows in the page's language
    context |= {"entity_text": partial(entity_text, lang), "rejected_row_text": partial(rejected_row_text, lang)}
    if shown is not None:
        context["state"] = job_state(shown)
    response = page(request, "admin_import.html", context, 404 if job is not None and shown is None else 200)
    if shown is not None and context["state"] == "running":
        response.headers["Refresh"] = str(REFRESH_S)  # no script needed (the CSP allows only our own file)
    return response


def _error_of(request: Request, exc: Exception) -> dict[str, object]:
    """An upload's error for the page: in its language where the catalogue has the sentence; else the
    parser's own English, marked as English (`technical`) under an Indonesian lead."""
    message = str(exc)
    shown = translate_error(lang_of(request), message)
    return {"error": shown, "technical": shown == message}


async def _read_bytes(upload: UploadFile) -> bytes:
    """The upload's bytes; the importers decode them as they decode a file given on the command line."""
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise ValueError(f"file is larger than {MAX_UPLOAD // (1024 * 1024)} MB")
    return data


@router.post("/import/registry", response_class=HTMLResponse)
async def import_registry(request: Request, file: UploadFile = File(...), v: Viewer = Depends(admin_only)) -> Response:
    """Starts the import in a worker thread (`monitor.registry.import_jobs`) and sends to its progress page: a large
    file no longer holds up every other request of this process while it is stored."""
    filename = file.filename or "upload"
    try:
        data = await _read_bytes(file)
        engine = request.app.state.engine
        job_id = await run_in_threadpool(start_registry_import, engine, data, filename, v.email)
    except ValueError as exc:
        result = {"kind": "registry", "filename": filename, **_error_of(request, exc)}
        return page(request, "admin_import.html", {"viewer": v, "result": result, "jobs": []}, 400)
    except ImportBusy as exc:
        error = translate(lang_of(request), "import_busy", job=exc.job.id, actor=exc.job.actor)
        result = {"kind": "registry", "filename": filename, "error": error}
        return page(request, "admin_import.html", {"viewer": v, "result": result, "jobs": []}, 409)
    return RedirectResponse(f"/admin/import?job={job_id}", status_code=303)


@router.post("/import/elections", response_class=HTMLResponse)
async def import_election_yaml(
    request: Request, file: UploadFile = File(...), v: Viewer = Depends(admin_only), session: Session = Depends(db)
) -> Response:
    result: dict[str, object] = {"kind": "elections", "filename": file.filename}
    status = 200

    def store(data: bytes) -> str:  # in the thread pool: parsing and storing must not hold up the event loop
        spec = read_elections_file(data, source=file.filename or "upload")
        report = import_elections(session, spec)
        details = {"summary": report.summary()}
        record(session, v.email, "admin.import_elections", "elections", file.filename or "upload", details)
        session.commit()
        return report.summary()

    try:
        summary = await run_in_threadpool(store, await _read_bytes(file))
        result["summary"] = sentence_text(lang_of(request), summary)  # the importer's English, in words
    except ValueError as exc:  # RegistryError and TextDecodeError are ValueErrors
        await run_in_threadpool(session.rollback)
        result |= _error_of(request, exc)
        status = 400
    return page(request, "admin_import.html", {"viewer": v, "result": result, "jobs": []}, status)
