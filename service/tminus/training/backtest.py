"""Rolling-origin backtests: refit on everything before each cut, predict what comes next.

A backtest holds, for every evaluated row, the outcome, its year and the prediction of the
model and of each baseline, all made on the same rows with the same information. Metrics are
computed from these arrays, so the model and its baselines are always compared like for like.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from tminus.training.metrics import probability_scores, quantile_scores

Kind = Literal["probability", "quantiles"]
MODEL = "model"


@dataclass
class Backtest:
    """Outcomes and every scheme's predictions on the rows a rolling origin evaluated.

    ``predictions[name]`` is shape (n,) of probabilities, or (n, 3) of 10/50/90% quantiles;
    ``MODEL`` names the model, other keys its baselines.
    """

    kind: Kind
    scheme: str
    y: NDArray[np.float64]
    years: NDArray[np.int64]
    predictions: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    # extra per-row arrays some plots need (e.g. vehicle flight number)
    extras: dict[str, NDArray[np.float64]] = field(default_factory=dict)

    def score(
        self, pred: NDArray[np.float64], mask: NDArray[np.bool_] | None = None
    ) -> dict[str, float | None]:
        """Scores of one prediction array (optionally on a subset of rows)."""
        y, p = (self.y, pred) if mask is None else (self.y[mask], pred[mask])
        if self.kind == "probability":
            return probability_scores(y, p)
        return quantile_scores(y, p)

    def metrics(self) -> dict[str, dict[str, float | None]]:
        """Scores per scheme over all evaluated rows."""
        return {name: self.score(pred) for name, pred in self.predictions.items()}

    def metrics_by_year(self) -> dict[str, dict[int, dict[str, float | None]]]:
        """Scores per scheme and year."""
        out: dict[str, dict[int, dict[str, float | None]]] = {}
        for name, pred in self.predictions.items():
            out[name] = {
                int(year): self.score(pred, self.years == year) for year in np.unique(self.years)
            }
        return out

    @property
    def baselines(self) -> list[str]:
        """Names of the baseline schemes."""
        return [name for name in self.predictions if name != MODEL]


def yearly_cuts(
    years: NDArray[np.int64], start: int
) -> Iterator[tuple[int, NDArray[np.bool_], NDArray[np.bool_]]]:
    """For each year from ``start`` to the last: (year, rows before it, rows in it)."""
    last = int(years.max())
    for year in range(start, last + 1):
        test = years == year
        if test.any():
            yield year, years < year, test


def rolling_origin(
    years: NDArray[np.int64],
    start: int,
    fit_predict: Callable[[NDArray[np.bool_], NDArray[np.bool_]], NDArray[np.float64]],
) -> tuple[NDArray[np.bool_], NDArray[np.float64] | None]:
    """Run ``fit_predict(train_mask, test_mask)`` at each yearly cut from ``start``.

    Returns the mask of evaluated rows and the stitched predictions for them (in row order).
    """
    evaluated = years >= start
    out: NDArray[np.float64] | None = None
    for _, train, test in yearly_cuts(years, start):
        pred = fit_predict(train, test)
        if out is None:
            out = np.zeros((len(years), *pred.shape[1:]))
        out[test] = pred
    if out is None:
        return evaluated, None
    return evaluated, out[evaluated]
