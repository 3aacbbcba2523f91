"""The tools an LLM can call, defined once and served three ways: MCP, OpenAI functions, ``/ask``.

Each :class:`ToolSpec` names a request schema, a response schema and a handler that takes a
:class:`~tminus.serving.state.Snapshot`. The handlers are the functions the REST routes call
(each model's entry in :mod:`tminus.serving.models`, :mod:`tminus.serving.catalogue`) or the
planner and comparison built on them, so there is one implementation with several faces. The
argument schema of every face is the request schema's own JSON schema.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from tminus.predictors.base import QueryError
from tminus.serving import catalogue
from tminus.serving.errors import ModelUnavailableError, ServiceError, validation_problems
from tminus.serving.models import MODELS, ModelSpec
from tminus.serving.schemas import PadList, Provenance, VehicleList
from tminus.serving.state import Snapshot
from tminus.tools.comparison import compare_vehicles
from tminus.tools.planner import plan_mission
from tminus.tools.schemas import (
    CompareRequest,
    Comparison,
    FunctionDefinition,
    OpenAITool,
    PadSearch,
    PlanRequest,
    PlanResponse,
    SourceRef,
    ToolCallRecord,
    VehicleSearch,
)

A = TypeVar("A", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)

CITE: Final = (
    "Every answer carries `model`, `version` and `data_cutoff`: cite the model and version "
    "next to each number you use. A prediction also carries `as_of`, the moment the launch "
    "record was read at, and `days_past_cutoff`: when it is above zero the date asked lies "
    "after the data, so say how old the data are."
)


@dataclass(frozen=True)
class ToolSpec(Generic[A, R]):
    """One tool: its name, what it does, its argument and result schemas, and its handler.

    ``blocking`` marks handlers that may take milliseconds (many predictions); async callers run
    them in a worker thread. ``read_only`` says the tool changes nothing (every tool here): MCP
    announces it, and an LLM answer lists the calls of tools that are not as its actions.
    """

    name: str
    title: str
    description: str
    arguments: type[A]
    result: type[R]
    handler: Callable[[Snapshot, A], R]
    blocking: bool = False
    read_only: bool = True

    def input_schema(self) -> dict[str, Any]:
        """The JSON schema of the arguments: the request schema's own."""
        return self.arguments.model_json_schema()

    def parse(self, arguments: Mapping[str, Any]) -> A:
        """Validated arguments; :class:`pydantic.ValidationError` if they do not fit."""
        return self.arguments.model_validate(dict(arguments))

    def run(self, snapshot: Snapshot, arguments: A) -> R:
        """The handler's answer on ``snapshot``."""
        return self.handler(snapshot, arguments)

    def openai(self) -> OpenAITool:
        """The tool as an OpenAI function definition."""
        return OpenAITool(
            function=FunctionDefinition(
                name=self.name, description=self.description, parameters=self.input_schema()
            )
        )


def _single(answer: BaseModel, kind: type[R]) -> R:
    # A single item in gives a single answer out; the batch form is for REST clients.
    if not isinstance(answer, kind):  # pragma: no cover - guaranteed by predict's contract
        raise TypeError(f"expected a {kind.__name__}, got {type(answer).__name__}")
    return answer


def _vehicles(snapshot: Snapshot, search: VehicleSearch) -> VehicleList:
    return catalogue.list_vehicles(
        snapshot, query=search.query, status=search.status, limit=search.limit
    )


def _pads(snapshot: Snapshot, search: PadSearch) -> PadList:
    return catalogue.list_pads(snapshot, query=search.query, limit=search.limit)


def prediction_tool(spec: ModelSpec) -> ToolSpec[Any, Any]:
    """The LLM tool of a served model, from its entry in :data:`~tminus.serving.models.MODELS`.

    One item in, one answer out: the batch form is for REST clients.
    """
    return ToolSpec(
        name=spec.tool_name,
        title=spec.tool_title,
        description=f"{spec.tool_description} {CITE}",
        arguments=spec.item,
        result=spec.answer,
        handler=spec.run_one,
    )


