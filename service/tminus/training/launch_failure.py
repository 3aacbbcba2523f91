"""Train and backtest ``launch_failure`` (and, with another outcome, ``launch_anomaly``).

Both read the same as-of features from the launch history; they differ only in the outcome
counted: a failure (GCAT's Launch_Code has F as its second letter), or an anomaly (a failure,
or a success GCAT grades below 100%, such as OS65: a partial failure an insurer counts as a
claim).

The backtest refits each 1 January from 2000 and predicts that year. Its hyperparameters (the
L2 penalty, the pooling strengths and the pad term's sign) are chosen inside each fold on the
folds before it (:mod:`tminus.training.tuning`), so no reported score helped choose the
settings that produced it. The served interval is the posterior of the fitted coefficients
(:mod:`tminus.training.posterior`) and is scored by simulation
(:mod:`tminus.training.simulation`).
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from tminus.data import schema as S
from tminus.features.asof_index import AsOfIndex
from tminus.features.history import EARLY_FLIGHTS, TRAILING_DAYS, LaunchHistory, pad_key
from tminus.features.reference import Reference
from tminus.features.risk import (
    FEATURE_NAMES,
    PAD_SIGNS,
    Pooling,
    RiskColumns,
    feature_matrix,
    pooled_rate,
    read_contexts,
    signs_for,
)
from tminus.predictors.launch_failure import LaunchFailurePredictor
from tminus.training.backtest import MODEL, Backtest, decade_strata, flight_strata
from tminus.training.estimators import SignConstrainedLogisticRegression
from tminus.training.frames import Launch, build_history, walk_launches
from tminus.training.reference import Tables, build_reference
from tminus.training.result import TrainedModel
from tminus.training.simulation import IntervalChoice, choose_interval_method
from tminus.training.tuning import Candidate, Selection, select_by_log_loss

Outcome = Literal["failure", "anomaly"]
BACKTEST_START: Final = 2000
# Folds from here on are predicted by every candidate, so that the choice for 2000 already has
# ten years of out-of-sample predictions to go on.
TUNING_START: Final = 1990
RISK_CATEGORIES: Final = (S.CATEGORY_ORBITAL, S.CATEGORY_DEEP_SPACE)
# The search space, chosen inside each fold: the L2 penalty, the pooling strengths, and
# whether the pad term may say a new pad is safer (the other signs are promises, not tuned).
ALPHAS: Final = (1.0, 8.0)
POOLINGS: Final = (
    Pooling(family_strength=10.0, vehicle_strength=2.0),
    Pooling(family_strength=10.0, vehicle_strength=5.0),
    Pooling(family_strength=20.0, vehicle_strength=2.0),
    Pooling(family_strength=20.0, vehicle_strength=5.0),
)
# The analyst's baselines use the textbook strengths, fixed.
BASELINE_POOLING: Final = Pooling(family_strength=10.0, vehicle_strength=5.0)
POSTERIOR_DRAWS: Final = 200
# The choice leaves the default only once the earlier folds hold this many of each outcome.
MIN_EVENTS: Final = 10
SIMULATION_REPS: Final = 40
SIMULATION_ROWS: Final = 300
INTERVAL_METHODS: Final = {
    "posterior": "Laplace approximation of the Bayesian posterior whose prior is the L2 penalty",
    "sandwich": "Gaussian approximation of the penalised estimate's sampling distribution",
}
# A success graded below 100% (OS65, DS90): GCAT's percentage after the S.
_PARTIAL = re.compile(r"^[A-Z]S(\d+)\??$")

BASELINE_LABELS: Final = {
    "trailing_rate_10y": "failure rate of every launch in the 10 years before the launch",
    "beta_binomial_family": "the family's rate with a Beta prior of 10 pseudo-launches at the "
    "trailing 10-year rate (the new-vehicle rate for a family that has not flown)",
    "beta_binomial_vehicle": "the vehicle's rate with a Beta prior of 5 pseudo-flights at its "
    "family's pooled rate",
    "laplace_vehicle": "the vehicle's (failures + 1) / (flights + 2)",
    "all_time_rate_since_1957": "old baseline (was global_rate): the rate of every launch "
    "since 1957, far above today's",
    "beta_binomial_family_all_time_prior": "old baseline (was beta_binomial_family): shrinks "
    "towards the all-time rate",
    "beta_binomial_vehicle_all_time_prior": "old baseline (was beta_binomial_new_vehicle): "
    "pooled through a family that shrinks towards the all-time rate",
    "best_constant_in_hindsight": "reference, not a forecast: the one rate that scores best "
    "on these rows, known only afterwards",
}
REFERENCES: Final = ("best_constant_in_hindsight",)


def is_partial(outcome_code: object) -> bool:
    """A success GCAT grades below 100% (``OS65``): the payload reached a wrong or short orbit."""
    match = _PARTIAL.match(str(outcome_code).strip())
    return match is not None and int(match.group(1)) < 100


@dataclass
class LaunchRows:
    """One row per launch attempt: its history context (counts) and outcome, in time order."""

    columns: RiskColumns
    y: NDArray[np.float64]
    years: NDArray[np.int64]
    keys: list[str]
    vehicle_flight: NDArray[np.float64]
    baselines: dict[str, NDArray[np.float64]]
    history: LaunchHistory

    def design(self, pooling: Pooling) -> NDArray[np.float64]:
        """The feature matrix with the given pooling strengths, in :data:`FEATURE_NAMES` order."""
        return feature_matrix(self.columns, pooling)


def risk_launches(launches: pd.DataFrame) -> pd.DataFrame:
    """Orbital and deep-space attempts in time order (launches from other worlds dropped)."""
    keep = launches[launches[S.CATEGORY].isin(RISK_CATEGORIES)]
    return keep.sort_values([S.LAUNCH_TIME, S.LAUNCH_TAG], kind="mergesort").reset_index(drop=True)


def outcome_of(frame: pd.DataFrame, outcome: Outcome) -> NDArray[np.float64]:
    """1 where the launch counts as the outcome (a failure; or a failure or partial failure)."""
    failed = frame[S.FAILED].astype(bool).to_numpy()
    if outcome == "failure":
        return failed.astype(float)
    partial = frame[S.OUTCOME_CODE].map(is_partial).astype(bool).to_numpy()
    return (failed | partial).astype(float)


class _Counts:
    """The outcome's running counts by vehicle, family and overall, for the baselines.

    The baselines count the modelled outcome (failures, or anomalies), so they are walked here
    rather than read from the failure history.
    """

    def __init__(self) -> None:
        self.vehicle: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.family: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.days: list[float] = []
        self.events: list[int] = [0]  # cumulative events, one longer than days
        self.early = [0, 0]

    def baselines(self, launch: Launch) -> dict[str, float]:
        n_all = len(self.days)
        k_all = self.events[-1]
        start = bisect_left(self.days, launch.day - TRAILING_DAYS)
        end = bisect_left(self.days, launch.day)
        n_tr, k_tr = end - start, self.events[end] - self.events[start]
        trailing = (k_tr + 1) / (n_tr + 2)
        all_time = (k_all + 1) / (n_all + 2)
        new_rate = (self.early[1] + 1) / (self.early[0] + 3)
        fn, fk = self.family[launch.family]
        vn, vk = self.vehicle[launch.vehicle]
        strength_f = BASELINE_POOLING.family_strength
        strength_v = BASELINE_POOLING.vehicle_strength
        fam_trailing = pooled_rate(fk, fn, new_rate if fn == 0 else trailing, strength_f)
        fam_all_time = pooled_rate(fk, fn, new_rate if fn == 0 else all_time, strength_f)
        return {
            "trailing_rate_10y": trailing,
            "beta_binomial_family": pooled_rate(fk, fn, trailing, strength_f),
            "beta_binomial_vehicle": pooled_rate(vk, vn, fam_trailing, strength_v),
            "laplace_vehicle": (vk + 1) / (vn + 2),
            "all_time_rate_since_1957": all_time,
            "beta_binomial_family_all_time_prior": pooled_rate(fk, fn, all_time, strength_f),
            "beta_binomial_vehicle_all_time_prior": pooled_rate(vk, vn, fam_all_time, strength_v),
        }

    def record(self, launch: Launch, event: bool) -> None:
        vehicle = self.vehicle[launch.vehicle]
        if vehicle[0] < EARLY_FLIGHTS:
            self.early[0] += 1
            self.early[1] += int(event)
        vehicle[0] += 1
        vehicle[1] += int(event)
        family = self.family[launch.family]
        family[0] += 1
        family[1] += int(event)
        self.days.append(launch.day)
        self.events.append(self.events[-1] + int(event))


def build_rows(
    launches: pd.DataFrame, reference: Reference | None = None, *, outcome: Outcome = "failure"
) -> LaunchRows:
    """One row per launch, its context and baselines read from the history as of its moment.

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
    y = outcome_of(frame, outcome)
    # Every launch read at its own moment, all at once, by the reads the service makes.
    index = AsOfIndex(history)
    t = np.array([launch.day for launch in walked], dtype=np.float64)
    vehicles = index.vehicles.code_array(launch.vehicle for launch in walked)
    families = [launch.family for launch in walked]
    columns = read_contexts(
        index,
        t,
        vehicle=vehicles,
        family=index.families.code_array(families),
        provider=index.provider_of(
            vehicles, families, [makers.get(launch.vehicle) for launch in walked], t, index.rank(t)
        ),
        pad=index.pads.code_array(
            None if launch.site is None or launch.pad is None else pad_key(launch.site, launch.pad)
            for launch in walked
        ),
    )
    counts = _Counts()
    base: dict[str, list[float]] = defaultdict(list)
    for i, launch in enumerate(walked):
        for name, value in counts.baselines(launch).items():
            base[name].append(value)
        counts.record(launch, bool(y[i]))
    return LaunchRows(
        columns=columns,
        y=y,
        years=frame[S.LAUNCH_TIME].dt.year.to_numpy(dtype=np.int64),
        keys=frame[S.LAUNCH_TAG].astype(str).tolist(),
        vehicle_flight=(columns.vehicle_flights + 1).astype(np.float64),
        baselines={name: np.array(values) for name, values in base.items()},
        history=history,
    )


