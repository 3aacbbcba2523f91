"""Pandera schemas of the processed tables, and turning pandera failures into one clear line."""

from __future__ import annotations

from typing import Final

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrors

from tminus.data import schema as s
from tminus.data.errors import SourceValidationError, TableValidationError

STR: Final = "str"
UTC_NS: Final = "datetime64[ns, UTC]"

_NOT_BLANK = pa.Check.str_length(min_value=1)


def _text(*, nullable: bool = False, checks: list[pa.Check] | None = None) -> pa.Column:
    return pa.Column(STR, nullable=nullable, checks=[_NOT_BLANK, *(checks or [])])


LAUNCHES_SCHEMA: Final = pa.DataFrameSchema(
    {
        s.LAUNCH_TAG: _text(),
        s.LAUNCH_TIME: pa.Column(UTC_NS),
        s.TIME_KNOWN: pa.Column(bool),
        s.DATE_UNCERTAIN: pa.Column(bool),
        s.VEHICLE: _text(),
        s.VEHICLE_FAMILY: _text(),
        s.SITE: _text(),
        s.PAD: _text(nullable=True),
        s.SITE_NAME: _text(nullable=True),
        s.AGENCY: _text(),
        s.STATE: _text(),
        s.CATEGORY: pa.Column(
            STR,
            pa.Check.isin([s.CATEGORY_ORBITAL, s.CATEGORY_DEEP_SPACE, s.CATEGORY_OTHER_WORLD]),
        ),
        s.OUTCOME_CODE: pa.Column(STR, pa.Check.str_matches(r"^[ODX][SFUE]\d{0,3}$")),
        s.FAILED: pa.Column(bool),
        s.FLIGHT_ID: _text(nullable=True),
        s.BOOSTER_SERIAL: pa.Column(STR, pa.Check.str_matches(r"^B\d{4}$"), nullable=True),
        s.BOOSTER_FLIGHT: pa.Column("Int64", pa.Check.ge(1), nullable=True),
        s.PAYLOAD_COUNT: pa.Column("Int64", pa.Check.ge(1), nullable=True),
        s.DEST: _text(nullable=True),
        s.FAIL_CODE: _text(nullable=True),
    },
    strict=True,
    ordered=True,
    unique=[s.LAUNCH_TAG],
    name=s.LAUNCHES,
)

BOOSTER_LANDINGS_SCHEMA: Final = pa.DataFrameSchema(
    {
        s.BL_LAUNCH_ID: _text(),
        s.BL_LAUNCH_TIME: pa.Column(UTC_NS),
        s.BL_ROCKET: pa.Column(
            STR, pa.Check.isin(["Falcon 1", "Falcon 9", "Falcon Heavy", "Starship"])
        ),
        s.BL_CORE_SERIAL: _text(nullable=True),
        s.BL_BLOCK: pa.Column("Int64", pa.Check.in_range(1, 5), nullable=True),
        s.BL_CORE_FLIGHT: pa.Column("Int64", pa.Check.ge(1), nullable=True),
        s.BL_REUSED: pa.Column("boolean", nullable=True),
        s.BL_LANDING_ATTEMPT: pa.Column("boolean", nullable=True),
        s.BL_LANDING_TYPE: pa.Column(STR, pa.Check.isin(["ASDS", "RTLS", "Ocean"]), nullable=True),
        s.BL_LANDING_SUCCESS: pa.Column("boolean", nullable=True),
        s.BL_PAYLOAD_MASS_KG: pa.Column(float, pa.Check.ge(0), nullable=True),
        s.BL_ORBIT: _text(nullable=True),
        s.BL_LAUNCH_SUCCESS: pa.Column("boolean", nullable=True),
        s.BL_UPCOMING: pa.Column(bool),
    },
    strict=True,
    ordered=True,
    name=s.BOOSTER_LANDINGS,
)

WEATHER_EVENTS_SCHEMA: Final = pa.DataFrameSchema(
    {
        s.WX_EVENT_DATE: pa.Column(UTC_NS),
        s.WX_SCRUBBED: pa.Column(bool),
        s.WX_SOURCE_FILE: _text(checks=[pa.Check.str_matches(r"^\d{8}-(launch|scrub)\.csv$")]),
        s.WX_N_ROWS: pa.Column("int64", pa.Check.ge(1)),
        **{name: pa.Column(float, nullable=True) for name in s.WX_FEATURES},
    },
    strict=True,
    ordered=True,
    unique=[s.WX_SOURCE_FILE],
    name=s.WEATHER_EVENTS,
)

