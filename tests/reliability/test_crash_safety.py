"""4. Crash safety: kill -9 the trainer and the promoter mid-write, then check and serve.

A trainer process registers real trained versions in a loop through the registry's write path
and is sent SIGKILL after a seeded random delay, 20 times; then a promoter process moving the
``champion`` alias back and forth, 20 times. After every kill the whole registry is checked:
every listed version verifies against its manifest (no partial version is ever listed), every
alias names a listed, verified version, and leftovers of the interrupted writes (temporary
folders and files) are ignored by the listing. Finally a service started on that registry is
ready and predicts from the champion.
"""

from __future__ import annotations

import os
import random
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tminus.registry.store import Registry

from .live import MODEL, Figures, add_version, check_registry, serve

KILLS = 20
SEED = 20_261_129
WRITER = Path(__file__).with_name("registry_writer.py")
READY_TIMEOUT_S = 30.0
# A registration takes ~0.1 s (a 1 MB artifact, its card and plots, fsyncs) and an alias move
# ~0.03 s (it loads the version first): the delays land each kill anywhere from before the
# first write to the third or the sixth.
TRAINER_DELAY_S = (0.0, 0.25)
PROMOTER_DELAY_S = (0.0, 0.2)


def _kill_mid_write(args: list[str], delay: float) -> None:
    """Start the writer, wait until it is writing, SIGKILL it after ``delay`` seconds."""
    process = subprocess.Popen(
        [sys.executable, str(WRITER), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None
    try:
        readable, _, _ = select.select([process.stdout], [], [], READY_TIMEOUT_S)
        line = process.stdout.readline() if readable else b""
        assert line == b"ready\n", f"writer not ready: {line!r}"
        time.sleep(delay)
        assert process.poll() is None, "the writer stopped before it was killed"
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=10) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
        process.stdout.close()
        if process.stderr is not None:
            process.stderr.close()
    assert "Traceback" not in stderr, stderr


def test_killing_the_trainer_and_the_promoter_never_leaves_a_broken_registry(
    champion_registry: Path, tmp_path: Path, figures: Figures
) -> None:
    root = tmp_path / "models"
    shutil.copytree(champion_registry, root)
    rng = random.Random(SEED)
    started = time.monotonic()

    # ---- the trainer: Registry.register of a real trained predictor, killed mid-write ----
    before = previous = check_registry(root)
    interrupted = 0
    for _ in range(KILLS):
        _kill_mid_write(["register", str(root), MODEL], rng.uniform(*TRAINER_DELAY_S))
        after = check_registry(root)  # raises on any partial version or dangling alias
        assert after.versions >= previous.versions
        assert after.leftovers - previous.leftovers in {0, 1}  # one interrupted write at most
        interrupted += after.leftovers - previous.leftovers
        previous = after
    registered = previous.versions - before.versions
    # The writer spends nearly all its time inside register(): most kills interrupt a write.
    assert interrupted >= KILLS // 2, interrupted
    trainer = check_registry(root)
    figures.add(
        f"trainer killed {KILLS} times (seed {SEED}): {interrupted} kills interrupted a "
        f"version being written (its temporary folder is left, never listed), {registered} "
        f"whole versions registered; all {trainer.versions} listed versions verified after "
        "every kill"
    )

    # ---- the promoter: Registry.set_alias between two versions, killed mid-move ----------
    registry = Registry(root)
    old = registry.resolve(MODEL, "champion")
    new = add_version(root)
    seen: set[str] = set()
    for _ in range(KILLS):
        _kill_mid_write(["promote", str(root), MODEL, old, new], rng.uniform(*PROMOTER_DELAY_S))
        check_registry(root)
        champion = registry.resolve(MODEL, "champion")
        assert champion in {old, new}
        registry.load(MODEL, champion)  # the alias names a version that loads
        seen.add(champion)
    promoter = check_registry(root)
    figures.add(
        f"promoter killed {KILLS} times: champion always {old} or {new} and loadable "
        f"(both seen: {len(seen) == 2}); {promoter.leftovers - trainer.leftovers} interrupted "
        "alias writes left a temporary file"
    )

    # ---- a service started afterwards serves ---------------------------------------------
    with serve(root, tmp_path) as server:
        ready = server.predict()
        assert ready.status_code == 200, ready.text
        assert ready.json()["version"] == registry.resolve(MODEL, "champion")
    figures.add(
        f"{2 * KILLS} kills survived; a service started on the registry afterwards was ready "
        f"and predicted from the champion; {time.monotonic() - started:.1f} s in all"
    )
