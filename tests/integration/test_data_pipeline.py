"""`make data` on the real mirror: fetch, build, the per-year counts, and a corrupted mirror.

The mirror is ``$DATA_MIRROR`` or ``../shared/datasets`` (relative to the project root). CI
always has it, so its absence is a failure, not a skip.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tminus.data import schema as s
from tminus.data.commands import data_app
from tminus.data.report import launches_per_year
from tminus.data.tables import load_table, snapshot_hash
from tminus.data.validation import validate_table

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "datasets" / "sources.toml"
EXPECTED_PER_YEAR = {
    2018: (114, 2),
    2019: (102, 5),
    2020: (115, 10),
    2021: (146, 11),
    2022: (186, 7),
    2023: (223, 12),
    2024: (264, 6),
    2025: (73, 4),
}
TRUNCATED_LINE = 5001  # physical line of launchlog.tsv the corruption test cuts short


@pytest.fixture(scope="module")
def mirror() -> Path:
    path = Path(os.environ.get("DATA_MIRROR", "../shared/datasets"))
    path = path if path.is_absolute() else ROOT / path
    assert (path / "gcat" / "launchlog.tsv").is_file(), (
        f"data mirror not found at {path}: set DATA_MIRROR to the shared datasets folder"
    )
    return path


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(data_app, [*args, "--manifest", str(MANIFEST)])
    return result.exit_code, result.stderr


@pytest.fixture(scope="module")
def built(mirror: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("data")
    code, err = _run("fetch", "--mirror", str(mirror), "--data-dir", str(data_dir))
    assert code == 0, err
    code, err = _run("build", "--data-dir", str(data_dir))
    assert code == 0, err
    return data_dir


def test_build_reproduces_the_published_per_year_counts(built: Path) -> None:
    launches = load_table(s.LAUNCHES, built / "processed")
    assert len(launches) == 6920
    assert launches[s.LAUNCH_TAG].is_unique
    per_year = launches_per_year(launches).set_index("year")
    for year, (attempts, failures) in EXPECTED_PER_YEAR.items():
        assert (per_year.loc[year, "attempts"], per_year.loc[year, "failures"]) == (
            attempts,
            failures,
        ), year


def test_every_table_is_built_and_valid(built: Path) -> None:
    rows = {}
    for name in s.TABLES:
        table = validate_table(load_table(name, built / "processed"), name)
        rows[name] = len(table)
    assert rows[s.WEATHER_EVENTS] == 140
    assert rows[s.BOOSTER_LANDINGS] > 200
    assert rows[s.NET_HISTORY] > 10_000
    landings = load_table(s.BOOSTER_LANDINGS, built / "processed")
    assert landings[s.BL_LANDING_SUCCESS].eq(True).sum() == 149  # 115 ASDS + 29 RTLS + 5 Ocean


def test_report_json_has_the_counts(built: Path) -> None:
    result = CliRunner().invoke(data_app, ["report", "--json", "--data-dir", str(built)])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["total_launches"] == 6920
    by_year = {r["year"]: (r["attempts"], r["failures"]) for r in report["launches_per_year"]}
    assert {y: by_year[y] for y in EXPECTED_PER_YEAR} == EXPECTED_PER_YEAR


def test_truncated_launchlog_is_refused_then_fails_naming_the_line(
    mirror: Path, built: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"  # a copy: the other tests keep their good build
    shutil.copytree(built, data_dir)
    corrupt = tmp_path / "mirror"
    shutil.copytree(mirror, corrupt)
    log = corrupt / "gcat" / "launchlog.tsv"
    log.chmod(0o644)
    lines = log.read_text(encoding="utf-8").split("\n")
    victim = lines[TRUNCATED_LINE - 1]
    lines[TRUNCATED_LINE - 1] = victim[: len(victim) // 2]
    log.write_text("\n".join(lines), encoding="utf-8")
    processed = data_dir / "processed"
    before = snapshot_hash(processed)

    code, err = _run("fetch", "--mirror", str(corrupt), "--data-dir", str(data_dir))
    assert code == 1
    assert "gcat/launchlog.tsv" in err
    assert "sha256" in err

    code, err = _run(
        "fetch", "--mirror", str(corrupt), "--data-dir", str(data_dir), "--allow-changed"
    )
    assert code == 0, err
    code, err = _run("build", "--data-dir", str(data_dir))
    assert code == 1
    assert "launchlog.tsv" in err
    assert "sha256" in err

    code, err = _run("build", "--data-dir", str(data_dir), "--allow-changed")
    assert code == 1
    assert f"launchlog.tsv line {TRUNCATED_LINE}, column" in err
    assert "Traceback" not in err

    assert snapshot_hash(processed) == before
    for name in s.TABLES:
        validate_table(load_table(name, processed), name)
    assert len(load_table(s.LAUNCHES, processed)) == 6920
