"""The LLM face over HTTP: ``/v1/plan``, ``/v1/tools``, ``/v1/ask``, and MCP at ``/mcp``.

``GET /v1/tools`` gives the tools as OpenAI function definitions and ``POST /v1/tools/{name}``
runs one, so a client with its own tool-calling loop needs nothing but this service.

The app mounts :data:`router`, and serves :func:`mcp_asgi_app`'s endpoint at ``/mcp`` through
:class:`McpRoute`, running that app's lifespan (the MCP session manager) inside its own.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated, Any, Final

from fastapi import APIRouter, Body, Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.routing import Match, Route
from starlette.types import Scope

from tminus.serving.errors import InvalidInputError, NotFoundError, Problem, validation_problems
from tminus.serving.state import ModelStore, Snapshot
from tminus.settings import Settings
from tminus.tools.offline import answer_offline
from tminus.tools.planner import plan_mission
from tminus.tools.schemas import AskRequest, AskResponse, OpenAITool, PlanRequest, PlanResponse
from tminus.tools.toolbox import TOOLS_BY_NAME, openai_tools

MCP_PATH: Final = "/mcp"


async def _snapshot(request: Request) -> Snapshot:
    """The served models as of the start of this request (the app keeps its store in state)."""
    store: ModelStore = request.app.state.store
    return store.snapshot


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SnapshotDep = Annotated[Snapshot, Depends(_snapshot)]
SettingsDep = Annotated[Settings, Depends(_settings)]

router = APIRouter(prefix="/v1", tags=["llm"])

PLAN_ERRORS: Final[dict[int | str, dict[str, Any]]] = {
    422: {
        "description": "An invalid window or limit, or an unknown site or provider code "
        "(`detail` names the field, with the closest known codes)."
    },
    503: {"description": "launch_failure or pad_turnaround has no verified version loaded."},
}
ASK_ERRORS: Final[dict[int | str, dict[str, Any]]] = {
    422: {
        "description": "An invalid question or mode, or mode 'llm' on a server without an LLM "
        "(`allowed` lists the modes it offers)."
    },
    502: {"description": "The LLM endpoint failed, refused us, or kept calling tools."},
    503: {"description": "A model the answer needs has no verified version loaded."},
    504: {"description": "The LLM did not answer in time."},
}


@router.post("/plan", response_model=PlanResponse, responses=PLAN_ERRORS)
async def plan(
    snapshot: SnapshotDep,
    body: Annotated[
        PlanRequest,
        Body(
            openapi_examples={
                "named vehicles": {
                    "summary": "Three vehicles, a spring window, a 5% risk tolerance",
                    "value": {
                        "earliest_date": "2026-03-01",
                        "latest_date": "2026-05-31",
                        "payload_mass_kg": 800,
                        "orbit": "SSO",
                        "vehicles": ["Falcon 9", "Electron", "Vega C"],
                        "max_failure_probability": 0.05,
                    },
                },
                "any vehicle from the Cape": {
                    "summary": "Every recently active vehicle at CC or KSC, earliest first",
                    "value": {
                        "earliest_date": "2026-03-01",
                        "latest_date": "2026-03-31",
                        "sites": ["CC", "KSC"],
                        "rank_by": "date",
                    },
                },
            }
        ),
    ],
) -> PlanResponse:
    """Rank vehicle, pad and date options for a mission window, with reasons and exclusions."""
    return await asyncio.to_thread(plan_mission, snapshot, body)


@router.get("/tools", response_model=list[OpenAITool])
async def tools() -> list[OpenAITool]:
    """The T-Minus tools as OpenAI function definitions (the MCP tools' own schemas)."""
    return list(openai_tools())


@router.post(
    "/tools/{name}",
    response_model=None,
    responses={
        200: {"description": "The tool's answer, as its MCP structured output."},
        404: {"description": "No tool of that name; `allowed` lists the tools."},
        422: {"description": "Invalid arguments, or inputs the models cannot answer."},
        503: {"description": "The model behind the tool has no verified version loaded."},
    },
)
async def run_tool(
    name: Annotated[
        str,
        PathParam(description="A tool name from GET /v1/tools.", examples=["compare_vehicles"]),
    ],
    snapshot: SnapshotDep,
    arguments: Annotated[
        dict[str, Any],
        Body(
            description="The tool call's arguments (a JSON object, as the LLM sent them).",
            openapi_examples={
                "compare": {
                    "summary": "compare_vehicles",
                    "value": {"vehicles": ["Electron", "Vega C"], "date": "2026-03-01"},
                }
            },
        ),
    ],
) -> JSONResponse:
    """Run one tool: execute an OpenAI tool call made with the definitions of GET /v1/tools."""
    spec = TOOLS_BY_NAME.get(name)
    if spec is None:
        raise NotFoundError(
            [
                Problem(
                    loc=("path", "name"),
                    msg=f"no tool named {name[:64]!r}",
                    type="unknown_tool",
                    allowed=list(TOOLS_BY_NAME),
                )
            ]
        )
    try:
        request = spec.parse(arguments)
    except ValidationError as exc:
        problems = [
            Problem(loc=tuple(p["loc"]), msg=str(p["msg"]), type=str(p["type"]))
            for p in validation_problems(exc.errors())
        ]
        raise InvalidInputError(problems) from exc
    if spec.blocking:
        result = await asyncio.to_thread(spec.run, snapshot, request)
    else:
        result = spec.run(snapshot, request)
    return JSONResponse(result.model_dump(mode="json"))


@router.post("/ask", response_model=AskResponse, responses=ASK_ERRORS)
async def ask(
    snapshot: SnapshotDep,
    settings: SettingsDep,
    body: Annotated[
        AskRequest,
        Body(
            openapi_examples={
                "risk": {
                    "summary": "Launch risk",
                    "value": {"question": "risk of a Falcon 9 launch from SLC-40 next month"},
                },
                "compare": {
                    "summary": "Compare vehicles",
                    "value": {"question": "compare Electron and Vega C"},
                },
                "pad": {
                    "summary": "Pad turnaround, offline",
                    "value": {"question": "when can LC-39A launch next", "mode": "offline"},
                },
            }
        ),
    ],
) -> AskResponse:
    """Answer a question with the tools: through the configured LLM, or offline without one."""
    # Imported on the first question: the LLM client library is heavy and the prediction
    # routes, which most of the service's traffic is, never need it (cold start).
    from tminus.tools.ask import LLMConfig, ask_llm, missing_llm_settings

    config = LLMConfig.from_settings(settings)
    today = dt.datetime.now(dt.UTC).date()
    if body.mode == "offline" or (body.mode == "auto" and config is None):
        answer = await asyncio.to_thread(answer_offline, body.question, snapshot, today=today)
        missing = missing_llm_settings(settings)
        if body.mode == "auto" and missing:
            note = f"No LLM is configured (set {' and '.join(missing)})."
            answer = answer.model_copy(update={"notes": [*answer.notes, note]})
        return answer
    if config is None:
        # The request, not the server, can change: this server's configuration is fixed.
        raise InvalidInputError(
            [
                Problem(
                    loc=("mode",),
                    msg="mode 'llm' needs an LLM and this server has none (it needs "
                    + " and ".join(missing_llm_settings(settings))
                    + "); use mode 'auto' or 'offline'",
                    type="llm_not_configured",
                    allowed=["auto", "offline"],
                )
            ],
        )
    # An LLMError is a ServiceError: answered as a 502, or a 504 for a timeout.
    return await ask_llm(body.question, snapshot, config, today=today)


def mcp_asgi_app(store: ModelStore) -> Starlette:
    """The MCP streamable-HTTP app: the tools at ``/mcp``, answering from ``store``'s snapshot.

    Stateless, JSON responses: every request stands alone, so any replica can answer it and
    no session has to stick to a process. DNS-rebinding protection (a guard for servers on a
    developer's localhost) is off: this is the service's public API, like ``/v1``.

    Serve its endpoint at :data:`MCP_PATH` through :class:`McpRoute` (not the app mounted under
    a prefix, which would redirect ``/mcp`` to ``/mcp/``) and run
    ``app.router.lifespan_context(app)`` inside the service's lifespan: it starts the MCP
    session manager.
    """
    # Imported here, not with the module: the MCP SDK takes longer to import than the rest of
    # the service, which builds this app once it is ready (see tminus.app).
    from mcp.server.transport_security import TransportSecuritySettings

    from tminus.tools.mcp_server import build_mcp_server

    server = build_mcp_server(lambda: store.snapshot)
    return server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=True,
        json_response=True,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )


class McpRoute(Route):
    """The MCP route, naming itself in the request scope as FastAPI's own routes do.

    The metrics middleware labels requests by ``scope["route"]``; without this, ``/mcp``
    requests would be counted as unmatched.
    """

    def __init__(self, path: str, endpoint: Any) -> None:
        super().__init__(path, endpoint, include_in_schema=False)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match != Match.NONE:
            child_scope["route"] = self
        return match, child_scope
