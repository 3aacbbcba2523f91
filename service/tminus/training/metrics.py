"""Scores of probability and quantile forecasts, by their usual names."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

EPS = 1e-12


def _arrays(y: ArrayLike, p: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    y_arr = np.asarray(y, dtype=float)
    p_arr = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    if y_arr.shape != p_arr.shape:
        raise ValueError(f"outcomes {y_arr.shape} and probabilities {p_arr.shape} differ in shape")
    return y_arr, p_arr


def log_loss(y: ArrayLike, p: ArrayLike) -> float:
    """Mean negative log-likelihood (nats) of binary outcomes ``y`` under probabilities ``p``."""
    y_arr, p_arr = _arrays(y, p)
    return float(-np.mean(y_arr * np.log(p_arr) + (1 - y_arr) * np.log(1 - p_arr)))


def brier(y: ArrayLike, p: ArrayLike) -> float:
    """Mean squared difference between probability and outcome."""
    y_arr, p_arr = _arrays(y, p)
    return float(np.mean((p_arr - y_arr) ** 2))


def auc(y: ArrayLike, p: ArrayLike) -> float | None:
    """Area under the ROC curve (ties count half); None when only one class is present."""
    y_arr, p_arr = _arrays(y, p)
    pos = p_arr[y_arr == 1]
    neg = p_arr[y_arr == 0]
    if len(pos) == 0 or len(neg) == 0:
        return None
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order), dtype=float)
    values = np.concatenate([pos, neg])[order]
    # average ranks over ties
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    rank_sum = ranks[: len(pos)].sum()
    return float((rank_sum - len(pos) * (len(pos) + 1) / 2.0) / (len(pos) * len(neg)))


def calibration_bins(
    y: ArrayLike, p: ArrayLike, *, n_bins: int = 10
) -> list[tuple[float, float, int]]:
    """(mean predicted, observed rate, count) per quantile bin of ``p`` (empty bins dropped)."""
    y_arr, p_arr = _arrays(y, p)
    if len(p_arr) == 0:
        return []
    edges = np.unique(np.quantile(p_arr, np.linspace(0, 1, n_bins + 1)))
    idx = np.clip(np.searchsorted(edges, p_arr, side="right") - 1, 0, max(len(edges) - 2, 0))
    out = []
    for b in range(max(len(edges) - 1, 1)):
        mask = idx == b
        if mask.any():
            out.append((float(p_arr[mask].mean()), float(y_arr[mask].mean()), int(mask.sum())))
    return out


def ece(y: ArrayLike, p: ArrayLike, *, n_bins: int = 10) -> float:
    """Expected calibration error over quantile bins: count-weighted |observed - predicted|."""
    bins = calibration_bins(y, p, n_bins=n_bins)
    total = sum(n for _, _, n in bins)
    if total == 0:
        return float("nan")
    return float(sum(n * abs(obs - pred) for pred, obs, n in bins) / total)


def probability_scores(y: ArrayLike, p: ArrayLike) -> dict[str, float | None]:
    """``log_loss``, ``brier``, ``auc``, ``ece`` and the sample size ``n``."""
    y_arr, _ = _arrays(y, p)
    return {
        "log_loss": log_loss(y, p),
        "brier": brier(y, p),
        "auc": auc(y, p),
        "ece": ece(y, p),
        "n": len(y_arr),
        "events": int(y_arr.sum()),
    }


QUANTILES = (0.1, 0.5, 0.9)


def pinball(y: ArrayLike, q_pred: ArrayLike, q: float) -> float:
    """Mean pinball (quantile) loss of predictions ``q_pred`` of the ``q`` quantile."""
    y_arr = np.asarray(y, dtype=float)
    diff = y_arr - np.asarray(q_pred, dtype=float)
    return float(np.mean(np.maximum(q * diff, (q - 1) * diff)))


def quantile_scores(y: ArrayLike, pred: ArrayLike) -> dict[str, float | None]:
    """Scores of (n, 3) predicted 10/50/90% quantiles (days) against outcomes ``y`` (days).

    ``pinball_loss`` is the mean over the three quantiles; ``coverage_80`` the share of
    outcomes inside [p10, p90]; ``mae_p50`` the median's absolute error.
    """
    y_arr = np.asarray(y, dtype=float)
    pred_arr = np.asarray(pred, dtype=float)
    if pred_arr.shape != (len(y_arr), 3):
        raise ValueError(f"expected predictions of shape ({len(y_arr)}, 3), got {pred_arr.shape}")
    losses = [pinball(y_arr, pred_arr[:, i], q) for i, q in enumerate(QUANTILES)]
    inside = (y_arr >= pred_arr[:, 0]) & (y_arr <= pred_arr[:, 2])
    return {
        "pinball_loss": float(np.mean(losses)),
        "pinball_p10": losses[0],
        "pinball_p50": losses[1],
        "pinball_p90": losses[2],
        "coverage_80": float(inside.mean()) if len(y_arr) else None,
        "mae_p50": float(np.mean(np.abs(y_arr - pred_arr[:, 1]))) if len(y_arr) else None,
        "n": len(y_arr),
    }
