"""The mission planner: what can carry the payload, from where, and when; ranked and explained.

A plan reads every history as of one moment: the earliest date of the window, or the end of
the record for a window after it (the data cutoff; the answer says how far past it the window
lies). From there:

1. **Vehicles**: the ones named, or every vehicle that launched in the ``retired_after_years``
   before that moment, and the variants GCAT lists that have not flown yet, of those families
   (maiden flights, flagged). Retirements are not in the public data: "active" is only this.
2. **Capacity** (:mod:`tminus.features.capability`): can the vehicle carry the payload to the
   orbit? Demonstrated (the record shows the mass carried there), rated (GCAT's figure) or by
   a stated rule: feasible; a figure below the mass: excluded (``capacity_exceeded``); no
   figure decides: unknown, flagged and ranked after the feasible options.
3. **Pads and sites**: each pad the vehicle launched from (a maiden flight: the pads its family
   used in the year before), if active and allowed, at a site whose record reached the orbit
   class (else ``orbit_not_reached_from_site``).
4. **Dates**: the pad is taken to be free from its last launch before the moment read plus the
   median of the ``pad_turnaround`` quantiles (never before the earliest date); dates are then
   tried every ``date_step_days`` until one has a ``launch_failure`` probability within the
   risk tolerance. For a window after the cutoff the pad's calendar is read at the cutoff:
   its launches since, and its manifest, are not in the data, and the reasons say so.
5. **Ranks**: by failure probability, by date and by capacity margin, with the Pareto front
   over the three; every sentence that explains a rank names the model version behind each
   number.

The predictions go through :mod:`tminus.serving.models`, the same entries the REST routes use.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

from tminus.features.capability import (
    RULE_SHORT,
    Capacity,
    assess_capacity,
    capacity_rule,
    day_text,
    kg,
    site_reach,
    site_sentence,
)
from tminus.features.history import LaunchHistory, pad_key
from tminus.features.names import NameIndex
from tminus.features.orbits import describe, reached_words
from tminus.features.reference import Reached
from tminus.features.timebase import from_day, to_day
from tminus.predictors.base import QueryError
from tminus.predictors.catalogue import Catalogue
from tminus.serving.catalogue import catalogue_source
from tminus.serving.errors import InvalidInputError, Problem
from tminus.serving.models import MODELS_BY_NAME
from tminus.serving.schemas import (
    LaunchItem,
    PadItem,
    ProbabilityAnswer,
    Provenance,
    QuantileAnswer,
)
from tminus.serving.state import Snapshot
from tminus.tools import wording as w
from tminus.tools.schemas import (
    Exclusion,
    ExclusionReason,
    FailureEstimate,
    Feasibility,
    PadReadiness,
    PlanOption,
    PlanRequest,
    PlanResponse,
    VehicleRecord,
)

# (vehicle, pad) pairs one plan may evaluate; every recently active pair fits well within it.
MAX_PAIRS: Final = 400
# Exclusions listed in one answer (the total and the count per reason are always given),
# the ones that answer "what can carry it, from where, when" first.
MAX_EXCLUDED: Final = 50
REASON_ORDER: Final = (
    "unknown_vehicle",
    "capacity_exceeded",
    "orbit_not_reached_from_site",
    "risk_above_tolerance",
    "pad_busy",
    "vehicle_not_active",
    "pad_not_active",
    "no_known_pad",
    "provider_not_allowed",
    "site_not_allowed",
)
YEAR_DAYS: Final = 365.25


@dataclass(frozen=True)
class Vehicle:
    """A vehicle as of the moment a plan reads: its record then, and whether it has flown."""

    name: str
    family: str
    provider: str | None
    flights: int
    failures: int
    first_day: float | None
    last_day: float | None

    @property
    def maiden(self) -> bool:
        """Not flown before the moment read: a maiden flight."""
        return self.flights == 0


@dataclass(frozen=True)
class Pad:
    """A pad as of the moment a plan reads: its last launch then."""

    site: str
    pad: str
    last_day: float | None

    @property
    def key(self) -> str:
        """``site/pad``."""
        return pad_key(self.site, self.pad)


@dataclass(frozen=True)
class PlannerIndex:
    """The pads each vehicle launched from before one moment, with each pad's last launch."""

    pads_by_vehicle: dict[str, list[Pad]]
    pads: dict[str, Pad]
    sites: tuple[str, ...]
    providers: tuple[str, ...]


