"""Server processes for the benchmarks: start on a free port, wait until ready, measure, stop.

Shared by ``serving.py`` and ``latency.py``. Each server runs in its own process group (so a
server that forks, like ``mlflow models serve``, stops whole) with its output in a log file.
"""

from __future__ import annotations

import dataclasses
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


@dataclasses.dataclass
class Server:
    """A server process started for the run."""

    name: str
    process: subprocess.Popen[bytes]
    base: str
    started: float
    log: Path
    ready_s: float = 0.0


# ---- processes --------------------------------------------------------------------------------
def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_ready(server: Server, path: str, timeout: float) -> float:
    """Poll ``path`` every 10 ms until 200; seconds since the process started."""
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=server.base, timeout=1) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(
                    f"{server.name} exited with {server.process.returncode}:\n{log_tail(server)}"
                )
            try:
                if client.get(path).status_code == 200:
                    server.ready_s = time.perf_counter() - server.started
                    return server.ready_s
            except httpx.TransportError:
                pass
            time.sleep(0.01)
    stop(server)
    raise RuntimeError(
        f"{server.name} was not ready on {path} within {timeout:.0f} s:\n{log_tail(server)}"
    )


def log_tail(server: Server) -> str:
    """The end of a server's output, for an error message."""
    try:
        return server.log.read_text(errors="replace")[-2000:]
    except OSError:
        return "(no output)"


def spawn(
    name: str, command: Sequence[str], port: int, logs: Path, env: dict[str, str] | None = None
) -> Server:
    """Start ``command`` (its own process group), its output to a log in ``logs``."""
    log = logs / f"{name}-{port}.log"
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(
            list(command),
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            cwd=ROOT,
            start_new_session=True,
        )
    return Server(name, process, f"http://127.0.0.1:{port}", started, log)


def stop(server: Server) -> None:
    """SIGTERM the process group, then SIGKILL if it lingers."""
    try:
        os.killpg(server.process.pid, 15)
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, 9)
        server.process.wait(timeout=5)
    except ProcessLookupError:
        pass


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    total_kb = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total_kb += int(match.group(1)) if match else 0
        stack.extend(int(child) for child in children)
    return total_kb / 1024


def tminus_command(port: int, models_dir: Path) -> list[str]:
    """``tminus serve`` as the Makefile runs it, one worker, no access log."""
    script = Path(sys.executable).with_name("tminus")
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "tminus"]
    return [
        *command,
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--models-dir",
        str(models_dir),
        "--no-access-log",
        "--log-level",
        "warning",
    ]


def start_tminus(models_dir: Path, logs: Path) -> Server:
    port = free_port()
    server = spawn("tminus", tminus_command(port, models_dir), port, logs)
    wait_ready(server, "/readyz", 60)
    return server
