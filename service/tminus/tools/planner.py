"""The mission planner: feasible (vehicle, pad, date) options, ranked, explained and sourced.

Options are the allowed vehicles (or every vehicle that flew recently) times the pads each has
flown from times the dates of the window. For each (vehicle, pad) the pad is taken to be free
from its last launch on record plus the median of the ``pad_turnaround`` quantiles (and never
before the earliest date); dates are then tried every ``date_step_days`` until one has a
``launch_failure`` probability within the risk tolerance. That date is the option's planned
date. Options are ranked by failure probability and by planned date, and every sentence that
explains a rank names the model version each number came from.

What cannot be checked is said, not invented: T-Minus has no vehicle capacity or per-pad orbit
data, so payload mass and orbit are noted, not used to exclude anything.

The predictions go through :mod:`tminus.serving.predict`, the same functions the REST routes call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from tminus.features.names import NameIndex
from tminus.predictors.base import QueryError
from tminus.predictors.catalogue import Catalogue, PadEntry, VehicleEntry
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
from tminus.serving.state import ServedModel, Snapshot
from tminus.tools import wording as w
from tminus.tools.schemas import (
    Exclusion,
    ExclusionReason,
    FailureEstimate,
    PadReadiness,
    PlanOption,
    PlanRequest,
    PlanResponse,
    VehicleRecord,
)

# (vehicle, pad) pairs one plan may evaluate; every recently active pair fits well within it.
MAX_PAIRS: Final = 400
# Exclusions listed in one answer (the total is always given).
MAX_EXCLUDED: Final = 50
YEAR_DAYS: Final = 365.25


@dataclass(frozen=True)
class PlannerIndex:
    """The catalogue views a plan needs, built once per served catalogue version."""

    vehicles: dict[str, VehicleEntry]
    pads_by_vehicle: dict[str, list[PadEntry]]
    sites: tuple[str, ...]
    providers: tuple[str, ...]


def planner_index(served: ServedModel, catalogue: Catalogue) -> PlannerIndex:
    """The vehicles, the pads each has flown from, and the known sites and providers."""

    def build() -> PlannerIndex:
        pads_by_vehicle: dict[str, list[PadEntry]] = {}
        for entry in catalogue.pads():
            for vehicle in entry.vehicles:
                pads_by_vehicle.setdefault(vehicle, []).append(entry)
        vehicles = {v.name: v for v in catalogue.vehicles()}
        return PlannerIndex(
            vehicles=vehicles,
            pads_by_vehicle=pads_by_vehicle,
            sites=tuple(sorted({p.site for p in catalogue.pads()})),
            providers=tuple(sorted({v.provider for v in vehicles.values() if v.provider})),
        )

    return served.memo("planner_index", build)


@dataclass
class _Option:
    """A feasible option before ranking."""

    vehicle: VehicleEntry
    pad: PadEntry
    date: dt.datetime
    failure: ProbabilityAnswer
    readiness: QuantileAnswer
    free_from: dt.datetime
    later_for_risk: bool
    risk_rank: int = 0
    date_rank: int = 0
    pareto: bool = False


def _resolve_codes(
    requested: Sequence[str] | None, known: Iterable[str], field: str, what: str
) -> set[str] | None:
    """Requested site or provider codes as known ones; unknown ones are a 422 with suggestions."""
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


def _failure(answer: ProbabilityAnswer) -> FailureEstimate:
    return FailureEstimate(
        model=answer.model,
        version=answer.version,
        probability=answer.probability,
        interval=answer.interval,
    )


def _readiness(answer: QuantileAnswer, pad: PadEntry) -> PadReadiness:
    return PadReadiness(
        model=answer.model,
        version=answer.version,
        site=pad.site,
        pad=pad.pad,
        last_launch=answer.start,
        days=answer.quantiles,
        dates=answer.dates,
    )


def _record(vehicle: VehicleEntry, served: ServedModel) -> VehicleRecord:
    return VehicleRecord(
        model=served.provenance.model,
        version=served.version,
        flights=vehicle.flights,
        failures=vehicle.failures,
        first_flight=vehicle.first_flight,
        last_flight=vehicle.last_flight,
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


class _Plan:
    """One planning run: the request, the snapshot it reads, and what it found."""

    def __init__(self, snapshot: Snapshot, request: PlanRequest) -> None:
        self.snapshot = snapshot
        self.request = request
        self.failure_model = snapshot.get("launch_failure")
        self.turnaround_model = snapshot.get("pad_turnaround")
        self.catalogue_model, catalogue = catalogue_source(snapshot)
        self.catalogue = catalogue
        self.index = planner_index(self.catalogue_model, catalogue)
        self.cutoff = catalogue.cutoff
        years = dt.timedelta(days=request.retired_after_years * YEAR_DAYS)
        self.active_since = None if self.cutoff is None else self.cutoff - years
        self.excluded: list[Exclusion] = []
        self.notes: list[str] = []
        self.sites = _resolve_codes(request.sites, self.index.sites, "sites", "site")
        self.providers = _resolve_codes(
            request.providers, self.index.providers, "providers", "provider"
        )

    # ---- helpers -----------------------------------------------------------------------
    def exclude(
        self,
        reason: ExclusionReason,
        vehicle: str,
        message: str,
        *,
        pad: PadEntry | None = None,
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

    def active(self, last: dt.datetime | None) -> bool:
        """Whether something that last flew at ``last`` still counts as in service."""
        return last is not None and (self.active_since is None or last >= self.active_since)

    @property
    def catalogue_tag(self) -> str:
        return w.cite(self.catalogue_model.name, self.catalogue_model.version)

    # ---- steps -------------------------------------------------------------------------
    def vehicles(self) -> list[VehicleEntry]:
        """The vehicles to consider; excluded ones are recorded with their reason."""
        index, request = self.index, self.request
        years = f"{request.retired_after_years:g}"
        since = w.day(self.active_since) if self.active_since else "the data cutoff"
        if request.vehicles is None:
            active = [v for v in index.vehicles.values() if self.active(v.last_flight)]
            chosen = [v for v in active if self.providers is None or v.provider in self.providers]
            self.notes.append(
                f"No vehicles were named, so the plan considered the {len(chosen)} vehicles"
                + (f" of providers {', '.join(sorted(self.providers))}" if self.providers else "")
                + f" that flew since {since} ({years} years before the data cutoff) "
                f"{self.catalogue_tag}."
            )
            return chosen
        chosen = []
        for name in request.vehicles:
            try:
                match = self.catalogue.resolve_vehicle(name)
            except QueryError as exc:
                self.exclude(
                    "unknown_vehicle",
                    name,
                    f"no vehicle named {name!r} is known; the closest are "
                    f"{', '.join(exc.suggestions)}",
                    suggestions=exc.suggestions,
                )
                continue
            known = match.name if match.known else None
            if known is None:
                self.exclude(
                    "unknown_vehicle",
                    name,
                    f"no flight of {name!r} is on record, so its pads are unknown; "
                    "see list_vehicles for known names",
                )
                continue
            entry = index.vehicles[known]
            if self.providers is not None and entry.provider not in self.providers:
                self.exclude(
                    "provider_not_allowed",
                    known,
                    f"{known} is flown by {entry.provider or 'an unknown provider'}, "
                    f"not by {', '.join(sorted(self.providers))}",
                )
            elif not self.active(entry.last_flight):
                last = w.day(entry.last_flight) if entry.last_flight else "never"
                self.exclude(
                    "retired_vehicle",
                    known,
                    f"{known} last flew on {last}, more than {years} years before the data "
                    f"cutoff {self.catalogue_tag}",
                )
            else:
                chosen.append(entry)
        return chosen

    def pairs(self, vehicles: Sequence[VehicleEntry]) -> list[tuple[VehicleEntry, PadEntry]]:
        """Each vehicle with every active, allowed pad it has flown from."""
        years = f"{self.request.retired_after_years:g}"
        out: list[tuple[VehicleEntry, PadEntry]] = []
        for vehicle in vehicles:
            pads = self.index.pads_by_vehicle.get(vehicle.name, [])
            if not pads:
                self.exclude(
                    "no_known_pad",
                    vehicle.name,
                    f"no launch of {vehicle.name} from a known pad is on record",
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
                elif not self.active(pad.last_flight):
                    last = w.day(pad.last_flight) if pad.last_flight else "never"
                    self.exclude(
                        "retired_pad",
                        vehicle.name,
                        f"{where} last launched on {last}, more than {years} years before the "
                        f"data cutoff {self.catalogue_tag}",
                        pad=pad,
                    )
                else:
                    out.append((vehicle, pad))
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

    def evaluate(self, vehicle: VehicleEntry, pad: PadEntry) -> _Option | None:
        """The option for one (vehicle, pad), or None (recorded as excluded)."""
        request = self.request
        last = pad.last_flight
        assert last is not None  # pairs() keeps active pads only
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
    @staticmethod
    def rank(options: list[_Option]) -> None:
        """Set the risk rank, date rank and Pareto flag of every option."""

        def name(o: _Option) -> tuple[str, str, str]:
            return (o.vehicle.name, o.pad.site, o.pad.pad)

        by_risk = sorted(options, key=lambda o: (o.failure.probability, o.date, name(o)))
        by_date = sorted(options, key=lambda o: (o.date, o.failure.probability, name(o)))
        for position, option in enumerate(by_risk, 1):
            option.risk_rank = position
        for position, option in enumerate(by_date, 1):
            option.date_rank = position
        # Sweep by date: an option is dominated when an option no later is lower-risk.
        best: _Option | None = None
        for option in by_date:
            p = option.failure.probability
            dominated = best is not None and (
                best.failure.probability < p
                or (best.failure.probability == p and best.date < option.date)
            )
            option.pareto = not dominated
            if best is None or p < best.failure.probability:
                best = option

    def reasons(self, option: _Option, total: int, safest: _Option) -> list[str]:
        """Plain sentences built from the option's numbers, each citing its model version."""
        request = self.request
        f, r = option.failure, option.readiness
        v, pad = option.vehicle, option.pad
        where = f"{pad.site}/{pad.pad}"
        f_tag, r_tag = w.cite(f.model, f.version), w.cite(r.model, r.version)
        ranks = (
            f"Ranked {w.ordinal(option.risk_rank)} of {total} by failure risk and "
            f"{w.ordinal(option.date_rank)} by date"
        )
        if option.pareto and total > 1:
            ranks += "; no other option is both lower-risk and earlier"
        out = [ranks + "."]
        out.append(
            f"{v.name} from {where} on {w.day(option.date)}: failure probability "
            f"{w.percent(f.probability)} (90% interval {w.interval(*f.interval)}) {f_tag}."
        )
        record = (
            f"{v.name} has flown {w.plural(v.flights, 'time')} with "
            f"{w.plural(v.failures, 'failure')}"
        )
        since = f.context.get("family_flights_since_failure")
        if v.failures and isinstance(since, int):
            record += f"; its family has flown {w.plural(since, 'time')} since its last failure"
        out.append(record + f" {self.catalogue_tag}.")
        q = r.quantiles
        pad_sentence = (
            f"{where} last launched on {w.day(r.start)}; its next launch is expected "
            f"{w.days(q.p10)}-{w.days(q.p90)} days later (median {w.days(q.p50)}, "
            f"{w.day(r.dates.p50)}) {r_tag}"
        )
        free = w.day(option.free_from)
        if r.dates.p50 <= request.earliest_date:
            pad_sentence += f", so it should be free by your earliest date {free}"
        else:
            pad_sentence += f", so the first date it is likely free is {free}"
        out.append(pad_sentence + ".")
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

    # ---- the whole run -----------------------------------------------------------------
    def run(self) -> PlanResponse:
        request = self.request
        options = [
            option
            for vehicle, pad in self.pairs(self.vehicles())
            if (option := self.evaluate(vehicle, pad)) is not None
        ]
        self.rank(options)
        key = "risk_rank" if request.rank_by == "risk" else "date_rank"
        ordered = sorted(options, key=lambda o: int(getattr(o, key)))
        safest = min(options, key=lambda o: o.risk_rank) if options else None
        shown = []
        for position, option in enumerate(ordered[: request.max_options], 1):
            assert safest is not None
            shown.append(
                PlanOption(
                    rank=position,
                    risk_rank=option.risk_rank,
                    date_rank=option.date_rank,
                    pareto_optimal=option.pareto,
                    vehicle=option.vehicle.name,
                    family=option.vehicle.family,
                    provider=option.vehicle.provider,
                    site=option.pad.site,
                    pad=option.pad.pad,
                    date=option.date,
                    failure=_failure(option.failure),
                    pad_readiness=_readiness(option.readiness, option.pad),
                    record=_record(option.vehicle, self.catalogue_model),
                    flags={k: v for k, v in option.failure.flags.items() if v},
                    reasons=self.reasons(option, len(options), safest),
                )
            )
        self.notes.extend(self.assumptions())
        return PlanResponse(
            earliest_date=request.earliest_date,
            latest_date=request.latest_date,
            rank_by=request.rank_by,
            data_cutoff=self.failure_model.provenance.data_cutoff,
            options=shown,
            options_total=len(options),
            excluded=self.excluded[:MAX_EXCLUDED],
            excluded_total=len(self.excluded),
            notes=self.notes,
            sources=self.sources(),
        )

    def assumptions(self) -> list[str]:
        """What the plan could not check, said plainly."""
        request = self.request
        out = []
        if request.payload_mass_kg is not None:
            out.append(
                f"Payload mass ({request.payload_mass_kg:g} kg) was not checked: T-Minus has no "
                "vehicle capacity data, so confirm each vehicle can lift it"
                + (f" to {request.orbit}." if request.orbit else ".")
            )
        if request.orbit is not None:
            out.append(
                f"Orbit class {request.orbit!r} was not used: the launch_failure model does not "
                "condition on orbit and T-Minus has no per-pad orbit (inclination) data."
            )
        if self.cutoff is not None and request.earliest_date > self.cutoff:
            gap = (request.earliest_date - self.cutoff).days
            after = f"{w.plural(gap, 'day')} after" if gap else "right after"
            out.append(
                f"The window starts {after} the data cutoff {w.day(self.cutoff)}: pad "
                "readiness is counted from each pad's last launch on record and cannot see "
                "launches since."
            )
        return out

    def sources(self) -> list[Provenance]:
        seen: dict[str, Provenance] = {}
        for served in (self.failure_model, self.turnaround_model, self.catalogue_model):
            seen.setdefault(served.name, served.provenance)
        return list(seen.values())


def plan_mission(snapshot: Snapshot, request: PlanRequest) -> PlanResponse:
    """Rank the feasible (vehicle, pad, date) options of a mission and list the excluded ones.

    Parameters
    ----------
    snapshot
        The served models; the whole plan reads this one snapshot.
    request
        The mission's window, allowed vehicles, sites and providers, and risk tolerance.

    Returns
    -------
    PlanResponse
        Up to ``request.max_options`` options ranked by ``request.rank_by``, each with its
        failure probability (90% interval), pad readiness quantiles and dates, the vehicle's
        record and sentences explaining its rank; the excluded options with their reasons;
        notes on what could not be checked; and the model versions behind every number.

    Raises
    ------
    InvalidInputError
        An unknown site or provider code (with suggestions), or too many options to plan.
    ModelUnavailableError
        ``launch_failure`` or ``pad_turnaround`` has no loaded version.
    """
    return _Plan(snapshot, request).run()
