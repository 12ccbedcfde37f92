"""Admin pages: manage users; upload the ASN registry CSV or the election YAML."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, select

from classifiers.registry import RegistryError, parse_registry
from monitor.audit import record
from monitor.auth import UserError, create_user, disable_user, enable_user, list_users, reset_password
from monitor.cases import Viewer
from monitor.elections import import_elections
from monitor.models import Agency, User
from monitor.registry_import import RegistryFileError, import_registry_bytes
from monitor.text_input import decode_text
from review_ui.deps import admin_only, db
from review_ui.i18n import translate
from review_ui.render import flash, lang_of, page
from review_ui.security import csrf_protect

router = APIRouter(prefix="/admin", dependencies=[Depends(csrf_protect)], include_in_schema=False)
MAX_UPLOAD = 20 * 1024 * 1024
MAX_ERRORS_SHOWN = 200


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
        flash(request, str(exc), "error")
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
        flash(request, str(exc), "error")
        return RedirectResponse("/admin/users", status_code=303)
    session.commit()
    flash(request, translate(lang_of(request), "saved"))
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request, v: Viewer = Depends(admin_only)) -> Response:
    return page(request, "admin_import.html", {"viewer": v, "result": None})


async def _read_bytes(upload: UploadFile) -> bytes:
    """The upload's bytes; the importers decode them as they decode a file given on the command line."""
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise ValueError(f"file is larger than {MAX_UPLOAD // (1024 * 1024)} MB")
    return data


@router.post("/import/registry", response_class=HTMLResponse)
async def import_registry(request: Request, file: UploadFile = File(...), v: Viewer = Depends(admin_only)) -> Response:
    engine = request.app.state.engine
    result: dict[str, object] = {"kind": "registry", "filename": file.filename}
    status = 200
    try:
        report = import_registry_bytes(engine, await _read_bytes(file))
    except (ValueError, RegistryFileError) as exc:
        result["error"] = str(exc)
        status = 400
    else:
        result |= {
            "summary": report.summary(),
            "entities": dict(report.entities),
            "unknown_columns": report.unknown_columns,
            "rejected": [r.message() for r in report.rejected[:MAX_ERRORS_SHOWN]],
            "rejected_total": len(report.rejected),
        }
        with Session(engine) as session:
            record(
                session,
                v.email,
                "admin.import_registry",
                "registry",
                file.filename or "upload",
                {"summary": report.summary()},
            )
            session.commit()
    return page(request, "admin_import.html", {"viewer": v, "result": result}, status)


@router.post("/import/elections", response_class=HTMLResponse)
async def import_election_yaml(
    request: Request, file: UploadFile = File(...), v: Viewer = Depends(admin_only), session: Session = Depends(db)
) -> Response:
    result: dict[str, object] = {"kind": "elections", "filename": file.filename}
    status = 200
    try:
        spec = parse_registry(decode_text(await _read_bytes(file)), source=file.filename or "upload")
        report = import_elections(session, spec)
        record(
            session,
            v.email,
            "admin.import_elections",
            "elections",
            file.filename or "upload",
            {"summary": report.summary()},
        )
        session.commit()
        result["summary"] = report.summary()
    except (ValueError, RegistryError) as exc:
        session.rollback()
        result["error"] = str(exc)
        status = 400
    return page(request, "admin_import.html", {"viewer": v, "result": result}, status)
