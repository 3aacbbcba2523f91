"""The mission planner: what can carry the payload, from where, and when; ranked and explained.

A plan reads every launch history as of one moment: the earliest date of the window, or the end
of the record for a window after it (the data cutoff; the answer says how far past it the
window lies). Vehicle status is read for the window itself (T-Minus' vehicle reference says
when a vehicle retired). The plan is a pipeline of named steps, each taking the survivors of the
one before and returning what it keeps and what it excludes, with the reason:

1. :func:`candidates`: the vehicles named (a name no table knows is refused), or every vehicle
   that launched in the ``retired_after_years`` before the moment read, and the variants GCAT
   lists that have not flown yet, of those families (maiden flights, flagged);
2. :func:`status`: T-Minus' reference decides whether each is for sale on the window: retired
   (or cancelled) ones are excluded as ``retired``, crew-only, dedicated and sold-out ones as
   ``not_offered``, unless the request asks for history (``include_retired``); a vehicle the
   reference does not list counts as active only by its recent launches (flagged);
3. :func:`capacity` (:mod:`tminus.features.capability`): the reference's figure, the record's
   demonstrated masses, GCAT's ratings or a stated rule; a figure below the mass excludes
   (``capacity_exceeded``); no figure: unknown, flagged and ranked after the feasible options;
4. :func:`pads`: each pad the vehicle launched from (a maiden flight: its family's pads of the
   year before), active and allowed, at a site whose record reached the orbit class;
5. :func:`readiness`: the pad is taken to be free from its last launch before the moment read
   plus the median ``pad_turnaround`` (never before the earliest date); ``pad_busy`` if not
   within the window;
6. :func:`risk`: the ``launch_failure`` probability on the dates tried every
   ``date_step_days``, all of a plan's in one batch; the first date within the risk
   tolerance is kept (``risk_above_tolerance`` if none);
7. :func:`rank`: by failure probability, by date and by capacity margin, with the Pareto front.

The predictions go through :mod:`tminus.serving.models`, the same entries the REST routes use;
the sentences that explain an option are written by :mod:`tminus.tools.plan_words`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Generic, TypeVar

from tminus.features.capability import (
    Capacity,
    assess_capacity,
    capacity_rule,
    kg,
    site_reach,
    site_sentence,
)
from tminus.features.history import HistoryAt, LaunchHistory, pad_key
from tminus.features.names import NameIndex
from tminus.features.orbits import reached_words
from tminus.features.reference import Reached, Reference, StatusAt
from tminus.features.timebase import from_day, iso_day, to_day
from tminus.predictors.base import QueryError
from tminus.predictors.catalogue import Catalogue
from tminus.predictors.launch_failure import LaunchAnswers, LaunchFailurePredictor
from tminus.serving.catalogue import catalogue_source
from tminus.serving.errors import InvalidInputError, Problem, query_problem
from tminus.serving.models import MODELS_BY_NAME
from tminus.serving.predict import launch_columns, probability_item
from tminus.serving.schemas import (
    PadItem,
    ProbabilityAnswer,
    Provenance,
    QuantileAnswer,
    QuantileItem,
)
from tminus.serving.state import ServedModel, Snapshot
from tminus.tools import plan_words
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
# Exclusions listed in one answer (the total and the count per reason are always given): at
# most this many of each reason, so that every reason shows, in REASON_ORDER, the ones that
# answer "what can carry it, from where, when" first.
MAX_EXCLUDED: Final = 100
MAX_EXCLUDED_PER_REASON: Final = 20
REASON_ORDER: Final = (
    "unknown_vehicle",
    "capacity_exceeded",
    "orbit_not_reached_from_site",
    "risk_above_tolerance",
    "pad_busy",
    "retired",
    "not_offered",
    "vehicle_not_active",
    "pad_not_active",
    "no_known_pad",
    "provider_not_allowed",
    "site_not_allowed",
)
YEAR_DAYS: Final = 365.25

T = TypeVar("T")


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


# ---- what each step hands on -------------------------------------------------------------
@dataclass(frozen=True)
class Step(Generic[T]):
    """What a step kept (for the next step) and what it excluded, with reasons."""

    kept: list[T]
    excluded: list[Exclusion] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Candidate:
    """A vehicle to consider, with its status on the window (T-Minus' reference)."""

    vehicle: Vehicle
    status: StatusAt


@dataclass(frozen=True)
class Carried:
    """A vehicle whose capacity does not rule the payload out."""

    candidate: Candidate
    capacity: Capacity


@dataclass(frozen=True)
class Placed:
    """A (vehicle, pad) pair at a site that reached the orbit class."""

    carried: Carried
    pad: Pad
    reached: Reached | None


@dataclass(frozen=True)
class Ready:
    """A pair whose pad is likely free within the window, and from when."""

    placed: Placed
    readiness: QuantileAnswer
    free_from: dt.datetime


@dataclass
class Option:
    """A (vehicle, pad, date) that meets the requirements, before and after ranking."""

    vehicle: Vehicle
    status: StatusAt
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

    @property
    def unknown(self) -> bool:
        """Capacity unknown: ranked after the feasible options."""
        return self.capacity.status == "unknown"

    @property
    def name(self) -> tuple[str, str, str]:
        return (self.vehicle.name, self.pad.site, self.pad.pad)


def _exclusion(
    reason: ExclusionReason,
    vehicle: str,
    message: str,
    *,
    pad: Pad | None = None,
    suggestions: Sequence[str] = (),
) -> Exclusion:
    return Exclusion(
        vehicle=vehicle,
        site=pad.site if pad else None,
        pad=pad.pad if pad else None,
        reason=reason,
        message=message,
        suggestions=list(suggestions),
    )


# ---- the context every step reads ---------------------------------------------------------
@dataclass(frozen=True)
class PlanContext:
    """One plan's request, the snapshot it reads, and the moments it reads them at."""

    snapshot: Snapshot
    request: PlanRequest
    failure_model: ServedModel
    turnaround_model: ServedModel
    catalogue_model: ServedModel
    catalogue: Catalogue
    t: float  # the moment the launch record is read at
    window_day: float  # the earliest date: vehicle status is read for it
    days_past_cutoff: int
    after_cutoff: bool
    index: PlannerIndex
    sites: frozenset[str] | None
    providers: frozenset[str] | None

    @property
    def history(self) -> LaunchHistory:
        return self.catalogue.history

    @property
    def reference(self) -> Reference:
        return self.catalogue.reference

    @property
    def at(self) -> HistoryAt:
        return self.history.at(self.t)

    @property
    def cutoff(self) -> dt.datetime | None:
        return self.catalogue.cutoff

    @property
    def read_at(self) -> dt.datetime | None:
        return from_day(self.t) if self.history.last_day is not None else None

    @property
    def active_since(self) -> float:
        return self.t - self.request.retired_after_years * YEAR_DAYS

    @property
    def catalogue_tag(self) -> str:
        return w.cite(self.catalogue_model.name, self.catalogue_model.version)

    def active(self, last_day: float | None) -> bool:
        """Whether something that last launched on ``last_day`` counts as active."""
        return last_day is not None and last_day >= self.active_since

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

    @classmethod
    def build(cls, snapshot: Snapshot, request: PlanRequest) -> PlanContext:
        """Read the snapshot at the plan's moment; unknown sites or providers are a 422."""
        catalogue_model, catalogue = catalogue_source(snapshot)
        history = catalogue.history
        earliest = to_day(request.earliest_date)
        # Every history is read at one moment: the earliest date, or the record's end.
        t = history.read_moment(earliest)
        days_past = history.days_past_cutoff(earliest)

        def build_index() -> PlannerIndex:
            return planner_index(history, catalogue, t)

        # Every window after the cutoff reads the same moment: build once per version.
        index = (
            catalogue_model.memo("planner_index_at_cutoff", build_index)
            if t == history.horizon
            else build_index()
        )
        return cls(
            snapshot=snapshot,
            request=request,
            failure_model=snapshot.get("launch_failure"),
            turnaround_model=snapshot.get("pad_turnaround"),
            catalogue_model=catalogue_model,
            catalogue=catalogue,
            t=t,
            window_day=earliest,
            days_past_cutoff=days_past,
            after_cutoff=days_past > 0 or t < earliest,
            index=index,
            sites=_resolve_sites(catalogue, index, request.sites),
            providers=_resolve_providers(index, request.providers),
        )


def _resolve_providers(
    index: PlannerIndex, requested: Sequence[str] | None
) -> frozenset[str] | None:
    """Requested provider codes as known ones; unknown ones are a 422 with suggestions."""
    names = NameIndex(index.providers)

    def resolve(code: str) -> str:
        match = names.resolve(code)
        if match is None:
            raise QueryError("providers", code, suggestions=names.closest(code))
        return match

    return _resolve_each(
        "providers", requested, resolve, "unknown provider {!r}; providers are GCAT codes"
    )


def _resolve_sites(
    catalogue: Catalogue, index: PlannerIndex, requested: Sequence[str] | None
) -> frozenset[str] | None:
    """Requested sites, by code or name ('Cape Canaveral'), through the catalogue's one rule;
    unknown ones are a 422 with suggestions."""

    def resolve(name: str) -> str:
        try:
            return catalogue.resolve_site(name)
        except QueryError as exc:
            close = exc.suggestions or NameIndex(index.sites).closest(name)
            raise QueryError("sites", name, suggestions=close) from exc

    return _resolve_each(
        "sites",
        requested,
        resolve,
        "unknown site {!r}; sites are GCAT codes ('CC', 'CSG') or names ('Cape Canaveral', "
        "'Kourou')",
    )


def _resolve_each(
    field: str, requested: Sequence[str] | None, resolve: Callable[[str], str], unknown: str
) -> frozenset[str] | None:
    """Each requested name resolved, or one 422 listing every unknown one (``unknown`` is its
    message, formatted with the name) with the closest known names."""
    if requested is None:
        return None
    found: set[str] = set()
    problems: list[Problem] = []
    for position, name in enumerate(requested):
        try:
            found.add(resolve(name))
        except QueryError as exc:
            problems.append(
                Problem(
                    loc=(field, position),
                    msg=unknown.format(name)
                    + ("; did you mean one of these?" if exc.suggestions else ""),
                    type="unknown_name",
                    suggestions=exc.suggestions,
                )
            )
    if problems:
        raise InvalidInputError(problems)
    return frozenset(found)


# ---- the steps ---------------------------------------------------------------------------
def candidates(ctx: PlanContext) -> Step[Vehicle]:
    """The vehicles named, or the recently active ones and their families' unflown variants."""
    if ctx.request.vehicles is None:
        return _default_vehicles(ctx)
    chosen: list[Vehicle] = []
    excluded: list[Exclusion] = []
    notes: list[str] = []
    problems: list[Problem] = []
    for position, name in enumerate(ctx.request.vehicles):
        try:
            match = ctx.catalogue.resolve_vehicle(name, at=ctx.t)
        except QueryError as exc:
            problems.append(query_problem(exc, ("vehicles", position)))
            continue
        if match.matched in ("family", "series"):
            notes.append(
                f"Read {name!r} as {match.name}, its family's variant flying as of "
                f"{plan_words.when_read(ctx)} (the most recently flown not retired by then, "
                f"else the next one) {ctx.catalogue_tag}."
            )
        elif match.matched == "alias":
            notes.append(f"Read {name!r} as {match.name} {ctx.catalogue_tag}.")
        entry = ctx.vehicle(match.name)
        if any(v.name == entry.name for v in chosen):
            continue
        if ctx.providers is not None and entry.provider not in ctx.providers:
            excluded.append(
                _exclusion(
                    "provider_not_allowed",
                    entry.name,
                    f"{entry.name} is flown by {entry.provider or 'an unknown provider'}, "
                    f"not by {', '.join(sorted(ctx.providers))}",
                )
            )
        else:
            chosen.append(entry)
    if problems:
        raise InvalidInputError(problems)
    return Step(chosen, excluded, notes)


def _default_vehicles(ctx: PlanContext) -> Step[Vehicle]:
    active: list[Vehicle] = []
    families: set[str] = set()
    flown_names: set[str] = set()
    for name, record in ctx.history.vehicles.items():
        at = record.at(ctx.t)
        if at.flights:
            flown_names.add(name)
        if ctx.active(at.last_day):
            entry = ctx.vehicle(name)
            families.add(entry.family)
            if ctx.providers is None or entry.provider in ctx.providers:
                active.append(entry)
    maiden: list[Vehicle] = []
    if ctx.request.include_maiden_flights:
        for ref in ctx.reference.vehicles.values():
            if ref.name in flown_names or ref.family not in families:
                continue
            if ref.alias is not None and ref.alias in flown_names:
                continue  # another name of a vehicle that has flown (UR-500K: Proton-K)
            entry = ctx.vehicle(ref.name)
            if ctx.providers is None or entry.provider in ctx.providers:
                maiden.append(entry)
    by = f" of providers {', '.join(sorted(ctx.providers))}" if ctx.providers else ""
    return Step([*active, *maiden], notes=[plan_words.considered(ctx, active, maiden, by)])


def status(ctx: PlanContext, vehicles: Iterable[Vehicle]) -> Step[Candidate]:
    """Whether each vehicle is for sale on the window, by T-Minus' reference."""
    kept: list[Candidate] = []
    excluded: list[Exclusion] = []
    history = ctx.request.include_retired
    for vehicle in vehicles:
        found = ctx.catalogue.status_at(vehicle.name, at=ctx.window_day)
        said = plan_words.status_words(found)
        if found.ended and not history:
            excluded.append(
                _exclusion(
                    "retired",
                    vehicle.name,
                    f"{vehicle.name} is {said}; set include_retired to plan it anyway",
                )
            )
        elif found.known and not found.offered and not history:
            excluded.append(
                _exclusion(
                    "not_offered",
                    vehicle.name,
                    f"{vehicle.name} is not sold to new missions: {said}; set include_retired "
                    "to plan it anyway",
                )
            )
        elif not found.known and not vehicle.maiden and not ctx.active(vehicle.last_day):
            excluded.append(
                _exclusion(
                    "vehicle_not_active",
                    vehicle.name,
                    f"{vehicle.name} last flew on {iso_day(vehicle.last_day)}, more than "
                    f"{ctx.request.retired_after_years:g} years before "
                    f"{plan_words.when_read(ctx)}, and T-Minus' vehicle reference does not "
                    f"list it {ctx.catalogue_tag}",
                )
            )
        else:
            kept.append(Candidate(vehicle, found))
    return Step(kept, excluded)


def capacity(ctx: PlanContext, candidates: Iterable[Candidate]) -> Step[Carried]:
    """Each vehicle's capacity to the orbit; those that cannot carry the mass are excluded."""
    request = ctx.request
    kept: list[Carried] = []
    excluded: list[Exclusion] = []
    for candidate in candidates:
        name = candidate.vehicle.name
        found = assess_capacity(ctx.reference, name, request.orbit, request.payload_mass_kg, ctx.t)
        if found.status != "infeasible":
            kept.append(Carried(candidate, found))
            continue
        assert request.payload_mass_kg is not None
        excluded.append(
            _exclusion(
                "capacity_exceeded",
                name,
                f"{name} cannot carry {kg(request.payload_mass_kg)} to "
                f"{request.orbit or 'LEO'}: {found.why} {ctx.catalogue_tag}",
            )
        )
    return Step(kept, excluded)


def _pads_of(ctx: PlanContext, vehicle: Vehicle) -> list[Pad]:
    """The pads a vehicle launched from before the moment read; a maiden flight's family's."""
    if not vehicle.maiden:
        return ctx.index.pads_by_vehicle.get(vehicle.name, [])
    mix = ctx.at.pad_mix(vehicle.name, vehicle.family)
    return [ctx.index.pads[key] for key, _share in mix if key in ctx.index.pads]


def pads(ctx: PlanContext, carried: Iterable[Carried]) -> Step[Placed]:
    """Each vehicle with every active, allowed pad it can use, at a site that reached the
    orbit; raises a 422 when there are more pairs than a plan evaluates."""
    request = ctx.request
    years = f"{request.retired_after_years:g}"
    kept: list[Placed] = []
    excluded: list[Exclusion] = []
    when = plan_words.when_read(ctx)
    for item in carried:
        vehicle = item.candidate.vehicle
        found = _pads_of(ctx, vehicle)
        if not found:
            where = "its family's" if vehicle.maiden else "its"
            excluded.append(
                _exclusion(
                    "no_known_pad",
                    vehicle.name,
                    f"no launch of {vehicle.name} ({where} record) from a known pad is on "
                    f"record before {when}",
                )
            )
        for pad in found:
            where = f"{pad.site}/{pad.pad}"
            if ctx.sites is not None and pad.site not in ctx.sites:
                excluded.append(
                    _exclusion(
                        "site_not_allowed",
                        vehicle.name,
                        f"{where} is at site {pad.site}, not at {', '.join(sorted(ctx.sites))}",
                        pad=pad,
                    )
                )
                continue
            if not ctx.active(pad.last_day):
                excluded.append(
                    _exclusion(
                        "pad_not_active",
                        vehicle.name,
                        f"{where} last launched on {iso_day(pad.last_day)}, more than {years} "
                        f"years before {when}; whether it is retired is not in the public data "
                        f"{ctx.catalogue_tag}",
                        pad=pad,
                    )
                )
                continue
            reached = None
            if request.orbit is not None and ctx.reference.orbits.known:
                reached = site_reach(ctx.reference, pad.site, request.orbit, ctx.t)
                if reached.launches == 0:
                    excluded.append(
                        _exclusion(
                            "orbit_not_reached_from_site",
                            vehicle.name,
                            f"{pad.site} has never launched to {reached_words(request.orbit)} "
                            f"before {when} {ctx.catalogue_tag}",
                            pad=pad,
                        )
                    )
                    continue
            kept.append(Placed(item, pad, reached))
    if len(kept) > MAX_PAIRS:
        raise InvalidInputError(
            [
                Problem(
                    loc=("vehicles",),
                    msg=f"{len(kept)} vehicle and pad pairs match; at most {MAX_PAIRS} are "
                    "planned at once: name vehicles, sites or providers",
                    type="too_many_options",
                )
            ]
        )
    return Step(kept, excluded)


def readiness(ctx: PlanContext, placed: Sequence[Placed]) -> Step[Ready]:
    """When each pad is likely free (one batch of pad_turnaround answers)."""
    request = ctx.request
    items = []
    for item in placed:
        assert item.pad.last_day is not None  # pads() keeps active pads only
        items.append(
            PadItem(
                pad=item.pad.pad,
                site=item.pad.site,
                vehicle=item.carried.candidate.vehicle.name,
                date=from_day(item.pad.last_day),
            )
        )
    answers = _quantiles(ctx.snapshot, "pad_turnaround", items)
    kept: list[Ready] = []
    excluded: list[Exclusion] = []
    for item, answer in zip(placed, answers, strict=True):
        free_from = max(request.earliest_date, answer.dates.p50)
        if free_from <= request.latest_date:
            kept.append(Ready(item, answer, free_from))
            continue
        q, pad = answer.quantiles, item.pad
        excluded.append(
            _exclusion(
                "pad_busy",
                item.carried.candidate.vehicle.name,
                f"{pad.site}/{pad.pad} last launched on {iso_day(answer.start)}; its next launch "
                f"is expected {w.days(q.p10)}-{w.days(q.p90)} days later (median "
                f"{w.days(q.p50)}) {w.cite(answer.model, answer.version)}, so it is unlikely "
                f"to be free before {iso_day(request.latest_date)}",
                pad=pad,
            )
        )
    return Step(kept, excluded)


def risk(ctx: PlanContext, ready: Sequence[Ready]) -> Step[Option]:
    """The failure probability on each pair's dates (one batch for the whole plan); the first
    date within the risk tolerance is kept.

    The batch goes to the predictor as columns and only the answers a plan shows (the date
    kept, or the lowest of an excluded pair) are built in full: a year with a tolerance is
    thousands of rows.
    """
    request = ctx.request
    step = dt.timedelta(days=request.date_step_days)
    limit = request.max_failure_probability
    dates: list[list[dt.datetime]] = []
    columns: dict[str, list[Any]] = {"vehicle": [], "date": [], "site": [], "pad": []}
    for item in ready:
        tried = [item.free_from]
        if limit is not None:  # without a tolerance the first date is the answer
            while tried[-1] + step <= request.latest_date:
                tried.append(tried[-1] + step)
        dates.append(tried)
        vehicle, pad = item.placed.carried.candidate.vehicle, item.placed.pad
        columns["vehicle"] += [vehicle.name] * len(tried)
        columns["date"] += tried
        columns["site"] += [pad.site] * len(tried)
        columns["pad"] += [pad.pad] * len(tried)
    batch = _failures(ctx, columns)
    kept: list[Option] = []
    excluded: list[Exclusion] = []
    first = 0
    for item, tried in zip(ready, dates, strict=True):
        rows = range(first, first + len(tried))
        first += len(tried)
        passing = next((i for i in rows if limit is None or batch.probability(i) <= limit), None)
        placed = item.placed
        candidate = placed.carried.candidate
        if passing is not None:
            day = tried[passing - rows.start]
            kept.append(
                Option(
                    vehicle=candidate.vehicle,
                    status=candidate.status,
                    pad=placed.pad,
                    date=day,
                    failure=batch.answer(passing),
                    readiness=item.readiness,
                    free_from=item.free_from,
                    later_for_risk=day > item.free_from,
                    capacity=placed.carried.capacity,
                    site_reached=placed.reached,
                )
            )
            continue
        assert limit is not None
        lowest = batch.answer(min(rows, key=batch.probability))
        excluded.append(
            _exclusion(
                "risk_above_tolerance",
                candidate.vehicle.name,
                f"the failure probability of {candidate.vehicle.name} from {placed.pad.site}/"
                f"{placed.pad.pad} is above your tolerance of {w.percent(limit)} on every date "
                f"tried (lowest {w.percent(lowest.probability)}, 90% interval "
                f"{w.interval(*lowest.interval)}) {w.cite(lowest.model, lowest.version)}",
                pad=placed.pad,
            )
        )
    return Step(kept, excluded)


def rank(ctx: PlanContext, options: list[Option]) -> list[Option]:
    """Set the risk, date and margin ranks of every option and its Pareto flag; return them
    in the request's order: feasible (or unchecked) first, then unknown capacity."""
    by_risk = sorted(options, key=lambda o: (o.failure.probability, o.date, o.name))
    by_date = sorted(options, key=lambda o: (o.date, o.failure.probability, o.name))
    for position, option in enumerate(by_risk, 1):
        option.risk_rank = position
    for position, option in enumerate(by_date, 1):
        option.date_rank = position
    if ctx.request.payload_mass_kg is not None:
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
    key = {"risk": "risk_rank", "date": "date_rank", "margin": "margin_rank"}[ctx.request.rank_by]
    return sorted(options, key=lambda o: (o.unknown, getattr(o, key) or 0))


def _dominates(a: Option, b: Option) -> bool:
    """``a`` is at least as good as ``b`` on risk, date and margin, and better on one."""
    ma = -math.inf if a.capacity.margin_kg is None else a.capacity.margin_kg
    mb = -math.inf if b.capacity.margin_kg is None else b.capacity.margin_kg
    pa, pb = a.failure.probability, b.failure.probability
    no_worse = pa <= pb and a.date <= b.date and ma >= mb
    return no_worse and (pa < pb or a.date < b.date or ma > mb)


# ---- batches through the served models ------------------------------------------------------
@dataclass(frozen=True)
class _Failures:
    """launch_failure's answers to a plan's rows: any row's probability, and its full answer
    (built on demand, as the REST route would answer it)."""

    answers: LaunchAnswers
    provenance: dict[str, Any]

    def probability(self, row: int) -> float:
        return self.answers.row_probability(row)

    def answer(self, row: int) -> ProbabilityAnswer:
        item = probability_item(self.answers.prediction(row))
        return ProbabilityAnswer.model_construct(**self.provenance, **dict(item))


def _failures(ctx: PlanContext, columns: dict[str, list[Any]]) -> _Failures:
    predictor = ctx.failure_model.predictor_as(LaunchFailurePredictor)
    answers = launch_columns(predictor, columns)
    return _Failures(answers, dict(ctx.failure_model.provenance))


def _quantiles(snapshot: Snapshot, model: str, items: Sequence[PadItem]) -> list[QuantileAnswer]:
    if not items:
        return []
    batch = MODELS_BY_NAME[model].run_many(snapshot, items)
    provenance = _provenance(batch)
    return [
        QuantileAnswer.model_construct(**provenance, **dict(item))
        for item in batch.items
        if isinstance(item, QuantileItem)
    ]


def _provenance(batch: Provenance) -> dict[str, Any]:
    return {name: getattr(batch, name) for name in Provenance.model_fields}


# ---- the answer --------------------------------------------------------------------------
def _feasibility(ctx: PlanContext, option: Option) -> Feasibility:
    c, request = option.capacity, ctx.request
    reached = option.site_reached
    evidence = list(c.evidence)
    if reached is not None and request.orbit is not None:
        evidence.append(site_sentence(option.pad.site, request.orbit, reached))
    source = ctx.reference.sources.get(c.source) if c.source else None
    return Feasibility(
        model=ctx.catalogue_model.provenance.model,
        version=ctx.catalogue_model.version,
        status="not_checked"
        if c.status == "not_checked"
        else "feasible"
        if c.status == "feasible"
        else "unknown",
        basis=c.basis,
        configuration=c.configuration,
        source=None if source is None else source.cite(),
        why=c.why,
        orbit=request.orbit,
        payload_mass_kg=request.payload_mass_kg,
        capacity_kg=c.figure_kg,
        margin_kg=c.margin_kg,
        margin_fraction=c.margin_fraction,
        rule=c.rule,
        site_launches=None if reached is None else reached.launches,
        site_last_launch=None
        if reached is None or reached.last_day is None
        else from_day(reached.last_day),
        evidence=evidence,
    )


def _plan_option(
    ctx: PlanContext, option: Option, position: int, total: int, safest: Option
) -> PlanOption:
    flags = {k: v for k, v in option.failure.flags.items() if v}
    if option.unknown:
        flags["capacity_unknown"] = True
    found = option.status
    if found.status == "in_development":
        flags["in_development"] = True
    if not found.known:
        flags["status_unknown"] = True
    if found.ended:
        flags["retired"] = True
    elif found.known and not found.offered:
        flags["not_offered"] = True
    vehicle = option.vehicle
    return PlanOption(
        rank=position,
        risk_rank=option.risk_rank,
        date_rank=option.date_rank,
        margin_rank=option.margin_rank,
        pareto_optimal=option.pareto,
        vehicle=vehicle.name,
        family=vehicle.family,
        provider=vehicle.provider,
        status=found.status,
        status_source=None if found.source is None else found.source.cite(),
        site=option.pad.site,
        pad=option.pad.pad,
        date=option.date,
        failure=FailureEstimate(
            model=option.failure.model,
            version=option.failure.version,
            probability=option.failure.probability,
            interval=option.failure.interval,
        ),
        pad_readiness=PadReadiness(
            model=option.readiness.model,
            version=option.readiness.version,
            site=option.pad.site,
            pad=option.pad.pad,
            last_launch=option.readiness.start,
            days=option.readiness.quantiles,
            dates=option.readiness.dates,
        ),
        feasibility=_feasibility(ctx, option),
        record=VehicleRecord(
            model=ctx.catalogue_model.provenance.model,
            version=ctx.catalogue_model.version,
            flights=vehicle.flights,
            failures=vehicle.failures,
            first_flight=None if vehicle.first_day is None else from_day(vehicle.first_day),
            last_flight=None if vehicle.last_day is None else from_day(vehicle.last_day),
        ),
        flags=flags,
        reasons=plan_words.reasons(ctx, option, total, safest),
    )


def _listed(excluded: list[Exclusion]) -> list[Exclusion]:
    """The exclusions an answer lists: up to :data:`MAX_EXCLUDED_PER_REASON` of each reason,
    in :data:`REASON_ORDER`, at most :data:`MAX_EXCLUDED` in all."""
    out: list[Exclusion] = []
    for reason in REASON_ORDER:
        out += [e for e in excluded if e.reason == reason][:MAX_EXCLUDED_PER_REASON]
    return out[:MAX_EXCLUDED]


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
        ``request.rank_by``, each with the vehicle's status and its source, its failure
        probability (90% interval), pad readiness quantiles and dates, its feasibility
        (capacity, configuration, margin, the site's record of the orbit, with the evidence
        and sources), the vehicle's record and sentences explaining its rank; the excluded
        options with their reasons; notes on how the record was read; the limits of the
        public data; and the model versions behind every number.

    Raises
    ------
    InvalidInputError
        An unknown vehicle, site or provider (with the closest names), or too many options.
    ModelUnavailableError
        ``launch_failure`` or ``pad_turnaround`` has no loaded version.
    """
    ctx = PlanContext.build(snapshot, request)
    found = candidates(ctx)
    offered = status(ctx, found.kept)
    carried = capacity(ctx, offered.kept)
    placed = pads(ctx, carried.kept)
    ready = readiness(ctx, placed.kept)
    scored = risk(ctx, ready.kept)
    ordered = rank(ctx, scored.kept)
    steps: list[Step[Any]] = [found, offered, carried, placed, ready, scored]
    excluded = [e for s in steps for e in s.excluded]
    notes = [n for s in steps for n in s.notes]
    shown = []
    if ordered:
        safest = min(ordered, key=lambda o: o.risk_rank)
        shown = [
            _plan_option(ctx, option, position, len(ordered), safest)
            for position, option in enumerate(ordered[: request.max_options], 1)
        ]
    sources: dict[str, Provenance] = {}
    for served in (ctx.failure_model, ctx.turnaround_model, ctx.catalogue_model):
        sources.setdefault(served.name, served.provenance)
    return PlanResponse(
        earliest_date=request.earliest_date,
        latest_date=request.latest_date,
        rank_by=request.rank_by,
        orbit=request.orbit,
        payload_mass_kg=request.payload_mass_kg,
        data_cutoff=ctx.failure_model.provenance.data_cutoff,
        read_at=ctx.read_at,
        days_past_cutoff=ctx.days_past_cutoff,
        capacity_rule=capacity_rule(request.orbit, request.payload_mass_kg),
        options=shown,
        options_total=len(ordered),
        options_unknown_capacity=sum(1 for o in ordered if o.unknown),
        excluded=_listed(excluded),
        excluded_total=len(excluded),
        excluded_by_reason=dict(Counter(e.reason for e in excluded)),
        notes=[*notes, *plan_words.assumptions(ctx)],
        limits=plan_words.limits(ctx),
        sources=list(sources.values()),
    )
