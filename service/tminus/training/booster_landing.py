"""Train and backtest ``booster_landing`` on the SpaceX API's per-core landing attempts.

The backtest is an expanding window in time order: first fit on the first 20 attempts, then
refit after every 10 more and predict the next 10. The penalty, the sign constraints and the
feature set (narrow: landing type, block, the programme's record; full: also the core's
earlier flights, payload mass and orbit) are chosen inside each fold on the folds before it,
so no reported score helped choose the settings that produced it.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from tminus.data import schema as S
from tminus.features.history import Record
from tminus.features.landing import (
    FEATURE_SETS,
    INPUT_OF,
    LANDING_TYPES,
    LandingExperience,
)
from tminus.features.landing import landing_features as read_features
from tminus.features.risk import pooled_rate
from tminus.predictors.booster_landing import MAX_BLOCK, BoosterLandingPredictor
from tminus.training.backtest import MODEL, Backtest, decade_strata, flight_strata
from tminus.training.estimators import SignConstrainedLogisticRegression
from tminus.training.frames import epoch_days
from tminus.training.result import TrainedModel
from tminus.training.simulation import choose_interval_method
from tminus.training.tuning import Candidate, Selection, select_by_log_loss

# Expanding window: first refit after this many attempts, then after every STEP more.
FIRST_TRAIN: Final = 20
STEP: Final = 10
POSTERIOR_DRAWS: Final = 200
# The choice leaves the default only once the earlier folds hold this many of each outcome.
MIN_EVENTS: Final = 10
SIMULATION_REPS: Final = 40
PRIOR_STRENGTH: Final = 4.0
TRAILING: Final = 30
# The search space, chosen inside each fold.
ALPHAS: Final = (2.0, 8.0, 32.0)
# "experience and block help": a later block and a better programme record never lower the
# chance of landing; "free": no constraint.
SIGN_CHOICES: Final = ("experience_and_block_help", "free")
_HELPS: Final = {"block": +1, "logit_programme_rate": +1}
# The default, kept unless earlier folds show another is better by more than a standard
# error: every input a planner gives, the middle penalty, the constraints.
DEFAULT: Final = "full, alpha=8, experience_and_block_help"

BASELINE_LABELS: Final = {
    "trailing_rate_30_attempts": "success rate of the programme's last 30 attempts",
    "beta_binomial_landing_type_trailing": "the landing type's last 30 attempts with a Beta "
    "prior of 4 pseudo-attempts at the programme's trailing rate",
    "cumulative_rate_since_2013": "old baseline (was global_rate): the programme's success "
    "rate since its first attempt, while landings became routine",
    "laplace_landing_type_cumulative": "old baseline (was laplace_landing_type): the landing "
    "type's (successes + 1) / (attempts + 2) since 2013",
    "beta_binomial_landing_type_cumulative": "old baseline (was beta_binomial_landing_type): "
    "the type's rate since 2013, pooled towards the programme's since 2013",
    "best_constant_in_hindsight": "reference, not a forecast: the one rate that scores best "
    "on these rows, known only afterwards",
}


@dataclass
class LandingRows:
    """One row per landing attempt with a known result, in time order."""

    features: dict[str, NDArray[np.float64]]  # every candidate feature set's matrix
    y: NDArray[np.float64]  # 1 = landed
    years: NDArray[np.int64]
    keys: list[str]
    core_flight: NDArray[np.float64]  # NaN where unknown
    landing_type: list[str]
    days: NDArray[np.float64]
    attempts: Record
    orbits: list[str]
    default_payload_mass_kg: float


def attempts(table: pd.DataFrame) -> pd.DataFrame:
    """Past landing attempts with a recorded result, oldest first."""
    keep = (
        table[S.BL_LANDING_ATTEMPT].fillna(False).astype(bool)
        & table[S.BL_LANDING_SUCCESS].notna()
        & table[S.BL_LANDING_TYPE].isin(LANDING_TYPES)
    )
    return table[keep].sort_values(S.BL_LAUNCH_TIME, kind="mergesort").reset_index(drop=True)


def _keys(frame: pd.DataFrame) -> list[str]:
    """One key per attempt: the launch id and the core (side boosters share the launch)."""
    seen: dict[str, int] = {}
    out = []
    for launch, core in zip(frame[S.BL_LAUNCH_ID], frame[S.BL_CORE_SERIAL], strict=True):
        key = f"{launch}/{'core' if pd.isna(core) else core}"
        seen[key] = seen.get(key, 0) + 1
        out.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return out


def build_rows(table: pd.DataFrame) -> LandingRows:
    """One row per attempt, the programme's experience read as of the attempt's moment.

    Attempts at the same moment (a Falcon Heavy's side boosters) do not see each other. A
    missing payload mass is filled with the median of the attempts before it (the served
    default is the median of all of them).
    """
    frame = attempts(table)
    days = epoch_days(frame[S.BL_LAUNCH_TIME])
    record = Record()
    for day, success in zip(days, frame[S.BL_LANDING_SUCCESS], strict=True):
        record.add(float(day), failed=not bool(success))
    masses = frame[S.BL_PAYLOAD_MASS_KG].astype(float).to_numpy()
    known_masses: list[float] = []
    full: list[list[float]] = []
    y: list[float] = []
    flights: list[float] = []
    for i, (day, row) in enumerate(zip(days, frame.to_dict("records"), strict=True)):
        experience = LandingExperience.at(record, float(day))
        block, flight, orbit = row[S.BL_BLOCK], row[S.BL_CORE_FLIGHT], row[S.BL_ORBIT]
        fill = float(np.median(known_masses)) if known_masses else 0.0
        full.append(
            read_features(
                experience,
                landing_type=str(row[S.BL_LANDING_TYPE]),
                block=1 if pd.isna(block) else int(block),
                core_flight=1 if pd.isna(flight) else int(flight),
                payload_mass_kg=fill if np.isnan(masses[i]) else float(masses[i]),
                orbit=None if pd.isna(orbit) else str(orbit),
            )
        )
        if not np.isnan(masses[i]):
            known_masses.append(float(masses[i]))
        flights.append(np.nan if pd.isna(flight) else float(flight))
        y.append(float(bool(row[S.BL_LANDING_SUCCESS])))
    matrix = np.array(full, dtype=float).reshape(len(full), len(FEATURE_SETS["full"]))
    features = {name: matrix[:, : len(cols)] for name, cols in FEATURE_SETS.items()}
    observed = masses[~np.isnan(masses)]
    return LandingRows(
        features=features,
        y=np.array(y, dtype=float),
        years=frame[S.BL_LAUNCH_TIME].dt.year.to_numpy(np.int64),
        keys=_keys(frame),
        core_flight=np.array(flights, dtype=float),
        landing_type=frame[S.BL_LANDING_TYPE].astype(str).tolist(),
        days=days,
        attempts=record,
        orbits=sorted(frame[S.BL_ORBIT].dropna().astype(str).unique().tolist()),
        default_payload_mass_kg=float(np.median(observed)) if len(observed) else 0.0,
    )


def search_space() -> list[Candidate]:
    """Feature set x penalty x sign constraints; the first is the default."""
    out = [
        Candidate(
            name=f"{features}, alpha={alpha:g}, {signs}",
            params={"features": features, "alpha": alpha, "signs": signs},
        )
        for features, alpha, signs in itertools.product(FEATURE_SETS, ALPHAS, SIGN_CHOICES)
    ]
    out.sort(key=lambda c: c.name != DEFAULT)
    return out


def signs_of(candidate: Candidate) -> tuple[int, ...] | None:
    """The sign constraints a candidate names, for its feature set."""
    if candidate.params["signs"] == "free":
        return None
    return tuple(_HELPS.get(name, 0) for name in FEATURE_SETS[str(candidate.params["features"])])


def fit_estimator(
    X: NDArray[np.float64], y: NDArray[np.float64], candidate: Candidate
) -> SignConstrainedLogisticRegression:
    """The regularised logistic regression a candidate names."""
    return SignConstrainedLogisticRegression(
        alpha=float(candidate.params["alpha"]), signs=signs_of(candidate)
    ).fit_checked_arrays(X, y)


def _programme_rate(rows: LandingRows) -> NDArray[np.float64]:
    return np.array([LandingExperience.at(rows.attempts, float(d)).rate for d in rows.days])


def tune(rows: LandingRows) -> Selection:
    """Every candidate's expanding-window predictions, and the nested choice per fold."""
    n = len(rows.y)
    space = search_space()
    folds = np.full(n, -1, dtype=np.int64)
    labels: dict[int, str] = {}
    for k, start in enumerate(range(FIRST_TRAIN, n, STEP)):
        stop = min(start + STEP, n)
        folds[start:stop] = k
        labels[k] = f"attempts {start + 1:03d}-{stop:03d}"
    fallback = _programme_rate(rows)
    predictions: dict[str, NDArray[np.float64]] = {}
    for candidate in space:
        X = rows.features[str(candidate.params["features"])]
        pred = np.full(n, np.nan)
        for start in range(FIRST_TRAIN, n, STEP):
            stop = min(start + STEP, n)
            if len(np.unique(rows.y[:start])) < 2:
                pred[start:stop] = fallback[start:stop]
                continue
            est = fit_estimator(X[:start], rows.y[:start], candidate)
            pred[start:stop] = est.predict_proba(X[start:stop])[:, 1]
        predictions[candidate.name] = pred
    return select_by_log_loss(space, predictions, folds, labels, rows.y, min_events=MIN_EVENTS)


def _baselines(rows: LandingRows) -> dict[str, NDArray[np.float64]]:
    """The analyst's baselines for every attempt, each from the attempts before its moment."""
    n = len(rows.y)
    out = {name: np.zeros(n) for name in BASELINE_LABELS if name != "best_constant_in_hindsight"}
    cumulative = _programme_rate(rows)
    days = list(rows.days)
    for i in range(n):
        before = bisect_left(days, rows.days[i])
        recent = rows.y[max(before - TRAILING, 0) : before]
        trailing = (recent.sum() + 1) / (len(recent) + 2)
        same = [j for j in range(before) if rows.landing_type[j] == rows.landing_type[i]]
        wins = float(rows.y[same].sum()) if same else 0.0
        recent_same = same[-TRAILING:]
        wins_recent = float(rows.y[recent_same].sum()) if recent_same else 0.0
        out["trailing_rate_30_attempts"][i] = trailing
        out["beta_binomial_landing_type_trailing"][i] = pooled_rate(
            int(wins_recent), len(recent_same), trailing, PRIOR_STRENGTH
        )
        out["cumulative_rate_since_2013"][i] = cumulative[i]
        out["laplace_landing_type_cumulative"][i] = (wins + 1) / (len(same) + 2)
        out["beta_binomial_landing_type_cumulative"][i] = pooled_rate(
            int(wins), len(same), cumulative[i], PRIOR_STRENGTH
        )
    return out


def backtest(rows: LandingRows, selection: Selection) -> Backtest:
    """The nested predictions of every attempt after the first :data:`FIRST_TRAIN`."""
    evaluated = np.arange(len(rows.y)) >= FIRST_TRAIN
    y = rows.y[evaluated]
    years = rows.years[evaluated]
    result = Backtest(
        kind="probability",
        scheme=f"expanding window in time order: first fit on the first {FIRST_TRAIN} "
        f"attempts, refit after every {STEP} more, predict the next {STEP}; hyperparameters "
        "and feature set chosen inside each fold on the folds before it",
        y=y,
        years=years,
        keys=[k for k, e in zip(rows.keys, evaluated, strict=True) if e],
        strata={
            "core flight": flight_strata(rows.core_flight[evaluated]),
            "decade": decade_strata(years),
        },
        references=("best_constant_in_hindsight",),
        labels=dict(BASELINE_LABELS),
    )
    result.predictions[MODEL] = selection.prediction[evaluated]
    for name, values in _baselines(rows).items():
        result.predictions[name] = values[evaluated]
    result.predictions["best_constant_in_hindsight"] = np.full(len(y), float(y.mean()))
    return result


def train(tables: Mapping[str, pd.DataFrame], *, random_state: int) -> TrainedModel:
    """Tune and backtest, fit with its posterior draws and package the predictor.

    ``tables``: the ``booster_landings`` table by name.
    """
    table = tables[S.BOOSTER_LANDINGS]
    rows = build_rows(table)
    selection = tune(rows)
    bt = backtest(rows, selection)
    final = selection.final
    names = FEATURE_SETS[str(final.params["features"])]
    X = rows.features[str(final.params["features"])]
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
    predictor = BoosterLandingPredictor(
        feature_names=names,
        weights=weights,
        attempts=rows.attempts,
        record_end=float(epoch_days(table[S.BL_LAUNCH_TIME].dropna()).max())
        if table[S.BL_LAUNCH_TIME].notna().any()
        else None,
        default_block=MAX_BLOCK,
        default_payload_mass_kg=rows.default_payload_mass_kg,
        orbits=rows.orbits,
    )
    unused = [name for feature, name in INPUT_OF.items() if feature not in names]
    params: dict[str, Any] = {
        "estimator": "SignConstrainedLogisticRegression",
        "alpha": est.alpha,
        "feature_set": final.params["features"],
        "feature_signs": dict(zip(names, signs_of(final) or (0,) * len(names), strict=True)),
        "coefficients": dict(zip(names, (float(c) for c in weights.coef), strict=True)),
        "tuning": selection.describe(),
        "interval": "5th-95th percentile of the landing probability over "
        f"{POSTERIOR_DRAWS} draws of the coefficients ({simulation.method} covariance, the "
        "method whose simulated coverage was nearest 90%), sign constraints enforced",
        "interval_simulation": simulation.to_dict(),
        "training_rows": len(rows.y),
        "training_failures": int((1 - rows.y).sum()),
    }
    return TrainedModel(
        name="booster_landing",
        predictor=predictor,
        backtest=bt,
        params=params,
        random_state=random_state,
        summary="Probability that a Falcon booster landing attempt succeeds, from the landing "
        "type, the booster's block and the programme's landing record so far (and, when "
        "training chooses the full feature set, the core's earlier flights, payload mass and "
        "orbit).",
        notes=[
            f"Only {len(rows.y)} attempts with a known result ({int((1 - rows.y).sum())} "
            "failures), 2013 to 2022: the interval is wide on purpose.",
            "The SpaceX API stopped in late 2022; later landings are not in the data.",
            "The feature set (narrow or full), the penalty and the sign constraints are "
            "chosen inside each backtest fold on earlier attempts only; the served version "
            f"uses the {final.params['features']} set"
            + (f" and does not read {', '.join(unused)}." if unused else "."),
            "Missing block defaults to 5 (every core since 2019) and is flagged in the answer.",
        ],
    )