def planner_index(history: LaunchHistory, catalogue: Catalogue, t: float) -> PlannerIndex:
    """The pads each vehicle launched from before moment ``t``; the known sites, providers."""
    pads: dict[str, Pad] = {}
    pads_by_vehicle: dict[str, list[Pad]] = {}
    for key, record in history.pads.items():
        at = record.at(t)
        if at.flights == 0:
            continue
        pad = Pad(site=record.site, pad=record.pad, last_day=at.last_day)
        pads[key] = pad
        for vehicle, _count in record.vehicles_at(t):
            pads_by_vehicle.setdefault(vehicle, []).append(pad)
    providers = {v.provider for v in catalogue.vehicles() if v.provider}
    return PlannerIndex(
        pads_by_vehicle=pads_by_vehicle,
        pads=pads,
        sites=tuple(sorted({p.site for p in catalogue.pads()})),
        providers=tuple(sorted(providers)),
    )


@dataclass
class _Option:
    """An option before ranking."""

    vehicle: Vehicle
    pad: Pad
    date: dt.datetime
    failure: ProbabilityAnswer
    readiness: QuantileAnswer
    free_from: dt.datetime
    later_for_risk: bool
    capacity: Capacity
    site_reached: Reached | None
    risk_rank: int = 0
    date_rank: int = 0
    margin_rank: int | None = None
    pareto: bool = False
    ranks: dict[str, int] = field(default_factory=dict)

    @property
    def unknown(self) -> bool:
        """Capacity unknown: ranked after the feasible options."""
        return self.capacity.status == "unknown"

    @property
    def name(self) -> tuple[str, str, str]:
        return (self.vehicle.name, self.pad.site, self.pad.pad)


def _failure(answer: ProbabilityAnswer) -> FailureEstimate:
    return FailureEstimate(
        model=answer.model,
        version=answer.version,
        probability=answer.probability,
        interval=answer.interval,
    )


def _readiness(answer: QuantileAnswer, pad: Pad) -> PadReadiness:
    return PadReadiness(
        model=answer.model,
        version=answer.version,
        site=pad.site,
        pad=pad.pad,
        last_launch=answer.start,
        days=answer.quantiles,
        dates=answer.dates,
    )


def _relative(failure: ProbabilityAnswer, safest: _Option) -> str:
    """How an option's risk compares with the lowest-risk option's, and whether it is clear."""
    best = safest.failure
    ratio = failure.probability / best.probability
    name = f"{safest.vehicle.name} from {safest.pad.site}/{safest.pad.pad}"
    if ratio < 1.05:
        text = f"Its failure probability is practically that of the lowest-risk option, {name}"
    else:
        text = f"Its failure probability is {ratio:.1f}x that of the lowest-risk option, {name}"
    text += f" ({w.percent(best.probability)})"
    if failure.interval[0] <= best.interval[1]:
        text += "; their 90% intervals overlap, so the difference is not clear-cut"
    return text + "."


def _dominates(a: _Option, b: _Option) -> bool:
    """``a`` is at least as good as ``b`` on risk, date and margin, and better on one."""
    ma = -math.inf if a.capacity.margin_kg is None else a.capacity.margin_kg
    mb = -math.inf if b.capacity.margin_kg is None else b.capacity.margin_kg
    pa, pb = a.failure.probability, b.failure.probability
    no_worse = pa <= pb and a.date <= b.date and ma >= mb
    return no_worse and (pa < pb or a.date < b.date or ma > mb)


