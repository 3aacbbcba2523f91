"""Predictions as plain functions: a snapshot and a validated request in, a response out.

The REST routes, the CLI and the LLM tools all call :func:`predict`, so there is one
implementation of every answer; :mod:`tminus.serving.models` says, per model, how a request
item becomes a predictor query. They are synchronous and CPU-only (microseconds per item): a
caller with a big batch runs them in a worker thread. A query a model cannot answer raises
:class:`~tminus.serving.errors.InvalidInputError` whose problems are located relative to the
request body (``("vehicle",)`` or ``("items", 3, "vehicle")``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from tminus.predictors.base import ProbabilityPrediction, QuantilePrediction, QueryError
from tminus.serving.errors import MAX_PROBLEMS, InvalidInputError, Problem, query_problem
from tminus.serving.schemas import (
    ProbabilityAnswer,
    ProbabilityBatchAnswer,
    ProbabilityItem,
    QuantileAnswer,
    QuantileBatchAnswer,
    QuantileDates,
    QuantileItem,
    Quantiles,
)
from tminus.serving.state import ServedModel, Snapshot

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


def predict(
    snapshot: Snapshot,
    model: str,
    items: Sequence[Any],
    to_query: Callable[[Any], Any],
    *,
    batch: bool,
) -> ProbabilityResponse | QuantileResponse:
    """Answer ``items`` (request items) with the served version of ``model``.

    ``to_query`` turns a request item into the predictor's query. A predictor with an
    ``answer_key`` (equal keys, equal answers) has each distinct question of a batch answered
    once. The response is the model's probability or quantile shape, one item or a batch.
    """
    served = snapshot.get(model)
    predictor = served.predictor
    queries = [to_query(item) for item in items]
    key = getattr(predictor, "answer_key", None) if batch else None
    if predictor.output == "probability":
        return _probability_response(
            served, queries, _probability(predictor.predict), batch=batch, key=key
        )
    return _quantile_response(served, queries, _quantiles(predictor.predict), batch=batch)


def _probability(
    fn: Callable[[Any], ProbabilityPrediction | QuantilePrediction],
) -> Callable[[Any], ProbabilityPrediction]:
    """``fn``, checked to answer with probabilities (what a probability predictor promises)."""

    def checked(query: Any) -> ProbabilityPrediction:
        answer = fn(query)
        if not isinstance(answer, ProbabilityPrediction):
            raise TypeError(f"expected a probability, got {type(answer).__name__}")
        return answer

    return checked


def _quantiles(
    fn: Callable[[Any], ProbabilityPrediction | QuantilePrediction],
) -> Callable[[Any], QuantilePrediction]:
    """``fn``, checked to answer with quantiles."""

    def checked(query: Any) -> QuantilePrediction:
        answer = fn(query)
        if not isinstance(answer, QuantilePrediction):
            raise TypeError(f"expected quantiles, got {type(answer).__name__}")
        return answer

    return checked