NET_HISTORY_SCHEMA: Final = pa.DataFrameSchema(
    {
        s.NH_LAUNCH_ID: _text(),
        s.NH_NAME: _text(),
        s.NH_SNAPSHOT_TIME: pa.Column(UTC_NS),
        s.NH_FEED: pa.Column(STR, pa.Check.isin(["launches", "previous"])),
        s.NH_NET: pa.Column(UTC_NS, nullable=True),
        s.NH_STATUS: _text(nullable=True),
        s.NH_WEATHER_PROBABILITY: pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
        s.NH_ROCKET: _text(nullable=True),
        s.NH_PROVIDER: _text(nullable=True),
        s.NH_PAD: _text(nullable=True),
        s.NH_SNAPSHOT_FILE: _text(),
    },
    strict=True,
    ordered=True,
    unique=[s.NH_LAUNCH_ID, s.NH_FEED, s.NH_SNAPSHOT_TIME],
    name=s.NET_HISTORY,
)

VEHICLE_VARIANTS_SCHEMA: Final = pa.DataFrameSchema(
    {
        s.VV_VEHICLE: _text(),
        s.VV_VARIANT: _text(nullable=True),
        s.VV_FAMILY: _text(),
        s.VV_MANUFACTURER: _text(nullable=True),
        s.VV_LEO_CAPACITY_KG: pa.Column(float, pa.Check.gt(0), nullable=True),
        s.VV_GTO_CAPACITY_KG: pa.Column(float, pa.Check.gt(0), nullable=True),
        s.VV_CLASS: _text(nullable=True),
        s.VV_ALIAS: _text(nullable=True),
    },
    strict=True,
    ordered=True,
    name=s.VEHICLE_VARIANTS,
)

PADS_REFERENCE_SCHEMA: Final = pa.DataFrameSchema(
    {
        s.PR_SITE: _text(),
        s.PR_PAD: _text(),
        s.PR_PAD_NAME: _text(nullable=True),
        s.PR_SITE_NAME: _text(nullable=True),
        s.PR_SITE_LONG_NAME: _text(nullable=True),
        s.PR_PAD_START: _text(nullable=True),
        s.PR_PAD_STOP: _text(nullable=True),
    },
    strict=True,
    ordered=True,
    unique=[s.PR_SITE, s.PR_PAD],
    name=s.PADS_REFERENCE,
)

LAUNCH_ORBITS_SCHEMA: Final = pa.DataFrameSchema(
    {
        s.LO_LAUNCH_TAG: _text(),
        s.LO_LAUNCH_TIME: pa.Column(UTC_NS),
        s.LO_VEHICLE: _text(),
        s.LO_SITE: _text(),
        s.LO_PAD: _text(nullable=True),
        s.LO_ORBIT_CLASS: pa.Column(STR, pa.Check.isin(list(s.ORBIT_CLASSES))),
        s.LO_PAYLOADS: pa.Column("Int64", pa.Check.ge(1), nullable=True),
        s.LO_PAYLOAD_MASS_KG: pa.Column(float, pa.Check.gt(0), nullable=True),
        s.LO_VARIANT: _text(nullable=True),
        s.LO_SOURCE: pa.Column(
            STR, pa.Check.str_matches(r"^(launch_list|psatcat|spacex)(\+(psatcat|spacex))*$")
        ),
    },
    strict=True,
    ordered=True,
    unique=[s.LO_LAUNCH_TAG, s.LO_ORBIT_CLASS],
    name=s.LAUNCH_ORBITS,
)

_DAY = r"^\d{4}-\d{2}-\d{2}$"
_PARTIAL_DAY = r"^\d{4}(-\d{2}(-\d{2})?)?$"

VEHICLE_FACTS_SCHEMA: Final = pa.DataFrameSchema(
    {
        s.VF_VEHICLE: _text(),
        s.VF_PROVIDER: _text(),
        s.VF_STATUS: pa.Column(STR, pa.Check.isin(list(s.VEHICLE_STATUSES))),
        s.VF_SINCE: _text(nullable=True, checks=[pa.Check.str_matches(_PARTIAL_DAY)]),
        s.VF_STATUS_SOURCE: _text(),
        s.VF_STATUS_NOTE: _text(nullable=True),
        s.VF_UPPER_STAGE: pa.Column(STR, pa.Check.isin(list(s.UPPER_STAGES)), nullable=True),
        s.VF_UPPER_STAGE_SOURCE: _text(nullable=True),
        s.VF_GCAT_RATINGS: pa.Column(bool),
    },
    strict=True,
    ordered=True,
    unique=[s.VF_VEHICLE],
    name=s.VEHICLE_FACTS,
)

VEHICLE_CAPACITY_SCHEMA: Final = pa.DataFrameSchema(
    {
        s.VC_VEHICLE: _text(),
        s.VC_ORBIT_CLASS: pa.Column(STR, pa.Check.isin(list(s.ORBIT_CLASSES))),
        s.VC_CAPACITY_KG: pa.Column(float, pa.Check.in_range(0, 500_000, include_min=False)),
        s.VC_KIND: pa.Column(STR, pa.Check.isin(list(s.CAPACITY_KINDS))),
        s.VC_CONFIG: _text(nullable=True),
        s.VC_CONDITION: _text(nullable=True),
        s.VC_SOURCE: _text(),
        s.VC_NOTE: _text(nullable=True),
    },
    strict=True,
    ordered=True,
    name=s.VEHICLE_CAPACITY,
)

