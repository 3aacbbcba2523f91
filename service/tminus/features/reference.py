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
from itertools import pairwise
from typing import Any


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
class Reference:
    """Vehicles, sites and pads GCAT lists, whether or not they have launched yet, and where
    launches went (:class:`Orbits`)."""

    vehicles: dict[str, VehicleRef] = field(default_factory=dict)
    sites: dict[str, SiteRef] = field(default_factory=dict)
    pads: dict[str, PadRef] = field(default_factory=dict)  # key: pad_key(site, pad)
    orbits: Orbits = field(default_factory=Orbits)

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
        return cls(vehicles=vehicles, sites=sites, pads=pads, orbits=orbits)


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
