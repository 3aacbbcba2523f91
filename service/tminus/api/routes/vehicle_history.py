"""``GET /v1/vehicle-history``: a vehicle's flights and the risk the served version gives each.

The served ``launch_failure`` artifact holds the launch history as of the data cutoff, with the
days of every vehicle's, family's and the world's launches and failures. For each flight of the
vehicle this module cuts those records back to the moment before it and asks the served
predictor, so the probability comes from the same feature code and weights as
``POST /v1/launch-failure``. Two inputs are not kept per launch and are approximated: the pad
(not used, as when a request names none) and the provider's last launches (rebuilt from the
launches of the vehicles whose provider it is).
"""

from __future__ import annotations

import asyncio
from bisect import bisect_left, bisect_right
from collections import deque
from dataclasses import dataclass
from itertools import accumulate
from typing import Annotated, Any, Final

from fastapi import APIRouter, Query

from tminus.api.deps import SnapshotDep
from tminus.api.errors import ApiError, Problem
from tminus.api.schemas import FlightRisk, VehicleHistory
from tminus.api.state import ServedModel, Snapshot
from tminus.features.history import EARLY_FLIGHTS, PROVIDER_WINDOW, LaunchHistory, Record
from tminus.features.timebase import from_day
from tminus.predictors.base import NameIndex, QueryError, normalise_vehicle
from tminus.predictors.launch_failure import LaunchFailurePredictor, LaunchQuery

router = APIRouter(prefix="/v1", tags=["catalogue"])

MODEL: Final = "launch_failure"
ERRORS: Final[dict[int | str, dict[str, Any]]] = {
    422: {
        "description": "The vehicle is not known (no flights on record); `detail` lists the "
        "closest known names."
    },
    503: {"description": "No launch_failure version is loaded yet."},
}


@dataclass(frozen=True)
class Timeline:
    """Launch days and a running count of failures, for "as of" counts by bisection."""

    days: list[float]
    failures_before: list[int]  # failures among days[:i], for i in 0..len(days)

    @classmethod
    def of(cls, outcomes: list[tuple[float, bool]]) -> Timeline:
        ordered = sorted(outcomes)
        return cls(
            days=[day for day, _ in ordered],
            failures_before=[0, *accumulate(int(failed) for _, failed in ordered)],
        )


@dataclass(frozen=True)
class HistoryIndex:
    """What a served history needs to be read as of an earlier day, built once per version."""

    early: Timeline  # every vehicle's first EARLY_FLIGHTS flights
    by_provider: dict[str, list[tuple[float, bool]]]  # time-ordered outcomes


def outcomes(record: Record) -> list[tuple[float, bool]]:
    """``(day, failed)`` of each launch of ``record``, in time order."""
    failures = sorted(record.failure_days)
    out: list[tuple[float, bool]] = []
    i = 0
    for day in record.launch_days:
        failed = i < len(failures) and failures[i] == day
        i += int(failed)
        out.append((day, failed))
    return out


def record_before(record: Record, day: float) -> Record:
    """``record`` as it stood before ``day`` (launches on ``day`` itself excluded)."""
    launch_days = record.launch_days[: bisect_left(record.launch_days, day)]
    failure_days = record.failure_days[: bisect_left(record.failure_days, day)]
    last_failure = failure_days[-1] if failure_days else None
    since = (
        len(launch_days)
        if last_failure is None
        else len(launch_days) - bisect_right(launch_days, last_failure)
    )
    return Record(
        flights=len(launch_days),
        failures=len(failure_days),
        first_day=launch_days[0] if launch_days else None,
        last_day=launch_days[-1] if launch_days else None,
        last_failure_day=last_failure,
        flights_since_failure=since,
        failure_days=failure_days,
        launch_days=launch_days,
    )


def build_index(predictor: LaunchFailurePredictor) -> HistoryIndex:
    """Early flights of every vehicle and each provider's outcomes, from the served history."""
    early: list[tuple[float, bool]] = []
    by_provider: dict[str, list[tuple[float, bool]]] = {}
    for name, record in predictor.history.vehicles.items():
        flown = outcomes(record)
        early.extend(flown[:EARLY_FLIGHTS])
        provider = predictor.vehicle_provider.get(name)
        if provider is not None:
            by_provider.setdefault(provider, []).extend(flown)
    for flown in by_provider.values():
        flown.sort()
    return HistoryIndex(early=Timeline.of(early), by_provider=by_provider)


