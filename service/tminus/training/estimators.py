"""Estimators whose fitted state is a handful of numbers the service can evaluate by hand.

Both follow the scikit-learn contract (parameters stored in ``__init__``, validation in
``fit``, learned state ending in ``_``) and standardise their inputs internally, exposing the
means and scales so that a predictor can reproduce ``predict`` with a dot product.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data


def _standardise(
    X: NDArray[np.float64], weights: NDArray[np.float64] | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per-column (weighted) mean and standard deviation; a constant column gets scale 1."""
    mean = np.average(X, axis=0, weights=weights)
    scale = np.sqrt(np.average((X - mean) ** 2, axis=0, weights=weights))
    scale[scale < 1e-12] = 1.0
    return mean, scale


def _penalised_loss(
    theta: NDArray[np.float64],
    Z: NDArray[np.float64],
    target: NDArray[np.float64],
    w: NDArray[np.float64],
    alpha: float,
) -> float:
    z = theta[0] + Z @ theta[1:]
    return float(
        np.sum(w * (np.logaddexp(0.0, z) - target * z)) + 0.5 * alpha * theta[1:] @ theta[1:]
    )


def _projected_newton(
    Z: NDArray[np.float64],
    target: NDArray[np.float64],
    w: NDArray[np.float64],
    *,
    alpha: float,
    theta0: NDArray[np.float64],
    lower: NDArray[np.float64],
    upper: NDArray[np.float64],
    max_iter: int = 100,
    tol: float = 1e-10,
) -> tuple[NDArray[np.float64], int]:
    """Minimise the penalised logistic loss within bounds by projected Newton steps.

    At each step the coefficients held at a bound by a gradient that pushes past it are kept
    there, a Newton step is taken on the others, and the step is halved until the projected
    point lowers the loss. The loss is convex, so this converges to the constrained optimum,
    in a handful of steps for the few features these models have.
    """
    theta = np.clip(theta0, lower, upper)
    design = np.column_stack([np.ones(len(Z)), Z])
    ridge = np.full(len(theta), alpha)
    ridge[0] = 0.0
    loss = _penalised_loss(theta, Z, target, w, alpha)
    for iteration in range(1, max_iter + 1):
        z = design @ theta
        p = 0.5 * (1.0 + np.tanh(0.5 * z))  # the logistic function, without overflow
        grad = design.T @ (w * (p - target)) + ridge * theta
        at_lower = (theta <= lower) & (grad > 0)
        at_upper = (theta >= upper) & (grad < 0)
        free = ~(at_lower | at_upper)
        projected_gradient = np.where(free, grad, 0.0)
        if np.max(np.abs(projected_gradient)) <= tol * max(1.0, float(np.sum(w))):
            return theta, iteration
        hessian = design.T @ (design * (w * p * (1.0 - p))[:, None]) + np.diag(ridge)
        hessian += 1e-10 * np.eye(len(theta))
        step = np.zeros_like(theta)
        step[free] = np.linalg.solve(hessian[np.ix_(free, free)], grad[free])
        size = 1.0
        while True:
            candidate = np.clip(theta - size * step, lower, upper)
            new_loss = _penalised_loss(candidate, Z, target, w, alpha)
            if new_loss <= loss - 1e-4 * float(grad @ (theta - candidate)) or size < 1e-12:
                break
            size *= 0.5
        moved = float(np.max(np.abs(candidate - theta)))
        theta, loss = candidate, new_loss
        if moved <= 1e-14:
            return theta, iteration
    return theta, max_iter


