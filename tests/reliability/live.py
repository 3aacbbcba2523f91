"""Helpers of the reliability tests: a real ``tminus serve`` on 127.0.0.1, registry checks, digests.

Every wait here is bounded; a server that does not come up in time fails the test with its log.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tminus.registry.store import Registry

ADMIN_KEY = "reliability-admin-key"
START_TIMEOUT_S = 60.0
MODEL = "launch_failure"
PREDICTION = {"vehicle": "Falcon 9", "date": "2026-03-01", "site": "CC", "pad": "LC40"}


class Figures:
    """Where a test writes the figures it measured, one line each (see conftest.py)."""

    def __init__(self, lines: list[str], point: str) -> None:
        self._lines = lines
        self._point = point

    def add(self, text: str) -> None:
        """Record one line under this test's point (e.g. "1. Fuzzing")."""
        self._lines.append(f"[{self._point}] {text}")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def tminus_command() -> list[str]:
    """The ``tminus`` script of this environment (or ``python -m tminus``)."""
    script = Path(sys.executable).with_name("tminus")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "tminus"]


@dataclass
class Server:
    """A running ``tminus serve`` process and where it answers."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path
    models_dir: Path

    def output(self) -> str:
        """The end of the server's log (for failure messages)."""
        return self.log.read_text(errors="replace")[-4000:]

    def predict(self) -> httpx.Response:
        """One real launch-failure prediction."""
        return httpx.post(f"{self.url}/v1/launch-failure", json=PREDICTION, timeout=10.0)


@contextmanager
def serve(
    models_dir: Path,
    workdir: Path,
    *,
    admin_key: str | None = None,
    reload_interval_s: float = 0.5,
    wait_ready: bool = True,
) -> Iterator[Server]:
    """Run ``tminus serve`` on ``models_dir`` until the block ends (SIGTERM, then SIGKILL)."""
    port = free_port()
    log = workdir / f"server-{port}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMINUS_")}
    if admin_key is not None:
        env["TMINUS_ADMIN_KEY"] = admin_key
    command = [
        *tminus_command(),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--models-dir",
        str(models_dir),
        "--reload-interval",
        str(reload_interval_s),
        "--no-access-log",
    ]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, env=env, cwd=workdir
        )
    server = Server(url=f"http://127.0.0.1:{port}", process=process, log=log, models_dir=models_dir)
    try:
        wait_until_up(server, ready=wait_ready)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def wait_until_up(server: Server, *, ready: bool) -> None:
    """Wait until ``/readyz`` is 200 (``ready``) or the server answers at all."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        assert server.process.poll() is None, f"server exited early:\n{server.output()}"
        assert time.monotonic() < deadline, f"server not up in time:\n{server.output()}"
        try:
            answer = httpx.get(f"{server.url}/readyz", timeout=1.0)
            if answer.status_code == 200 or not ready:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)


def add_version(root: Path, model: str = MODEL) -> str:
    """Register the champion's predictor again as a new version (a stand-in for a retrain)."""
    registry = Registry(root)
    loaded = registry.load_alias(model, "champion")
    files = {
        p.name: p.read_bytes() for p in loaded.version.path.iterdir() if p.suffix in {".md", ".png"}
    }
    record = registry.register(
        model, predictor=loaded.predictor, metadata=loaded.version.metadata, files=files
    )
    return record.version


def tree_digest(root: Path) -> str:
    """sha256 over every file under ``root``: relative path and bytes, in path order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(root).as_posix()}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class RegistryCheck:
    """What a full check of a registry found."""

    versions: int
    aliases: int
    leftovers: int


def check_registry(root: Path) -> RegistryCheck:
    """Every listed version verifies against its manifest and every alias names one of them.

    Raises (a registry error or an AssertionError) on a partial version or a dangling alias.
    Temporary files of interrupted writes are counted, not listed: listing must ignore them.
    """
    registry = Registry(root)
    versions = aliases = leftovers = 0
    for model in registry.models():
        listed = {v.version: v for v in registry.versions(model)}
        for record in listed.values():
            registry.verify(record)
        for alias, version in registry.aliases(model).items():
            assert version in listed, f"{model} alias {alias} -> {version}, which is not listed"
            aliases += 1
        versions += len(listed)
        folder = root / model
        leftovers += sum(1 for p in folder.iterdir() if p.name.startswith("."))
        if (folder / "aliases").is_dir():
            leftovers += sum(1 for p in (folder / "aliases").iterdir() if p.name.startswith("."))
    return RegistryCheck(versions=versions, aliases=aliases, leftovers=leftovers)
