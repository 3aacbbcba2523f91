"""A real ``tminus serve`` on 127.0.0.1 for the tests that need one (end-to-end, browser,
reliability). Every wait is bounded; a server that does not come up fails with its log."""

from __future__ import annotations

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

START_TIMEOUT_S = 60.0
PREDICTION = {"vehicle": "Falcon 9", "date": "2026-03-01", "site": "CC", "pad": "LC40"}


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

    def api(self) -> httpx.Client:
        """A client of this server's JSON API."""
        return httpx.Client(base_url=self.url, timeout=30.0)

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
    wait_for: str = "/readyz",
    workers: int = 1,
    env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """Run ``tminus serve`` on ``models_dir`` until the block ends (SIGTERM, then SIGKILL).

    The block starts once ``wait_for`` answers 200. The server sees none of the caller's
    ``TMINUS_*`` settings, only ``admin_key`` if given, and ``env`` on top.
    """
    port = free_port()
    log = workdir / f"server-{port}.log"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TMINUS_")}
    if admin_key is not None:
        environ["TMINUS_ADMIN_KEY"] = admin_key
    environ.update(env or {})
    command = [
        *tminus_command(),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--models-dir",
        str(models_dir),
        "--reload-interval",
        str(reload_interval_s),
        "--no-access-log",
    ]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, env=environ, cwd=workdir
        )
    server = Server(url=f"http://127.0.0.1:{port}", process=process, log=log, models_dir=models_dir)
    try:
        wait_until(server, wait_for)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def wait_until(server: Server, path: str) -> None:
    """Wait until ``path`` answers 200, for at most :data:`START_TIMEOUT_S`."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        assert server.process.poll() is None, f"server exited early:\n{server.output()}"
        assert time.monotonic() < deadline, f"{path} not 200 in time:\n{server.output()}"
        try:
            if httpx.get(f"{server.url}{path}", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
