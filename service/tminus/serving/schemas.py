"""Request and response schemas of the service: the contract clients and LLM tools rely on.

Every request schema forbids unknown fields and bounds every number and string. A prediction
body is one item or a batch ``{"items": [...]}`` of up to :data:`MAX_BATCH` items. Dates are ISO
8601 dates or datetimes; a naive value is taken as UTC and every value is normalised to UTC.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import typing
from collections.abc import Sequence
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    StringConstraints,
    Tag,
    WithJsonSchema,
    create_model,
)
from pydantic_core import PydanticCustomError

from tminus.features.names import NameIndex
from tminus.features.timebase import iso_day
from tminus.predictors.base import Output
from tminus.predictors.booster_landing import MAX_BLOCK
from tminus.predictors.kinds import MODEL_NAMES

MAX_BATCH: Final = 10_000
# Requests may ask about any moment of the space age up to the end of the century.
MIN_DATE: Final = dt.datetime(1957, 1, 1, tzinfo=dt.UTC)
MAX_DATE: Final = dt.datetime(2100, 12, 31, 23, 59, 59, tzinfo=dt.UTC)


def _known_model(name: str) -> str:
    if name not in MODEL_NAMES:
        # The error a Literal gives: clients read the allowed names from it.
        expected = ", ".join(repr(m) for m in MODEL_NAMES[:-1]) + f" or {MODEL_NAMES[-1]!r}"
        raise PydanticCustomError(
            "literal_error", "Input should be {expected}", {"expected": expected}
        )
    return name


# A model name: one of tminus.predictors.kinds.MODEL_NAMES (an enum in the OpenAPI schema).
ModelName = Annotated[
    str,
    AfterValidator(_known_model),
    WithJsonSchema({"type": "string", "enum": list(MODEL_NAMES)}),
]
LandingType = Literal["ASDS", "RTLS", "Ocean"]


# ---- dates ---------------------------------------------------------------------------
# The one grammar of a date in a request, stated as a JSON Schema pattern that the service
# applies itself, so that the schema and the service agree on every string: a calendar date
# YYYY-MM-DD from 1957-01-01 to 2100-12-31 (February 29 in leap years only), optionally with a
# time THH:MM[:SS[.ffffff]] and an offset Z or +-HH:MM (none means UTC). The range is the date
# as written; its offset may move the moment up to a day outside it in UTC.
_YEAR = "(?:195[7-9]|19[6-9][0-9]|20[0-9][0-9]|2100)"
_LEAP_YEAR = "(?:19(?:[68][048]|[79][26])|20(?:[02468][048]|[13579][26]))"
_MONTH_DAY = (
    "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
_TIME = r"T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?"
_OFFSET = "(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
DATE_PATTERN: Final = f"^(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)(?:{_TIME}{_OFFSET}?)?$"
_DATE = re.compile(DATE_PATTERN)
# The shape alone, any year: tells a date out of range from text that is no date at all.
_DATE_SHAPE = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})?)?$"
)
DATE_RULE: Final = (
    "an ISO 8601 date or date-time from 1957-01-01 to 2100-12-31, e.g. 2026-03-01 or "
    "2026-03-01T14:30:00Z"
)


def parse_when(value: object) -> dt.datetime:
    """An ISO 8601 date or datetime (or a Python date/datetime) as an aware UTC datetime.

    Text must match :data:`DATE_PATTERN`. A date means midnight UTC; a naive datetime is taken
    as UTC. Numbers are refused rather than read as Unix timestamps, so a client's mistake is
    not silently a date in 1970.
    """
    if isinstance(value, str):
        return _parse_text(value)
    if isinstance(value, dt.datetime):
        _check_range(value.date())
        return _to_utc(value)
    if isinstance(value, dt.date):
        _check_range(value)
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    # A ValueError, not a TypeError: pydantic turns it into a 422 naming the field.
    raise ValueError(f"expected a string: {DATE_RULE}")


def _check_range(day: dt.date) -> None:
    if not MIN_DATE.date() <= day <= MAX_DATE.date():
        raise ValueError(f"date must be between {iso_day(MIN_DATE)} and {iso_day(MAX_DATE)}")


# A batch repeats its dates (10,000 future launches fall on a few hundred days): each distinct
# text is parsed once. Datetimes are immutable, so sharing them is safe; errors are not
# remembered. Room for every day of the record (a backtest's batch asks each launch's own day).
TEXT_CACHE: Final = 32_768


@functools.lru_cache(maxsize=TEXT_CACHE)
def _parse_text(value: str) -> dt.datetime:
    if _DATE.fullmatch(value):
        return _to_utc(dt.datetime.fromisoformat(value))
    if _DATE_SHAPE.fullmatch(value):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"{value[:40]!r} is not a calendar date; expected {DATE_RULE}"
            ) from None
        _check_range(moment.date())
    raise ValueError(f"{value[:40]!r} is not {DATE_RULE}")


def _to_utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


UtcDatetime = Annotated[
    dt.datetime,
    PlainValidator(parse_when),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 10,
            "maxLength": 32,
            "pattern": DATE_PATTERN,
            "description": "An ISO 8601 date (2026-03-01) or date-time (2026-03-01T14:30:00Z; "
            "seconds, fraction and offset optional, no offset = UTC) from 1957-01-01 to "
            "2100-12-31 as written.",
            "examples": ["2026-03-01", "2026-03-01T14:30:00Z"],
        },
        mode="validation",
    ),
]


# ---- numbers ---------------------------------------------------------------------------
def _integral(value: object) -> object:
    """JSON Schema's integer: 7 and 7.0 are both 7; the model's strict mode refuses the rest."""
    if type(value) is float and value.is_integer():
        return int(value)
    return value


# An integer field: a JSON number with no fraction, never a boolean or a numeric string.
Integer = Annotated[int, BeforeValidator(_integral)]


# ---- names -----------------------------------------------------------------------------
# Control characters, and invisible formatting ones (zero-width spaces and joiners, soft hyphen,
# bidirectional overrides, byte-order mark): "Falcon\u200b 9" must not pass for "Falcon 9".
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
# What vehicle, site, pad and orbit names are made of (every GCAT name fits): letters and digits
# of any script, spaces and _ - . , ' ( ) / + ? #, at least one of them not a space. Quotes,
# semicolons, pipes, backticks, dollar signs and the like belong to no name: SQL or shell text
# is refused, never looked up. Python's \w is exactly \p{L}\p{N}_ (letters and numbers of every
# script, and the underscore), so the schema's pattern and this one agree on every string.
_NAME_CHARS = r"\w .,'()/+?#-"
_PLAIN_NAME = re.compile(rf"[{_NAME_CHARS}]*[\w.,'()/+?#-][{_NAME_CHARS}]*")
_SCHEMA_NAME_CHARS = r"\p{L}\p{N}_ .,'()/+?#-"
NAME_PATTERN: Final = (
    rf"^[{_SCHEMA_NAME_CHARS}]*[\p{{L}}\p{{N}}_.,'()/+?#-][{_SCHEMA_NAME_CHARS}]*$"
)
NAME_RULE: Final = (
    "a plain name: letters and digits of any script, spaces and _ - . , ' ( ) / + ? # only, "
    "not only spaces"
)
NAME_RULE_SENTENCE: Final = f"{NAME_RULE[0].upper()}{NAME_RULE[1:]}."


@functools.lru_cache(maxsize=TEXT_CACHE)
def _plain_name(value: str) -> str:
    """A name checked against ``NAME_PATTERN``, its surrounding spaces removed (a batch names
    a few vehicles and pads many times: each distinct text is checked once)."""
    if _UNPRINTABLE.search(value):
        raise ValueError(
            "must be printable text, without control characters or invisible formatting "
            "characters (zero-width spaces, direction overrides)"
        )
    if not _PLAIN_NAME.fullmatch(value):
        raise ValueError(f"must be {NAME_RULE}")
    return value.strip(" ")


def _name_schema(max_length: int, *, examples: tuple[str, ...] = ()) -> WithJsonSchema:
    """The JSON schema of a name of at most ``max_length`` characters (spaces included)."""
    schema: dict[str, Any] = {
        "type": "string",
        "minLength": 1,
        "maxLength": max_length,
        "pattern": NAME_PATTERN,
        "description": f"{NAME_RULE[0].upper()}{NAME_RULE[1:]}; at most {max_length} "
        "characters, spaces around it ignored.",
    }
    if examples:
        schema["examples"] = list(examples)
    return WithJsonSchema(schema, mode="validation")


Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(_plain_name),
    _name_schema(64),
]
ShortName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=32),
    AfterValidator(_plain_name),
    _name_schema(32),
]

# Names whose domain is the catalogue: a name outside it is a 422 of type unknown_name with the
# closest known names (a rule no schema can state: the catalogue is data, and it grows).
VehicleName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(_plain_name),
    _name_schema(64, examples=("Falcon 9", "Electron", "Ariane 62")),
]
PadName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(_plain_name),
    _name_schema(64, examples=("LC40", "LC39A", "SLC-4E")),
]
SiteName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(_plain_name),
    _name_schema(64, examples=("CC", "KSC", "VSFBS")),
]
ONE_OF_VEHICLES: Final = "One of GET /v1/vehicles (unknown: 422 unknown_name, with suggestions)."
ONE_OF_PADS: Final = "One of GET /v1/pads (unknown: 422 unknown_name, with suggestions)."
UNLESS_UNSEEN: Final = (
    "A name no table knows is a 422 unknown_name with the closest known names, unless allow_unseen."
)


VEHICLE_NAME: Final = (
    "A vehicle: GCAT's name ('Falcon 9', 'Chang Zheng 2D'), a common name T-Minus knows "
    "('F9', 'Falcon 9 Block 5', 'Long March 2D', 'GSLV Mk III'), or a family or series "
    "('Vulcan', 'Ariane 6', 'Atlas V': its variant flying on the date, the most recently "
    "flown one not retired by then, said in context.resolved_as). GET /v1/vehicles lists the "
    "known vehicles."
)


class RequestSchema(BaseModel):
    """Base of every request schema: unknown fields and non-finite numbers are refused.

    Strict: a number is a JSON number (never ``true`` or ``"5000"``), a boolean a JSON boolean,
    a string a JSON string; integer fields are :data:`Integer`.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True, strict=True)


