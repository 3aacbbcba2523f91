"""r/SpaceX API v4 JSON: one row per core per launch, with the launch's payload mass and orbit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import pandas as pd

from tminus.data import schema as S
from tminus.data.errors import SourceValidationError, decode_json
from tminus.data.specs import columns_of

LAUNCHES_FILE: Final = "launches.json"
CORES_FILE: Final = "cores.json"
PAYLOADS_FILE: Final = "payloads.json"
ROCKETS_FILE: Final = "rockets.json"

Record = Mapping[str, Any]
LANDING_TYPES: Final = frozenset({"ASDS", "RTLS", "Ocean"})


def read_records(path: Path) -> list[Record]:
    """A v4 API dump: a JSON array of objects. Errors name the file (and record)."""
    document = decode_json(path.read_bytes(), file=path.name)
    if not isinstance(document, list):
        raise SourceValidationError(
            path.name, line=None, column="(file)", problem="expected a JSON array of records"
        )
    for i, record in enumerate(document):
        if not isinstance(record, dict):
            raise SourceValidationError(
                path.name,
                line=None,
                record=f"record {i}",
                column="(record)",
                problem=f"expected an object, got {type(record).__name__}",
            )
    return document


def _where(i: int, record: Record) -> str:
    return f"record {i} (id {record.get('id')!r})"


def _field(
    record: Record, key: str, kinds: tuple[type, ...], *, file: str, where: str, column: str = ""
) -> Any:
    """``record[key]`` if it is null or one of ``kinds`` (bool is never accepted as int)."""
    if key not in record:
        raise SourceValidationError(
            file, line=None, record=where, column=column or key, problem="field missing"
        )
    value = record[key]
    if value is None:
        return None
    ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
    if not ok:
        allowed = " or ".join(k.__name__ for k in kinds)
        raise SourceValidationError(
            file,
            line=None,
            record=where,
            column=column or key,
            problem=f"expected {allowed} or null, got {value!r}",
        )
    return value


def text_field(record: Record, key: str, *, file: str) -> str | None:
    """``record[key]`` as text or None; anything else is an error naming the file and record."""
    value: str | None = _field(record, key, (str,), file=file, where=f"id {record.get('id')!r}")
    return value


def number_field(record: Record, key: str, *, file: str) -> float | None:
    """``record[key]`` as a number or None; anything else is an error naming file and record."""
    value = _field(record, key, (int, float), file=file, where=f"id {record.get('id')!r}")
    return None if value is None else float(value)


def _index(records: Sequence[Record], *, file: str) -> dict[str, Record]:
    by_id: dict[str, Record] = {}
    for i, record in enumerate(records):
        key = _field(record, "id", (str,), file=file, where=_where(i, record))
        if key is None:
            raise SourceValidationError(
                file, line=None, record=_where(i, record), column="id", problem="null id"
            )
        by_id[key] = record
    return by_id


def _payload_summary(
    ids: Sequence[Any], payloads: Mapping[str, Record]
) -> tuple[float | None, str | None]:
    masses: list[float] = []
    orbit: str | None = None
    for j, pid in enumerate(ids):
        payload = payloads.get(pid) if isinstance(pid, str) else None
        if payload is None:
            continue  # an unresolved id: the launch's mass and orbit stay partial, not wrong
        mass = _field(payload, "mass_kg", (int, float), file=PAYLOADS_FILE, where=f"id {pid!r}")
        if mass is not None:
            masses.append(float(mass))
        if j == 0:
            orbit = _field(payload, "orbit", (str,), file=PAYLOADS_FILE, where=f"id {pid!r}")
    return (sum(masses) if masses else None), orbit


def flatten_cores(
    launches: Sequence[Record],
    cores: Sequence[Record],
    payloads: Sequence[Record],
    rockets: Sequence[Record],
) -> pd.DataFrame:
    """One row per core per launch (Falcon Heavy launches give three rows).

    Parameters
    ----------
    launches, cores, payloads, rockets
        The v4 API records (``launches.json`` etc.).

    Returns
    -------
    pd.DataFrame
        The ``booster_landings`` table (columns
        the ``booster_landings`` table's columns), sorted by launch time.
        ``payload_mass_kg`` sums the known masses of the launch's payloads (null when none is
        known); ``orbit`` is the first payload's orbit.

    Raises
    ------
    SourceValidationError
        A field of the wrong type, naming the file, the record and the field.
    """
    core_by_id = _index(cores, file=CORES_FILE)
    payload_by_id = _index(payloads, file=PAYLOADS_FILE)
    rocket_names = {
        key: _field(r, "name", (str,), file=ROCKETS_FILE, where=f"id {key!r}")
        for key, r in _index(rockets, file=ROCKETS_FILE).items()
    }
    rows: list[dict[str, Any]] = []
    file = LAUNCHES_FILE
    for i, launch in enumerate(launches):
        where = _where(i, launch)
        rocket = rocket_names.get(_field(launch, "rocket", (str,), file=file, where=where))
        if rocket is None:
            raise SourceValidationError(
                file,
                line=None,
                record=where,
                column="rocket",
                problem=f"unknown rocket id {launch.get('rocket')!r} (not in {ROCKETS_FILE})",
            )
        date = _field(launch, "date_utc", (str,), file=file, where=where)
        when = pd.to_datetime(date, utc=True, errors="coerce")
        if pd.isna(when):
            raise SourceValidationError(
                file,
                line=None,
                record=where,
                column="date_utc",
                problem=f"{date!r} is not an ISO timestamp",
            )
        payload_ids = _field(launch, "payloads", (list,), file=file, where=where) or []
        mass, orbit = _payload_summary(payload_ids, payload_by_id)
        success = _field(launch, "success", (bool,), file=file, where=where)
        upcoming = _field(launch, "upcoming", (bool,), file=file, where=where)
        launch_cores = _field(launch, "cores", (list,), file=file, where=where) or []
        for k, core in enumerate(launch_cores):
            col = f"cores[{k}]"
            if not isinstance(core, dict):
                raise SourceValidationError(
                    file, line=None, record=where, column=col, problem="expected an object"
                )

            def get(
                key: str,
                kinds: tuple[type, ...],
                core: Record = core,
                col: str = col,
                where: str = where,
            ) -> Any:
                return _field(core, key, kinds, file=file, where=where, column=f"{col}.{key}")

            core_id = get("core", (str,))
            info = core_by_id.get(core_id) if core_id is not None else None
            landing_type = get("landing_type", (str,))
            if landing_type is not None and landing_type not in LANDING_TYPES:
                raise SourceValidationError(
                    file,
                    line=None,
                    record=where,
                    column=f"{col}.landing_type",
                    problem=f"expected one of {sorted(LANDING_TYPES)} or null, "
                    f"got {landing_type!r}",
                )
            rows.append(
                {
                    S.BL_LAUNCH_ID: launch["id"],
                    S.BL_LAUNCH_TIME: when,
                    S.BL_ROCKET: rocket,
                    S.BL_CORE_SERIAL: None if info is None else info.get("serial"),
                    S.BL_BLOCK: None if info is None else info.get("block"),
                    S.BL_CORE_FLIGHT: get("flight", (int,)),
                    S.BL_REUSED: get("reused", (bool,)),
                    S.BL_LANDING_ATTEMPT: get("landing_attempt", (bool,)),
                    S.BL_LANDING_TYPE: landing_type,
                    S.BL_LANDING_SUCCESS: get("landing_success", (bool,)),
                    S.BL_PAYLOAD_MASS_KG: mass,
                    S.BL_ORBIT: orbit,
                    S.BL_LAUNCH_SUCCESS: success,
                    S.BL_UPCOMING: bool(upcoming),
                }
            )
    return _typed_landings(pd.DataFrame(rows, columns=columns_of(S.BOOSTER_LANDINGS)))


def _typed_landings(frame: pd.DataFrame) -> pd.DataFrame:
    typed = frame.astype(
        {
            S.BL_LAUNCH_ID: "str",
            S.BL_ROCKET: "str",
            S.BL_CORE_SERIAL: "str",
            S.BL_BLOCK: "Int64",
            S.BL_CORE_FLIGHT: "Int64",
            S.BL_REUSED: "boolean",
            S.BL_LANDING_ATTEMPT: "boolean",
            S.BL_LANDING_TYPE: "str",
            S.BL_LANDING_SUCCESS: "boolean",
            S.BL_PAYLOAD_MASS_KG: "float64",
            S.BL_ORBIT: "str",
            S.BL_LAUNCH_SUCCESS: "boolean",
            S.BL_UPCOMING: "bool",
        }
    )
    typed[S.BL_LAUNCH_TIME] = pd.to_datetime(typed[S.BL_LAUNCH_TIME], utc=True).astype(
        "datetime64[ns, UTC]"
    )
    typed = typed.sort_values([S.BL_LAUNCH_TIME, S.BL_LAUNCH_ID], kind="stable")
    return typed.reset_index(drop=True)


def read_booster_landings(folder: Path) -> pd.DataFrame:
    """Read the four API files in ``folder`` and flatten them (see :func:`flatten_cores`)."""
    return flatten_cores(
        read_records(folder / LAUNCHES_FILE),
        read_records(folder / CORES_FILE),
        read_records(folder / PAYLOADS_FILE),
        read_records(folder / ROCKETS_FILE),
    )
