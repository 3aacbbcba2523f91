"""The FastAPI application: ``create_app()`` builds it; uvicorn calls it as a factory.

Models load in the lifespan, not at import: the champion of every served model is loaded and
verified before the first request, and a background task re-reads the aliases every
``reload_interval_s`` seconds to pick up a new champion without a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import inspect
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, Final

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

import tminus
from tminus.api.errors import BodyLimitMiddleware, install_error_handlers
from tminus.api.fastpath import PredictionFastPath, fast_routes
from tminus.api.metrics import Metrics, MetricsMiddleware
from tminus.api.replica import ReplicaHeader
from tminus.api.routes import admin, catalogue, ops, predictions, vehicle_history
from tminus.api.routes import registry as registry_routes
from tminus.predictors.kinds import MODEL_NAMES
from tminus.registry.store import CARD, Registry
from tminus.serving.errors import BodySchema, Problem, problem_responses
from tminus.serving.models import MODELS
from tminus.serving.state import ModelStore
from tminus.settings import Settings, get_settings
from tminus.tools import routes as tool_routes
from tminus.tools.schemas import AskRequest, PlanRequest
from tminus.tools.toolbox import TOOLS
from tminus.web.routes import install_dashboard

log = logging.getLogger(__name__)

DESCRIPTION = """
Calibrated launch **risk** and **timing** predictions from public launch records.

Every answer names the model **version** that produced it, the **data cutoff** it was trained
through and the **attribution** of its data. Probabilities come with a 90% interval, durations
with 10/50/90% quantiles (days) and the implied dates. Each prediction route takes one item or
a batch `{"items": [...]}` of up to 10,000.

Unknown vehicle, pad or site names are either answered from a pooled prior, flagged
(`"unseen_vehicle": true`), or refused with a 422 listing the closest known names: see
`GET /v1/vehicles` and `GET /v1/pads` for valid inputs. Names are plain text (letters and
digits of any script, spaces and `_ - . , ' ( ) / + ? #`); anything else is a 422. Numbers
are JSON numbers (never `true` or `"5000"`), dates ISO 8601 dates or date-times from
1957-01-01 to 2100-12-31: each schema's `pattern` is exactly the rule applied. Every error
answer has the shape `ErrorAnswer`.

Admin routes need the header `X-API-Key` equal to `TMINUS_ADMIN_KEY`; when that variable is
not set they are off and answer **404**.
"""

# A full batch of 10,000 items is 1-3 MB of JSON; anything far bigger is refused (413) unread.
MAX_BODY_BYTES = 16 * 1024 * 1024
# What any route with a body may answer before its schema is even applied.
BODY_ERRORS: Final = problem_responses(
    {
        400: "The body cannot be read as JSON: not UTF-8, or a number or nesting beyond the "
        "parser's limits.",
        413: f"The body is over {MAX_BODY_BYTES // 2**20} MiB; refused unread.",
    }
)
# What any route with parameters or a body may answer when they break its schema.
INPUT_ERRORS: Final = problem_responses(
    {422: "An input breaks the schema; `detail` names each field and what is allowed."}
)

TAGS: list[dict[str, Any]] = [
    {"name": "predictions", "description": "Risk and timing predictions, one item or a batch."},
    {"name": "catalogue", "description": "Known vehicles and pads: the valid inputs."},
    {"name": "models", "description": "Versions, aliases, backtests and model cards."},
    {"name": "operations", "description": "Liveness, readiness and Prometheus metrics."},
    {"name": "admin", "description": "Move aliases and reload (needs X-API-Key)."},
    {"name": "llm", "description": "Planner, OpenAI tool definitions and questions (MCP: /mcp)."},
]


def limit_native_threads() -> None:
    """One native (BLAS/OpenMP) thread per process: predictions are tiny and tail latency matters.

    ``tminus serve`` also sets the environment variables before numpy is imported; this catches
    the pools of libraries already loaded (e.g. under a test client).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return
    threadpool_limits(limits=1)


