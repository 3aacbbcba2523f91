"""``tminus data report``: launches and failures per year, and what each table covers."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import pandas as pd

from tminus.data import schema as S
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
    years = launches[S.LAUNCH_TIME].dt.year.rename(YEAR)
    grouped = launches.groupby(years)[S.FAILED].agg(["size", "sum"])
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


# The vehicles T-Minus' reference should cover: flown since this year ...
ACTIVE_SINCE: Final = 2023
# ... and, for the coverage target, this many flights or more in all.
MANY_FLIGHTS: Final = 10
COVERAGE_CLASSES: Final = (S.ORBIT_LEO, S.ORBIT_SSO, S.ORBIT_GTO)


def reference_coverage(
    launches: pd.DataFrame,
    facts: pd.DataFrame,
    capacity: pd.DataFrame,
    sources: pd.DataFrame,
) -> dict[str, Any]:
    """What T-Minus' vehicle reference says of each vehicle flown since :data:`ACTIVE_SINCE`.

    Returns
    -------
    dict
        ``vehicles``: one entry per vehicle (most flown since then first) with its flights,
        status and status source, and per orbit class its largest figure (kg, ``rated`` or
        ``demonstrated``, configuration and source; None when the reference has none);
        ``target``: of those with :data:`MANY_FLIGHTS` flights or more, how many have a figure
        for each of LEO, SSO and GTO, and which lack one.
    """
    recent = launches[launches[S.LAUNCH_TIME].dt.year >= ACTIVE_SINCE]
    counts = recent.groupby(S.VEHICLE).size().sort_values(ascending=False, kind="stable")
    total = launches.groupby(S.VEHICLE).size()
    cited = {
        str(row[S.RS_SOURCE_ID]): S.citation(
            str(row[S.RS_PUBLISHER]), str(row[S.RS_TITLE]), str(row[S.RS_EDITION])
        )
        for row in sources.to_dict("records")
    }
    by_vehicle = {str(row[S.VF_VEHICLE]): row for row in facts.to_dict("records")}
    rows: list[dict[str, Any]] = []
    for vehicle, since_count in counts.items():
        fact = by_vehicle.get(str(vehicle))
        figures: dict[str, Any] = {}
        for orbit in S.ORBIT_CLASSES:
            mine = capacity[
                (capacity[S.VC_VEHICLE] == vehicle) & (capacity[S.VC_ORBIT_CLASS] == orbit)
            ]
            if mine.empty:
                figures[orbit] = None
                continue
            # A rated figure before a demonstrated one; the largest of its kind.
            best = mine.assign(_rated=mine[S.VC_KIND] == S.KIND_RATED).sort_values(
                ["_rated", S.VC_CAPACITY_KG], ascending=False, kind="stable"
            )
            top = best.iloc[0]
            figures[orbit] = {
                "kg": float(top[S.VC_CAPACITY_KG]),
                "kind": str(top[S.VC_KIND]),
                "config": None if pd.isna(top[S.VC_CONFIG]) else str(top[S.VC_CONFIG]),
                "source": cited.get(str(top[S.VC_SOURCE]), str(top[S.VC_SOURCE])),
            }
        rows.append(
            {
                "vehicle": str(vehicle),
                "flights": int(total.get(vehicle, 0)),
                f"flights_since_{ACTIVE_SINCE}": int(since_count),
                "status": None if fact is None else str(fact[S.VF_STATUS]),
                "status_source": None
                if fact is None
                else cited.get(str(fact[S.VF_STATUS_SOURCE]), str(fact[S.VF_STATUS_SOURCE])),
                "capacity": figures,
            }
        )
    many = [r for r in rows if r["flights"] >= MANY_FLIGHTS]
    complete = [r for r in many if all(r["capacity"][o] for o in COVERAGE_CLASSES)]

    def decided(row: dict[str, Any], orbit: str) -> bool:
        """A figure for the class, or for a more demanding class that covers it."""
        covering = [harder for harder, easier in S.COVERS.items() if orbit in easier]
        return any(row["capacity"][o] for o in (orbit, *covering))

    covered = [r for r in many if all(decided(r, o) for o in COVERAGE_CLASSES)]
    return {
        "active_since": ACTIVE_SINCE,
        "vehicles": rows,
        "target": {
            "flights_at_least": MANY_FLIGHTS,
            "classes": list(COVERAGE_CLASSES),
            "vehicles": len(many),
            "with_every_class": len(complete),
            "with_every_class_or_a_harder_one": len(covered),
            "in_reference": sum(r["status"] is not None for r in many),
            "lacking": {
                r["vehicle"]: [o for o in COVERAGE_CLASSES if not r["capacity"][o]]
                for r in many
                if r not in complete
            },
        },
    }


def build_report(processed_dir: Path) -> dict[str, Any]:
    """The report as plain data (what ``--json`` prints)."""
    tables = {name: load_table(name, processed_dir) for name in S.TABLES}
    launches = tables[S.LAUNCHES]
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
        "total_failures": int(launches[S.FAILED].sum()),
        "launches_per_year": [
            {YEAR: int(r[YEAR]), ATTEMPTS: int(r[ATTEMPTS]), FAILURES: int(r[FAILURES])}
            for r in per_year.to_dict("records")
        ],
        "tables": {name: table_coverage(name, frame) for name, frame in tables.items()},
        "reference": reference_coverage(
            launches,
            tables[S.VEHICLE_FACTS],
            tables[S.VEHICLE_CAPACITY],
            tables[S.REFERENCE_SOURCES],
        ),
    }
