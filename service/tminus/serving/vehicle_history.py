"""A vehicle's flights and the risk the served ``launch_failure`` version gives each.

The served artifact holds the whole launch record and reads it as of any moment. For each
flight of the vehicle the served predictor is asked about that flight, from its pad, at its own
moment: the answer reads only the launches before it, with the same feature code and weights as
``POST /v1/launch-failure`` and the backtest.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Final

from tminus.features.timebase import from_day
from tminus.predictors.base import QueryError
from tminus.predictors.launch_failure import LaunchFailurePredictor, LaunchQuery
from tminus.serving.errors import InvalidInputError, query_problem
from tminus.serving.schemas import FlightRisk, VehicleHistory
from tminus.serving.state import Snapshot

MODEL: Final = "launch_failure"


def flight_risks(predictor: LaunchFailurePredictor, vehicle: str) -> list[FlightRisk]:
    """Every flight of ``vehicle`` with the served predictor's answer at that flight's moment."""
    record = predictor.history.vehicles.get(vehicle)
    if record is None:
        return []
    pads = predictor.history.vehicle_pads.get(vehicle, [])
    out: list[FlightRisk] = []
    for number, (day, key) in enumerate(zip(record.launch_days, pads, strict=True), 1):
        site, pad = key.split("/", 1) if key is not None else (None, None)
        when = from_day(day)
        answer = predictor.predict(LaunchQuery(vehicle=vehicle, date=when, site=site, pad=pad))
        i = bisect_left(record.failure_days, day)
        failed = i < len(record.failure_days) and record.failure_days[i] == day
        out.append(
            FlightRisk(
                flight=number,
                date=when,
                failed=failed,
                probability=answer.probability,
                interval=answer.interval,
            )
        )
    return out


def _resolve(predictor: LaunchFailurePredictor, name: str) -> str:
    """The vehicle ``name`` means (the catalogue's one rule); a 422 naming the closest ones
    when it is not known."""
    try:
        return predictor.catalogue.resolve_vehicle(name.strip()).name
    except QueryError as exc:
        raise InvalidInputError([query_problem(exc, ())]) from None


def vehicle_history(snapshot: Snapshot, name: str) -> VehicleHistory:
    """A known vehicle's flights, each with the served version's failure probability."""
    served = snapshot.get(MODEL)
    predictor = served.predictor_as(LaunchFailurePredictor)
    vehicle = _resolve(predictor, name)
    # Built once per loaded version (and vehicle): the served history does not change under it.
    history = served.memo(f"vehicle_history:{vehicle}", lambda: flight_risks(predictor, vehicle))
    return VehicleHistory(
        **dict(served.provenance),
        vehicle=vehicle,
        family=predictor.catalogue.family_of(vehicle),
        provider=predictor.catalogue.provider_of(vehicle),
        state=predictor.catalogue.vehicle_state(vehicle),
        flights=len(history),
        failures=sum(f.failed for f in history),
        history=history,
    )
