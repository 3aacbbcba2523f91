"""``launch_failure``: probability that an orbital launch fails, with a 90% interval."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any, ClassVar, Self

from scipy.special import betaincinv

from tminus.features.history import LaunchHistory, pad_key
from tminus.features.risk import FEATURE_NAMES, Pooling, feature_vector, read_context
from tminus.features.timebase import to_day
from tminus.predictors.base import (
    Predictor,
    ProbabilityPrediction,
    StateError,
    float_list,
    require,
)
from tminus.predictors.catalogue import Catalogue

# Interval: Beta around the model's probability with this many pseudo-flights on top of the
# vehicle's own flights, so a new vehicle gets a wide interval and a proven one a narrow one.
INTERVAL_LEVEL = 0.90
# Answers remembered per predictor, keyed by the question as asked and the moment the history
# is read at. Every question after the data cutoff is read at the cutoff, so the traffic a
# service sees (a few vehicles and pads, future dates) is a small set of distinct questions.
MEMO_SIZE = 8192


@dataclass(frozen=True, slots=True)
class _Answer:
    """The part of a prediction that depends only on the memo key; never mutated."""

    probability: float
    interval: tuple[float, float]
    flags: Mapping[str, bool]
    context: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class LaunchQuery:
    """A launch as a planner knows it. ``when`` is an aware UTC datetime."""

    vehicle: str
    when: datetime
    site: str | None = None
    pad: str | None = None
    orbit: str | None = None
    payload_mass_kg: float | None = None


def sigmoid(z: float) -> float:
    """1 / (1 + exp(-z)), safe for large |z|."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def beta_interval(p: float, concentration: float, level: float) -> tuple[float, float]:
    """Central ``level`` interval of Beta(p*c, (1-p)*c)."""
    a = max(p * concentration, 1e-6)
    b = max((1.0 - p) * concentration, 1e-6)
    tail = (1.0 - level) / 2.0
    low = float(betaincinv(a, b, tail))
    high = float(betaincinv(a, b, 1.0 - tail))
    return (min(low, p), max(high, p))