def search_space() -> list[Candidate]:
    """Every setting tried: penalty x pooling strengths x pad sign (the first is the default)."""
    out = []
    for pooling, alpha, pad_sign in itertools.product(POOLINGS, ALPHAS, PAD_SIGNS):
        name = (
            f"alpha={alpha:g}, family={pooling.family_strength:g}, "
            f"vehicle={pooling.vehicle_strength:g}, {pad_sign}"
        )
        params = {"alpha": alpha, **pooling.to_state(), "pad_sign": pad_sign}
        out.append(Candidate(name=name, params=params))
    # the default: the middle of the space
    out.sort(key=lambda c: c.name != "alpha=1, family=10, vehicle=5, pad_free")
    return out


def pooling_of(candidate: Candidate) -> Pooling:
    """The pooling strengths a candidate names."""
    return Pooling(
        family_strength=float(candidate.params["family_strength"]),
        vehicle_strength=float(candidate.params["vehicle_strength"]),
    )


def fit_estimator(
    X: NDArray[np.float64], y: NDArray[np.float64], candidate: Candidate
) -> SignConstrainedLogisticRegression:
    """The constrained logistic regression with a candidate's penalty and signs."""
    return SignConstrainedLogisticRegression(
        alpha=float(candidate.params["alpha"]), signs=signs_for(str(candidate.params["pad_sign"]))
    ).fit_checked_arrays(X, y)


