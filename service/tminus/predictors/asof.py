"""What every history-reading predictor shares: the launch record, and how old an answer's data is.

A :class:`LaunchRecord` is the launch history and GCAT's reference lists a version was trained
with, and what is derived from them once: the catalogue of names and the columnar as-of index.
The models trained in one run on the same data (``launch_failure``, ``launch_anomaly``,
``pad_turnaround``, ``return_to_flight``) hold equal records; the registry saves a version's
record as its own file and loads each distinct one once, so a served snapshot holds one.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

from tminus.features.asof_index import AsOfIndex
from tminus.features.history import LaunchHistory
from tminus.features.reference import Reference
from tminus.predictors.base import StateError, require
from tminus.predictors.catalogue import Catalogue


class LaunchRecord:
    """A launch history and reference lists, with their catalogue and columnar index.

    Never changed once built (predictors and snapshots share it across threads); the
    catalogue and index are built on first use.
    """

    def __init__(self, history: LaunchHistory, reference: Reference) -> None:
        self.history = history
        self.reference = reference

    @cached_property
    def catalogue(self) -> Catalogue:
        """Names of the vehicles, sites and pads, flown or not, and how names resolve."""
        return Catalogue(self.history, self.reference)

    @cached_property
    def index(self) -> AsOfIndex:
        """The history as sorted arrays: every as-of read is a ``searchsorted``."""
        return AsOfIndex(self.history)

    def to_state(self) -> dict[str, Any]:
        """JSON-safe state: the launches as columns and the reference lists."""
        return {"history": self.history.to_state(), "reference": self.reference.to_state()}

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> LaunchRecord:
        """Rebuild and validate (:class:`StateError` if malformed), building the index."""
        try:
            record = cls(
                LaunchHistory.from_state(require(state, "history", dict)),
                Reference.from_state(require(state, "reference", dict)),
            )
            record.index  # noqa: B018 - built now, while a malformed history can be refused
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StateError(f"artifact history is malformed: {exc}") from exc
        return record


def read_record(state: Mapping[str, Any]) -> LaunchRecord:
    """The launch record of an artifact's state, validated.

    ``state["record"]`` is a :class:`LaunchRecord` the registry loaded (shared) or its state;
    artifacts written before records were shared hold ``history`` and ``reference`` inline.
    """
    record = state.get("record")
    if isinstance(record, LaunchRecord):
        return record
    if isinstance(record, Mapping):
        return LaunchRecord.from_state(record)
    return LaunchRecord.from_state(
        {"history": require(state, "history", dict), "reference": require(state, "reference", dict)}
    )


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
