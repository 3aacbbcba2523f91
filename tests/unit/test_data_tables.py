"""The processed-table API: atomic writes, load errors, snapshot hash, cut-off, report counts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tminus.data import gcat, ll2, orbits, reference, vehicles
from tminus.data import schema as S
from tminus.data.build import write_tables
from tminus.data.errors import MissingTableError, TableValidationError
from tminus.data.report import launches_per_year
from tminus.data.spacex import flatten_cores
from tminus.data.tables import (
    build_info,
    data_cutoff,
    file_sources,
    load_table,
    snapshot_hash,
    table_path,
)
from tminus.data.weather import events_table

ROOT = Path(__file__).resolve().parents[2]
LOG = (
    "#Launch_Tag\tLaunch_Date\tLV_Type\tFlight_ID\tLaunch_Site\tLaunch_Pad\tAgency\tLVState\t"
    "Launch_Code\n"
    "2024-001\t2024 Dec 30 1200\tFalcon 9\t-\tCC\tLC40\tSPX\tUS\tOS\n"
    "2025-F01\t2025 Jan  2 0100:05\tFalcon 9\t-\tCC\tLC40\tSPX\tUS\tOF\n"
    "2025-001\t2025 Jan  3\tFalcon 9\t-\tCC\tLC40\tSPX\tUS\tDS\n"
)


LV = (
    "#LV_Name\tLV_Family\tLV_Manufacturer\tLV_Variant\tLEO_Capacity\tGTO_Capacity\tClass\n"
    "Falcon 9\tFalcon9\tSPX\tFT\t22800\t8300\tO\n"
)
SITES = "#Site\tUCode\tShortName\tName\nCC\tCC\tCape\tCape Canaveral\n"
LP = "#Site\tCode\tName\tTStart\tTStop\nCC\tLC40\tSLC-40\t1965\t*\n"


def _tables() -> dict[str, pd.DataFrame]:
    log = gcat.parse_gcat_text(LOG, file="launchlog.tsv")
    lv = gcat.parse_gcat_text(LV, file="lv.tsv")
    sites = gcat.parse_gcat_text(SITES, file="sites.tsv")
    lp = gcat.parse_gcat_text(LP, file="lp.tsv")
    launches = gcat.build_launches(log, lv, sites)
    return {
        S.LAUNCHES: launches,
        S.BOOSTER_LANDINGS: flatten_cores([], [], [], []),
        S.WEATHER_EVENTS: events_table([]),
        S.NET_HISTORY: ll2.history_table([]),
        S.VEHICLE_VARIANTS: reference.build_vehicle_variants(lv),
        S.PADS_REFERENCE: reference.build_pads_reference(sites, lp),
        S.LAUNCH_ORBITS: orbits.build_launch_orbits(launches),
        **vehicles.read_reference(ROOT / "datasets" / "reference" / "vehicles.toml").as_tables(),
    }


def test_tables_round_trip_with_their_dtypes(tmp_path: Path) -> None:
    tables = _tables()
    write_tables(tables, tmp_path / "processed", info={})
    launches = load_table(S.LAUNCHES, tmp_path / "processed")
    pd.testing.assert_frame_equal(launches, tables[S.LAUNCHES])
    assert str(launches[S.LAUNCH_TIME].dtype) == "datetime64[ns, UTC]"


def test_failed_write_leaves_previous_tables_untouched(tmp_path: Path) -> None:
    processed = tmp_path / "processed"
    write_tables(_tables(), processed, info={})
    before = snapshot_hash(processed)
    broken = _tables()
    broken[S.LAUNCHES] = broken[S.LAUNCHES].assign(**{S.PAYLOAD_COUNT: 0})
    with pytest.raises(TableValidationError, match=r"launches.*payload_count"):
        write_tables(broken, processed, info={})
    assert snapshot_hash(processed) == before
    assert [p.name for p in tmp_path.iterdir()] == ["processed"]  # no temporary leftovers


def test_missing_table_says_run_make_data(tmp_path: Path) -> None:
    with pytest.raises(MissingTableError, match=r"'launches'.*make data"):
        load_table(S.LAUNCHES, tmp_path)
    with pytest.raises(ValueError, match="unknown table 'rockets'"):
        table_path("rockets", tmp_path)


def test_snapshot_hash_changes_with_the_data(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    write_tables(_tables(), first, info={})
    write_tables(_tables(), second, info={"other": "metadata"})
    assert snapshot_hash(first) == snapshot_hash(second)  # metadata is not data
    changed = _tables()
    changed[S.LAUNCHES] = changed[S.LAUNCHES].iloc[:2]
    write_tables(changed, second, info={})
    assert snapshot_hash(first) != snapshot_hash(second)


def test_data_cutoff_is_the_last_launch_date(tmp_path: Path) -> None:
    write_tables(_tables(), tmp_path, info={})
    assert data_cutoff(tmp_path).isoformat() == "2025-01-03"
    with pytest.raises(MissingTableError, match="empty"):
        data_cutoff(tmp_path, S.NET_HISTORY)


def test_per_year_counts_include_deep_space_and_failures() -> None:
    per_year = launches_per_year(_tables()[S.LAUNCHES])
    assert per_year.to_dict("records") == [
        {"year": 2024, "attempts": 1, "failures": 0},
        {"year": 2025, "attempts": 2, "failures": 1},
    ]


def test_reference_tables_have_no_cutoff(tmp_path: Path) -> None:
    write_tables(_tables(), tmp_path, info={})
    with pytest.raises(ValueError, match="reference table"):
        data_cutoff(tmp_path, S.PADS_REFERENCE)


def test_build_info_names_the_files_behind_each_table(tmp_path: Path) -> None:
    info = {
        "sources": {
            "gcat/lv.tsv": {"sha256": "a" * 64, "origin": "mirror", "gcat_stamp": "2025 Dec  1"},
            "gcat/launchlog.tsv": {"sha256": "b" * 64, "origin": "download"},
            "spacex_api_v4/cores.json": {"sha256": "c" * 64, "origin": "mirror"},
        },
        "table_sources": {
            S.LAUNCHES: ["gcat/launchlog.tsv", "gcat/lv.tsv"],
            S.VEHICLE_VARIANTS: ["gcat/lv.tsv"],
            S.BOOSTER_LANDINGS: ["spacex_api_v4/cores.json"],
        },
    }
    write_tables(_tables(), tmp_path / "processed", info=info)
    assert build_info(tmp_path / "processed") == info
    assert file_sources(info, [S.LAUNCHES, S.VEHICLE_VARIANTS]) == [
        {"path": "gcat/launchlog.tsv", "sha256": "b" * 64, "origin": "download"},
        {
            "path": "gcat/lv.tsv",
            "sha256": "a" * 64,
            "origin": "mirror",
            "gcat_stamp": "2025 Dec  1",
        },
    ]
    assert file_sources(info, [S.WEATHER_EVENTS]) == []
    # Tables built before the record existed: nothing to name, not an error.
    assert build_info(tmp_path) == {}
    assert file_sources({}, [S.LAUNCHES]) == []