def history_before(
    predictor: LaunchFailurePredictor, index: HistoryIndex, vehicle: str, day: float
) -> LaunchHistory:
    """The part of the served history a launch of ``vehicle`` on ``day`` reads, as it was then."""
    full = predictor.history
    family = full.vehicle_family.get(vehicle, vehicle)
    provider = predictor.vehicle_provider.get(vehicle)
    early = bisect_left(index.early.days, day)
    history = LaunchHistory(
        vehicles={vehicle: record_before(full.vehicles[vehicle], day)},
        vehicle_family={vehicle: family},
        families={family: record_before(full.families.get(family, Record()), day)},
        everything=record_before(full.everything, day),
        early_flights=early,
        early_failures=index.early.failures_before[early],
        last_day=day,
    )
    if provider is not None:
        flown = index.by_provider.get(provider, [])
        recent = flown[
            max(bisect_left(flown, (day,)) - PROVIDER_WINDOW, 0) : bisect_left(flown, (day,))
        ]
        history.providers[provider] = deque(
            (int(failed) for _, failed in recent), maxlen=PROVIDER_WINDOW
        )
    return history


def flight_risks(
    predictor: LaunchFailurePredictor, index: HistoryIndex, vehicle: str
) -> list[FlightRisk]:
    """Every flight of a known ``vehicle`` with the served predictor's answer just before it."""
    provider = predictor.vehicle_provider.get(vehicle)
    out: list[FlightRisk] = []
    for number, (day, failed) in enumerate(outcomes(predictor.history.vehicles[vehicle]), 1):
        then = predictor.with_history(
            history_before(predictor, index, vehicle, day),
            {vehicle: provider} if provider is not None else {},
        )
        answer = then.predict(LaunchQuery(vehicle=vehicle, when=from_day(day)))
        out.append(
            FlightRisk(
                flight=number,
                date=from_day(day),
                failed=failed,
                probability=answer.probability,
                interval=answer.interval,
            )
        )
    return out


def _resolve(served: ServedModel, predictor: LaunchFailurePredictor, name: str) -> str:
    """The known spelling of ``name``; a 422 naming the closest ones when it is not known."""
    name = name.strip()
    # An exact name first: folding case and punctuation makes 'Ariane 5G+' 'Ariane 5G'.
    if name in predictor.history.vehicles:
        return name
    try:
        known = predictor.catalogue.resolve_vehicle(name)
    except QueryError as exc:
        known, suggestions = None, exc.suggestions
    else:
        suggestions = []
    if known is not None:
        return known
    if not suggestions:
        names = served.memo(
            "vehicle_names", lambda: NameIndex(predictor.history.vehicles, normalise_vehicle)
        )
        suggestions = names.closest(name, cutoff=0.5)
    raise ApiError(
        422,
        [
            Problem(
                loc=("query", "vehicle"),
                msg=f"no flights on record for vehicle {name[:64]!r}; "
                "known vehicles are listed by GET /v1/vehicles",
                type="unknown_name",
                suggestions=suggestions,
            )
        ],
    )


def vehicle_history(snapshot: Snapshot, name: str) -> VehicleHistory:
    """A known vehicle's flights, each with the served version's failure probability."""
    served = snapshot.get(MODEL)
    predictor = served.predictor_as(LaunchFailurePredictor)
    vehicle = _resolve(served, predictor, name)
    # Built once per loaded version (and vehicle): the served history does not change under it.
    index = served.memo("history_index", lambda: build_index(predictor))
    history = served.memo(
        f"vehicle_history:{vehicle}", lambda: flight_risks(predictor, index, vehicle)
    )
    record = predictor.history.vehicles[vehicle]
    return VehicleHistory(
        **dict(served.provenance),
        vehicle=vehicle,
        family=predictor.history.vehicle_family.get(vehicle, vehicle),
        provider=predictor.vehicle_provider.get(vehicle),
        flights=record.flights,
        failures=record.failures,
        history=history,
    )


@router.get("/vehicle-history", response_model=VehicleHistory, responses=ERRORS)
async def vehicle_history_route(
    snapshot: SnapshotDep,
    vehicle: Annotated[
        str,
        Query(
            min_length=1,
            max_length=64,
            description="Vehicle name as in GET /v1/vehicles (matched forgivingly).",
            examples=["Falcon 9"],
        ),
    ],
) -> VehicleHistory:
    """A vehicle's flights in order, with the failure probability the model gives each one.

    Each probability is the served launch_failure version's answer for that flight from the
    record as it stood just before it: in-sample, it shows how risk moves with experience.
    """
    return await asyncio.to_thread(vehicle_history, snapshot, vehicle)
