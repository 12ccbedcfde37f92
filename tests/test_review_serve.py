"""`netra serve` starts the real review page on the given port; the login page answers in Indonesian."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.utils.live_server import free_port

ROOT = Path(__file__).resolve().parents[1]


def test_netra_serve_answers(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETRA_")} | {"NETRA_DATA_DIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except httpx.HTTPError:
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                assert time.monotonic() < deadline, "netra serve did not answer within 60 s"
                time.sleep(0.1)
        assert response.status_code == 200 and "Masuk" in response.text
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert httpx.get(f"http://127.0.0.1:{port}/cases", timeout=5).status_code == 303
    finally:
        proc.terminate()
        proc.wait(timeout=30)
