"""What GCAT's reference tables list, flown or not, and where launches went.

The launch history knows what has flown. GCAT's ``lv.tsv`` and ``lp.tsv`` also list variants
and pads before their first launch (Ariane 64, Starship V3, a new pad at Starbase), with each
variant's rated capacity. :class:`Orbits` records which orbit classes each vehicle and each
site reached, when, the masses the record shows carried there, and which variant of a vehicle
flew when. A :class:`Reference` carries all of it inside an artifact, as plain data, so the
service can answer about them (a maiden flight, a new pad, what can carry a payload where)
without reading the raw tables. Every timeline is sorted, so it can be read as of any moment.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import Any, Final

from tminus.data import schema as S
from tminus.features.timebase import to_day


@dataclass(frozen=True, slots=True)
class VehicleRef:
    """An orbital launch vehicle GCAT lists (``lv.tsv``), one entry per ``LV_Name``.

    Capacities are in kg; None where GCAT gives no figure (``-`` or ``0``). A name with
    several variants keeps every variant's figures, in GCAT's order.
    """

    name: str
    family: str
    manufacturer: str | None = None
    variants: tuple[VariantRef, ...] = ()
    alias: str | None = None  # another name GCAT gives it (UR-500K is Proton-K)


@dataclass(frozen=True, slots=True)
class VariantRef:
    """One ``lv.tsv`` row of a vehicle: its variant code and rated capacities."""

    variant: str | None
    leo_capacity_kg: float | None
    gto_capacity_kg: float | None


@dataclass(frozen=True, slots=True)
class MassRecord:
    """A mass the record shows a vehicle carrying to an orbit class: when, how much, which."""

    day: float
    mass_kg: float
    launch_tag: str


@dataclass(frozen=True, slots=True)
class PadRef:
    """A pad GCAT lists (``lp.tsv``), keyed by the site code the launch records use."""

    site: str
    pad: str
    name: str | None = None
    start: str | None = None
    stop: str | None = None

    @property
    def key(self) -> str:
        """``site/pad``, as :func:`tminus.features.history.pad_key` spells it."""
        return f"{self.site}/{self.pad}"


@dataclass(frozen=True, slots=True)
class SiteRef:
    """A launch site (``sites.tsv``): its code, short name and full name."""

    site: str
    short_name: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Reached:
    """How often something reached an orbit class before a moment, and when it last did."""

    launches: int = 0
    first_day: float | None = None
    last_day: float | None = None


@dataclass(frozen=True, slots=True)
class Orbits:
    """Where launches went, by vehicle and by site, in time order (successful launches only).

    ``by_vehicle[vehicle][orbit_class]`` and ``by_site[site][orbit_class]`` are the sorted
    days of the launches that reached the class; ``masses[vehicle][orbit_class]`` the masses
    carried there (sorted by day); ``variants[vehicle]`` the (day, variant) of launches whose
    variant GCAT's launch list names.
    """

    by_vehicle: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    by_site: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    masses: dict[str, dict[str, list[MassRecord]]] = field(default_factory=dict)
    variants: dict[str, list[tuple[float, str]]] = field(default_factory=dict)

    @property
    def known(self) -> bool:
        """Whether any orbit was recorded (artifacts trained before orbits were kept: no)."""
        return bool(self.by_vehicle)

    def vehicle_reached(self, vehicle: str, classes: tuple[str, ...], t: float) -> Reached:
        """Launches of ``vehicle`` to any of ``classes`` strictly before ``t``."""
        return _reached(self.by_vehicle.get(vehicle, {}), classes, t)

    def site_reached(self, site: str, classes: tuple[str, ...], t: float) -> Reached:
        """Launches from ``site`` to any of ``classes`` strictly before ``t``."""
        return _reached(self.by_site.get(site, {}), classes, t)

    def heaviest(self, vehicle: str, classes: tuple[str, ...], t: float) -> MassRecord | None:
        """The largest mass ``vehicle`` carried to any of ``classes`` before ``t``."""
        best: MassRecord | None = None
        for orbit in classes:
            for record in self.masses.get(vehicle, {}).get(orbit, []):
                if record.day >= t:
                    break
                if best is None or record.mass_kg > best.mass_kg:
                    best = record
        return best

    def variant_at(self, vehicle: str, t: float) -> str | None:
        """The variant of ``vehicle``'s last launch before ``t`` that names one, if any."""
        timeline = self.variants.get(vehicle, [])
        n = bisect_left(timeline, (t, ""))
        return timeline[n - 1][1] if n else None

    def to_state(self) -> dict[str, Any]:
        """A JSON-safe copy."""
        return {
            "by_vehicle": {k: dict(v) for k, v in self.by_vehicle.items()},
            "by_site": {k: dict(v) for k, v in self.by_site.items()},
            "masses": {
                vehicle: {
                    orbit: [[m.day, m.mass_kg, m.launch_tag] for m in records]
                    for orbit, records in by_orbit.items()
                }
                for vehicle, by_orbit in self.masses.items()
            },
            "variants": {k: [[day, code] for day, code in v] for k, v in self.variants.items()},
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Orbits:
        """Rebuild from :meth:`to_state` output, checking types and order."""

        def timelines(value: object) -> dict[str, dict[str, list[float]]]:
            out: dict[str, dict[str, list[float]]] = {}
            for key, by_orbit in _mapping(value).items():
                out[_text(key)] = {
                    _text(orbit): _sorted([_number(d) for d in _list(days)])
                    for orbit, days in _mapping(by_orbit).items()
                }
            return out

        masses: dict[str, dict[str, list[MassRecord]]] = {}
        for vehicle, by_orbit in _mapping(state["masses"]).items():
            masses[_text(vehicle)] = {}
            for orbit, records in _mapping(by_orbit).items():
                rows = [
                    MassRecord(_number(day), _number(kg), _text(tag))
                    for day, kg, tag in _list(records)
                ]
                _sorted([r.day for r in rows])
                masses[_text(vehicle)][_text(orbit)] = rows
        variants: dict[str, list[tuple[float, str]]] = {}
        for vehicle, timeline in _mapping(state["variants"]).items():
            rows_v = [(_number(day), _text(code)) for day, code in _list(timeline)]
            _sorted([day for day, _ in rows_v])
            variants[_text(vehicle)] = rows_v
        return cls(
            by_vehicle=timelines(state["by_vehicle"]),
            by_site=timelines(state["by_site"]),
            masses=masses,
            variants=variants,
        )


def _reached(by_orbit: dict[str, list[float]], classes: tuple[str, ...], t: float) -> Reached:
    days: set[float] = set()
    for orbit in classes:
        timeline = by_orbit.get(orbit, [])
        days.update(timeline[: bisect_left(timeline, t)])
    if not days:
        return Reached()
    return Reached(launches=len(days), first_day=min(days), last_day=max(days))


@dataclass(frozen=True, slots=True)
class SourceDoc:
    """A public document a fact of T-Minus' vehicle reference comes from."""

    source_id: str
    title: str
    publisher: str
    edition: str
    url: str
    read_at: str | None
    checked: str  # YYYY-MM-DD

    def cite(self) -> str:
        """'SpaceX, Falcon User's Guide (2025), checked 2026-12-04'."""
        return f"{S.citation(self.publisher, self.title, self.edition)}, checked {self.checked}"


@dataclass(frozen=True, slots=True)
class CapacityFigure:
    """One published figure: a vehicle's capacity to an orbit class in one configuration.

    ``kind`` is ``rated`` (the provider's performance figure: what it can carry at most) or
    ``demonstrated`` (a payload of that mass flew there: a lower bound).
    """

    orbit: str
    kg: float
    kind: str
    config: str | None
    condition: str | None
    source: str
    note: str | None = None

    @property
    def rated(self) -> bool:
        """A performance figure (an upper bound too), not a flown mass."""
        return self.kind == "rated"


@dataclass(frozen=True, slots=True)
class VehicleSpec:
    """What T-Minus' reference says of a vehicle: who sells it, its status, its capacities."""

    name: str
    provider: str
    status: str  # tminus.data.schema.VEHICLE_STATUSES
    since: str | None  # "2023-07-05", "2023-07" or "2023"
    status_source: str
    status_note: str | None = None
    capacities: tuple[CapacityFigure, ...] = ()
    upper_stage: str | None = None  # tminus.data.schema.UPPER_STAGES
    upper_stage_source: str | None = None
    gcat_ratings: bool = True  # False: GCAT's lv.tsv ratings are known wrong for it

    def figures(self, orbit: str) -> list[CapacityFigure]:
        """Its figures for one orbit class."""
        return [c for c in self.capacities if c.orbit == orbit]


# Statuses under which a vehicle is not for sale to a new mission.
NOT_OFFERED: Final = ("crew_only", "dedicated", "closed_to_new_customers")
ENDED: Final = ("retired", "cancelled")
UNKNOWN_STATUS: Final = "unknown"


@dataclass(frozen=True, slots=True)
class StatusAt:
    """A vehicle's status as of a moment, with the source that says so.

    ``status`` is one of :data:`tminus.data.schema.VEHICLE_STATUSES`, or ``unknown`` for a
    vehicle T-Minus' reference does not list. A vehicle that retired after the moment asked
    was still flying then: ``active`` (its ``retires`` says when it ended).
    """

    vehicle: str
    status: str
    since: str | None = None
    source: SourceDoc | None = None
    note: str | None = None
    retires: str | None = None  # the end of a vehicle that had not ended yet at the moment

    @property
    def known(self) -> bool:
        """Whether T-Minus' reference lists the vehicle."""
        return self.status != UNKNOWN_STATUS

    @property
    def ended(self) -> bool:
        """Retired, or cancelled before it flew."""
        return self.status in ENDED

    @property
    def offered(self) -> bool:
        """Whether a new mission could buy it: not ended, not crew-only, dedicated or sold
        out (a vehicle of unknown status is not ruled out)."""
        return not self.ended and self.status not in NOT_OFFERED

    def words(self) -> str:
        """'retired (last flight or announced end 2023-07-05)', 'crew-only', 'active'."""
        name = self.status.replace("_", " ").replace("crew only", "crew-only")
        if self.status == UNKNOWN_STATUS:
            return "status unknown (not in T-Minus' vehicle reference)"
        if self.ended and self.since:
            return f"{name} since {self.since}"
        return name


def end_day(text: str) -> float:
    """The last day a partial date covers, as a day number: '2023' -> 2023-12-31,
    '2023-07' -> 2023-07-31, '2023-07-05' -> that day (end of day)."""
    parts = [int(p) for p in text.split("-")]
    year = parts[0]
    if len(parts) == 1:
        last = date(year, 12, 31)
    elif len(parts) == 2:
        month = parts[1]
        last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    else:
        last = date(year, parts[1], parts[2])
    return to_day(last) + 1.0


@dataclass(frozen=True, slots=True)
class Aliases:
    """Names people write that GCAT spells otherwise, by kind (see
    :data:`tminus.data.schema.ALIAS_KINDS`): ``{kind: {written: means}}``."""

    by_kind: dict[str, dict[str, str]] = field(default_factory=dict)

    def of(self, kind: str) -> dict[str, str]:
        """``{written: means}`` of one kind."""
        return self.by_kind.get(kind, {})


@dataclass(frozen=True, slots=True)
class Reference:
    """Vehicles, sites and pads GCAT lists, whether or not they have launched yet, and where
    launches went (:class:`Orbits`); and T-Minus' own reference: each vehicle's status and
    capacities with their public sources, and the names people write for things."""

    vehicles: dict[str, VehicleRef] = field(default_factory=dict)
    sites: dict[str, SiteRef] = field(default_factory=dict)
    pads: dict[str, PadRef] = field(default_factory=dict)  # key: pad_key(site, pad)
    orbits: Orbits = field(default_factory=Orbits)
    specs: dict[str, VehicleSpec] = field(default_factory=dict)
    sources: dict[str, SourceDoc] = field(default_factory=dict)
    aliases: Aliases = field(default_factory=Aliases)

    def status_at(self, vehicle: str, t: float) -> StatusAt:
        """``vehicle``'s status as of moment ``t`` (a day number), with its source.

        A vehicle that retired (or was cancelled, or closed to new customers) after ``t`` was
        active at ``t``; one the reference does not list is ``unknown``.
        """
        spec = self.specs.get(vehicle)
        if spec is None:
            return StatusAt(vehicle, UNKNOWN_STATUS)
        source = self.sources.get(spec.status_source)
        ended = spec.status in (*ENDED, "closed_to_new_customers")
        if spec.since and ended and t < end_day(spec.since):
            before = "in_development" if spec.status == "cancelled" else "active"
            return StatusAt(vehicle, before, source=source, retires=spec.since)
        return StatusAt(vehicle, spec.status, spec.since, source, spec.status_note)

    def to_state(self) -> dict[str, Any]:
        """A JSON-safe copy."""
        return {
            "vehicles": [
                {
                    "name": v.name,
                    "family": v.family,
                    "manufacturer": v.manufacturer,
                    "alias": v.alias,
                    "variants": [
                        [x.variant, x.leo_capacity_kg, x.gto_capacity_kg] for x in v.variants
                    ],
                }
                for v in self.vehicles.values()
            ],
            "sites": [[s.site, s.short_name, s.name] for s in self.sites.values()],
            "pads": [[p.site, p.pad, p.name, p.start, p.stop] for p in self.pads.values()],
            "orbits": self.orbits.to_state(),
            "specs": [
                {
                    "name": v.name,
                    "provider": v.provider,
                    "status": v.status,
                    "since": v.since,
                    "status_source": v.status_source,
                    "status_note": v.status_note,
                    "capacities": [
                        [c.orbit, c.kg, c.kind, c.config, c.condition, c.source, c.note]
                        for c in v.capacities
                    ],
                    "upper_stage": v.upper_stage,
                    "upper_stage_source": v.upper_stage_source,
                    "gcat_ratings": v.gcat_ratings,
                }
                for v in self.specs.values()
            ],
            "sources": [
                [d.source_id, d.title, d.publisher, d.edition, d.url, d.read_at, d.checked]
                for d in self.sources.values()
            ],
            "aliases": {kind: dict(names) for kind, names in self.aliases.by_kind.items()},
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Reference:
        """Rebuild from :meth:`to_state` output, checking types."""
        vehicles: dict[str, VehicleRef] = {}
        for entry in state["vehicles"]:
            name = _text(entry["name"])
            vehicles[name] = VehicleRef(
                name=name,
                family=_text(entry["family"]),
                manufacturer=_opt_text(entry["manufacturer"]),
                alias=_opt_text(entry.get("alias")),
                variants=tuple(
                    VariantRef(_opt_text(code), _opt_number(leo), _opt_number(gto))
                    for code, leo, gto in entry["variants"]
                ),
            )
        sites = {
            _text(code): SiteRef(_text(code), _opt_text(short), _opt_text(name))
            for code, short, name in state["sites"]
        }
        pads: dict[str, PadRef] = {}
        for site, pad, name, start, stop in state["pads"]:
            ref = PadRef(
                _text(site), _text(pad), _opt_text(name), _opt_text(start), _opt_text(stop)
            )
            pads[ref.key] = ref
        # Artifacts trained before orbits were recorded have none: nothing is known of them.
        orbits = Orbits.from_state(state["orbits"]) if "orbits" in state else Orbits()
        # Artifacts trained before T-Minus' vehicle reference existed carry none of it.
        specs: dict[str, VehicleSpec] = {}
        for entry in _list(state.get("specs", [])):
            name = _text(entry["name"])
            specs[name] = VehicleSpec(
                name=name,
                provider=_text(entry["provider"]),
                status=_text(entry["status"]),
                since=_opt_text(entry["since"]),
                status_source=_text(entry["status_source"]),
                status_note=_opt_text(entry["status_note"]),
                capacities=tuple(
                    CapacityFigure(
                        orbit=_text(orbit),
                        kg=_number(kg),
                        kind=_text(kind),
                        config=_opt_text(config),
                        condition=_opt_text(condition),
                        source=_text(source),
                        note=_opt_text(note),
                    )
                    for orbit, kg, kind, config, condition, source, note in _list(
                        entry["capacities"]
                    )
                ),
                upper_stage=_opt_text(entry.get("upper_stage")),
                upper_stage_source=_opt_text(entry.get("upper_stage_source")),
                gcat_ratings=bool(entry.get("gcat_ratings", True)),
            )
        sources = {
            _text(sid): SourceDoc(
                _text(sid),
                _text(title),
                _text(publisher),
                _text(edition),
                _text(url),
                _opt_text(read_at),
                _text(checked),
            )
            for sid, title, publisher, edition, url, read_at, checked in _list(
                state.get("sources", [])
            )
        }
        aliases = Aliases(
            {
                _text(kind): {_text(w): _text(m) for w, m in _mapping(names).items()}
                for kind, names in _mapping(state.get("aliases", {})).items()
            }
        )
        return cls(
            vehicles=vehicles,
            sites=sites,
            pads=pads,
            orbits=orbits,
            specs=specs,
            sources=sources,
            aliases=aliases,
        )


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def _opt_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _opt_number(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number or null, got {type(value).__name__}")
    return float(value)


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return value


def _mapping(value: object) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return value


def _number(value: object) -> float:
    number = _opt_number(value)
    if number is None:
        raise TypeError("expected a number, got null")
    return number


def _sorted(values: list[float]) -> list[float]:
    if any(b < a for a, b in pairwise(values)):
        raise ValueError("an orbit timeline must be in time order")
    return values
