"""Train and backtest the timing models: ``pad_turnaround`` and ``return_to_flight``.

Both predict log(1 + days) at the 10/50/90% quantiles with linear quantile regressions. Rows
are built by walking the launches in time order, reading features before recording each
launch. A row's outcome (the next launch) is only known once that launch happened, so at each
yearly cut a training row is used only if its outcome was known before the cut: the backtest
never learns from the future, at the price of under-weighting long gaps that were still open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from tminus.features.cadence import pad_features, rtf_features
from tminus.features.history import LaunchHistory, pad_key
from tminus.features.timebase import to_day
from tminus.predictors.timing import (
    PadTurnaroundPredictor,
    QuantileWeights,
    ReturnToFlightPredictor,
)
from tminus.training.backtest import MODEL, Backtest, yearly_cuts
from tminus.training.estimators import LinearQuantileRegression
from tminus.training.frames import build_history, walk_launches
from tminus.training.launch_failure import risk_launches
from tminus.training.metrics import QUANTILES
from tminus.training.reference import build_reference
from tminus.training.result import TrainedModel

BACKTEST_START = 2000
COVERAGE_BAND = (0.75, 0.85)
# Baselines look at this many of the most recent gaps (pad) or events (population).
TRAILING = 10


@dataclass
class TimingRows:
    """Rows with features read before the event, the outcome and when it became known."""

    X: NDArray[np.float64]
    days: NDArray[np.float64]  # outcome in days; NaN when not yet observed by the data end
    event_day: NDArray[np.float64]
    known_day: NDArray[np.float64]  # when the outcome was observed (NaN if never)
    years: NDArray[np.int64]
    group: list[str]  # pad key or family: whose trailing gaps the baselines use
    history: LaunchHistory


@dataclass
class _Rows:
    """Rows as they are built: an outcome stays NaN until the event that ends it is seen."""

    X: list[list[float]] = field(default_factory=list)
    event_day: list[float] = field(default_factory=list)
    group: list[str] = field(default_factory=list)
    outcome: list[float] = field(default_factory=list)
    known: list[float] = field(default_factory=list)

    def open(self, x: list[float], day: float, group: str) -> int:
        """Start a row at ``day``; returns its index."""
        self.X.append(x)
        self.event_day.append(day)
        self.group.append(group)
        self.outcome.append(np.nan)
        self.known.append(np.nan)
        return len(self.X) - 1

    def close(self, row: int, day: float) -> None:
        """The row's outcome happened on ``day``."""
        self.outcome[row] = day - self.event_day[row]
        self.known[row] = day

    def finish(self, history: LaunchHistory) -> TimingRows:
        """Arrays for fitting and backtesting."""
        event_day = np.array(self.event_day, dtype=float)
        years = pd.to_datetime(event_day * 86_400.0, unit="s").year.to_numpy(np.int64)
        return TimingRows(
            X=np.array(self.X, dtype=float),
            days=np.array(self.outcome, dtype=float),
            event_day=event_day,
            known_day=np.array(self.known, dtype=float),
            years=years,
            group=self.group,
            history=history,
        )


def build_pad_rows(launches: pd.DataFrame) -> TimingRows:
    """One row per launch from a known pad: days until that pad's next launch.

    Features are read from the history as of the launch's moment (earlier launches only).
    """
    walked = list(walk_launches(risk_launches(launches)))
    history = build_history(walked)
    rows = _Rows()
    last_row_of_pad: dict[str, int] = {}
    for launch in walked:
        if launch.site is not None and launch.pad is not None:
            key = pad_key(launch.site, launch.pad)
            x, _ = pad_features(
                history.at(launch.day), site=launch.site, pad=launch.pad, family=launch.family
            )
            previous = last_row_of_pad.get(key)
            if previous is not None:
                rows.close(previous, launch.day)
            last_row_of_pad[key] = rows.open(x, launch.day, key)
    return rows.finish(history)


