"""End to end: ``tminus serve`` as a real uvicorn process on 127.0.0.1, a live champion swap.

A client keeps sending predictions while the champion moves, first through the admin API and
then on disk (as ``tminus promote`` does). Every answer must succeed and name one version;
after the API move returns every answer comes from the new version, and the on-disk move is
picked up by the poller without a restart. All waits are bounded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from tests.live_server import Server, serve

from tminus.registry.store import Registry

ADMIN_KEY = "e2e-admin-key"
MODEL = "launch_failure"
ITEM = {"vehicle": "Falcon 9", "date": "2026-03-01", "site": "CC", "pad": "LC40"}
BATCH = {"items": [ITEM, {"vehicle": "Electron", "date": "2026-03-15"}] * 50}
SWITCH_TIMEOUT_S = 15.0


@pytest.fixture
def server(registry_copy: Path, tmp_path: Path) -> Iterator[Server]:
    with serve(registry_copy, tmp_path, admin_key=ADMIN_KEY, reload_interval_s=0.2) as running:
        yield running


@dataclass
class Load:
    """A client thread that predicts in a loop and records every answer."""

    url: str
    # (when the request was sent, status, version that answered)
    answers: list[tuple[float, int, str | None]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=10.0) as client:
            turn = 0
            while not self.stop.is_set():
                turn += 1
                body = BATCH if turn % 5 == 0 else ITEM
                sent = time.monotonic()
                try:
                    answer = client.post("/v1/launch-failure", json=body)
                except httpx.HTTPError as exc:
                    self.errors.append(repr(exc))
                    continue
                version = answer.json().get("version") if answer.status_code == 200 else None
                self.answers.append((sent, answer.status_code, version))

    def versions_since(self, moment: float) -> set[str | None]:
        """Versions that answered requests sent after ``moment``."""
        return {v for t, _, v in self.answers if t > moment}


def _add_version(root: Path) -> str:
    """Register the champion's predictor again as a new version (a stand-in for a retrain)."""
    registry = Registry(root)
    loaded = registry.load_alias(MODEL, "champion")
    card = (loaded.version.path / "MODEL_CARD.md").read_bytes()
    record = registry.register(
        MODEL,
        predictor=loaded.predictor,
        metadata=loaded.version.metadata,
        files={"MODEL_CARD.md": card},
    )
    return record.version


def _wait_for(load: Load, version: str, since: float) -> None:
    deadline = time.monotonic() + SWITCH_TIMEOUT_S
    while time.monotonic() < deadline:
        if version in load.versions_since(since):
            return
        time.sleep(0.05)
    pytest.fail(f"no answer from {version} within {SWITCH_TIMEOUT_S} s")


def test_a_live_champion_swap_with_no_failed_or_mixed_request(
    server: Server, registry_copy: Path
) -> None:
    old = Registry(registry_copy).resolve(MODEL, "champion")
    new = _add_version(registry_copy)
    load = Load(server.url)
    worker = threading.Thread(target=load.run, daemon=True)
    worker.start()
    try:
        time.sleep(0.3)
        # 1. Through the admin API: live as soon as the call returns.
        moved = httpx.put(
            f"{server.url}/v1/models/{MODEL}/aliases/champion",
            json={"version": new},
            headers={"X-API-Key": ADMIN_KEY},
            timeout=30.0,
        )
        assert moved.status_code == 200, moved.text
        assert moved.json()["served_version"] == new
        after_api = time.monotonic()
        _wait_for(load, new, after_api)
        # 2. On disk, as `tminus promote` does: the poller picks it up without a restart.
        Registry(registry_copy).set_alias(MODEL, "champion", old)
        after_disk = time.monotonic()
        _wait_for(load, old, after_disk)
        time.sleep(0.3)
    finally:
        load.stop.set()
        worker.join(timeout=15)
    assert not worker.is_alive()
    assert load.errors == [], server.output()
    statuses = {status for _, status, _ in load.answers}
    assert statuses == {200}, server.output()
    # Every request sent after the API call returned was answered by the new version.
    between = {v for t, _, v in load.answers if after_api < t <= after_disk}
    assert between == {new}
    # The versions served form three runs: old, new, old. Nothing flips back and forth.
    runs = [v for i, (_, _, v) in enumerate(load.answers) if i == 0 or load.answers[i - 1][2] != v]
    assert runs == [old, new, old], runs
    assert len(load.answers) > 20
    metrics = httpx.get(f"{server.url}/metrics", timeout=5.0).text
    assert f'tminus_model_loaded{{model="{MODEL}",version="{old}"}} 1.0' in metrics
