"""The LLM face over HTTP: ``/v1/plan``, ``/v1/tools``, ``/v1/ask``, and MCP at ``/mcp``.

``GET /v1/tools`` gives the tools as OpenAI function definitions and ``POST /v1/tools/<name>``
runs one (an operation of its own per tool, typed by the tool's schemas), so a client with its
own tool-calling loop needs nothing but this service.

The app mounts :data:`router`, and serves :func:`mcp_asgi_app`'s endpoint at ``/mcp`` through
:func:`mcp_route`, running that app's lifespan (the MCP session manager) inside its own.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from tminus.http.deps import SettingsDep, SnapshotDep
from tminus.serving.errors import NotConfiguredError, NotFoundError, Problem, problem_responses
from tminus.serving.state import ModelStore
from tminus.settings import Settings
from tminus.tools.offline import answer_offline
from tminus.tools.planner import plan_mission
from tminus.tools.schemas import AskRequest, AskResponse, OpenAITool, PlanRequest, PlanResponse
from tminus.tools.toolbox import TOOLS, TOOLS_BY_NAME, ToolSpec, openai_tools

MCP_PATH: Final = "/mcp"


router = APIRouter(prefix="/v1", tags=["llm"])

PLAN_ERRORS: Final = problem_responses(
    {
        422: "An input breaks the schema, an invalid window or limit (`type` invalid_window, "
        "too_many_dates, margin_needs_mass), or a vehicle, site or orbit outside the catalogue "
        "(`type` unknown_name, with the closest known names).",
        503: "launch_failure or pad_turnaround has no verified version loaded.",
    }
)
TOOL_ERRORS: Final = problem_responses(
    {
        422: "The arguments break the tool's schema, or name a vehicle, pad, site or orbit "
        "outside the catalogue (`type` unknown_name, with the closest known names).",
        503: "The model behind the tool has no verified version loaded.",
    }
)
ASK_ERRORS: Final = problem_responses(
    {
        409: "mode 'llm' on a server without an LLM (`type` llm_not_configured; `allowed` "
        "lists the modes this server offers).",
        422: "The question or mode breaks the schema.",
        502: "The LLM endpoint failed, refused us, or kept calling tools.",
        503: "A model the answer needs has no verified version loaded.",
        504: "The LLM did not answer in time.",
    }
)


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


def add_tool_route(spec: ToolSpec[Any, Any]) -> None:
    """``POST /v1/tools/<name>``: one typed operation per tool, from its entry in the toolbox.

    The body is the tool's own argument schema (the OpenAI function's ``parameters``) and the
    answer its result schema, so each tool is documented, validated and generated for on its
    own.
    """

    async def endpoint(snapshot: SnapshotDep, arguments: Any) -> JSONResponse:
        if spec.blocking:
            result = await asyncio.to_thread(spec.run, snapshot, arguments)
        else:
            result = spec.run(snapshot, arguments)
        return JSONResponse(result.model_dump(mode="json"))

    endpoint.__annotations__ = {
        "snapshot": SnapshotDep,
        "arguments": Annotated[
            spec.arguments, Body(description="The tool call's arguments, as the LLM sent them.")
        ],
        "return": JSONResponse,
    }
    endpoint.__name__ = f"tool_{spec.name}"
    endpoint.__doc__ = f"Run the {spec.name} tool: {spec.title[0].lower()}{spec.title[1:]}.\n\n"
    endpoint.__doc__ += spec.description
    router.add_api_route(
        f"/tools/{spec.name}",
        endpoint,
        methods=["POST"],
        response_model=spec.result,
        responses=TOOL_ERRORS,
        name=f"tool_{spec.name}",
    )


for _spec in TOOLS:
    add_tool_route(_spec)


@router.post("/tools/{name}", include_in_schema=False)
async def unknown_tool(name: str) -> None:
    """Any other tool name: a 404 listing the tools (each one is its own route above)."""
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
        # A well-formed request another server could answer: this one has no LLM configured.
        raise NotConfiguredError(
            [
                Problem(
                    loc=("body", "mode"),
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


def mcp_asgi_app(store: ModelStore, settings: Settings) -> Starlette:
    """The MCP streamable-HTTP app: the tools at ``/mcp``, answering from ``store``'s snapshot.

    Stateless, JSON responses: every request stands alone, so any replica can answer it and
    no session has to stick to a process. Only ``POST`` is served: a stateless server has no
    stream to open for ``GET`` (the SDK's would never end) and no session to ``DELETE``, so
    both are a 405, as the MCP transport allows. The ``Host`` and ``Origin`` headers are
    checked against ``TMINUS_MCP_ALLOWED_HOSTS`` and ``TMINUS_MCP_ALLOWED_ORIGINS`` (see
    :class:`_McpRoute`), in place of the SDK's own check, which cannot allow any host.

    Serve its endpoint at :data:`MCP_PATH` through :func:`mcp_route` (not the app mounted
    under a prefix, which would redirect ``/mcp`` to ``/mcp/``) and run
    ``app.router.lifespan_context(app)`` inside the service's lifespan: it starts the MCP
    session manager.
    """
    # Imported here, not with the module: the MCP SDK takes longer to import than the rest of
    # the service, which builds this app once it is ready (see tminus.app).
    from mcp.server.transport_security import TransportSecuritySettings

    from tminus.tools.mcp_server import build_mcp_server

    server = build_mcp_server(lambda: store.snapshot)
    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=True,
        json_response=True,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    guard = McpGuard(hosts=settings.mcp_allowed_hosts, origins=settings.mcp_allowed_origins)
    app.router.routes = [
        _McpRoute(r.path, r.endpoint, guard=guard, include_in_schema=False)
        if isinstance(r, Route)
        else r
        for r in app.router.routes
    ]
    return app


def mcp_route(endpoint: ASGIApp, settings: Settings) -> Route:
    """The route at :data:`MCP_PATH` that serves ``endpoint`` (POST only, behind the
    :class:`McpGuard` of ``settings``), for an app that builds its MCP face after it starts."""
    guard = McpGuard(hosts=settings.mcp_allowed_hosts, origins=settings.mcp_allowed_origins)
    return _McpRoute(MCP_PATH, endpoint, guard=guard, include_in_schema=False)


@dataclass(frozen=True)
class McpGuard:
    """Which ``Host`` and ``Origin`` values ``/mcp`` answers (DNS-rebinding protection).

    ``hosts``: exact values, ``name:*`` for any port of ``name``, or ``*`` for any host.
    ``origins``: exact values or ``origin:*``; a request without ``Origin`` (any client that
    is not a browser page) is not an origin's.
    """

    hosts: Sequence[str]
    origins: Sequence[str]

    def problem(self, headers: Headers) -> tuple[int, Problem] | None:
        """The status and problem of a request the guard refuses; None when it may pass."""
        host = headers.get("host", "")
        if "*" not in self.hosts and not _allowed(host, self.hosts):
            return 421, Problem(
                loc=("header", "Host"),
                msg=f"/mcp does not answer for host {host[:100]!r}; allowed: "
                f"{', '.join(self.hosts) or 'none'} (TMINUS_MCP_ALLOWED_HOSTS)",
                type="host_not_allowed",
            )
        origin = headers.get("origin")
        if origin is not None and not _allowed(origin, self.origins):
            return 403, Problem(
                loc=("header", "Origin"),
                msg=f"/mcp does not answer pages from {origin[:100]!r}; allowed origins: "
                f"{', '.join(self.origins) or 'none'} (TMINUS_MCP_ALLOWED_ORIGINS)",
                type="origin_not_allowed",
            )
        return None


def _allowed(value: str, allowed: Sequence[str]) -> bool:
    return any(
        value == entry or (entry.endswith(":*") and value.startswith(entry[:-1]))
        for entry in allowed
    )


class _McpRoute(Route):
    """The MCP route: POST only, behind the :class:`McpGuard`, named in the request scope.

    The metrics middleware labels requests by ``scope["route"]`` (FastAPI's own routes set it);
    without it, ``/mcp`` requests would be counted as unmatched.
    """

    def __init__(self, *args: Any, guard: McpGuard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guard = guard

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match != Match.NONE:
            child_scope["route"] = self
        return match, child_scope

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        refused: tuple[int, Problem] | None = None
        headers: dict[str, str] = {}
        if scope["method"] != "POST":
            headers = {"Allow": "POST"}
            refused = (
                405,
                Problem(
                    loc=("method",),
                    msg=f"{scope['method']} is not allowed on {MCP_PATH}: this server is stateless "
                    "(no stream to open, no session to end); send JSON-RPC requests with POST",
                    type="http_405",
                ),
            )
        else:
            refused = self.guard.problem(Headers(scope=scope))
        if refused is None:
            await super().handle(scope, receive, send)
            return
        status, problem = refused
        answer = JSONResponse({"detail": [problem.to_json()]}, status_code=status, headers=headers)
        await answer(scope, receive, send)