class _Plan:
    """One planning run: the request, the snapshot it reads, and what it found."""

    def __init__(self, snapshot: Snapshot, request: PlanRequest) -> None:
        self.snapshot = snapshot
        self.request = request
        self.failure_model = snapshot.get("launch_failure")
        self.turnaround_model = snapshot.get("pad_turnaround")
        self.catalogue_model, catalogue = catalogue_source(snapshot)
        self.catalogue = catalogue
        self.history = catalogue.history
        self.reference = catalogue.reference
        self.cutoff = catalogue.cutoff
        earliest = to_day(request.earliest_date)
        # Every history is read at one moment: the earliest date, or the record's end.
        self.t = self.history.read_moment(earliest)
        self.read_at = from_day(self.t) if self.history.last_day is not None else None
        self.days_past_cutoff = self.history.days_past_cutoff(earliest)
        self.after_cutoff = self.days_past_cutoff > 0 or self.t < earliest
        self.at = self.history.at(self.t)
        self.active_since = self.t - request.retired_after_years * YEAR_DAYS
        self.index = self._index()
        self.excluded: list[Exclusion] = []
        self.notes: list[str] = []
        self.sites = self._resolve_sites(request.sites)
        self.providers = self._resolve_codes(
            request.providers, self.index.providers, "providers", "provider"
        )

    # ---- helpers -----------------------------------------------------------------------
    def _index(self) -> PlannerIndex:
        def build() -> PlannerIndex:
            return planner_index(self.history, self.catalogue, self.t)

        if self.t == self.history.horizon:
            # Every window after the cutoff reads the same moment: build once per version.
            return self.catalogue_model.memo("planner_index_at_cutoff", build)
        return build()

    def _resolve_codes(
        self, requested: Sequence[str] | None, known: Iterable[str], field: str, what: str
    ) -> set[str] | None:
        """Requested provider codes as known ones; unknown ones are a 422 with suggestions."""
        if requested is None:
            return None
        index = NameIndex(known)
        found: set[str] = set()
        problems: list[Problem] = []
        for position, code in enumerate(requested):
            match = index.resolve(code)
            if match is not None:
                found.add(match)
                continue
            close = index.closest(code)
            problems.append(
                Problem(
                    loc=(field, position),
                    msg=f"unknown {what} {code!r}; {what}s are GCAT codes"
                    + ("; did you mean one of these?" if close else ""),
                    type="unknown_name",
                    suggestions=close,
                )
            )
        if problems:
            raise InvalidInputError(problems)
        return found

    def _resolve_sites(self, requested: Sequence[str] | None) -> set[str] | None:
        """Requested sites, by code or name ('Cape Canaveral'), as known GCAT site codes."""
        if requested is None:
            return None
        index = NameIndex(self.index.sites)
        found: set[str] = set()
        problems: list[Problem] = []
        for position, name in enumerate(requested):
            code = index.resolve(name)
            if code is None:
                try:
                    code = self.catalogue.resolve_site(name)
                except QueryError:
                    code = None
            if code is not None:
                found.add(code)
                continue
            close = index.closest(name)
            problems.append(
                Problem(
                    loc=("sites", position),
                    msg=f"unknown site {name!r}; sites are GCAT codes ('CC', 'CSG') or names "
                    "('Cape Canaveral', 'Kourou')"
                    + ("; did you mean one of these?" if close else ""),
                    type="unknown_name",
                    suggestions=close,
                )
            )
        if problems:
            raise InvalidInputError(problems)
        return found

    def exclude(
        self,
        reason: ExclusionReason,
        vehicle: str,
        message: str,
        *,
        pad: Pad | None = None,
        suggestions: Sequence[str] = (),
    ) -> None:
        self.excluded.append(
            Exclusion(
                vehicle=vehicle,
                site=pad.site if pad else None,
                pad=pad.pad if pad else None,
                reason=reason,
                message=message,
                suggestions=list(suggestions),
            )
        )

    def active(self, last_day: float | None) -> bool:
        """Whether something that last launched on ``last_day`` counts as active."""
        return last_day is not None and last_day >= self.active_since

    @property
    def catalogue_tag(self) -> str:
        return w.cite(self.catalogue_model.name, self.catalogue_model.version)

    @property
    def when_read(self) -> str:
        """'the data cutoff 2025-12-30' or 'your earliest date 2026-03-01'."""
        if self.after_cutoff and self.cutoff is not None:
            return f"the data cutoff {w.day(self.cutoff)}"
        return f"your earliest date {w.day(self.request.earliest_date)}"

    def vehicle(self, name: str) -> Vehicle:
        """``name``'s record as of the moment read."""
        record = self.at.vehicle(name)
        return Vehicle(
            name=name,
            family=self.catalogue.family_of(name),
            provider=self.catalogue.provider_of(name, at=self.t),
            flights=record.flights,
            failures=record.failures,
            first_day=record.first_day,
            last_day=record.last_day,
        )

    # ---- steps -------------------------------------------------------------------------
    def vehicles(self) -> list[Vehicle]:
        """The vehicles to consider; excluded ones are recorded with their reason."""
        if self.request.vehicles is None:
            return self._default_vehicles()
        chosen: list[Vehicle] = []
        for name in self.request.vehicles:
            try:
                match = self.catalogue.resolve_vehicle(name, at=self.t)
            except QueryError as exc:
                self.exclude(
                    "unknown_vehicle",
                    name,
                    f"no vehicle named {name!r} is known; the closest are "
                    f"{', '.join(exc.suggestions)}",
                    suggestions=exc.suggestions,
                )
                continue
            if not match.known:
                self.exclude(
                    "unknown_vehicle",
                    name,
                    f"no vehicle named {name!r} is on record or in GCAT's vehicle list, so its "
                    "capacity and pads are unknown; see list_vehicles for known names",
                )
                continue
            if match.matched in ("family", "series"):
                self.notes.append(
                    f"Read {name!r} as {match.name}, its family's most recently flown variant "
                    f"as of {self.when_read} {self.catalogue_tag}."
                )
            entry = self.vehicle(match.name)
            if any(v.name == entry.name for v in chosen):
                continue
            if self.providers is not None and entry.provider not in self.providers:
                self.exclude(
                    "provider_not_allowed",
                    entry.name,
                    f"{entry.name} is flown by {entry.provider or 'an unknown provider'}, "
                    f"not by {', '.join(sorted(self.providers))}",
                )
            elif not entry.maiden and not self.active(entry.last_day):
                self.exclude(
                    "vehicle_not_active",
                    entry.name,
                    f"{entry.name} last flew on {day_text(entry.last_day)}, more than "
                    f"{self.request.retired_after_years:g} years before {self.when_read}; "
                    f"whether it is retired is not in the public data {self.catalogue_tag}",
                )
            else:
                chosen.append(entry)
        return chosen

    def _default_vehicles(self) -> list[Vehicle]:
        years = f"{self.request.retired_after_years:g}"
        active: list[Vehicle] = []
        families: set[str] = set()
        flown_names: set[str] = set()
        for name, record in self.history.vehicles.items():
            at = record.at(self.t)
            if at.flights:
                flown_names.add(name)
            if self.active(at.last_day):
                entry = self.vehicle(name)
                families.add(entry.family)
                if self.providers is None or entry.provider in self.providers:
                    active.append(entry)
        maiden: list[Vehicle] = []
        if self.request.include_maiden_flights:
            for ref in self.reference.vehicles.values():
                if ref.name in flown_names or ref.family not in families:
                    continue
                if ref.alias is not None and ref.alias in flown_names:
                    continue  # another name of a vehicle that has flown (UR-500K: Proton-K)
                entry = self.vehicle(ref.name)
                if self.providers is None or entry.provider in self.providers:
                    maiden.append(entry)
        by = f" of providers {', '.join(sorted(self.providers))}" if self.providers else ""
        text = (
            f"No vehicles were named, so the plan considered the {len(active)} vehicles{by} "
            f"that launched in the {years} years before {self.when_read}"
        )
        if maiden:
            text += (
                f", and {len(maiden)} variant{'s' if len(maiden) != 1 else ''} of their "
                "families GCAT lists that had not flown by then, as maiden flights ("
                + ", ".join(v.name for v in maiden)
                + ")"
            )
        self.notes.append(text + f" {self.catalogue_tag}.")
        return active + maiden

    def capacity(self, vehicle: Vehicle) -> Capacity | None:
        """The vehicle's capacity to the orbit; None (recorded) when it cannot carry the mass."""
        request = self.request
        found = assess_capacity(
            self.reference, vehicle.name, request.orbit, request.payload_mass_kg, self.t
        )
        if found.status != "infeasible":
            return found
        assert request.payload_mass_kg is not None
        self.exclude(
            "capacity_exceeded",
            vehicle.name,
            f"{vehicle.name} cannot carry {kg(request.payload_mass_kg)} to "
            f"{request.orbit or 'LEO'}: {_why_not(found)} {self.catalogue_tag}",
        )
        return None

    def pads_of(self, vehicle: Vehicle) -> list[Pad]:
        """The pads a vehicle launched from before the moment read; a maiden flight's family's."""
        if not vehicle.maiden:
            return self.index.pads_by_vehicle.get(vehicle.name, [])
        mix = self.at.pad_mix(vehicle.name, vehicle.family)
        return [self.index.pads[key] for key, _share in mix if key in self.index.pads]

    def pairs(
        self, vehicles: Sequence[Vehicle]
    ) -> list[tuple[Vehicle, Pad, Capacity, Reached | None]]:
        """Each vehicle that can carry the payload with every active, allowed pad it can use,
        at a site that reached the orbit."""
        request = self.request
        years = f"{request.retired_after_years:g}"
        out: list[tuple[Vehicle, Pad, Capacity, Reached | None]] = []
        for vehicle in vehicles:
            capacity = self.capacity(vehicle)
            if capacity is None:
                continue
            pads = self.pads_of(vehicle)
            if not pads:
                where = "its family's" if vehicle.maiden else "its"
                self.exclude(
                    "no_known_pad",
                    vehicle.name,
                    f"no launch of {vehicle.name} ({where} record) from a known pad is on "
                    f"record before {self.when_read}",
                )
            for pad in pads:
                where = f"{pad.site}/{pad.pad}"
                if self.sites is not None and pad.site not in self.sites:
                    self.exclude(
                        "site_not_allowed",
                        vehicle.name,
                        f"{where} is at site {pad.site}, not at {', '.join(sorted(self.sites))}",
                        pad=pad,
                    )
                    continue
                if not self.active(pad.last_day):
                    self.exclude(
                        "pad_not_active",
                        vehicle.name,
                        f"{where} last launched on {day_text(pad.last_day)}, more than {years} "
                        f"years before {self.when_read}; whether it is retired is not in the "
                        f"public data {self.catalogue_tag}",
                        pad=pad,
                    )
                    continue
                reached = None
                if request.orbit is not None and self.reference.orbits.known:
                    reached = site_reach(self.reference, pad.site, request.orbit, self.t)
                    if reached.launches == 0:
                        self.exclude(
                            "orbit_not_reached_from_site",
                            vehicle.name,
                            f"{pad.site} has never launched to {reached_words(request.orbit)} "
                            f"before {self.when_read} {self.catalogue_tag}",
                            pad=pad,
                        )
                        continue
                out.append((vehicle, pad, capacity, reached))
        if len(out) > MAX_PAIRS:
            raise InvalidInputError(
                [
                    Problem(
                        loc=("vehicles",),
                        msg=f"{len(out)} vehicle and pad pairs match; at most {MAX_PAIRS} are "
                        "planned at once: name vehicles, sites or providers",
                        type="too_many_options",
                    )
                ]
            )
        return out

    def evaluate(
        self, vehicle: Vehicle, pad: Pad, capacity: Capacity, reached: Reached | None
    ) -> _Option | None:
        """The option for one (vehicle, pad), or None (recorded as excluded)."""
        request = self.request
        assert pad.last_day is not None  # pairs() keeps active pads only
        last = from_day(pad.last_day)
        readiness = MODELS_BY_NAME["pad_turnaround"].run_one(
            self.snapshot, PadItem(pad=pad.pad, site=pad.site, vehicle=vehicle.name, date=last)
        )
        assert isinstance(readiness, QuantileAnswer)
        free_from = max(request.earliest_date, readiness.dates.p50)
        where = f"{pad.site}/{pad.pad}"
        tag = w.cite(readiness.model, readiness.version)
        if free_from > request.latest_date:
            q = readiness.quantiles
            self.exclude(
                "pad_busy",
                vehicle.name,
                f"{where} last launched on {w.day(last)}; its next launch is expected "
                f"{w.days(q.p10)}-{w.days(q.p90)} days later (median {w.days(q.p50)}) {tag}, "
                f"so it is unlikely to be free before {w.day(request.latest_date)}",
                pad=pad,
            )
            return None
        step = dt.timedelta(days=request.date_step_days)
        date, lowest = free_from, None
        while date <= request.latest_date:
            answer = MODELS_BY_NAME["launch_failure"].run_one(
                self.snapshot,
                LaunchItem(vehicle=vehicle.name, date=date, site=pad.site, pad=pad.pad),
            )
            assert isinstance(answer, ProbabilityAnswer)
            limit = request.max_failure_probability
            if limit is None or answer.probability <= limit:
                return _Option(
                    vehicle=vehicle,
                    pad=pad,
                    date=date,
                    failure=answer,
                    readiness=readiness,
                    free_from=free_from,
                    later_for_risk=date > free_from,
                    capacity=capacity,
                    site_reached=reached,
                )
            lowest = answer if lowest is None or answer.probability < lowest.probability else lowest
            date += step
        assert lowest is not None and request.max_failure_probability is not None
        self.exclude(
            "risk_above_tolerance",
            vehicle.name,
            f"the failure probability of {vehicle.name} from {where} is above your tolerance "
            f"of {w.percent(request.max_failure_probability)} on every date tried "
            f"(lowest {w.percent(lowest.probability)}, 90% interval "
            f"{w.interval(*lowest.interval)}) {w.cite(lowest.model, lowest.version)}",
            pad=pad,
        )
        return None

    # ---- ranking and explanations ----------------------------------------------------------
    def rank(self, options: list[_Option]) -> None:
        """Set the risk, date and margin ranks of every option and its Pareto flag."""
        by_risk = sorted(options, key=lambda o: (o.failure.probability, o.date, o.name))
        by_date = sorted(options, key=lambda o: (o.date, o.failure.probability, o.name))
        for position, option in enumerate(by_risk, 1):
            option.risk_rank = position
        for position, option in enumerate(by_date, 1):
            option.date_rank = position
        if self.request.payload_mass_kg is not None:
            by_margin = sorted(
                options,
                key=lambda o: (
                    -(o.capacity.margin_kg if o.capacity.margin_kg is not None else -math.inf),
                    o.failure.probability,
                    o.date,
                    o.name,
                ),
            )
            for position, option in enumerate(by_margin, 1):
                option.margin_rank = position
        for option in options:
            option.pareto = not any(_dominates(other, option) for other in options)

    def ordered(self, options: list[_Option]) -> list[_Option]:
        """Feasible (or unchecked) options first, then unknown capacity; each by rank_by."""
        key = {"risk": "risk_rank", "date": "date_rank", "margin": "margin_rank"}[
            self.request.rank_by
        ]
        return sorted(options, key=lambda o: (o.unknown, getattr(o, key) or 0))

    def rank_sentence(self, option: _Option, total: int) -> str:
        parts = [
            f"Ranked {w.ordinal(option.risk_rank)} of {total} by failure risk",
            f"{w.ordinal(option.date_rank)} by date",
        ]
        if option.margin_rank is not None:
            parts.append(f"{w.ordinal(option.margin_rank)} by capacity margin")
        text = ", ".join(parts[:-1]) + " and " + parts[-1]
        if option.pareto and total > 1:
            criteria = (
                "risk, date and margin" if option.margin_rank is not None else "risk and date"
            )
            text += f"; no other option is at least as good on {criteria} and better on one"
        return text + "."

    def readiness_sentence(self, option: _Option) -> str:
        r, pad = option.readiness, option.pad
        where = f"{pad.site}/{pad.pad}"
        q, tag = r.quantiles, w.cite(r.model, r.version)
        expected = (
            f"its next launch was expected {w.days(q.p10)}-{w.days(q.p90)} days later "
            f"(median {w.days(q.p50)}, {w.day(r.dates.p50)}) {tag}"
        )
        free = w.day(option.free_from)
        if self.after_cutoff and self.cutoff is not None:
            text = (
                f"As of the data cutoff {w.day(self.cutoff)}, {where} had last launched on "
                f"{w.day(r.start)}; {expected}"
            )
            if r.dates.p90 < self.cutoff:
                text += (
                    f"; no launch from it followed by the cutoff, though one was expected by "
                    f"{w.day(r.dates.p90)}, so it may be idle"
                )
            text += (
                f". Its launches after the cutoff and its manifest are not in the public data, "
                f"so it is planned on the first date its turnaround allows in your window, {free}"
            )
            return text + "."
        text = f"{where} last launched on {w.day(r.start)} (before your earliest date); {expected}"
        if r.dates.p50 <= self.request.earliest_date:
            text += f", so it should be free by your earliest date {free}"
        else:
            text += f", so the first date it is likely free is {free}"
        return text + "."

    def capacity_sentence(self, option: _Option) -> str:
        c, request = option.capacity, self.request
        if request.payload_mass_kg is None:
            reach = c.evidence[-1].removesuffix(".") if self.reference.orbits.known else ""
            return (
                "Capacity not checked: no payload mass was given"
                + (f"; {reach}" if reach else "")
                + f" {self.catalogue_tag}."
            )
        target = request.orbit or "LEO"
        head = f"Capacity for {kg(request.payload_mass_kg)} to {target}: "
        if c.status == "unknown":
            return (
                head
                + "unknown, so this option is flagged and ranked after the feasible ones: "
                + " ".join(c.evidence)
                + f" {self.catalogue_tag}"
            )
        assert c.figure_kg is not None and c.margin_kg is not None
        if c.basis == "demonstrated" and c.demonstrated is not None:
            why = (
                f"the record shows {c.vehicle} carrying {kg(c.figure_kg)} there (launch "
                f"{c.demonstrated.launch_tag}, {day_text(c.demonstrated.day)})"
            )
        elif c.basis == "rated":
            why = _ratings_text(c, target)
        else:
            why = (
                f"by rule: {RULE_SHORT.get(target, 'see capacity_rule')} "
                f"({_ratings_text(c, 'GTO')})"
            )
        margin = f"margin {kg(c.margin_kg)} ({c.margin_kg / request.payload_mass_kg:.0%})"
        return head + f"feasible, {why}: {margin} {self.catalogue_tag}."

    def record_sentence(self, option: _Option) -> str:
        v, f = option.vehicle, option.failure
        f_tag = w.cite(f.model, f.version)
        if v.maiden:
            return (
                f"{v.name} has not flown by {self.when_read}: its failure probability is that of "
                f"a maiden flight, resting on its family's ({v.family}) and provider's record "
                f"{f_tag}."
            )
        record = (
            f"{v.name} had flown {w.plural(v.flights, 'time')} with "
            f"{w.plural(v.failures, 'failure')}"
        )
        since = f.context.get("family_flights_since_failure")
        if v.failures and isinstance(since, int):
            record += f"; its family had flown {w.plural(since, 'time')} since its last failure"
        return record + f" by {self.when_read} {self.catalogue_tag}."

    def reasons(self, option: _Option, total: int, safest: _Option) -> list[str]:
        """Plain sentences built from the option's numbers, each citing its model version."""
        request = self.request
        f, pad = option.failure, option.pad
        where = f"{pad.site}/{pad.pad}"
        f_tag = w.cite(f.model, f.version)
        out = [self.rank_sentence(option, total)]
        out.append(
            f"{option.vehicle.name} from {where} on {w.day(option.date)}: failure probability "
            f"{w.percent(f.probability)} (90% interval {w.interval(*f.interval)}) {f_tag}."
        )
        out.append(self.record_sentence(option))
        out.append(self.readiness_sentence(option))
        if request.payload_mass_kg is not None or request.orbit is not None:
            out.append(self.capacity_sentence(option))
        if option.site_reached is not None and request.orbit is not None:
            out.append(
                site_sentence(pad.site, request.orbit, option.site_reached).removesuffix(".")
                + f" {self.catalogue_tag}."
            )
        if option.later_for_risk and request.max_failure_probability is not None:
            out.append(
                f"Earlier dates were above your risk tolerance of "
                f"{w.percent(request.max_failure_probability)}, so it is planned on "
                f"{w.day(option.date)}."
            )
        if option is not safest and safest.failure.probability > 0:
            out.append(_relative(f, safest))
        if f.flags.get("unseen_pad"):
            out.append(f"Caution: {where} has no history in {f_tag}; its pad effect is a prior.")
        return out

    def feasibility(self, option: _Option) -> Feasibility:
        c, request = option.capacity, self.request
        reached = option.site_reached
        evidence = list(c.evidence)
        if reached is not None and request.orbit is not None:
            evidence.append(site_sentence(option.pad.site, request.orbit, reached))
        mass = request.payload_mass_kg
        return Feasibility(
            model=self.catalogue_model.provenance.model,
            version=self.catalogue_model.version,
            status="not_checked"
            if c.status == "not_checked"
            else "feasible"
            if c.status == "feasible"
            else "unknown",
            basis=c.basis,
            orbit=request.orbit,
            payload_mass_kg=mass,
            capacity_kg=c.figure_kg,
            margin_kg=c.margin_kg,
            margin_fraction=None if c.margin_kg is None or not mass else c.margin_kg / mass,
            rule=c.rule,
            site_launches=None if reached is None else reached.launches,
            site_last_launch=None
            if reached is None or reached.last_day is None
            else from_day(reached.last_day),
            evidence=evidence,
        )

    # ---- the whole run -----------------------------------------------------------------
    def run(self) -> PlanResponse:
        request = self.request
        options = [
            option
            for vehicle, pad, capacity, reached in self.pairs(self.vehicles())
            if (option := self.evaluate(vehicle, pad, capacity, reached)) is not None
        ]
        self.rank(options)
        ordered = self.ordered(options)
        safest = min(options, key=lambda o: o.risk_rank) if options else None
        shown = []
        for position, option in enumerate(ordered[: request.max_options], 1):
            assert safest is not None
            flags = {k: v for k, v in option.failure.flags.items() if v}
            if option.unknown:
                flags["capacity_unknown"] = True
            shown.append(
                PlanOption(
                    rank=position,
                    risk_rank=option.risk_rank,
                    date_rank=option.date_rank,
                    margin_rank=option.margin_rank,
                    pareto_optimal=option.pareto,
                    vehicle=option.vehicle.name,
                    family=option.vehicle.family,
                    provider=option.vehicle.provider,
                    site=option.pad.site,
                    pad=option.pad.pad,
                    date=option.date,
                    failure=_failure(option.failure),
                    pad_readiness=_readiness(option.readiness, option.pad),
                    feasibility=self.feasibility(option),
                    record=VehicleRecord(
                        model=self.catalogue_model.provenance.model,
                        version=self.catalogue_model.version,
                        flights=option.vehicle.flights,
                        failures=option.vehicle.failures,
                        first_flight=None
                        if option.vehicle.first_day is None
                        else from_day(option.vehicle.first_day),
                        last_flight=None
                        if option.vehicle.last_day is None
                        else from_day(option.vehicle.last_day),
                    ),
                    flags=flags,
                    reasons=self.reasons(option, len(options), safest),
                )
            )
        self.notes.extend(self.assumptions())
        return PlanResponse(
            earliest_date=request.earliest_date,
            latest_date=request.latest_date,
            rank_by=request.rank_by,
            orbit=request.orbit,
            payload_mass_kg=request.payload_mass_kg,
            data_cutoff=self.failure_model.provenance.data_cutoff,
            read_at=self.read_at,
            days_past_cutoff=self.days_past_cutoff,
            capacity_rule=capacity_rule(request.orbit, request.payload_mass_kg),
            options=shown,
            options_total=len(options),
            options_unknown_capacity=sum(1 for o in options if o.unknown),
            excluded=sorted(self.excluded, key=lambda e: REASON_ORDER.index(e.reason))[
                :MAX_EXCLUDED
            ],
            excluded_total=len(self.excluded),
            excluded_by_reason=dict(Counter(e.reason for e in self.excluded)),
            notes=self.notes,
            limits=self.limits(),
            sources=self.sources(),
        )

    def assumptions(self) -> list[str]:
        """How the plan read the record and judged capacity, said plainly."""
        request = self.request
        out = []
        if self.after_cutoff and self.cutoff is not None:
            out.append(
                f"The window starts {w.plural(self.days_past_cutoff, 'day')} after the data "
                f"cutoff {w.day(self.cutoff)}: vehicles, pads, capacities and pad calendars are "
                "read as of the cutoff; launches since are not in the data."
            )
        elif self.cutoff is not None:
            out.append(
                f"The window lies within the record: vehicles, pads, capacities and pad "
                f"calendars are read as of your earliest date {w.day(request.earliest_date)} "
                "(only launches before it count)."
            )
        if request.orbit is not None and not self.reference.orbits.known:
            out.append(
                f"The served {self.catalogue_model.name} version carries no record of where "
                f"launches went, so sites were not checked for {request.orbit}; retrain it."
            )
        if request.payload_mass_kg is None and request.orbit is not None:
            out.append(
                f"No payload mass was given: capacity was not checked; pads were kept only at "
                f"sites that have launched to {describe(request.orbit)}."
            )
        elif request.payload_mass_kg is not None:
            out.append(f"Capacity rule: {capacity_rule(request.orbit, request.payload_mass_kg)}")
        return out

    def limits(self) -> list[str]:
        years = f"{self.request.retired_after_years:g}"
        out = [
            "Retirements and launch manifests (bookings, backlogs) are not in the public data: "
            f"a vehicle or pad counts as active when it launched in the {years} years before "
            f"{self.when_read}, and a pad's readiness comes from its turnaround, not its "
            "bookings.",
        ]
        if self.request.payload_mass_kg is not None:
            out.append(
                "Capacities are GCAT's rated figures, to LEO and GTO only; the only payload "
                "masses in the data are the SpaceX API's (Falcon launches to 2022)."
            )
        return out

    def sources(self) -> list[Provenance]:
        seen: dict[str, Provenance] = {}
        for served in (self.failure_model, self.turnaround_model, self.catalogue_model):
            seen.setdefault(served.name, served.provenance)
        return list(seen.values())


