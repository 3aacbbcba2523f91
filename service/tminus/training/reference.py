"""GCAT's reference lists (vehicles and pads, flown or not) as the plain data artifacts carry."""

from __future__ import annotations

import math

import pandas as pd

from tminus.data import schema as S
from tminus.features.reference import PadRef, Reference, SiteRef, VariantRef, VehicleRef


def _opt_text(value: object) -> str | None:
    """Text, or None for a null (None, NaN or pandas' NA)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return str(value)


def _opt_number(value: object) -> float | None:
    """A number, or None for a null."""
    text = _opt_text(value)
    return None if text is None else float(text)


def build_reference(variants: pd.DataFrame, pads: pd.DataFrame) -> Reference:
    """Orbital vehicles (one entry per name, every variant kept), sites and pads.

    Parameters
    ----------
    variants
        The ``vehicle_variants`` table; only orbital classes are kept.
    pads
        The ``pads_reference`` table.
    """
    orbital = variants[variants[S.VV_CLASS] == S.VEHICLE_CLASS_ORBITAL]
    vehicles: dict[str, VehicleRef] = {}
    for name, rows in orbital.groupby(S.VV_VEHICLE, sort=False):
        first = rows.iloc[0]
        vehicles[str(name)] = VehicleRef(
            name=str(name),
            family=str(first[S.VV_FAMILY]),
            manufacturer=_opt_text(first[S.VV_MANUFACTURER]),
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
    return Reference(vehicles=vehicles, sites=sites, pads=refs)
