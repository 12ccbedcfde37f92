"""Known browsers: a signed cookie naming the accounts that logged in from this browser.

The login throttle (`monitor.access.login_throttle`) holds a known browser to its own limit only, so that failed
logins from elsewhere (an attacker, however many addresses they use) never lock its user out of it. The
cookie is signed with NETRA_SECRET_KEY and carries a random browser id and a short hash of each account's
email; it proves nothing about the password, which is still checked.
"""

from __future__ import annotations

import hashlib
import secrets

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from monitor.config import Settings

COOKIE = "netra_device"
_SALT = "netra.known-browser"
MAX_ACCOUNTS = 10  # a shared office computer may serve a few people; the oldest is forgotten first


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=_SALT)


def _tag(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def _read(request: Request, settings: Settings) -> dict[str, object] | None:
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    try:
        data = _serializer(settings).loads(value, max_age=settings.login.known_browser_days * 86400)
    except BadSignature:  # forged, altered, signed with another key, or too old
        return None
    return data if isinstance(data, dict) else None


def known_browser(request: Request, settings: Settings, email: str) -> str | None:
    """This browser's id when its cookie names `email`, else None."""
    data = _read(request, settings)
    if data is None or _tag(email) not in (data.get("a") or []):
        return None
    browser = data.get("d")
    return browser if isinstance(browser, str) else None


def remember(response: Response, request: Request, settings: Settings, email: str) -> None:
    """After a successful login: this browser now knows `email` (and keeps the others it knew)."""
    data = _read(request, settings) or {}
    browser = data.get("d") if isinstance(data.get("d"), str) else secrets.token_hex(8)
    known = [t for t in (data.get("a") or []) if isinstance(t, str) and t != _tag(email)]
    value = _serializer(settings).dumps({"d": browser, "a": [_tag(email), *known][:MAX_ACCOUNTS]})
    response.set_cookie(
        COOKIE,
        value,
        max_age=settings.login.known_browser_days * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.base_url.startswith("https://"),
    )
