"""Launch history, and that history read as of any moment.

:class:`LaunchHistory` is fed every launch in time order (:meth:`LaunchHistory.record`) and
keeps each vehicle's, family's, provider's and pad's whole timeline. :meth:`LaunchHistory.at`
reads it as of a moment ``t``: a :class:`HistoryAt` sees only launches strictly before ``t``,
by bisecting those timelines, so a question about 2010 is answered from what was known in 2010
and no feature can look ahead.

The launch-failure features are read through the columnar index built from this history
(:mod:`tminus.features.asof_index`), by training for every launch at its own moment and by
the service for a question's moment: one code path, so the features the service reads for a
past launch are the features training computed for it. The timing models, the catalogue and
the planner read the history launch by launch through :class:`HistoryAt`; tests hold the index
to it.

A history is saved as the sequence of its launches (:class:`LaunchLog`, columns) and rebuilt
from it with a sort per grouping. Times are float days since the Unix epoch (see
:mod:`tminus.features.timebase`).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, ClassVar, Final

import numpy as np
from numpy.typing import NDArray

# How many of the newest outcomes a provider's "recent record" spans.
PROVIDER_WINDOW: Final = 20
# How many of a pad's newest gaps the cadence features span.
PAD_GAP_WINDOW: Final = 10
# Window of the "recent failures" features, in days.
RECENT_DAYS: Final = 730.0
# Window of the global era rate, in days (five years).
ERA_DAYS: Final = 5 * 365.25
# Window of the trailing rate that pooled estimates shrink towards, in days (ten years).
TRAILING_DAYS: Final = 10 * 365.25
# A launch of a family with fewer earlier flights than this is a development launch: it counts
# towards its own vehicle, family and the new-vehicle prior, and towards its provider's record
# for the provider's other young families, but not towards the operational record that mature
# vehicles are read against (a test campaign of one family says little about another's
# production vehicle).
DEVELOPMENT_FLIGHTS: Final = 20
# A vehicle's first this-many flights count towards the new-vehicle prior.
EARLY_FLIGHTS: Final = 3
YEAR_DAYS: Final = 365.25


@dataclass(slots=True)
class Record:
    """Every launch (and failure) of one vehicle, family, provider or of everything.

    ``launch_days`` and ``failure_days`` are kept sorted (launches arrive in time order);
    the counts of any earlier moment are read by bisection (:meth:`at`).
    """

    launch_days: list[float] = field(default_factory=list)
    failure_days: list[float] = field(default_factory=list)

    def add(self, day: float, *, failed: bool) -> None:
        """Count one launch at ``day`` (days must arrive in non-decreasing order)."""
        self.launch_days.append(day)
        if failed:
            self.failure_days.append(day)

    @property
    def flights(self) -> int:
        """Launches on record."""
        return len(self.launch_days)

    @property
    def failures(self) -> int:
        """Failures on record."""
        return len(self.failure_days)

    def at(self, t: float) -> RecordAt:
        """The record as it stood just before moment ``t`` (launches at ``t`` excluded)."""
        n = bisect_left(self.launch_days, t)
        k = bisect_left(self.failure_days, t)
        last_failure = self.failure_days[k - 1] if k else None
        since = n if last_failure is None else n - bisect_right(self.launch_days, last_failure)
        return RecordAt(
            flights=n,
            failures=k,
            first_day=self.launch_days[0] if n else None,
            last_day=self.launch_days[n - 1] if n else None,
            last_failure_day=last_failure,
            flights_since_failure=max(since, 0),
        )

    def failures_between(self, start: float, end: float) -> int:
        """Failures with ``start <= day < end``."""
        return bisect_left(self.failure_days, end) - bisect_left(self.failure_days, start)

    def launches_between(self, start: float, end: float) -> int:
        """Launches with ``start <= day < end``."""
        return bisect_left(self.launch_days, end) - bisect_left(self.launch_days, start)

    def to_state(self) -> dict[str, Any]:
        """A JSON-safe copy."""
        return {"launch_days": list(self.launch_days), "failure_days": list(self.failure_days)}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Record:
        """Rebuild from :meth:`to_state` output, checking types and order."""
        record = cls(
            launch_days=_float_list(state["launch_days"]),
            failure_days=_float_list(state["failure_days"]),
        )
        _check_sorted(record.launch_days, "launch_days")
        _check_sorted(record.failure_days, "failure_days")
        return record


@dataclass(frozen=True, slots=True)
class RecordAt:
    """A :class:`Record` as it stood at one moment."""

    flights: int = 0
    failures: int = 0
    first_day: float | None = None
    last_day: float | None = None
    last_failure_day: float | None = None
    flights_since_failure: int = 0


EMPTY_RECORD: Final = Record()


def in_development(family: RecordAt) -> bool:
    """Whether a family with this record flies a development launch next (few flights)."""
    return family.flights < DEVELOPMENT_FLIGHTS


@dataclass(slots=True)
class PadRecord:
    """A pad's launches in time order, with the vehicle of each."""

    site: str
    pad: str
    days: list[float] = field(default_factory=list)
    vehicles: list[str] = field(default_factory=list)
    failure_days: list[float] = field(default_factory=list)

    def add(self, day: float, vehicle: str, *, failed: bool) -> None:
        """Count one launch from this pad."""
        self.days.append(day)
        self.vehicles.append(vehicle)
        if failed:
            self.failure_days.append(day)

    def at(self, t: float) -> PadAt:
        """The pad as it stood just before moment ``t``."""
        n = bisect_left(self.days, t)
        recent = self.days[max(n - PAD_GAP_WINDOW - 1, 0) : n]
        return PadAt(
            site=self.site,
            pad=self.pad,
            flights=n,
            failures=bisect_left(self.failure_days, t),
            first_day=self.days[0] if n else None,
            last_day=self.days[n - 1] if n else None,
            gaps=tuple(max(b - a, 0.0) for a, b in pairwise(recent)),
            launches_last_year=n - bisect_left(self.days, t - YEAR_DAYS),
        )

    def vehicles_at(self, t: float) -> list[tuple[str, int]]:
        """The vehicles that launched from the pad before ``t``, most launches first."""
        return Counter(self.vehicles[: bisect_left(self.days, t)]).most_common()

    def to_state(self) -> dict[str, Any]:
        """A JSON-safe copy."""
        return {
            "site": self.site,
            "pad": self.pad,
            "days": list(self.days),
            "vehicles": list(self.vehicles),
            "failure_days": list(self.failure_days),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> PadRecord:
        """Rebuild from :meth:`to_state` output."""
        record = cls(
            site=str(state["site"]),
            pad=str(state["pad"]),
            days=_float_list(state["days"]),
            vehicles=[str(v) for v in state["vehicles"]],
            failure_days=_float_list(state["failure_days"]),
        )
        if len(record.vehicles) != len(record.days):
            raise ValueError(f"pad {record.pad}: one vehicle per launch day expected")
        _check_sorted(record.days, "days")
        return record


@dataclass(frozen=True, slots=True)
class PadAt:
    """A pad as it stood at one moment: its launches and most recent gaps."""

    site: str
    pad: str
    flights: int = 0
    failures: int = 0
    first_day: float | None = None
    last_day: float | None = None
    gaps: tuple[float, ...] = ()
    launches_last_year: int = 0


def pad_key(site: str, pad: str) -> str:
    """The one spelling of a pad's identity: GCAT site code and pad code."""
    return f"{site}/{pad}"


class LaunchLog:
    """Every launch of a history in the order recorded, as columns: the history's saved form.

    Each name is stored once per column (``names``) and each launch points at it by position;
    a site or pad of -1 is none. :meth:`history` derives every per-key record from the columns
    with a sort per grouping, so loading a record of any size is a few array operations, not a
    Python loop over its launches.
    """

    FORMAT: ClassVar[str] = "launch-columns-1"
    COLUMNS: ClassVar[tuple[str, ...]] = ("vehicle", "family", "provider", "site", "pad")
    # The columns a launch may leave empty.
    OPTIONAL: ClassVar[frozenset[str]] = frozenset({"site", "pad"})

    def __init__(self) -> None:
        # Lists while launches are recorded; arrays once read back (a third of the memory).
        self.days: list[float] | NDArray[np.float64] = []
        self.failed: list[bool] | NDArray[np.bool_] = []
        self.codes: dict[str, list[int] | NDArray[np.int32]] = {c: [] for c in self.COLUMNS}
        self.names: dict[str, dict[str, int]] = {column: {} for column in self.COLUMNS}

    def __len__(self) -> int:
        return len(self.days)

    def add(
        self,
        day: float,
        *,
        vehicle: str,
        family: str,
        provider: str,
        site: str | None,
        pad: str | None,
        failed: bool,
    ) -> None:
        """One more launch (as :meth:`LaunchHistory.record` was called)."""
        days = self.days if isinstance(self.days, list) else self.days.tolist()
        outcomes = self.failed if isinstance(self.failed, list) else self.failed.tolist()
        days.append(day)
        outcomes.append(failed)
        self.days, self.failed = days, outcomes
        for column, value in zip(self.COLUMNS, (vehicle, family, provider, site, pad), strict=True):
            names = self.names[column]
            codes = self.codes[column]
            if not isinstance(codes, list):
                codes = self.codes[column] = codes.tolist()
            codes.append(-1 if value is None else names.setdefault(value, len(names)))

    def to_state(self) -> dict[str, Any]:
        """A JSON-safe copy: the names once, then one list per column."""
        return {
            "format": self.FORMAT,
            "names": {column: list(self.names[column]) for column in self.COLUMNS},
            "day": _plain(self.days),
            "failed": [int(f) for f in _plain(self.failed)],
            **{column: _plain(self.codes[column]) for column in self.COLUMNS},
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> LaunchLog:
        """Rebuild from :meth:`to_state` output, checking every column's type and range."""
        log = cls()
        names = state["names"]
        if not isinstance(names, dict):
            raise TypeError("names must map each column to its list of names")
        day = _number_array(state["day"], "day", integers=False)
        if not np.isfinite(day).all():
            raise ValueError("day must hold finite numbers")
        if len(day) > 1 and bool((np.diff(day) < -1e-9).any()):
            raise ValueError("launches must be in time order")
        failed = _number_array(state["failed"], "failed", integers=True)
        if not np.isin(failed, (0, 1)).all():
            raise ValueError("failed must hold 0 or 1")
        log.days = day
        log.failed = failed.astype(bool)
        for column in cls.COLUMNS:
            listed = names.get(column)
            if not isinstance(listed, list) or not all(isinstance(n, str) for n in listed):
                raise TypeError(f"names of {column} must be a list of strings")
            if len(set(listed)) != len(listed):
                raise ValueError(f"names of {column} must be distinct")
            codes = _number_array(state[column], column, integers=True)
            lowest = -1 if column in cls.OPTIONAL else 0
            if len(codes) != len(day) or (
                len(codes) and (codes.min() < lowest or codes.max() >= len(listed))
            ):
                raise ValueError(f"{column} must name one of its {len(listed)} names per launch")
            log.codes[column] = codes.astype(np.int32)
            log.names[column] = {name: i for i, name in enumerate(listed)}
        return log

    def history(self) -> LaunchHistory:
        """The history these launches make, as :meth:`LaunchHistory.record` would build it.

        Every mapping is keyed in sorted order (as the older per-key state, saved with sorted
        keys, was read back), so a version reads the same whichever form it was saved in.
        """
        day = np.asarray(self.days, dtype=np.float64)
        failed = np.asarray(self.failed, dtype=bool)
        codes = {column: np.asarray(self.codes[column], dtype=np.int64) for column in self.COLUMNS}
        names = {column: list(self.names[column]) for column in self.COLUMNS}
        vehicle, family, provider = codes["vehicle"], codes["family"], codes["provider"]
        history = LaunchHistory(log=self)
        everything = np.ones(len(day), dtype=bool)
        early = _flight_number(vehicle) < EARLY_FLIGHTS
        operational = _flight_number(family) >= DEVELOPMENT_FLIGHTS
        # One Python float per launch, shared by every record that holds the launch.
        days = day.tolist()
        history.vehicles = _records(vehicle, names["vehicle"], days, failed, everything)
        history.families = _records(family, names["family"], days, failed, everything)
        history.providers = _records(provider, names["provider"], days, failed, everything)
        history.provider_operational = _records(
            provider, names["provider"], days, failed, operational
        )
        history.sites = _records(codes["site"], names["site"], days, failed, codes["site"] >= 0)
        history.everything = _record(days, failed, everything)
        history.early = _record(days, failed, early)
        history.operational = _record(days, failed, operational)
        # Pads by key: launches naming both a site and a pad.
        named = (codes["site"] >= 0) & (codes["pad"] >= 0)
        site_names, pad_names = names["site"], names["pad"]
        # Each (site, pad) pair spelt once, as its key; launches without both have none.
        pair = np.where(named, codes["site"] * (len(pad_names) + 1) + codes["pad"], -1)
        pairs, which = np.unique(pair, return_inverse=True)
        spelt = [
            None
            if p < 0
            else pad_key(site_names[p // (len(pad_names) + 1)], pad_names[p % (len(pad_names) + 1)])
            for p in pairs.tolist()
        ]
        keys = np.array(spelt, dtype=object)[which.reshape(-1)].tolist()
        pad_codes = {key: i for i, key in enumerate(dict.fromkeys(k for k in keys if k))}
        code_of = np.array([-1 if k is None else pad_codes[k] for k in spelt], dtype=np.int64)
        pad_of = code_of[which.reshape(-1)]
        vehicle_names = np.array(names["vehicle"], dtype=object)
        for key, rows in _groups(pad_of, list(pad_codes), named):
            first = int(rows[0])
            history.pads[key] = PadRecord(
                site=site_names[int(codes["site"][first])],
                pad=pad_names[int(codes["pad"][first])],
                days=_take(days, rows),
                vehicles=vehicle_names[vehicle[rows]].tolist(),
                failure_days=_take(days, rows[failed[rows]]),
            )
        # Per vehicle, per launch: its pad key and provider; its family is its last one.
        provider_names = np.array(names["provider"], dtype=object)
        for name, rows in _groups(vehicle, names["vehicle"], everything):
            history.vehicle_pads[name] = [keys[i] for i in rows.tolist()]
            history.vehicle_providers[name] = provider_names[provider[rows]].tolist()
            history.vehicle_family[name] = names["family"][int(family[rows[-1]])]
        for name, fam in history.vehicle_family.items():
            history.family_vehicles.setdefault(fam, []).append(name)
        return history


@dataclass(slots=True)
class LaunchHistory:
    """Every launch on record, by vehicle, family, provider and pad, in time order."""

    vehicles: dict[str, Record] = field(default_factory=dict)
    vehicle_family: dict[str, str] = field(default_factory=dict)
    # The pad key of each of a vehicle's launches (None where GCAT names no pad), in order.
    vehicle_pads: dict[str, list[str | None]] = field(default_factory=dict)
    # Who launched each of a vehicle's launches (GCAT's Agency), in order.
    vehicle_providers: dict[str, list[str]] = field(default_factory=dict)
    # The vehicles of each family, in order of their first launch (derived, not saved).
    family_vehicles: dict[str, list[str]] = field(default_factory=dict)
    families: dict[str, Record] = field(default_factory=dict)
    providers: dict[str, Record] = field(default_factory=dict)
    pads: dict[str, PadRecord] = field(default_factory=dict)
    # Every launch by GCAT site code, those whose pad GCAT does not name included (Palmachim's
    # Shavit launches, Bowen's first): the sites a question may name.
    sites: dict[str, Record] = field(default_factory=dict)
    everything: Record = field(default_factory=Record)
    # Each vehicle's first EARLY_FLIGHTS flights, across all vehicles: the new-vehicle prior.
    early: Record = field(default_factory=Record)
    # Operational launches (not development ones, see DEVELOPMENT_FLIGHTS): of everyone, and
    # of each provider.
    operational: Record = field(default_factory=Record)
    provider_operational: dict[str, Record] = field(default_factory=dict)
    # Every launch in the order recorded: what :meth:`to_state` saves (None for a history
    # rebuilt from the older per-key state, which is saved in that form again).
    log: LaunchLog | None = field(default_factory=LaunchLog)

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
        last = self.last_day
        if last is not None and day < last - 1e-9:
            raise ValueError(f"launches must be recorded in time order: {day} < {last}")
        veh = self.vehicles.setdefault(vehicle, Record())
        if veh.flights < EARLY_FLIGHTS:
            self.early.add(day, failed=failed)
        veh.add(day, failed=failed)
        if vehicle not in self.vehicle_family:
            self.family_vehicles.setdefault(family, []).append(vehicle)
        self.vehicle_family[vehicle] = family
        self.vehicle_providers.setdefault(vehicle, []).append(provider)
        family_record = self.families.setdefault(family, Record())
        if family_record.flights >= DEVELOPMENT_FLIGHTS:
            self.operational.add(day, failed=failed)
            self.provider_operational.setdefault(provider, Record()).add(day, failed=failed)
        family_record.add(day, failed=failed)
        self.providers.setdefault(provider, Record()).add(day, failed=failed)
        self.everything.add(day, failed=failed)
        key = None
        if site is not None:
            self.sites.setdefault(site, Record()).add(day, failed=failed)
        if site is not None and pad is not None:
            key = pad_key(site, pad)
            self.pads.setdefault(key, PadRecord(site=site, pad=pad)).add(
                day, vehicle, failed=failed
            )
        self.vehicle_pads.setdefault(vehicle, []).append(key)
        if self.log is not None:
            self.log.add(
                day,
                vehicle=vehicle,
                family=family,
                provider=provider,
                site=site,
                pad=pad,
                failed=failed,
            )

    # ---- reads ---------------------------------------------------------------------------
    @property
    def last_day(self) -> float | None:
        """Moment of the last launch on record (the data cutoff), None when empty."""
        days = self.everything.launch_days
        return days[-1] if days else None

    @property
    def horizon(self) -> float | None:
        """The end of the record: midnight after the day of the last launch.

        The record is complete up to here, so a question about any later moment is read here
        (see :meth:`read_moment`).
        """
        last = self.last_day
        return None if last is None else math.floor(last) + 1.0

    def read_moment(self, day: float) -> float:
        """The moment to read the history at for a question about ``day``.

        Before the end of the record, the question's own moment. After it nothing more is
        known: reading windows ("failures in the last two years", "launches in the last
        year") at a later day would count the months the data does not cover as quiet time,
        so later questions are read at :attr:`horizon`.
        """
        horizon = self.horizon
        return day if horizon is None else min(day, horizon)

    def days_past_cutoff(self, day: float) -> int:
        """Whole days from the day of the last launch on record to ``day`` (0 if not after)."""
        last = self.last_day
        return 0 if last is None else max(math.floor(day) - math.floor(last), 0)

    def at(self, t: float) -> HistoryAt:
        """The history as it stood just before moment ``t``."""
        return HistoryAt(self, t)

    def family_of(self, vehicle: str) -> str | None:
        """The family a known vehicle belongs to, else None."""
        return self.vehicle_family.get(vehicle)

    def to_state(self) -> dict[str, Any]:
        """A JSON-safe copy of the whole state.

        The launches as columns (:class:`LaunchLog`), from which every record is derived
        again; a history rebuilt from the older per-key state keeps that form.
        """
        if self.log is not None and len(self.log) == self.everything.flights:
            return self.log.to_state()
        return {
            "vehicles": {k: v.to_state() for k, v in self.vehicles.items()},
            "vehicle_family": dict(self.vehicle_family),
            "vehicle_pads": {k: list(v) for k, v in self.vehicle_pads.items()},
            "vehicle_providers": {k: list(v) for k, v in self.vehicle_providers.items()},
            "families": {k: v.to_state() for k, v in self.families.items()},
            "providers": {k: v.to_state() for k, v in self.providers.items()},
            "pads": {k: v.to_state() for k, v in self.pads.items()},
            "sites": {k: v.to_state() for k, v in self.sites.items()},
            "everything": self.everything.to_state(),
            "early": self.early.to_state(),
            "operational": self.operational.to_state(),
            "provider_operational": {k: v.to_state() for k, v in self.provider_operational.items()},
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> LaunchHistory:
        """Rebuild from :meth:`to_state` output (either form)."""
        if state.get("format") == LaunchLog.FORMAT:
            return LaunchLog.from_state(state).history()
        history = cls(log=None)
        history.vehicles = {str(k): Record.from_state(v) for k, v in state["vehicles"].items()}
        history.vehicle_family = {str(k): str(v) for k, v in state["vehicle_family"].items()}
        history.vehicle_pads = {
            str(k): [None if p is None else str(p) for p in v]
            for k, v in state["vehicle_pads"].items()
        }
        history.vehicle_providers = {
            str(k): [str(p) for p in v] for k, v in state["vehicle_providers"].items()
        }
        for vehicle, family in history.vehicle_family.items():
            history.family_vehicles.setdefault(family, []).append(vehicle)
        history.families = {str(k): Record.from_state(v) for k, v in state["families"].items()}
        history.providers = {str(k): Record.from_state(v) for k, v in state["providers"].items()}
        history.pads = {str(k): PadRecord.from_state(v) for k, v in state["pads"].items()}
        history.sites = {str(k): Record.from_state(v) for k, v in state.get("sites", {}).items()}
        history.everything = Record.from_state(state["everything"])
        history.early = Record.from_state(state["early"])
        history.operational = Record.from_state(state["operational"])
        history.provider_operational = {
            str(k): Record.from_state(v) for k, v in state["provider_operational"].items()
        }
        for name, record in history.vehicles.items():
            if len(history.vehicle_pads.get(name, [])) != record.flights:
                raise ValueError(f"vehicle {name}: one pad entry per launch expected")
            if len(history.vehicle_providers.get(name, [])) != record.flights:
                raise ValueError(f"vehicle {name}: one provider per launch expected")
        return history


@dataclass(frozen=True, slots=True)
class HistoryAt:
    """A :class:`LaunchHistory` read at moment ``t``: only launches strictly before ``t``.

    Every window ("the last year", "the last two years") ends at ``t``.
    """

    history: LaunchHistory
    t: float

    def vehicle(self, name: str) -> RecordAt:
        """A vehicle's record (empty if it had not flown)."""
        return self.history.vehicles.get(name, EMPTY_RECORD).at(self.t)

    def family(self, name: str) -> RecordAt:
        """A family's record (empty if none of its vehicles had flown)."""
        return self.history.families.get(name, EMPTY_RECORD).at(self.t)

    def pad(self, site: str, pad: str) -> PadAt | None:
        """A pad's record, None if it has no launch on record at all."""
        record = self.history.pads.get(pad_key(site, pad))
        return None if record is None else record.at(self.t)

    def pad_flights(self, site: str, pad: str) -> int:
        """Launches from a pad before ``t`` (0 for a pad with none on record): :meth:`pad`'s
        ``flights`` without its gaps, which a risk question does not read."""
        record = self.history.pads.get(pad_key(site, pad))
        return 0 if record is None else bisect_left(record.days, self.t)

    def family_failures_recent(self, family: str, days: float = RECENT_DAYS) -> int:
        """Failures of ``family`` in the ``days`` before ``t``."""
        record = self.history.families.get(family, EMPTY_RECORD)
        return record.failures_between(self.t - days, self.t)

    def family_last_return(self, family: str) -> float | None:
        """Days from the family's last failure to its next launch, for the most recent failure
        whose return was seen before ``t``; None if it never returned from one before ``t``."""
        record = self.history.families.get(family, EMPTY_RECORD)
        launches = record.launch_days
        k = bisect_left(record.failure_days, self.t)
        while k > 0:
            failed = record.failure_days[k - 1]
            nxt = bisect_right(launches, failed)
            if nxt < len(launches) and launches[nxt] < self.t:
                return launches[nxt] - failed
            k -= 1
        return None

    def family_launches_last_year(self, family: str | None) -> int:
        """Launches of ``family`` in the year before ``t`` (0 for None)."""
        if family is None:
            return 0
        record = self.history.families.get(family, EMPTY_RECORD)
        return record.launches_between(self.t - YEAR_DAYS, self.t)

    def all_launches_last_year(self) -> int:
        """Launches of everyone in the year before ``t``."""
        return self.history.everything.launches_between(self.t - YEAR_DAYS, self.t)

    def global_rate(self) -> float:
        """Failure rate over everything before ``t`` (all time), Laplace-smoothed."""
        everything = self.history.everything.at(self.t)
        return (everything.failures + 1) / (everything.flights + 2)

    def trailing_rate(self, *, operational: bool = True, days: float = TRAILING_DAYS) -> float:
        """Laplace-smoothed failure rate of the launches in the ``days`` before ``t``.

        ``operational`` (the default, what the model's pooling shrinks towards) counts only
        operational launches; ``operational=False`` counts every launch (the analyst's
        trailing-rate baseline).
        """
        record = self.history.operational if operational else self.history.everything
        n = record.launches_between(self.t - days, self.t)
        k = record.failures_between(self.t - days, self.t)
        return (k + 1) / (n + 2)

    def new_vehicle_rate(self) -> float:
        """Failure rate of vehicles' first :data:`EARLY_FLIGHTS` flights before ``t``, smoothed."""
        early = self.history.early.at(self.t)
        return (early.failures + 1) / (early.flights + 3)

    def era_rate(self) -> float:
        """Smoothed failure rate of operational launches in the :data:`ERA_DAYS` before ``t``."""
        return self.trailing_rate(operational=True, days=ERA_DAYS)

    def in_development(self, family: str) -> bool:
        """Whether a launch of ``family`` at ``t`` is a development launch (few family flights)."""
        return in_development(self.family(family))

    def provider_of(
        self, vehicle: str, family: str, *, manufacturer: str | None = None
    ) -> str | None:
        """Who would launch ``vehicle`` at ``t``, from what was known then.

        The provider of its last launch before ``t``; for a vehicle that had not flown, the
        provider of its family's last launch; for a family that had not flown either, the
        ``manufacturer`` GCAT names, when that code had launched anything; else None.
        Training and serving both read a launch's provider this way.
        """
        own = self.history.vehicles.get(vehicle)
        if own is not None:
            n = bisect_left(own.launch_days, self.t)
            if n:
                return self.history.vehicle_providers[vehicle][n - 1]
        latest: tuple[float, str] | None = None
        for member in self.history.family_vehicles.get(family, []):
            record = self.history.vehicles[member]
            n = bisect_left(record.launch_days, self.t)
            if n and (latest is None or record.launch_days[n - 1] > latest[0]):
                latest = (record.launch_days[n - 1], self.history.vehicle_providers[member][n - 1])
        if latest is not None:
            return latest[1]
        if manufacturer is not None:
            maker = self.history.providers.get(manufacturer)
            if maker is not None and bisect_left(maker.launch_days, self.t):
                return manufacturer
        return None

    def provider_record(self, provider: str, *, operational: bool) -> tuple[int, int]:
        """(launches, failures) of the provider's last :data:`PROVIDER_WINDOW` launches.

        ``operational`` counts only its operational launches: what a mature vehicle is read
        against, so that another family's test campaign does not move it.
        """
        table = self.history.provider_operational if operational else self.history.providers
        record = table.get(provider)
        if record is None:
            return 0, 0
        n = bisect_left(record.launch_days, self.t)
        window = min(n, PROVIDER_WINDOW)
        if window == 0:
            return 0, 0
        start = record.launch_days[n - window]
        return window, record.failures_between(start, self.t)

    def vehicle_pad_mix(self, vehicle: str, days: float = YEAR_DAYS) -> list[tuple[str, int]]:
        """The pads ``vehicle`` launched from in the ``days`` before ``t``, most used first.

        Empty when the vehicle had not launched in that window (or named no pads).
        """
        record = self.history.vehicles.get(vehicle)
        if record is None:
            return []
        end = bisect_left(record.launch_days, self.t)
        start = 0 if math.isinf(days) else bisect_left(record.launch_days, self.t - days)
        keys = self.history.vehicle_pads.get(vehicle, [])[start:end]
        return Counter(k for k in keys if k is not None).most_common()

    def pad_mix(
        self, vehicle: str, family: str, *, site: str | None = None
    ) -> list[tuple[str, float]]:
        """The pads a launch of ``vehicle`` with no pad named would likely go from, with shares.

        The vehicle's pads of the last year (at ``site`` if given); else every pad it ever
        used; else its family's pads of the last year. Empty when none of these is known (a
        new family, or a vehicle GCAT names no pads for).
        """

        def at_site(counts: list[tuple[str, int]]) -> list[tuple[str, int]]:
            return [(k, n) for k, n in counts if site is None or k.startswith(f"{site}/")]

        counts = at_site(self.vehicle_pad_mix(vehicle))
        if not counts:
            counts = at_site(self.vehicle_pad_mix(vehicle, days=math.inf))
        if not counts:
            pooled: Counter[str] = Counter()
            for member in self.history.family_vehicles.get(family, []):
                pooled.update(dict(self.vehicle_pad_mix(member)))
            counts = at_site(pooled.most_common())
        total = sum(n for _, n in counts)
        return [(key, n / total) for key, n in counts]


def _plain(values: list[Any] | NDArray[Any]) -> list[Any]:
    """A column as a JSON-safe list."""
    return values if isinstance(values, list) else values.tolist()


def _number_array(values: object, name: str, *, integers: bool) -> NDArray[Any]:
    """A JSON list of numbers (integers only if ``integers``) as an array; TypeError else."""
    if not isinstance(values, list):
        raise TypeError(f"{name} must be a list of numbers")
    array = np.array(values) if values else np.zeros(0, dtype=np.int64 if integers else float)
    allowed = "i" if integers else "if"
    if array.ndim != 1 or array.dtype.kind not in allowed:
        raise TypeError(f"{name} must be a list of {'integers' if integers else 'numbers'}")
    return array.astype(np.int64 if integers else np.float64)


def _flight_number(codes: NDArray[np.int64]) -> NDArray[np.int64]:
    """Each launch's 0-based position among the earlier launches of the same code."""
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(codes) else order
    position = np.arange(len(codes)) - np.repeat(starts, np.diff(np.r_[starts, len(codes)]))
    out = np.empty(len(codes), dtype=np.int64)
    out[order] = position
    return out


def _take(days: list[float], rows: NDArray[np.intp]) -> list[float]:
    """The days of ``rows`` (the same float objects)."""
    return [days[i] for i in rows.tolist()]


def _record(days: list[float], failed: NDArray[np.bool_], keep: NDArray[np.bool_]) -> Record:
    return Record(
        launch_days=_take(days, np.flatnonzero(keep)),
        failure_days=_take(days, np.flatnonzero(keep & failed)),
    )


def _groups(
    codes: NDArray[np.int64], names: list[str], keep: NDArray[np.bool_]
) -> list[tuple[str, NDArray[np.intp]]]:
    """The rows of ``keep`` grouped by code, in record order: (name, rows), names sorted."""
    rows = np.flatnonzero(keep & (codes >= 0))
    order = rows[np.argsort(codes[rows], kind="stable")]
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1)).tolist()
    groups = [
        (name, order[bounds[code] : bounds[code + 1]])
        for code, name in sorted(enumerate(names), key=lambda item: item[1])
    ]
    return [(name, group) for name, group in groups if len(group)]


def _records(
    codes: NDArray[np.int64],
    names: list[str],
    days: list[float],
    failed: NDArray[np.bool_],
    keep: NDArray[np.bool_],
) -> dict[str, Record]:
    """The launches of ``keep`` grouped by code: name -> record, in sorted name order."""
    return {
        name: Record(launch_days=_take(days, rows), failure_days=_take(days, rows[failed[rows]]))
        for name, rows in _groups(codes, names, keep)
    }


def _float_list(values: object) -> list[float]:
    if not isinstance(values, list):
        raise TypeError(f"expected a list of numbers, got {type(values).__name__}")
    out: list[float] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"expected a number, got {type(value).__name__}")
        out.append(float(value))
    return out


def _check_sorted(values: list[float], name: str) -> None:
    if any(b < a for a, b in pairwise(values)):
        raise ValueError(f"{name} must be in time order")


def logit(p: float) -> float:
    """log(p / (1 - p)), clipped away from 0 and 1."""
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))