def _ratings_text(c: Capacity, orbit: str) -> str:
    found = c.ratings.get(orbit)
    if found is None:
        return ""
    return found.words(c.vehicle)


def _why_not(c: Capacity) -> str:
    """Why a capacity check failed, in a sentence built from the figures."""
    leo, gto = c.ratings.get("LEO"), c.ratings.get("GTO")
    if c.basis == "bound":
        if c.orbit in ("LUNAR", "ESCAPE") and gto is not None and c.figure_kg == gto.high:
            return f"{gto.words(c.vehicle)}, and {describe(c.orbit)} needs more energy than GTO"
        assert leo is not None
        return f"{leo.words(c.vehicle)}, which bounds every orbit"
    if c.basis == "rule":
        assert gto is not None
        return f"{gto.words(c.vehicle)}, and a GEO satellite rides a GTO"
    found = c.ratings.get(c.orbit or "LEO")
    return found.words(c.vehicle) if found is not None else "its rated capacity is below it"


def plan_mission(snapshot: Snapshot, request: PlanRequest) -> PlanResponse:
    """Rank the (vehicle, pad, date) options of a mission and list the excluded ones.

    Parameters
    ----------
    snapshot
        The served models; the whole plan reads this one snapshot.
    request
        The mission's window, payload mass and orbit, allowed vehicles, sites and providers,
        and risk tolerance.

    Returns
    -------
    PlanResponse
        Up to ``request.max_options`` options, feasible ones first, ranked by
        ``request.rank_by``, each with its failure probability (90% interval), pad readiness
        quantiles and dates, its feasibility (capacity, margin, the site's record of the
        orbit, with the evidence), the vehicle's record and sentences explaining its rank;
        the excluded options with their reasons; notes on how the record was read; the
        limits of the public data; and the model versions behind every number.

    Raises
    ------
    InvalidInputError
        An unknown site or provider, or too many options to plan.
    ModelUnavailableError
        ``launch_failure`` or ``pad_turnaround`` has no loaded version.
    """
    return _Plan(snapshot, request).run()
