"""``pad_turnaround`` and ``return_to_flight``: durations in days as 10/50/90% quantiles.

Both are linear quantile regressions on log(1 + days), one per quantile, evaluated by hand;
the history as of the data cutoff supplies the features.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self

from tminus.features.cadence import PAD_FEATURES, RTF_FEATURES, pad_features, rtf_features
from tminus.features.history import LaunchHistory, pad_key
from tminus.features.timebase import to_day
from tminus.predictors.base import (
    Predictor,
    QuantilePrediction,
    QueryError,
    StateError,
    float_list,
    require,
)
from tminus.predictors.catalogue import Catalogue

QUANTILE_KEYS = ("p10", "p50", "p90")
# Durations are capped at this many days when back-transformed (about 30 years).
MAX_DAYS = 11_000.0


@dataclass(frozen=True, slots=True)
class QuantileWeights:
    """Per-quantile linear weights on standardised features, predicting log(1 + days)."""

    mean: list[float]
    scale: list[float]
    coef: list[list[float]]
    intercept: list[float]

    def predict(self, x: list[float]) -> tuple[float, float, float]:
        """Days at the 10/50/90% quantiles, sorted so they never cross."""
        z = [(xi - m) / s for xi, m, s in zip(x, self.mean, self.scale, strict=True)]
        out = []
        for coef, b in zip(self.coef, self.intercept, strict=True):
            log_days = b + sum(c * zi for c, zi in zip(coef, z, strict=True))
            out.append(min(max(math.expm1(log_days), 0.0), MAX_DAYS))
        out.sort()
        return out[0], out[1], out[2]

    def to_state(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {
            "mean": self.mean,
            "scale": self.scale,
            "coef": self.coef,
            "intercept": self.intercept,
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any], n_features: int) -> QuantileWeights:
        """Rebuild and check shapes."""
        coef = require(state, "coef", list)
        if len(coef) != 3:
            raise StateError("expected weights for three quantiles")
        rows = [float_list({"row": row}, "row", n_features) for row in coef]
        scale = float_list(state, "scale", n_features)
        if any(s <= 0 for s in scale):
            raise StateError("feature scales must be positive")
        return cls(
            mean=float_list(state, "mean", n_features),
            scale=scale,
            coef=rows,
            intercept=float_list(state, "intercept", 3),
        )


@dataclass(frozen=True, slots=True)
class PadQuery:
    """A launch of ``vehicle`` (optional) from ``pad`` on ``when``: when is the pad's next?"""

    pad: str
    when: datetime
    site: str | None = None
    vehicle: str | None = None


@dataclass(frozen=True, slots=True)
class FailureQuery:
    """``vehicle`` fails on ``when``: when does its family fly again?"""

    vehicle: str
    when: datetime


class _HistoryQuantilePredictor(Predictor):
    """Shared state handling: a launch history plus quantile weights."""

    output = "quantiles"
    features: ClassVar[tuple[str, ...]]

    def __init__(self, *, history: LaunchHistory, weights: QuantileWeights) -> None:
        self.history = history
        self.weights = weights
        self.catalogue = Catalogue(history, {})

    def to_state(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {
            "feature_names": list(self.features),
            "history": self.history.to_state(),
            "weights": self.weights.to_state(),
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Self:
        """Rebuild and validate."""
        if require(state, "feature_names", list) != list(cls.features):
            raise StateError("artifact was fitted on other features than this code computes")
        try:
            history = LaunchHistory.from_state(require(state, "history", dict))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StateError(f"artifact history is malformed: {exc}") from exc
        weights = QuantileWeights.from_state(require(state, "weights", dict), len(cls.features))
        return cls(history=history, weights=weights)

    def resolve_vehicle(self, name: str) -> str | None:
        """Known spelling, None if unseen, :class:`QueryError` on a near miss."""
        return self.catalogue.resolve_vehicle(name)


class PadTurnaroundPredictor(_HistoryQuantilePredictor):
    """Days from a launch to the next launch from the same pad."""

    kind: ClassVar[str] = "tminus.pad_turnaround.v1"
    task: ClassVar[str] = "pad_turnaround"
    features = PAD_FEATURES

    def input_schema(self) -> dict[str, Any]:
        """Known pads and sites; vehicle optional."""
        return {
            "pad": {
                "type": "string",
                "required": True,
                "known": sorted({p.pad for p in self.history.pads.values()}),
            },
            "site": {
                "type": "string",
                "known": sorted({p.site for p in self.history.pads.values()}),
            },
            "vehicle": {"type": "string", "required": False},
            "date": {"type": "datetime", "unit": "UTC"},
        }

    def predict(self, query: PadQuery) -> QuantilePrediction:
        """Quantiles of the days until the pad's next launch after one on ``query.when``."""
        resolved = self.catalogue.resolve_pad(query.pad, query.site)
        if resolved is None:
            raise QueryError(
                "pad",
                f"no launch from pad {query.pad!r} is on record, so its turnaround is unknown; "
                "see GET /v1/pads for known pads",
            )
        site, pad = resolved
        family = None
        vehicle = None
        if query.vehicle is not None:
            vehicle = self.resolve_vehicle(query.vehicle)
            family = self.history.vehicle_family.get(vehicle) if vehicle else None
        if family is None:
            record = self.history.pads[pad_key(site, pad)]
            usual = max(record.vehicles, key=lambda v: record.vehicles[v])
            family = self.history.vehicle_family.get(usual)
        day = to_day(query.when)
        x, context = pad_features(
            self.history, site=site, pad=pad, family=family, day=self.history.as_of(day)
        )
        p10, p50, p90 = self.weights.predict(x)
        last = self.history.last_day
        context_out: dict[str, Any] = {**context, "pad": pad_key(site, pad), "family": family}
        context_out["before_data_cutoff"] = last is not None and day < last
        context_out["history_read_at_cutoff"] = last is not None and day > last
        flags = {"unseen_vehicle": query.vehicle is not None and vehicle is None}
        return QuantilePrediction(
            p10=p10, p50=p50, p90=p90, start=query.when, flags=flags, context=context_out
        )


class ReturnToFlightPredictor(_HistoryQuantilePredictor):
    """Days from a failure to the family's next launch."""

    kind: ClassVar[str] = "tminus.return_to_flight.v1"
    task: ClassVar[str] = "return_to_flight"
    features = RTF_FEATURES

    def input_schema(self) -> dict[str, Any]:
        """Known vehicles; the failure date."""
        return {
            "vehicle": {"type": "string", "known": sorted(self.history.vehicles)},
            "date": {"type": "datetime", "unit": "UTC", "meaning": "date of the failure"},
        }

    def predict(self, query: FailureQuery) -> QuantilePrediction:
        """Quantiles of the days from a failure on ``query.when`` to the family's next launch."""
        vehicle = self.resolve_vehicle(query.vehicle)
        name = vehicle if vehicle is not None else query.vehicle
        family = self.history.vehicle_family.get(name, name)
        day = to_day(query.when)
        x, context = rtf_features(
            self.history, vehicle=name, family=family, day=self.history.as_of(day)
        )
        p10, p50, p90 = self.weights.predict(x)
        last = self.history.last_day
        context_out: dict[str, Any] = {**context, "vehicle": name, "family": family}
        context_out["before_data_cutoff"] = last is not None and day < last
        context_out["history_read_at_cutoff"] = last is not None and day > last
        flags = {"unseen_vehicle": vehicle is None}
        return QuantilePrediction(
            p10=p10, p50=p50, p90=p90, start=query.when, flags=flags, context=context_out
        )
