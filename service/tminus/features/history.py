"""Launch history as of a moment: the state every risk and timing feature is read from.

:class:`LaunchHistory` is fed launches in time order (:meth:`LaunchHistory.record`) and answers
questions about what was known *before* a moment. Training walks the launch table once, reading
features for each launch before recording it, so no feature can look ahead; the fitted artifact
stores the same state as of the data cutoff, so serving reads features with the same code.

Times are float days since the Unix epoch (see :mod:`tminus.features.timebase`).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import deque
from dataclasses import dataclass, field
from typing import Any

# How many of the newest outcomes a provider's "recent record" spans.
PROVIDER_WINDOW = 20
# How many of a pad's newest gaps the cadence features span.
PAD_GAP_WINDOW = 10
# Window of the "recent failures" features, in days.
RECENT_DAYS = 730.0
# Window of the global era rate, in days (five years).
ERA_DAYS = 5 * 365.25


@dataclass(slots=True)
class Record:
    """Flights and failures of one vehicle, family, pad or of everything."""

    flights: int = 0
    failures: int = 0
    first_day: float | None = None
    last_day: float | None = None
    last_failure_day: float | None = None
    flights_since_failure: int = 0
    failure_days: list[float] = field(default_factory=list)
    launch_days: list[float] = field(default_factory=list)

    def add(self, day: float, *, failed: bool) -> None:
        """Count one launch at ``day`` (days must arrive in non-decreasing order)."""
        self.flights += 1
        if self.first_day is None:
            self.first_day = day
        self.last_day = day
        self.launch_days.append(day)
        if failed:
            self.failures += 1
            self.last_failure_day = day
            self.flights_since_failure = 0
            self.failure_days.append(day)
        else:
            self.flights_since_failure += 1

    def failures_between(self, start: float, end: float) -> int:
        """Failures with ``start <= day < end``."""
        return bisect_left(self.failure_days, end) - bisect_left(self.failure_days, start)

    def launches_between(self, start: float, end: float) -> int:
        """Launches with ``start <= day < end``."""
        return bisect_left(self.launch_days, end) - bisect_left(self.launch_days, start)

    def to_state(self) -> dict[str, Any]:
        """A JSON-safe copy."""
        return {
            "flights": self.flights,
            "failures": self.failures,
            "first_day": self.first_day,
            "last_day": self.last_day,
            "last_failure_day": self.last_failure_day,
            "flights_since_failure": self.flights_since_failure,
            "failure_days": list(self.failure_days),
            "launch_days": list(self.launch_days),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Record:
        """Rebuild from :meth:`to_state` output, checking types."""
        return cls(
            flights=int(state["flights"]),
            failures=int(state["failures"]),
            first_day=_opt_float(state["first_day"]),
            last_day=_opt_float(state["last_day"]),
            last_failure_day=_opt_float(state["last_failure_day"]),
            flights_since_failure=int(state["flights_since_failure"]),
            failure_days=[float(d) for d in state["failure_days"]],
            launch_days=[float(d) for d in state["launch_days"]],
        )


def _opt_float(value: object) -> float | None:
    if value is None:
        return None
    if not isinstance(value, int | float):
        raise TypeError(f"expected a number or null, got {type(value).__name__}")
    return float(value)


@dataclass(slots=True)
class PadRecord:
    """A pad's launches and the gaps between them."""

    site: str
    pad: str
    flights: int = 0
    failures: int = 0
    last_day: float | None = None
    gaps: deque[float] = field(default_factory=lambda: deque(maxlen=PAD_GAP_WINDOW))
    vehicles: dict[str, int] = field(default_factory=dict)

    def add(self, day: float, vehicle: str, *, failed: bool) -> None:
        """Count one launch from this pad."""
        if self.last_day is not None:
            self.gaps.append(max(day - self.last_day, 0.0))
        self.flights += 1
        self.failures += int(failed)
        self.last_day = day
        self.vehicles[vehicle] = self.vehicles.get(vehicle, 0) + 1

    def to_state(self) -> dict[str, Any]:
        """A JSON-safe copy."""
        return {
            "site": self.site,
            "pad": self.pad,
            "flights": self.flights,
            "failures": self.failures,
            "last_day": self.last_day,
            "gaps": list(self.gaps),
            "vehicles": dict(self.vehicles),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> PadRecord:
        """Rebuild from :meth:`to_state` output."""
        record = cls(site=str(state["site"]), pad=str(state["pad"]))
        record.flights = int(state["flights"])
        record.failures = int(state["failures"])
        record.last_day = _opt_float(state["last_day"])
        record.gaps.extend(float(g) for g in state["gaps"])
        record.vehicles = {str(k): int(v) for k, v in dict(state["vehicles"]).items()}
        return record


def pad_key(site: str, pad: str) -> str:
    """The one spelling of a pad's identity: GCAT site code and pad code."""
    return f"{site}/{pad}"


@dataclass(slots=True)
class LaunchHistory:
    """Everything known about past launches, updated one launch at a time."""

    vehicles: dict[str, Record] = field(default_factory=dict)
    vehicle_family: dict[str, str] = field(default_factory=dict)
    families: dict[str, Record] = field(default_factory=dict)
    providers: dict[str, deque[int]] = field(default_factory=dict)
    pads: dict[str, PadRecord] = field(default_factory=dict)
    everything: Record = field(default_factory=Record)
    # Outcomes of each vehicle's first flights across all vehicles: the new-vehicle prior.
    early_flights: int = 0
    early_failures: int = 0
    last_day: float | None = None

    # ---- updates -------------------------------------------------------------------------
    def record(
        self,
        *,
        day: float,
        vehicle: str,
        family: str,
        provider: str,
        site: str | None,
        pad: str | None,
        failed: bool,
    ) -> None:
        """Add one launch. Launches must be recorded in time order."""
        if self.last_day is not None and day < self.last_day - 1e-9:
            raise ValueError(f"launches must be recorded in time order: {day} < {self.last_day}")
        self.last_day = day
        veh = self.vehicles.setdefault(vehicle, Record())
        if veh.flights < EARLY_FLIGHTS:
            self.early_flights += 1
            self.early_failures += int(failed)
        veh.add(day, failed=failed)
        self.vehicle_family[vehicle] = family
        self.families.setdefault(family, Record()).add(day, failed=failed)
        self.providers.setdefault(provider, deque(maxlen=PROVIDER_WINDOW)).append(int(failed))
        self.everything.add(day, failed=failed)
        if site is not None and pad is not None:
            key = pad_key(site, pad)
            self.pads.setdefault(key, PadRecord(site=site, pad=pad)).add(
                day, vehicle, failed=failed
            )

    # ---- reads ---------------------------------------------------------------------------
    def as_of(self, day: float) -> float:
        """The moment to read the history at for a question about ``day``.

        After the last recorded launch nothing more is known: reading windows ("failures in
        the last two years", "launches in the last year") at a later day would count the
        data gap as quiet time, so later questions are read as of the last launch.
        """
        return day if self.last_day is None else min(day, self.last_day)

    def family_of(self, vehicle: str) -> str | None:
        """The family a known vehicle belongs to, else None."""
        return self.vehicle_family.get(vehicle)

    def global_rate(self) -> float:
        """Failure rate over everything so far, Laplace-smoothed."""
        return (self.everything.failures + 1) / (self.everything.flights + 2)

    def new_vehicle_rate(self) -> float:
        """Failure rate of vehicles' first :data:`EARLY_FLIGHTS` flights so far, smoothed."""
        return (self.early_failures + 1) / (self.early_flights + 3)

    def era_rate(self, day: float) -> float:
        """Smoothed failure rate of all launches in the :data:`ERA_DAYS` before ``day``."""
        start = day - ERA_DAYS
        n = self.everything.launches_between(start, day)
        k = self.everything.failures_between(start, day)
        return (k + 1) / (n + 2)

    def provider_rate(self, provider: str) -> tuple[float, int]:
        """Smoothed failure rate of the provider's last launches and how many there were."""
        outcomes = self.providers.get(provider)
        if not outcomes:
            return self.global_rate(), 0
        prior = self.global_rate()
        return (sum(outcomes) + 2 * prior) / (len(outcomes) + 2), len(outcomes)

    def to_state(self) -> dict[str, Any]:
        """A JSON-safe copy of the whole state."""
        return {
            "vehicles": {k: v.to_state() for k, v in self.vehicles.items()},
            "vehicle_family": dict(self.vehicle_family),
            "families": {k: v.to_state() for k, v in self.families.items()},
            "providers": {k: list(v) for k, v in self.providers.items()},
            "pads": {k: v.to_state() for k, v in self.pads.items()},
            "everything": self.everything.to_state(),
            "early_flights": self.early_flights,
            "early_failures": self.early_failures,
            "last_day": self.last_day,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> LaunchHistory:
        """Rebuild from :meth:`to_state` output."""
        history = cls()
        history.vehicles = {str(k): Record.from_state(v) for k, v in state["vehicles"].items()}
        history.vehicle_family = {str(k): str(v) for k, v in state["vehicle_family"].items()}
        history.families = {str(k): Record.from_state(v) for k, v in state["families"].items()}
        history.providers = {
            str(k): deque((int(x) for x in v), maxlen=PROVIDER_WINDOW)
            for k, v in state["providers"].items()
        }
        history.pads = {str(k): PadRecord.from_state(v) for k, v in state["pads"].items()}
        history.everything = Record.from_state(state["everything"])
        history.early_flights = int(state["early_flights"])
        history.early_failures = int(state["early_failures"])
        history.last_day = _opt_float(state["last_day"])
        return history


# A vehicle's first this-many flights count towards the new-vehicle prior.
EARLY_FLIGHTS = 3


def logit(p: float) -> float:
    """log(p / (1 - p)), clipped away from 0 and 1."""
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))