TOOLS: Final[tuple[ToolSpec[Any, Any], ...]] = (
    *(prediction_tool(spec) for spec in MODELS),
    ToolSpec(
        name="list_vehicles",
        title="Known vehicles",
        description=(
            "Known launch vehicles (GCAT names) with flights, failures, first and last flight, "
            "family and provider (GCAT agency code, e.g. 'SPX' = SpaceX, 'RLABN' = Rocket Lab) "
            "as of the data cutoff, most flown first, each with its status in T-Minus' vehicle "
            "reference (active, retired, ...; with its source) and its largest published "
            "capacity per orbit class. `query` matches name, family or provider, ignoring case "
            "and punctuation; `status` keeps one status ('active': what can be bought today). "
            "Use it to find the exact name a tool needs."
        ),
        arguments=VehicleSearch,
        result=VehicleList,
        handler=_vehicles,
    ),
    ToolSpec(
        name="list_pads",
        title="Known pads",
        description=(
            "Known launch pads (GCAT site and pad codes) with flights, failures, last launch "
            "and the vehicles flown from each, most used first. `query` matches pad, site or a "
            "vehicle flown from it (e.g. 'Falcon 9')."
        ),
        arguments=PadSearch,
        result=PadList,
        handler=_pads,
    ),
    ToolSpec(
        name="compare_vehicles",
        title="Compare vehicles",
        description=(
            "Failure probability (with 90% interval) of 2-8 vehicles launching on the same "
            "`date`, ranked lowest risk first, with each vehicle's record and a summary that "
            "says whether differences are clear-cut (intervals overlap or not). " + CITE
        ),
        arguments=CompareRequest,
        result=Comparison,
        handler=compare_vehicles,
        blocking=True,
    ),
    ToolSpec(
        name="plan_mission",
        title="Plan a mission",
        description=(
            "What can carry a payload, from where, and when: ranked (vehicle, pad, date) "
            "options for a launch window. Give `payload_mass_kg` and `orbit` (LEO, SSO, MEO, "
            "GTO, GEO, HEO, LUNAR, ESCAPE) to check capacity and destinations: each option's "
            "`feasibility` says whether the vehicle can carry the mass there (basis: "
            "demonstrated mass, GCAT's rated capacity, or a stated rule; `capacity_rule`), the "
            "capacity margin, and how often the site has launched to that orbit. Options of "
            "unknown capacity are kept, flagged capacity_unknown and ranked after the feasible "
            "ones. Vehicles are the ones named, or every one active in the window (and the "
            "variants of their families not yet flown, as maiden flights); pads are those they "
            "launched from (a maiden flight: its family's), on the first date the pad is likely "
            "free with a failure probability within `max_failure_probability`. Ranked by "
            "failure probability, date or capacity margin (`rank_by`), with the Pareto front "
            "and sentences explaining each rank. `excluded` gives every option ruled out and "
            "why (capacity_exceeded, orbit_not_reached_from_site, vehicle_not_active, "
            "pad_not_active, pad_busy, risk_above_tolerance, ...); `limits` says what the "
            "public data cannot tell (retirements, manifests). A window after the data "
            "cutoff is read at the cutoff, and the answer says so. " + CITE
        ),
        arguments=PlanRequest,
        result=PlanResponse,
        handler=plan_mission,
        blocking=True,
    ),
)

TOOLS_BY_NAME: Final[dict[str, ToolSpec[Any, Any]]] = {spec.name: spec for spec in TOOLS}


@cache
def openai_tools() -> tuple[OpenAITool, ...]:
    """Every tool as an OpenAI function definition (schemas built once)."""
    return tuple(spec.openai() for spec in TOOLS)


