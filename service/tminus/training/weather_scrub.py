"""Train and backtest ``weather_scrub`` on the ~140 Cape launch and scrub events.

So few events call for a simple, strongly regularised model, a time-ordered evaluation that
uses every event it can (yearly expanding window), and a statement of how uncertain the scores
are: a bootstrap over the backtest rows gives 90% intervals for the model's scores and for its
margin over the baseline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from tminus.data import schema as S
from tminus.features.weather import WEATHER_FEATURES, WEATHER_INPUTS, weather_features
from tminus.predictors.weather_scrub import WeatherScrubPredictor
from tminus.training.backtest import MODEL, Backtest, rolling_origin
from tminus.training.bootstrap import fit_bootstrap_logistic
from tminus.training.estimators import SignConstrainedLogisticRegression
from tminus.training.metrics import brier, log_loss
from tminus.training.result import TrainedModel

ALPHA = 10.0
BOOTSTRAPS = 200
SCORE_BOOTSTRAPS = 1000
# Higher wind, field mill, lightning, moisture and shear can only raise the scrub risk.
SIGNS = (+1, +1, +1, +1, +1, +1)


@dataclass
class WeatherRows:
    """Events in time order with raw inputs (NaN where sensors were missing)."""

    raw: NDArray[np.float64]  # (n, len(WEATHER_INPUTS))
    y: NDArray[np.float64]  # 1 = scrubbed
    years: NDArray[np.int64]


def build_rows(events: pd.DataFrame) -> WeatherRows:
    """The events table as arrays, oldest first."""
    frame = events.sort_values(S.WX_EVENT_DATE, kind="mergesort")
    return WeatherRows(
        raw=frame[list(WEATHER_INPUTS)].to_numpy(dtype=float),
        y=frame[S.WX_SCRUBBED].to_numpy(dtype=np.float64),
        years=frame[S.WX_EVENT_DATE].dt.year.to_numpy(np.int64),
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


def fit_estimator(
    X: NDArray[np.float64], y: NDArray[np.float64]
) -> SignConstrainedLogisticRegression:
    """The regularised, sign-constrained logistic regression."""
    return SignConstrainedLogisticRegression(alpha=ALPHA, signs=SIGNS).fit(X, y)


def backtest(rows: WeatherRows, *, start: int) -> Backtest:
    """Refit each year on all earlier events; baselines are the scrub rate so far."""

    def fit_predict(train: NDArray[np.bool_], test: NDArray[np.bool_]) -> NDArray[np.float64]:
        fill = fill_values(rows.raw[train])
        est = fit_estimator(design(rows.raw[train], fill), rows.y[train])
        proba: NDArray[np.float64] = est.predict_proba(design(rows.raw[test], fill))[:, 1]
        return proba

    evaluated, pred = rolling_origin(rows.years, start, fit_predict)
    if pred is None:
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
    result = Backtest(
        kind="probability",
        scheme=f"expanding window in time order: refit each 1 January from {start} on every "
        "earlier event, predict that year's events",
        y=rows.y[evaluated],
        years=rows.years[evaluated],
    )
    result.predictions[MODEL] = pred
    result.predictions["global_rate"] = so_far[evaluated]
    result.predictions["global_rate_at_refit"] = year_start[evaluated]
    return result


def score_uncertainty(bt: Backtest, *, random_state: int) -> dict[str, tuple[float, float]]:
    """90% bootstrap intervals of the model's scores and of its margin over the baseline."""
    rng = np.random.default_rng(random_state)
    n = len(bt.y)
    model, base = bt.predictions[MODEL], bt.predictions["global_rate"]
    ll, br, margin = [], [], []
    for _ in range(SCORE_BOOTSTRAPS):
        idx = rng.integers(0, n, n)
        ll.append(log_loss(bt.y[idx], model[idx]))
        br.append(brier(bt.y[idx], model[idx]))
        margin.append(log_loss(bt.y[idx], base[idx]) - log_loss(bt.y[idx], model[idx]))

    def ci(values: list[float]) -> tuple[float, float]:
        low, high = np.percentile(values, [5, 95])
        return float(low), float(high)

    return {
        "log_loss": ci(ll),
        "brier": ci(br),
        "log_loss_margin_over_global_rate": ci(margin),
    }


def train(events: pd.DataFrame, *, random_state: int) -> TrainedModel:
    """Backtest, fit with a bootstrap ensemble and package the predictor."""
    rows = build_rows(events)
    start = int(rows.years.min()) + 2
    bt = backtest(rows, start=start)
    uncertainty = score_uncertainty(bt, random_state=random_state)
    fill = fill_values(rows.raw)
    X = design(rows.raw, fill)
    weights = fit_bootstrap_logistic(
        X, rows.y, fit=fit_estimator, n_boot=BOOTSTRAPS, random_state=random_state
    )
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
            "alpha": ALPHA,
            "feature_signs": dict(zip(WEATHER_FEATURES, SIGNS, strict=True)),
            "coefficients": dict(
                zip(WEATHER_FEATURES, (float(c) for c in weights.coef), strict=True)
            ),
            "fill_values": fill,
            "bootstraps": len(weights.boot_intercept),
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
