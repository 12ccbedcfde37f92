"""The errors a scraper raises; each names the `Account.last_status` it maps to."""


class ScrapeError(Exception):
    """Base of the errors a scraper raises; `status` names the Account.last_status it maps to."""

    status = "error"


class NotFound(ScrapeError):
    status = "not_found"


class Private(ScrapeError):
    status = "private"


class Suspended(ScrapeError):
    status = "suspended"


class RateLimited(ScrapeError):
    status = "rate_limited"


class BadPayload(ScrapeError):
    status = "bad_payload"


class NotConfigured(ScrapeError):
    status = "not_configured"


class RobotsDisallowed(ScrapeError):
    status = "blocked_by_robots"
