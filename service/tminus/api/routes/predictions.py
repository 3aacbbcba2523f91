"""``POST /v1/<model>``: one item or a batch ``{"items": [...]}`` in, typed answers out.

One typed route per served model, generated from :data:`tminus.serving.models.MODELS`: the
route's body, response schema, summary and examples all come from the model's entry.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Final

from fastapi import APIRouter, Body, Request
from fastapi.responses import Response
from pydantic import BaseModel

from tminus.api.metrics import note_served
from tminus.http.deps import snapshot_of
from tminus.serving.errors import problem_responses
from tminus.serving.models import MODELS, ModelSpec
from tminus.serving.state import Snapshot

router = APIRouter(prefix="/v1", tags=["predictions"])

# Batches up to this size run on the event loop (microseconds per item); bigger ones in a thread.
INLINE_ITEMS: Final = 32
ERRORS: Final = problem_responses(
    {
        422: "An input breaks the schema (`type` names the rule), or a vehicle, pad or site "
        "is not in the catalogue (`type` unknown_name, `suggestions` the closest known names; "
        "GET /v1/vehicles and GET /v1/pads list them).",
        503: "The model has no verified version loaded yet.",
    }
)


def examples(spec: ModelSpec) -> dict[str, Any]:
    """The OpenAPI examples of a model's body: one item and a batch of two."""
    single, second = spec.examples
    return {
        "single": {"summary": "One item", "value": single},
        "batch": {"summary": "A batch (up to 10,000 items)", "value": {"items": [single, second]}},
    }


def render(spec: ModelSpec, snapshot: Snapshot, body: BaseModel) -> bytes:
    """The answer's JSON bytes, as sent (the fast path sends the same)."""
    return spec.run(snapshot, body).model_dump_json().encode()


def item_count(body: BaseModel) -> int:
    """Items in a request body: a batch's length, else 1."""
    items = getattr(body, "items", None)
    return len(items) if isinstance(items, list) else 1


async def answer(request: Request, spec: ModelSpec, body: BaseModel) -> Response:
    """Run the model on the served snapshot, off the event loop for big batches.

    The snapshot is read once here, not through a dependency: FastAPI's dependency solving
    costs more than the prediction.
    """
    snapshot = snapshot_of(request)
    served = snapshot.get(spec.name)
    count = item_count(body)
    if count > INLINE_ITEMS:
        content = await asyncio.to_thread(render, spec, snapshot, body)
    else:
        content = render(spec, snapshot, body)
    note_served(request, served, count)
    # The answer is already validated and serialised by its schema: no second pass.
    return Response(content=content, media_type="application/json")


def add_route(spec: ModelSpec) -> None:
    """The typed route of one model, from its entry in the table."""

    async def endpoint(request: Request, body: Any) -> Response:
        return await answer(request, spec, body)

    # The body's type is the model's own (one item or a batch), so FastAPI validates and
    # documents it; set on the signature because it is only known per model.
    endpoint.__annotations__ = {
        "request": Request,
        "body": Annotated[spec.body, Body(openapi_examples=examples(spec))],
        "return": Response,
    }
    endpoint.__name__ = spec.name
    endpoint.__doc__ = spec.summary
    router.add_api_route(
        spec.path.removeprefix(router.prefix),
        endpoint,
        methods=["POST"],
        response_model=spec.answer | spec.batch_answer,
        responses=ERRORS,
        name=spec.name,
    )


for _spec in MODELS:
    add_route(_spec)
