"""Booster-landing features: the landing asked about and the programme's experience so far.

The programme's experience is every landing attempt with its outcome, read as of a moment
like the launch history (:class:`~tminus.features.history.Record`): an attempt reads only the
attempts before it, by training and serving alike.

Two feature sets are candidates, chosen in training inside each backtest fold on past
attempts only: ``narrow`` (landing type, block, the programme's record) and ``full`` (also the
core's earlier flights, the payload mass and whether the orbit is high-energy).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

from tminus.features.history import Record

LandingType = Literal["ASDS", "RTLS", "Ocean"]
LANDING_TYPES: Final = ("ASDS", "RTLS", "Ocean")
# Orbits that leave little propellant for the booster's return.
HIGH_ENERGY_ORBITS: Final = frozenset({"GTO", "GEO", "HEO", "MEO", "TLI", "ES-L1", "HCO", "SO"})

ALL_LANDING_FEATURES: Final = (
    "rtls",
    "ocean",
    "block",
    "log_programme_attempts",
    "logit_programme_rate",
    "log_prior_core_flights",
    "log_payload_tonnes",
    "high_energy_orbit",
)
FEATURE_SETS: Final[dict[str, tuple[str, ...]]] = {
    "narrow": ALL_LANDING_FEATURES[:5],
    "full": ALL_LANDING_FEATURES,
}
# The planner's inputs each extra feature reads.
INPUT_OF: Final = {
    "log_prior_core_flights": "core_flight",
    "log_payload_tonnes": "payload_mass_kg",
    "high_energy_orbit": "orbit",
}


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
    experience: LandingExperience,
    *,
    landing_type: str,
    block: int,
    core_flight: int,
    payload_mass_kg: float,
    orbit: str | None,
    names: tuple[str, ...] = ALL_LANDING_FEATURES,
) -> list[float]:
    """The model's inputs, in the order of ``names`` (a subset of :data:`ALL_LANDING_FEATURES`)."""
    rate = min(max(experience.rate, 1e-6), 1 - 1e-6)
    values = {
        "rtls": 1.0 if landing_type == "RTLS" else 0.0,
        "ocean": 1.0 if landing_type == "Ocean" else 0.0,
        "block": float(block),
        "log_programme_attempts": math.log1p(experience.attempts),
        "logit_programme_rate": math.log(rate / (1 - rate)),
        "log_prior_core_flights": math.log1p(max(core_flight - 1, 0)),
        "log_payload_tonnes": math.log1p(max(payload_mass_kg, 0.0) / 1000.0),
        "high_energy_orbit": 1.0 if orbit is not None and orbit in HIGH_ENERGY_ORBITS else 0.0,
    }
    return [values[name] for name in names]
