"""Schemas of the LLM face: the planner, vehicle comparison, catalogue search and ``/v1/ask``.

They build on the service's schemas (:mod:`tminus.serving.schemas`): requests forbid unknown fields
and bound every number and string, and every number in an answer sits next to the model and
version that produced it. The JSON schema of each request is, unchanged, the argument schema of
the matching MCP tool and OpenAI function, so REST, MCP and OpenAI tool calling agree.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from tminus.data import schema as S
from tminus.features.orbits import ORBIT_CLASSES, parse_orbit
from tminus.serving.schemas import (
    ONE_OF_VEHICLES,
    Integer,
    Interval,
    ModelName,
    Name,
    Provenance,
    QuantileDates,
    Quantiles,
    RequestSchema,
    ResponseSchema,
    ShortName,
    SiteName,
    UtcDatetime,
    VehicleName,
    VehicleStatus,
)

# A plan's window is at most a year, sampled at most this many times per (vehicle, pad).
MAX_WINDOW_DAYS: Final = 366
MAX_DATES: Final = 120
MAX_LIST: Final = 20
MAX_QUESTION: Final = 2000

ExclusionReason = Literal[
    "unknown_vehicle",
    "retired",
    "not_offered",
    "vehicle_not_active",
    "provider_not_allowed",
    "capacity_exceeded",
    "no_known_pad",
    "site_not_allowed",
    "pad_not_active",
    "orbit_not_reached_from_site",
    "pad_busy",
    "risk_above_tolerance",
]
RankBy = Literal["risk", "date", "margin"]


MAX_ORBIT_TEXT: Final = 64


def _orbit_class(value: object) -> object:
    """What planners write ('sun-synchronous', 'geostationary', 'Moon') as an orbit class."""
    if isinstance(value, str):
        found = parse_orbit(value) if len(value) <= MAX_ORBIT_TEXT else None
        if found is None:
            # The orbit's domain is a closed set of classes and their common names: outside it
            # is an unknown name (like an unknown vehicle), with the classes to choose from.
            raise PydanticCustomError(
                "unknown_name",
                "unknown orbit {orbit!r}; orbit classes are {classes} (also accepted: "
                "'sun-synchronous', 'geostationary', 'ISS', 'Moon', 'Mars', ...)",
                {"orbit": value[:32], "classes": ", ".join(ORBIT_CLASSES)},
            )
        return found
    return value


# An orbit class; common names are read as one (see tminus.features.orbits).
OrbitClass = Annotated[
    Literal["LEO", "SSO", "MEO", "GTO", "GEO", "HEO", "LUNAR", "ESCAPE"],
    BeforeValidator(_orbit_class),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "enum": list(S.ORBIT_CLASSES)},
                {"type": "string", "minLength": 1, "maxLength": MAX_ORBIT_TEXT},
            ],
            "description": "Orbit class: LEO, SSO (sun-synchronous), MEO, GTO, GEO, HEO "
            "(highly elliptical), LUNAR (the Moon), ESCAPE (beyond the Moon). Common names "
            "('sun-synchronous', 'geostationary', 'ISS' (LEO), 'Moon', 'Mars') are accepted; "
            "any other text is a 422 of type unknown_name listing the classes.",
            "examples": ["SSO", "GTO", "sun-synchronous"],
        },
        mode="validation",
    ),
]


# ---- shared answer parts -----------------------------------------------------------------
class SourceRef(ResponseSchema):
    """The model version a number came from."""

    model: ModelName
    version: str = Field(description="Registry version id of that model.")


class FailureEstimate(SourceRef):
    """A launch's failure probability with its 90% interval, and the version behind it."""

    probability: float = Field(ge=0, le=1)
    interval: Interval = Field(description="90% interval [low, high].")


class VehicleRecord(SourceRef):
    """A vehicle's flight record as of the data cutoff (from that model's launch history)."""

    flights: int
    failures: int
    first_flight: dt.datetime | None
    last_flight: dt.datetime | None


