"""What every history-reading predictor shares: its state, and how old an answer's data is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tminus.features.history import LaunchHistory
from tminus.features.reference import Reference
from tminus.predictors.base import StateError, require


def read_history_state(state: Mapping[str, Any]) -> tuple[LaunchHistory, Reference]:
    """The launch history and GCAT's reference lists from an artifact's state, validated."""
    try:
        history = LaunchHistory.from_state(require(state, "history", dict))
        reference = Reference.from_state(require(state, "reference", dict))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StateError(f"artifact history is malformed: {exc}") from exc
    return history, reference


def cutoff_context(history: LaunchHistory, day: float) -> dict[str, bool]:
    """Where a question's moment falls against the record: before its end, or past it.

    ``history_read_at_cutoff`` marks a date after the record's end, answered from the record
    as it stood at its end.
    """
    last = history.last_day
    horizon = history.horizon
    return {
        "before_data_cutoff": last is not None and day < last,
        "history_read_at_cutoff": horizon is not None and day > horizon,
    }
