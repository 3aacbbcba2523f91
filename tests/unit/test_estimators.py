"""The hand-evaluable estimators: constraints hold, fits recover known structure."""

from __future__ import annotations

import numpy as np
import pytest

from tminus.training.estimators import LinearQuantileRegression, SignConstrainedLogisticRegression
from tminus.training.metrics import auc, brier, ece, log_loss, pinball, quantile_scores


def test_logistic_recovers_direction_and_is_calibrated_in_the_large() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4000, 2))
    p = 1 / (1 + np.exp(-(-1.0 + 1.5 * X[:, 0] - 0.8 * X[:, 1])))
    y = (rng.uniform(size=4000) < p).astype(float)
    est = SignConstrainedLogisticRegression(alpha=0.1).fit(X, y)
    assert est.coef_[0] > 1.0 and est.coef_[1] < -0.5
    assert abs(est.predict_proba(X)[:, 1].mean() - y.mean()) < 0.01


def test_sign_constraints_are_respected_even_against_the_data() -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(2000, 2))
    y = (rng.uniform(size=2000) < 1 / (1 + np.exp(2 * X[:, 0]))).astype(float)  # truly negative
    est = SignConstrainedLogisticRegression(alpha=0.1, signs=[+1, 0]).fit(X, y)
    assert est.coef_[0] >= 0.0
    with pytest.raises(ValueError, match="signs"):
        SignConstrainedLogisticRegression(signs=[2, 0]).fit(X, y)


def test_quantile_regression_covers_its_quantiles() -> None:
    rng = np.random.default_rng(2)
    X = rng.uniform(0, 3, size=(3000, 1))
    y = 2.0 * X[:, 0] + rng.normal(scale=0.5 + X[:, 0] * 0.2, size=3000)
    for q in (0.1, 0.5, 0.9):
        pred = LinearQuantileRegression(quantile=q).fit(X, y).predict(X)
        assert abs((y <= pred).mean() - q) < 0.03


def test_metrics_on_known_values() -> None:
    y = np.array([0, 0, 1, 1])
    p = np.array([0.1, 0.4, 0.35, 0.8])
    assert log_loss(y, p) == pytest.approx(-np.mean(np.log([0.9, 0.6, 0.35, 0.8])))
    assert brier(y, p) == pytest.approx(np.mean([0.01, 0.16, 0.4225, 0.04]))
    assert auc(y, p) == pytest.approx(0.75)
    assert auc([1, 1], [0.2, 0.3]) is None
    assert ece([0, 1] * 50, [0.5] * 100) == pytest.approx(0.0)
    assert pinball([10.0], [8.0], 0.9) == pytest.approx(1.8)
    scores = quantile_scores([5.0, 50.0], [[1, 4, 9], [1, 4, 9]])
    assert scores["coverage_80"] == pytest.approx(0.5)
