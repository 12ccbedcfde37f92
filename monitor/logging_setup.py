"""Structured logs: plain lines for people, or one JSON object per line (`NETRA_LOG_JSON=true`).

Services log an event name as the message and the facts as `extra={...}`; both formats keep them.
"""

from __future__ import annotations

import logging
import os
import sys

from pythonjsonlogger.json import JsonFormatter

from monitor.config import Settings

__all__ = ["configure_logging"]

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


class _PlainFormatter(logging.Formatter):
    """`time level logger: message key=value ...`, the extras appended so nothing is lost."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        if extras:
            line += " " + " ".join(f"{k}={v!r}" for k, v in sorted(extras.items()))
        return line


def configure_logging(settings: Settings, *, process: str = "netra") -> None:
    """Configure the root logger once per process (idempotent: replaces our own handler)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_netra", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._netra = True  # type: ignore[attr-defined]
    if settings.log_json:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                static_fields={"process_name": process, "pid": os.getpid()},
            )
        )
    else:
        handler.setFormatter(_PlainFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    for noisy in ("httpx", "httpcore", "apscheduler.executors.default", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
