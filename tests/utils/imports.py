"""Registry uploads through the admin page, which runs them in the background: post, follow, wait."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Protocol

import httpx


class Client(Protocol):  # a TestClient or an httpx.Client on a live server
    def get(self, url: str) -> httpx.Response: ...
    def post(self, url: str, **kwargs: object) -> httpx.Response: ...


@dataclass
class Upload:
    status: int  # of the upload's own answer: 303 to the job's page, or 400/409 at once
    state: str  # the job's: done, failed (or "" when no job was started)
    text: str  # the job's page when it had finished (or the upload's answer)
    job: int | None


def job_of(response: httpx.Response) -> int | None:
    match = re.search(r"/admin/import\?job=(\d+)", response.headers.get("location", ""))
    return int(match.group(1)) if match else None


def state_of(html: str) -> str:
    match = re.search(r'id="import-job" data-state="(\w+)"', html)
    return match.group(1) if match else ""


def wait_for_job(client: Client, job: int, timeout_s: float = 180.0) -> tuple[str, str]:
    """Poll the job's page until it no longer runs; returns (state, page)."""
    deadline = time.monotonic() + timeout_s
    while True:
        text = client.get(f"/admin/import?job={job}").text
        if state_of(text) != "running":
            return state_of(text), text
        assert time.monotonic() < deadline, f"import job {job} still running after {timeout_s} s"
        time.sleep(0.05)  # polling interval


def upload_registry(client: Client, token: str, data: bytes, filename: str = "registry.csv") -> Upload:
    response = client.post(
        "/admin/import/registry", data={"csrf_token": token}, files={"file": (filename, data, "text/csv")}
    )
    job = job_of(response)
    if job is None:
        return Upload(response.status_code, "", response.text, None)
    state, text = wait_for_job(client, job)
    return Upload(response.status_code, state, text, job)