# ---- prediction items ------------------------------------------------------------------------
class LaunchItem(RequestSchema):
    """One launch: which vehicle, when, and optionally from where, to which orbit, with what."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"vehicle": "Falcon 9", "date": "2026-03-01", "pad": "LC40"}]
        }
    )

    vehicle: VehicleName = Field(description=f"{VEHICLE_NAME} {UNLESS_UNSEEN}")
    date: UtcDatetime
    site: SiteName | None = Field(default=None, description=f"GCAT site code. {ONE_OF_PADS}")
    pad: PadName | None = Field(default=None, description=f"GCAT pad code. {ONE_OF_PADS}")
    orbit: ShortName | None = Field(
        default=None, description="Orbit class, e.g. 'LEO', 'GTO' (accepted; not yet used)."
    )
    payload_mass_kg: float | None = Field(
        default=None, ge=0, le=300_000, description="Payload mass in kg (accepted; not yet used)."
    )
    allow_unseen: bool = Field(
        default=False,
        description="Answer a vehicle name no table knows (not in GET /v1/vehicles, not an "
        "alias) from the pooled new-vehicle prior, flagged unseen_vehicle, instead of "
        "refusing it with a 422 that lists the closest known names.",
    )


class LandingItem(RequestSchema):
    """One Falcon booster landing attempt."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"date": "2026-03-01", "landing_type": "ASDS", "core_flight": 12, "orbit": "LEO"}
            ]
        }
    )

    date: UtcDatetime
    landing_type: LandingType = Field(
        description="ASDS (drone ship), RTLS (return to launch site) or Ocean."
    )
    core_flight: Integer = Field(
        default=1,
        ge=1,
        le=50,
        description="This booster's flight number (1 = new); read when the served version's "
        "feature set includes it (context.inputs_not_used says when it does not).",
    )
    block: Annotated[int, Field(ge=1, le=MAX_BLOCK), BeforeValidator(_integral)] | None = Field(
        default=None, description="Falcon booster block; default: latest."
    )
    payload_mass_kg: float | None = Field(
        default=None,
        ge=0,
        le=70_000,
        description="Payload mass in kg; read when the served version's feature set "
        "includes it (default: the median of past attempts, flagged payload_mass_assumed).",
    )
    orbit: ShortName | None = Field(
        default=None,
        description="Orbit class, e.g. 'LEO', 'GTO'; read (high-energy or not) when the served "
        "version's feature set includes it.",
    )
    vehicle: Name | None = Field(
        default=None,
        description="'Falcon 9' or 'Falcon Heavy' (informational).",
        examples=["Falcon 9"],
    )


