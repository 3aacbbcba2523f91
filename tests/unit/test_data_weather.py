"""Summarising one BRAVO per-event weather file."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from tminus.data import schema as S
from tminus.data import weather
from tminus.data.errors import SourceValidationError
from tminus.data.validation import validate_table

CSV = (
    ",Balloon Wind Speed,Field Mill Mean,Count of Lightning Strikes,Rain Gauge Inches,"
    "Avg Wind Speed 0002 NW  NW,Avg Wind Speed SLC 40,Peak Wind Speed SLC 40,"
    "Altitude Height: 5000  m Speed (m/s),Altitude Height: 5000  m Shear,"
    "RWP0004 Max Height: 0.8  km Speed (m/s),Balloon Precipitable Water,scrub_id\n"
    "2020-01-01 10:00:00,10,-300,1,0.1,5,7,12,20,0.02,25,,0\n"
    "2020-01-01 10:05:00,12,150,2,,3,NaN,15,NaN,0.05,18,,0\n"
)


def _write(tmp_path: Path, name: str, text: str = CSV) -> Path:
    folder = tmp_path / weather.FEATURE_FOLDER
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def test_summary_features_and_label_from_file_name(tmp_path: Path) -> None:
    _write(tmp_path, "20200101-scrub.csv")
    _write(tmp_path, "20191231-launch.csv")
    events = weather.read_weather_events(
        tmp_path,
        [
            f"{weather.FEATURE_FOLDER}/20200101-scrub.csv",
            f"{weather.FEATURE_FOLDER}/20191231-launch.csv",
        ],
    )
    events = validate_table(events, S.WEATHER_EVENTS)
    assert events[S.WX_SOURCE_FILE].tolist() == ["20191231-launch.csv", "20200101-scrub.csv"]
    assert events[S.WX_SCRUBBED].tolist() == [False, True]
    row = events.iloc[1]
    assert row[S.WX_EVENT_DATE] == pd.Timestamp("2020-01-01", tz="UTC")
    assert row[S.WX_N_ROWS] == 2
    assert row[S.WX_MAX_AVG_WIND] == 7
    assert row[S.WX_MEAN_AVG_WIND] == pytest.approx(5.0)  # (5 + 7 + 3) / 3, NaN skipped
    assert row[S.WX_MAX_PEAK_WIND] == 15
    assert row[S.WX_MAX_ABS_FIELD_MILL] == 300
    assert row[S.WX_LIGHTNING_COUNT] == 3
    assert row[S.WX_RAIN_INCHES] == pytest.approx(0.1)
    assert row[S.WX_BALLOON_WIND] == 12
    assert row[S.WX_MAX_PROFILER_WIND] == 25  # over the 50 MHz and 915 MHz profilers
    assert row[S.WX_MAX_PROFILER_SHEAR] == pytest.approx(0.05)
    assert math.isnan(row[S.WX_PRECIP_WATER])  # sensor missing for the whole window


def test_non_numeric_value_names_file_line_and_column(tmp_path: Path) -> None:
    bad = CSV.replace("2020-01-01 10:05:00,12,150", "2020-01-01 10:05:00,12,lots")
    _write(tmp_path, "20200101-launch.csv", bad)
    with pytest.raises(SourceValidationError) as err:
        weather.read_weather_events(tmp_path, [f"{weather.FEATURE_FOLDER}/20200101-launch.csv"])
    assert (err.value.file, err.value.line, err.value.column) == (
        "20200101-launch.csv",
        3,
        "Field Mill Mean",
    )


@pytest.mark.parametrize(
    "name", ["2020-01-01-launch.csv", "20200101-hold.csv", "20201301-scrub.csv"]
)
def test_file_name_must_carry_date_and_label(tmp_path: Path, name: str) -> None:
    _write(tmp_path, name)
    with pytest.raises(SourceValidationError, match="YYYYMMDD"):
        weather.read_weather_events(tmp_path, [f"{weather.FEATURE_FOLDER}/{name}"])
