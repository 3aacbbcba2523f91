"""Predictions as plain functions: a snapshot and a validated request in, a response out.

The REST routes and the LLM tools both call these, so there is one implementation of every
answer. They are synchronous and CPU-only (microseconds per item): a caller with a big batch
runs them in a worker thread. A query a model cannot answer raises
:class:`~tminus.api.errors.InvalidInputError` whose problems are located relative to the
request body (``("vehicle",)`` or ``("items", 3, "vehicle")``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from pydantic import BaseModel

from tminus.api.errors import MAX_PROBLEMS, InvalidInputError, Problem, query_problem
from tminus.api.schemas import (
    FailureBatch,
    FailureItem,
    LandingBatch,
    LandingItem,
    LaunchBatch,
    LaunchItem,
    PadBatch,
    PadItem,
    ProbabilityAnswer,
    ProbabilityBatchAnswer,
    ProbabilityItem,
    QuantileAnswer,
    QuantileBatchAnswer,
    QuantileDates,
    QuantileItem,
    Quantiles,
    WeatherBatch,
    WeatherItem,
)
from tminus.api.state import ServedModel, Snapshot
from tminus.predictors.base import ProbabilityPrediction, QuantilePrediction, QueryError
from tminus.predictors.booster_landing import BoosterLandingPredictor, LandingQuery
from tminus.predictors.launch_failure import LaunchFailurePredictor, LaunchQuery
from tminus.predictors.timing import (
    FailureQuery,
    PadQuery,
    PadTurnaroundPredictor,
    ReturnToFlightPredictor,
)
from tminus.predictors.weather_scrub import WeatherQuery, WeatherScrubPredictor

Item = TypeVar("Item")
Result = TypeVar("Result")

ProbabilityResponse = ProbabilityAnswer | ProbabilityBatchAnswer
QuantileResponse = QuantileAnswer | QuantileBatchAnswer


def _predict_all(
    items: Sequence[Item],
    predict: Callable[[Item], Result],
    *,
    batch: bool,
    key: Callable[[Item], Hashable] | None = None,
) -> list[Result]:
    """Predict every item; collect the items a model cannot answer into one error.

    With ``key`` (a predictor's promise that items with equal keys get equal answers), each
    distinct key is predicted once and its items share that one result object.
    """
    results: list[Result] = []
    problems: list[Problem] = []
    answered: dict[Hashable, Result] = {}
    for index, item in enumerate(items):
        try:
            if key is None:
                results.append(predict(item))
                continue
            k = key(item)
            result = answered.get(k)
            if result is None:
                result = answered[k] = predict(item)
            results.append(result)
        except QueryError as exc:
            problems.append(query_problem(exc, ("items", index) if batch else ()))
            if len(problems) >= MAX_PROBLEMS:
                break
    if problems:
        raise InvalidInputError(problems)
    return results


# Responses are built with ``model_construct``: every value comes from a predictor's typed
# output, so validating it again would only cost time (a third of a single answer's).
def probability_item(prediction: ProbabilityPrediction) -> ProbabilityItem:
    """A predictor's probability as a response item."""
    return ProbabilityItem.model_construct(
        probability=prediction.probability,
        interval=prediction.interval,
        flags=prediction.flags,
        context=prediction.context,
        as_of=prediction.as_of,
        days_past_cutoff=prediction.days_past_cutoff,
    )


def quantile_item(prediction: QuantilePrediction) -> QuantileItem:
    """A predictor's quantiles (days) as a response item, with the implied dates."""
    start = prediction.start

    def at(days: float) -> dt.datetime:
        return start + dt.timedelta(days=days)

    return QuantileItem.model_construct(
        start=start,
        quantiles=Quantiles.model_construct(
            p10=prediction.p10, p50=prediction.p50, p90=prediction.p90
        ),
        dates=QuantileDates.model_construct(
            p10=at(prediction.p10), p50=at(prediction.p50), p90=at(prediction.p90)
        ),
        flags=prediction.flags,
        context=prediction.context,
        as_of=prediction.as_of,
        days_past_cutoff=prediction.days_past_cutoff,
    )


def _probability_response(
    served: ServedModel,
    items: Sequence[Item],
    predict: Callable[[Item], ProbabilityPrediction],
    *,
    batch: bool,
    key: Callable[[Item], Hashable] | None = None,
) -> ProbabilityResponse:
    converted: dict[int, ProbabilityItem] = {}  # one response item per distinct result
    results = []
    for prediction in _predict_all(items, predict, batch=batch, key=key):
        item = converted.get(id(prediction))
        if item is None:
            item = converted[id(prediction)] = probability_item(prediction)
        results.append(item)
    provenance = dict(served.provenance)
    if batch:
        return ProbabilityBatchAnswer.model_construct(**provenance, items=results)
    return ProbabilityAnswer.model_construct(**provenance, **dict(results[0]))


def _quantile_response(
    served: ServedModel,
    items: Sequence[Item],
    predict: Callable[[Item], QuantilePrediction],
    *,
    batch: bool,
) -> QuantileResponse:
    results = [quantile_item(p) for p in _predict_all(items, predict, batch=batch)]
    provenance = dict(served.provenance)
    if batch:
        return QuantileBatchAnswer.model_construct(**provenance, items=results)
    return QuantileAnswer.model_construct(**provenance, **dict(results[0]))


def predict_launch_failure(
    snapshot: Snapshot, body: LaunchItem | LaunchBatch
) -> ProbabilityResponse:
    """Failure probability of each launch, with its 90% interval."""
    served = snapshot.get("launch_failure")
    predictor = served.predictor_as(LaunchFailurePredictor)

    def query(item: LaunchItem) -> LaunchQuery:
        return LaunchQuery(
            vehicle=item.vehicle,
            when=item.date,
            site=item.site,
            pad=item.pad,
            orbit=item.orbit,
            payload_mass_kg=item.payload_mass_kg,
        )

    if isinstance(body, LaunchBatch):
        # A batch repeats questions (a manifest of future launches is a few vehicles and pads,
        # all read at the data cutoff): each distinct one is answered once.
        queries = [query(item) for item in body.items]
        return _probability_response(
            served, queries, predictor.predict, batch=True, key=predictor.answer_key
        )
    return _probability_response(served, [query(body)], predictor.predict, batch=False)


def predict_booster_landing(
    snapshot: Snapshot, body: LandingItem | LandingBatch
) -> ProbabilityResponse:
    """Probability that each booster landing succeeds, with its 90% interval."""
    served = snapshot.get("booster_landing")
    predictor = served.predictor_as(BoosterLandingPredictor)

    def one(item: LandingItem) -> ProbabilityPrediction:
        return predictor.predict(
            LandingQuery(
                when=item.date,
                landing_type=item.landing_type,
                core_flight=item.core_flight,
                block=item.block,
                payload_mass_kg=item.payload_mass_kg,
                orbit=item.orbit,
                vehicle=item.vehicle,
            )
        )

    if isinstance(body, LandingBatch):
        return _probability_response(served, body.items, one, batch=True)
    return _probability_response(served, [body], one, batch=False)


def predict_pad_turnaround(snapshot: Snapshot, body: PadItem | PadBatch) -> QuantileResponse:
    """Days from a launch to the pad's next launch, as 10/50/90% quantiles and dates."""
    served = snapshot.get("pad_turnaround")
    predictor = served.predictor_as(PadTurnaroundPredictor)

    def one(item: PadItem) -> QuantilePrediction:
        return predictor.predict(
            PadQuery(pad=item.pad, when=item.date, site=item.site, vehicle=item.vehicle)
        )

    if isinstance(body, PadBatch):
        return _quantile_response(served, body.items, one, batch=True)
    return _quantile_response(served, [body], one, batch=False)


def predict_return_to_flight(
    snapshot: Snapshot, body: FailureItem | FailureBatch
) -> QuantileResponse:
    """Days from a failure to the family's next launch, as 10/50/90% quantiles and dates."""
    served = snapshot.get("return_to_flight")
    predictor = served.predictor_as(ReturnToFlightPredictor)

    def one(item: FailureItem) -> QuantilePrediction:
        return predictor.predict(FailureQuery(vehicle=item.vehicle, when=item.date))

    if isinstance(body, FailureBatch):
        return _quantile_response(served, body.items, one, batch=True)
    return _quantile_response(served, [body], one, batch=False)


def predict_weather_scrub(
    snapshot: Snapshot, body: WeatherItem | WeatherBatch
) -> ProbabilityResponse:
    """Probability that weather scrubs each Cape launch attempt, with its 90% interval."""
    served = snapshot.get("weather_scrub")
    predictor = served.predictor_as(WeatherScrubPredictor)

    def one(item: WeatherItem) -> ProbabilityPrediction:
        return predictor.predict(WeatherQuery(when=item.date, values=item.values()))

    if isinstance(body, WeatherBatch):
        return _probability_response(served, body.items, one, batch=True)
    return _probability_response(served, [body], one, batch=False)


@dataclass(frozen=True)
class Prediction:
    """One prediction endpoint's parts, for callers that dispatch by model name (CLI, tools)."""

    model: str
    path: str
    item: type[BaseModel]
    batch: type[BaseModel]
    run: Callable[[Snapshot, Any], BaseModel]


PREDICTIONS: Final[dict[str, Prediction]] = {
    p.model: p
    for p in (
        Prediction(
            "launch_failure", "/v1/launch-failure", LaunchItem, LaunchBatch, predict_launch_failure
        ),
        Prediction(
            "booster_landing",
            "/v1/booster-landing",
            LandingItem,
            LandingBatch,
            predict_booster_landing,
        ),
        Prediction(
            "pad_turnaround", "/v1/pad-turnaround", PadItem, PadBatch, predict_pad_turnaround
        ),
        Prediction(
            "return_to_flight",
            "/v1/return-to-flight",
            FailureItem,
            FailureBatch,
            predict_return_to_flight,
        ),
        Prediction(
            "weather_scrub", "/v1/weather-scrub", WeatherItem, WeatherBatch, predict_weather_scrub
        ),
    )
}
