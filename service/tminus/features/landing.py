"""Booster-landing features: the landing asked about and the programme's experience so far."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

LandingType = Literal["ASDS", "RTLS", "Ocean"]
LANDING_TYPES: Final = ("ASDS", "RTLS", "Ocean")
# Orbits that leave little propellant for the booster's return.
HIGH_ENERGY_ORBITS: Final = frozenset({"GTO", "GEO", "HEO", "MEO", "TLI", "ES-L1", "HCO", "SO"})

LANDING_FEATURES: Final = (
    "rtls",
    "ocean",
    "block",
    "log_prior_core_flights",
    "log_payload_tonnes",
    "high_energy_orbit",
    "log_programme_attempts",
    "logit_programme_rate",
)


@dataclass(slots=True)
class LandingExperience:
    """Landing attempts and successes of the whole programme so far."""

    attempts: int = 0
    successes: int = 0

    def add(self, *, success: bool) -> None:
        """Count one landing attempt."""
        self.attempts += 1
        self.successes += int(success)

    @property
    def rate(self) -> float:
        """Success rate so far, smoothed towards one half."""
        return (self.successes + 1) / (self.attempts + 2)


def landing_features(
    experience: LandingExperience,
    *,
    landing_type: str,
    block: int,
    core_flight: int,
    payload_mass_kg: float,
    orbit: str | None,
) -> list[float]:
    """The model's inputs, in :data:`LANDING_FEATURES` order. Missing values must be filled."""
    rate = min(max(experience.rate, 1e-6), 1 - 1e-6)
    return [
        1.0 if landing_type == "RTLS" else 0.0,
        1.0 if landing_type == "Ocean" else 0.0,
        float(block),
        math.log1p(max(core_flight - 1, 0)),
        math.log1p(max(payload_mass_kg, 0.0) / 1000.0),
        1.0 if orbit is not None and orbit in HIGH_ENERGY_ORBITS else 0.0,
        math.log1p(experience.attempts),
        math.log(rate / (1 - rate)),
    ]
