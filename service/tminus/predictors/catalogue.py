"""Known vehicles, sites and pads, flown or not yet, and how a user's names map to them.

The catalogue joins the launch history (what has flown) with GCAT's reference lists (what
exists, flown or not) and T-Minus' own vehicle reference (status, capacities and the names
people write). It is the one resolver every face uses (HTTP, planner, question parser, MCP,
CLI). One rule resolves a vehicle name (see :meth:`Catalogue.resolve_vehicle`):

1. an alias of T-Minus' reference ('F9', 'Falcon 9 Block 5', 'Delta IV Heavy', 'GSLV Mk III'):
   what it means, resolved by the rules below;
2. a name GCAT knows, after folding case, spaces, punctuation and prefix aliases ('Long March
   5', 'CZ-5', 'ariane-64'): that vehicle, flown or not yet flown;
3. the start of the names of one family's variants ('Ariane 6' for Ariane 62 and 64): the
   most recently flown of them that has not retired, and the answer says which ('Starship',
   once V1.0 and V2 have retired, is the V3 not yet flown: a maiden flight);
4. a family name alone ('Vulcan'): the family's variant flying on the date, by the same rule;
5. a near miss of a known name (a typo): refused, listing the closest names;
6. anything else: refused with the closest names as suggestions; only a caller that opts in
   (``allow_unseen``) gets an unknown vehicle, answered with the new-vehicle prior and flagged.

Pads resolve alike (exact after folding 'SLC-40' to 'LC40', else a near miss is refused, else
unknown); a pad GCAT lists that has not launched yet is a new pad, not an error.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Final, Literal

from tminus.features.history import LaunchHistory, pad_key
from tminus.features.names import NEAR_MISS_SCORE, NameIndex, NameRules, normalise_name
from tminus.features.reference import PadRef, Reference, StatusAt
from tminus.features.timebase import from_day
from tminus.predictors.base import QueryError

State = Literal["flown", "not yet flown"]
Matched = Literal["exact", "alias", "family", "series", "unknown"]
FLOWN: Final = "flown"
NOT_YET_FLOWN: Final = "not yet flown"
# A series prefix ('Ariane 6') must be at least this long once folded.
MIN_SERIES_KEY: Final = 4
# A variant T-Minus' reference does not list counts as still flying within this many years of
# its last flight, when a family or series name is read as one of its variants.
LIVE_YEARS: Final = 3
# Unused pads GCAT lists are shown when they came into use within this many years.
NEW_PAD_YEARS: Final = 10


@dataclass(frozen=True, slots=True)
class VehicleEntry:
    """A vehicle's record as of the data cutoff (zero flights if it has not flown)."""

    name: str
    family: str
    provider: str | None
    flights: int
    failures: int
    first_flight: datetime | None
    last_flight: datetime | None
    state: State = FLOWN
    status: str = "unknown"
    status_since: str | None = None
    status_source: str | None = None
    capacity_kg: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PadEntry:
    """A pad's record as of the data cutoff (zero flights if it has not launched)."""

    pad: str
    site: str
    flights: int
    failures: int
    last_flight: datetime | None
    vehicles: tuple[str, ...]
    state: State = FLOWN
    name: str | None = None


@dataclass(frozen=True, slots=True)
class VehicleMatch:
    """What a vehicle name resolved to.

    ``name`` is GCAT's name of the vehicle answered for (the name as asked when it is
    unknown); ``matched`` says how: ``exact``, ``alias`` (a name of T-Minus' reference:
    ``via`` is what it means), ``family`` or ``series`` (the family's variant flying on the
    date: the most recently flown not retired by then) or ``unknown``.
    """

    asked: str
    name: str
    family: str
    provider: str | None
    matched: Matched
    via: str | None = None

    @property
    def known(self) -> bool:
        """Whether a GCAT table knows the vehicle (flown or not)."""
        return self.matched != "unknown"


@dataclass(frozen=True, slots=True)
class PadMatch:
    """A pad a name resolved to; ``flown`` is False for a pad that has not launched yet."""

    site: str
    pad: str
    flown: bool

    @property
    def key(self) -> str:
        """``site/pad``."""
        return pad_key(self.site, self.pad)


