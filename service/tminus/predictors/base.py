"""What every fitted predictor is: plain JSON state, an allow-listed kind, a fast ``predict``.

A predictor never holds executable objects: its state is numbers, strings and lists, saved as
JSON by the registry and rebuilt by :meth:`Predictor.from_state`, which validates it. Loading
an artifact therefore cannot run code, and a kind outside :data:`PREDICTOR_KINDS` is refused.
"""

from __future__ import annotations

import difflib
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal, Self

Output = Literal["probability", "quantiles"]


class QueryError(ValueError):
    """A query the predictor cannot answer; ``field`` names the offending input."""

    def __init__(self, field: str, message: str, *, suggestions: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.suggestions = list(suggestions)


class StateError(ValueError):
    """An artifact's state is malformed (wrong type, missing key, bad shape)."""


@dataclass(frozen=True, slots=True)
class ProbabilityPrediction:
    """A calibrated probability with its 90% interval.

    ``flags`` says when an answer rests on a pooled prior (e.g. ``unseen_vehicle``);
    ``context`` holds the history numbers behind it, for explanations.
    """

    probability: float
    interval: tuple[float, float]
    flags: dict[str, bool] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class QuantilePrediction:
    """Quantiles of a duration in days (10/50/90%), counted from ``start``."""

    p10: float
    p50: float
    p90: float
    start: datetime
    flags: dict[str, bool] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)


class Predictor(ABC):
    """A fitted model as the service runs it.

    Subclasses set ``kind`` (the allow-listed type name written into the artifact), ``task``
    (the model name) and ``output``, and implement state round-tripping and ``predict``.
    """

    kind: ClassVar[str]
    task: ClassVar[str]
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


_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Common English or short names of vehicles, mapped to GCAT's spelling (after folding).
_VEHICLE_ALIASES = (
    (re.compile(r"^longmarch"), "changzheng"),
    (re.compile(r"^cz(?=\d)"), "changzheng"),
)
# Pad spellings: "SLC-40", "Space Launch Complex 40" and "LC-40" all mean GCAT's LC40.
_PAD_ALIASES = (
    (re.compile(r"^(spacelaunchcomplex|launchcomplex|slc)"), "lc"),
    (re.compile(r"^pad"), ""),
)


def normalise_name(name: str) -> str:
    """Case, space and punctuation folded: 'falcon-9' and 'Falcon 9' compare equal.

    A '+' is read as "plus", not dropped: 'Ariane 5G+' is another vehicle than 'Ariane 5G'.
    """
    return _NON_ALNUM.sub("", name.lower().replace("+", "plus"))


def normalise_vehicle(name: str) -> str:
    """A vehicle name folded, with common aliases ('Long March 2D', 'CZ-2D') mapped to GCAT's."""
    key = normalise_name(name)
    for pattern, replacement in _VEHICLE_ALIASES:
        key = pattern.sub(replacement, key)
    return key


def normalise_pad(name: str) -> str:
    """A pad name folded, with 'SLC-40' and 'LC-40' compared equal."""
    key = normalise_name(name)
    for pattern, replacement in _PAD_ALIASES:
        key = pattern.sub(replacement, key)
    return key


class NameIndex:
    """Exact-after-normalising lookup of known names, with close-match suggestions."""

    def __init__(
        self, names: Iterable[str], normalise: Callable[[str], str] = normalise_name
    ) -> None:
        self._normalise = normalise
        self._by_key: dict[str, str] = {}
        for name in sorted(set(names)):
            self._by_key.setdefault(normalise(name), name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._normalise(name) in self._by_key

    def __len__(self) -> int:
        return len(self._by_key)

    def resolve(self, name: str) -> str | None:
        """The known spelling of ``name``, or None."""
        return self._by_key.get(self._normalise(name))

    def closest(self, name: str, *, n: int = 5, cutoff: float = 0.6) -> list[str]:
        """Known names most like ``name``, best first."""
        keys = difflib.get_close_matches(self._normalise(name), self._by_key, n=n, cutoff=cutoff)
        return [self._by_key[k] for k in keys]
