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

from tminus.data import schema as S

STR: Final = "str"
UTC_NS: Final = "datetime64[ns, UTC]"

_NOT_BLANK = pa.Check.str_length(min_value=1)


def _text(*, nullable: bool = False, checks: list[pa.Check] | None = None) -> pa.Column:
    return pa.Column(STR, nullable=nullable, checks=[_NOT_BLANK, *(checks or [])])


LAUNCHES_SCHEMA: Final = pa.DataFrameSchema(
    {
        S.LAUNCH_TAG: _text(),
        S.LAUNCH_TIME: pa.Column(UTC_NS),
        S.TIME_KNOWN: pa.Column(bool),
        S.DATE_UNCERTAIN: pa.Column(bool),
        S.VEHICLE: _text(),
        S.VEHICLE_FAMILY: _text(),
        S.SITE: _text(),
        S.PAD: _text(nullable=True),
        S.SITE_NAME: _text(nullable=True),
        S.AGENCY: _text(),
        S.STATE: _text(),
        S.CATEGORY: pa.Column(
            STR,
            pa.Check.isin([S.CATEGORY_ORBITAL, S.CATEGORY_DEEP_SPACE, S.CATEGORY_OTHER_WORLD]),
        ),
        S.OUTCOME_CODE: pa.Column(STR, pa.Check.str_matches(r"^[ODX][SFUE]\d{0,3}$")),
        S.FAILED: pa.Column(bool),
        S.FLIGHT_ID: _text(nullable=True),
        S.BOOSTER_SERIAL: pa.Column(STR, pa.Check.str_matches(r"^B\d{4}$"), nullable=True),
        S.BOOSTER_FLIGHT: pa.Column("Int64", pa.Check.ge(1), nullable=True),
        S.PAYLOAD_COUNT: pa.Column("Int64", pa.Check.ge(1), nullable=True),
        S.DEST: _text(nullable=True),
        S.FAIL_CODE: _text(nullable=True),
    },
    strict=True,
    ordered=True,
    coerce=True,
    unique=[S.LAUNCH_TAG],
    name=S.LAUNCHES,
)

BOOSTER_LANDINGS_SCHEMA: Final = pa.DataFrameSchema(
    {
        S.BL_LAUNCH_ID: _text(),
        S.BL_LAUNCH_TIME: pa.Column(UTC_NS),
        S.BL_ROCKET: pa.Column(
            STR, pa.Check.isin(["Falcon 1", "Falcon 9", "Falcon Heavy", "Starship"])
        ),
        S.BL_CORE_SERIAL: _text(nullable=True),
        S.BL_BLOCK: pa.Column("Int64", pa.Check.in_range(1, 5), nullable=True),
        S.BL_CORE_FLIGHT: pa.Column("Int64", pa.Check.ge(1), nullable=True),
        S.BL_REUSED: pa.Column("boolean", nullable=True),
        S.BL_LANDING_ATTEMPT: pa.Column("boolean", nullable=True),
        S.BL_LANDING_TYPE: pa.Column(STR, pa.Check.isin(["ASDS", "RTLS", "Ocean"]), nullable=True),
        S.BL_LANDING_SUCCESS: pa.Column("boolean", nullable=True),
        S.BL_PAYLOAD_MASS_KG: pa.Column(float, pa.Check.ge(0), nullable=True),
        S.BL_ORBIT: _text(nullable=True),
        S.BL_LAUNCH_SUCCESS: pa.Column("boolean", nullable=True),
        S.BL_UPCOMING: pa.Column(bool),
    },
    strict=True,
    ordered=True,
    coerce=True,
    name=S.BOOSTER_LANDINGS,
)

WEATHER_EVENTS_SCHEMA: Final = pa.DataFrameSchema(
    {
        S.WX_EVENT_DATE: pa.Column(UTC_NS),
        S.WX_SCRUBBED: pa.Column(bool),
        S.WX_SOURCE_FILE: _text(checks=[pa.Check.str_matches(r"^\d{8}-(launch|scrub)\.csv$")]),
        S.WX_N_ROWS: pa.Column("int64", pa.Check.ge(1)),
        **{name: pa.Column(float, nullable=True) for name in S.WX_FEATURES},
    },
    strict=True,
    ordered=True,
    coerce=True,
    unique=[S.WX_SOURCE_FILE],
    name=S.WEATHER_EVENTS,
)

