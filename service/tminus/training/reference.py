"""GCAT's reference lists (vehicles and pads, flown or not) and where launches went, as the
plain data artifacts carry."""

from __future__ import annotations

import math

import pandas as pd

from tminus.data import schema as S
from tminus.features.reference import (
    MassRecord,
    Orbits,
    PadRef,
    Reference,
    SiteRef,
    VariantRef,
    VehicleRef,
)
from tminus.training.frames import epoch_days


def _opt_text(value: object) -> str | None:
    """Text, or None for a null (None, NaN or pandas' NA)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return str(value)


def _opt_number(value: object) -> float | None:
    """A number, or None for a null."""
    text = _opt_text(value)
    return None if text is None else float(text)


def build_orbits(orbits: pd.DataFrame) -> Orbits:
    """Each vehicle's and site's timeline of orbit classes reached, masses and variants.

    Parameters
    ----------
    orbits
        The ``launch_orbits`` table (one row per successful launch and class reached).
    """
    frame = orbits.assign(_day=epoch_days(orbits[S.LO_LAUNCH_TIME])).sort_values(
        ["_day", S.LO_LAUNCH_TAG], kind="stable"
    )
    by_vehicle: dict[str, dict[str, list[float]]] = {}
    by_site: dict[str, dict[str, list[float]]] = {}
    masses: dict[str, dict[str, list[MassRecord]]] = {}
    variants: dict[str, list[tuple[float, str]]] = {}
    seen_variant: set[str] = set()
    columns = [
        "_day",
        S.LO_LAUNCH_TAG,
        S.LO_VEHICLE,
        S.LO_SITE,
        S.LO_ORBIT_CLASS,
        S.LO_PAYLOAD_MASS_KG,
        S.LO_VARIANT,
    ]
    for raw_day, raw_tag, raw_vehicle, raw_site, raw_orbit, mass, variant in frame[
        columns
    ].itertuples(index=False, name=None):
        day, tag, vehicle = float(raw_day), str(raw_tag), str(raw_vehicle)
        site, orbit = str(raw_site), str(raw_orbit)
        by_vehicle.setdefault(vehicle, {}).setdefault(orbit, []).append(day)
        by_site.setdefault(site, {}).setdefault(orbit, []).append(day)
        kg = _opt_number(mass)
        if kg is not None:
            masses.setdefault(vehicle, {}).setdefault(orbit, []).append(MassRecord(day, kg, tag))
        code = _opt_text(variant)
        if code is not None and tag not in seen_variant:
            seen_variant.add(tag)
            variants.setdefault(vehicle, []).append((day, code))
    return Orbits(by_vehicle=by_vehicle, by_site=by_site, masses=masses, variants=variants)


def build_reference(
    variants: pd.DataFrame, pads: pd.DataFrame, orbits: pd.DataFrame | None = None
) -> Reference:
    """Orbital vehicles (one entry per name, every variant kept), sites, pads and orbits.

    Parameters
    ----------
    variants
        The ``vehicle_variants`` table; only orbital classes are kept.
    pads
        The ``pads_reference`` table.
    orbits
        The ``launch_orbits`` table; without it, nothing is known of where launches went.
    """
    orbital = variants[variants[S.VV_CLASS] == S.VEHICLE_CLASS_ORBITAL]
    vehicles: dict[str, VehicleRef] = {}
    for name, rows in orbital.groupby(S.VV_VEHICLE, sort=False):
        first = rows.iloc[0]
        vehicles[str(name)] = VehicleRef(
            name=str(name),
            family=str(first[S.VV_FAMILY]),
            manufacturer=_opt_text(first[S.VV_MANUFACTURER]),
            alias=_opt_text(first.get(S.VV_ALIAS)),
            variants=tuple(
                VariantRef(
                    _opt_text(row[S.VV_VARIANT]),
                    _opt_number(row[S.VV_LEO_CAPACITY_KG]),
                    _opt_number(row[S.VV_GTO_CAPACITY_KG]),
                )
                for _, row in rows.iterrows()
            ),
        )
    sites: dict[str, SiteRef] = {}
    refs: dict[str, PadRef] = {}
    columns = [S.PR_SITE, S.PR_PAD, S.PR_PAD_NAME, S.PR_SITE_NAME, S.PR_SITE_LONG_NAME]
    for site, pad, pad_name, site_name, long_name, start, stop in pads[
        [*columns, S.PR_PAD_START, S.PR_PAD_STOP]
    ].itertuples(index=False, name=None):
        sites.setdefault(str(site), SiteRef(str(site), _opt_text(site_name), _opt_text(long_name)))
        ref = PadRef(
            site=str(site),
            pad=str(pad),
            name=_opt_text(pad_name),
            start=_opt_text(start),
            stop=_opt_text(stop),
        )
        refs.setdefault(ref.key, ref)
    return Reference(
        vehicles=vehicles,
        sites=sites,
        pads=refs,
        orbits=Orbits() if orbits is None else build_orbits(orbits),
    )
