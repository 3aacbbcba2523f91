"""The GCAT reference tables: vehicle variants (lv.tsv) and pads (sites.tsv joined to lp.tsv)."""

from __future__ import annotations

import pandas as pd
import pytest

from tminus.data import gcat, reference
from tminus.data import schema as S
from tminus.data.errors import SourceValidationError
from tminus.data.specs import columns_of
from tminus.data.validation import validate_table

LV_HEADER = (
    "#LV_Name\tLV_Family\tLV_Manufacturer\tLV_Variant\tLV_Alias\tLEO_Capacity\tGTO_Capacity\t"
    "Class\n# Updated 2025 Dec  1 0108:57\n"
)


def _lv(*rows: str) -> pd.DataFrame:
    return gcat.parse_gcat_text(LV_HEADER + "\n".join(rows) + "\n", file="lv.tsv")


def test_one_row_per_lv_row_with_nulls_where_gcat_gives_no_figure() -> None:
    lv = _lv(
        "Falcon 9\tFalcon9             \tSPX\tFT5\t-\t   13150 \t    4850 \tO",
        "Falcon 9\tFalcon9             \tSPX\t-\t-\t    9300 \t       0 \tO",
        "Super Loki\tLoki\t-\t-\t-\t-\t-\tR",
        "Zenit-3SL\tZenit\tYuzhnoye\t-\t-\t   15000?\t    6000.5 \tO",
    )
    table = validate_table(reference.build_vehicle_variants(lv), S.VEHICLE_VARIANTS)
    assert list(table.columns) == columns_of(S.VEHICLE_VARIANTS)
    assert table[S.VV_VEHICLE].tolist() == ["Falcon 9", "Falcon 9", "Super Loki", "Zenit-3SL"]
    assert table[S.VV_FAMILY].tolist() == ["Falcon9", "Falcon9", "Loki", "Zenit"]  # stripped
    assert table.loc[0, S.VV_VARIANT] == "FT5"
    assert pd.isna(table.loc[1, S.VV_VARIANT])
    assert pd.isna(table.loc[2, S.VV_MANUFACTURER])
    assert table[S.VV_LEO_CAPACITY_KG].tolist()[:2] == [13150.0, 9300.0]
    assert pd.isna(table.loc[1, S.VV_GTO_CAPACITY_KG])  # 0: no figure
    assert pd.isna(table.loc[2, S.VV_LEO_CAPACITY_KG])  # '-': no figure
    assert table.loc[3, S.VV_LEO_CAPACITY_KG] == 15000.0  # uncertain, still a figure
    assert table.loc[3, S.VV_GTO_CAPACITY_KG] == 6000.5
    # Every class is kept (R: sounding rocket); consumers filter on vehicle_class.
    assert table[S.VV_CLASS].tolist() == ["O", "O", "R", "O"]


def test_a_capacity_that_is_not_a_number_names_file_line_and_column() -> None:
    lv = _lv(
        "Falcon 9\tFalcon9\tSPX\tFT5\t-\t13150\t4850\tO", "Ariane 6\tAriane\tAE\t-\t-\tlots\t-\tO"
    )
    with pytest.raises(SourceValidationError) as err:
        reference.build_vehicle_variants(lv)
    assert (err.value.file, err.value.line, err.value.column) == ("lv.tsv", 4, "LEO_Capacity")


SITES = (
    "#Site\tCode\tUCode\tStateCode\tTStart\tTStop\tShortName\tName\n"
    "# Updated 2025 Dec  1 0108:57\n"
    "CC\tCC\tCC\tUS\t1950\t*\tCanaveral\tCape Canaveral Air Station, Florida\n"
    "CCK\tCCK\tCC\tUS\t1963\t1973\tKennedy\tCape Kennedy\n"  # an old name of the same place
    "SVOB\tSVOB\t-\tRU\t1997\t2007\tSvobodniy\tSvobodniy Cosmodrome\n"  # no UCode: its own
    "CC\tCC\tCC\tUS\t1950\t*\tCanaveral\tA second row for the same site\n"
)
LP = (
    "#Site\tCode\tUCode\tType\tTStart\tTStop\tShortName\tName\n"
    "# Updated 2024 Nov 27 05:01:59\n"
    "CC\tLC40\t-\tLP\t1965 Jun 18\t*\tSLC-40\tSpace Launch Complex 40\n"
    "CC\tLC5\t-\tLP\t-\t1961\tLC5\t-\n"
    "CC\t-\t-\tLP\t-\t-\t-\tthe site itself, no pad\n"
    "SVOB\tPU-5\t-\tLP\t1997\t2007\tPU-5\tLaunch pad 5\n"
)


def test_pads_join_through_the_site_ucode_one_row_per_site_and_pad() -> None:
    sites = gcat.parse_gcat_text(SITES, file="sites.tsv")
    lp = gcat.parse_gcat_text(LP, file="lp.tsv")
    table = validate_table(reference.build_pads_reference(sites, lp), S.PADS_REFERENCE)
    assert list(table.columns) == columns_of(S.PADS_REFERENCE)
    assert list(zip(table[S.PR_SITE], table[S.PR_PAD], strict=True)) == [
        ("CC", "LC40"),
        ("CC", "LC5"),
        ("CCK", "LC40"),  # the old site code reaches the same pads
        ("CCK", "LC5"),
        ("SVOB", "PU-5"),
    ]
    first = table.iloc[0]
    assert first[S.PR_PAD_NAME] == "Space Launch Complex 40"
    assert first[S.PR_SITE_NAME] == "Canaveral"
    assert first[S.PR_SITE_LONG_NAME] == "Cape Canaveral Air Station, Florida"  # first row wins
    assert (first[S.PR_PAD_START], first[S.PR_PAD_STOP]) == ("1965 Jun 18", "*")  # text as given
    lc5 = table.iloc[1]
    assert pd.isna(lc5[S.PR_PAD_START]) and lc5[S.PR_PAD_STOP] == "1961"
    assert pd.isna(lc5[S.PR_PAD_NAME])
    assert table.iloc[2][S.PR_SITE_NAME] == "Kennedy"