def create_app(
    settings: Settings | None = None,
    *,
    models: Sequence[str] = MODEL_NAMES,
    registry: Registry | None = None,
    fast_path: bool = True,
) -> FastAPI:
    """Build the service for ``models`` (all by default) from ``settings.models_dir``.

    ``fast_path=False`` leaves out :class:`~tminus.api.fastpath.PredictionFastPath`, so every
    prediction goes through its FastAPI route (the answers are the same bytes; tests compare).
    """
    settings = settings or get_settings()
    metrics = Metrics()
    store = ModelStore(registry or Registry(settings.models_dir), models, listener=metrics)
    mcp = LateMcp(store, settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        limit_native_threads()
        await asyncio.to_thread(store.refresh)
        if store.missing:
            log.warning(
                "not ready: no verified %s version of %s in %s yet; checking every %.1f s",
                store.alias,
                ", ".join(store.missing),
                store.registry.root,
                settings.reload_interval_s,
            )
        tasks = [
            asyncio.create_task(store.poll(settings.reload_interval_s)),
            asyncio.create_task(mcp.run()),
        ]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app = FastAPI(
        title="T-Minus",
        version=tminus.__version__,
        summary="Launch risk and timing predictions, versioned and calibrated.",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        # No redirect to the path without its trailing slash: Starlette builds its Location
        # from the Host header, which a client chooses (Host: evil.example was redirected to
        # http://evil.example/...). Such a path is a 404 that names the route meant.
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.metrics = metrics
    if fast_path:
        # Innermost: valid predictions are answered here, everything else goes to the routes.
        app.add_middleware(
            PredictionFastPath,
            store=store,
            metrics=metrics,
            routes=fast_routes(predictions.router.routes),
        )
    # Inside the metrics middleware, so a refused body is counted; not FastAPI's max_body_size,
    # whose 413 is plain text (see BodyLimitMiddleware).
    app.add_middleware(BodyLimitMiddleware, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    # Outermost: every answer names the replica that gave it (behind a load balancer).
    app.add_middleware(ReplicaHeader, replica=settings.replica)
    install_error_handlers(app, bodies=request_bodies())
    for router in ROUTERS:
        summarise_routes(router)
        document_errors(router)
        app.include_router(router)
    # The MCP route itself, not a Mount (which would redirect /mcp to /mcp/).
    app.router.routes.append(tool_routes.mcp_route(mcp, settings))
    install_dashboard(app)
    app.openapi = served_examples(app.openapi, store)  # type: ignore[method-assign]
    return app


#: The routers of the documented routes, in the order they are matched.
ROUTERS: Final[tuple[APIRouter, ...]] = (
    predictions.router,
    catalogue.router,
    vehicle_history.router,
    registry_routes.router,
    ops.router,
    admin.router,
    tool_routes.router,
)


class LateMcp:
    """The MCP face at ``/mcp``, built once the service is up.

    Its SDK takes longer to import than the rest of the service, and the prediction routes
    never need it: :meth:`run` builds it (off the event loop) after the models are loaded and
    keeps its session manager running until shutdown; a request to ``/mcp`` before then
    waits for it, and gets a 503 if it could not be built.
    """

    def __init__(self, store: ModelStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.built = asyncio.Event()
        self.endpoint: ASGIApp | None = None

    async def run(self) -> None:
        """Build the MCP app and serve its lifespan until cancelled."""
        try:
            mcp_app = await asyncio.to_thread(tool_routes.mcp_asgi_app, self.store, self.settings)
        except Exception:  # the MCP face fails alone; predictions go on
            log.exception("the MCP face at %s could not be built", tool_routes.MCP_PATH)
            self.built.set()
            return
        async with mcp_app.router.lifespan_context(mcp_app):  # the MCP session manager
            self.endpoint = next(
                route.app
                for route in mcp_app.routes
                if isinstance(route, Route) and route.path == tool_routes.MCP_PATH
            )
            self.built.set()
            await asyncio.Event().wait()  # until cancelled at shutdown

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.built.wait()
        if self.endpoint is None:
            problem = Problem(loc=(), msg="the MCP face is unavailable", type="unavailable")
            response = JSONResponse({"detail": [problem.to_json()]}, status_code=503)
            await response(scope, receive, send)
            return
        await self.endpoint(scope, receive, send)


def served_examples(
    openapi: Callable[[], dict[str, Any]], store: ModelStore
) -> Callable[[], dict[str, Any]]:
    """``openapi`` with the versions this service serves as examples of every version parameter.

    Version ids are the registry's, unknown to a static schema: without them a client
    generator (schemathesis) only ever meets 404s on the routes that take one. The model
    card is an example of every version's files. Built per call (the base schema is cached),
    so the examples follow the champions.
    """

    def with_examples() -> dict[str, Any]:
        schema = copy.deepcopy(openapi())
        served = {name: model.version for name, model in store.snapshot.models.items()}
        examples = {
            "version": {f"served {name}": {"value": v} for name, v in served.items()},
            "file": {"the model card": {"value": CARD}},
        }
        for operations in schema["paths"].values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    found = examples.get(parameter["name"])
                    if found and served and parameter["in"] in {"path", "query"}:
                        parameter["examples"] = found
        return schema

    return with_examples


def request_bodies() -> dict[str, BodySchema]:
    """The body schema of each route path, for the unknown-field messages of its 422s."""
    bodies: dict[str, BodySchema] = {
        spec.path: {"single": spec.item, "batch": spec.batch} for spec in MODELS
    }
    bodies.update({f"/v1/tools/{tool.name}": tool.arguments for tool in TOOLS})
    bodies.update({"/v1/plan": PlanRequest, "/v1/ask": AskRequest})
    return bodies


def document_errors(router: APIRouter) -> None:
    """Declare the errors every route can answer, in the one error shape, in its OpenAPI entry.

    A route with a body can answer 400 and 413 before its schema is applied; one with a body
    or parameters a 422 when they break it (a route's own 422, naming more, is kept). Called
    before the router is included, so that the app's routes are built with the error schema.
    """
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        responses = dict(route.responses)
        dependant = route.dependant
        takes_input = route.body_field is not None or any(
            (dependant.path_params, dependant.query_params, dependant.header_params)
        )
        for status, doc in {
            **(BODY_ERRORS if route.body_field is not None else {}),
            **(INPUT_ERRORS if takes_input else {}),
        }.items():
            responses.setdefault(status, doc)
        route.responses = responses


def summarise_routes(router: APIRouter) -> None:
    """Use each route's one-line docstring as its OpenAPI summary (not the function name)."""
    for route in router.routes:
        if isinstance(route, APIRoute) and route.summary is None and route.endpoint.__doc__:
            first, _, rest = route.endpoint.__doc__.strip().partition("\n")
            route.summary = first.strip()
            # FastAPI re-derives an empty description from the docstring when the router is
            # included; a form feed is its documented "description ends here" marker.
            route.description = inspect.cleandoc(rest) or "\f"
