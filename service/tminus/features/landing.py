"""Booster-landing features: the landing asked about and the programme's experience so far.

The programme's experience is every landing attempt with its outcome, read as of a moment
like the launch history (:class:`~tminus.features.history.Record`): an attempt reads only the
attempts before it, by training and serving alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

from tminus.features.history import Record

LandingType = Literal["ASDS", "RTLS", "Ocean"]
LANDING_TYPES: Final = ("ASDS", "RTLS", "Ocean")
# Inputs a planner gives that the model does not read: on 162 attempts with 13 failures the
# core's flight number, payload mass and orbit made the backtest worse (see the model card).
UNUSED_INPUTS: Final = ("core_flight", "payload_mass_kg", "orbit")

LANDING_FEATURES: Final = (
    "rtls",
    "ocean",
    "block",
    "log_programme_attempts",
    "logit_programme_rate",
)


@dataclass(frozen=True, slots=True)
class LandingExperience:
    """Landing attempts and successes of the whole programme up to a moment."""

    attempts: int = 0
    successes: int = 0

    @classmethod
    def at(cls, record: Record, t: float) -> LandingExperience:
        """The programme's record (attempts as launches, failed landings as failures) at ``t``."""
        before = record.at(t)
        return cls(attempts=before.flights, successes=before.flights - before.failures)

    @property
    def rate(self) -> float:
        """Success rate so far, smoothed towards one half."""
        return (self.successes + 1) / (self.attempts + 2)


def landing_features(
    experience: LandingExperience, *, landing_type: str, block: int
) -> list[float]:
    """The model's inputs, in :data:`LANDING_FEATURES` order."""
    rate = min(max(experience.rate, 1e-6), 1 - 1e-6)
    return [
        1.0 if landing_type == "RTLS" else 0.0,
        1.0 if landing_type == "Ocean" else 0.0,
        float(block),
        math.log1p(experience.attempts),
        math.log(rate / (1 - rate)),
    ]
