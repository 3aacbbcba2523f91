"""``GET /v1/vehicles`` and ``GET /v1/pads``: valid inputs and their history."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Query

from tminus.http.deps import SnapshotDep
from tminus.serving import catalogue
from tminus.serving.errors import problem_responses
from tminus.serving.schemas import NAME_RULE_SENTENCE, Name, PadList, VehicleList, VehicleStatus

router = APIRouter(prefix="/v1", tags=["catalogue"])

ERRORS: Final = problem_responses(
    {
        422: "`q` is not a plain name, or `limit` is not an integer from 1 to 5000.",
        503: "No model with a catalogue is loaded yet.",
    }
)
Search = Annotated[
    Name | None,
    Query(
        description="Case- and punctuation-insensitive search. " + NAME_RULE_SENTENCE,
        examples=["Falcon", "LC39A"],
    ),
]
Limit = Annotated[int, Query(ge=1, le=5000, description="At most this many entries.")]


StatusFilter = Annotated[
    VehicleStatus | None,
    Query(
        description="Only vehicles of this status in T-Minus' vehicle reference ('active': "
        "what a planner can buy today; 'unknown': not in the reference)."
    ),
]


@router.get("/vehicles", response_model=VehicleList, responses=ERRORS)
async def vehicles(
    snapshot: SnapshotDep, q: Search = None, status: StatusFilter = None, limit: Limit = 1000
) -> VehicleList:
    """Known vehicles with their record as of the data cutoff, status and capacities."""
    return catalogue.list_vehicles(snapshot, query=q, status=status, limit=limit)


@router.get("/pads", response_model=PadList, responses=ERRORS)
async def pads(snapshot: SnapshotDep, q: Search = None, limit: Limit = 1000) -> PadList:
    """Known pads with their flights, failures, last launch and vehicles as of the cutoff."""
    return catalogue.list_pads(snapshot, query=q, limit=limit)
