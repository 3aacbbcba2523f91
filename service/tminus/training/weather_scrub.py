"""Train and backtest ``weather_scrub`` on the ~140 Cape launch and scrub events.

So few events call for a simple, strongly regularised model, a time-ordered evaluation that
uses every event it can (yearly expanding window), and a statement of how uncertain the scores
are: a bootstrap over the backtest rows gives 90% intervals for the model's scores and for its
margin over the baseline. The penalty and the sign constraints are chosen inside each fold on
the folds before it (:mod:`tminus.training.tuning`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from tminus.data import schema as S
from tminus.features.weather import WEATHER_FEATURES, WEATHER_INPUTS, weather_features
from tminus.predictors.weather_scrub import WeatherScrubPredictor
from tminus.training.backtest import MODEL, Backtest, decade_strata, yearly_cuts
from tminus.training.estimators import SignConstrainedLogisticRegression
from tminus.training.metrics import pointwise_log_loss
from tminus.training.result import TrainedModel
from tminus.training.simulation import choose_interval_method
from tminus.training.tuning import Candidate, Selection, select_by_log_loss

POSTERIOR_DRAWS: Final = 200
SCORE_BOOTSTRAPS: Final = 1000
SIMULATION_REPS: Final = 40
# The search space, chosen inside each fold: the penalty, and whether every sensor may only
# raise the scrub risk ("weather_only_hurts": higher wind, field mill, lightning, moisture and
# shear never lower it) or the signs are free.
ALPHAS: Final = (2.5, 10.0, 40.0)
SIGN_CHOICES: Final = ("weather_only_hurts", "free")
DEFAULT: Final = "alpha=10, weather_only_hurts"
# The choice leaves the default only once the earlier folds hold this many of each outcome.
MIN_EVENTS: Final = 10
BASELINE_LABELS: Final = {
    "global_rate": "scrub rate of every earlier event",
    "global_rate_at_refit": "scrub rate of the events before the fold's 1 January",
    "best_constant_in_hindsight": "reference, not a forecast: the one rate that scores best "
    "on these rows, known only afterwards",
}


@dataclass
class WeatherRows:
    """Events in time order with raw inputs (NaN where sensors were missing)."""

    raw: NDArray[np.float64]  # (n, len(WEATHER_INPUTS))
    y: NDArray[np.float64]  # 1 = scrubbed
    years: NDArray[np.int64]
    keys: list[str]


def build_rows(events: pd.DataFrame) -> WeatherRows:
    """The events table as arrays, oldest first."""
    frame = events.sort_values(S.WX_EVENT_DATE, kind="mergesort")
    return WeatherRows(
        raw=frame[list(WEATHER_INPUTS)].to_numpy(dtype=float),
        y=frame[S.WX_SCRUBBED].to_numpy(dtype=np.float64),
        years=frame[S.WX_EVENT_DATE].dt.year.to_numpy(np.int64),
        keys=frame[S.WX_SOURCE_FILE].astype(str).tolist(),
    )


def fill_values(raw: NDArray[np.float64]) -> dict[str, float]:
    """Training medians, used for missing sensors."""
    out = {}
    for j, name in enumerate(WEATHER_INPUTS):
        col = raw[:, j]
        col = col[~np.isnan(col)]
        out[name] = float(np.median(col)) if len(col) else 0.0
    return out


def design(raw: NDArray[np.float64], fill: dict[str, float]) -> NDArray[np.float64]:
    """Feature matrix with the serving code's transform and filling."""
    rows = []
    for r in raw:
        values = {
            name: (None if math.isnan(v) else float(v))
            for name, v in zip(WEATHER_INPUTS, r, strict=True)
        }
        rows.append(weather_features(values, fill)[0])
    return np.array(rows, dtype=float)


def search_space() -> list[Candidate]:
    """Penalty x sign constraints; the first is the default."""
    out = [
        Candidate(name=f"alpha={alpha:g}, {signs}", params={"alpha": alpha, "signs": signs})
        for alpha, signs in itertools.product(ALPHAS, SIGN_CHOICES)
    ]
    out.sort(key=lambda c: c.name != DEFAULT)
    return out


def fit_estimator(
    X: NDArray[np.float64], y: NDArray[np.float64], candidate: Candidate
) -> SignConstrainedLogisticRegression:
    """The regularised logistic regression a candidate names."""
    signs = None if candidate.params["signs"] == "free" else (+1,) * len(WEATHER_FEATURES)
    return SignConstrainedLogisticRegression(
        alpha=float(candidate.params["alpha"]), signs=signs
    ).fit_checked_arrays(X, y)


def tune(rows: WeatherRows, *, start: int) -> Selection:
    """Every candidate's yearly expanding-window predictions from ``start``, nested choice."""
    space = search_space()
    folds = np.full(len(rows.y), -1, dtype=np.int64)
    labels: dict[int, str] = {}
    predictions = {c.name: np.full(len(rows.y), np.nan) for c in space}
    for k, (year, train, test) in enumerate(yearly_cuts(rows.years, start)):
        folds[test] = k
        labels[k] = str(year)
        fill = fill_values(rows.raw[train])
        X_train, X_test = design(rows.raw[train], fill), design(rows.raw[test], fill)
        for candidate in space:
            est = fit_estimator(X_train, rows.y[train], candidate)
            predictions[candidate.name][test] = est.predict_proba(X_test)[:, 1]
    return select_by_log_loss(space, predictions, folds, labels, rows.y, min_events=MIN_EVENTS)


