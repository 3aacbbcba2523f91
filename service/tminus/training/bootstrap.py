"""A logistic fit with a bootstrap ensemble, packed as the predictors' BootstrapLogistic."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from tminus.predictors.logistic import BootstrapLogistic
from tminus.training.estimators import SignConstrainedLogisticRegression

Fit = Callable[[NDArray[np.float64], NDArray[np.float64]], SignConstrainedLogisticRegression]


def fit_bootstrap_logistic(
    X: NDArray[np.float64],
    y: NDArray[np.float64],
    *,
    fit: Fit,
    n_boot: int,
    random_state: int,
) -> BootstrapLogistic:
    """Point fit on all rows plus ``n_boot`` refits on bootstrap resamples.

    Each refit is re-expressed on the point fit's standardisation, so the service standardises
    a query once and evaluates every member with one matrix product. Resamples holding one
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
    return BootstrapLogistic(
        mean=point.mean_,
        scale=point.scale_,
        coef=point.coef_,
        intercept=point.intercept_,
        boot_coef=np.array(coefs),
        boot_intercept=np.array(intercepts),
    )