def _fold_years(years: NDArray[np.int64], start: int) -> list[int]:
    """Years from ``start`` to the last that hold rows and have earlier rows to learn from."""
    first = int(years.min())
    return [int(y) for y in np.unique(years) if y >= max(start, first + 1)]


def tune(rows: LaunchRows, *, start: int) -> tuple[Selection, dict[str, NDArray[np.float64]]]:
    """Every candidate's rolling-origin predictions from ``start``, and the nested choice."""
    space = search_space()
    fold_years = _fold_years(rows.years, start)
    folds = np.full(len(rows.y), -1, dtype=np.int64)
    for k, year in enumerate(fold_years):
        folds[rows.years == year] = k
    designs: dict[tuple[float, float], NDArray[np.float64]] = {}
    predictions: dict[str, NDArray[np.float64]] = {}
    for candidate in space:
        pooling = pooling_of(candidate)
        key = (pooling.family_strength, pooling.vehicle_strength)
        if key not in designs:
            designs[key] = rows.design(pooling)
        X = designs[key]
        pred = np.full(len(rows.y), np.nan)
        for year in fold_years:
            train, test = rows.years < year, rows.years == year
            pred[test] = fit_estimator(X[train], rows.y[train], candidate).predict_proba(X[test])[
                :, 1
            ]
        predictions[candidate.name] = pred

    selection = select_by_log_loss(
        space,
        predictions,
        folds,
        {k: str(year) for k, year in enumerate(fold_years)},
        rows.y,
        criterion=f"log loss on every earlier fold (from {fold_years[0] if fold_years else start})",
        min_events=MIN_EVENTS,
    )
    return selection, predictions


