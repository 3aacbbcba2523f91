"""Scoring a probability's 90% interval by simulation.

An interval on a probability cannot be checked against outcomes (each launch gives one 0 or 1),
so it is checked where the truth is known: take the fitted model as the true one, draw outcomes
from it on the real covariates, refit exactly as training does, and count how often each row's
90% interval holds the true probability. A calibrated interval holds it about 90% of the time;
the model cards show the share, by true probability, and the test suite checks it lies in
85-95%.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tminus.predictors.logistic import INTERVAL_LEVEL, PosteriorLogistic
from tminus.training.estimators import SignConstrainedLogisticRegression
from tminus.training.posterior import METHODS, coefficient_draws

Refit = Callable[[NDArray[np.float64], NDArray[np.float64]], SignConstrainedLogisticRegression]
Posterior = Callable[
    [SignConstrainedLogisticRegression, NDArray[np.float64], NDArray[np.float64], int],
    PosteriorLogistic,
]
# Bins of the true probability the coverage is shown by.
BINS = 5


@dataclass(frozen=True)
class CoverageSimulation:
    """How often the 90% intervals held the true probability, over ``reps`` simulated data sets.

    ``coverage`` is the share over every (replication, evaluated row) pair; ``per_rep`` the
    share within each replication (rows of one replication share its fitting error, so these
    vary more); ``by_true_probability`` the share within bins of the true probability.
    """

    level: float
    reps: int
    rows: int
    method: str
    coverage: float
    per_rep: list[float]
    by_true_probability: list[dict[str, float]]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON for the metadata."""
        return {
            "level": self.level,
            "reps": self.reps,
            "rows_per_rep": self.rows,
            "method": self.method,
            "coverage": self.coverage,
            "per_rep": self.per_rep,
            "by_true_probability": self.by_true_probability,
        }


def _sigmoid(z: NDArray[np.float64]) -> NDArray[np.float64]:
    out: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-z))
    return out


def intervals_at(
    post: PosteriorLogistic, X: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Each row's 90% interval, as the predictors compute it (vectorised over rows)."""
    Z = (X - post.mean) / post.scale
    point = _sigmoid(post.intercept + Z @ post.coef)
    draws = _sigmoid(post.draw_intercept[:, None] + post.draw_coef @ Z.T)
    tail = 100.0 * (1.0 - INTERVAL_LEVEL) / 2.0
    low, high = np.percentile(draws, [tail, 100.0 - tail], axis=0)
    return np.minimum(low, point), np.maximum(high, point)


def simulate_interval_coverage(
    X: NDArray[np.float64],
    truth: SignConstrainedLogisticRegression,
    *,
    refit: Refit,
    posterior: Posterior,
    reps: int,
    eval_rows: NDArray[np.int64],
    random_state: int,
) -> CoverageSimulation:
    """Draw outcomes from ``truth`` on ``X`` ``reps`` times, refit, and score the intervals.

    ``refit`` fits the point model as training does, ``posterior`` gives its coefficient draws;
    coverage is counted on ``eval_rows``.
    """
    rng = np.random.default_rng(random_state)
    p_true = truth.predict_proba(X)[:, 1]
    target = p_true[eval_rows]
    covered_all: list[NDArray[np.bool_]] = []
    per_rep: list[float] = []
    method = ""
    for _ in range(reps):
        y = (rng.random(len(p_true)) < p_true).astype(float)
        if len(np.unique(y)) < 2:
            continue
        est = refit(X, y)
        post = posterior(est, X, y, int(rng.integers(2**31)))
        method = post.method
        low, high = intervals_at(post, X[eval_rows])
        covered = (low <= target) & (target <= high)
        covered_all.append(covered)
        per_rep.append(float(covered.mean()))
    if not covered_all:
        raise ValueError("every simulated data set held one class only")
    hits = np.concatenate(covered_all)
    truths = np.tile(target, len(covered_all))
    edges = np.unique(np.quantile(target, np.linspace(0, 1, BINS + 1)))
    idx = np.clip(np.searchsorted(edges, truths, side="right") - 1, 0, max(len(edges) - 2, 0))
    by_bin = []
    for b in range(max(len(edges) - 1, 1)):
        mask = idx == b
        if mask.any():
            by_bin.append(
                {
                    "low": float(truths[mask].min()),
                    "high": float(truths[mask].max()),
                    "coverage": float(hits[mask].mean()),
                    "n": int(mask.sum()),
                }
            )
    return CoverageSimulation(
        level=INTERVAL_LEVEL,
        reps=len(covered_all),
        rows=len(eval_rows),
        method=method,
        coverage=float(hits.mean()),
        per_rep=per_rep,
        by_true_probability=by_bin,
    )


@dataclass(frozen=True)
class IntervalChoice:
    """The interval method served, and the simulation of every method tried."""

    method: str
    simulations: dict[str, CoverageSimulation]
    n_draws: int = 200

    def served_draws(
        self, est: SignConstrainedLogisticRegression, X: NDArray[np.float64], *, random_state: int
    ) -> PosteriorLogistic:
        """The coefficient draws a served answer's interval is read from, by this method."""
        return coefficient_draws(
            est, X, method=self.method, n_draws=self.n_draws, random_state=random_state
        )

    @property
    def served(self) -> CoverageSimulation:
        """The simulation of the method served."""
        return self.simulations[self.method]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON for the metadata."""
        return {
            "method": self.method,
            "coverage": self.served.coverage,
            "simulations": {name: sim.to_dict() for name, sim in self.simulations.items()},
        }


def choose_interval_method(
    X: NDArray[np.float64],
    truth: SignConstrainedLogisticRegression,
    *,
    refit: Refit,
    n_draws: int,
    reps: int,
    methods: tuple[str, ...] = METHODS,
    eval_rows: NDArray[np.int64] | None = None,
    random_state: int,
) -> IntervalChoice:
    """Simulate each method's coverage; serve the one nearest the nominal 90%.

    Each method draws ``n_draws`` coefficient vectors (:func:`coefficient_draws`). Every method
    sees the same simulated data sets (same seed), so they are compared like for like.
    Coverage is counted on ``eval_rows`` (default: every row of ``X``).
    """
    rows = np.arange(len(X)) if eval_rows is None else eval_rows

    def posterior_of(method: str) -> Posterior:
        def posterior(
            est: SignConstrainedLogisticRegression,
            Xs: NDArray[np.float64],
            _ys: NDArray[np.float64],
            seed: int,
        ) -> PosteriorLogistic:
            return coefficient_draws(est, Xs, method=method, n_draws=n_draws, random_state=seed)

        return posterior

    simulations = {
        method: simulate_interval_coverage(
            X,
            truth,
            refit=refit,
            posterior=posterior_of(method),
            reps=reps,
            eval_rows=rows,
            random_state=random_state,
        )
        for method in methods
    }
    best = min(methods, key=lambda m: abs(simulations[m].coverage - INTERVAL_LEVEL))
    return IntervalChoice(method=best, simulations=simulations, n_draws=n_draws)
