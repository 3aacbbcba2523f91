"""Driving deploy/compose.yaml from a test: docker-compose with a private project name, the
test's overrides (tests/deploy/compose.test.yaml) and its settings in the environment.

Every command is bounded in time; a command that fails raises with its output.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from .manifests import COMPOSE

TEST_OVERRIDE = Path(__file__).with_name("compose.test.yaml")


def docker(*args: str, timeout: float = 60.0, check: bool = True) -> str:
    """Run ``docker ARGS``; its stdout."""
    done = subprocess.run(
        ["docker", *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return done.stdout


def compose_command() -> list[str]:
    """Debian's ``docker-compose`` (1.29), else Compose v2 as ``docker compose``."""
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if subprocess.run(
        ["docker", "compose", "version"], capture_output=True, check=False
    ).returncode:
        raise RuntimeError("neither docker-compose nor 'docker compose' is installed")
    return ["docker", "compose"]


@dataclass
class Stack:
    """One compose project: deploy/compose.yaml + the test's overrides, with ``env``."""

    project: str
    env: dict[str, str]
    command: list[str] = field(default_factory=compose_command)

    def run(self, *args: str, timeout: float = 180.0, check: bool = True) -> str:
        """``docker-compose -p PROJECT -f ... ARGS``; its stdout (stderr joined)."""
        argv = [
            *self.command,
            "--project-name",
            self.project,
            "--file",
            str(COMPOSE),
            "--file",
            str(TEST_OVERRIDE),
            *args,
        ]
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **self.env},
            cwd=COMPOSE.parent,
            check=False,
        )
        if check and done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
            )
        return done.stdout + done.stderr

    def containers(self, service: str) -> list[str]:
        """Names of the service's containers, running or not, in replica order."""
        out = docker(
            "ps",
            "--all",
            "--filter",
            f"label=com.docker.compose.project={self.project}",
            "--filter",
            f"label=com.docker.compose.service={service}",
            "--format",
            "{{.Names}}",
        )
        return sorted(out.split(), key=lambda name: int(name.rsplit("_", 1)[-1].rsplit("-")[-1]))

    def logs(self, service: str, tail: int | None = None) -> str:
        """The service's logs (all containers)."""
        args = ["logs", "--no-color"]
        if tail is not None:
            args += ["--tail", str(tail)]
        return self.run(*args, service, timeout=60.0, check=False)

    def down(self) -> None:
        """Remove every container, network and volume of the project."""
        self.run("down", "--volumes", "--remove-orphans", "--timeout", "10", timeout=180.0)


def inspect(container: str) -> dict[str, object]:
    """``docker inspect`` of one container."""
    data: list[dict[str, object]] = json.loads(docker("inspect", container))
    return data[0]


def published_port(container: str, port: int) -> int | None:
    """The host port on 127.0.0.1 that ``port`` of ``container`` is published on, if any."""
    out = docker("port", container, str(port), check=False).strip()
    for line in out.splitlines():
        host, _, number = line.rpartition(":")
        if host in {"127.0.0.1", "0.0.0.0"} and number.isdigit():
            return int(number)
    return None


def wall_to_monotonic(iso: str) -> float:
    """A Docker timestamp (RFC 3339, nanoseconds) on this process's ``time.monotonic`` clock."""
    import datetime as dt

    head, _, frac = iso.rstrip("Z").partition(".")
    stamp = dt.datetime.fromisoformat(head).replace(tzinfo=dt.UTC).timestamp()
    stamp += float(f"0.{frac or 0}")
    return stamp - (time.time() - time.monotonic())
