"""``tminus data report``: launches and failures per year, and what each table covers."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import pandas as pd

from tminus.data import schema as s
from tminus.data.tables import TIME_COLUMNS, build_info, load_table, snapshot_hash

YEAR: Final = "year"
ATTEMPTS: Final = "attempts"
FAILURES: Final = "failures"


def launches_per_year(launches: pd.DataFrame) -> pd.DataFrame:
    """Launch attempts and failures per UTC calendar year.

    Returns
    -------
    pd.DataFrame
        Columns ``year``, ``attempts``, ``failures`` (int64), one row per year with launches,
        ascending. Deep-space and other-world launches count as attempts like orbital ones.
    """
    years = launches[s.LAUNCH_TIME].dt.year.rename(YEAR)
    grouped = launches.groupby(years)[s.FAILED].agg(["size", "sum"])
    out = grouped.rename(columns={"size": ATTEMPTS, "sum": FAILURES}).reset_index()
    return out.astype({YEAR: "int64", ATTEMPTS: "int64", FAILURES: "int64"})


def table_coverage(name: str, frame: pd.DataFrame) -> dict[str, Any]:
    """Rows and first/last date (ISO, UTC) of a table, by its time column (None: no dates)."""
    column = TIME_COLUMNS.get(name)
    times = frame[column].dropna() if column is not None else pd.Series([], dtype=object)
    return {
        "rows": len(frame),
        "time_column": column,
        "first": None if times.empty else pd.Timestamp(times.min()).date().isoformat(),
        "last": None if times.empty else pd.Timestamp(times.max()).date().isoformat(),
    }


def build_report(processed_dir: Path) -> dict[str, Any]:
    """The report as plain data (what ``--json`` prints)."""
    tables = {name: load_table(name, processed_dir) for name in s.TABLES}
    launches = tables[s.LAUNCHES]
    per_year = launches_per_year(launches)
    info = build_info(processed_dir)
    sources = info.get("sources", {})
    records = [str(key) for key in info.get("launch_records", [])]
    return {
        "snapshot": snapshot_hash(processed_dir),
        "launch_records": [
            {"path": key, **sources.get(key, {})} for key in records if isinstance(sources, dict)
        ],
        "total_launches": len(launches),
        "total_failures": int(launches[s.FAILED].sum()),
        "launches_per_year": [
            {YEAR: int(r[YEAR]), ATTEMPTS: int(r[ATTEMPTS]), FAILURES: int(r[FAILURES])}
            for r in per_year.to_dict("records")
        ],
        "tables": {name: table_coverage(name, frame) for name, frame in tables.items()},
    }
