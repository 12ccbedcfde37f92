"""docker-compose.yml and the Dockerfile: valid, and running only real `netra` commands."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from monitor.cli import app

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"


def _services() -> dict[str, dict[str, object]]:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def test_compose_file_is_valid_for_docker_compose() -> None:
    client = shutil.which("docker-compose") or "/usr/bin/docker-compose"
    result = subprocess.run(
        [client, "-f", str(COMPOSE), "config", "-q"], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr


def test_compose_has_every_role() -> None:
    services = _services()
    assert {"postgres", "redis", "mailpit", "scheduler", "web", "proxy", "worker", "migrate"} <= set(services)
    commands = {name: service.get("command") for name, service in services.items()}
    assert commands["scheduler"][:2] == ["netra", "run"]  # type: ignore[index]
    assert commands["web"][:2] == ["netra", "serve"]  # type: ignore[index]
    assert commands["worker"][:2] == ["netra", "worker"]  # type: ignore[index]
    assert "container_name" not in services["worker"]  # scalable: `--scale worker=N`
    # The page: web processes without a host port of their own (scalable), behind the proxy's port 8000,
    # whose config hands each request to the least busy one.
    assert "ports" not in services["web"] and services["proxy"]["ports"] == ["8000:80"]
    mount = next(v for v in services["proxy"]["volumes"] if v.endswith("/etc/nginx/conf.d/default.conf:ro"))
    conf = (ROOT / mount.split(":")[0]).read_text()
    assert "least_conn;" in conf and "server web:8000;" in conf and "proxy_pass http://netra;" in conf


def _parse(argv: list[str]) -> None:
    """Resolve argv against the real CLI and parse its options, without running anything."""
    group = typer.main.get_command(app)
    ctx = group.make_context("netra", list(argv), resilient_parsing=False)
    command: Any = group
    args = list(argv)
    while hasattr(command, "resolve_command"):  # a group: descend into the named subcommand
        name, sub, args = command.resolve_command(ctx, args)
        assert sub is not None, f"unknown command {name}"
        command = sub
        ctx = command.make_context(name, list(args), parent=ctx)


def test_every_netra_service_runs_a_real_subcommand() -> None:
    checked = 0
    for name, service in _services().items():
        command = service.get("command")
        if service.get("image") != "netra:latest" and "build" not in service:
            continue
        assert isinstance(command, list) and command[0] == "netra", name
        _parse(command[1:])
        checked += 1
    assert checked >= 4
    with pytest.raises(Exception, match="no-such-option"):  # the parser really checks options
        _parse(["run", "--no-such-option"])
    with pytest.raises(Exception, match="No such command"):
        _parse(["no-such-command"])


def test_dockerfile_pins_cpu_torch_first_and_runs_netra() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    pin = re.search(r'download\.pytorch\.org/whl/cpu "torch==([\d.]+)"', dockerfile)
    assert pin, "CPU torch must be installed from the CPU index"
    pyproject = (ROOT / "pyproject.toml").read_text()
    bounds = re.search(r'"torch>=([\d.]+),<([\d.]+)"', pyproject)
    assert bounds and pin.group(1).startswith(bounds.group(1))  # the same torch as pyproject.toml allows
    assert dockerfile.index("torch==") < dockerfile.index("pip install .")
    assert 'CMD ["netra", "run"]' in dockerfile
