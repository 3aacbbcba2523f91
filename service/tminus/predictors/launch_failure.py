"""``launch_failure``: probability that an orbital launch fails, with a 90% interval."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
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

    # ---- catalogue ----------------------------------------------------------------------
    @property
    def cutoff(self) -> datetime | None:
        """Time of the last launch in the history."""
        return self.catalogue.cutoff

    # ---- prediction ----------------------------------------------------------------------
    def predict(self, query: LaunchQuery) -> ProbabilityPrediction:
        """Failure probability of one launch, from the history as of the data cutoff."""
        vehicle = self.catalogue.resolve_vehicle(query.vehicle)
        flags = {"unseen_vehicle": vehicle is None, "unseen_pad": False}
        name = vehicle if vehicle is not None else query.vehicle
        family = self.history.vehicle_family.get(name, name)
        site, pad = query.site, query.pad
        if query.pad is not None:
            resolved = self.catalogue.resolve_pad(query.pad, query.site)
            flags["unseen_pad"] = resolved is None
            if resolved is not None:
                site, pad = resolved
        day = to_day(query.when)
        ctx = read_context(
            self.history,
            day=self.history.as_of(day),
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
        last = self.history.last_day
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
            "before_data_cutoff": last is not None and day < last,
            "history_read_at_cutoff": last is not None and day > last,
        }
        if pad is not None and site is not None:
            context["pad"] = pad_key(site, pad)
        return ProbabilityPrediction(probability=p, interval=interval, flags=flags, context=context)