def backtest(rows: WeatherRows, selection: Selection, *, start: int) -> Backtest:
    """The nested predictions from ``start``; baselines are the scrub rate so far."""
    evaluated = (rows.years >= start) & ~np.isnan(selection.prediction)
    if not evaluated.any():
        raise ValueError(f"no weather events from {start} on to backtest")
    n = len(rows.y)
    so_far = np.array([(rows.y[:i].sum() + 1) / (i + 2) for i in range(n)])
    year_start = np.array(
        [
            (rows.y[rows.years < rows.years[i]].sum() + 1)
            / ((rows.years < rows.years[i]).sum() + 2)
            for i in range(n)
        ]
    )
    y = rows.y[evaluated]
    years = rows.years[evaluated]
    result = Backtest(
        kind="probability",
        scheme=f"expanding window in time order: refit each 1 January from {start} on every "
        "earlier event, predict that year's events; penalty and signs chosen inside each fold "
        "on the folds before it",
        y=y,
        years=years,
        keys=[k for k, e in zip(rows.keys, evaluated, strict=True) if e],
        strata={"decade": decade_strata(years)},
        references=("best_constant_in_hindsight",),
        labels=dict(BASELINE_LABELS),
    )
    result.predictions[MODEL] = selection.prediction[evaluated]
    result.predictions["global_rate"] = so_far[evaluated]
    result.predictions["global_rate_at_refit"] = year_start[evaluated]
    result.predictions["best_constant_in_hindsight"] = np.full(len(y), float(y.mean()))
    return result


def score_uncertainty(bt: Backtest, *, random_state: int) -> dict[str, tuple[float, float]]:
    """90% bootstrap intervals of the model's scores and of its margin over the baseline."""
    rng = np.random.default_rng(random_state)
    n = len(bt.y)
    model, base = bt.predictions[MODEL], bt.predictions["global_rate"]
    # Per-row terms once (their means are sklearn's log loss and Brier score); resample them.
    ll_rows = pointwise_log_loss(bt.y, model)
    br_rows = (model - bt.y) ** 2
    margin_rows = pointwise_log_loss(bt.y, base) - ll_rows
    ll, br, margin = [], [], []
    for _ in range(SCORE_BOOTSTRAPS):
        idx = rng.integers(0, n, n)
        ll.append(float(ll_rows[idx].mean()))
        br.append(float(br_rows[idx].mean()))
        margin.append(float(margin_rows[idx].mean()))

    def ci(values: list[float]) -> tuple[float, float]:
        low, high = np.percentile(values, [5, 95])
        return float(low), float(high)

    return {
        "log_loss": ci(ll),
        "brier": ci(br),
        "log_loss_margin_over_global_rate": ci(margin),
    }


def train(tables: Mapping[str, pd.DataFrame], *, random_state: int) -> TrainedModel:
    """Backtest, fit with a bootstrap ensemble and package the predictor.

    ``tables``: the ``weather_events`` table by name.
    """
    rows = build_rows(tables[S.WEATHER_EVENTS])
    start = int(rows.years.min()) + 2
    selection = tune(rows, start=start - 1)
    bt = backtest(rows, selection, start=start)
    uncertainty = score_uncertainty(bt, random_state=random_state)
    fill = fill_values(rows.raw)
    X = design(rows.raw, fill)
    final = selection.final
    est = fit_estimator(X, rows.y, final)
    simulation = choose_interval_method(
        X,
        est,
        refit=lambda Xs, ys: fit_estimator(Xs, ys, final),
        n_draws=POSTERIOR_DRAWS,
        reps=SIMULATION_REPS,
        random_state=random_state,
    )
    weights = simulation.served_draws(est, X, random_state=random_state)
    ranges = {}
    for j, name in enumerate(WEATHER_INPUTS):
        col = rows.raw[:, j]
        col = col[~np.isnan(col)]
        ranges[name] = (float(col.min()), float(col.max())) if len(col) else (0.0, 0.0)
    base_rate = float(rows.y.mean())
    predictor = WeatherScrubPredictor(
        weights=weights, fill=fill, ranges=ranges, base_rate=base_rate
    )
    return TrainedModel(
        name="weather_scrub",
        predictor=predictor,
        backtest=bt,
        params={
            "estimator": "SignConstrainedLogisticRegression",
            "alpha": est.alpha,
            "feature_signs": dict(
                zip(WEATHER_FEATURES, est.signs or (0,) * len(WEATHER_FEATURES), strict=True)
            ),
            "coefficients": dict(
                zip(WEATHER_FEATURES, (float(c) for c in weights.coef), strict=True)
            ),
            "fill_values": fill,
            "tuning": selection.describe(),
            "interval": "5th-95th percentile of the scrub probability over "
            f"{POSTERIOR_DRAWS} draws of the coefficients ({simulation.method} covariance, the "
            "method whose simulated coverage was nearest 90%), sign constraints enforced",
            "interval_simulation": simulation.to_dict(),
            "training_rows": len(rows.y),
            "training_scrubs": int(rows.y.sum()),
            "score_uncertainty": {k: list(v) for k, v in uncertainty.items()},
        },
        random_state=random_state,
        summary="Probability that a Cape Canaveral / KSC launch attempt is scrubbed for weather, "
        "from sensor summaries over the ~4 hours before T-0 (peak wind, field mill, lightning, "
        "precipitable water, upper-level wind and shear).",
        notes=[
            f"Only {len(rows.y)} events ({int(rows.y.sum())} weather scrubs), 2015 to 2022, "
            "and the scrubs were compiled from news reports: treat every number here as rough.",
            "The scores' 90% bootstrap intervals (above) are wide; a margin interval that "
            "includes zero means the model's edge over the scrub rate is not established.",
            "Missing sensors are filled with training medians and flagged in the answer.",
        ],
    )
