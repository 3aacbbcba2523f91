"""Hyperparameters chosen on the past only: nested time-series validation.

Every candidate setting is run through the same rolling origin, which gives each candidate an
out-of-sample prediction for every fold. The prediction reported for fold ``k`` is the one of
the candidate that scored best on the folds *before* ``k``: the choice for a fold never sees
that fold, so the backtest's scores are those of the whole procedure (choosing included), and
no fold's score played a part in choosing the settings that predicted it. The served model's
settings are chosen the same way on every fold up to the data cutoff.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tminus.training.metrics import pointwise_log_loss

# losses(fold, rows of the earlier folds, one candidate's predictions) -> the per-row loss on
# those rows (lower is better); a candidate's score is their mean.
Losses = Callable[[int, NDArray[np.bool_], NDArray[np.float64]], NDArray[np.float64]]


@dataclass(frozen=True)
class Candidate:
    """One point of a search space: a name and its settings."""

    name: str
    params: Mapping[str, Any]


@dataclass
class Selection:
    """What nested validation chose, and the predictions it stitched from those choices.

    ``prediction`` holds, for each row of a fold, the prediction of the candidate chosen for
    that fold (NaN for rows in no fold). ``chosen`` maps each fold's label to the candidate's
    name; ``final`` is the candidate chosen on every fold, for the served model.
    """

    prediction: NDArray[np.float64]
    chosen: dict[str, str]
    final: Candidate
    space: list[Candidate]
    criterion: str
    scores: dict[str, float | None] = field(default_factory=dict)
    rule: str = ""

    def describe(self) -> dict[str, Any]:
        """Plain JSON for the metadata and the card: the search space and every choice."""
        return {
            "criterion": self.criterion,
            "space": [{"name": c.name, **dict(c.params)} for c in self.space],
            "chosen_per_fold": dict(self.chosen),
            "final": self.final.name,
            "final_params": dict(self.final.params),
            "final_scores": dict(self.scores),
            "rule": self.rule,
        }


def select_nested(
    candidates: Sequence[Candidate],
    predictions: Mapping[str, NDArray[np.float64]],
    folds: NDArray[np.int64],
    labels: Mapping[int, str],
    losses: Losses,
    *,
    criterion: str,
    outcomes: NDArray[np.float64] | None = None,
    min_events: int = 0,
) -> Selection:
    """Choose a candidate for each fold from the folds before it, then one for serving.

    ``predictions[name]`` are the candidate's out-of-sample predictions for every row (rows
    of no fold have ``folds == -1``); ``labels`` name the folds (e.g. the year).

    The rule is the one-standard-error rule against the default (the first candidate, fixed
    before any data is seen): another candidate is chosen only when its mean loss on the
    earlier folds beats the default's by more than one standard error of the paired per-row
    differences, and then the best such one. The default also stays while the earlier folds
    hold fewer than ``min_events`` of the rarer of the binary ``outcomes``: a past with no
    failures in it says nothing about which setting predicts failures best.
    """
    if not candidates:
        raise ValueError("no candidates to choose from")
    first = predictions[candidates[0].name]
    stitched = np.full(first.shape, np.nan)
    chosen: dict[str, str] = {}
    ordered = sorted(int(k) for k in np.unique(folds) if k >= 0)

    def best(fold: int, past: NDArray[np.bool_]) -> Candidate:
        if past.sum() < 2:
            return candidates[0]
        if outcomes is not None:
            events = float(outcomes[past].sum())
            if min(events, past.sum() - events) < min_events:
                return candidates[0]
        default = losses(fold, past, predictions[candidates[0].name])
        pick, pick_mean = 0, float(np.mean(default))
        for i, c in enumerate(candidates[1:], start=1):
            diff = losses(fold, past, predictions[c.name]) - default
            se = float(np.std(diff, ddof=1) / np.sqrt(len(diff)))
            mean = float(np.mean(default) + np.mean(diff))
            if float(np.mean(diff)) + se < 0 and mean < pick_mean:
                pick, pick_mean = i, mean
        return candidates[pick]

    for fold in ordered:
        pick = best(fold, (folds >= 0) & (folds < fold))
        rows = folds == fold
        stitched[rows] = predictions[pick.name][rows]
        chosen[labels[fold]] = pick.name
    after = (ordered[-1] + 1) if ordered else 0
    every = folds >= 0
    final = best(after, every)
    scores = {
        c.name: (float(np.mean(losses(after, every, predictions[c.name]))) if every.any() else None)
        for c in candidates
    }
    rule = (
        f"the default ({candidates[0].name}) unless another candidate beats it on the "
        "earlier folds by more than one standard error of the paired per-row differences"
        + (
            f", and only once those folds hold at least {min_events} of each outcome"
            if outcomes is not None and min_events
            else ""
        )
    )
    return Selection(
        prediction=stitched,
        chosen=chosen,
        final=final,
        space=list(candidates),
        criterion=criterion,
        scores=scores,
        rule=rule,
    )


def select_by_log_loss(
    candidates: Sequence[Candidate],
    predictions: Mapping[str, NDArray[np.float64]],
    folds: NDArray[np.int64],
    labels: Mapping[int, str],
    outcomes: NDArray[np.float64],
    *,
    criterion: str = "log loss on every earlier fold",
    min_events: int = 0,
) -> Selection:
    """:func:`select_nested` of binary forecasts by their log loss on the earlier folds.

    Each candidate's per-row log loss is computed once; a fold's choice averages it over the
    rows before that fold (rows a candidate did not predict, NaN, belong to no fold).
    """

    def row_losses(pred: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.where(np.isnan(pred), np.nan, pointwise_log_loss(outcomes, np.nan_to_num(pred)))

    losses = {id(pred): row_losses(pred) for pred in predictions.values()}

    def score(_: int, past: NDArray[np.bool_], pred: NDArray[np.float64]) -> NDArray[np.float64]:
        return losses[id(pred)][past]

    return select_nested(
        candidates,
        predictions,
        folds,
        labels,
        score,
        criterion=criterion,
        outcomes=outcomes,
        min_events=min_events,
    )
