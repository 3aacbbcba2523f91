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

from pydantic import ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

from tminus.serving.schemas import (
    ModelName,
    Name,
    Provenance,
    QuantileDates,
    Quantiles,
    RequestSchema,
    ResponseSchema,
    ShortName,
    UtcDatetime,
)

# A plan's window is at most a year, sampled at most this many times per (vehicle, pad).
MAX_WINDOW_DAYS: Final = 366
MAX_DATES: Final = 120
MAX_LIST: Final = 20
MAX_QUESTION: Final = 2000

ExclusionReason = Literal[
    "unknown_vehicle",
    "retired_vehicle",
    "provider_not_allowed",
    "no_known_pad",
    "site_not_allowed",
    "retired_pad",
    "pad_busy",
    "risk_above_tolerance",
]


# ---- shared answer parts -----------------------------------------------------------------
class SourceRef(ResponseSchema):
    """The model version a number came from."""

    model: ModelName
    version: str = Field(description="Registry version id of that model.")


class FailureEstimate(SourceRef):
    """A launch's failure probability with its 90% interval, and the version behind it."""

    probability: float = Field(ge=0, le=1)
    interval: tuple[float, float] = Field(description="90% interval [low, high].")


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
        ge=0,
        le=300_000,
        description="Payload mass in kg. Accepted but not checked: T-Minus has no vehicle "
        "capacity data, and the answer says so.",
    )
    orbit: ShortName | None = Field(
        default=None,
        description="Orbit class, e.g. 'LEO', 'SSO', 'GTO'. Accepted but not used by the models; "
        "the answer says so.",
    )
    vehicles: list[Name] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_LIST,
        description="Vehicles allowed (GCAT names, e.g. 'Falcon 9'; see list_vehicles). "
        "Default: every vehicle that flew within retired_after_years of the data cutoff.",
    )
    sites: list[Name] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_LIST,
        description="GCAT site codes allowed, e.g. 'CC' (Cape Canaveral), 'KSC', 'VSFBS'. "
        "Default: any.",
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
        description="A vehicle or pad with no flight in this many years before the data "
        "cutoff counts as retired.",
    )
    date_step_days: int = Field(
        default=7,
        ge=1,
        le=90,
        description="Spacing of the dates tried in the window, from the first date the pad "
        f"is likely free; at most {MAX_DATES} dates per vehicle and pad.",
    )
    rank_by: Literal["risk", "date"] = Field(
        default="risk",
        description="'risk': lowest failure probability first (ties: earliest date); "
        "'date': earliest expected launch date first (ties: lowest risk).",
    )
    max_options: int = Field(default=10, ge=1, le=100, description="Options returned.")

    @field_validator("latest_date")
    @classmethod
    def _window(cls, value: dt.datetime, info: ValidationInfo) -> dt.datetime:
        earliest = info.data.get("earliest_date")
        if isinstance(earliest, dt.datetime):
            if value < earliest:
                raise ValueError(
                    f"latest_date {value.date()} is before earliest_date {earliest.date()}"
                )
            if value - earliest > dt.timedelta(days=MAX_WINDOW_DAYS):
                raise ValueError(
                    f"the window is {(value - earliest).days} days; at most {MAX_WINDOW_DAYS} "
                    "days are planned at once"
                )
        return value

    @field_validator("date_step_days")
    @classmethod
    def _dates(cls, value: int, info: ValidationInfo) -> int:
        earliest, latest = info.data.get("earliest_date"), info.data.get("latest_date")
        if isinstance(earliest, dt.datetime) and isinstance(latest, dt.datetime):
            window = (latest - earliest).days
            if window // value + 1 > MAX_DATES:
                raise ValueError(
                    f"a {window}-day window every {value} day(s) is more than {MAX_DATES} "
                    f"dates; use date_step_days >= {math.ceil(window / (MAX_DATES - 1))}"
                )
        return value

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


class PlanOption(ResponseSchema):
    """A feasible (vehicle, pad, date), its numbers, their sources and why it ranks here."""

    rank: int = Field(description="Position in this answer (by the request's rank_by).")
    risk_rank: int = Field(description="Position by failure probability (1 = lowest).")
    date_rank: int = Field(description="Position by planned date (1 = earliest).")
    pareto_optimal: bool = Field(description="No other option is both lower-risk and earlier.")
    vehicle: str
    family: str
    provider: str | None
    site: str
    pad: str
    date: dt.datetime = Field(
        description="Planned date: the first date in the window on which the pad is more "
        "likely free than not (and the risk within tolerance)."
    )
    failure: FailureEstimate
    pad_readiness: PadReadiness
    record: VehicleRecord
    flags: dict[str, bool] = Field(description="Answers resting on a prior or assumption.")
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
    rank_by: Literal["risk", "date"]
    data_cutoff: dt.date | None
    options: list[PlanOption]
    options_total: int = Field(description="Feasible options before max_options.")
    excluded: list[Exclusion]
    excluded_total: int = Field(description="Exclusions before the list was cut.")
    notes: list[str] = Field(description="Assumptions and checks the plan could not make.")
    sources: list[Provenance]


# ---- comparison --------------------------------------------------------------------------
class CompareRequest(RequestSchema):
    """Several vehicles launching on the same date."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"vehicles": ["Electron", "Vega C"], "date": "2026-03-01"}]}
    )

    vehicles: list[Name] = Field(
        min_length=2, max_length=8, description="2 to 8 GCAT vehicle names."
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
    limit: int = Field(default=25, ge=1, le=500, description="At most this many vehicles.")


class PadSearch(RequestSchema):
    """A search of the known pads."""

    query: Name | None = Field(
        default=None,
        description="Matches pad, site or a vehicle flown from it (e.g. 'Falcon 9').",
    )
    limit: int = Field(default=25, ge=1, le=500, description="At most this many pads.")


# ---- ask ---------------------------------------------------------------------------------
Question = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=MAX_QUESTION)
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
