"""Flattening SpaceX API v4 launches into one row per core."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tminus.data import schema as S
from tminus.data import spacex
from tminus.data.errors import SourceValidationError
from tminus.data.specs import columns_of
from tminus.data.validation import validate_table

ROCKETS = [{"id": "r9", "name": "Falcon 9"}, {"id": "rh", "name": "Falcon Heavy"}]
CORES = [
    {"id": "c1", "serial": "B1049", "block": 5},
    {"id": "c2", "serial": "B1052", "block": 5},
    {"id": "c3", "serial": "B1053", "block": None},
]
PAYLOADS = [
    {"id": "p1", "mass_kg": 1000, "orbit": "GTO"},
    {"id": "p2", "mass_kg": 500.5, "orbit": "LEO"},
    {"id": "p3", "mass_kg": None, "orbit": "ISS"},
]


def _core(core: str | None, **overrides: Any) -> dict[str, Any]:
    base = {
        "core": core,
        "flight": 3,
        "reused": True,
        "landing_attempt": True,
        "landing_success": True,
        "landing_type": "ASDS",
    }
    return {**base, **overrides}


def _launch(
    lid: str, date: str, rocket: str, cores: list[Any], payloads: list[str]
) -> dict[str, Any]:
    return {
        "id": lid,
        "date_utc": date,
        "rocket": rocket,
        "payloads": payloads,
        "cores": cores,
        "success": True,
        "upcoming": False,
    }


def _flatten(launches: list[dict[str, Any]]) -> pd.DataFrame:
    out = spacex.flatten_cores(launches, CORES, PAYLOADS, ROCKETS)
    return validate_table(out, S.BOOSTER_LANDINGS)


def test_heavy_launch_gives_one_row_per_core_with_launch_fields_repeated() -> None:
    heavy = _launch(
        "L2",
        "2019-04-11T22:35:00.000Z",
        "rh",
        [
            _core("c1", landing_type="RTLS"),
            _core("c2", landing_type="RTLS"),
            _core("c3", landing_success=False, reused=False, flight=1),
        ],
        ["p1", "p2"],
    )
    out = _flatten([heavy])
    assert len(out) == 3
    assert out[S.BL_CORE_SERIAL].tolist() == ["B1049", "B1052", "B1053"]
    assert set(out[S.BL_ROCKET]) == {"Falcon Heavy"}
    assert out[S.BL_PAYLOAD_MASS_KG].tolist() == [1500.5] * 3  # summed over payloads
    assert set(out[S.BL_ORBIT]) == {"GTO"}  # the first payload's
    assert out[S.BL_LANDING_SUCCESS].tolist() == [True, True, False]
    assert out.loc[2, S.BL_CORE_FLIGHT] == 1
    assert pd.isna(out.loc[2, S.BL_BLOCK])
    assert out.loc[0, S.BL_LAUNCH_TIME] == pd.Timestamp("2019-04-11 22:35", tz="UTC")


def test_unknown_core_no_landing_and_unknown_mass_stay_null() -> None:
    launch = _launch(
        "L1",
        "2010-06-04T18:45:00.000Z",
        "r9",
        [
            _core(
                None,
                flight=None,
                reused=None,
                landing_attempt=None,
                landing_success=None,
                landing_type=None,
            )
        ],
        ["p3"],
    )
    row = _flatten([launch]).iloc[0]
    for column in (
        S.BL_CORE_SERIAL,
        S.BL_BLOCK,
        S.BL_CORE_FLIGHT,
        S.BL_REUSED,
        S.BL_LANDING_ATTEMPT,
        S.BL_LANDING_SUCCESS,
        S.BL_LANDING_TYPE,
        S.BL_PAYLOAD_MASS_KG,
    ):
        assert pd.isna(row[column]), column
    assert row[S.BL_ORBIT] == "ISS"


def test_dtypes_and_order() -> None:
    out = _flatten(
        [
            _launch("L2", "2021-01-01T00:00:00.000Z", "r9", [_core("c1")], ["p1"]),
            _launch("L1", "2020-01-01T00:00:00.000Z", "r9", [_core("c2")], ["p2"]),
        ]
    )
    assert list(out.columns) == columns_of(S.BOOSTER_LANDINGS)
    assert out[S.BL_LAUNCH_ID].tolist() == ["L1", "L2"]
    assert str(out[S.BL_LAUNCH_TIME].dtype) == "datetime64[ns, UTC]"
    assert str(out[S.BL_LANDING_SUCCESS].dtype) == "boolean"
    assert str(out[S.BL_CORE_FLIGHT].dtype) == "Int64"


@pytest.mark.parametrize(
    ("core", "field"),
    [
        (_core("c1", landing_success="yes"), "cores[0].landing_success"),
        (_core("c1", flight=True), "cores[0].flight"),
        (_core("c1", landing_type="Drone"), "cores[0].landing_type"),
    ],
)
def test_bad_field_names_file_record_and_field(core: dict[str, Any], field: str) -> None:
    launch = _launch("L9", "2020-01-01T00:00:00.000Z", "r9", [core], [])
    with pytest.raises(SourceValidationError) as err:
        spacex.flatten_cores([launch], CORES, PAYLOADS, ROCKETS)
    assert err.value.file == "launches.json"
    assert err.value.column == field
    assert "record 0 (id 'L9')" in str(err.value)


def test_read_records_rejects_non_array(tmp_path: Path) -> None:
    path = tmp_path / "launches.json"
    path.write_text(json.dumps({"not": "a list"}))
    with pytest.raises(SourceValidationError, match=r"launches\.json .*JSON array"):
        spacex.read_records(path)