class PadReadiness(SourceRef):
    """When a pad is likely free: its last launch on record plus the turnaround quantiles."""

    site: str
    pad: str
    last_launch: dt.datetime = Field(description="The pad's last launch on record.")
    days: Quantiles = Field(description="Days from that launch to the pad's next launch.")
    dates: QuantileDates = Field(description="The implied dates of the pad's next launch.")


# ---- planner -----------------------------------------------------------------------------
class PlanRequest(RequestSchema):
    """A mission's requirements: the window, what may fly it, from where, at what risk."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "earliest_date": "2026-03-01",
                    "latest_date": "2026-05-31",
                    "payload_mass_kg": 800,
                    "orbit": "SSO",
                    "vehicles": ["Falcon 9", "Electron", "Vega C"],
                    "max_failure_probability": 0.05,
                }
            ]
        }
    )

    earliest_date: UtcDatetime = Field(description="First acceptable launch date.")
    latest_date: UtcDatetime = Field(
        description=f"Last acceptable launch date; at most {MAX_WINDOW_DAYS} days after the "
        "earliest."
    )
    payload_mass_kg: float | None = Field(
        default=None,
        gt=0,
        le=300_000,
        description="Payload mass in kg, checked against each vehicle's capacity to `orbit`: "
        "GCAT's rated capacity, a mass the record shows carried there, or a stated rule. A "
        "vehicle that cannot carry it is excluded (capacity_exceeded); one whose capacity is "
        "unknown is kept, flagged capacity_unknown and ranked after the feasible ones.",
    )
    orbit: OrbitClass | None = Field(
        default=None,
        description="Orbit class. Pads at sites that have never launched to it are excluded "
        "(orbit_not_reached_from_site); with payload_mass_kg it decides which capacity "
        "applies. Default: none (capacity checked against LEO).",
    )
    vehicles: list[VehicleName] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_LIST,
        description="Vehicles allowed (GCAT names, e.g. 'Falcon 9', or names T-Minus knows: "
        "'F9', 'Long March 2D'; a family name such as 'Vulcan' is its variant flying on the "
        "date; see list_vehicles). A name no table knows is refused (422, with the closest "
        "names). A variant GCAT lists that has not flown ('Ariane 64') is planned as a maiden "
        "flight from its family's pads. Default: every vehicle that flew within "
        "retired_after_years before the window (or the data cutoff, for a later window), and "
        "the not-yet-flown variants of their families (include_maiden_flights). Either way a "
        "vehicle T-Minus' reference lists as retired by the window, or not sold to new "
        "missions (crew-only, dedicated, closed to new customers), is excluded (retired, "
        "not_offered) unless include_retired.",
    )
    sites: list[SiteName] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_LIST,
        description="Sites allowed: GCAT site codes ('CC', 'KSC', 'VSFBS', 'CSG', 'MAHIA') or "
        "their names ('Cape Canaveral', 'Vandenberg', 'Kourou', 'Mahia'). Default: any.",
    )
    providers: list[ShortName] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_LIST,
        description="GCAT provider (agency) codes allowed, e.g. 'SPX' (SpaceX), 'RLABN' "
        "(Rocket Lab), 'AE' (Arianespace); see list_vehicles. Default: any.",
    )
    max_failure_probability: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="Risk tolerance: options whose failure probability is above it on every "
        "date of the window are excluded. Default: no limit.",
    )
    retired_after_years: float = Field(
        default=3.0,
        gt=0,
        le=50,
        description="A pad, and a vehicle T-Minus' reference does not list, counts as active "
        "when it launched within this many years before the window (before the data cutoff, "
        "for a window after it). A listed vehicle's status comes from the reference, with its "
        "source.",
    )
    include_retired: bool = Field(
        default=False,
        description="Also plan vehicles that T-Minus' reference lists as retired by the window "
        "or not sold to new missions (crew-only, dedicated, closed to new customers), flagged "
        "retired / not_offered: for history and what-if studies. Default: they are excluded "
        "with that reason.",
    )
    include_maiden_flights: bool = Field(
        default=True,
        description="When no vehicles are named, also plan the variants GCAT lists that have "
        "not flown yet, of families active in the window (flag maiden_flight).",
    )
    date_step_days: Integer = Field(
        default=7,
        ge=1,
        le=90,
        description="Spacing of the dates tried in the window, from the first date the pad "
        f"is likely free; at most {MAX_DATES} dates per vehicle and pad.",
    )
    rank_by: RankBy = Field(
        default="risk",
        description="'risk': lowest failure probability first (ties: earliest date); "
        "'date': earliest expected launch date first (ties: lowest risk); 'margin': largest "
        "capacity margin first (needs payload_mass_kg). Options whose capacity is unknown "
        "always come after the feasible ones.",
    )
    max_options: Integer = Field(default=10, ge=1, le=100, description="Options returned.")

    @field_validator("latest_date")
    @classmethod
    def _window(cls, value: dt.datetime, info: ValidationInfo) -> dt.datetime:
        earliest = info.data.get("earliest_date")
        if isinstance(earliest, dt.datetime):
            if value < earliest:
                raise PydanticCustomError(
                    "invalid_window",
                    "latest_date {latest} is before earliest_date {earliest}",
                    {"latest": str(value.date()), "earliest": str(earliest.date())},
                )
            if value - earliest > dt.timedelta(days=MAX_WINDOW_DAYS):
                raise PydanticCustomError(
                    "invalid_window",
                    "the window is {days} days; at most {most} days are planned at once",
                    {"days": (value - earliest).days, "most": MAX_WINDOW_DAYS},
                )
        return value

    @field_validator("date_step_days")
    @classmethod
    def _dates(cls, value: int, info: ValidationInfo) -> int:
        earliest, latest = info.data.get("earliest_date"), info.data.get("latest_date")
        if isinstance(earliest, dt.datetime) and isinstance(latest, dt.datetime):
            window = (latest - earliest).days
            if window // value + 1 > MAX_DATES:
                raise PydanticCustomError(
                    "too_many_dates",
                    "a {window}-day window every {step} day(s) is more than {most} dates; use "
                    "date_step_days >= {least}",
                    {
                        "window": window,
                        "step": value,
                        "most": MAX_DATES,
                        "least": math.ceil(window / (MAX_DATES - 1)),
                    },
                )
        return value

    @model_validator(mode="after")
    def _margin_needs_a_mass(self) -> PlanRequest:
        if self.rank_by == "margin" and self.payload_mass_kg is None:
            raise PydanticCustomError(
                "margin_needs_mass",
                "rank_by 'margin' needs payload_mass_kg: a margin is capacity - mass",
            )
        return self

    @field_validator("vehicles", "sites", "providers")
    @classmethod
    def _unique(cls, value: list[str] | None) -> list[str] | None:
        # Repeating a name is harmless; keep the first spelling.
        if value is None:
            return None
        seen: dict[str, str] = {}
        for item in value:
            seen.setdefault(item.casefold(), item)
        return list(seen.values())


class Feasibility(SourceRef):
    """Whether the vehicle can carry the payload to the orbit from this site, and the evidence.

    ``status`` is ``feasible`` (the capacity covers the mass: ``basis`` says how),
    ``unknown`` (no figure decides it: flagged, ranked after the feasible options) or
    ``not_checked`` (no payload mass given). The model and version are those of the artifact
    that carries GCAT's ratings and the launch record.
    """

    status: Literal["feasible", "unknown", "not_checked"]
    basis: Literal["reference", "demonstrated", "rated", "rule", "bound", "none"] = Field(
        description="reference: T-Minus' vehicle reference gives a figure for the orbit (the "
        "provider's rated figure or a payload known to have flown there; `source` names the "
        "public document); demonstrated: the record shows this mass or more carried to the "
        "orbit; rated: GCAT's rated capacity for the orbit; rule: a figure for another orbit "
        "by a stated rule (see `rule`); none: no figure decides."
    )
    configuration: str | None = Field(
        default=None,
        description="The configuration the figure is for ('recovered', 'expendable', ...): "
        "the usual one when it covers the mass, else the one that does.",
    )
    source: str | None = Field(
        default=None, description="The public document behind a reference figure, checked on."
    )
    why: str | None = Field(default=None, description="The verdict in a sentence.")
    orbit: str | None = Field(description="The orbit class checked (None: checked as LEO).")
    payload_mass_kg: float | None
    capacity_kg: float | None = Field(
        description="The figure the verdict rests on: the rating (its lowest variant when the "
        "variant flying is not in the record) or the mass demonstrated."
    )
    margin_kg: float | None = Field(description="capacity_kg - payload_mass_kg, if feasible.")
    margin_fraction: float | None = Field(description="margin_kg / payload_mass_kg.")
    rule: str | None = Field(description="The rule applied for this orbit class.")
    site_launches: int | None = Field(
        description="Launches from the site that reached the orbit class before the window "
        "(None: no orbit given)."
    )
    site_last_launch: dt.datetime | None
    evidence: list[str] = Field(description="Ratings, masses and launches behind the verdict.")


class PlanOption(ResponseSchema):
    """A feasible (vehicle, pad, date), its numbers, their sources and why it ranks here."""

    rank: int = Field(description="Position in this answer (by the request's rank_by).")
    risk_rank: int = Field(description="Position by failure probability (1 = lowest).")
    date_rank: int = Field(description="Position by planned date (1 = earliest).")
    margin_rank: int | None = Field(
        description="Position by capacity margin (1 = largest; unknown margins last); None "
        "without a payload mass."
    )
    pareto_optimal: bool = Field(
        description="No other option is at least as good on failure risk, date and capacity "
        "margin and better on one."
    )
    vehicle: str
    family: str
    provider: str | None
    status: str = Field(
        description="The vehicle's status on the planned date, from T-Minus' reference: "
        "active, in_development, retired, crew_only, dedicated, closed_to_new_customers, "
        "cancelled, or unknown (not in the reference)."
    )
    status_source: str | None = Field(
        default=None, description="The public document the status comes from, checked on."
    )
    site: str
    pad: str
    date: dt.datetime = Field(
        description="Planned date: the first date in the window on which the pad is more "
        "likely free than not (and the risk within tolerance)."
    )
    failure: FailureEstimate
    pad_readiness: PadReadiness
    feasibility: Feasibility
    record: VehicleRecord
    flags: dict[str, bool] = Field(
        description="Answers resting on a prior or assumption: maiden_flight (the vehicle has "
        "not flown: its family's record), in_development (the reference says it is not yet "
        "operational), status_unknown (not in T-Minus' reference: active by its recent "
        "launches only), retired and not_offered (kept because include_retired), "
        "capacity_unknown, new_pad, unseen_pad, pad_unspecified."
    )
    reasons: list[str] = Field(description="Why it ranks here, in sentences with sources.")


class Exclusion(ResponseSchema):
    """An option that cannot meet the requirements, and why."""

    vehicle: str
    site: str | None = None
    pad: str | None = None
    reason: ExclusionReason
    message: str
    suggestions: list[str] = Field(default_factory=list)


class PlanResponse(ResponseSchema):
    """Ranked feasible options, the excluded ones with reasons, and what the plan assumed."""

    earliest_date: dt.datetime
    latest_date: dt.datetime
    rank_by: RankBy
    orbit: str | None
    payload_mass_kg: float | None
    data_cutoff: dt.date | None
    read_at: dt.datetime | None = Field(
        description="The moment the launch record was read at: the earliest date, or the end "
        "of the record for a window after it."
    )
    days_past_cutoff: int = Field(
        description="Days from the data cutoff to the earliest date (0 within the record)."
    )
    capacity_rule: str | None = Field(description="How capacity to the orbit is judged.")
    options: list[PlanOption]
    options_total: int = Field(description="Options kept (feasible or unknown) before max_options.")
    options_unknown_capacity: int = Field(description="Of those, options of unknown capacity.")
    excluded: list[Exclusion] = Field(
        description="Options ruled out, with their reasons: up to 20 of each reason, 100 at "
        "most; excluded_by_reason counts them all."
    )
    excluded_total: int = Field(description="Exclusions before the list was cut.")
    excluded_by_reason: dict[str, int] = Field(
        default_factory=dict, description="How many exclusions of each reason (all of them)."
    )
    notes: list[str] = Field(description="Assumptions and checks the plan could not make.")
    limits: list[str] = Field(description="What the public data cannot tell, said plainly.")
    sources: list[Provenance]


# ---- comparison --------------------------------------------------------------------------
class CompareRequest(RequestSchema):
    """Several vehicles launching on the same date."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"vehicles": ["Electron", "Vega C"], "date": "2026-03-01"}]}
    )

    vehicles: list[VehicleName] = Field(
        min_length=2, max_length=8, description=f"2 to 8 GCAT vehicle names. {ONE_OF_VEHICLES}"
    )
    date: UtcDatetime


