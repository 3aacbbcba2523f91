"""``POST /v1/<model>``: one item or a batch ``{"items": [...]}`` in, typed answers out."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated, Any, Final, TypeVar

from fastapi import APIRouter, Body, Request
from fastapi.responses import Response
from pydantic import BaseModel

from tminus.api import predict
from tminus.api.metrics import note_served
from tminus.api.schemas import (
    BoosterLandingBody,
    LaunchFailureBody,
    PadTurnaroundBody,
    ProbabilityAnswer,
    ProbabilityBatchAnswer,
    QuantileAnswer,
    QuantileBatchAnswer,
    ReturnToFlightBody,
    WeatherScrubBody,
)
from tminus.api.state import Snapshot

router = APIRouter(prefix="/v1", tags=["predictions"])

# Batches up to this size run on the event loop (microseconds per item); bigger ones in a thread.
INLINE_ITEMS: Final = 32
ERRORS: Final[dict[int | str, dict[str, Any]]] = {
    422: {
        "description": "An input is invalid or unknown; `detail` names the field and what "
        "is allowed (with the closest known names for an unknown vehicle, pad or site)."
    },
    503: {"description": "The model has no verified version loaded yet."},
}
B = TypeVar("B", bound=BaseModel)
# The request body of each model's route: one item or a batch.
BODIES: Final[dict[str, Any]] = {
    "launch_failure": LaunchFailureBody,
    "booster_landing": BoosterLandingBody,
    "pad_turnaround": PadTurnaroundBody,
    "return_to_flight": ReturnToFlightBody,
    "weather_scrub": WeatherScrubBody,
}


def _examples(single: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    return {
        "single": {"summary": "One item", "value": single},
        "batch": {"summary": "A batch (up to 10,000 items)", "value": {"items": [single, second]}},
    }


def render(fn: Callable[[Snapshot, B], BaseModel], snapshot: Snapshot, body: B) -> bytes:
    """The answer's JSON bytes, as sent (the fast path sends the same)."""
    return fn(snapshot, body).model_dump_json().encode()


def item_count(body: BaseModel) -> int:
    """Items in a request body: a batch's length, else 1."""
    items = getattr(body, "items", None)
    return len(items) if isinstance(items, list) else 1


async def _answer(
    request: Request, model: str, fn: Callable[[Snapshot, B], BaseModel], body: B
) -> Response:
    """Run ``fn`` on the served snapshot, off the event loop for big batches.

    The snapshot is read once here, not through a dependency: FastAPI's dependency solving
    costs more than the prediction.
    """
    snapshot: Snapshot = request.app.state.store.snapshot
    served = snapshot.get(model)
    count = item_count(body)
    if count > INLINE_ITEMS:
        content = await asyncio.to_thread(render, fn, snapshot, body)
    else:
        content = render(fn, snapshot, body)
    note_served(request, served, count)
    # The answer is already validated and serialised by its schema: no second pass.
    return Response(content=content, media_type="application/json")


@router.post(
    "/launch-failure",
    response_model=ProbabilityAnswer | ProbabilityBatchAnswer,
    responses=ERRORS,
)
async def launch_failure(
    request: Request,
    body: Annotated[
        LaunchFailureBody,
        Body(
            openapi_examples=_examples(
                {"vehicle": "Falcon 9", "date": "2026-03-01", "site": "CC", "pad": "LC40"},
                {"vehicle": "Electron", "date": "2026-03-15T04:00:00Z"},
            )
        ),
    ],
) -> Response:
    """Probability that a launch fails, with a 90% interval."""
    return await _answer(request, "launch_failure", predict.predict_launch_failure, body)


@router.post(
    "/booster-landing",
    response_model=ProbabilityAnswer | ProbabilityBatchAnswer,
    responses=ERRORS,
)
async def booster_landing(
    request: Request,
    body: Annotated[
        BoosterLandingBody,
        Body(
            openapi_examples=_examples(
                {"date": "2026-03-01", "landing_type": "ASDS", "core_flight": 12, "orbit": "LEO"},
                {"date": "2026-03-01", "landing_type": "RTLS", "payload_mass_kg": 3000},
            )
        ),
    ],
) -> Response:
    """Probability that a Falcon booster landing succeeds, with a 90% interval."""
    return await _answer(request, "booster_landing", predict.predict_booster_landing, body)


@router.post(
    "/pad-turnaround",
    response_model=QuantileAnswer | QuantileBatchAnswer,
    responses=ERRORS,
)
async def pad_turnaround(
    request: Request,
    body: Annotated[
        PadTurnaroundBody,
        Body(
            openapi_examples=_examples(
                {"pad": "LC39A", "date": "2026-03-01", "site": "KSC"},
                {"pad": "LC40", "date": "2026-03-01", "vehicle": "Falcon 9"},
            )
        ),
    ],
) -> Response:
    """Days until a pad's next launch after one on a date: 10/50/90% quantiles and dates."""
    return await _answer(request, "pad_turnaround", predict.predict_pad_turnaround, body)


@router.post(
    "/return-to-flight",
    response_model=QuantileAnswer | QuantileBatchAnswer,
    responses=ERRORS,
)
async def return_to_flight(
    request: Request,
    body: Annotated[
        ReturnToFlightBody,
        Body(
            openapi_examples=_examples(
                {"vehicle": "Falcon 9", "date": "2026-03-01"},
                {"vehicle": "Vega C", "date": "2026-03-01"},
            )
        ),
    ],
) -> Response:
    """Days from a failure until the vehicle's family flies again: 10/50/90% quantiles."""
    return await _answer(request, "return_to_flight", predict.predict_return_to_flight, body)


@router.post(
    "/weather-scrub",
    response_model=ProbabilityAnswer | ProbabilityBatchAnswer,
    responses=ERRORS,
)
async def weather_scrub(
    request: Request,
    body: Annotated[
        WeatherScrubBody,
        Body(
            openapi_examples=_examples(
                {"date": "2026-03-01", "max_peak_wind": 18.0, "lightning_count": 0},
                {"date": "2026-07-15", "max_peak_wind": 32.0, "lightning_count": 40},
            )
        ),
    ],
) -> Response:
    """Probability that weather scrubs a Cape launch attempt, with a 90% interval."""
    return await _answer(request, "weather_scrub", predict.predict_weather_scrub, body)
