"""Logistic models as the service evaluates them: one function for the log-odds, and draws of
the coefficients that give a probability an honest interval.

Training fits :class:`~tminus.training.estimators.SignConstrainedLogisticRegression`; the
service evaluates its weights here, by hand. A test checks both agree to 1e-12.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
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
        # log_odds() over Python floats: the same operations in the same order, without a
        # float() per term (the weights are Python floats already, and so are the features).
        z = float(self.intercept)
        for xi, m, s, c in zip(x, *self._weights, strict=True):
            z += c * (xi - m) / s
        return sigmoid(z)

    @cached_property
    def _weights(self) -> tuple[list[float], list[float], list[float]]:
        """The point fit as Python floats: one row in plain arithmetic, without NumPy's
        per-element overhead (the same numbers, so the same result)."""
        return self.mean.tolist(), self.scale.tolist(), self.coef.tolist()

    def draws(self, x: list[float]) -> NDArray[np.float64]:
        """The probability under every draw, shape (B,)."""
        z = (np.asarray(x, dtype=float) - self.mean) / self.scale
        out: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-(self.draw_intercept + self.draw_coef @ z)))
        return out

    def predict(self, x: list[float]) -> tuple[float, tuple[float, float]]:
        """Probability and 90% interval for one feature vector.

        The interval is :func:`interval_of` the draws, read from the sorted log-odds (the
        logistic function keeps their order), so only the few order statistics are transformed.
        """
        p = self.point(x)
        # draws()'s arithmetic, in place: the same numbers, fewer arrays made.
        z = np.array(x, dtype=float)
        z -= self.mean
        z /= self.scale
        ordered = self.draw_coef @ z
        ordered += self.draw_intercept
        ordered.sort()
        (below, above, t), (below_, above_, t_) = _tail_positions(len(ordered))
        a, b, a_, b_ = _logistic(ordered.take((below, above, below_, above_))).tolist()
        return p, (min(_between(a, b, t), p), max(_between(a_, b_, t_), p))

    # ---- many rows at once: X is (rows, features) --------------------------------------
    def points(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        """:meth:`point` of every row, equal to it to the bit (same operations, same order)."""
        z = np.full(len(X), float(self.intercept))
        for i in range(X.shape[1]):
            z = z + float(self.coef[i]) * (X[:, i] - float(self.mean[i])) / float(self.scale[i])
        return np.fromiter(map(sigmoid, z.tolist()), dtype=np.float64, count=len(z))

    def draw_log_odds(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        """The log-odds of every row under every draw, shape (rows, B): one matrix product."""
        out: NDArray[np.float64] = (X - self.mean) / self.scale @ self.draw_coef.T
        out += self.draw_intercept
        return out

    def intervals(
        self, X: NDArray[np.float64], p: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """:func:`interval_of` each row's draws and probability ``p``: (low, high).

        The draws' percentiles are read from the sorted log-odds (the logistic function keeps
        their order), so only the few order statistics are transformed. Equal to the one-row
        path to 1e-12: the matrix product sums each row in another order than a row alone.
        """
        ordered = self.draw_log_odds(X)
        ordered.sort(axis=1)
        return _tails(ordered, p, _logistic)

    def draw_matrix(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        """:meth:`draws` of every row, shape (rows, B)."""
        return _logistic(self.draw_log_odds(X))

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
    below, above, t = _position(q, len(ordered))
    return _between(float(ordered[below]), float(ordered[above]), t)


def _position(q: float, n: int) -> tuple[int, int, float]:
    """Where quantile ``q`` of ``n`` sorted values lies: the two neighbours and the fraction."""
    position = q * (n - 1)
    below = int(position)
    return below, min(below + 1, n - 1), position - below


@functools.cache
def _tail_positions(n: int) -> tuple[tuple[int, int, float], ...]:
    return tuple(_position(q, n) for q in _TAILS)


def _between(a: float, b: float, t: float) -> float:
    """NumPy's linear interpolation from ``a`` to ``b`` at ``t`` (its arithmetic, to the bit)."""
    return b - (b - a) * (1.0 - t) if t >= 0.5 else a + (b - a) * t


def interval_of(draws: NDArray[np.float64], p: float) -> tuple[float, float]:
    """The central :data:`INTERVAL_LEVEL` range of ``draws``, widened to hold ``p``."""
    ordered = np.sort(draws)
    low, high = (_quantile_of_sorted(ordered, q) for q in _TAILS)
    return min(low, p), max(high, p)


def _logistic(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """:meth:`PosteriorLogistic.draws`' transform of log-odds to probabilities."""
    out: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-z))
    return out


def intervals_of(
    draws: NDArray[np.float64], p: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """:func:`interval_of` of every row of ``draws`` (rows, B) and of ``p``: (low, high)."""
    return _tails(np.sort(draws, axis=1), p, lambda values: values)


def _tails(
    ordered: NDArray[np.float64],
    p: NDArray[np.float64],
    transform: Callable[[NDArray[np.float64]], NDArray[np.float64]],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """:func:`_quantile_of_sorted` of each row of ``ordered`` (sorted along rows) at the two
    tails, the values read through the increasing ``transform``, widened to hold ``p``."""
    tails = []
    for below, above, t in _tail_positions(ordered.shape[1]):
        a, b = transform(ordered[:, below]), transform(ordered[:, above])
        tails.append(b - (b - a) * (1.0 - t) if t >= 0.5 else a + (b - a) * t)
    return np.minimum(tails[0], p), np.maximum(tails[1], p)
