"""Durations that may still be open at the end of the data, counted honestly.

A pad that has not launched again by the data end has an open gap: its outcome is only known
to exceed the time elapsed so far. Dropping such rows flatters a 10-90% band (the long gaps are
the ones still open), so coverage is estimated as survival analysis does. Each row's outcome is
placed on the band's own scale (0.1 at its p10, 0.9 at its p90, linear in log(1 + days)); an
open row is right-censored there. The Kaplan-Meier estimate of that position's distribution
gives P(p10 <= T <= p90): an open gap already past p90 counts as a miss above, and one still
below p90 shares its weight among the later outcomes, as Kaplan-Meier does.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tminus.predictors.timing import MAX_DAYS
from tminus.training.metrics import QUANTILES, pinball

# Where p10 and p90 sit on the band scale.
LOW: Final = 0.1
HIGH: Final = 0.9


def kaplan_meier(
    times: ArrayLike, observed: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Sorted times and the Kaplan-Meier survival just after each.

    ``observed`` is False for a right-censored time (the event is known to come later). At
    tied times events come before censorings, as usual.
    """
    t = np.asarray(times, dtype=float)
    e = np.asarray(observed, dtype=bool)
    if t.shape != e.shape:
        raise ValueError(f"times {t.shape} and observed {e.shape} differ in shape")
    order = np.lexsort(((~e).astype(int), t))
    t, e = t[order], e[order]
    at_risk = len(t) - np.arange(len(t), dtype=float)
    factors: NDArray[np.float64] = np.where(e, 1.0 - 1.0 / at_risk, np.ones_like(at_risk))
    survival = np.cumprod(factors, dtype=np.float64)
    return t, survival


def survival_at(
    curve: tuple[NDArray[np.float64], NDArray[np.float64]], x: float, *, inclusive: bool = False
) -> float:
    """P(T > x) from :func:`kaplan_meier` output; P(T >= x) with ``inclusive``."""
    t, survival = curve
    idx = int(np.searchsorted(t, x, side="left" if inclusive else "right"))
    return 1.0 if idx == 0 else float(survival[idx - 1])


def band_position(days: ArrayLike, pred: ArrayLike) -> NDArray[np.float64]:
    """Each outcome on its band's scale: 0.1 at p10, 0.9 at p90, linear in log(1 + days)."""
    t = np.log1p(np.maximum(np.asarray(days, dtype=float), 0.0))
    q = np.log1p(np.maximum(np.asarray(pred, dtype=float), 0.0))
    width = q[:, 2] - q[:, 0]
    safe = np.where(width > 0, width, 1.0)
    scaled = LOW + (HIGH - LOW) * (t - q[:, 0]) / safe
    # A band of zero width: below it, on it, or above it.
    degenerate = np.where(t < q[:, 0], LOW - 1.0, np.where(t > q[:, 2], HIGH + 1.0, 0.5))
    out: NDArray[np.float64] = np.where(width > 0, scaled, degenerate)
    return out


def band_coverage(days: ArrayLike, is_open: ArrayLike, pred: ArrayLike) -> float | None:
    """Kaplan-Meier estimate of P(p10 <= T <= p90), open rows right-censored at their elapsed
    time; None without rows."""
    position = band_position(days, pred)
    if len(position) == 0:
        return None
    curve = kaplan_meier(position, ~np.asarray(is_open, dtype=bool))
    return survival_at(curve, LOW, inclusive=True) - survival_at(curve, HIGH)


def censored_quantile_scores(
    days: ArrayLike, is_open: ArrayLike, pred: ArrayLike
) -> dict[str, float | None]:
    """Scores of (n, 3) predicted 10/50/90% quantiles against outcomes that may be open.

    ``coverage_80`` is the honest coverage of the 10-90% band (:func:`band_coverage`);
    ``coverage_80_closed`` the share inside the band among closed rows only (what dropping the
    open rows would report). ``pinball_loss`` (mean over the three quantiles, days) and
    ``mae_p50`` are over closed rows, the only ones with a known outcome; ``open_past_p90`` is
    the share of rows still open and already longer than their p90 (misses above, whatever
    happens next).
    """
    y = np.asarray(days, dtype=float)
    opened = np.asarray(is_open, dtype=bool)
    p = np.asarray(pred, dtype=float)
    if p.shape != (len(y), 3):
        raise ValueError(f"expected predictions of shape ({len(y)}, 3), got {p.shape}")
    closed = ~opened
    out: dict[str, float | None] = {
        "pinball_loss": None,
        "pinball_p10": None,
        "pinball_p50": None,
        "pinball_p90": None,
        "coverage_80": band_coverage(y, opened, p),
        "coverage_80_closed": None,
        "mae_p50": None,
        "open_past_p90": float((opened & (y > p[:, 2])).mean()) if len(y) else None,
        "n": len(y),
        "n_open": int(opened.sum()),
    }
    if closed.any():
        yc, pc = y[closed], p[closed]
        losses = [pinball(yc, pc[:, i], q) for i, q in enumerate(QUANTILES)]
        out.update(
            pinball_loss=float(np.mean(losses)),
            pinball_p10=losses[0],
            pinball_p50=losses[1],
            pinball_p90=losses[2],
            coverage_80_closed=float(((yc >= pc[:, 0]) & (yc <= pc[:, 2])).mean()),
            mae_p50=float(np.mean(np.abs(yc - pc[:, 1]))),
        )
    return out


def widen(pred: ArrayLike, scale: float) -> NDArray[np.float64]:
    """Quantiles with the band scaled by ``scale`` about the median, in log(1 + days).

    The served predictors' :func:`tminus.predictors.timing.widen_band`, over many rows.
    """
    q = np.log1p(np.maximum(np.asarray(pred, dtype=float), 0.0))
    mid = q[:, 1]
    low = mid - scale * (mid - q[:, 0])
    high = mid + scale * (q[:, 2] - mid)
    out: NDArray[np.float64] = np.clip(np.expm1(np.column_stack([low, mid, high])), 0.0, MAX_DAYS)
    return out


# The band scales recalibration may choose from.
MIN_SCALE: Final = 0.25
MAX_SCALE: Final = 4.0


def fit_band_scale(
    days: ArrayLike, is_open: ArrayLike, pred: ArrayLike, *, target: float = HIGH - LOW
) -> float:
    """The scale of :func:`widen` whose honest coverage on these rows is ``target``.

    Coverage grows with the scale, so a bisection finds it; it is clipped to
    [:data:`MIN_SCALE`, :data:`MAX_SCALE`]. Used on past folds only (see
    :mod:`tminus.training.timing`), so a fold's band is set before its outcomes are seen.
    """
    y = np.asarray(days, dtype=float)
    opened = np.asarray(is_open, dtype=bool)
    p = np.asarray(pred, dtype=float)
    if len(y) == 0:
        return 1.0

    def coverage(scale: float) -> float:
        value = band_coverage(y, opened, widen(p, scale))
        return 0.0 if value is None else value

    low, high = MIN_SCALE, MAX_SCALE
    if coverage(low) >= target:
        return low
    if coverage(high) <= target:
        return high
    for _ in range(30):
        mid = 0.5 * (low + high)
        if coverage(mid) < target:
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)
