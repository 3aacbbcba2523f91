"""Promotion compares like with like: a challenger and the champion on the rows both scored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tminus.predictors.launch_failure import LaunchFailurePredictor
from tminus.registry.errors import ArtifactIntegrityError, RegistryError
from tminus.registry.store import BACKTEST_ROWS, MANIFEST, Registry
from tminus.training import launch_failure
from tminus.training.backtest import MODEL, Backtest
from tminus.training.pipeline import judge

from .synthetic import launch_tables


def _backtest(keys: list[str], y: list[float], model: list[float]) -> Backtest:
    bt = Backtest(
        kind="probability",
        scheme="test",
        y=np.array(y),
        years=np.full(len(y), 2020),
        keys=keys,
        references=("best_constant_in_hindsight",),
    )
    bt.predictions[MODEL] = np.array(model)
    bt.predictions["trailing_rate"] = np.full(len(y), 0.5)
    bt.predictions["best_constant_in_hindsight"] = np.full(len(y), float(np.mean(y)))
    return bt


def _metadata(bt: Backtest, version: str) -> dict[str, Any]:
    return {
        "version": version,
        "primary_metrics": ["log_loss"],
        "params": {},
        "backtest": {
            "metrics": bt.metrics(),
            "references": list(bt.references),
        },
    }


OLD_KEYS = [f"2020-{i:03d}" for i in range(40)]
Y = [float(i % 4 == 0) for i in range(40)]
GOOD = [0.25 if y == 0 else 0.6 for y in Y]


def test_a_new_year_does_not_make_the_comparison_unfair() -> None:
    """The old judge compared the challenger's scores, new year included, with the champion's
    without it. Now both are scored on the rows both have: a challenger that predicts those as
    well as the champion, and a hard new year on top, is promoted."""
    champion = _backtest(OLD_KEYS, Y, GOOD)
    new_keys = [*OLD_KEYS, *(f"2021-{i:03d}" for i in range(10))]
    # the new year is hard: its outcomes were surprises, so the overall score is worse
    new_y = [*Y, *([1.0] * 10)]
    challenger = _backtest(new_keys, new_y, [*GOOD, *([0.3] * 10)])
    assert challenger.metrics()[MODEL]["log_loss"] > champion.metrics()[MODEL]["log_loss"]
    verdict = judge(
        _metadata(challenger, "new"),
        _metadata(champion, "old"),
        rows=challenger.rows_state(),
        champion_rows=champion.rows_state(),
    )
    assert verdict.promote, verdict.reasons
    assert "40 rows both scored" in verdict.reasons[-1]


def test_a_challenger_worse_on_the_shared_rows_is_not_promoted() -> None:
    champion = _backtest(OLD_KEYS, Y, GOOD)
    worse = [0.4 if y == 0 else 0.45 for y in Y]
    challenger = _backtest(OLD_KEYS, Y, worse)
    verdict = judge(
        _metadata(challenger, "new"),
        _metadata(champion, "old"),
        rows=challenger.rows_state(),
        champion_rows=champion.rows_state(),
    )
    assert not verdict.promote
    assert any("worse than the champion old" in r for r in verdict.reasons)


def test_baselines_gate_but_references_do_not() -> None:
    """The best constant in hindsight is not a forecast: losing to it does not block promotion;
    losing to a baseline does."""
    bt = _backtest(OLD_KEYS, Y, [0.4] * 40)
    metrics = bt.metrics()
    assert metrics[MODEL]["log_loss"] > metrics["best_constant_in_hindsight"]["log_loss"]
    assert metrics[MODEL]["log_loss"] < metrics["trailing_rate"]["log_loss"]
    assert judge(_metadata(bt, "v"), None).promote
    bt.predictions["trailing_rate"] = np.array(GOOD)
    verdict = judge(_metadata(bt, "v"), None)
    assert not verdict.promote and "baseline trailing_rate" in verdict.reasons[0]


@pytest.fixture(scope="module")
def predictor() -> LaunchFailurePredictor:
    trained = launch_failure.train(launch_tables(), random_state=0)
    assert isinstance(trained.predictor, LaunchFailurePredictor)
    return trained.predictor


def test_the_registry_keeps_and_verifies_the_backtest_rows(
    tmp_path: Path, predictor: LaunchFailurePredictor
) -> None:
    registry = Registry(tmp_path)
    rows = _backtest(OLD_KEYS, Y, GOOD).rows_state()
    record = registry.register(
        "launch_failure",
        predictor=predictor,
        metadata={"note": "test"},
        files={"MODEL_CARD.md": b"# card\n", BACKTEST_ROWS: json.dumps(rows).encode()},
    )
    assert registry.backtest_rows(record) == rows
    registry.load("launch_failure", record.version)  # a version with rows loads as before
    # a changed rows file is refused like any other changed file
    (record.path / BACKTEST_ROWS).write_text(json.dumps({**rows, "model": [0.0] * 40}))
    with pytest.raises(ArtifactIntegrityError, match="changed"):
        registry.backtest_rows(record)
    # no other JSON name is accepted as an extra file
    with pytest.raises(RegistryError, match="invalid extra file name"):
        registry.register(
            "launch_failure",
            predictor=predictor,
            metadata={},
            files={"rows.json": b"{}"},
        )
    without = registry.register("launch_failure", predictor=predictor, metadata={}, files={})
    assert registry.backtest_rows(without) is None
    manifest = json.loads((without.path / MANIFEST).read_text())["files"]
    assert BACKTEST_ROWS not in manifest
