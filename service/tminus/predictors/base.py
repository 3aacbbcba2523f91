"""What every fitted predictor is: plain JSON state, an allow-listed kind, a fast ``predict``.

A predictor never holds executable objects: its state is numbers, strings and lists, saved as
JSON by the registry and rebuilt by :meth:`Predictor.from_state`, which validates it. Loading
an artifact therefore cannot run code, and a kind outside
:func:`tminus.predictors.kinds.predictor_kinds` is refused.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal, Self

Output = Literal["probability", "quantiles"]


class QueryError(ValueError):
    """A query the predictor cannot answer; ``field`` names the offending input.

    ``unknown_name``: the input is a name no table knows (the error's suggestions, if any, are
    the closest known names).
    """

    def __init__(
        self,
        field: str,
        message: str,
        *,
        suggestions: Iterable[str] = (),
        unknown_name: bool = False,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.suggestions = list(suggestions)
        self.unknown_name = unknown_name or bool(self.suggestions)


class StateError(ValueError):
    """An artifact's state is malformed (wrong type, missing key, bad shape)."""


@dataclass(frozen=True, slots=True)
class ProbabilityPrediction:
    """A calibrated probability with its 90% interval.

    ``flags`` says when an answer rests on a pooled prior (e.g. ``unseen_vehicle``);
    ``context`` holds the history numbers behind it, for explanations. ``as_of`` is the moment
    the launch record was read at (None for a model that reads no launch record) and
    ``days_past_cutoff`` how many days the date asked lies after the record's last day.
    """

    probability: float
    interval: tuple[float, float]
    flags: dict[str, bool] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    as_of: datetime | None = None
    days_past_cutoff: int | None = None


@dataclass(frozen=True, slots=True)
class QuantilePrediction:
    """Quantiles of a duration in days (10/50/90%), counted from ``start``."""

    p10: float
    p50: float
    p90: float
    start: datetime
    flags: dict[str, bool] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    as_of: datetime | None = None
    days_past_cutoff: int | None = None


class Predictor(ABC):
    """A fitted model as the service runs it.

    Subclasses set ``kind`` (the allow-listed type name written into the artifact), ``model``
    (the model name) and ``output``, and implement state round-tripping and ``predict``.
    """

    kind: ClassVar[str]
    model: ClassVar[str]
    output: ClassVar[Output]

    @classmethod
    @abstractmethod
    def from_state(cls, state: Mapping[str, Any]) -> Self:
        """Rebuild from :meth:`to_state` output; raise :class:`StateError` if malformed."""

    @abstractmethod
    def to_state(self) -> dict[str, Any]:
        """JSON-safe state that :meth:`from_state` turns back into an equal predictor."""

    @abstractmethod
    def input_schema(self) -> dict[str, Any]:
        """Allowed values and ranges of each input, for metadata and clients."""

    @abstractmethod
    def predict(self, query: Any) -> ProbabilityPrediction | QuantilePrediction:
        """The answer to one query (each predictor has its own query type).

        Raises :class:`QueryError` for a query it cannot answer (an unknown name, ...).
        """


def require(state: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    """``state[key]``, checked to be of ``kind``; :class:`StateError` otherwise."""
    if key not in state:
        raise StateError(f"artifact state lacks {key!r}")
    value = state[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _as_tuple(kind)):
        raise StateError(f"artifact state {key!r} should be {kind}, got {type(value).__name__}")
    return value


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def float_list(state: Mapping[str, Any], key: str, length: int | None = None) -> list[float]:
    """A list of numbers from the state, optionally of a fixed length."""
    values = require(state, key, list)
    if length is not None and len(values) != length:
        raise StateError(f"artifact state {key!r} should hold {length} numbers, has {len(values)}")
    out: list[float] = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise StateError(f"artifact state {key!r} holds a non-number")
        out.append(float(v))
    return out
