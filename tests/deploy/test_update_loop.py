"""1. Compose, the updater's schedule: deploy/updater/tminus-update-loop with a stand-in tminus.

The loop is the updater image's command in compose (every TMINUS_UPDATE_INTERVAL_S) and, with
``--once``, in the Kubernetes CronJob. Here it runs on the host with a fake ``tminus`` on PATH
that records each ``tminus data update`` call, so the schedule, the seeding of the data
folder, failures and stopping are checked in seconds; `make deploy-test` runs the real command
in the real image.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .manifests import UPDATE_LOOP

FAKE_TMINUS = """#!/bin/sh
# A stand-in for `tminus`: `data update --help` answers unless $FAKE/no-update exists; each
# `data update` exits with the number in $FAKE/status (0 if absent), read before it appends
# its arguments and TMINUS_UPSTREAM to $FAKE/calls (so a test that sees the call recorded may
# change the status for the next one).
if [ "$1 $2" != "data update" ]; then exit 64; fi
if [ "${3:-}" = "--help" ]; then
    if [ -e "$FAKE/no-update" ]; then echo "No such command 'update'." >&2; exit 2; fi
    exit 0
fi
shift 2
status="$(cat "$FAKE/status" 2>/dev/null || echo 0)"
echo "$* upstream=${TMINUS_UPSTREAM:-}" >>"$FAKE/calls"
exit "$status"
"""


@pytest.fixture
def fake(tmp_path: Path) -> Path:
    folder = tmp_path / "fake"
    (folder / "bin").mkdir(parents=True)
    script = folder / "bin" / "tminus"
    script.write_text(FAKE_TMINUS)
    script.chmod(0o755)
    seed = tmp_path / "seed"
    (seed / "raw" / "gcat").mkdir(parents=True)
    (seed / "raw" / "gcat" / "launchlog.tsv").write_text("seeded\n")
    (seed / "processed").mkdir()
    (seed / "sources.toml").write_text("# manifest from the image\n")
    return folder


def _loop(fake: Path, tmp_path: Path, *args: str, interval: str = "1") -> subprocess.Popen[str]:
    env = {
        "PATH": f"{fake / 'bin'}:{os.environ['PATH']}",
        "FAKE": str(fake),
        "TMINUS_UPDATE_INTERVAL_S": interval,
        "TMINUS_DATA_DIR": str(tmp_path / "data"),
        "TMINUS_MODELS_DIR": str(tmp_path / "models"),
        "TMINUS_SEED_DIR": str(tmp_path / "seed"),
        "TMINUS_UPSTREAM": "file:///upstream",
    }
    return subprocess.Popen(
        ["sh", str(UPDATE_LOOP), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _once(fake: Path, tmp_path: Path) -> int:
    """One cycle (``--once``); its exit status."""
    loop = _loop(fake, tmp_path, "--once")
    loop.communicate(timeout=10)
    return loop.returncode


def _calls(fake: Path) -> list[str]:
    calls = fake / "calls"
    return calls.read_text().splitlines() if calls.exists() else []


def test_it_updates_now_and_every_interval_and_a_failed_cycle_does_not_stop_it(
    fake: Path, tmp_path: Path
) -> None:
    (fake / "status").write_text("1\n")  # the first cycle fails
    loop = _loop(fake, tmp_path, interval="1")
    try:
        deadline = time.monotonic() + 30
        while len(_calls(fake)) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        (fake / "status").write_text("0\n")
        while len(_calls(fake)) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        loop.send_signal(signal.SIGTERM)
        output, _ = loop.communicate(timeout=10)
    data, models = tmp_path / "data", tmp_path / "models"
    assert (
        _calls(fake)[:3]
        == [f"--train --data-dir {data} --models-dir {models} upstream=file:///upstream"] * 3
    ), output
    assert "tminus-update: cycle 1 failed with exit code 1" in output
    assert "tminus-update: cycle 2 ok in" in output
    assert loop.returncode == 143, output


def test_a_stop_signal_ends_it_at_once_even_between_cycles(fake: Path, tmp_path: Path) -> None:
    loop = _loop(fake, tmp_path, interval="3600")
    deadline = time.monotonic() + 30
    while not _calls(fake) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # now asleep until the next cycle, an hour away
    asked = time.monotonic()
    loop.send_signal(signal.SIGTERM)
    output, _ = loop.communicate(timeout=10)
    assert time.monotonic() - asked < 5.0  # not the hour it was asleep for, on a busy machine
    assert loop.returncode == 143
    assert "tminus-update: stopping" in output


def test_once_runs_one_cycle_and_exits_with_its_status(fake: Path, tmp_path: Path) -> None:
    (fake / "status").write_text("3\n")
    loop = _loop(fake, tmp_path, "--once")
    output, _ = loop.communicate(timeout=10)
    assert loop.returncode == 3
    assert len(_calls(fake)) == 1
    assert "cycle 1 failed with exit code 3" in output


def test_without_a_data_update_command_it_fails_loudly_and_updates_nothing(
    fake: Path, tmp_path: Path
) -> None:
    (fake / "no-update").touch()
    loop = _loop(fake, tmp_path)
    output, _ = loop.communicate(timeout=10)
    assert loop.returncode == 2
    assert "error: this image's tminus has no 'tminus data update' command" in output
    assert "No such command 'update'" in output
    assert _calls(fake) == []


def test_an_empty_data_folder_is_seeded_once_and_the_manifest_refreshed(
    fake: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    assert _once(fake, tmp_path) == 0
    assert (data / "raw" / "gcat" / "launchlog.tsv").read_text() == "seeded\n"
    assert (data / "processed").is_dir()
    # What the updater downloaded since is never replaced by the seed; the manifest, which
    # comes with the code, is.
    (data / "raw" / "gcat" / "launchlog.tsv").write_text("updated\n")
    (tmp_path / "seed" / "sources.toml").write_text("# a newer image's manifest\n")
    assert _once(fake, tmp_path) == 0
    assert (data / "raw" / "gcat" / "launchlog.tsv").read_text() == "updated\n"
    assert (data / "sources.toml").read_text() == "# a newer image's manifest\n"
    assert sorted(p.name for p in data.iterdir()) == ["processed", "raw", "sources.toml"]


def test_a_bad_interval_is_refused(fake: Path, tmp_path: Path) -> None:
    loop = _loop(fake, tmp_path, interval="1h")
    output, _ = loop.communicate(timeout=10)
    assert loop.returncode == 2
    assert "TMINUS_UPDATE_INTERVAL_S must be a whole number of seconds, not '1h'" in output
