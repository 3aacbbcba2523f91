"""7. Data faults: a truncated or garbled source file fails the build, naming the file and line.

Each case corrupts one raw source file of a built data folder (cut mid-line, bytes replaced by
bytes that are not UTF-8, or by printable garbage) and runs the real ``tminus data build``
command, as ``make data`` does. Without ``--allow-changed`` the build refuses the file by its
sha256 (checked once); with it, the parser must fail with one line naming the file and the
line (exit 1, no traceback). Either way the processed tables and the served models are byte
for byte as before.

``tests/integration/test_data_pipeline.py`` covers the same for a truncated ``launchlog.tsv``
through ``fetch`` too; this table adds the garbled files and the other formats (TSV, JSON, CSV).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from .live import Figures, tminus_command, tree_digest

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "datasets" / "sources.toml"
WEATHER = "cape_weather_launch_scrub/weather_features_per_event/20150110-launch.csv"


def _replace(data: bytes, line: int, junk: bytes) -> bytes:
    """``data`` with bytes of ``line`` (from its 21st byte, or its middle) replaced by ``junk``."""
    start = 0
    for _ in range(line - 1):
        start = data.index(b"\n", start) + 1
    at = start + min(20, (data.index(b"\n", start) - start - len(junk)) // 2)
    return data[:at] + junk + data[at + len(junk) :]


def invalid_utf8(line: int) -> Callable[[bytes], tuple[bytes, int]]:
    """Three bytes of ``line`` replaced by bytes that are not UTF-8."""
    return lambda data: (_replace(data, line, b"\xff\xfe\x80"), line)


def garbage(line: int) -> Callable[[bytes], tuple[bytes, int]]:
    """Eight bytes of ``line`` replaced by printable garbage."""
    return lambda data: (_replace(data, line, b"#@!%&*()"), line)


def truncated(data: bytes) -> tuple[bytes, int]:
    """The file cut two thirds in, in the middle of a line (the last one left)."""
    cut = len(data) * 2 // 3
    while data[cut - 1 : cut + 1].count(b"\n"):  # not at a line boundary
        cut += 1
    return data[:cut], data.count(b"\n", 0, cut) + 1


@dataclass(frozen=True)
class Fault:
    file: str  # under raw/
    corrupt: Callable[[bytes], tuple[bytes, int]]  # -> new bytes, the line at fault
    message: str  # regex of the error; {line} is the line at fault


FAULTS = {
    "launchlog.tsv truncated": Fault(
        "gcat/launchlog.tsv", truncated, r"launchlog\.tsv line {line}, column \S+: .*truncated"
    ),
    "launchlog.tsv garbled, not UTF-8": Fault(
        "gcat/launchlog.tsv",
        invalid_utf8(5001),
        r"launchlog\.tsv line {line}, column Launch_Date: not UTF-8 text",
    ),
    "launchlog.tsv garbled, printable": Fault(
        "gcat/launchlog.tsv", garbage(5001), r"launchlog\.tsv line {line}, column Launch_Date: "
    ),
    "launches.json truncated": Fault(
        "spacex_api_v4/launches.json", truncated, r"launches\.json line {line}, .*not valid JSON"
    ),
    "launches.json garbled, not UTF-8": Fault(
        "spacex_api_v4/launches.json", invalid_utf8(300), r"launches\.json line {line}, .*UTF-8"
    ),
    "weather CSV truncated": Fault(WEATHER, truncated, r"launch\.csv line {line}, .*truncated"),
    "weather CSV garbled, not UTF-8": Fault(
        WEATHER, invalid_utf8(10), r"launch\.csv line {line}, column \S.*: not UTF-8 text"
    ),
}


@pytest.fixture(scope="module")
def served_models(champion_registry: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The registry the build runs beside (``TMINUS_MODELS_DIR``), to show it is not touched."""
    root = tmp_path_factory.mktemp("data-faults") / "models"
    shutil.copytree(champion_registry, root)
    return root


def _build(data_dir: Path, models: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMINUS_")}
    env["TMINUS_MODELS_DIR"] = str(models)
    command = [*tminus_command(), "data", "build", "--data-dir", str(data_dir)]
    return subprocess.run(
        [*command, "--manifest", str(MANIFEST), *extra],
        capture_output=True,
        text=True,
        env=env,
        cwd=data_dir,
        timeout=120,
        check=False,
    )


def _corrupt_copy(processed_dir: Path, tmp_path: Path, fault: Fault) -> tuple[Path, int]:
    """A copy of the built data folder with ``fault`` applied; returns it and the bad line."""
    data_dir = tmp_path / "data"
    shutil.copytree(processed_dir.parent / "raw", data_dir / "raw")
    shutil.copytree(processed_dir, data_dir / "processed")
    source = data_dir / "raw" / fault.file
    source.chmod(0o644)
    corrupted, line = fault.corrupt(source.read_bytes())
    source.write_bytes(corrupted)
    return data_dir, line


def test_make_data_refuses_a_garbled_file_by_its_hash_and_changes_nothing(
    processed_dir: Path, served_models: Path, tmp_path: Path, figures: Figures
) -> None:
    data_dir, _ = _corrupt_copy(processed_dir, tmp_path, FAULTS["launchlog.tsv garbled, not UTF-8"])
    tables, models = tree_digest(data_dir / "processed"), tree_digest(served_models)
    refused = _build(data_dir, served_models)
    assert refused.returncode == 1, refused.stderr
    assert "Traceback" not in refused.stderr, refused.stderr
    assert "gcat/launchlog.tsv" in refused.stderr and "sha256" in refused.stderr, refused.stderr
    assert tree_digest(data_dir / "processed") == tables
    assert tree_digest(served_models) == models
    figures.add(
        f"garbled launchlog.tsv, as `make data` runs: exit 1, {refused.stderr.strip()[:110]}"
    )


@pytest.mark.parametrize("case", FAULTS)
def test_a_corrupt_source_fails_the_build_naming_file_and_line_and_changes_nothing(
    processed_dir: Path, served_models: Path, tmp_path: Path, figures: Figures, case: str
) -> None:
    fault = FAULTS[case]
    data_dir, line = _corrupt_copy(processed_dir, tmp_path, fault)
    tables, models = tree_digest(data_dir / "processed"), tree_digest(served_models)

    started = time.monotonic()
    failed = _build(data_dir, served_models, "--allow-changed")
    seconds = time.monotonic() - started
    assert failed.returncode == 1, failed.stderr
    assert "Traceback" not in failed.stderr, failed.stderr
    error = next((s for s in failed.stderr.splitlines() if s.startswith("error:")), "")
    assert re.search(fault.message.format(line=line), error), error

    assert tree_digest(data_dir / "processed") == tables
    assert tree_digest(served_models) == models
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".tmp")]
    figures.add(f"{case}: exit 1 in {seconds:.1f} s, {error[:130]}")
