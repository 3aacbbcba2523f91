"""Logistic models as the service evaluates them: one function for the log-odds, and a
bootstrap ensemble that gives a probability an honest interval.

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
class BootstrapLogistic:
    """A point fit plus refits on bootstrap resamples of the training rows.

    The probability comes from the point fit; the 90% interval is the 5th to 95th percentile
    of the bootstrap fits' probabilities, so it widens where the data were thin.
    """

    mean: NDArray[np.float64]  # (d,)
    scale: NDArray[np.float64]  # (d,)
    coef: NDArray[np.float64]  # (d,)
    intercept: float
    boot_coef: NDArray[np.float64]  # (B, d)
    boot_intercept: NDArray[np.float64]  # (B,)

    def predict(self, x: list[float]) -> tuple[float, tuple[float, float]]:
        """Probability and 90% interval for one feature vector."""
        p = sigmoid(log_odds(x, self.mean, self.scale, self.coef, self.intercept))
        z = (np.asarray(x, dtype=float) - self.mean) / self.scale
        boot = 1.0 / (1.0 + np.exp(-(self.boot_intercept + self.boot_coef @ z)))
        low, high = np.percentile(boot, [5.0, 95.0])
        return p, (min(float(low), p), max(float(high), p))

    def to_state(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "boot_coef": self.boot_coef.tolist(),
            "boot_intercept": self.boot_intercept.tolist(),
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any], n_features: int) -> BootstrapLogistic:
        """Rebuild and check shapes."""
        boot_rows = require(state, "boot_coef", list)
        if not boot_rows:
            raise StateError("bootstrap ensemble is empty")
        boot = np.array(
            [float_list({"row": row}, "row", n_features) for row in boot_rows], dtype=float
        )
        scale = np.array(float_list(state, "scale", n_features))
        if (scale <= 0).any():
            raise StateError("feature scales must be positive")
        return cls(
            mean=np.array(float_list(state, "mean", n_features)),
            scale=scale,
            coef=np.array(float_list(state, "coef", n_features)),
            intercept=float(require(state, "intercept", (int, float))),
            boot_coef=boot,
            boot_intercept=np.array(float_list(state, "boot_intercept", len(boot_rows))),
        )
