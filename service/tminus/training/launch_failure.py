"""Train and backtest ``launch_failure`` and its reliability baselines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from tminus.data import schema as S
from tminus.features.history import LaunchHistory
from tminus.features.reference import Reference
from tminus.features.risk import (
    FEATURE_NAMES,
    FEATURE_SIGNS,
    Pooling,
    feature_vector,
    pooled_rate,
    read_context,
)
from tminus.predictors.launch_failure import LaunchFailurePredictor
from tminus.training.backtest import MODEL, Backtest, rolling_origin
from tminus.training.estimators import SignConstrainedLogisticRegression
from tminus.training.frames import build_history, walk_launches
from tminus.training.reference import build_reference
from tminus.training.result import TrainedModel

BACKTEST_START = 2000
ALPHA = 2.0
INTERVAL_STRENGTH = 5.0
RISK_CATEGORIES = (S.CATEGORY_ORBITAL, S.CATEGORY_DEEP_SPACE)


@dataclass
class FailureRows:
    """One row per launch attempt, with features and baselines read before it."""

    X: NDArray[np.float64]
    y: NDArray[np.float64]
    years: NDArray[np.int64]
    vehicle_flight: NDArray[np.float64]
    baselines: dict[str, NDArray[np.float64]]
    history: LaunchHistory


def risk_launches(launches: pd.DataFrame) -> pd.DataFrame:
    """Orbital and deep-space attempts in time order (launches from other worlds dropped)."""
    keep = launches[launches[S.CATEGORY].isin(RISK_CATEGORIES)]
    return keep.sort_values([S.LAUNCH_TIME, S.LAUNCH_TAG], kind="mergesort").reset_index(drop=True)


def build_rows(
    launches: pd.DataFrame, pooling: Pooling, reference: Reference | None = None
) -> FailureRows:
    """One row per launch, its features and baselines read from the history as of its moment.

    The history holds every launch; each row reads it at its own launch's moment, which sees
    only earlier launches: the same reading the service does for a question about that moment.
    The provider too is read as the service reads it (the vehicle's last provider before the
    launch, else its family's, else the manufacturer ``reference`` names), so no feature
    knows more than a question about that moment could.
    """
    makers = {} if reference is None else {n: v.manufacturer for n, v in reference.vehicles.items()}
    frame = risk_launches(launches)
    walked = list(walk_launches(frame))
    history = build_history(walked)
    n = len(walked)
    X = np.zeros((n, len(FEATURE_NAMES)))
    y = np.zeros(n)
    flight_no = np.zeros(n)
    names = ("global_rate", "laplace_vehicle", "beta_binomial_family", "beta_binomial_new_vehicle")
    base = {name: np.zeros(n) for name in names}
    for i, launch in enumerate(walked):
        at = history.at(launch.day)
        ctx = read_context(
            at,
            vehicle=launch.vehicle,
            family=launch.family,
            provider=at.provider_of(
                launch.vehicle, launch.family, manufacturer=makers.get(launch.vehicle)
            ),
            site=launch.site,
            pad=launch.pad,
            pooling=pooling,
        )
        X[i] = feature_vector(ctx)
        y[i] = float(launch.failed)
        flight_no[i] = ctx.vehicle_flights + 1
        base["global_rate"][i] = ctx.global_rate
        base["laplace_vehicle"][i] = (ctx.vehicle_failures + 1) / (ctx.vehicle_flights + 2)
        base["beta_binomial_family"][i] = pooled_rate(
            ctx.family_failures, ctx.family_flights, ctx.global_rate, pooling.family_strength
        )
        base["beta_binomial_new_vehicle"][i] = ctx.vehicle_rate
    years = frame[S.LAUNCH_TIME].dt.year.to_numpy(dtype=np.int64)
    return FailureRows(X, y, years, flight_no, base, history)


def fit_estimator(
    X: NDArray[np.float64], y: NDArray[np.float64]
) -> SignConstrainedLogisticRegression:
    """The constrained logistic regression on the given rows."""
    return SignConstrainedLogisticRegression(alpha=ALPHA, signs=FEATURE_SIGNS).fit(X, y)


def backtest(rows: FailureRows, start: int = BACKTEST_START) -> Backtest:
    """Yearly refits from ``start``; baselines scored on the same rows."""

    def fit_predict(train: NDArray[np.bool_], test: NDArray[np.bool_]) -> NDArray[np.float64]:
        est = fit_estimator(rows.X[train], rows.y[train])
        proba: NDArray[np.float64] = est.predict_proba(rows.X[test])[:, 1]
        return proba

    evaluated, pred = rolling_origin(rows.years, start, fit_predict)
    if pred is None:
        raise ValueError(f"no launches from {start} on to backtest")
    result = Backtest(
        kind="probability",
        scheme=f"rolling origin, refit each 1 January from {start}, predict that year",
        y=rows.y[evaluated],
        years=rows.years[evaluated],
    )
    result.predictions[MODEL] = pred
    for name, values in rows.baselines.items():
        result.predictions[name] = values[evaluated]
    result.extras["vehicle_flight"] = rows.vehicle_flight[evaluated]
    return result


def train(
    launches: pd.DataFrame,
    variants: pd.DataFrame,
    pads: pd.DataFrame,
    orbits: pd.DataFrame | None = None,
    *,
    random_state: int,
) -> TrainedModel:
    """Backtest, then fit on everything and package the predictor with its history.

    ``variants`` and ``pads`` are GCAT's reference lists, carried in the artifact so that a
    vehicle or pad before its first launch is answered as a maiden flight or a new pad.
    """
    pooling = Pooling()
    reference = build_reference(variants, pads, orbits)
    rows = build_rows(launches, pooling, reference)
    bt = backtest(rows, start=max(BACKTEST_START, int(rows.years.min()) + 1))
    est = fit_estimator(rows.X, rows.y)
    predictor = LaunchFailurePredictor(
        history=rows.history,
        reference=reference,
        pooling=pooling,
        coef=[float(c) for c in est.coef_],
        intercept=est.intercept_,
        mean=[float(m) for m in est.mean_],
        scale=[float(s) for s in est.scale_],
        interval_strength=INTERVAL_STRENGTH,
    )
    params: dict[str, Any] = {
        "estimator": "SignConstrainedLogisticRegression",
        "alpha": ALPHA,
        "feature_signs": dict(zip(FEATURE_NAMES, FEATURE_SIGNS, strict=True)),
        "coefficients": dict(zip(FEATURE_NAMES, (float(c) for c in est.coef_), strict=True)),
        "intercept": est.intercept_,
        "pooling": {
            "family_strength": pooling.family_strength,
            "vehicle_strength": pooling.vehicle_strength,
        },
        "interval": "90% central interval of Beta(p*c, (1-p)*c), c = vehicle flights + "
        f"{INTERVAL_STRENGTH}",
        "training_rows": len(rows.y),
        "training_failures": int(rows.y.sum()),
    }
    return TrainedModel(
        name="launch_failure",
        predictor=predictor,
        backtest=bt,
        params=params,
        random_state=random_state,
        summary=(
            "Probability that an orbital or deep-space launch attempt fails (GCAT: second "
            "letter of Launch_Code is F), from the vehicle's, family's and provider's record "
            "as of the launch date."
        ),
        notes=[
            "Features are read from a history that holds only launches before each launch; "
            "the artifact stores that history as of the data cutoff.",
            "Coefficient signs are constrained so that more or more recent failures never "
            "lower risk and more experience never raises it.",
            "Orbit and payload mass are accepted but not used: GCAT's launch log has no "
            "per-launch orbit or payload mass for successful launches.",
            "The 90% interval reflects how much flight history the vehicle has, not the "
            "uncertainty of the fitted coefficients.",
        ],
    )