def backtest(rows: LaunchRows, selection: Selection, *, start: int, outcome: Outcome) -> Backtest:
    """The nested predictions from ``start`` beside the baselines, with strata."""
    evaluated = (rows.years >= start) & ~np.isnan(selection.prediction)
    if not evaluated.any():
        raise ValueError(f"no launches from {start} on to backtest")
    y = rows.y[evaluated]
    years = rows.years[evaluated]
    flight = rows.vehicle_flight[evaluated]
    result = Backtest(
        kind="probability",
        scheme=f"rolling origin, refit each 1 January from {start}, predict that year; "
        "hyperparameters chosen inside each fold on the folds before it",
        y=y,
        years=years,
        keys=[k for k, e in zip(rows.keys, evaluated, strict=True) if e],
        strata={"vehicle flight": flight_strata(flight), "decade": decade_strata(years)},
        references=REFERENCES,
        labels=_labels(outcome),
    )
    result.predictions[MODEL] = selection.prediction[evaluated]
    for name, values in rows.baselines.items():
        result.predictions[name] = values[evaluated]
    result.predictions["best_constant_in_hindsight"] = np.full(len(y), float(y.mean()))
    result.extras["vehicle_flight"] = flight
    return result


def _labels(outcome: Outcome) -> dict[str, str]:
    if outcome == "failure":
        return dict(BASELINE_LABELS)
    return {k: v.replace("failure rate", "anomaly rate") for k, v in BASELINE_LABELS.items()}


def simulate(
    rows: LaunchRows,
    candidate: Candidate,
    X: NDArray[np.float64],
    truth: SignConstrainedLogisticRegression,
    *,
    seed: int,
) -> IntervalChoice:
    """Interval coverage of each method when ``truth`` (the fitted model) makes the outcomes."""
    rng = np.random.default_rng(seed)
    recent = np.flatnonzero(rows.years >= BACKTEST_START)
    pool = recent if len(recent) >= SIMULATION_ROWS else np.arange(len(rows.y))
    eval_rows = np.sort(rng.choice(pool, size=min(SIMULATION_ROWS, len(pool)), replace=False))
    return choose_interval_method(
        X,
        truth,
        refit=lambda Xs, ys: fit_estimator(Xs, ys, candidate),
        n_draws=POSTERIOR_DRAWS,
        reps=SIMULATION_REPS,
        eval_rows=eval_rows,
        random_state=seed,
    )


@dataclass(frozen=True)
class OutcomeSpec:
    """What differs between the failure and the anomaly model."""

    name: str
    outcome: Outcome
    predictor: Callable[..., LaunchFailurePredictor]
    summary: str
    notes: Iterable[str]