class PadItem(RequestSchema):
    """A launch from ``pad`` on ``date``: when can the pad launch next?"""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"pad": "LC39A", "date": "2026-03-01", "site": "KSC"}]}
    )

    pad: PadName = Field(description=f"GCAT pad code. {ONE_OF_PADS}")
    date: UtcDatetime
    site: SiteName | None = Field(
        default=None,
        description=f"GCAT site code; needed only when a pad code is ambiguous. {ONE_OF_PADS}",
    )
    vehicle: VehicleName | None = Field(
        default=None,
        description=f"Vehicle of the launch, if known (names as for launches). {UNLESS_UNSEEN}",
    )
    allow_unseen: bool = Field(
        default=False,
        description="Answer a vehicle name no table knows (not in GET /v1/vehicles, not an "
        "alias) from the pooled new-vehicle prior, flagged unseen_vehicle, instead of "
        "refusing it with a 422 that lists the closest known names.",
    )


class FailureItem(RequestSchema):
    """A failure of ``vehicle`` on ``date``: when does its family fly again?"""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"vehicle": "Falcon 9", "date": "2026-03-01"}]}
    )

    vehicle: VehicleName = Field(description=f"{VEHICLE_NAME} {UNLESS_UNSEEN}")
    date: UtcDatetime = Field(description="Date of the failure.")
    allow_unseen: bool = Field(
        default=False,
        description="Answer a vehicle name no table knows (not in GET /v1/vehicles, not an "
        "alias) from the pooled new-vehicle prior, flagged unseen_vehicle, instead of "
        "refusing it with a 422 that lists the closest known names.",
    )


