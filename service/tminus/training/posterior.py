"""The uncertainty of a fitted logistic model's coefficients, as draws the service evaluates.

Both ways are Gaussian approximations around the fit, packed as
:class:`~tminus.predictors.logistic.PosteriorLogistic`, each draw projected onto the sign
constraints:

- ``posterior``: the L2 penalty of
  :class:`~tminus.training.estimators.SignConstrainedLogisticRegression` is a Gaussian prior on
  the standardised coefficients, so the fit is the mode of a Bayesian logistic regression; its
  posterior is approximated at that mode (Laplace), covariance H^-1 (H: the data's Fisher
  information J plus the penalty).
- ``sandwich``: the sampling distribution of the penalised estimate, covariance
  H^-1 J H^-1: the spread bootstrap refits would show, without refitting.

They agree when the data dominate the penalty (``launch_failure``) and part where the penalty
is strong against few events: the posterior is then wider (it keeps the prior's uncertainty),
the sandwich narrower (it ignores the penalty's bias). Training simulates both
(:mod:`tminus.training.simulation`) and serves the one whose 90% intervals held the true
probability nearest 90% of the time; the card shows both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import numpy as np
from numpy.typing import NDArray

from tminus.predictors.logistic import PosteriorLogistic
from tminus.training.estimators import SignConstrainedLogisticRegression

Fit = Callable[[NDArray[np.float64], NDArray[np.float64]], SignConstrainedLogisticRegression]
POSTERIOR = "posterior"
SANDWICH = "sandwich"
BOOTSTRAP = "bootstrap"


def _project(coef: NDArray[np.float64], signs: tuple[int, ...] | None) -> NDArray[np.float64]:
    """Draws moved onto the sign constraints (a coefficient past its bound sits at 0)."""
    if signs is None:
        return coef
    s = np.asarray(signs)
    out: NDArray[np.float64] = np.where(
        (s > 0) & (coef < 0), 0.0, np.where((s < 0) & (coef > 0), 0.0, coef)
    )
    return out


METHODS: Final = (POSTERIOR, SANDWICH)


def coefficient_draws(
    est: SignConstrainedLogisticRegression,
    X: NDArray[np.float64],
    *,
    method: str,
    n_draws: int,
    random_state: int,
) -> PosteriorLogistic:
    """Draws of the coefficients around the fit ``est`` (``method``: posterior or sandwich)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    Z = (np.asarray(X, dtype=float) - est.mean_) / est.scale_
    z = est.intercept_ + Z @ est.coef_
    p = 1.0 / (1.0 + np.exp(-z))
    w = p * (1.0 - p)
    design = np.column_stack([np.ones(len(Z)), Z])
    information = design.T @ (design * w[:, None])
    hessian = information.copy()
    hessian[1:, 1:] += est.alpha * np.eye(Z.shape[1])
    # A tiny ridge keeps the intercept's curvature positive when every p is near 0 or 1.
    inverse = np.linalg.inv(hessian + 1e-9 * np.eye(len(hessian)))
    covariance = inverse if method == POSTERIOR else inverse @ information @ inverse
    covariance = 0.5 * (covariance + covariance.T) + 1e-12 * np.eye(len(hessian))
    rng = np.random.default_rng(random_state)
    theta = np.concatenate([[est.intercept_], est.coef_])
    draws = rng.multivariate_normal(theta, covariance, size=n_draws, method="cholesky")
    signs = None if est.signs is None else tuple(int(s) for s in est.signs)
    return PosteriorLogistic(
        mean=np.asarray(est.mean_, dtype=float),
        scale=np.asarray(est.scale_, dtype=float),
        coef=np.asarray(est.coef_, dtype=float),
        intercept=float(est.intercept_),
        draw_coef=_project(draws[:, 1:], signs),
        draw_intercept=draws[:, 0],
        method=method,
    )


def bootstrap_posterior(
    X: NDArray[np.float64],
    y: NDArray[np.float64],
    *,
    fit: Fit,
    n_boot: int,
    random_state: int,
) -> PosteriorLogistic:
    """Point fit on all rows plus ``n_boot`` refits on bootstrap resamples.

    Each refit is re-expressed on the point fit's standardisation, so the service standardises
    a query once and evaluates every draw with one matrix product. Resamples holding one
    class only are skipped.
    """
    point = fit(X, y)
    rng = np.random.default_rng(random_state)
    coefs, intercepts = [], []
    for _ in range(n_boot):
        idx = rng.integers(0, len(y), len(y))
        if len(np.unique(y[idx])) < 2:
            continue
        est = fit(X[idx], y[idx])
        coefs.append(est.coef_ / est.scale_ * point.scale_)
        intercepts.append(
            est.intercept_ + float(((point.mean_ - est.mean_) / est.scale_) @ est.coef_)
        )
    return PosteriorLogistic(
        mean=point.mean_,
        scale=point.scale_,
        coef=point.coef_,
        intercept=point.intercept_,
        draw_coef=np.array(coefs),
        draw_intercept=np.array(intercepts),
        method=BOOTSTRAP,
    )