def build_rtf_rows(launches: pd.DataFrame) -> TimingRows:
    """One row per failure: days until the failed vehicle's family flies again."""
    walked = list(walk_launches(risk_launches(launches)))
    history = build_history(walked)
    rows = _Rows()
    open_rows: dict[str, list[int]] = {}
    for launch in walked:
        # this launch is the family's next flight after any open failure rows
        for row in open_rows.pop(launch.family, []):
            rows.close(row, launch.day)
        if launch.failed:
            x, _ = rtf_features(
                history.at(launch.day), vehicle=launch.vehicle, family=launch.family
            )
            open_rows.setdefault(launch.family, []).append(rows.open(x, launch.day, launch.family))
    return rows.finish(history)


def fit_weights(X: NDArray[np.float64], days: NDArray[np.float64]) -> QuantileWeights:
    """Three linear quantile regressions on log(1 + days)."""
    target = np.log1p(days)
    fits = [LinearQuantileRegression(quantile=q, alpha=1e-3).fit(X, target) for q in QUANTILES]
    return QuantileWeights(
        mean=[float(m) for m in fits[0].mean_],
        scale=[float(s) for s in fits[0].scale_],
        coef=[[float(c) for c in f.coef_] for f in fits],
        intercept=[f.intercept_ for f in fits],
    )


