"""``GET /v1/vehicle-history``: a vehicle's flights and the risk the served version gives each."""

from __future__ import annotations

import asyncio
from typing import Annotated, Final

from fastapi import APIRouter, Query

from tminus.http.deps import SnapshotDep
from tminus.http.errors import ApiError
from tminus.serving.errors import InvalidInputError, Problem, problem_responses
from tminus.serving.schemas import NAME_RULE_SENTENCE, Name, VehicleHistory
from tminus.serving.vehicle_history import vehicle_history

router = APIRouter(prefix="/v1", tags=["catalogue"])

ERRORS: Final = problem_responses(
    {
        422: "The vehicle is not a plain name, or not known (no GCAT table lists it: `type` "
        "unknown_name, `suggestions` the closest known names).",
        503: "No launch_failure version is loaded yet.",
    }
)


@router.get("/vehicle-history", response_model=VehicleHistory, responses=ERRORS)
async def vehicle_history_route(
    snapshot: SnapshotDep,
    vehicle: Annotated[
        Name,
        Query(
            description="A known vehicle: one of GET /v1/vehicles (matched forgivingly: "
            "case, spaces and punctuation aside). " + NAME_RULE_SENTENCE,
            examples=["Falcon 9", "Electron", "Ariane 5ECA"],
        ),
    ],
) -> VehicleHistory:
    """A vehicle's flights in order, with the failure probability the model gives each one.

    Each probability is the served launch_failure version's answer for that flight, from its
    pad, reading only the launches before it; a vehicle that has not flown yet has no flights.
    """
    try:
        return await asyncio.to_thread(vehicle_history, snapshot, vehicle)
    except InvalidInputError as exc:
        # The vehicle is a query parameter here, not a body field.
        problems = [
            Problem(("query", *p.loc), p.msg, p.type, p.allowed, p.suggestions)
            for p in exc.problems
        ]
        raise ApiError(422, problems) from exc
