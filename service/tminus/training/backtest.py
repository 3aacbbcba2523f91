"""Rolling-origin backtests: refit on everything before each cut, predict what comes next.

A backtest holds, for every evaluated row, what the row is (its key: a launch tag, a landing
attempt, a weather event), the outcome, its year and the prediction of the model and of each
baseline, all made on the same rows with the same information. Metrics are computed from these
arrays, so the model and its baselines are always compared like for like: over all rows, per
year, and per stratum (e.g. the vehicle's flight number, the decade).

A duration outcome may still be open at the end of the data (a pad that has not launched
again): such a row holds the time elapsed so far and is scored as censored (see
:mod:`tminus.training.survival`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tminus.predictors.base import Output
from tminus.training.metrics import probability_scores
from tminus.training.survival import censored_quantile_scores

MODEL = "model"
Strata = dict[str, dict[str, NDArray[np.bool_]]]


@dataclass
class Backtest:
    """Outcomes and every scheme's predictions on the rows a rolling origin evaluated.

    ``predictions[name]`` is shape (n,) of probabilities, or (n, 3) of 10/50/90% quantiles;
    ``MODEL`` names the model, other keys its baselines and the ``references``: lines shown
    for context that are not forecasts (e.g. the best constant in hindsight) and that the
    promotion gate ignores. ``labels`` say what each scheme is. ``open`` marks duration rows
    whose outcome is not known by the end of the data (``y`` is then the time elapsed).
    """

    kind: Output  # stored as "kind" in the versions' scores
    scheme: str
    y: NDArray[np.float64]
    years: NDArray[np.int64]
    keys: list[str]
    predictions: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    # extra per-row arrays some plots need (e.g. vehicle flight number)
    extras: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    open: NDArray[np.bool_] | None = None
    strata: Strata = field(default_factory=dict)
    references: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.keys) != len(self.y) or len(self.years) != len(self.y):
            raise ValueError(
                f"{len(self.y)} outcomes, {len(self.years)} years and {len(self.keys)} keys: "
                "one of each per row expected"
            )

    def score(
        self, pred: NDArray[np.float64], mask: NDArray[np.bool_] | None = None
    ) -> dict[str, float | None]:
        """Scores of one prediction array (optionally on a subset of rows)."""
        keep = np.ones(len(self.y), dtype=bool) if mask is None else mask
        if self.kind == "probability":
            return probability_scores(self.y[keep], pred[keep])
        is_open = np.zeros(len(self.y), dtype=bool) if self.open is None else self.open
        return censored_quantile_scores(self.y[keep], is_open[keep], pred[keep])

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

    def metrics_by_stratum(self) -> dict[str, dict[str, dict[str, dict[str, float | None]]]]:
        """Scores per stratum group, stratum and scheme: ``{group: {stratum: {scheme: ...}}}``."""
        return {
            group: {
                label: {name: self.score(pred, mask) for name, pred in self.predictions.items()}
                for label, mask in strata.items()
            }
            for group, strata in self.strata.items()
        }

    @property
    def baselines(self) -> list[str]:
        """Names of the baseline schemes (references excluded)."""
        return [n for n in self.predictions if n != MODEL and n not in self.references]

    def rows_state(self) -> dict[str, Any]:
        """The model's prediction for every evaluated row, keyed, as plain JSON.

        Stored in each version so that a later version is compared with it on the rows both
        scored (:func:`tminus.training.pipeline.judge`).
        """
        pred = self.predictions[MODEL]
        return {
            "kind": self.kind,
            "keys": list(self.keys),
            "y": [float(v) for v in self.y],
            "open": None if self.open is None else [bool(v) for v in self.open],
            "years": [int(v) for v in self.years],
            "model": pred.tolist(),
        }


def flight_strata(flight: NDArray[np.float64]) -> dict[str, NDArray[np.bool_]]:
    """The vehicle's flight number: 1, 2-5, 6-20, 21+ (``flight`` counts from 1)."""
    return {
        "1": flight == 1,
        "2-5": (flight >= 2) & (flight <= 5),
        "6-20": (flight >= 6) & (flight <= 20),
        "21+": flight >= 21,
    }


def decade_strata(years: NDArray[np.int64]) -> dict[str, NDArray[np.bool_]]:
    """The decade of the event, for every decade present (2000s, 2010s, 2020s...)."""
    decades = sorted({int(y) // 10 * 10 for y in years})
    return {f"{d}s": (years >= d) & (years < d + 10) for d in decades}


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