class VehicleComparison(ResponseSchema):
    """One vehicle of a comparison."""

    rank: int = Field(description="1 = lowest failure probability.")
    vehicle: str
    family: str
    provider: str | None
    failure: FailureEstimate
    record: VehicleRecord | None = Field(description="None for a vehicle with no history.")
    status: str = Field(
        description="Its status on the date, from T-Minus' vehicle reference (active, retired, "
        "in_development, crew_only, dedicated, closed_to_new_customers, cancelled; unknown if "
        "the reference does not list it)."
    )
    status_since: str | None = Field(default=None, description="Retired or closed since.")
    status_source: str | None = Field(default=None, description="The public source, checked on.")
    flags: dict[str, bool]


class Comparison(ResponseSchema):
    """Vehicles ranked by failure probability on one date, with a summary."""

    date: dt.datetime
    vehicles: list[VehicleComparison]
    summary: list[str]
    sources: list[Provenance]


# ---- catalogue search --------------------------------------------------------------------
class VehicleSearch(RequestSchema):
    """A search of the known vehicles."""

    query: Name | None = Field(
        default=None,
        description="Matches name, family or provider code, ignoring case and punctuation.",
    )
    status: VehicleStatus | None = Field(
        default=None,
        description="Only vehicles of this status in T-Minus' vehicle reference ('active' for "
        "what can be bought today; 'unknown': not in the reference). Default: any.",
    )
    limit: Integer = Field(default=25, ge=1, le=500, description="At most this many vehicles.")


