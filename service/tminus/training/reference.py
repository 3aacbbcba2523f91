"""GCAT's reference lists (vehicles and pads, flown or not) and where launches went, as the
plain data artifacts carry."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from tminus.data import schema as S
from tminus.data.specs import columns_of
from tminus.features.reference import (
    Aliases,
    CapacityFigure,
    MassRecord,
    Orbits,
    PadRef,
    Reference,
    SiteRef,
    SourceDoc,
    VariantRef,
    VehicleRef,
    VehicleSpec,
)
from tminus.training.frames import epoch_days

# Processed tables by name, as a trainer gets them (tminus.training.trainers.TRAINERS).
Tables = Mapping[str, pd.DataFrame]


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


def build_reference(tables: Tables) -> Reference:
    """Orbital vehicles (one entry per name, every variant kept), sites, pads and orbits, and
    T-Minus' vehicle reference (status, capacities, sources, names).

    Parameters
    ----------
    tables
        Processed tables by name: ``vehicle_variants`` (only orbital classes are kept) and
        ``pads_reference`` are needed; without ``launch_orbits`` nothing is known of where
        launches went, without ``vehicle_facts`` (and its companions) no vehicle has a status
        or a published capacity.
    """
    variants = tables[S.VEHICLE_VARIANTS]
    pads = tables[S.PADS_REFERENCE]
    orbits = tables.get(S.LAUNCH_ORBITS)
    aliases = build_aliases(tables.get(S.NAME_ALIASES))
    # Another GCAT name of a reference vehicle is that vehicle, not a vehicle of its own.
    merged = set(aliases.of(S.ALIAS_SAME_VEHICLE))
    orbital = variants[
        (variants[S.VV_CLASS] == S.VEHICLE_CLASS_ORBITAL) & ~variants[S.VV_VEHICLE].isin(merged)
    ]
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
        specs=_specs(tables.get(S.VEHICLE_FACTS), tables.get(S.VEHICLE_CAPACITY)),
        sources=_sources(tables.get(S.REFERENCE_SOURCES)),
        aliases=aliases,
    )


def _specs(facts: pd.DataFrame | None, capacity: pd.DataFrame | None) -> dict[str, VehicleSpec]:
    if facts is None:
        return {}
    figures: dict[str, list[CapacityFigure]] = {}
    if capacity is not None:
        columns = [
            S.VC_VEHICLE,
            S.VC_ORBIT_CLASS,
            S.VC_CAPACITY_KG,
            S.VC_KIND,
            S.VC_CONFIG,
            S.VC_CONDITION,
            S.VC_SOURCE,
            S.VC_NOTE,
        ]
        for vehicle, orbit, kg, kind, config, condition, source, note in capacity[
            columns
        ].itertuples(index=False, name=None):
            figures.setdefault(str(vehicle), []).append(
                CapacityFigure(
                    orbit=str(orbit),
                    kg=float(kg),
                    kind=str(kind),
                    config=_opt_text(config),
                    condition=_opt_text(condition),
                    source=str(source),
                    note=_opt_text(note),
                )
            )
    columns = [
        S.VF_VEHICLE,
        S.VF_PROVIDER,
        S.VF_STATUS,
        S.VF_SINCE,
        S.VF_STATUS_SOURCE,
        S.VF_STATUS_NOTE,
        S.VF_UPPER_STAGE,
        S.VF_UPPER_STAGE_SOURCE,
        S.VF_GCAT_RATINGS,
    ]
    return {
        str(name): VehicleSpec(
            name=str(name),
            provider=str(provider),
            status=str(status),
            since=_opt_text(since),
            status_source=str(source),
            status_note=_opt_text(note),
            capacities=tuple(figures.get(str(name), [])),
            upper_stage=_opt_text(stage),
            upper_stage_source=_opt_text(stage_source),
            gcat_ratings=bool(gcat),
        )
        for name, provider, status, since, source, note, stage, stage_source, gcat in facts[
            columns
        ].itertuples(index=False, name=None)
    }


def _sources(sources: pd.DataFrame | None) -> dict[str, SourceDoc]:
    if sources is None:
        return {}
    return {
        str(sid): SourceDoc(
            str(sid),
            str(title),
            str(publisher),
            str(edition),
            str(url),
            _opt_text(read_at),
            str(checked),
        )
        for sid, title, publisher, edition, url, read_at, checked in sources[
            columns_of(S.REFERENCE_SOURCES)
        ].itertuples(index=False, name=None)
    }


def build_aliases(aliases: pd.DataFrame | None) -> Aliases:
    """The ``name_aliases`` table as the artifact carries it (none without the table)."""
    if aliases is None:
        return Aliases()
    by_kind: dict[str, dict[str, str]] = {}
    for written, means, kind in aliases[columns_of(S.NAME_ALIASES)].itertuples(
        index=False, name=None
    ):
        by_kind.setdefault(str(kind), {})[str(written)] = str(means)
    return Aliases(by_kind)
