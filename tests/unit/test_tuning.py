"""Hyperparameters chosen on the past only, and intervals scored by simulation."""

from __future__ import annotations

import numpy as np
import pytest

from tminus.training.estimators import SignConstrainedLogisticRegression
from tminus.training.metrics import pointwise_log_loss
from tminus.training.posterior import METHODS, coefficient_draws
from tminus.training.simulation import choose_interval_method, simulate_interval_coverage
from tminus.training.tuning import Candidate, select_nested

SPACE = [Candidate("default", {}), Candidate("sharp", {}), Candidate("awful", {})]


def _setup(n_folds: int = 6, per_fold: int = 200, *, seed: int = 0) -> tuple[
    np.ndarray, np.ndarray, dict[str, np.ndarray]
]:  # fmt: skip
    rng = np.random.default_rng(seed)
    folds = np.repeat(np.arange(n_folds), per_fold)
    p_true = rng.uniform(0.05, 0.6, size=len(folds))
    y = (rng.random(len(folds)) < p_true).astype(float)
    predictions = {
        "default": np.full(len(folds), y.mean()),  # knows nothing
        "sharp": p_true,  # knows the truth
        "awful": 1.0 - p_true,
    }
    return folds, y, predictions


def _losses(y: np.ndarray, predictions: dict[str, np.ndarray]):  # type: ignore[no-untyped-def]
    table = {id(p): pointwise_log_loss(y, p) for p in predictions.values()}
    return lambda _fold, past, pred: table[id(pred)][past]


def test_each_fold_is_chosen_from_the_folds_before_it() -> None:
    folds, y, predictions = _setup()
    selection = select_nested(
        SPACE, predictions, folds, {k: f"f{k}" for k in range(6)}, _losses(y, predictions),
        criterion="log loss",
    )  # fmt: skip
    assert selection.chosen["f0"] == "default"  # nothing before it: the default
    assert all(selection.chosen[f"f{k}"] == "sharp" for k in range(1, 6))
    assert selection.final.name == "sharp"
    np.testing.assert_array_equal(selection.prediction[folds == 0], predictions["default"][:200])
    np.testing.assert_array_equal(selection.prediction[folds > 0], predictions["sharp"][200:])
    assert set(selection.describe()) >= {"space", "chosen_per_fold", "final", "rule"}


def test_a_folds_own_outcomes_never_move_its_choice() -> None:
    folds, y, predictions = _setup()
    labels = {k: str(k) for k in range(6)}
    before = select_nested(SPACE, predictions, folds, labels, _losses(y, predictions),
                           criterion="log loss")  # fmt: skip
    changed = y.copy()
    changed[folds == 3] = 1.0 - changed[folds == 3]
    after = select_nested(SPACE, predictions, folds, labels, _losses(changed, predictions),
                          criterion="log loss")  # fmt: skip
    assert [after.chosen[str(k)] for k in range(4)] == [before.chosen[str(k)] for k in range(4)]


def test_without_enough_events_in_the_past_the_default_stays() -> None:
    folds, y, predictions = _setup(per_fold=30)
    rare = np.zeros_like(y)
    rare[-3:] = 1.0  # three events, all in the last fold
    selection = select_nested(
        SPACE, predictions, folds, {k: str(k) for k in range(6)}, _losses(rare, predictions),
        criterion="log loss", outcomes=rare, min_events=10,
    )  # fmt: skip
    assert set(selection.chosen.values()) == {"default"}


def test_a_small_edge_within_noise_does_not_move_the_choice() -> None:
    """A candidate whose mean loss is a hair lower but whose per-row differences are mostly
    noise stays unchosen: the one-standard-error rule."""
    folds, y, predictions = _setup()
    flat = np.ones(len(y))
    # 0.01 better on average, by a loss that swings by 1 either way from row to row
    noisy = 1.0 - 0.01 + np.where(np.arange(len(y)) % 2 == 0, 1.0, -1.0)
    table = {id(predictions["default"]): flat, id(predictions["sharp"]): noisy,
             id(predictions["awful"]): flat + 1.0}  # fmt: skip
    selection = select_nested(
        SPACE, predictions, folds, {k: str(k) for k in range(6)},
        lambda _f, past, pred: table[id(pred)][past], criterion="a loss",
    )  # fmt: skip
    assert float(noisy[folds < 5].mean()) < 1.0  # plain argmin would take it
    assert set(selection.chosen.values()) == {"default"}


def _logistic_problem(n: int, seed: int) -> tuple[np.ndarray, SignConstrainedLogisticRegression]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = (rng.random(n) < 1 / (1 + np.exp(-(-2.0 + X @ [0.8, -0.5, 0.0])))).astype(float)
    return X, SignConstrainedLogisticRegression(alpha=1.0, signs=[1, -1, 0]).fit(X, y)


@pytest.mark.parametrize("method", METHODS)
def test_the_interval_holds_the_true_probability_about_90_percent_of_the_time(
    method: str,
) -> None:
    X, truth = _logistic_problem(3000, seed=0)
    simulation = simulate_interval_coverage(
        X,
        truth,
        refit=lambda Xs, ys: SignConstrainedLogisticRegression(alpha=1.0, signs=[1, -1, 0]).fit(
            Xs, ys
        ),
        posterior=lambda est, Xs, _ys, seed: coefficient_draws(
            est, Xs, method=method, n_draws=200, random_state=seed
        ),
        reps=40,
        eval_rows=np.arange(0, 3000, 15),
        random_state=1,
    )
    assert 0.85 <= simulation.coverage <= 0.95
    assert simulation.reps == 40 and len(simulation.per_rep) == 40
    assert sum(b["n"] for b in simulation.by_true_probability) == 40 * 200


def test_an_interval_that_ignores_uncertainty_fails_the_simulation() -> None:
    """The check can fail: draws with no spread hold the truth almost never."""
    X, truth = _logistic_problem(3000, seed=0)

    def no_spread(est, Xs, _ys, seed):  # type: ignore[no-untyped-def]
        draws = coefficient_draws(est, Xs, method="sandwich", n_draws=20, random_state=seed)
        draws.draw_coef[:] = est.coef_
        draws.draw_intercept[:] = est.intercept_
        return draws

    simulation = simulate_interval_coverage(
        X,
        truth,
        refit=lambda Xs, ys: SignConstrainedLogisticRegression(alpha=1.0, signs=[1, -1, 0]).fit(
            Xs, ys
        ),
        posterior=no_spread,
        reps=10,
        eval_rows=np.arange(0, 3000, 15),
        random_state=1,
    )
    assert simulation.coverage < 0.2


def test_the_served_method_is_the_one_nearest_90_percent() -> None:
    X, truth = _logistic_problem(2000, seed=3)
    choice = choose_interval_method(
        X,
        truth,
        refit=lambda Xs, ys: SignConstrainedLogisticRegression(alpha=1.0, signs=[1, -1, 0]).fit(
            Xs, ys
        ),
        n_draws=100,
        methods=METHODS,
        reps=10,
        eval_rows=np.arange(0, 2000, 20),
        random_state=2,
    )
    gaps = {m: abs(s.coverage - 0.9) for m, s in choice.simulations.items()}
    assert choice.method == min(gaps, key=lambda m: gaps[m])
    assert choice.to_dict()["coverage"] == choice.served.coverage