class PadSearch(RequestSchema):
    """A search of the known pads."""

    query: Name | None = Field(
        default=None,
        description="Matches pad, site or a vehicle flown from it (e.g. 'Falcon 9').",
    )
    limit: Integer = Field(default=25, ge=1, le=500, description="At most this many pads.")


# ---- ask ---------------------------------------------------------------------------------
# Spaces, tabs and line breaks around a question are ignored; at least 3 characters remain.
_QUESTION_SPACE: Final = " \t\n\r"


def _question(value: str) -> str:
    stripped = value.strip(_QUESTION_SPACE)
    if len(stripped) < 3:
        raise PydanticCustomError(
            "string_too_short",
            "the question must have at least 3 characters besides spaces and line breaks",
        )
    return stripped


Question = Annotated[
    str,
    StringConstraints(min_length=3, max_length=MAX_QUESTION),
    AfterValidator(_question),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 3,
            "maxLength": MAX_QUESTION,
            # At least 3 characters from the first to the last that is not a space or break.
            "pattern": "[^ \\t\\n\\r][\\s\\S]+[^ \\t\\n\\r]",
            "description": "A question in plain language (spaces and line breaks around it "
            "are ignored).",
        },
        mode="validation",
    ),
]


class AskRequest(RequestSchema):
    """A question in plain language."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"question": "risk of a Falcon 9 launch from SLC-40 next month"}]
        }
    )

    question: Question
    mode: Literal["auto", "llm", "offline"] = Field(
        default="auto",
        description="'auto': the configured LLM, else the offline parser; 'llm': the LLM "
        "only (422 on a server without one); 'offline': the deterministic parser only.",
    )


class ToolCallRecord(ResponseSchema):
    """One tool call made while answering, and its outcome."""

    name: str
    arguments: dict[str, Any] | str = Field(
        description="The arguments as sent (the raw text when it was not a JSON object)."
    )
    ok: bool
    error: str | None = None
    sources: list[SourceRef] = Field(default_factory=list)
    result: dict[str, Any] | None = None


class NumberTrace(ResponseSchema):
    """A number the answer states, and where it came from."""

    text: str = Field(description="The number as the answer writes it ('0.32%').")
    value: float = Field(description="Its value as written (0.32 for '0.32%').")
    source: str = Field(
        description="Where it is found: a path into tool_calls ('tool_calls[0].result."
        "probability', as a percentage when the answer writes one), 'question' or 'today'."
    )


class UngroundedClaim(ResponseSchema):
    """A sentence of an LLM answer that states what no tool call did or returned."""

    sentence: str
    reason: Literal["action_claim", "number_not_from_tools"] = Field(
        description="action_claim: it says something was done (promoted, deployed, booked, "
        "...), but every tool is read-only and `actions` lists what was done; "
        "number_not_from_tools: it states a number that no tool result, the question or "
        "today's date holds (a number the LLM derived or invented)."
    )
    numbers: list[str] = Field(description="Its numbers that no source holds.")


class AskResponse(ResponseSchema):
    """The answer, how it was reached, and the model versions behind every number in it."""

    question: str
    answer: str
    mode: Literal["llm", "offline"]
    llm_model: str | None = Field(description="The LLM that answered (None offline).")
    understood: bool = Field(description="False when the question could not be answered.")
    steps: int = Field(description="LLM calls made (0 offline).")
    tool_calls: list[ToolCallRecord]
    sources: list[Provenance] = Field(description="Every model version a number came from.")
    notes: list[str]
    understood_as: dict[str, Any] = Field(
        default_factory=dict,
        description="Offline: what the parser read (intent, vehicles, site, pad, dates, mass, "
        "orbit, risk limit).",
    )
    ignored: list[str] = Field(
        default_factory=list,
        description="Offline: words of the question the parser could not read; the answer "
        "names them rather than silently answering another question.",
    )
    actions: list[str] = Field(
        default_factory=list,
        description="State-changing actions taken while answering (tool calls that are not "
        "read-only). Every tool the LLM can call is read-only, so this is always empty: "
        "nothing is promoted, moved or changed by a question, whatever the answer says.",
    )
    numbers: list[NumberTrace] = Field(
        default_factory=list,
        description="LLM mode: every number the answer states, traced to the tool result (or "
        "the question) it came from. Offline answers are built from tool results only.",
    )
    ungrounded: list[UngroundedClaim] = Field(
        default_factory=list,
        description="LLM mode: sentences of the answer that claim an action no tool took, or "
        "state a number no tool produced. Read those sentences as the LLM's, not T-Minus'.",
    )


# ---- OpenAI function definitions ---------------------------------------------------------
class FunctionDefinition(ResponseSchema):
    """An OpenAI function: name, description and the JSON schema of its arguments."""

    name: str
    description: str
    parameters: dict[str, Any]


class OpenAITool(ResponseSchema):
    """``{"type": "function", "function": {...}}``, as the Chat Completions API takes it."""

    type: Literal["function"] = "function"
    function: FunctionDefinition