class WeatherItem(RequestSchema):
    """A Cape launch attempt's weather over the ~4 hours before T-0; missing values are filled.

    Field names are the sensor summaries of the BRAVO dataset (``features.weather``).
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "date": "2026-03-01",
                    "max_peak_wind": 18.0,
                    "lightning_count": 0,
                    "max_abs_field_mill": 300.0,
                }
            ]
        }
    )

    date: UtcDatetime
    max_peak_wind: float | None = Field(
        default=None, ge=0, le=250, description="Max tower peak wind speed (kt)."
    )
    max_abs_field_mill: float | None = Field(
        default=None, ge=0, le=50_000, description="Max |field mill| electric field (V/m)."
    )
    lightning_count: float | None = Field(
        default=None, ge=0, le=1_000_000, description="Lightning strikes counted."
    )
    precipitable_water: float | None = Field(
        default=None, ge=0, le=150, description="Mean balloon precipitable water (mm)."
    )
    max_profiler_wind: float | None = Field(
        default=None, ge=0, le=300, description="Max wind-profiler wind speed."
    )
    max_profiler_shear: float | None = Field(
        default=None, ge=0, le=10, description="Max wind-profiler wind shear."
    )

    def values(self) -> dict[str, float | None]:
        """The sensor summaries by name (everything but the date)."""
        return self.model_dump(exclude={"date"})


# ---- batches ---------------------------------------------------------------------------
@functools.cache
def batch_of(item: type[RequestSchema]) -> type[RequestSchema]:
    """The batch schema of a request item: ``{"items": [item, ...]}``, 1 to 10,000 items.

    ``LaunchItem`` gives ``LaunchBatch``; built once per item schema.
    """
    name = item.__name__.removesuffix("Item") + "Batch"
    batch: type[RequestSchema] = create_model(
        name,
        __base__=RequestSchema,
        __doc__=f"Up to {MAX_BATCH:,} items, each a {item.__name__}.",
        __module__=__name__,
        items=(list[item], Field(min_length=1, max_length=MAX_BATCH)),  # type: ignore[valid-type]
    )
    return batch


def _single_or_batch(value: Any) -> str:
    """Tag a body as ``batch`` when it carries ``items``, else as ``single``."""
    if isinstance(value, dict):
        return "batch" if "items" in value else "single"
    return "batch" if hasattr(value, "items") and isinstance(value.items, list) else "single"


# The tags appear in pydantic's error locations; the error handler removes them.
BODY_TAGS: Final = frozenset({"single", "batch"})


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The schema inside ``X``, ``X | None`` or ``list[X]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def fields_at(schema: type[BaseModel], path: Sequence[str | int]) -> list[str] | None:
    """Field names of the object at ``path`` (a pydantic error location) within ``schema``."""
    current: type[BaseModel] | None = schema
    for part in path:
        if isinstance(part, int):
            continue  # a list index: the element schema was taken with the list's field
        if current is None or part not in current.model_fields:
            return None
        current = _model_in(current.model_fields[part].annotation)
    return list(current.model_fields) if current is not None else None


def unknown_field_message(name: str, allowed: Sequence[str]) -> str:
    """'unknown field 'x' (did you mean 'y'?); allowed fields: ...'."""
    # The one name rule (difflib's 0.6 cutoff, as it was, on the folded names).
    close = NameIndex(allowed).closest(name, score=60.0, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown field {name[:40]!r}{hint}; allowed fields: {', '.join(allowed)}"


_DISCRIMINATOR = Discriminator(_single_or_batch)


@functools.cache
def body_of(item: type[RequestSchema]) -> Any:
    """The body a prediction route takes: one ``item`` or its batch (see :func:`batch_of`)."""
    return Annotated[
        Annotated[item, Tag("single")] | Annotated[batch_of(item), Tag("batch")],
        _DISCRIMINATOR,
    ]


# ---- responses ---------------------------------------------------------------------------
class ResponseSchema(BaseModel):
    """Base of every response schema."""

    model_config = ConfigDict(frozen=True)


# [low, high]: a pair, published as a two-number array (a tuple's prefixItems form trips
# schemathesis' response validation of OpenAPI 3.1, and says nothing more).
Interval = Annotated[
    tuple[float, float],
    WithJsonSchema({"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}),
]


class Provenance(ResponseSchema):
    """Which model version answered, the data it was trained through, and whose data it was."""

    model: ModelName
    version: str = Field(description="Registry version id of the model that answered.")
    data_cutoff: dt.date | None = Field(description="Last day of the data it was trained on.")
    attribution: list[str] = Field(description="Sources of that data and their licences.")


class ProbabilityItem(ResponseSchema):
    """A calibrated probability with its 90% interval, and how old the data behind it is."""

    probability: float = Field(ge=0, le=1)
    interval: Interval = Field(
        description="90% interval [low, high] of the probability: its uncertainty given the "
        "data (the 5th-95th percentile of the probability over draws of the fitted model's "
        "coefficients, evaluated at the vehicle's own record as of the date), not a range of "
        "outcomes. A simulation on the real covariates checks that such intervals hold the "
        "true probability about 90% of the time (85-95%); it is shown on each model card."
    )
    flags: dict[str, bool] = Field(
        description="True flags mark answers resting on a prior or an assumption: "
        "unseen_vehicle (a name no GCAT table knows: the pooled new-vehicle prior), "
        "maiden_flight (a known vehicle with no launch before the date: its family's and "
        "provider's record), new_pad (a pad GCAT lists with no launch before the date), "
        "unseen_pad (a pad no table knows), pad_unspecified (no pad given: the answer mixes "
        "the pads the vehicle used in the year before the date)."
    )
    context: dict[str, Any] = Field(description="The history numbers behind the answer.")
    as_of: dt.datetime | None = Field(
        default=None,
        description="The moment the launch record was read at: the date asked, or the end of "
        "the record for a later date (only launches before it count). Null for a model that "
        "reads no launch record.",
    )
    days_past_cutoff: int | None = Field(
        default=None,
        ge=0,
        description="Whole days from the data cutoff to the date asked: how stale the record "
        "is for this question (0 for a date within the record).",
    )


class Quantiles(ResponseSchema):
    """Days at the 10th, 50th and 90th percentile."""

    p10: float = Field(ge=0)
    p50: float = Field(ge=0)
    p90: float = Field(ge=0)


class QuantileDates(ResponseSchema):
    """``start`` plus each quantile: the implied dates."""

    p10: dt.datetime
    p50: dt.datetime
    p90: dt.datetime


class QuantileItem(ResponseSchema):
    """A duration in days as 10/50/90% quantiles, counted from ``start``, and the dates."""

    start: dt.datetime
    quantiles: Quantiles
    dates: QuantileDates
    flags: dict[str, bool] = Field(
        description="True flags mark answers resting on an assumption: unseen_vehicle, "
        "maiden_flight, new_pad (a pad GCAT lists with no launch before the date)."
    )
    context: dict[str, Any]
    as_of: dt.datetime | None = Field(
        default=None,
        description="The moment the launch record was read at: the date asked, or the end of "
        "the record for a later date.",
    )
    days_past_cutoff: int | None = Field(
        default=None,
        ge=0,
        description="Whole days from the data cutoff to the date asked (0 within the record).",
    )


class ProbabilityAnswer(ProbabilityItem, Provenance):
    """One probability answer and the model version behind it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "model": "launch_failure",
                    "version": "20261201T032828450738Z-b775",
                    "data_cutoff": "2025-12-30",
                    "attribution": ["Data from GCAT (J. McDowell), CC BY 4.0"],
                    "probability": 0.0032,
                    "interval": [0.0005, 0.0077],
                    "flags": {
                        "unseen_vehicle": False,
                        "maiden_flight": False,
                        "new_pad": False,
                        "unseen_pad": False,
                        "pad_unspecified": False,
                    },
                    "context": {"vehicle": "Falcon 9", "vehicle_flights": 581},
                    "as_of": "2025-12-31T00:00:00Z",
                    "days_past_cutoff": 61,
                }
            ]
        }
    )