REFERENCE_SOURCES_SCHEMA: Final = pa.DataFrameSchema(
    {
        s.RS_SOURCE_ID: _text(),
        s.RS_TITLE: _text(),
        s.RS_PUBLISHER: _text(),
        s.RS_EDITION: _text(),
        s.RS_URL: _text(checks=[pa.Check.str_matches(r"^https?://")]),
        s.RS_READ_AT: _text(nullable=True, checks=[pa.Check.str_matches(r"^https?://")]),
        s.RS_CHECKED: _text(checks=[pa.Check.str_matches(_DAY)]),
    },
    strict=True,
    ordered=True,
    unique=[s.RS_SOURCE_ID],
    name=s.REFERENCE_SOURCES,
)

NAME_ALIASES_SCHEMA: Final = pa.DataFrameSchema(
    {
        s.NA_WRITTEN: _text(),
        s.NA_MEANS: _text(),
        s.NA_KIND: pa.Column(STR, pa.Check.isin(list(s.ALIAS_KINDS))),
    },
    strict=True,
    ordered=True,
    unique=[s.NA_KIND, s.NA_WRITTEN],
    name=s.NAME_ALIASES,
)

SCHEMAS: Final[dict[str, pa.DataFrameSchema]] = {
    s.LAUNCHES: LAUNCHES_SCHEMA,
    s.BOOSTER_LANDINGS: BOOSTER_LANDINGS_SCHEMA,
    s.WEATHER_EVENTS: WEATHER_EVENTS_SCHEMA,
    s.NET_HISTORY: NET_HISTORY_SCHEMA,
    s.VEHICLE_VARIANTS: VEHICLE_VARIANTS_SCHEMA,
    s.PADS_REFERENCE: PADS_REFERENCE_SCHEMA,
    s.LAUNCH_ORBITS: LAUNCH_ORBITS_SCHEMA,
    s.VEHICLE_FACTS: VEHICLE_FACTS_SCHEMA,
    s.VEHICLE_CAPACITY: VEHICLE_CAPACITY_SCHEMA,
    s.REFERENCE_SOURCES: REFERENCE_SOURCES_SCHEMA,
    s.NAME_ALIASES: NAME_ALIASES_SCHEMA,
}


def _describe(case: pd.Series) -> tuple[str, object, str]:
    column = str(case.get("column") or "(table)")
    check = str(case.get("check"))
    value = case.get("failure_case")
    return column, case.get("index"), f"value {value!r} fails {check}"


def validate_source(frame: pd.DataFrame, schema: pa.DataFrameSchema, *, file: str) -> pd.DataFrame:
    """Validate a raw source frame; on failure raise naming the file, line and column.

    Parameters
    ----------
    frame
        Raw values, indexed by the 1-based line number of each row in ``file``.
    schema
        Pandera schema of the raw columns.
    file
        The source file's name, used in the message.

    Raises
    ------
    SourceValidationError
        The first failure in file order, with a count of the others.
    """
    try:
        return schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        order = pd.to_numeric(cases["index"], errors="coerce")
        cases = cases.assign(_order=order).sort_values("_order", kind="stable", na_position="last")
        column, label, problem = _describe(cases.iloc[0])
        line = None if pd.isna(cases["_order"].iloc[0]) else int(cases["_order"].iloc[0])
        raise SourceValidationError(
            file,
            line=line,
            record=None if line is not None else f"(label {label!r})",
            column=column,
            problem=problem,
            more=len(cases) - 1,
        ) from None


def validate_table(frame: pd.DataFrame, name: str, *, key: str | None = None) -> pd.DataFrame:
    """Validate a processed table against its schema.

    Raises
    ------
    TableValidationError
        Naming the table, the column, the row (by ``key`` value when given) and the check.
    """
    try:
        return SCHEMAS[name].validate(frame, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        first = cases.iloc[0]
        column, label, problem = _describe(first)
        row = ""
        if label is not None and pd.notna(pd.Series([label])).all():
            row = f", row {label}"
            if key is not None and label in frame.index:
                row += f" ({key}={frame.at[label, key]!r})"
        more = len(cases) - 1
        tail = f" (and {more} more)" if more else ""
        raise TableValidationError(
            f"processed table {name}{row}, column {column}: {problem}{tail}"
        ) from None
    except SchemaError as exc:  # pragma: no cover - lazy=True reports through SchemaErrors
        raise TableValidationError(f"processed table {name}: {exc}") from None
