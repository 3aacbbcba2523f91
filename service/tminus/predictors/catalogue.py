"""Known vehicles, pads and sites as of the data cutoff, and how a user's names map to them."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from tminus.features.history import LaunchHistory, PadRecord, pad_key
from tminus.features.timebase import from_day
from tminus.predictors.base import NameIndex, QueryError, normalise_pad, normalise_vehicle


@dataclass(frozen=True, slots=True)
class VehicleEntry:
    """A known vehicle's record as of the data cutoff."""

    name: str
    family: str
    provider: str | None
    flights: int
    failures: int
    first_flight: datetime | None
    last_flight: datetime | None


@dataclass(frozen=True, slots=True)
class PadEntry:
    """A known pad's record as of the data cutoff."""

    pad: str
    site: str
    flights: int
    failures: int
    last_flight: datetime | None
    vehicles: tuple[str, ...]


class Catalogue:
    """Names and records of what has flown, with forgiving but honest name resolution.

    A name matches when it equals a known one after folding case, spaces and punctuation.
    A near miss raises :class:`QueryError` listing the closest names (it is probably a typo);
    a name like nothing known resolves to None so the caller can flag an unseen input.
    """

    def __init__(self, history: LaunchHistory, vehicle_provider: Mapping[str, str]) -> None:
        self.history = history
        self.vehicle_provider = dict(vehicle_provider)
        self._vehicles = NameIndex(history.vehicles, normalise_vehicle)
        self._sites = NameIndex(p.site for p in history.pads.values())
        self._pads_by_key: dict[str, list[PadRecord]] = {}
        for record in history.pads.values():
            self._pads_by_key.setdefault(normalise_pad(record.pad), []).append(record)

    @property
    def cutoff(self) -> datetime | None:
        """Time of the last launch in the history."""
        day = self.history.last_day
        return None if day is None else from_day(day)

    def vehicles(self) -> list[VehicleEntry]:
        """Every known vehicle's record, most flown first."""
        out = []
        for name, rec in self.history.vehicles.items():
            out.append(
                VehicleEntry(
                    name=name,
                    family=self.history.vehicle_family.get(name, name),
                    provider=self.vehicle_provider.get(name),
                    flights=rec.flights,
                    failures=rec.failures,
                    first_flight=None if rec.first_day is None else from_day(rec.first_day),
                    last_flight=None if rec.last_day is None else from_day(rec.last_day),
                )
            )
        return sorted(out, key=lambda v: (-v.flights, v.name))

    def pads(self) -> list[PadEntry]:
        """Every known pad's record, most used first."""
        out = [
            PadEntry(
                pad=rec.pad,
                site=rec.site,
                flights=rec.flights,
                failures=rec.failures,
                last_flight=None if rec.last_day is None else from_day(rec.last_day),
                vehicles=tuple(sorted(rec.vehicles, key=lambda v: -rec.vehicles[v])),
            )
            for rec in self.history.pads.values()
        ]
        return sorted(out, key=lambda p: (-p.flights, p.site, p.pad))

    def resolve_vehicle(self, name: str) -> str | None:
        """The known spelling of a vehicle, None if unseen; raises on a near miss."""
        known = self._vehicles.resolve(name)
        if known is not None:
            return known
        close = self._vehicles.closest(name, cutoff=0.75)
        if close:
            raise QueryError(
                "vehicle",
                f"unknown vehicle {name!r}; did you mean one of these?",
                suggestions=close,
            )
        return None

    def resolve_pad(self, pad: str, site: str | None) -> tuple[str, str] | None:
        """``(site, pad)`` of a known pad, None if unseen; raises when ambiguous or a near miss."""
        if site is not None:
            known_site = self._sites.resolve(site)
            if known_site is None:
                close = self._sites.closest(site, cutoff=0.6)
                message = (
                    f"unknown site {site!r}; the closest known sites are:"
                    if close
                    else f"unknown site {site!r}; GET /v1/pads lists the known sites"
                )
                raise QueryError("site", message, suggestions=close)
            site = known_site
        candidates = self._pads_by_key.get(normalise_pad(pad), [])
        if not candidates:
            close = difflib.get_close_matches(
                normalise_pad(pad), self._pads_by_key, n=5, cutoff=0.75
            )
            if close:
                raise QueryError(
                    "pad",
                    f"unknown pad {pad!r}; did you mean one of these?",
                    suggestions=[
                        pad_key(p.site, p.pad) for k in close for p in self._pads_by_key[k]
                    ],
                )
            return None
        matches = [p for p in candidates if site in (None, p.site)]
        if not matches:
            raise QueryError(
                "pad",
                f"pad {pad!r} is not at site {site!r}; it is at:",
                suggestions=sorted(pad_key(p.site, p.pad) for p in candidates),
            )
        # Several GCAT pads can share a public name (Titan's SLC40 and SpaceX's LC40 at the
        # Cape): the one in use most recently is what a planner means today.
        best = max(matches, key=lambda p: (p.last_day or 0.0, p.flights))
        return best.site, best.pad