class Catalogue:
    """Names and records of vehicles and pads, with forgiving but honest name resolution.

    A name matches when it equals a known one after folding case, spaces and punctuation.
    A near miss raises :class:`QueryError` listing the closest names (it is probably a typo);
    a name like nothing known resolves to an unknown match, so the caller can flag it.
    """

    def __init__(self, history: LaunchHistory, reference: Reference | None = None) -> None:
        self.history = history
        self.reference = reference or Reference()
        aliases = self.reference.aliases
        self.rules = NameRules(aliases.by_kind)
        self._family: dict[str, str] = {
            name: ref.family for name, ref in self.reference.vehicles.items()
        }
        self._family.update(history.vehicle_family)
        self._members: dict[str, list[str]] = {}
        for name, family in self._family.items():
            self._members.setdefault(family, []).append(name)
        self._vehicles = NameIndex(self._family, self.rules.vehicle)
        self._families = NameIndex(self._members, self.rules.vehicle)
        # Names of T-Minus' reference ('F9', 'GSLV Mk III' for LVM3): folded -> what they mean.
        self._aliases: dict[str, str] = {
            self.rules.vehicle(written): means
            for kind in ("vehicle", "same_vehicle")
            for written, means in aliases.of(kind).items()
        }
        self._alias_names = NameIndex(
            [w for kind in ("vehicle", "same_vehicle") for w in aliases.of(kind)],
            self.rules.vehicle,
        )
        # Pads: those that launched, and those GCAT lists at the sites that launched (GCAT's
        # pad list also files each pad under every historical code of its site, e.g. the
        # Cape's CCAFS and CCMTA; the launch records use one).
        launch_sites = set(history.sites) | {record.site for record in history.pads.values()}
        self._pads: dict[str, PadRef] = {
            key: ref for key, ref in self.reference.pads.items() if ref.site in launch_sites
        }
        for key, record in history.pads.items():
            self._pads.setdefault(key, PadRef(site=record.site, pad=record.pad))
        self._pads_by_code: dict[str, list[PadRef]] = {}
        for ref in self._pads.values():
            self._pads_by_code.setdefault(self.rules.pad(ref.pad), []).append(ref)
        self._pad_codes = NameIndex((ref.pad for ref in self._pads.values()), self.rules.pad)
        sites = launch_sites | {ref.site for ref in self._pads.values()}
        self._sites = NameIndex(sites)
        # Sites by their short names too ('Kourou', 'Mahia', 'Vandenberg'); a name several site
        # codes share (Vandenberg's VS, VSFB and VSFBS) is the one that launched most recently.
        last: dict[str, float] = {
            site: record.launch_days[-1] for site, record in history.sites.items()
        }
        for record in history.pads.values():
            if record.days:
                last[record.site] = max(last.get(record.site, float("-inf")), record.days[-1])
        self._site_names: dict[str, str] = {}
        for code, site in sorted(
            self.reference.sites.items(), key=lambda item: -last.get(item[0], float("-inf"))
        ):
            if code in sites and site.short_name:
                self._site_names.setdefault(self.rules.site(site.short_name), code)
        # What a misspelt site is offered: codes and the short names people write ('Kourou').
        self._site_words = NameIndex(
            sites
            | {
                site.short_name
                for code, site in self.reference.sites.items()
                if code in sites and site.short_name
            }
        )

    # ---- what is known ---------------------------------------------------------------------
    @property
    def cutoff(self) -> datetime | None:
        """Time of the last launch in the history."""
        day = self.history.last_day
        return None if day is None else from_day(day)

    def family_of(self, vehicle: str) -> str:
        """A known vehicle's family; the name itself for an unknown one."""
        return self._family.get(vehicle, vehicle)

    def provider_of(self, vehicle: str, *, at: float | None = None) -> str | None:
        """Who launches ``vehicle`` as of moment ``at`` (default: the end of the record).

        Its own last provider, else its family's, else the manufacturer GCAT names (see
        :meth:`tminus.features.history.HistoryAt.provider_of`, which training reads too).
        """
        ref = self.reference.vehicles.get(vehicle)
        moment = math.inf if at is None else at
        return self.history.at(moment).provider_of(
            vehicle,
            self.family_of(vehicle),
            manufacturer=None if ref is None else ref.manufacturer,
        )

    def vehicle_state(self, vehicle: str) -> State:
        """``flown`` if the vehicle has a launch on record."""
        return FLOWN if vehicle in self.history.vehicles else NOT_YET_FLOWN

    def status_at(self, vehicle: str, *, at: float | None = None) -> StatusAt:
        """``vehicle``'s status (T-Minus' reference) as of moment ``at`` (default: now)."""
        return self.reference.status_at(vehicle, math.inf if at is None else at)

    def vehicles(self) -> list[VehicleEntry]:
        """Every known vehicle's record, most flown first; not-yet-flown ones last."""
        out = []
        for name in self._family:
            record = self.history.vehicles.get(name)
            days = record.launch_days if record is not None else []
            status = self.status_at(name)
            spec = self.reference.specs.get(name)
            capacity: dict[str, float] = {}
            for figure in () if spec is None else spec.capacities:
                if figure.rated:
                    capacity[figure.orbit] = max(figure.kg, capacity.get(figure.orbit, 0.0))
            out.append(
                VehicleEntry(
                    name=name,
                    family=self.family_of(name),
                    provider=self.provider_of(name),
                    flights=len(days),
                    failures=0 if record is None else record.failures,
                    first_flight=from_day(days[0]) if days else None,
                    last_flight=from_day(days[-1]) if days else None,
                    state=self.vehicle_state(name),
                    status=status.status,
                    status_since=status.since,
                    status_source=None if status.source is None else status.source.cite(),
                    capacity_kg=capacity,
                )
            )
        return sorted(out, key=lambda v: (-v.flights, v.name))

    def pads(self) -> list[PadEntry]:
        """Every pad that launched, most used first, then new pads GCAT lists at those sites.

        A listed pad that has not launched is shown when GCAT gives it no end date, a start
        within :data:`NEW_PAD_YEARS` years of the data cutoff, and its site has launched to
        orbit: the pads a planner could choose (not a decades-old silo or runway).
        """
        cutoff = self.cutoff
        since = None if cutoff is None else cutoff.year - NEW_PAD_YEARS
        out = []
        for record in self.history.pads.values():
            ref = self.reference.pads.get(pad_key(record.site, record.pad))
            out.append(
                PadEntry(
                    pad=record.pad,
                    site=record.site,
                    flights=len(record.days),
                    failures=len(record.failure_days),
                    last_flight=from_day(record.days[-1]) if record.days else None,
                    vehicles=tuple(v for v, _ in record.vehicles_at(float("inf"))),
                    name=None if ref is None else ref.name,
                )
            )
        for key, ref in self._pads.items():
            started = _start_year(ref)
            recent = since is not None and started is not None and started >= since
            if key in self.history.pads or not _open(ref) or not recent:
                continue
            out.append(
                PadEntry(
                    pad=ref.pad,
                    site=ref.site,
                    flights=0,
                    failures=0,
                    last_flight=None,
                    vehicles=(),
                    state=NOT_YET_FLOWN,
                    name=ref.name,
                )
            )
        return sorted(out, key=lambda p: (-p.flights, p.site, p.pad))

    # ---- resolution ------------------------------------------------------------------------
    def match_vehicle(self, name: str, *, at: float | None = None) -> VehicleMatch | None:
        """What ``name`` means by rules 1-4 of the module docstring (an alias, an exact name, a
        series or a family), as of moment ``at``; None when none applies (no near misses)."""
        asked = name.strip()
        means = self._aliases.get(self.rules.vehicle(asked))
        if means is not None and normalise_name(means) != normalise_name(asked):
            found = self._resolve_known(means, at)
            if found is not None:
                matched = "alias" if found.matched == "exact" else found.matched
                return replace(found, asked=asked, matched=matched, via=means)
        return self._resolve_known(asked, at)

    def near_vehicles(self, name: str) -> list[tuple[str, float]]:
        """Known vehicles ``name`` is a near miss of (a typo), with the similarity (0-100), most
        similar first; an alias counts as the vehicle it means."""
        scored = self._vehicles.scored(name, score=NEAR_MISS_SCORE)
        for alias, score in self._alias_names.scored(name, score=NEAR_MISS_SCORE):
            means = self.match_vehicle(alias)
            if means is not None:
                scored.append((means.name, score))
        best: dict[str, float] = {}
        for vehicle, score in scored:
            best[vehicle] = max(score, best.get(vehicle, 0.0))
        return sorted(best.items(), key=lambda item: -item[1])

    def resolve_vehicle(
        self, name: str, *, at: float | None = None, allow_unseen: bool = False
    ) -> VehicleMatch:
        """What ``name`` means (see the module docstring), as of moment ``at`` (default: now).

        Raises
        ------
        QueryError
            ``name`` is a near miss of known vehicle or family names, names the start of
            several families' vehicles, or (without ``allow_unseen``) no table knows it; the
            error lists the closest known names.
        """
        asked = name.strip()
        found = self.match_vehicle(asked, at=at)
        if found is not None:
            return found
        series = self._vehicles.starting_with(asked)
        close = (
            self._vehicles.near_misses(asked)
            + self._families.near_misses(asked)
            + self._alias_names.near_misses(asked)
        )
        if len({self.family_of(v) for v in series}) > 1:
            close = sorted(series, key=lambda v: -self._last_day(v))[:5]
        if close:
            raise QueryError(
                "vehicle",
                f"unknown vehicle {asked!r}; did you mean one of these?",
                suggestions=list(dict.fromkeys(close)),
            )
        if not allow_unseen:
            raise QueryError(
                "vehicle",
                f"unknown vehicle {asked!r}: no launch record, GCAT list or T-Minus reference "
                "knows it; GET /v1/vehicles lists the known names (set allow_unseen to answer "
                "it as a vehicle never seen, from the new-vehicle prior)",
                suggestions=self.suggest_vehicles(asked),
                unknown_name=True,
            )
        return VehicleMatch(asked=asked, name=asked, family=asked, provider=None, matched="unknown")

    def suggest_vehicles(self, name: str) -> list[str]:
        """Known vehicle names (or aliases) most like ``name``, best first."""
        scored = self._vehicles.scored(name) + self._alias_names.scored(name)
        ordered = sorted(scored, key=lambda item: -item[1])
        return list(dict.fromkeys(spelling for spelling, _ in ordered))[:5]

    def _resolve_known(self, asked: str, at: float | None) -> VehicleMatch | None:
        """Rules 2-4 of the module docstring; None when none applies."""
        spellings = self._vehicles.all_named(asked)
        families = self._families.all_named(asked)
        family = families[0] if len(families) == 1 else None
        if spellings:
            chosen = asked if asked in spellings else spellings[0]
            if family is None or not self._superseded(chosen, family):
                return self._match(asked, chosen, "exact", at)
        # The start of one family's names is more precise than a whole family: GCAT files
        # Ariane 62 and 64 in family 'Ariane5', and 'Ariane 5' means the Ariane 5 variants.
        series = self._vehicles.starting_with(asked)
        series_families = {self.family_of(v) for v in series}
        if len(series_families) == 1 and self._names_a_series(asked, series):
            return self._match(asked, self._latest(series, at), "series", at)
        if family is not None:
            return self._match(asked, self._latest(self._members[family], at), "family", at)
        return None

    def site_names(self) -> dict[str, str]:
        """Folded site names ('canaveral', 'kourou', 'vandenberg') -> the site code they mean."""
        return dict(self._site_names)

    def resolve_site(self, site: str) -> str:
        """The GCAT code of a site given by code, short name or English name ('Cape
        Canaveral', 'Kourou'); raises :class:`QueryError`."""
        known = self._sites.resolve(site) or self._site_names.get(self.rules.site(site))
        if known is not None:
            return known
        close = self._site_words.near_misses(site)
        message = (
            f"unknown site {site!r}; the closest known sites are:"
            if close
            else f"unknown site {site!r}; GET /v1/pads lists the known sites"
        )
        raise QueryError("site", message, suggestions=close, unknown_name=True)

    def suggest_pads(self, pad: str, site: str | None = None) -> list[str]:
        """Known pads (``site/pad``) most like ``pad``; at ``site`` first when one is given."""
        close = self._pad_codes.closest(pad)
        keys = [r.key for code in close for r in self._pads_by_code[self.rules.pad(code)]]
        if site is not None:
            keys = [k for k in keys if k.startswith(f"{site}/")] or [
                ref.key for ref in self._pads.values() if ref.site == site
            ]
        return list(dict.fromkeys(keys))[:10]

    def resolve_pad(self, pad: str, site: str | None) -> PadMatch | None:
        """The pad ``pad`` (at ``site``) names, None if unknown; raises when it cannot be.

        Raises
        ------
        QueryError
            The site is unknown, the pad is a near miss of known pads, or the pad exists but
            not at ``site`` (the message names the sites it is at).
        """
        known_site = None if site is None else self.resolve_site(site)
        candidates = self._pads_by_code.get(self.rules.pad(pad), [])
        if not candidates:
            close = self._pad_codes.near_misses(pad)
            if close:
                near = sorted(
                    {r.key for code in close for r in self._pads_by_code[self.rules.pad(code)]}
                )
                at_site = [k for k in near if known_site is None or k.startswith(f"{known_site}/")]
                raise QueryError(
                    "pad",
                    f"unknown pad {pad!r}; did you mean one of these?",
                    suggestions=(at_site or near)[:10],
                )
            return None
        matches = [p for p in candidates if known_site in (None, p.site)]
        if not matches:
            raise QueryError(
                "pad",
                f"pad {pad!r} is not at site {site!r}; it is at:",
                suggestions=sorted(p.key for p in candidates)[:10],
            )
        # Several GCAT pads can share a public name (Titan's SLC40 and SpaceX's LC40 at the
        # Cape): a pad spelled exactly as GCAT does wins; else the one in use most recently is
        # what a planner means today; among pads that have not launched, an open one.
        exact = [p for p in matches if p.pad == pad.strip()]
        best = max(exact or matches, key=self._pad_rank)
        return PadMatch(site=best.site, pad=best.pad, flown=best.key in self.history.pads)

    # ---- helpers ---------------------------------------------------------------------------
    def _names_a_series(self, asked: str, names: list[str]) -> bool:
        """Whether ``asked`` is the name of a series, not just a few letters of one.

        Long enough once folded (``Ariane 6``), or a short name each of whose variants spells
        it whole before a separator (``H3`` for ``H3-22S`` and ``H3-24L``).
        """
        return len(self.rules.vehicle(asked)) >= MIN_SERIES_KEY or _spells_a_series(asked, names)

    def _match(self, asked: str, name: str, matched: Matched, at: float | None) -> VehicleMatch:
        return VehicleMatch(
            asked=asked,
            name=name,
            family=self.family_of(name),
            provider=self.provider_of(name, at=at),
            matched=matched,
        )

    def _superseded(self, vehicle: str, family: str) -> bool:
        """A name only the launch records use, which GCAT's current list names as a family.

        The launch log calls New Glenn's first flight 'New Glenn'; GCAT's vehicle list has
        since named the variants ('New Glenn 7x2') of family 'NewGlenn'. Asked 'New Glenn',
        a planner means the family, so the family rule applies.
        """
        return (
            bool(self.reference.vehicles)
            and vehicle not in self.reference.vehicles
            and len(self._members.get(family, [])) > 1
        )

    def _last_day(self, vehicle: str, before: float | None = None) -> float:
        record = self.history.vehicles.get(vehicle)
        if record is None or not record.launch_days:
            return float("-inf")
        if before is None:
            return record.launch_days[-1]
        flown = record.at(before)
        return float("-inf") if flown.last_day is None else flown.last_day

    def _latest(self, names: Iterable[str], at: float | None) -> str:
        """The most recently flown of ``names`` as of ``at``; else the first ever to fly.

        Variants T-Minus' reference says had ended by then (retired, cancelled) are passed
        over when another has not: a family name means what flies now ('Starship' is the
        not-yet-flown V3 once V1.0 and V2 have retired; 'Delta IV', all retired, its last).
        """
        moment = math.inf if at is None else at
        ordered = sorted(names)
        live = [v for v in ordered if self._live(v, moment)]
        pool = live or ordered
        latest = max(pool, key=lambda v: self._last_day(v, at))
        if self._last_day(latest, at) > float("-inf"):
            return latest
        flown = [v for v in pool if v in self.history.vehicles]
        if flown:
            return min(flown, key=lambda v: self.history.vehicles[v].launch_days[0])
        return pool[0]

    def _live(self, vehicle: str, moment: float) -> bool:
        """Not ended by ``moment`` by T-Minus' reference; one the reference does not list, if
        it flew in the :data:`LIVE_YEARS` before (or has not flown at all)."""
        status = self.status_at(vehicle, at=moment)
        if status.known:
            return not status.ended
        last = self._last_day(vehicle, None if math.isinf(moment) else moment)
        if last == float("-inf"):
            return vehicle not in self.history.vehicles
        horizon = self.history.last_day if math.isinf(moment) else moment
        return horizon is None or last >= horizon - LIVE_YEARS * 365.25

    def _pad_rank(self, ref: PadRef) -> tuple[float, int, int]:
        record = self.history.pads.get(ref.key)
        last = record.days[-1] if record is not None and record.days else float("-inf")
        flights = 0 if record is None else len(record.days)
        return (last, flights, int(_open(ref)))


def _spells_a_series(asked: str, names: list[str]) -> bool:
    """Whether ``asked`` is spelt whole before a separator in each of ``names``."""
    stem = asked.strip().lower()
    return bool(names) and all(
        n.lower().startswith(stem) and n[len(stem) : len(stem) + 1] in {" ", "-", "/"}
        for n in names
    )


def _start_year(ref: PadRef) -> int | None:
    """The year GCAT says the pad came into use (``2024``, ``2019?``, ``1957 Mar 22``)."""
    text = (ref.start or "").strip()
    return int(text[:4]) if text[:4].isdigit() else None


def _open(ref: PadRef) -> bool:
    """Whether GCAT gives the pad no end date (``*`` or none)."""
    return ref.stop is None or ref.stop.strip() in ("", "*")
