"""BRAVO Cape weather set: one row per launch/scrub event, summarising its sensor file.

Each ``weather_features_per_event/YYYYMMDD-(launch|scrub).csv`` holds ~4 h of 5-minute rows
before T-0. The file name is the label (the CSV metadata files are partly mis-aligned).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from tminus.data import schema as S
from tminus.data.errors import SourceValidationError, decode_utf8
from tminus.data.specs import columns_of

FEATURE_FOLDER: Final = "weather_features_per_event"
FILE_PATTERN: Final = re.compile(r"^(?P<date>\d{8})-(?P<label>launch|scrub)\.csv$")

AVG_WIND_PREFIX: Final = "Avg Wind Speed "
PEAK_WIND_PREFIX: Final = "Peak Wind Speed "
FIELD_MILL: Final = "Field Mill Mean"
LIGHTNING_COUNT: Final = "Count of Lightning Strikes"
RAIN: Final = "Rain Gauge Inches"
PRECIP_WATER: Final = "Balloon Precipitable Water"
BALLOON_WIND: Final = "Balloon Wind Speed"
# 50 MHz profiler: "Altitude Height: 5000  m ..."; 915 MHz profilers: "RWP0004 Max Height: ...".
PROFILER_PREFIXES: Final = ("Altitude Height:", "RWP")
PROFILER_SPEED_SUFFIX: Final = "Speed (m/s)"
PROFILER_SHEAR_SUFFIX: Final = " Shear"

Reducer = Callable[[pd.DataFrame], float]


def _columns(frame: pd.DataFrame, keep: Callable[[str], bool]) -> list[str]:
    return [c for c in frame.columns if keep(str(c))]


def _all_values(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    if not columns:
        return np.array([], dtype=float)
    return frame[list(columns)].to_numpy(dtype=float).ravel()


def _reduce(values: np.ndarray, how: str) -> float:
    finite = values[~np.isnan(values)]
    if finite.size == 0:
        return float("nan")
    if how == "max":
        return float(finite.max())
    if how == "mean":
        return float(finite.mean())
    return float(finite.sum())


def numeric_features(frame: pd.DataFrame, *, file: str) -> pd.DataFrame:
    """All sensor columns as float; a non-numeric value fails naming file, line and column.

    The first CSV column (the unnamed timestamp) and ``scrub_id`` are dropped. Line numbers
    count the header as line 1.
    """
    sensors = frame.drop(columns=[frame.columns[0], "scrub_id"], errors="ignore")
    out: dict[str, pd.Series] = {}
    for column in sensors.columns:
        raw = sensors[column]
        if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
            out[str(column)] = raw.astype("float64")
            continue
        values = pd.to_numeric(raw, errors="coerce")
        bad = values.isna() & raw.notna()
        if bad.any():
            position = int(np.flatnonzero(bad.to_numpy())[0])
            raise SourceValidationError(
                file,
                line=position + 2,
                column=str(column),
                problem=f"{raw.iloc[position]!r} is not a number",
            )
        out[str(column)] = values.astype("float64")
    return pd.DataFrame(out, index=frame.index)


def summarize_event(frame: pd.DataFrame, *, file: str) -> dict[str, float | int | bool | str]:
    """Summary features of one event's sensor file (see ``schema.WX_FEATURES``).

    Parameters
    ----------
    frame
        The CSV as read (all columns), one row per 5-minute bin.
    file
        The file name ``YYYYMMDD-(launch|scrub).csv``: gives the date and the label.

    Returns
    -------
    dict
        One ``weather_events`` row without its date (added by the caller). Features are NaN
        where the sensors were missing for the whole window.
    """
    match = FILE_PATTERN.match(file)
    if match is None:
        raise SourceValidationError(
            file,
            line=None,
            record="file name",
            column="(name)",
            problem="expected YYYYMMDD-launch.csv or YYYYMMDD-scrub.csv",
        )
    values = numeric_features(frame, file=file)

    def pick(keep: Callable[[str], bool]) -> np.ndarray:
        return _all_values(values, _columns(values, keep))

    profiler = tuple(PROFILER_PREFIXES)
    features: dict[str, float] = {
        S.WX_MAX_AVG_WIND: _reduce(pick(lambda c: c.startswith(AVG_WIND_PREFIX)), "max"),
        S.WX_MAX_PEAK_WIND: _reduce(pick(lambda c: c.startswith(PEAK_WIND_PREFIX)), "max"),
        S.WX_MEAN_AVG_WIND: _reduce(pick(lambda c: c.startswith(AVG_WIND_PREFIX)), "mean"),
        S.WX_MAX_ABS_FIELD_MILL: _reduce(np.abs(pick(lambda c: c == FIELD_MILL)), "max"),
        S.WX_LIGHTNING_COUNT: _reduce(pick(lambda c: c == LIGHTNING_COUNT), "sum"),
        S.WX_RAIN_INCHES: _reduce(pick(lambda c: c == RAIN), "sum"),
        S.WX_PRECIP_WATER: _reduce(pick(lambda c: c == PRECIP_WATER), "mean"),
        S.WX_BALLOON_WIND: _reduce(pick(lambda c: c == BALLOON_WIND), "max"),
        S.WX_MAX_PROFILER_WIND: _reduce(
            pick(lambda c: c.startswith(profiler) and c.endswith(PROFILER_SPEED_SUFFIX)), "max"
        ),
        S.WX_MAX_PROFILER_SHEAR: _reduce(
            pick(lambda c: c.startswith(profiler) and c.endswith(PROFILER_SHEAR_SUFFIX)), "max"
        ),
    }
    return {
        S.WX_SCRUBBED: match["label"] == "scrub",
        S.WX_SOURCE_FILE: file,
        S.WX_N_ROWS: len(frame),
        **features,
    }


def event_date(file: str) -> pd.Timestamp:
    """Midnight UTC of the date in a ``YYYYMMDD-...csv`` file name."""
    match = FILE_PATTERN.match(file)
    when = pd.to_datetime(match["date"] if match else "", format="%Y%m%d", errors="coerce")
    if match is None or pd.isna(when):
        raise SourceValidationError(
            file,
            line=None,
            record="file name",
            column="(name)",
            problem="expected a real date as YYYYMMDD-launch.csv or YYYYMMDD-scrub.csv",
        )
    return pd.Timestamp(when).tz_localize("UTC")


def events_table(rows: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """Assemble summarised events into the typed ``weather_events`` table, sorted by date."""
    frame = pd.DataFrame(list(rows), columns=columns_of(S.WEATHER_EVENTS))
    frame[S.WX_EVENT_DATE] = pd.to_datetime(frame[S.WX_EVENT_DATE], utc=True)
    typed = frame.astype(
        {
            S.WX_EVENT_DATE: "datetime64[ns, UTC]",
            S.WX_SCRUBBED: "bool",
            S.WX_SOURCE_FILE: "str",
            S.WX_N_ROWS: "int64",
            **dict.fromkeys(S.WX_FEATURES, "float64"),
        }
    )
    typed = typed.sort_values([S.WX_EVENT_DATE, S.WX_SOURCE_FILE], kind="stable")
    return typed.reset_index(drop=True)


def read_event_csv(path: Path) -> pd.DataFrame:
    """One per-event sensor file as read (all columns, one row per 5-minute bin).

    Raises
    ------
    SourceValidationError
        Naming the line: bytes that are not UTF-8, or a row with fewer or more fields than the
        header (a truncated or garbled file; pandas would fill a short row with NaN).
    """
    text = decode_utf8(path.read_bytes(), file=path.name, separator=",")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    for row in reader:
        if row and len(row) != len(header):
            short = len(row) < len(header)
            raise SourceValidationError(
                path.name,
                line=reader.line_num,
                column=header[len(row)] if short else "(extra field)",
                problem=f"row has {len(row)} comma-separated fields, the header {len(header)}"
                + (" (truncated or garbled?)" if short else ""),
            )
    try:
        return pd.read_csv(io.StringIO(text), low_memory=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise SourceValidationError(
            path.name,
            line=None,
            record="(file)",
            column="(file)",
            problem=f"not a readable CSV: {exc}",
        ) from exc


def read_weather_events(
    folder: Path, files: Sequence[str], *, advance: Callable[[str], None] | None = None
) -> pd.DataFrame:
    """Summarise each listed per-event file under ``folder`` into the ``weather_events`` table.

    Parameters
    ----------
    folder
        The source folder (``raw/cape_weather_launch_scrub``).
    files
        Paths relative to ``folder`` (the manifest's ``weather_features_per_event/*.csv``).
    """
    rows: list[dict[str, object]] = []
    for rel in files:
        path = folder / rel
        frame = read_event_csv(path)
        row = summarize_event(frame, file=path.name)
        rows.append({S.WX_EVENT_DATE: event_date(path.name), **row})
        if advance is not None:
            advance(rel)
    return events_table(rows)