class SignConstrainedLogisticRegression(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """L2-penalised logistic regression whose coefficients may be sign-constrained.

    Parameters
    ----------
    alpha : float, default=1.0
        L2 penalty on the standardised coefficients (not on the intercept), added to the
        *summed* negative log-likelihood. Larger is stronger shrinkage towards the base rate.
    signs : sequence of {-1, 0, 1} or None, default=None
        Per feature: 1 keeps the coefficient >= 0, -1 keeps it <= 0, 0 leaves it free.
        None leaves all free. Constraints make monotone promises hold by construction.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Coefficients on standardised features.
    intercept_ : float
    mean_, scale_ : ndarray of shape (n_features,)
        Standardisation learnt in ``fit``.
    classes_ : ndarray of shape (2,)
    """

    def __init__(self, *, alpha: float = 1.0, signs: Sequence[int] | None = None) -> None:
        self.alpha = alpha
        self.signs = signs

    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> Self:
        """Fit by projected Newton steps on the penalised log-likelihood."""
        X_arr, y_arr = validate_data(self, X, y, reset=True, dtype=np.float64)
        check_classification_targets(y_arr)
        y_type = type_of_target(y_arr, input_name="y", raise_unknown=True)
        if y_type not in ("binary", "unary"):
            raise ValueError(
                f"Only binary classification is supported. The type of the target is {y_type}."
            )
        w = _check_sample_weight(sample_weight, X_arr, ensure_non_negative=True)
        if not np.any(w > 0):
            raise ValueError("Sample weights must contain at least one non-zero number.")
        return self._fit_arrays(X_arr, y_arr, w)

    def fit_checked_arrays(self, X: NDArray[np.float64], y: NDArray[np.float64]) -> Self:
        """``fit`` for a tuning loop's own matrices: finite float64 ``X`` (n, d), 0/1 ``y``.

        It skips scikit-learn's input checks, which cost more than the fit itself on the
        hundreds of small fold-by-candidate fits of a nested tuning; the fit is the same
        (``tests/unit/test_estimators.py``). Anything else goes through :meth:`fit`.
        """
        if X.ndim != 2 or X.dtype != np.float64 or len(X) != len(y) or len(y) == 0:
            raise ValueError("fit_checked_arrays takes a float64 matrix and one 0/1 per row")
        self.n_features_in_ = X.shape[1]
        return self._fit_arrays(X, np.asarray(y, dtype=np.float64), np.ones(len(y)))

    def _fit_arrays(
        self, X_arr: NDArray[np.float64], y_arr: NDArray[Any], w: NDArray[np.float64]
    ) -> Self:
        self.classes_ = np.unique(y_arr)
        if self.alpha < 0:
            raise ValueError(f"alpha must be >= 0, got {self.alpha}")
        n, d = X_arr.shape
        signs = [0] * d if self.signs is None else list(self.signs)
        if len(signs) != d or any(s not in (-1, 0, 1) for s in signs):
            raise ValueError(f"signs must hold {d} values from -1, 0, 1; got {self.signs}")
        # With one class only, the intercept alone tends to its (clipped) log-odds.
        target = (y_arr == self.classes_[-1]).astype(float)
        if len(self.classes_) == 1 and self.classes_[0] in (0, False):
            target = np.zeros(n)
        self.mean_, self.scale_ = _standardise(X_arr, w)
        Z = (X_arr - self.mean_) / self.scale_
        rate = np.clip(np.average(target, weights=w), 1e-4, 1 - 1e-4)
        lower = np.array([-np.inf] + [0.0 if s > 0 else -np.inf for s in signs])
        upper = np.array([np.inf] + [0.0 if s < 0 else np.inf for s in signs])
        theta0 = np.zeros(d + 1)
        theta0[0] = np.log(rate / (1 - rate))
        theta, self.n_iter_ = _projected_newton(
            Z, target, w, alpha=float(self.alpha), theta0=theta0, lower=lower, upper=upper
        )
        self.intercept_ = float(theta[0])
        self.coef_ = np.asarray(theta[1:], dtype=float)
        return self

    def __sklearn_tags__(self) -> Any:
        """Binary outcomes only (a launch fails or it does not)."""
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        """Log-odds of the positive class."""
        check_is_fitted(self)
        X_arr = validate_data(self, X, reset=False, dtype=np.float64)
        z: NDArray[np.float64] = self.intercept_ + ((X_arr - self.mean_) / self.scale_) @ self.coef_
        return z

    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """Columns: P(classes_[0]), P(classes_[1])."""
        z = self.decision_function(X)
        p1 = 1.0 / (1.0 + np.exp(-z))
        return np.column_stack([1 - p1, p1])

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """The more likely class (the only one, if ``fit`` saw one)."""
        proba = self.predict_proba(X)
        if len(self.classes_) == 1:
            return np.repeat(self.classes_, len(proba))
        out: NDArray[Any] = self.classes_[(proba[:, 1] >= 0.5).astype(int)]
        return out


class LinearQuantileRegression(RegressorMixin, BaseEstimator):  # type: ignore[misc]
    """Linear quantile regression (pinball loss) with a small L2 penalty, fit by L-BFGS-B.

    The pinball loss is smoothed (Huberised with width ``smoothing``) so a quasi-Newton
    method converges quickly; on a few thousand rows a fit takes milliseconds.

    Parameters
    ----------
    quantile : float in (0, 1), default=0.5
    alpha : float, default=1e-3
        L2 penalty on standardised coefficients, per row.
    smoothing : float, default=0.01
        Width of the quadratic zone around zero residual, in target units.
    """

    def __init__(
        self, *, quantile: float = 0.5, alpha: float = 1e-3, smoothing: float = 0.01
    ) -> None:
        self.quantile = quantile
        self.alpha = alpha
        self.smoothing = smoothing

    def fit(self, X: ArrayLike, y: ArrayLike) -> Self:
        """Fit the ``quantile`` of ``y`` given ``X``."""
        X_arr, y_arr = validate_data(self, X, y, reset=True, dtype=np.float64, y_numeric=True)
        if not 0.0 < self.quantile < 1.0:
            raise ValueError(f"quantile must be in (0, 1), got {self.quantile}")
        if self.smoothing <= 0:
            raise ValueError(f"smoothing must be > 0, got {self.smoothing}")
        n, d = X_arr.shape
        self.mean_, self.scale_ = _standardise(X_arr)
        Z = (X_arr - self.mean_) / self.scale_
        q, h = self.quantile, self.smoothing

        def objective(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
            r = y_arr - theta[0] - Z @ theta[1:]
            weight = np.where(r >= 0, q, 1 - q)
            absr = np.abs(r)
            quad = absr <= h
            loss_i = np.where(quad, weight * r * r / (2 * h), weight * (absr - h / 2))
            dloss = np.where(quad, weight * r / h, weight * np.sign(r))  # d loss / d r
            loss = loss_i.mean() + 0.5 * self.alpha * float(theta[1:] @ theta[1:])
            grad = np.concatenate([[-dloss.mean()], -(Z.T @ dloss) / n + self.alpha * theta[1:]])
            return float(loss), grad

        theta0 = np.zeros(d + 1)
        theta0[0] = float(np.quantile(y_arr, q))
        result = minimize(objective, theta0, jac=True, method="L-BFGS-B")
        self.intercept_ = float(result.x[0])
        self.coef_ = np.asarray(result.x[1:], dtype=float)
        self.n_iter_ = int(result.nit)
        return self

    def predict(self, X: ArrayLike) -> NDArray[np.float64]:
        """The fitted quantile of the target."""
        check_is_fitted(self)
        X_arr = validate_data(self, X, reset=False, dtype=np.float64)
        out: NDArray[np.float64] = (
            self.intercept_ + ((X_arr - self.mean_) / self.scale_) @ self.coef_
        )
        return out