class ProbabilityBatchAnswer(Provenance):
    """Probability answers for a batch, in request order, all from one model version."""

    items: list[ProbabilityItem]


class QuantileAnswer(QuantileItem, Provenance):
    """One timing answer and the model version behind it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "model": "pad_turnaround",
                    "version": "20261201T032830111086Z-3966",
                    "data_cutoff": "2025-12-30",
                    "attribution": ["Data from GCAT (J. McDowell), CC BY 4.0"],
                    "start": "2026-03-01T00:00:00Z",
                    "quantiles": {"p10": 8.3, "p50": 28.9, "p90": 96.9},
                    "dates": {
                        "p10": "2026-03-09T07:12:00Z",
                        "p50": "2026-03-29T21:36:00Z",
                        "p90": "2026-06-05T21:36:00Z",
                    },
                    "flags": {"unseen_vehicle": False, "new_pad": False},
                    "context": {"pad": "KSC/LC39A", "pad_flights": 199},
                    "as_of": "2025-12-31T00:00:00Z",
                    "days_past_cutoff": 61,
                }
            ]
        }
    )


class QuantileBatchAnswer(Provenance):
    """Timing answers for a batch, in request order, all from one model version."""

    items: list[QuantileItem]


# ---- catalogue ---------------------------------------------------------------------------
VehicleState = Literal["flown", "not yet flown"]
VehicleStatus = Literal[
    "active",
    "retired",
    "in_development",
    "crew_only",
    "dedicated",
    "closed_to_new_customers",
    "cancelled",
    "unknown",
]


class VehicleInfo(ResponseSchema):
    """A known vehicle and its record as of the data cutoff; GCAT also lists unflown ones."""

    name: str
    family: str
    provider: str | None
    flights: int
    failures: int
    first_flight: dt.datetime | None
    last_flight: dt.datetime | None
    state: VehicleState = Field(
        description="'not yet flown': GCAT lists the variant but it has no launch on record; "
        "a launch of it is answered as a maiden flight."
    )
    status: VehicleStatus = Field(
        description="What T-Minus' vehicle reference says today: active, retired, "
        "in_development, crew_only, dedicated (a national or single-customer programme), "
        "closed_to_new_customers, cancelled; unknown when the reference does not list it."
    )
    status_since: str | None = Field(
        default=None, description="Retired, cancelled or closed since (YYYY[-MM[-DD]])."
    )
    status_source: str | None = Field(
        default=None, description="The public document the status comes from, checked on."
    )
    capacity_kg: dict[str, float] = Field(
        default_factory=dict,
        description="The largest rated capacity per orbit class in T-Minus' reference "
        "(LEO, SSO, GTO, ..., in kg); a class without a public figure is absent.",
    )


class PadInfo(ResponseSchema):
    """A known pad and its record as of the data cutoff; GCAT also lists unused open pads."""

    pad: str
    site: str
    name: str | None = Field(description="GCAT's name of the pad.")
    flights: int
    failures: int
    last_flight: dt.datetime | None
    vehicles: list[str] = Field(description="Vehicles flown from the pad, most flown first.")
    state: VehicleState = Field(
        description="'not yet flown': an open pad GCAT lists at a site that has launched to "
        "orbit, with no launch on record; a launch from it is answered as a new pad."
    )


class VehicleList(Provenance):
    """Known vehicles, most flown first."""

    total: int = Field(description="Matching vehicles before the limit.")
    vehicles: list[VehicleInfo]


class PadList(Provenance):
    """Known pads, most used first."""

    total: int = Field(description="Matching pads before the limit.")
    pads: list[PadInfo]


class FlightRisk(ResponseSchema):
    """One flight of a vehicle and the failure probability the served version gives it."""

    flight: int = Field(ge=1, description="The vehicle's flight number (1 = maiden flight).")
    date: dt.datetime
    failed: bool
    probability: float = Field(
        ge=0, le=1, description="Failure probability from the record as it stood before it."
    )
    interval: Interval = Field(
        description="90% interval [low, high] of that probability given the data (the "
        "fitted coefficients' uncertainty at the vehicle's record then)."
    )


class VehicleHistory(Provenance):
    """A vehicle's flights in time order, each with the risk the served version gives it.

    Each probability is the served ``launch_failure`` version's answer for that flight, from
    its pad, read from the launch record as it stood just before it: the features the backtest
    computed for it. The weights are the served version's, fitted on all these flights, so the
    series shows how risk moves with experience, not a forecast's skill (the backtest in
    ``GET /v1/models/launch_failure`` is that).
    """

    vehicle: str = Field(description="The known spelling of the vehicle.")
    family: str
    provider: str | None
    state: VehicleState
    flights: int
    failures: int
    history: list[FlightRisk] = Field(description="Every flight, oldest first.")


# ---- models ------------------------------------------------------------------------------
class ServedInfo(ResponseSchema):
    """The version a model is served from in this process."""

    version: str
    loaded_at: dt.datetime


class RefusedInfo(ResponseSchema):
    """A version the service refused to load, and why."""

    version: str
    reason: str
    at: dt.datetime


class ModelSummary(ResponseSchema):
    """A model in the registry and what this service does with it."""

    name: ModelName
    output: Output
    title: str = Field(description="The model's name for people (its dashboard card's title).")
    card_note: str = Field(description="What its dashboard card says before it is used.")
    path: str = Field(description="Its prediction route, POST.")
    summary: str | None
    aliases: dict[str, str]
    versions: int
    served: ServedInfo | None
    refused: RefusedInfo | None


class ModelList(ResponseSchema):
    """Every model this service serves."""

    models: list[ModelSummary]


class VersionInfo(ResponseSchema):
    """One version's record and its backtest against the baselines."""

    version: str
    created_at: dt.datetime
    aliases: list[str]
    data_cutoff: dt.date | None
    primary_metrics: list[str]
    metrics: dict[str, dict[str, float | None]] = Field(
        description="Backtest metrics of 'model' and of each baseline, on the same folds."
    )
    backtest_scheme: str | None


