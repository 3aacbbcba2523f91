"""3. Load with live updates: 60 s at 400 requests/s while the champion flips every 5 s.

A load generator in its own process (``loadgen.py``: keep-alive HTTP/1.1 over raw asyncio
streams) sends 24,000 launch-failure predictions to a real ``tminus serve`` on 127.0.0.1,
paced at 400 per second. Meanwhile the test moves the ``champion`` alias of launch_failure
between two versions every 5 seconds, alternately on disk (as ``tminus promote`` does; the
server's poller, every 0.5 s, picks it up) and through the admin API (live when the call
returns). Every request must succeed, the rate must hold at 300/s or more, and every answer
must name a version that was champion while the request was in flight, allowing the version
before a flip until the server can have seen it: for an on-disk move, one reload interval plus
the time to load a version after it was written; for an API move, until the call returned.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tminus.registry.store import Registry

from .live import ADMIN_KEY, MODEL, Figures, add_version, serve

SECONDS = 60
RATE = 400
MIN_RATE = 300
FLIP_EVERY_S = 5.0
RELOAD_INTERVAL_S = 0.5
# An on-disk move is seen at the poller's next wake-up, then the version is verified and
# loaded (~20 ms idle; more on a loaded two-core machine) before it is swapped in.
LOAD_GRACE_S = 0.5
LOADGEN = Path(__file__).with_name("loadgen.py")

pytestmark = pytest.mark.load(SECONDS)


@dataclass(frozen=True)
class Answer:
    """One request as the load generator saw it."""

    sent: float
    received: float
    status: int
    version: str | None
    replica: str | None


@dataclass(frozen=True)
class Flip:
    """One move of the champion alias."""

    how: str  # "disk" or "api"
    version: str
    began: float  # monotonic time the move started
    done: float  # ... returned (disk: the alias file is replaced; api: the call answered)

    @property
    def seen_by(self) -> float:
        """When the server must be serving ``version`` at the latest."""
        return self.done + (RELOAD_INTERVAL_S + LOAD_GRACE_S if self.how == "disk" else 0.0)


def _flip(how: str, url: str, root: Path, version: str) -> Flip:
    began = time.monotonic()
    if how == "disk":
        Registry(root).set_alias(MODEL, "champion", version)
    else:
        moved = httpx.put(
            f"{url}/v1/models/{MODEL}/aliases/champion",
            json={"version": version},
            headers={"X-API-Key": ADMIN_KEY},
            timeout=30.0,
        )
        assert moved.status_code == 200, moved.text
        assert moved.json()["served_version"] == version
    return Flip(how=how, version=version, began=began, done=time.monotonic())


def _allowed(first: str, flips: list[Flip], sent: float, received: float) -> set[str]:
    """Versions that may answer a request in flight from ``sent`` to ``received``.

    A version may answer from the moment a flip to it began until the next flip must have
    been seen by the server.
    """
    windows = []
    start, current = float("-inf"), first
    for flip in flips:
        windows.append((start, flip.seen_by, current))
        start, current = flip.began, flip.version
    windows.append((start, float("inf"), current))
    return {version for begin, end, version in windows if begin <= received and sent <= end}


@pytest.mark.timeout(SECONDS + 90)
def test_sustained_load_while_the_champion_flips_fails_no_request_and_mixes_no_version(
    champion_registry: Path, tmp_path: Path, figures: Figures
) -> None:
    root = tmp_path / "models"
    shutil.copytree(champion_registry, root)
    first = Registry(root).resolve(MODEL, "champion")
    second = add_version(root)
    out = tmp_path / "answers.json"
    with serve(root, tmp_path, admin_key=ADMIN_KEY, reload_interval_s=RELOAD_INTERVAL_S) as server:
        load = subprocess.Popen(
            [
                sys.executable,
                str(LOADGEN),
                "--url",
                server.url,
                "--rate",
                str(RATE),
                "--seconds",
                str(SECONDS),
                "--out",
                str(out),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={k: v for k, v in os.environ.items() if not k.startswith("TMINUS_")},
        )
        try:
            assert load.stdout is not None
            line = load.stdout.readline().decode()
            assert line.startswith("started "), line + load.stderr.read().decode()
            start = float(line.split()[1])
            flips: list[Flip] = []
            for turn in range(1, int(SECONDS / FLIP_EVERY_S)):
                time.sleep(max(0.0, start + turn * FLIP_EVERY_S - time.monotonic()))
                target = second if turn % 2 else first
                flips.append(_flip("disk" if turn % 2 else "api", server.url, root, target))
            _, errors = load.communicate(timeout=SECONDS + 40)
        finally:
            if load.poll() is None:
                load.kill()
                load.wait(timeout=10)
        assert load.returncode == 0, errors.decode()
        assert server.process.poll() is None, server.output()

    run = json.loads(out.read_text())
    answers = [Answer(*row) for row in run["answers"]]
    statuses = Counter(a.status for a in answers)
    stale = [a for a in answers if a.version not in _allowed(first, flips, a.sent, a.received)]
    elapsed = float(run["elapsed_s"])
    rate = len(answers) / elapsed
    latencies = sorted(a.received - a.sent for a in answers)
    # How long after each move the old version still answered a request sent after the move
    # (and before the next move, which brings the old version back).
    lags = {"disk": 0.0, "api": 0.0}
    previous = first
    for flip, until in zip(flips, [f.began for f in flips[1:]] + [float("inf")], strict=True):
        late = [
            a.received - flip.done
            for a in answers
            if a.version == previous and flip.done < a.sent < until
        ]
        lags[flip.how] = max([lags[flip.how], *late])
        previous = flip.version
    served = {a.version for a in answers}
    figures.add(
        f"{len(answers):,} requests in {elapsed:.1f} s ({rate:.0f}/s, planned {RATE}/s) over 16 "
        f"keep-alive connections; {len(run['errors'])} errors; statuses {dict(statuses)}"
    )
    figures.add(
        f"latency p50 {latencies[len(latencies) // 2] * 1e3:.1f} ms, p99 "
        f"{latencies[int(len(latencies) * 0.99)] * 1e3:.1f} ms, max {latencies[-1] * 1e3:.0f} ms"
    )
    figures.add(
        f"{len(flips)} champion flips ({sum(f.how == 'disk' for f in flips)} on disk, "
        f"{sum(f.how == 'api' for f in flips)} through the admin API); answers from a version no "
        f"longer champion: {len(stale)}; old version still answering a request sent after a move: "
        f"up to {lags['disk']:.2f} s after an on-disk move (allowed "
        f"{RELOAD_INTERVAL_S + LOAD_GRACE_S:.1f} s), {lags['api']:.2f} s after an API move"
    )
    assert run["errors"] == []
    assert len(answers) == run["planned"] == SECONDS * RATE
    assert statuses == {200: len(answers)}
    assert rate >= MIN_RATE, rate
    assert served == {first, second}
    assert stale == [], stale[:10]
