"""What a training run hands to the registry: the predictor, its backtest and its story."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tminus.predictors.base import Predictor
from tminus.training.backtest import Backtest


@dataclass
class TrainedModel:
    """A fitted predictor with the backtest that judged it and the words for its card."""

    name: str
    predictor: Predictor
    backtest: Backtest
    params: dict[str, Any]
    random_state: int
    summary: str
    notes: list[str] = field(default_factory=list)
    # headline metrics used to compare against baselines and the champion
    primary_metrics: tuple[str, ...] = ("log_loss", "brier")
