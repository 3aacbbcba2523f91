"""``booster_landing``: probability that a Falcon booster landing succeeds."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self

from tminus.features.history import Record
from tminus.features.landing import (
    ALL_LANDING_FEATURES,
    INPUT_OF,
    LANDING_TYPES,
    LandingExperience,
    landing_features,
)
from tminus.features.timebase import from_day, to_day
from tminus.predictors.base import (
    Predictor,
    ProbabilityPrediction,
    QueryError,
    StateError,
    require,
)
from tminus.predictors.logistic import PosteriorLogistic

MAX_BLOCK = 5


@dataclass(frozen=True, slots=True)
class LandingQuery:
    """One landing attempt as a planner describes it."""

    date: datetime
    landing_type: str
    core_flight: int = 1
    block: int | None = None
    payload_mass_kg: float | None = None
    orbit: str | None = None
    vehicle: str | None = None


class BoosterLandingPredictor(Predictor):
    """Logistic regression with a posterior interval, plus the programme's experience.

    ``feature_names`` is the feature set training chose (on past attempts only); the planner's
    inputs it does not read are listed in each answer's ``context.inputs_not_used``.
    """

    kind: ClassVar[str] = "tminus.booster_landing.v4"
    model: ClassVar[str] = "booster_landing"
    output = "probability"

    def __init__(
        self,
        *,
        feature_names: tuple[str, ...],
        weights: PosteriorLogistic,
        attempts: Record,
        record_end: float | None,
        default_block: int,
        default_payload_mass_kg: float,
        orbits: list[str],
    ) -> None:
        unknown = [n for n in feature_names if n not in ALL_LANDING_FEATURES]
        if unknown or weights.coef.shape != (len(feature_names),):
            raise StateError(f"booster features {list(feature_names)} do not match the weights")
        self.feature_names = tuple(feature_names)
        self.weights = weights
        # Every landing attempt (as a launch) and failed landing (as a failure), in time order.
        self.attempts = attempts
        # The last launch the source lists (the data cutoff), with or without a landing result.
        self.record_end = record_end
        self.default_block = default_block
        self.default_payload_mass_kg = default_payload_mass_kg
        self.orbits = orbits
        self.unused_inputs = [
            name for feature, name in INPUT_OF.items() if feature not in self.feature_names
        ]

    @property
    def last_day(self) -> float | None:
        """Moment of the last launch the landing record covers (the data cutoff)."""
        if self.record_end is not None:
            return self.record_end
        return self.attempts.launch_days[-1] if self.attempts.launch_days else None

    @property
    def horizon(self) -> float | None:
        """Midnight after the last attempt's day: later dates are read here."""
        last = self.last_day
        return None if last is None else math.floor(last) + 1.0

    def to_state(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {
            "feature_names": list(self.feature_names),
            "weights": self.weights.to_state(),
            "attempts": self.attempts.to_state(),
            "record_end": self.record_end,
            "default_block": self.default_block,
            "default_payload_mass_kg": self.default_payload_mass_kg,
            "orbits": list(self.orbits),
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Self:
        """Rebuild and validate."""
        names = tuple(str(n) for n in require(state, "feature_names", list))
        if any(n not in ALL_LANDING_FEATURES for n in names):
            raise StateError("artifact was fitted on other features than this code computes")
        try:
            attempts = Record.from_state(require(state, "attempts", dict))
        except (KeyError, TypeError, ValueError) as exc:
            raise StateError(f"artifact landing record is malformed: {exc}") from exc
        return cls(
            feature_names=names,
            weights=PosteriorLogistic.from_state(require(state, "weights", dict), len(names)),
            attempts=attempts,
            record_end=_opt_day(state.get("record_end")),
            default_block=int(require(state, "default_block", int)),
            default_payload_mass_kg=float(require(state, "default_payload_mass_kg", (int, float))),
            orbits=[str(o) for o in require(state, "orbits", list)],
        )

    def input_schema(self) -> dict[str, Any]:
        """Allowed inputs."""
        return {
            "landing_type": {"type": "string", "allowed": list(LANDING_TYPES)},
            "block": {"type": "integer", "min": 1, "max": MAX_BLOCK, "default": self.default_block},
            "core_flight": {
                "type": "integer",
                "min": 1,
                "max": 50,
                "used": "core_flight" not in self.unused_inputs,
            },
            "payload_mass_kg": {
                "type": "number",
                "min": 0,
                "max": 70_000,
                "default": self.default_payload_mass_kg,
                "used": "payload_mass_kg" not in self.unused_inputs,
            },
            "orbit": {
                "type": "string",
                "known": self.orbits,
                "used": "orbit" not in self.unused_inputs,
            },
            "date": {"type": "datetime", "unit": "UTC"},
        }

    def predict(self, query: LandingQuery) -> ProbabilityPrediction:
        """Probability that the landing succeeds, with a 90% interval (its uncertainty)."""
        if query.landing_type not in LANDING_TYPES:
            raise QueryError(
                "landing_type",
                f"landing_type must be one of {', '.join(LANDING_TYPES)}",
                suggestions=LANDING_TYPES,
            )
        block = self.default_block if query.block is None else query.block
        day = to_day(query.date)
        horizon = self.horizon
        t = day if horizon is None else min(day, horizon)
        experience = LandingExperience.at(self.attempts, t)
        mass = (
            self.default_payload_mass_kg if query.payload_mass_kg is None else query.payload_mass_kg
        )
        x = landing_features(
            experience,
            landing_type=query.landing_type,
            block=block,
            core_flight=query.core_flight,
            payload_mass_kg=mass,
            orbit=query.orbit,
            names=self.feature_names,
        )
        p, interval = self.weights.predict(x)
        flags = {"block_assumed": query.block is None}
        if "payload_mass_kg" not in self.unused_inputs:
            flags["payload_mass_assumed"] = query.payload_mass_kg is None
        context: dict[str, Any] = {
            "landing_type": query.landing_type,
            "block": block,
            "core_flight": query.core_flight,
            "payload_mass_kg": mass,
            "orbit": query.orbit,
            "programme_landing_attempts": experience.attempts,
            "programme_landing_successes": experience.successes,
            "inputs_not_used": list(self.unused_inputs),
            "history_read_at_cutoff": horizon is not None and day > horizon,
        }
        last = self.last_day
        return ProbabilityPrediction(
            probability=p,
            interval=interval,
            flags=flags,
            context=context,
            as_of=from_day(t),
            days_past_cutoff=0 if last is None else max(math.floor(day) - math.floor(last), 0),
        )


def _opt_day(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise StateError(f"artifact state 'record_end' should be a number, got {value!r}")
    return float(value)
