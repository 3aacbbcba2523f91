"""Logistic models as the service evaluates them: one function for the log-odds, and draws of
the coefficients that give a probability an honest interval.

Training fits :class:`~tminus.training.estimators.SignConstrainedLogisticRegression`; the
service evaluates its weights here, by hand. A test checks both agree to 1e-12.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tminus.predictors.base import StateError, float_list, require


def log_odds(
    x: Iterable[float],
    mean: Iterable[float],
    scale: Iterable[float],
    coef: Iterable[float],
    intercept: float,
) -> float:
    """``intercept + sum(coef * (x - mean) / scale)``: the fitted log-odds of one row."""
    z = float(intercept)
    for xi, m, s, c in zip(x, mean, scale, coef, strict=True):
        z += float(c) * (float(xi) - float(m)) / float(s)
    return z


def sigmoid(z: float) -> float:
    """1 / (1 + exp(-z)), safe for large |z|."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True)
class PosteriorLogistic:
    """A point fit plus draws of its coefficients that say how uncertain they are.

    The probability comes from the point fit; the 90% interval is the 5th to 95th percentile
    of the probability over the draws (from the posterior of a Bayesian fit, or from bootstrap
    refits; ``method`` says which), so it is the uncertainty of the estimated probability
    given the data, and widens where the data were thin.
    """

    mean: NDArray[np.float64]  # (d,)
    scale: NDArray[np.float64]  # (d,)
    coef: NDArray[np.float64]  # (d,)
    intercept: float
    draw_coef: NDArray[np.float64]  # (B, d)
    draw_intercept: NDArray[np.float64]  # (B,)
    method: str

    def point(self, x: list[float]) -> float:
        """The point fit's probability for one feature vector."""
        return sigmoid(log_odds(x, self.mean, self.scale, self.coef, self.intercept))

    def draws(self, x: list[float]) -> NDArray[np.float64]:
        """The probability under every draw, shape (B,)."""
        z = (np.asarray(x, dtype=float) - self.mean) / self.scale
        out: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-(self.draw_intercept + self.draw_coef @ z)))
        return out

    def predict(self, x: list[float]) -> tuple[float, tuple[float, float]]:
        """Probability and 90% interval for one feature vector."""
        p = self.point(x)
        return p, interval_of(self.draws(x), p)

    def to_state(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "draw_coef": self.draw_coef.tolist(),
            "draw_intercept": self.draw_intercept.tolist(),
            "method": self.method,
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any], n_features: int) -> PosteriorLogistic:
        """Rebuild and check shapes."""
        rows = require(state, "draw_coef", list)
        if not rows:
            raise StateError("the coefficient draws are empty")
        draws = np.array([float_list({"row": row}, "row", n_features) for row in rows], dtype=float)
        scale = np.array(float_list(state, "scale", n_features))
        if (scale <= 0).any():
            raise StateError("feature scales must be positive")
        return cls(
            mean=np.array(float_list(state, "mean", n_features)),
            scale=scale,
            coef=np.array(float_list(state, "coef", n_features)),
            intercept=float(require(state, "intercept", (int, float))),
            draw_coef=draws,
            draw_intercept=np.array(float_list(state, "draw_intercept", len(rows))),
            method=str(require(state, "method", str)),
        )


INTERVAL_LEVEL = 0.90
# The two quantiles, as np.percentile(draws, [5, 95]) computes them (percent / 100).
_TAILS = (
    100.0 * (1.0 - INTERVAL_LEVEL) / 2.0 / 100.0,
    (100.0 - 100.0 * (1.0 - INTERVAL_LEVEL) / 2.0) / 100.0,
)


def _quantile_of_sorted(ordered: NDArray[np.float64], q: float) -> float:
    """``np.quantile(ordered, q)`` (method "linear", its arithmetic to the bit) of sorted values.

    ``np.percentile`` costs about 50 µs a call in its generality; a served answer needs two
    quantiles of 200 draws.
    """
    position = q * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    a, b = float(ordered[below]), float(ordered[above])
    t = position - below
    return b - (b - a) * (1.0 - t) if t >= 0.5 else a + (b - a) * t


def interval_of(draws: NDArray[np.float64], p: float) -> tuple[float, float]:
    """The central :data:`INTERVAL_LEVEL` range of ``draws``, widened to hold ``p``."""
    ordered = np.sort(draws)
    low, high = (_quantile_of_sorted(ordered, q) for q in _TAILS)
    return min(low, p), max(high, p)
