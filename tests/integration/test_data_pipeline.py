"""`make data` on the real mirror: fetch, build, the per-year counts, and a corrupted mirror.

The launches are the launch log (to 2025-04-04) merged with the mirror's slice of GCAT's full
launch list (to 2025-12-30); the counts are those datasets/README.md publishes.

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

from tminus.data import schema as S
from tminus.data.commands import data_app
from tminus.data.report import launches_per_year
from tminus.data.tables import build_info, data_cutoff, load_table, snapshot_hash
from tminus.data.validation import validate_table

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
    2025: (330, 12),
}
# "2025 in spaceflight" month by month, which the merged record matches.
MONTHS_2025 = [22, 20, 27, 26, 29, 25, 24, 29, 31, 26, 31, 40]
TOTAL_LAUNCHES, TOTAL_FAILURES = 7177, 502
TRUNCATED_LINE = 5001  # physical line of launchlog.tsv the corruption test cuts short
SLICE_LINE = 200  # physical line of launch_2025.tsv the slice corruption test cuts short


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


BUILD_ERR: list[str] = []


@pytest.fixture(scope="module")
def built(mirror: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("data")
    code, err = _run("fetch", "--mirror", str(mirror), "--data-dir", str(data_dir))
    assert code == 0, err
    code, err = _run("build", "--data-dir", str(data_dir))
    assert code == 0, err
    BUILD_ERR.append(err)
    return data_dir


def test_build_reproduces_the_published_per_year_counts(built: Path) -> None:
    launches = load_table(S.LAUNCHES, built / "processed")
    assert len(launches) == TOTAL_LAUNCHES
    assert int(launches[S.FAILED].sum()) == TOTAL_FAILURES
    assert launches[S.LAUNCH_TAG].is_unique
    per_year = launches_per_year(launches).set_index("year")
    for year, (attempts, failures) in EXPECTED_PER_YEAR.items():
        assert (per_year.loc[year, "attempts"], per_year.loc[year, "failures"]) == (
            attempts,
            failures,
        ), year
    in_2025 = launches[launches[S.LAUNCH_TIME].dt.year == 2025]
    assert in_2025[S.LAUNCH_TIME].dt.month.value_counts().sort_index().tolist() == MONTHS_2025
    assert data_cutoff(built / "processed").isoformat() == "2025-12-30"


def test_the_2025_slice_is_merged_with_the_launch_log(built: Path) -> None:
    launches = load_table(S.LAUNCHES, built / "processed").set_index(S.LAUNCH_TAG)
    # Only O, D and X launch attempts: the slice's suborbital and missile rows are dropped.
    assert set(launches[S.CATEGORY]) == {"orbital", "deep_space", "other_world"}
    assert not launches.index.str.contains(r"-[SMA]\d").any()
    # 30 launches are in both; the newer list fills the 3 pads the log left as '-'.
    assert launches.loc[["2025-051", "2025-067", "2025-068"], S.PAD].tolist() == [
        "LC43/94",
        "LC43/94",
        "LC16",
    ]
    # 257 launches come from the slice alone: no payload rows, so no payload count.
    after_log = launches[launches[S.LAUNCH_TIME] > "2025-04-05"]
    assert len(after_log) == 257 and int(after_log[S.FAILED].sum()) == 8
    assert after_log[S.PAYLOAD_COUNT].isna().all()
    assert launches.loc["2025-042", S.PAYLOAD_COUNT] >= 1  # in both: the log's count is kept
    # FailCode from the list; the launch log has none.
    assert launches.loc["2025-F03", S.FAIL_CODE] == "S2P"
    assert launches.loc["2025-U06", (S.OUTCOME_CODE, S.FAIL_CODE)].tolist() == ["OF20", "FF"]
    assert launches.loc[launches[S.LAUNCH_TIME] < "2025-03-01", S.FAIL_CODE].isna().all()
    assert launches.loc[launches[S.LAUNCH_TIME] < "2025-03-01", S.DEST].isna().all()
    # Chang Zheng 12A is not in lv.tsv: its own family, with a warning, not an error.
    assert launches.loc["2025-308", S.VEHICLE_FAMILY] == "Chang Zheng 12A"
    assert "Chang Zheng 12A (1 launch)" in BUILD_ERR[0]
    assert launches.loc["2025-308", S.STATE] == "CN"


def test_the_build_records_each_source_file(built: Path) -> None:
    info = build_info(built / "processed")
    assert info["launch_records"] == ["gcat/launchlog.tsv", "gcat_launch_recent/launch_2025.tsv"]
    sources = info["sources"]
    assert sources["gcat/launchlog.tsv"]["gcat_stamp"] == "2025 Apr  4 1838:54"
    assert sources["gcat/lv.tsv"]["gcat_stamp"] == "2025 Dec  1 0108:57"
    recent = sources["gcat_launch_recent/launch_2025.tsv"]
    assert recent == {
        "sha256": "ae327d23bd4ee5f77a29660449e84ad7705158662396e830eacb313930e4252a",
        "origin": "mirror",
        "last_launch": "2025-12-30",
    }
    # GCAT's files come from the mirror; T-Minus' own vehicle reference from the repository.
    assert {entry["origin"] for entry in sources.values()} == {"mirror", "repository"}
    assert sources["reference/vehicles.toml"]["origin"] == "repository"
    assert info["table_sources"][S.PADS_REFERENCE] == ["gcat/sites.tsv", "gcat/lp.tsv"]


def test_the_reference_tables(built: Path) -> None:
    variants = load_table(S.VEHICLE_VARIANTS, built / "processed")
    assert len(variants) == 1805  # every lv.tsv row, every class
    falcon = variants[(variants[S.VV_VEHICLE] == "Falcon 9") & (variants[S.VV_VARIANT] == "FT5")]
    assert falcon[[S.VV_FAMILY, S.VV_LEO_CAPACITY_KG, S.VV_CLASS]].values.tolist() == [
        ["Falcon9", 13150.0, "O"]
    ]
    assert not (variants[S.VV_LEO_CAPACITY_KG] == 0).any()
    pads = load_table(S.PADS_REFERENCE, built / "processed").set_index([S.PR_SITE, S.PR_PAD])
    assert pads.index.is_unique
    assert pads.loc[("CC", "LC40"), S.PR_PAD_STOP] == "*"
    assert pads.loc[("KSC", "LC39A"), S.PR_SITE_NAME] == "Kennedy"
    # Most launches' (site, pad) are found there.
    launches = load_table(S.LAUNCHES, built / "processed").dropna(subset=[S.PAD])
    keys = list(zip(launches[S.SITE], launches[S.PAD], strict=True))
    assert sum(key in pads.index for key in keys) / len(keys) > 0.9


def test_where_launches_went(built: Path) -> None:
    """launch_orbits on the mirror: classes from psatcat and the 2025 list, SpaceX masses."""
    table = load_table(S.LAUNCH_ORBITS, built / "processed")
    launches = load_table(S.LAUNCHES, built / "processed").set_index(S.LAUNCH_TAG)
    # Only launches that did not fail, and most of those since 2015 have a class.
    assert not launches.loc[table[S.LO_LAUNCH_TAG].unique(), S.FAILED].any()
    recent = launches[(launches[S.LAUNCH_TIME].dt.year >= 2015) & ~launches[S.FAILED]]
    assert recent.index.isin(table[S.LO_LAUNCH_TAG]).mean() > 0.9

    def reached(vehicle: str, site: str) -> set[str]:
        rows = table[(table[S.LO_VEHICLE] == vehicle) & (table[S.LO_SITE] == site)]
        return set(rows[S.LO_ORBIT_CLASS])

    assert {"LEO", "SSO"} <= reached("Electron", "MAHIA")
    assert "SSO" not in reached("Electron", "MARS")  # Wallops never launched to SSO
    assert {"GEO", "GTO", "SSO"} <= reached("Falcon 9", "CC")
    assert not reached("Falcon 9", "VSFBS") & {"GEO", "GTO"}
    assert "GEO" in reached("Ariane 5ECA", "CSG")
    # The SpaceX API's heaviest Falcon 9 payload to GTO: Telstar 19V, 7,076 kg (2018).
    gto = table[(table[S.LO_VEHICLE] == "Falcon 9") & (table[S.LO_ORBIT_CLASS] == "GTO")]
    heaviest = gto.loc[gto[S.LO_PAYLOAD_MASS_KG].idxmax()]
    assert (heaviest[S.LO_PAYLOAD_MASS_KG], heaviest[S.LO_LAUNCH_TAG]) == (7076.0, "2018-059")
    # The 2025 launch list names the variant that flew, and its orbit words.
    falcon_2025 = table[(table[S.LO_VEHICLE] == "Falcon 9") & table[S.LO_VARIANT].notna()]
    assert set(falcon_2025[S.LO_VARIANT]) == {"FT5"}
    assert (falcon_2025[S.LO_SOURCE].str.contains("launch_list")).all()
    info = build_info(built / "processed")
    assert {"gcat/psatcat.tsv", "spacex_api_v4/payloads.json"} <= set(
        info["table_sources"][S.LAUNCH_ORBITS]
    )


def test_every_table_is_built_and_valid(built: Path) -> None:
    rows = {}
    for name in S.TABLES:
        table = validate_table(load_table(name, built / "processed"), name)
        rows[name] = len(table)
    assert rows[S.WEATHER_EVENTS] == 140
    assert rows[S.BOOSTER_LANDINGS] > 200
    assert rows[S.NET_HISTORY] > 10_000
    landings = load_table(S.BOOSTER_LANDINGS, built / "processed")
    assert landings[S.BL_LANDING_SUCCESS].eq(True).sum() == 149  # 115 ASDS + 29 RTLS + 5 Ocean


def test_report_json_has_the_counts(built: Path) -> None:
    result = CliRunner().invoke(data_app, ["report", "--json", "--data-dir", str(built)])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["total_launches"] == TOTAL_LAUNCHES
    assert report["total_failures"] == TOTAL_FAILURES
    by_year = {r["year"]: (r["attempts"], r["failures"]) for r in report["launches_per_year"]}
    assert {y: by_year[y] for y in EXPECTED_PER_YEAR} == EXPECTED_PER_YEAR
    assert [r["path"] for r in report["launch_records"]] == [
        "gcat/launchlog.tsv",
        "gcat_launch_recent/launch_2025.tsv",
    ]
    text = CliRunner().invoke(data_app, ["report", "--data-dir", str(built)]).stdout
    assert "gcat_launch_recent/launch_2025.tsv (mirror, last launch 2025-12-30)" in text
    assert "│ 2025 │      330 │       12 │" in text
    assert "7,177" in text


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
    for name in S.TABLES:
        validate_table(load_table(name, processed), name)
    assert len(load_table(S.LAUNCHES, processed)) == TOTAL_LAUNCHES


def test_a_truncated_line_of_the_2025_slice_fails_naming_it(
    mirror: Path, built: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(built, data_dir)
    path = data_dir / "raw" / "gcat_launch_recent" / "launch_2025.tsv"
    path.chmod(0o644)
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[SLICE_LINE - 1] = "\t".join(lines[SLICE_LINE - 1].split("\t")[:12])
    path.write_text("\n".join(lines), encoding="utf-8")
    before = snapshot_hash(data_dir / "processed")
    code, err = _run("build", "--data-dir", str(data_dir), "--allow-changed")
    assert code == 1
    assert f"launch_2025.tsv line {SLICE_LINE}, column Ascent_Site: line has 12 of 26" in err
    assert snapshot_hash(data_dir / "processed") == before
