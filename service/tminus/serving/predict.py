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
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from tminus.predictors.base import ProbabilityPrediction, QuantilePrediction, QueryError
from tminus.predictors.launch_failure import LaunchAnswers, LaunchFailurePredictor
from tminus.serving import render as write
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

# Request items -> the keyword columns of a predictor's batch entry point.
Columns = Callable[[Sequence[Any]], dict[str, list[Any]]]
ProbabilityResponse = ProbabilityAnswer | ProbabilityBatchAnswer
QuantileResponse = QuantileAnswer | QuantileBatchAnswer


def _predict_all(
    items: Sequence[Item], predict: Callable[[Item], Result], *, batch: bool
) -> list[Result]:
    """Predict every item; collect the items a model cannot answer into one error."""
    results: list[Result] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        try:
            results.append(predict(item))
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
    served: ServedModel, predictions: Sequence[ProbabilityPrediction], *, batch: bool
) -> ProbabilityResponse:
    results = [probability_item(p) for p in predictions]
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
    to_columns: Columns | None = None,
) -> ProbabilityResponse | QuantileResponse:
    """Answer ``items`` (request items) with the served version of ``model``.

    ``to_query`` turns a request item into the predictor's query. A batch for a predictor
    that answers many questions at once (``predict_batch``) is handed to it whole, as the
    columns ``to_columns`` makes of the items. The response is the model's probability or
    quantile shape, one item or a batch.
    """
    served = snapshot.get(model)
    predictor = served.predictor
    if batch and to_columns is not None and isinstance(predictor, LaunchFailurePredictor):
        answers = launch_batch(predictor, items, to_columns)
        predictions = [answers.prediction(i) for i in range(len(answers))]
        return _probability_response(served, predictions, batch=True)
    queries = [to_query(item) for item in items]
    if predictor.output == "probability":
        predictions = _predict_all(queries, _probability(predictor.predict), batch=batch)
        return _probability_response(served, predictions, batch=batch)
    return _quantile_response(served, queries, _quantiles(predictor.predict), batch=batch)


def render(
    snapshot: Snapshot,
    model: str,
    items: Sequence[Any],
    to_query: Callable[[Any], Any],
    *,
    batch: bool,
    to_columns: Columns | None = None,
) -> bytes:
    """:func:`predict`'s response as JSON bytes (``model_dump_json``'s, byte for byte).

    Launch questions are written straight from the predictor's answers
    (:mod:`tminus.serving.render`) without building response models; anything else is
    :func:`predict` dumped.
    """
    served = snapshot.get(model)
    predictor = served.predictor
    if isinstance(predictor, LaunchFailurePredictor) and write.LAYOUT_MATCHES:
        head = served.memo("json_head", lambda: write.provenance_head(served.provenance))
        if not batch:
            (prediction,) = _predict_all([to_query(items[0])], predictor.predict, batch=False)
            return write.single(head, prediction)
        if to_columns is not None:
            return write.batch(head, launch_batch(predictor, items, to_columns))
    response = predict(snapshot, model, items, to_query, batch=batch, to_columns=to_columns)
    return response.model_dump_json().encode()


def launch_batch(
    predictor: LaunchFailurePredictor, items: Sequence[Any], to_columns: Columns
) -> LaunchAnswers:
    """Every item's answer, from :meth:`LaunchFailurePredictor.predict_batch`; the items it
    cannot answer raise one :class:`InvalidInputError` (the first :data:`MAX_PROBLEMS`, in
    order, located ``("items", i, field)``)."""
    return launch_columns(predictor, to_columns(items))


def launch_columns(
    predictor: LaunchFailurePredictor, columns: Mapping[str, Sequence[Any]]
) -> LaunchAnswers:
    """:meth:`LaunchFailurePredictor.predict_batch` of ``columns``; rows it cannot answer raise
    as :func:`launch_batch`'s do."""
    answers = predictor.predict_batch(**columns)
    if answers.errors:
        rows = sorted(answers.errors)[:MAX_PROBLEMS]
        raise InvalidInputError([query_problem(answers.errors[i], ("items", i)) for i in rows])
    return answers


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
