"""GCAT reference tables: vehicle variants (``lv.tsv``), launch pads (``sites.tsv`` + ``lp.tsv``).

These describe things rather than events, so they carry no dates of their own; consumers
filter them (``vehicle_class == "O"`` for orbital vehicles, for instance).
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from tminus.data import gcat
from tminus.data import schema as S
from tminus.data.errors import SourceValidationError
from tminus.data.specs import columns_of
from tminus.data.validation import validate_table

# lv.tsv
LV_VARIANT: Final = "LV_Variant"
LV_MANUFACTURER: Final = "LV_Manufacturer"
LEO_CAPACITY: Final = "LEO_Capacity"
GTO_CAPACITY: Final = "GTO_Capacity"
LV_CLASS: Final = "Class"
LV_ALIAS: Final = "LV_Alias"
LV_COLUMNS: Final = (
    gcat.LV_NAME,
    LV_VARIANT,
    gcat.LV_FAMILY,
    LV_MANUFACTURER,
    LEO_CAPACITY,
    GTO_CAPACITY,
    LV_CLASS,
)
# sites.tsv and lp.tsv share a layout: Site, Code, UCode, ..., TStart, TStop, ShortName, Name
UCODE: Final = "UCode"
CODE: Final = "Code"
NAME: Final = "Name"
TSTART: Final = "TStart"
TSTOP: Final = "TStop"
SITES_COLUMNS: Final = (gcat.SITES_SITE, UCODE, gcat.SITES_SHORT_NAME, NAME)
LP_COLUMNS: Final = (gcat.SITES_SITE, CODE, NAME, TSTART, TSTOP)

# Capacities in kg: digits with an optional decimal part and GCAT's trailing '?'.
_NUMBER = r"^\d+(?:\.\d*)?\??$"


def _first_bad(values: pd.Series, bad: pd.Series, *, file: str, column: str, problem: str) -> None:
    if bad.any():
        line = int(values.index[bad.to_numpy(dtype=bool)][0])
        raise SourceValidationError(
            file, line=line, column=column, problem=f"{values.loc[line]!r} {problem}"
        )


def capacity_kg(values: pd.Series, *, file: str, column: str) -> pd.Series:
    """A payload capacity column as float kg; ``-`` and ``0`` (GCAT gives no figure) are null.

    Raises
    ------
    SourceValidationError
        A value that is neither ``-`` nor a non-negative number, naming file, line and column.
    """
    given = gcat.null_if_dash(values)
    bad = given.notna() & ~given.fillna("0").str.match(_NUMBER)
    _first_bad(values, bad, file=file, column=column, problem="is not a capacity in kg or '-'")
    numbers = pd.to_numeric(given.str.rstrip(gcat.UNCERTAIN)).astype("float64")
    return numbers.mask(numbers == 0)


def build_vehicle_variants(lv: pd.DataFrame, *, file: str = "lv.tsv") -> pd.DataFrame:
    """The ``vehicle_variants`` table: one row per ``lv.tsv`` row, every vehicle class.

    Parameters
    ----------
    lv
        :func:`tminus.data.gcat.read_gcat_tsv` output of ``lv.tsv`` (index = line number) with
        :data:`LV_COLUMNS`.

    Returns
    -------
    pd.DataFrame
        The ``vehicle_variants`` table's columns, in file order.

    Raises
    ------
    SourceValidationError
        A row without a vehicle name, or a capacity that is not a number.
    """
    names = lv[gcat.LV_NAME]
    _first_bad(
        names,
        (names == "") | (names == gcat.NULL),
        file=file,
        column=gcat.LV_NAME,
        problem="is not a vehicle name",
    )
    table = pd.DataFrame(
        {
            S.VV_VEHICLE: names,
            S.VV_VARIANT: gcat.null_if_dash(lv[LV_VARIANT]),
            # As in the launches table: a vehicle without a family is its own family.
            S.VV_FAMILY: gcat.null_if_dash(lv[gcat.LV_FAMILY]).fillna(names),
            S.VV_MANUFACTURER: gcat.null_if_dash(lv[LV_MANUFACTURER]),
            S.VV_LEO_CAPACITY_KG: capacity_kg(lv[LEO_CAPACITY], file=file, column=LEO_CAPACITY),
            S.VV_GTO_CAPACITY_KG: capacity_kg(lv[GTO_CAPACITY], file=file, column=GTO_CAPACITY),
            S.VV_CLASS: gcat.null_if_dash(lv[LV_CLASS]),
            # Optional: an older lv.tsv without LV_Alias gives no aliases.
            S.VV_ALIAS: (
                gcat.null_if_dash(lv[LV_ALIAS])
                if LV_ALIAS in lv
                else pd.Series(None, index=lv.index, dtype="object")
            ),
        },
        index=lv.index,
    )
    # Typed as declared (tminus.data.specs): text columns as str, null where GCAT gives "-".
    return validate_table(table.reset_index(drop=True), S.VEHICLE_VARIANTS)


def build_pads_reference(
    sites: pd.DataFrame,
    lp: pd.DataFrame,
    *,
    sites_file: str = "sites.tsv",
    lp_file: str = "lp.tsv",
) -> pd.DataFrame:
    """The ``pads_reference`` table: every pad of every launch site, by the codes launches use.

    GCAT's join: a launch's ``Launch_Site`` is a ``sites.tsv`` ``Site``; its pads are the
    ``lp.tsv`` rows whose ``Site`` is that site's ``UCode`` (its current code; the site's own
    code when ``UCode`` is ``-``), keyed by ``lp.Code`` = the launch's ``Launch_Pad``. Several
    site codes (old and new names of one place) can share a ``UCode``: each gets the pads.
    Newer pads are filed under the site's own code instead (Starbase's ``STB`` OLP1 and OLP2,
    while its ``UCode`` is Boca Chica's ``BCB``): a site gets those too.

    Returns
    -------
    pd.DataFrame
        The ``pads_reference`` table's columns, one row per (site, pad),
        sorted by site then pad. ``lp.tsv`` rows whose ``Code`` is ``-`` are dropped; ``pad_start``
        and ``pad_stop`` keep GCAT's text (``*`` = still open), ``-`` is null.

    Raises
    ------
    SourceValidationError
        A blank site code in either file, naming file, line and column.
    """
    for frame, file in ((sites, sites_file), (lp, lp_file)):
        values = frame[gcat.SITES_SITE]
        _first_bad(
            values,
            (values == "") | (values == gcat.NULL),
            file=file,
            column=gcat.SITES_SITE,
            problem="is not a site code",
        )
    ucode = gcat.null_if_dash(sites[UCODE]).fillna(sites[gcat.SITES_SITE])
    site_rows = pd.DataFrame(
        {
            S.PR_SITE: sites[gcat.SITES_SITE],
            "_ucode": ucode,
            S.PR_SITE_NAME: gcat.null_if_dash(sites[gcat.SITES_SHORT_NAME]),
            S.PR_SITE_LONG_NAME: gcat.null_if_dash(sites[NAME]),
        }
    )
    pads = lp[(lp[CODE] != gcat.NULL) & (lp[CODE] != "")]
    pad_rows = pd.DataFrame(
        {
            "_ucode": pads[gcat.SITES_SITE],
            S.PR_PAD: pads[CODE],
            S.PR_PAD_NAME: gcat.null_if_dash(pads[NAME]),
            S.PR_PAD_START: gcat.null_if_dash(pads[TSTART]),
            S.PR_PAD_STOP: gcat.null_if_dash(pads[TSTOP]),
        }
    )
    by_ucode = site_rows.merge(pad_rows, on="_ucode", how="inner", sort=False)
    by_own_code = site_rows.drop(columns="_ucode").merge(
        pad_rows.rename(columns={"_ucode": S.PR_SITE}), on=S.PR_SITE, how="inner", sort=False
    )
    joined = pd.concat([by_own_code, by_ucode], ignore_index=True)
    joined = joined.drop_duplicates([S.PR_SITE, S.PR_PAD], keep="first")
    joined = joined.sort_values([S.PR_SITE, S.PR_PAD], kind="stable")
    table = joined[columns_of(S.PADS_REFERENCE)].reset_index(drop=True)
    return validate_table(table, S.PADS_REFERENCE)
