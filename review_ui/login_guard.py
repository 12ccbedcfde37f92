"""The web side of the login throttle (`monitor.access.login_throttle`), shared by the login form and HTTP Basic."""

from __future__ import annotations

import math

from fastapi import Request

from monitor.access.login_throttle import Attempt, Refusal
from review_ui.client_address import client_ip
from review_ui.device_cookie import known_browser
from review_ui.i18n import translate


def attempt_of(request: Request, email: str) -> Attempt:
    """Who is trying: the client's address, and the browser when its cookie says it logged in to `email`."""
    return Attempt.of(email, client_ip(request), known_browser(request, request.app.state.settings, email))


def refusal_message(lang: str, refusal: Refusal) -> str:
    minutes = max(1, math.ceil(refusal.retry_after_s / 60))
    # Limits over many clients hold back only browsers that never logged in to the account: say so, so that
    # the user knows the browser they usually use still works.
    key = "login_locked_many" if refusal.scope in ("account", "overall") else "login_locked"
    return translate(lang, key, minutes=minutes)


def retry_after(refusal: Refusal) -> str:
    return str(math.ceil(refusal.retry_after_s))
