"""Real `netra` processes for tests: start with an environment, read their JSON logs, stop them."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

NETRA = str(Path(sys.executable).with_name("netra"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(predicate: Callable[[], Any], timeout: float = 60.0, what: str = "condition") -> Any:
    """Poll `predicate` until it returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)  # polling interval, not a wait for an event


class NetraProcess:
    """`netra <args>` in its own process group, logging JSON lines to a file."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path, name: str) -> None:
        self.log_path = cwd / f"{name}.log"
        self._log = self.log_path.open("wb")
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("NETRA_")}
        full_env |= {"NETRA_LOG_JSON": "true", "PYTHONUNBUFFERED": "1"} | env
        self.proc = subprocess.Popen(
            [NETRA, *args], cwd=cwd, env=full_env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def events(self) -> list[dict[str, Any]]:
        out = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except ValueError:
                    continue
        return out

    def messages(self, message: str) -> list[dict[str, Any]]:
        return [e for e in self.events() if e.get("message") == message]

    def text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def terminate(self, timeout: float = 60.0) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def kill_group(self) -> None:
        """SIGKILL the process and its children (a machine that dies)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill_group()
        self._log.close()
