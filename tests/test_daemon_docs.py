"""Every setting of the background service is documented in docs/operations.md."""

from __future__ import annotations

from pathlib import Path

from monitor.config import CelerySettings, FlagSettings, SchedulerSettings

DOC = (Path(__file__).resolve().parent.parent / "docs" / "operations.md").read_text()


def test_every_daemon_setting_is_documented() -> None:
    groups = {"SCHEDULER": SchedulerSettings, "CELERY": CelerySettings, "FLAGGING": FlagSettings}
    missing = [
        f"NETRA_{group}__{name.upper()}"
        for group, model in groups.items()
        for name in model.model_fields
        if f"NETRA_{group}__{name.upper()}" not in DOC
    ]
    top = ["RUNNER", "BROKER_URL", "LOG_JSON", "LOG_LEVEL", "RETENTION_DAYS", "CASE_DEADLINE_DAYS"]
    missing += [f"NETRA_{name}" for name in top if f"NETRA_{name}" not in DOC]
    assert missing == []