NET_HISTORY_SCHEMA: Final = pa.DataFrameSchema(
    {
        S.NH_LAUNCH_ID: _text(),
        S.NH_NAME: _text(),
        S.NH_SNAPSHOT_TIME: pa.Column(UTC_NS),
        S.NH_FEED: pa.Column(STR, pa.Check.isin(["launches", "previous"])),
        S.NH_NET: pa.Column(UTC_NS, nullable=True),
        S.NH_STATUS: _text(nullable=True),
        S.NH_WEATHER_PROBABILITY: pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
        S.NH_ROCKET: _text(nullable=True),
        S.NH_PROVIDER: _text(nullable=True),
        S.NH_PAD: _text(nullable=True),
        S.NH_SNAPSHOT_FILE: _text(),
    },
    strict=True,
    ordered=True,
    coerce=True,
    unique=[S.NH_LAUNCH_ID, S.NH_FEED, S.NH_SNAPSHOT_TIME],
    name=S.NET_HISTORY,
)

VEHICLE_VARIANTS_SCHEMA: Final = pa.DataFrameSchema(
    {
        S.VV_VEHICLE: _text(),
        S.VV_VARIANT: _text(nullable=True),
        S.VV_FAMILY: _text(),
        S.VV_MANUFACTURER: _text(nullable=True),
        S.VV_LEO_CAPACITY_KG: pa.Column(float, pa.Check.gt(0), nullable=True),
        S.VV_GTO_CAPACITY_KG: pa.Column(float, pa.Check.gt(0), nullable=True),
        S.VV_CLASS: _text(nullable=True),
        S.VV_ALIAS: _text(nullable=True),
    },
    strict=True,
    ordered=True,
    coerce=True,
    name=S.VEHICLE_VARIANTS,
)

PADS_REFERENCE_SCHEMA: Final = pa.DataFrameSchema(
    {
        S.PR_SITE: _text(),
        S.PR_PAD: _text(),
        S.PR_PAD_NAME: _text(nullable=True),
        S.PR_SITE_NAME: _text(nullable=True),
        S.PR_SITE_LONG_NAME: _text(nullable=True),
        S.PR_PAD_START: _text(nullable=True),
        S.PR_PAD_STOP: _text(nullable=True),
    },
    strict=True,
    ordered=True,
    coerce=True,
    unique=[S.PR_SITE, S.PR_PAD],
    name=S.PADS_REFERENCE,
)

LAUNCH_ORBITS_SCHEMA: Final = pa.DataFrameSchema(
    {
        S.LO_LAUNCH_TAG: _text(),
        S.LO_LAUNCH_TIME: pa.Column(UTC_NS),
        S.LO_VEHICLE: _text(),
        S.LO_SITE: _text(),
        S.LO_PAD: _text(nullable=True),
        S.LO_ORBIT_CLASS: pa.Column(STR, pa.Check.isin(list(S.ORBIT_CLASSES))),
        S.LO_PAYLOADS: pa.Column("Int64", pa.Check.ge(1), nullable=True),
        S.LO_PAYLOAD_MASS_KG: pa.Column(float, pa.Check.gt(0), nullable=True),
        S.LO_VARIANT: _text(nullable=True),
        S.LO_SOURCE: pa.Column(
            STR, pa.Check.str_matches(r"^(launch_list|psatcat|spacex)(\+(psatcat|spacex))*$")
        ),
    },
    strict=True,
    ordered=True,
    coerce=True,
    unique=[S.LO_LAUNCH_TAG, S.LO_ORBIT_CLASS],
    name=S.LAUNCH_ORBITS,
)

_DAY = r"^\d{4}-\d{2}-\d{2}$"
_PARTIAL_DAY = r"^\d{4}(-\d{2}(-\d{2})?)?$"

