"""Small synthetic launch tables for unit tests (no real data)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tminus.data import schema as S
from tminus.features.reference import Aliases


def launches(n: int = 400, *, seed: int = 0) -> pd.DataFrame:
    """``n`` launches of three vehicles over ~20 years, failures likelier on early flights."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2000-01-01", tz="UTC")
    times = start + pd.to_timedelta(np.sort(rng.uniform(0, 20 * 365, n)), unit="D")
    vehicles = rng.choice(["Alpha 1", "Alpha 2", "Beta"], size=n, p=[0.5, 0.3, 0.2])
    family = np.where(np.char.startswith(vehicles.astype(str), "Alpha"), "Alpha", "Beta")
    pads = rng.choice(["LC1", "LC2"], size=n)
    flight_no = pd.Series(vehicles).groupby(vehicles).cumcount().to_numpy()
    p_fail = 0.3 / (1 + flight_no) + 0.02
    failed = rng.uniform(size=n) < p_fail
    return pd.DataFrame(
        {
            S.LAUNCH_TAG: [f"T{i:05d}" for i in range(n)],
            S.LAUNCH_TIME: times,
            S.VEHICLE: vehicles,
            S.VEHICLE_FAMILY: family,
            S.SITE: "SYN",
            S.PAD: pads,
            S.AGENCY: np.where(family == "Alpha", "AAA", "BBB"),
            S.STATE: "XX",
            S.CATEGORY: S.CATEGORY_ORBITAL,
            S.OUTCOME_CODE: np.where(failed, "OF", "OS"),
            S.FAILED: failed,
            S.FLIGHT_ID: [f"F{i}" for i in range(n)],
        }
    )


def variants() -> pd.DataFrame:
    """GCAT's vehicle list for :func:`launches`: the three flown vehicles and 'Alpha 3', which
    has not flown, plus a suborbital rocket that the catalogue must leave out."""
    rows = [
        ("Alpha 1", None, "Alpha", "AAA", 1000.0, None, "O", None),
        ("Alpha 2", "A", "Alpha", "AAA", 2000.0, 500.0, "O", None),
        ("Alpha 2", "B", "Alpha", "AAA", 2500.0, 700.0, "O", None),
        ("Alpha 3", None, "Alpha", "AAA", 5000.0, 1500.0, "O", None),
        ("Beta", None, "Beta", "BBB", None, None, "O", None),
        ("Sounder", None, "Sounder", "CCC", None, None, "R", None),
    ]
    return pd.DataFrame(
        rows,
        columns=[
            S.VV_VEHICLE,
            S.VV_VARIANT,
            S.VV_FAMILY,
            S.VV_MANUFACTURER,
            S.VV_LEO_CAPACITY_KG,
            S.VV_GTO_CAPACITY_KG,
            S.VV_CLASS,
            S.VV_ALIAS,
        ],
    )


def orbits(*, seed: int = 0) -> pd.DataFrame:
    """Where :func:`launches` went: Alpha to LEO (Alpha 2 also to GTO, 600 kg), Beta to SSO."""
    frame = launches(seed=seed)
    ok = frame[~frame[S.FAILED]]
    alpha = ok[S.VEHICLE].str.startswith("Alpha").to_numpy()
    rows = pd.DataFrame(
        {
            S.LO_LAUNCH_TAG: ok[S.LAUNCH_TAG],
            S.LO_LAUNCH_TIME: ok[S.LAUNCH_TIME],
            S.LO_VEHICLE: ok[S.VEHICLE],
            S.LO_SITE: ok[S.SITE],
            S.LO_PAD: ok[S.PAD],
            S.LO_ORBIT_CLASS: np.where(alpha, S.ORBIT_LEO, S.ORBIT_SSO),
            S.LO_PAYLOADS: 1,
            S.LO_PAYLOAD_MASS_KG: np.nan,
            S.LO_VARIANT: None,
            S.LO_SOURCE: S.SOURCE_PSATCAT,
        }
    )
    gto = rows[rows[S.LO_VEHICLE] == "Alpha 2"].assign(
        **{S.LO_ORBIT_CLASS: S.ORBIT_GTO, S.LO_PAYLOAD_MASS_KG: 600.0, S.LO_VARIANT: "A"}
    )
    return pd.concat([rows, gto]).sort_values(S.LO_LAUNCH_TIME, kind="stable")


def pads() -> pd.DataFrame:
    """GCAT's pad list for :func:`launches`: LC1 and LC2 (used) and LC3 (new, not used yet)."""
    rows = [
        ("SYN", "LC1", "Launch Complex 1", "Synthetica", "Synthetic Spaceport", "2000", "*"),
        ("SYN", "LC2", "Launch Complex 2", "Synthetica", "Synthetic Spaceport", "2000", "*"),
        ("SYN", "LC3", "Launch Complex 3", "Synthetica", "Synthetic Spaceport", "2019", "*"),
    ]
    return pd.DataFrame(
        rows,
        columns=[
            S.PR_SITE,
            S.PR_PAD,
            S.PR_PAD_NAME,
            S.PR_SITE_NAME,
            S.PR_SITE_LONG_NAME,
            S.PR_PAD_START,
            S.PR_PAD_STOP,
        ],
    )


def name_aliases() -> pd.DataFrame:
    """The names people write, from T-Minus' own committed reference (the project's data,
    not GCAT's): 'Cape Canaveral', 'Long March', 'SLC-40', ..."""
    from tminus.data.vehicles import read_reference

    root = Path(__file__).resolve().parents[2]
    return read_reference(root / "datasets" / "reference" / "vehicles.toml").aliases


def aliases() -> Aliases:
    """:func:`name_aliases` as a reference carries them."""
    from tminus.training.reference import build_aliases

    return build_aliases(name_aliases())


def launch_tables(**frames: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The tables a launch model trains on, by name: synthetic launches, vehicles and pads,
    the names people write, with ``frames`` (by table name) replacing or adding any of them."""
    return {
        S.LAUNCHES: launches(),
        S.VEHICLE_VARIANTS: variants(),
        S.PADS_REFERENCE: pads(),
        S.NAME_ALIASES: name_aliases(),
        **frames,
    }
