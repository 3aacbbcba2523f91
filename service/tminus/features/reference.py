"""What GCAT's reference tables list, flown or not: vehicle variants, sites and pads.

The launch history knows what has flown. GCAT's ``lv.tsv`` and ``lp.tsv`` also list variants
and pads before their first launch (Ariane 64, Starship V3, a new pad at Starbase). A
:class:`Reference` carries those lists inside an artifact, as plain data, so the service can
answer about them (a maiden flight, a new pad) without reading the raw tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(frozen=True, slots=True)
class VariantRef:
    """One ``lv.tsv`` row of a vehicle: its variant code and rated capacities."""

    variant: str | None
    leo_capacity_kg: float | None
    gto_capacity_kg: float | None


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
class Reference:
    """Vehicles, sites and pads GCAT lists, whether or not they have launched yet."""

    vehicles: dict[str, VehicleRef] = field(default_factory=dict)
    sites: dict[str, SiteRef] = field(default_factory=dict)
    pads: dict[str, PadRef] = field(default_factory=dict)  # key: pad_key(site, pad)

    def to_state(self) -> dict[str, Any]:
        """A JSON-safe copy."""
        return {
            "vehicles": [
                {
                    "name": v.name,
                    "family": v.family,
                    "manufacturer": v.manufacturer,
                    "variants": [
                        [x.variant, x.leo_capacity_kg, x.gto_capacity_kg] for x in v.variants
                    ],
                }
                for v in self.vehicles.values()
            ],
            "sites": [[s.site, s.short_name, s.name] for s in self.sites.values()],
            "pads": [[p.site, p.pad, p.name, p.start, p.stop] for p in self.pads.values()],
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
        return cls(vehicles=vehicles, sites=sites, pads=pads)


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