# ---- failures, described once for MCP and for the LLM loop --------------------------------
class ToolCallError(Exception):
    """A tool call that cannot be answered, with a message an LLM can act on."""

    def __init__(self, message: str, problems: Sequence[Mapping[str, Any]] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = [dict(p) for p in problems]

    def to_json(self) -> dict[str, Any]:
        """``{"error": ..., "problems": [...]}``, the shape an LLM receives."""
        out: dict[str, Any] = {"error": self.message}
        if self.problems:
            out["problems"] = self.problems
        return out


def _problem_text(problem: Mapping[str, Any]) -> str:
    loc = ".".join(str(part) for part in problem.get("loc", ()))
    text = f"{loc}: {problem.get('msg', '')}" if loc else str(problem.get("msg", ""))
    suggestions = problem.get("suggestions") or problem.get("allowed")
    if suggestions:
        text += f" (try: {', '.join(str(s) for s in list(suggestions)[:5])})"
    return text


def describe_failure(tool: str, exc: Exception) -> ToolCallError | None:
    """The :class:`ToolCallError` for an expected error of ``tool``; None for a bug."""
    problems: list[dict[str, Any]]
    if isinstance(exc, ValidationError):
        problems = validation_problems(exc.errors())
        head = f"invalid arguments for {tool}"
    elif isinstance(exc, ModelUnavailableError):
        return ToolCallError(f"{tool} is unavailable: {exc}; try again shortly")
    elif isinstance(exc, ServiceError):
        problems = [p.to_json() for p in exc.problems]
        head = f"{tool} cannot answer"
    elif isinstance(exc, QueryError):
        problems = [{"loc": [exc.field], "msg": exc.message, "suggestions": list(exc.suggestions)}]
        head = f"{tool} cannot answer"
    else:
        return None
    return ToolCallError(f"{head}: " + "; ".join(_problem_text(p) for p in problems), problems)


def call_tool(snapshot: Snapshot, name: str, arguments: Mapping[str, Any]) -> BaseModel:
    """Validate ``arguments`` for tool ``name`` and run it on ``snapshot``.

    Raises
    ------
    ToolCallError
        Unknown tool, invalid arguments, an input the models cannot answer, or a model that is
        not loaded: every failure the caller (an LLM) can act on, with a message saying how.
    """
    spec = TOOLS_BY_NAME.get(name)
    if spec is None:
        raise ToolCallError(f"unknown tool {name!r}; the tools are: {', '.join(TOOLS_BY_NAME)}")
    try:
        result: BaseModel = spec.run(snapshot, spec.parse(arguments))
    except (ValidationError, ServiceError, QueryError) as exc:
        failure = describe_failure(name, exc)
        assert failure is not None
        raise failure from exc
    return result


def sources_of(result: BaseModel) -> list[Provenance]:
    """Every model version a tool result's numbers came from."""
    if isinstance(result, Provenance):
        return [
            Provenance(
                model=result.model,
                version=result.version,
                data_cutoff=result.data_cutoff,
                attribution=result.attribution,
            )
        ]
    sources = getattr(result, "sources", None)
    if isinstance(sources, list):
        return [s for s in sources if isinstance(s, Provenance)]
    return []


def success_record(
    name: str, arguments: dict[str, Any] | str, result: BaseModel
) -> tuple[list[Provenance], ToolCallRecord]:
    """A tool call that answered: the model versions behind it, and its ``tool_calls`` record."""
    found = sources_of(result)
    record = ToolCallRecord(
        name=name,
        arguments=arguments,
        ok=True,
        sources=source_refs(found),
        result=result.model_dump(mode="json"),
    )
    return found, record


def source_refs(sources: Sequence[Provenance]) -> list[SourceRef]:
    """Model and version only."""
    return [SourceRef(model=s.model, version=s.version) for s in sources]


def merge_sources(groups: Sequence[Sequence[Provenance]]) -> list[Provenance]:
    """Distinct (model, version) sources in first-seen order."""
    seen: dict[tuple[str, str], Provenance] = {}
    for group in groups:
        for source in group:
            seen.setdefault((source.model, source.version), source)
    return list(seen.values())


def sources_line(sources: Sequence[Provenance]) -> str:
    """'Sources: launch_failure 2026... (data through 2025-12-30); ...'."""
    parts = [
        f"{s.model} {s.version}"
        + (f" (data through {s.data_cutoff.isoformat()})" if s.data_cutoff else "")
        for s in sources
    ]
    return "Sources: " + "; ".join(parts) + "."