class ModelDetail(ModelSummary):
    """A model with its versions, aliases, backtests and the served version's inputs."""

    attribution: list[str]
    feature_schema: dict[str, Any] = Field(description="Inputs the served version accepts.")
    version_history: list[VersionInfo] = Field(description="Every version, newest first.")


# ---- operations and admin ----------------------------------------------------------------
class Health(ResponseSchema):
    """The process is alive."""

    status: Literal["ok"]


class Readiness(ResponseSchema):
    """Whether every served model is loaded and verified."""

    status: Literal["ready", "not_ready"]
    replica: str = Field(
        description="The replica that answered (TMINUS_REPLICA; also the X-TMinus-Replica header)."
    )
    models: dict[str, str] = Field(description="Model -> served version.")
    missing: list[str] = Field(description="Models not loaded yet.")
    refused: dict[str, RefusedInfo]


class AliasUpdate(RequestSchema):
    """Point an alias at a version."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"version": "20261129T091321123655Z-5e44"}]}
    )

    version: Annotated[str, StringConstraints(pattern=r"^\d{8}T\d{12}Z-[0-9a-f]{4}$")] = Field(
        description="A version id of this model (GET /v1/models/{name})."
    )


class AliasAnswer(ResponseSchema):
    """The alias as it now stands, and what this process now serves."""

    model: ModelName
    alias: str
    version: str
    served_version: str | None


class ReloadOutcome(ResponseSchema):
    """What a reload did for one model."""

    status: Literal["unchanged", "loaded", "refused", "missing"]
    version: str | None
    detail: str | None = None


class ReloadAnswer(ResponseSchema):
    """What a reload did for every served model."""

    models: dict[str, ReloadOutcome]
