"""The hand-evaluable estimators: constraints hold, fits recover known structure."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sklearn.utils.estimator_checks import estimator_checks_generator

from tminus.predictors.logistic import INTERVAL_LEVEL, interval_of, log_odds, sigmoid
from tminus.training.estimators import LinearQuantileRegression, SignConstrainedLogisticRegression
from tminus.training.metrics import (
    auc,
    brier,
    ece,
    log_loss,
    pinball,
    probability_scores,
    quantile_scores,
)


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


@pytest.mark.parametrize("seed", range(6))
def test_the_metrics_are_scikit_learns(seed: int) -> None:
    """Written on plain arrays for speed, the scores equal scikit-learn's, ties included."""
    from sklearn import metrics as sk

    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 400))
    # Rounded forecasts tie often, as a backtest's constant baselines do; 0 and 1 get clipped.
    p = np.round(rng.uniform(size=n), int(rng.integers(1, 4)))
    y = (rng.uniform(size=n) < p).astype(float)
    y[:2] = (0.0, 1.0)  # both classes present
    clipped = np.clip(p, 1e-12, 1 - 1e-12)
    assert log_loss(y, p) == pytest.approx(sk.log_loss(y, clipped, labels=[0, 1]), abs=1e-12)
    assert brier(y, p) == pytest.approx(sk.brier_score_loss(y, clipped), abs=1e-12)
    assert auc(y, p) == pytest.approx(sk.roc_auc_score(y, p), abs=1e-12)
    days = rng.exponential(30.0, size=n)
    guess = rng.exponential(30.0, size=n)
    for q in (0.1, 0.5, 0.9):
        expected = sk.mean_pinball_loss(days, guess, alpha=q)
        assert pinball(days, guess, q) == pytest.approx(expected, abs=1e-12)
    assert auc(np.zeros(n), p) is None and auc(np.ones(n), p) is None


def _contract_checks() -> list[Any]:
    """Every scikit-learn estimator check, for both estimators.

    Left out: the array API checks, which only run with SCIPY_ARRAY_API set and an array API
    library installed, for estimators that declare array API support; these take NumPy only.
    """
    out = []
    for estimator in (SignConstrainedLogisticRegression(), LinearQuantileRegression()):
        for est, check in estimator_checks_generator(estimator, legacy=True):
            name = getattr(check, "func", check).__name__
            if "array_api" not in name:
                out.append(pytest.param(est, check, id=f"{type(est).__name__}-{name}"))
    return out


@pytest.mark.parametrize(("estimator", "check"), _contract_checks())
def test_the_estimators_follow_the_scikit_learn_contract(estimator: Any, check: Any) -> None:
    check(estimator)


def test_the_tuning_loops_fit_is_the_checked_fit() -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(500, 3))
    y = (rng.uniform(size=500) < 1 / (1 + np.exp(-X[:, 0]))).astype(float)
    for signs in (None, [1, -1, 0]):
        checked = SignConstrainedLogisticRegression(alpha=2.0, signs=signs).fit(X, y)
        fast = SignConstrainedLogisticRegression(alpha=2.0, signs=signs).fit_checked_arrays(X, y)
        np.testing.assert_array_equal(fast.coef_, checked.coef_)
        assert fast.intercept_ == checked.intercept_
        np.testing.assert_array_equal(fast.predict_proba(X), checked.predict_proba(X))
    with pytest.raises(ValueError, match="float64 matrix"):
        SignConstrainedLogisticRegression().fit_checked_arrays(X[:, 0], y)
    with pytest.raises(ValueError, match="float64 matrix"):
        SignConstrainedLogisticRegression().fit_checked_arrays(X, y[:-1])


def test_the_service_evaluates_the_fitted_logistic_as_training_does() -> None:
    """One model, two evaluations: the estimator's (NumPy, for backtests) and the predictors'
    (by hand, per request) agree to 1e-12 on random inputs."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(500, 6)) * rng.uniform(0.1, 50, size=6) + rng.normal(size=6)
    y = (rng.uniform(size=500) < 0.2).astype(float)
    est = SignConstrainedLogisticRegression(alpha=0.5, signs=[1, -1, 0, 1, 0, -1]).fit(X, y)
    fresh = rng.normal(size=(1000, 6)) * 30
    expected = est.decision_function(fresh)
    by_hand = [log_odds(row, est.mean_, est.scale_, est.coef_, est.intercept_) for row in fresh]
    np.testing.assert_allclose(by_hand, expected, rtol=0, atol=1e-12)
    proba = est.predict_proba(fresh)[:, 1]
    np.testing.assert_allclose([sigmoid(z) for z in by_hand], proba, rtol=0, atol=1e-12)


def test_the_ece_says_how_it_was_binned() -> None:
    """Two groups of forecasts in one equal-width bin: equal-width bins average their errors
    away (0.03), equal-count bins see each group's (0.11)."""
    p = [0.12] * 50 + [0.18] * 50
    y = [1.0] * 2 + [0.0] * 48 + [1.0] * 16 + [0.0] * 34  # observed 4% and 32%
    assert ece(y, p, binning="width") == pytest.approx(0.03)
    assert ece(y, p, binning="count") == pytest.approx(0.11)
    scores = probability_scores(y, p)
    assert scores["ece"] == pytest.approx(0.03)
    assert scores["ece_equal_count"] == pytest.approx(0.11)
    assert scores["auc"] is not None and scores["n"] == 100 and scores["events"] == 18


def test_an_answers_interval_is_numpys_percentiles_of_the_draws() -> None:
    """The served interval computes the 5th and 95th percentiles itself, to the bit."""
    rng = np.random.default_rng(5)
    tail = 100.0 * (1.0 - INTERVAL_LEVEL) / 2.0
    for i in range(3000):
        draws = rng.beta(0.5, 20.0, size=200 if i % 2 else int(rng.integers(1, 400)))
        p = float(rng.uniform(0.0, 0.1))
        low, high = np.percentile(draws, [tail, 100.0 - tail])
        assert interval_of(draws, p) == (min(float(low), p), max(float(high), p))