def train_outcome(spec: OutcomeSpec, tables: Tables, *, random_state: int) -> TrainedModel:
    """Tune and backtest, then fit on everything and package the predictor with its history.

    ``tables``: ``launches`` and the reference tables (GCAT's lists, where launches went and
    T-Minus' vehicle reference), carried in the artifact so that a vehicle or pad before its
    first launch is answered as a maiden flight or a new pad, and the planner knows what each
    vehicle is (its status) and can carry where.
    """
    reference = build_reference(tables)
    rows = build_rows(tables[S.LAUNCHES], reference, outcome=spec.outcome)
    first = int(rows.years.min())
    start = max(BACKTEST_START, first + 1)
    selection, _ = tune(rows, start=min(TUNING_START, start))
    bt = backtest(rows, selection, start=start, outcome=spec.outcome)
    final = selection.final
    pooling = pooling_of(final)
    X = rows.design(pooling)
    est = fit_estimator(X, rows.y, final)
    simulation = simulate(rows, final, X, est, seed=random_state)
    posterior = simulation.served_draws(est, X, random_state=random_state)
    signs = signs_for(str(final.params["pad_sign"]))
    predictor = spec.predictor(
        history=rows.history,
        reference=reference,
        pooling=pooling,
        signs=list(signs),
        posterior=posterior,
    )
    params: dict[str, Any] = {
        "estimator": "SignConstrainedLogisticRegression",
        "outcome": spec.outcome,
        "alpha": est.alpha,
        "feature_signs": dict(zip(FEATURE_NAMES, signs, strict=True)),
        "coefficients": dict(zip(FEATURE_NAMES, (float(c) for c in est.coef_), strict=True)),
        "intercept": est.intercept_,
        "pooling": pooling.to_state(),
        "tuning": selection.describe(),
        "interval": "90% interval of the probability given the data: the 5th-95th "
        f"percentile over {POSTERIOR_DRAWS} draws of the coefficients ({simulation.method}: "
        f"{INTERVAL_METHODS[simulation.method]}), sign constraints enforced, evaluated at the "
        "vehicle's own record as of the date",
        "interval_simulation": simulation.to_dict(),
        "training_rows": len(rows.y),
        "training_events": int(rows.y.sum()),
        "data_cutoff_day": rows.history.last_day,
    }
    return TrainedModel(
        name=spec.name,
        predictor=predictor,
        backtest=bt,
        params=params,
        random_state=random_state,
        summary=spec.summary,
        notes=[
            "Features are read from a history that holds only launches before each launch; "
            "the artifact stores that history as of the data cutoff.",
            "Coefficient signs are constrained so that more or more recent failures of the "
            "vehicle, its family or its provider never lower risk and experience never raises "
            "it; these are the service's promises and are not tuned. Whether the pad term may "
            "say a new pad is safer is tuned with the other hyperparameters.",
            "A family's first 20 flights are development launches: they count for the "
            "vehicle, its family, the new-vehicle prior and the provider's other young "
            "families, never for the operational record a mature vehicle is read against, so "
            "one family's test campaign does not raise the risk of another family's "
            "production vehicle.",
            "Pooled rates shrink towards the trailing 10-year rate of operational launches, "
            "not the all-time rate since 1957.",
            "Orbit and payload mass are accepted but not used: GCAT's launch log has no "
            "per-launch orbit or payload mass for successful launches.",
            *spec.notes,
        ],
    )


FAILURE = OutcomeSpec(
    name="launch_failure",
    outcome="failure",
    predictor=LaunchFailurePredictor,
    summary=(
        "Probability that an orbital or deep-space launch attempt fails (GCAT: second "
        "letter of Launch_Code is F), from the vehicle's, family's and provider's record "
        "as of the launch date."
    ),
    notes=(),
)


def train(tables: Tables, *, random_state: int) -> TrainedModel:
    """Tune, backtest and fit ``launch_failure`` (``tables``: see :func:`train_outcome`)."""
    return train_outcome(FAILURE, tables, random_state=random_state)
