"""Several workers in one container: ``tminus serve --workers 4`` on 127.0.0.1.

uvicorn's workers share one listening socket, so any of them may answer any request, a scrape
of ``/metrics`` included. They must share nothing else: each loads and reloads its own models,
and ``/metrics`` must still count every request once, whichever worker answers the scrape
(prometheus_client's multiprocess mode, ``PROMETHEUS_MULTIPROC_DIR``). A worker that is
killed is replaced; it takes its live gauges with it but not what it counted.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.parser import text_string_to_metric_families
from tests.live_server import PREDICTION, Server, serve

from tminus.registry.store import Registry

WORKERS = 4
MODEL = "launch_failure"
RELOAD_INTERVAL_S = 0.3
REQUESTS = 120
WAIT_S = 60.0
ROUTE = "/v1/launch-failure"


def _add_version(root: Path) -> str:
    """Register the champion's predictor again as a new version (a stand-in for a retrain)."""
    registry = Registry(root)
    loaded = registry.load_alias(MODEL, "champion")
    record = registry.register(
        MODEL, predictor=loaded.predictor, metadata=loaded.version.metadata, files={}
    )
    return record.version


def _scrape(server: Server) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """One scrape of /metrics on a fresh connection (so any worker may answer it)."""
    text = httpx.get(f"{server.url}/metrics", timeout=10.0).text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(
    scrape: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    """The sum of the samples of ``name`` whose labels include ``labels``."""
    return sum(
        value
        for (sample, sample_labels), value in scrape.items()
        if sample == name and set(labels.items()) <= set(sample_labels)
    )


def _loaded(server: Server, version: str) -> float:
    return _value(_scrape(server), "tminus_model_loaded", model=MODEL, version=version)


def _wait(what: str, condition: Callable[[], bool], timeout: float = WAIT_S) -> float:
    """Seconds until ``condition()`` holds; fails after ``timeout``."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, f"not within {timeout:.0f} s: {what}"
        time.sleep(0.05)
    return time.monotonic() - start


def _predict(server: Server, count: int) -> Counter[str]:
    """``count`` predictions, each on a new connection; the versions that answered."""
    versions: Counter[str] = Counter()
    for _ in range(count):
        answer = httpx.post(f"{server.url}{ROUTE}", json=PREDICTION, timeout=10.0)
        assert answer.status_code == 200, answer.text
        versions[answer.json()["version"]] += 1
    return versions


def _served_by_worker(folder: Path) -> dict[int, float]:
    """Prediction requests counted in each worker's own file of the shared metrics folder."""
    per_pid: dict[int, float] = {}
    for path in folder.glob("counter_*.db"):
        pid = int(path.stem.rsplit("_", 1)[1])
        for key, value, _, _ in MmapedDict.read_all_values_from_file(str(path)):
            _, sample, labels, _ = json.loads(key)  # prometheus_client.mmap_dict.mmap_key
            if sample == "tminus_requests_total" and labels.get("route") == ROUTE:
                per_pid[pid] = per_pid.get(pid, 0.0) + value
    return per_pid


def _workers_of(server: Server) -> set[int]:
    """The pids of the server's worker processes: its children started by multiprocessing's
    spawn (not its resource tracker), from /proc."""
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    workers = set()
    for pid in children.read_text().split():
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except FileNotFoundError:  # gone since
            continue
        if b"spawn_main" in command:
            workers.add(int(pid))
    return workers


@pytest.mark.timeout(240)
def test_four_workers_count_every_request_once_and_each_reloads_on_its_own(
    registry_copy: Path, tmp_path: Path
) -> None:
    first = Registry(registry_copy).resolve(MODEL, "champion")
    second = _add_version(registry_copy)
    folder = tmp_path / "metrics"
    env = {"PROMETHEUS_MULTIPROC_DIR": str(folder)}
    with serve(
        registry_copy, tmp_path, workers=WORKERS, reload_interval_s=RELOAD_INTERVAL_S, env=env
    ) as server:
        # Ready means every worker has loaded the champion, not just the one that answered.
        _wait("every worker serves the champion", lambda: _loaded(server, first) == WORKERS)
        assert len(_workers_of(server)) == WORKERS

        assert _predict(server, REQUESTS) == {first: REQUESTS}
        # A request is counted once its answer is sent, so the last count can trail the last
        # answer (more so while the workers build their MCP face, just after they are ready).
        _wait("every request counted", lambda: sum(_served_by_worker(folder).values()) >= REQUESTS)
        served = _served_by_worker(folder)
        assert sum(served.values()) == REQUESTS
        assert len(served) >= 2, f"one worker answered everything: {served}"
        # Whichever worker answers the scrape, it reports every worker's requests.
        for _ in range(3 * WORKERS):
            scrape = _scrape(server)
            assert _value(scrape, "tminus_requests_total", route=ROUTE, status="200") == REQUESTS
            assert _value(scrape, "tminus_predictions_total", model=MODEL) == REQUESTS
            assert _value(scrape, "tminus_request_duration_seconds_count", route=ROUTE) == REQUESTS

        # Each worker polls the alias itself and switches without being told.
        Registry(registry_copy).set_alias(MODEL, "champion", second)
        switched = _wait(
            "every worker serves the new champion",
            lambda: _loaded(server, second) == WORKERS,
            timeout=RELOAD_INTERVAL_S + 10.0,
        )
        scrape = _scrape(server)
        assert _value(scrape, "tminus_model_loaded", model=MODEL, version=first) == 0
        assert _value(scrape, "tminus_model_reloads_total", model=MODEL) == 2 * WORKERS
        assert _predict(server, 40) == {second: 40}

        # A killed worker is replaced; the new one loads the current champion, the dead one's
        # live gauge goes, and what it counted stays.
        victim = max(served, key=lambda pid: served[pid])
        assert victim in _workers_of(server)
        os.kill(victim, signal.SIGKILL)
        _wait(
            "a new worker replaces the killed one",
            lambda: victim not in _workers_of(server) and len(_workers_of(server)) == WORKERS,
        )
        _wait("the new worker serves the champion", lambda: _loaded(server, second) == WORKERS)
        scrape = _scrape(server)
        assert _value(scrape, "tminus_requests_total", route=ROUTE, status="200") == REQUESTS + 40
        assert _value(scrape, "tminus_model_loaded", model=MODEL, version=second) == WORKERS
        assert server.process.poll() is None, server.output()
    print(
        f"\n{WORKERS} workers: requests per worker {sorted(served.values(), reverse=True)}; "
        f"all switched {switched:.2f} s after the alias moved (poll every {RELOAD_INTERVAL_S} s)"
    )
