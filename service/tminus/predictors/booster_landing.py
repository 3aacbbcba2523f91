"""``booster_landing``: probability that a Falcon booster landing succeeds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self

from tminus.features.landing import (
    LANDING_FEATURES,
    LANDING_TYPES,
    UNUSED_INPUTS,
    LandingExperience,
    landing_features,
)
from tminus.predictors.base import (
    Predictor,
    ProbabilityPrediction,
    QueryError,
    StateError,
    require,
)
from tminus.predictors.logistic import BootstrapLogistic

MAX_BLOCK = 5


@dataclass(frozen=True, slots=True)
class LandingQuery:
    """One landing attempt as a planner describes it."""

    when: datetime
    landing_type: str
    core_flight: int = 1
    block: int | None = None
    payload_mass_kg: float | None = None
    orbit: str | None = None
    vehicle: str | None = None


class BoosterLandingPredictor(Predictor):
    """Logistic regression with a bootstrap interval, plus the programme's experience."""

    kind: ClassVar[str] = "tminus.booster_landing.v2"
    task: ClassVar[str] = "booster_landing"
    output = "probability"

    def __init__(
        self,
        *,
        weights: BootstrapLogistic,
        experience: LandingExperience,
        default_block: int,
        orbits: list[str],
        last_day: float | None,
    ) -> None:
        self.weights = weights
        self.experience = experience
        self.default_block = default_block
        self.orbits = orbits
        self.last_day = last_day

    def to_state(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {
            "feature_names": list(LANDING_FEATURES),
            "weights": self.weights.to_state(),
            "experience": {
                "attempts": self.experience.attempts,
                "successes": self.experience.successes,
            },
            "default_block": self.default_block,
            "orbits": list(self.orbits),
            "last_day": self.last_day,
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Self:
        """Rebuild and validate."""
        if require(state, "feature_names", list) != list(LANDING_FEATURES):
            raise StateError("artifact was fitted on other features than this code computes")
        exp = require(state, "experience", dict)
        last = state.get("last_day")
        return cls(
            weights=BootstrapLogistic.from_state(
                require(state, "weights", dict), len(LANDING_FEATURES)
            ),
            experience=LandingExperience(
                attempts=int(require(exp, "attempts", int)),
                successes=int(require(exp, "successes", int)),
            ),
            default_block=int(require(state, "default_block", int)),
            orbits=[str(o) for o in require(state, "orbits", list)],
            last_day=None if last is None else float(last),
        )

    def input_schema(self) -> dict[str, Any]:
        """Allowed inputs."""
        return {
            "landing_type": {"type": "string", "allowed": list(LANDING_TYPES)},
            "block": {"type": "integer", "min": 1, "max": MAX_BLOCK, "default": self.default_block},
            "core_flight": {"type": "integer", "min": 1, "max": 50, "used": False},
            "payload_mass_kg": {"type": "number", "min": 0, "max": 70_000, "used": False},
            "orbit": {"type": "string", "known": self.orbits, "used": False},
            "date": {"type": "datetime", "unit": "UTC"},
        }

    def predict(self, query: LandingQuery) -> ProbabilityPrediction:
        """Probability that the landing succeeds, with a bootstrap 90% interval."""
        if query.landing_type not in LANDING_TYPES:
            raise QueryError(
                "landing_type",
                f"landing_type must be one of {', '.join(LANDING_TYPES)}",
                suggestions=LANDING_TYPES,
            )
        block = self.default_block if query.block is None else query.block
        x = landing_features(self.experience, landing_type=query.landing_type, block=block)
        p, interval = self.weights.predict(x)
        flags = {"block_assumed": query.block is None}
        context: dict[str, Any] = {
            "landing_type": query.landing_type,
            "block": block,
            "programme_landing_attempts": self.experience.attempts,
            "programme_landing_successes": self.experience.successes,
            "inputs_not_used": list(UNUSED_INPUTS),
        }
        return ProbabilityPrediction(probability=p, interval=interval, flags=flags, context=context)