class LaunchFailurePredictor(Predictor):
    """Constrained logistic regression on as-of history features, plus the history itself."""

    kind: ClassVar[str] = "tminus.launch_failure.v1"
    task: ClassVar[str] = "launch_failure"
    output = "probability"

    def __init__(
        self,
        *,
        history: LaunchHistory,
        vehicle_provider: Mapping[str, str],
        pooling: Pooling,
        coef: list[float],
        intercept: float,
        mean: list[float],
        scale: list[float],
        interval_strength: float,
    ) -> None:
        n = len(FEATURE_NAMES)
        if not (len(coef) == len(mean) == len(scale) == n):
            raise StateError(f"expected {n} coefficients, means and scales")
        if any(s <= 0 for s in scale):
            raise StateError("feature scales must be positive")
        self.history = history
        self.vehicle_provider = dict(vehicle_provider)
        self.pooling = pooling
        self.coef = coef
        self.intercept = intercept
        self.mean = mean
        self.scale = scale
        self.interval_strength = interval_strength
        self.catalogue = Catalogue(history, vehicle_provider)
        # Per instance, so a new version starts empty. A plain dict (single get, set and clear
        # are atomic under the GIL) rather than an lru_cache of a bound method, which would tie
        # the predictor into a reference cycle and keep old versions alive after a reload.
        self._memo: dict[tuple[str, str | None, str | None, float], _Answer] = {}

    # ---- state ---------------------------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        """JSON-safe state (the history as of the cutoff and the fitted weights)."""
        return {
            "history": self.history.to_state(),
            "vehicle_provider": dict(self.vehicle_provider),
            "pooling": {
                "family_strength": self.pooling.family_strength,
                "vehicle_strength": self.pooling.vehicle_strength,
            },
            "feature_names": list(FEATURE_NAMES),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "mean": list(self.mean),
            "scale": list(self.scale),
            "interval_strength": self.interval_strength,
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Self:
        """Rebuild and validate."""
        if require(state, "feature_names", list) != list(FEATURE_NAMES):
            raise StateError("artifact was fitted on other features than this code computes")
        pooling = require(state, "pooling", dict)
        n = len(FEATURE_NAMES)
        try:
            history = LaunchHistory.from_state(require(state, "history", dict))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StateError(f"artifact history is malformed: {exc}") from exc
        return cls(
            history=history,
            vehicle_provider={
                str(k): str(v) for k, v in require(state, "vehicle_provider", dict).items()
            },
            pooling=Pooling(
                family_strength=float(require(pooling, "family_strength", (int, float))),
                vehicle_strength=float(require(pooling, "vehicle_strength", (int, float))),
            ),
            coef=float_list(state, "coef", n),
            intercept=float(require(state, "intercept", (int, float))),
            mean=float_list(state, "mean", n),
            scale=float_list(state, "scale", n),
            interval_strength=float(require(state, "interval_strength", (int, float))),
        )

    def input_schema(self) -> dict[str, Any]:
        """Allowed inputs: known vehicles, pads and sites; any date."""
        return {
            "vehicle": {"type": "string", "known": sorted(self.history.vehicles)},
            "site": {"type": "string", "known": sorted({p.site for p in self.catalogue.pads()})},
            "pad": {"type": "string", "known": sorted({p.pad for p in self.catalogue.pads()})},
            "date": {"type": "datetime", "unit": "UTC"},
            "orbit": {"type": "string", "used": False},
            "payload_mass_kg": {"type": "number", "used": False},
        }

    def with_history(
        self, history: LaunchHistory, vehicle_provider: Mapping[str, str]
    ) -> LaunchFailurePredictor:
        """The same fitted model reading another history (the record as it stood earlier)."""
        return LaunchFailurePredictor(
            history=history,
            vehicle_provider=vehicle_provider,
            pooling=self.pooling,
            coef=self.coef,
            intercept=self.intercept,
            mean=self.mean,
            scale=self.scale,
            interval_strength=self.interval_strength,
        )

    # ---- catalogue ----------------------------------------------------------------------
    @property
    def cutoff(self) -> datetime | None:
        """Time of the last launch in the history."""
        return self.catalogue.cutoff

    # ---- prediction ----------------------------------------------------------------------
    def predict(self, query: LaunchQuery) -> ProbabilityPrediction:
        """Failure probability of one launch, from the history as of the data cutoff.

        Pure in (vehicle, site, pad, the moment the history is read at): repeated questions
        are answered from a memo of :data:`MEMO_SIZE` entries, with identical results.
        """
        day = to_day(query.when)
        key = (query.vehicle, query.site, query.pad, self.history.as_of(day))
        answer = self._memo.get(key)
        if answer is None:
            answer = self._compute(*key)
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = answer
        last = self.history.last_day
        context = dict(answer.context)
        context["before_data_cutoff"] = last is not None and day < last
        context["history_read_at_cutoff"] = last is not None and day > last
        if "pad" in answer.context:
            context["pad"] = context.pop("pad")  # keep the documented key order
        return ProbabilityPrediction(
            probability=answer.probability,
            interval=answer.interval,
            flags=dict(answer.flags),
            context=context,
        )

    def answer_key(self, query: LaunchQuery) -> Hashable:
        """Equal keys, equal predictions: what :meth:`predict` reads of a query.

        The vehicle, site and pad as asked, the moment the history is read at, and where the
        date falls against the data cutoff (orbit and payload mass are not used).
        """
        day = to_day(query.when)
        last = self.history.last_day
        before = last is not None and day < last
        after = last is not None and day > last
        return (query.vehicle, query.site, query.pad, self.history.as_of(day), before, after)

    def _compute(self, vehicle_asked: str, site: str | None, pad: str | None, at: float) -> _Answer:
        """Resolve the names and read the features at day ``at``; raises on a bad name."""
        vehicle = self.catalogue.resolve_vehicle(vehicle_asked)
        flags = {"unseen_vehicle": vehicle is None, "unseen_pad": False}
        name = vehicle if vehicle is not None else vehicle_asked
        family = self.history.vehicle_family.get(name, name)
        if pad is not None:
            resolved = self.catalogue.resolve_pad(pad, site)
            flags["unseen_pad"] = resolved is None
            if resolved is not None:
                site, pad = resolved
        ctx = read_context(
            self.history,
            day=at,
            vehicle=name,
            family=family,
            provider=self.vehicle_provider.get(name),
            site=site,
            pad=pad,
            pooling=self.pooling,
        )
        x = feature_vector(ctx)
        z = self.intercept
        for xi, m, s, c in zip(x, self.mean, self.scale, self.coef, strict=True):
            z += c * (xi - m) / s
        p = sigmoid(z)
        concentration = ctx.vehicle_flights + self.interval_strength
        interval = beta_interval(p, concentration, INTERVAL_LEVEL)
        context: dict[str, Any] = {
            "vehicle": name,
            "family": family,
            "vehicle_flights": ctx.vehicle_flights,
            "vehicle_failures": ctx.vehicle_failures,
            "family_flights": ctx.family_flights,
            "family_failures": ctx.family_failures,
            "family_flights_since_failure": ctx.family_flights_since_failure,
            "days_since_family_failure": ctx.days_since_family_failure,
            "family_failures_last_2y": ctx.family_failures_recent,
            "pooled_family_rate": ctx.family_rate,
            "pooled_vehicle_rate": ctx.vehicle_rate,
        }
        if pad is not None and site is not None:
            context["pad"] = pad_key(site, pad)
        return _Answer(
            probability=p,
            interval=interval,
            flags=MappingProxyType(flags),
            context=MappingProxyType(context),
        )