def _predict_rows(weights: QuantileWeights, X: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.array([weights.predict(list(x)) for x in X], dtype=float)


def _trailing_baselines(
    rows: TimingRows, test: NDArray[np.bool_]
) -> dict[str, NDArray[np.float64]]:
    """Trailing median and empirical quantiles of the group's (else everyone's) known gaps.

    Only gaps whose end was observed before the event being predicted are used: the group's
    last :data:`TRAILING` when it has at least three, otherwise everyone's last ten times that.
    """
    observed = np.flatnonzero(~np.isnan(rows.days))
    order = observed[np.argsort(rows.known_day[observed], kind="mergesort")]
    all_known = rows.known_day[order]
    by_group: dict[str, list[int]] = {}
    for j in order:
        by_group.setdefault(rows.group[j], []).append(int(j))
    group_known = {g: rows.known_day[idx] for g, idx in by_group.items()}
    median = np.zeros((int(test.sum()), 3))
    empirical = np.zeros((int(test.sum()), 3))
    for k, i in enumerate(np.flatnonzero(test)):
        day = rows.event_day[i]
        idx = by_group.get(rows.group[i], [])
        n_mine = int(np.searchsorted(group_known[rows.group[i]], day)) if idx else 0
        if n_mine >= 3:
            gaps = rows.days[idx[max(n_mine - TRAILING, 0) : n_mine]]
        else:
            n_all = int(np.searchsorted(all_known, day))
            pool = order[max(n_all - 10 * TRAILING, 0) : n_all]
            gaps = rows.days[pool] if len(pool) else np.array([30.0])
        median[k] = np.median(gaps)
        empirical[k] = np.quantile(gaps, QUANTILES)
    return {"trailing_median": median, "empirical_quantiles": empirical}


def backtest(rows: TimingRows, *, start: int, scheme_note: str) -> Backtest:
    """Yearly refits from ``start`` on rows whose outcome was known before the cut."""
    observed = ~np.isnan(rows.days)
    preds: dict[str, list[NDArray[np.float64]]] = {MODEL: []}
    ys: list[NDArray[np.float64]] = []
    years: list[NDArray[np.int64]] = []
    for year, _, in_year in yearly_cuts(rows.years, start):
        cut_day = to_day(datetime(year, 1, 1, tzinfo=UTC))
        train = observed & (rows.known_day < cut_day)
        test = in_year & observed
        if not test.any() or train.sum() < 30:
            continue
        weights = fit_weights(rows.X[train], rows.days[train])
        preds[MODEL].append(_predict_rows(weights, rows.X[test]))
        for name, values in _trailing_baselines(rows, test).items():
            preds.setdefault(name, []).append(values)
        ys.append(rows.days[test])
        years.append(rows.years[test])
    result = Backtest(
        kind="quantiles",
        scheme=f"rolling origin, refit each 1 January from {start} on outcomes known by then, "
        f"predict that year's events; {scheme_note}",
        y=np.concatenate(ys),
        years=np.concatenate(years),
    )
    for name, parts in preds.items():
        result.predictions[name] = np.concatenate(parts)
    return result


def _params(
    weights: QuantileWeights, names: tuple[str, ...], rows: TimingRows
) -> dict[str, object]:
    observed = ~np.isnan(rows.days)
    return {
        "estimator": "LinearQuantileRegression on log(1 + days), one per quantile",
        "quantiles": list(QUANTILES),
        "coefficients": {
            f"p{int(q * 100)}": dict(zip(names, c, strict=True))
            for q, c in zip(QUANTILES, weights.coef, strict=True)
        },
        "coverage_band": list(COVERAGE_BAND),
        "training_rows": int(observed.sum()),
        "open_rows_excluded": int((~observed).sum()),
    }


def _fit(
    cls: type[PadTurnaroundPredictor] | type[ReturnToFlightPredictor],
    rows: TimingRows,
    launches: pd.DataFrame,
    variants: pd.DataFrame,
    pads: pd.DataFrame,
    *,
    orbits: pd.DataFrame | None,
    scheme_note: str,
) -> tuple[Backtest, PadTurnaroundPredictor | ReturnToFlightPredictor, dict[str, object]]:
    """Backtest, then fit on every observed row and package the predictor with its history."""
    bt = backtest(rows, start=BACKTEST_START, scheme_note=scheme_note)
    observed = ~np.isnan(rows.days)
    weights = fit_weights(rows.X[observed], rows.days[observed])
    predictor = cls(
        history=rows.history,
        reference=build_reference(variants, pads, orbits),
        weights=weights,
    )
    return bt, predictor, _params(weights, cls.features, rows)


def train_pad_turnaround(
    launches: pd.DataFrame,
    variants: pd.DataFrame,
    pads: pd.DataFrame,
    orbits: pd.DataFrame | None = None,
    *,
    random_state: int,
) -> TrainedModel:
    """Backtest and fit ``pad_turnaround`` (the reference lists name pads not yet used)."""
    bt, predictor, params = _fit(
        PadTurnaroundPredictor,
        build_pad_rows(launches),
        launches,
        variants,
        pads,
        orbits=orbits,
        scheme_note="launches whose pad had not launched again by the data end are left out",
    )
    return TrainedModel(
        name="pad_turnaround",
        predictor=predictor,
        backtest=bt,
        params=params,
        random_state=random_state,
        summary="Days from a launch to the next launch from the same pad, as 10/50/90% "
        "quantiles, from the pad's recent gaps and the vehicle family's and world's cadence.",
        notes=[
            "Quantiles come from three linear quantile regressions on log(1 + days); they are "
            "sorted so they never cross.",
            "The 10-90% interval is meant to hold about 80% of outcomes; the backtest checks "
            f"that it holds between {COVERAGE_BAND[0]:.0%} and {COVERAGE_BAND[1]:.0%}.",
            "A pad's last launch before the data cutoff has no outcome yet and is not used; "
            "long gaps are therefore slightly under-represented in the most recent years.",
            "A pad GCAT lists that has not launched yet is answered as a new pad (flagged "
            "new_pad), from the first launches of other pads; a pad no table knows is refused.",
        ],
        primary_metrics=("pinball_loss",),
    )


def train_return_to_flight(
    launches: pd.DataFrame,
    variants: pd.DataFrame,
    pads: pd.DataFrame,
    orbits: pd.DataFrame | None = None,
    *,
    random_state: int,
) -> TrainedModel:
    """Backtest and fit ``return_to_flight`` (the reference lists name vehicles not yet flown)."""
    bt, predictor, params = _fit(
        ReturnToFlightPredictor,
        build_rtf_rows(launches),
        launches,
        variants,
        pads,
        orbits=orbits,
        scheme_note="failures whose family had not flown again by the data end are left out",
    )
    params.pop("coverage_band")
    return TrainedModel(
        name="return_to_flight",
        predictor=predictor,
        backtest=bt,
        params=params,
        random_state=random_state,
        summary="Days from a launch failure to the next launch of the same vehicle family, "
        "as 10/50/90% quantiles.",
        notes=[
            "Few events: about 480 failures since 1957, about 120 since 2000; read the "
            "quantiles as wide, honest ranges rather than promises.",
            "A family that never flew again (retired after a failure) is not in the training "
            "rows: the model answers 'if it flies again, when'.",
        ],
        primary_metrics=("pinball_loss",),
    )
