"""Scores of probability and quantile forecasts, by their usual names.

Log loss, Brier score, ROC AUC and pinball loss are the definitions of :mod:`sklearn.metrics`
(``tests/unit/test_estimators.py`` holds them to scikit-learn's to 1e-12), written on plain
arrays: a backtest scores each fold, year and stratum of every tuning candidate, thousands of
small subsets, where scikit-learn's input validation cost more than the sums. This module also
gives the expected calibration error (ECE) with its binning stated, the coverage of a 10-90%
band, and the handling of edge cases a backtest meets (one class only in a stratum).
"""

from __future__ import annotations

from typing import Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import rankdata

EPS: Final = 1e-12
# The ECE's binning, stated wherever an ECE is shown: ten bins of equal width on [0, 1]
# (``ece``) and ten bins holding equal numbers of forecasts (``ece_equal_count``).
ECE_BINS: Final = 10
Binning = Literal["width", "count"]
ECE_BINNING_NOTE: Final = (
    f"ECE is the count-weighted mean |observed rate - mean forecast| over {ECE_BINS} bins: "
    f"`ece` uses {ECE_BINS} bins of equal width on [0, 1], `ece_equal_count` {ECE_BINS} bins "
    "holding equal numbers of forecasts (ties kept together)."
)


def _arrays(y: ArrayLike, p: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    y_arr = np.asarray(y, dtype=float)
    p_arr = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    if y_arr.shape != p_arr.shape:
        raise ValueError(f"outcomes {y_arr.shape} and probabilities {p_arr.shape} differ in shape")
    return y_arr, p_arr


def log_loss(y: ArrayLike, p: ArrayLike) -> float:
    """Mean negative log-likelihood (nats) of binary outcomes ``y`` under probabilities ``p``."""
    return float(np.mean(pointwise_log_loss(y, p)))


def pointwise_log_loss(y: ArrayLike, p: ArrayLike) -> NDArray[np.float64]:
    """Each row's term of :func:`log_loss` (their mean is it), for scoring many subsets fast."""
    y_arr, p_arr = _arrays(y, p)
    out: NDArray[np.float64] = -(y_arr * np.log(p_arr) + (1 - y_arr) * np.log1p(-p_arr))
    return out


def brier(y: ArrayLike, p: ArrayLike) -> float:
    """Mean squared difference between probability and outcome."""
    y_arr, p_arr = _arrays(y, p)
    return float(np.mean((p_arr - y_arr) ** 2))


def auc(y: ArrayLike, p: ArrayLike) -> float | None:
    """Area under the ROC curve; None when only one class is present.

    The Mann-Whitney form: the chance that a random event outranks a random non-event, ties
    counting one half (mid-ranks), which is the trapezoidal area scikit-learn computes.
    """
    y_arr, p_arr = _arrays(y, p)
    positive = y_arr == 1.0
    n_pos = int(positive.sum())
    n_neg = len(y_arr) - n_pos
    if n_pos == 0 or n_neg == 0:
        return None
    ranks = rankdata(p_arr)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def calibration_bins(
    y: ArrayLike, p: ArrayLike, *, n_bins: int = ECE_BINS, binning: Binning = "count"
) -> list[tuple[float, float, int]]:
    """(mean forecast, observed rate, count) per bin of ``p``, empty bins dropped.

    ``binning="width"``: ``n_bins`` bins of equal width on [0, 1]; ``"count"``: bins at the
    quantiles of ``p`` (equal counts, except that tied forecasts share a bin).
    """
    y_arr, p_arr = _arrays(y, p)
    if len(p_arr) == 0:
        return []
    if binning == "width":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    else:
        edges = np.unique(np.quantile(p_arr, np.linspace(0, 1, n_bins + 1)))
    idx = np.clip(np.searchsorted(edges, p_arr, side="right") - 1, 0, max(len(edges) - 2, 0))
    out = []
    for b in range(max(len(edges) - 1, 1)):
        mask = idx == b
        if mask.any():
            out.append((float(p_arr[mask].mean()), float(y_arr[mask].mean()), int(mask.sum())))
    return out


def ece(y: ArrayLike, p: ArrayLike, *, n_bins: int = ECE_BINS, binning: Binning = "width") -> float:
    """Expected calibration error: count-weighted |observed - forecast| over the bins."""
    bins = calibration_bins(y, p, n_bins=n_bins, binning=binning)
    total = sum(n for _, _, n in bins)
    if total == 0:
        return float("nan")
    return float(sum(n * abs(obs - pred) for pred, obs, n in bins) / total)


def probability_scores(y: ArrayLike, p: ArrayLike) -> dict[str, float | None]:
    """``log_loss``, ``brier``, ``auc``, ``ece`` (equal width), ``ece_equal_count``, ``n``."""
    y_arr, _ = _arrays(y, p)
    if len(y_arr) == 0:
        return {"log_loss": None, "brier": None, "auc": None, "ece": None,
                "ece_equal_count": None, "n": 0, "events": 0}  # fmt: skip
    return {
        "log_loss": log_loss(y, p),
        "brier": brier(y, p),
        "auc": auc(y, p),
        "ece": ece(y, p, binning="width"),
        "ece_equal_count": ece(y, p, binning="count"),
        "n": len(y_arr),
        "events": int(y_arr.sum()),
    }


QUANTILES: Final = (0.1, 0.5, 0.9)


def pinball(y: ArrayLike, q_pred: ArrayLike, q: float) -> float:
    """Mean pinball (quantile) loss of predictions ``q_pred`` of the ``q`` quantile."""
    diff = np.asarray(y, dtype=float) - np.asarray(q_pred, dtype=float)
    return float(np.mean(np.maximum(q * diff, (q - 1) * diff)))


def quantile_scores(y: ArrayLike, pred: ArrayLike) -> dict[str, float | None]:
    """Scores of (n, 3) predicted 10/50/90% quantiles (days) against observed outcomes (days).

    ``pinball_loss`` is the mean over the three quantiles; ``coverage_80`` the share of
    outcomes inside [p10, p90]; ``mae_p50`` the median's absolute error. Every outcome must be
    known: see :func:`tminus.training.survival.censored_quantile_scores` for outcomes still
    open at the end of the data.
    """
    y_arr = np.asarray(y, dtype=float)
    pred_arr = np.asarray(pred, dtype=float)
    if pred_arr.shape != (len(y_arr), 3):
        raise ValueError(f"expected predictions of shape ({len(y_arr)}, 3), got {pred_arr.shape}")
    if len(y_arr) == 0:
        return {"pinball_loss": None, "pinball_p10": None, "pinball_p50": None,
                "pinball_p90": None, "coverage_80": None, "mae_p50": None, "n": 0}  # fmt: skip
    losses = [pinball(y_arr, pred_arr[:, i], q) for i, q in enumerate(QUANTILES)]
    inside = (y_arr >= pred_arr[:, 0]) & (y_arr <= pred_arr[:, 2])
    return {
        "pinball_loss": float(np.mean(losses)),
        "pinball_p10": losses[0],
        "pinball_p50": losses[1],
        "pinball_p90": losses[2],
        "coverage_80": float(inside.mean()),
        "mae_p50": float(np.mean(np.abs(y_arr - pred_arr[:, 1]))),
        "n": len(y_arr),
    }