VEHICLE_FACTS_SCHEMA: Final = pa.DataFrameSchema(
    {
        S.VF_VEHICLE: _text(),
        S.VF_PROVIDER: _text(),
        S.VF_STATUS: pa.Column(STR, pa.Check.isin(list(S.VEHICLE_STATUSES))),
        S.VF_SINCE: _text(nullable=True, checks=[pa.Check.str_matches(_PARTIAL_DAY)]),
        S.VF_STATUS_SOURCE: _text(),
        S.VF_STATUS_NOTE: _text(nullable=True),
        S.VF_UPPER_STAGE: pa.Column(STR, pa.Check.isin(list(S.UPPER_STAGES)), nullable=True),
        S.VF_UPPER_STAGE_SOURCE: _text(nullable=True),
        S.VF_GCAT_RATINGS: pa.Column(bool),
    },
    strict=True,
    ordered=True,
    coerce=True,
    unique=[S.VF_VEHICLE],
    name=S.VEHICLE_FACTS,
)

VEHICLE_CAPACITY_SCHEMA: Final = pa.DataFrameSchema(
    {
        S.VC_VEHICLE: _text(),
        S.VC_ORBIT_CLASS: pa.Column(STR, pa.Check.isin(list(S.ORBIT_CLASSES))),
        S.VC_CAPACITY_KG: pa.Column(float, pa.Check.in_range(0, 500_000, include_min=False)),
        S.VC_KIND: pa.Column(STR, pa.Check.isin(list(S.CAPACITY_KINDS))),
        S.VC_CONFIG: _text(nullable=True),
        S.VC_CONDITION: _text(nullable=True),
        S.VC_SOURCE: _text(),
        S.VC_NOTE: _text(nullable=True),
    },
    strict=True,
    ordered=True,
    coerce=True,
    name=S.VEHICLE_CAPACITY,
)

REFERENCE_SOURCES_SCHEMA: Final = pa.DataFrameSchema(
    {
        S.RS_SOURCE_ID: _text(),
        S.RS_TITLE: _text(),
        S.RS_PUBLISHER: _text(),
        S.RS_EDITION: _text(),
        S.RS_URL: _text(checks=[pa.Check.str_matches(r"^https?://")]),
        S.RS_READ_AT: _text(nullable=True, checks=[pa.Check.str_matches(r"^https?://")]),
        S.RS_CHECKED: _text(checks=[pa.Check.str_matches(_DAY)]),
    },
    strict=True,
    ordered=True,
    coerce=True,
    unique=[S.RS_SOURCE_ID],
    name=S.REFERENCE_SOURCES,
)

NAME_ALIASES_SCHEMA: Final = pa.DataFrameSchema(
    {
        S.NA_WRITTEN: _text(),
        S.NA_MEANS: _text(),
        S.NA_KIND: pa.Column(STR, pa.Check.isin(list(S.ALIAS_KINDS))),
    },
    strict=True,
    ordered=True,
    coerce=True,
    unique=[S.NA_KIND, S.NA_WRITTEN],
    name=S.NAME_ALIASES,
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
        TableSpec(LAUNCHES_SCHEMA, key=S.LAUNCH_TAG, time_column=S.LAUNCH_TIME),
        TableSpec(BOOSTER_LANDINGS_SCHEMA, key=S.BL_LAUNCH_ID, time_column=S.BL_LAUNCH_TIME),
        TableSpec(WEATHER_EVENTS_SCHEMA, key=S.WX_SOURCE_FILE, time_column=S.WX_EVENT_DATE),
        TableSpec(NET_HISTORY_SCHEMA, key=S.NH_LAUNCH_ID, time_column=S.NH_SNAPSHOT_TIME),
        TableSpec(VEHICLE_VARIANTS_SCHEMA, key=S.VV_VEHICLE, time_column=None),
        TableSpec(PADS_REFERENCE_SCHEMA, key=S.PR_SITE, time_column=None),
        TableSpec(LAUNCH_ORBITS_SCHEMA, key=S.LO_LAUNCH_TAG, time_column=S.LO_LAUNCH_TIME),
        TableSpec(VEHICLE_FACTS_SCHEMA, key=S.VF_VEHICLE, time_column=None),
        TableSpec(VEHICLE_CAPACITY_SCHEMA, key=S.VC_VEHICLE, time_column=None),
        TableSpec(REFERENCE_SOURCES_SCHEMA, key=S.RS_SOURCE_ID, time_column=None),
        TableSpec(NAME_ALIASES_SCHEMA, key=S.NA_WRITTEN, time_column=None),
    )
}
if tuple(SPECS) != S.TABLES:
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
