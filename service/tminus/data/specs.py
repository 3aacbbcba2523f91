"""Each processed table declared once: its columns in order, dtypes, checks, key and dates.

A :class:`TableSpec` is the one description of a table: building, validating, writing and
loading read it (:mod:`tminus.data.build`, :mod:`tminus.data.validation`,
:mod:`tminus.data.tables`). The column names themselves are spelt in
:mod:`tminus.data.schema`, which the serving side reads without pandera.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pandera.pandas as pa

from tminus.data import schema as s

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
    coerce=True,
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
    coerce=True,
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
    coerce=True,
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
    coerce=True,
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
    coerce=True,
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
    coerce=True,
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
    coerce=True,
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
    coerce=True,
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
    coerce=True,
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
    coerce=True,
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
    coerce=True,
    unique=[s.NA_KIND, s.NA_WRITTEN],
    name=s.NAME_ALIASES,
)


@dataclass(frozen=True)
class TableSpec:
    """One processed table.

    Attributes
    ----------
    schema
        The pandera schema: every column in order with its dtype, nulls and checks, row
        uniqueness; strict and ordered, and coercing: a builder may hand over its columns
        untyped, validation gives them the declared dtypes.
    key
        The column whose value names a row in an error message (None: the row number).
    time_column
        The column that dates the table (None: a reference table, whose rows have no dates).
    """

    schema: pa.DataFrameSchema
    key: str | None
    time_column: str | None

    @property
    def name(self) -> str:
        """The table's name (``launches``)."""
        return str(self.schema.name)

    @property
    def columns(self) -> tuple[str, ...]:
        """Its columns, in order."""
        return tuple(self.schema.columns)


SPECS: Final[dict[str, TableSpec]] = {
    spec.name: spec
    for spec in (
        TableSpec(LAUNCHES_SCHEMA, key=s.LAUNCH_TAG, time_column=s.LAUNCH_TIME),
        TableSpec(BOOSTER_LANDINGS_SCHEMA, key=s.BL_LAUNCH_ID, time_column=s.BL_LAUNCH_TIME),
        TableSpec(WEATHER_EVENTS_SCHEMA, key=s.WX_SOURCE_FILE, time_column=s.WX_EVENT_DATE),
        TableSpec(NET_HISTORY_SCHEMA, key=s.NH_LAUNCH_ID, time_column=s.NH_SNAPSHOT_TIME),
        TableSpec(VEHICLE_VARIANTS_SCHEMA, key=s.VV_VEHICLE, time_column=None),
        TableSpec(PADS_REFERENCE_SCHEMA, key=s.PR_SITE, time_column=None),
        TableSpec(LAUNCH_ORBITS_SCHEMA, key=s.LO_LAUNCH_TAG, time_column=s.LO_LAUNCH_TIME),
        TableSpec(VEHICLE_FACTS_SCHEMA, key=s.VF_VEHICLE, time_column=None),
        TableSpec(VEHICLE_CAPACITY_SCHEMA, key=s.VC_VEHICLE, time_column=None),
        TableSpec(REFERENCE_SOURCES_SCHEMA, key=s.RS_SOURCE_ID, time_column=None),
        TableSpec(NAME_ALIASES_SCHEMA, key=s.NA_WRITTEN, time_column=None),
    )
}
if tuple(SPECS) != s.TABLES:
    raise RuntimeError("every table of tminus.data.schema.TABLES needs one TableSpec, in order")


def spec_of(name: str) -> TableSpec:
    """Table ``name``'s declaration; :class:`ValueError` naming the tables if unknown."""
    found = SPECS.get(name)
    if found is None:
        raise ValueError(f"unknown table {name!r}; tables are {', '.join(SPECS)}")
    return found


def columns_of(name: str) -> list[str]:
    """Table ``name``'s columns, in order."""
    return list(spec_of(name).columns)
