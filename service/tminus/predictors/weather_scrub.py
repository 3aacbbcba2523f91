"""``weather_scrub``: probability that a Cape launch attempt is scrubbed for weather."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Self

from tminus.features.weather import WEATHER_FEATURES, WEATHER_INPUTS, weather_features
from tminus.predictors.base import (
    Predictor,
    ProbabilityPrediction,
    StateError,
    float_list,
    require,
)
from tminus.predictors.logistic import PosteriorLogistic


@dataclass(frozen=True, slots=True)
class WeatherQuery:
    """Sensor summaries over the ~4 hours before T-0 (missing ones are filled in)."""

    date: datetime
    values: Mapping[str, float | None] = field(default_factory=dict)


class WeatherScrubPredictor(Predictor):
    """Strongly regularised logistic regression with a 90% interval on its probability."""

    kind: ClassVar[str] = "tminus.weather_scrub.v2"
    model: ClassVar[str] = "weather_scrub"
    output = "probability"

    def __init__(
        self,
        *,
        weights: PosteriorLogistic,
        fill: Mapping[str, float],
        ranges: Mapping[str, tuple[float, float]],
        base_rate: float,
    ) -> None:
        missing = [name for name in WEATHER_INPUTS if name not in fill or name not in ranges]
        if missing:
            raise StateError(f"weather artifact lacks fill values or ranges for {missing}")
        self.weights = weights
        self.fill = dict(fill)
        self.ranges = dict(ranges)
        self.base_rate = base_rate

    def to_state(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {
            "feature_names": list(WEATHER_FEATURES),
            "weights": self.weights.to_state(),
            "fill": dict(self.fill),
            "ranges": {k: list(v) for k, v in self.ranges.items()},
            "base_rate": self.base_rate,
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Self:
        """Rebuild and validate."""
        if require(state, "feature_names", list) != list(WEATHER_FEATURES):
            raise StateError("artifact was fitted on other features than this code computes")
        fill = require(state, "fill", dict)
        ranges = require(state, "ranges", dict)
        return cls(
            weights=PosteriorLogistic.from_state(
                require(state, "weights", dict), len(WEATHER_FEATURES)
            ),
            fill={str(k): float(require(fill, k, (int, float))) for k in fill},
            ranges={
                str(k): (float_list(ranges, k, 2)[0], float_list(ranges, k, 2)[1]) for k in ranges
            },
            base_rate=float(require(state, "base_rate", (int, float))),
        )

    def input_schema(self) -> dict[str, Any]:
        """Each sensor summary with the range seen in training and its fill value."""
        return {
            name: {
                "type": "number",
                "seen_min": self.ranges[name][0],
                "seen_max": self.ranges[name][1],
                "fill": self.fill[name],
            }
            for name in WEATHER_INPUTS
        }

    def predict(self, query: WeatherQuery) -> ProbabilityPrediction:
        """Scrub probability with a 90% interval (its uncertainty given the data)."""
        x, filled = weather_features(query.values, self.fill)
        p, interval = self.weights.predict(x)
        outside = [
            name
            for name in WEATHER_INPUTS
            if (v := query.values.get(name)) is not None
            and not self.ranges[name][0] <= v <= self.ranges[name][1]
        ]
        flags = {"inputs_filled": bool(filled), "outside_training_range": bool(outside)}
        context: dict[str, Any] = {
            "filled_inputs": filled,
            "outside_training_range": outside,
            "historical_scrub_rate": self.base_rate,
        }
        return ProbabilityPrediction(probability=p, interval=interval, flags=flags, context=context)
