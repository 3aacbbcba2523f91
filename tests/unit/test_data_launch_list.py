"""GCAT's full launch list (launch.tsv) and its merge with the launch log, on synthetic files.

The format's quirks, as the mirror's PROVENANCE.md lists them: 28 header names over 26 fields
(Apoflag and RangeFlag merged into Apogee and Range), no ``# Updated`` line, suborbital,
missile and pad-event rows mixed in, tags whose year disagrees with the date, and FailCode.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tminus.data import gcat, launch_list
from tminus.data import schema as S
from tminus.data.errors import SourceValidationError
from tminus.data.specs import columns_of
from tminus.data.validation import validate_table

HEADER = (
    "#Launch_Tag\tLaunch_JD\tLaunch_Date\tLV_Type\tVariant\tFlight_ID\tFlight\tMission\t"
    "FlightCode\tPlatform\tLaunch_Site\tLaunch_Pad\tAscent_Site\tAscent_Pad\tApogee\tApoflag\t"
    "Range\tRangeFlag\tDest\tOrbPay\tAgency\tLaunchCode\tFailCode\tGroup\tCategory\tLTCite\t"
    "Cite\tNotes"
)
LV = (
    "#LV_Name\tLV_Family\tLV_Variant\n"
    "# Updated 2025 Dec  1 0108:57\n"
    "Falcon 9\tFalcon9\tFT5\n"
    "Soyuz-2-1B\tR-7\t-\n"
    "Improved Orion\tOrion\t-\n"
)
SITES = (
    "#Site\tShortName\tStateCode\n"
    "CC\tCanaveral\tUS\n"
    "GIK-1\tPlesetsk\tRU\n"
    "ESR\tEsrange\tS\n"
    "NEWSITE\tNew\tNZ\n"
)
ORGS = "#Code\tStateCode\nSPX\tUS\nVVKO\tRU\nEUROL\tI-ESA\nKVR\tRU\n"


def _row(
    tag: str,
    date: str,
    vehicle: str,
    code: str,
    *,
    site: str = "CC",
    pad: str = "LC40",
    agency: str = "SPX",
    fail: str = "-",
    dest: str = "-",
    apogee: str = "      - ",
) -> str:
    """A launch.tsv data line: 26 fields, padded as GCAT pads them."""
    fields = [
        f"{tag:<10}",
        "2460737.60 ",
        date,
        vehicle,
        "FT5",
        "447/B1086.5  F444" if vehicle == "Falcon 9" else "-",
        "Starlink-241",
        "-",
        "-",
        "-",
        site,
        pad,
        "-",
        "-",
        apogee,  # Apogee and its flag, merged
        "    - ",  # Range and its flag, merged
        dest,
        "  17.500 ",
        agency,
        code,
        fail,
        "C",
        "Sat LEO D",
        "Wire",
        "-",
        "-",
    ]
    return "\t".join(fields)


def _list(*rows: str) -> str:
    # No '# Updated' line: the second line is already data.
    return "\n".join([HEADER, *rows]) + "\n"


def _launches(text: str, warnings: list[str] | None = None) -> pd.DataFrame:
    raw = launch_list.parse_launch_list_text(text, file="launch.tsv")
    out = launch_list.build_launches_from_list(
        raw,
        gcat.parse_gcat_text(LV, file="lv.tsv"),
        gcat.parse_gcat_text(SITES, file="sites.tsv"),
        gcat.parse_gcat_text(ORGS, file="orgs.tsv"),
        warn=(warnings if warnings is not None else []).append,
    )
    return validate_table(out, S.LAUNCHES)


def test_26_fields_under_28_header_names_and_no_updated_line() -> None:
    text = _list(_row("2025-043", "2025 Mar  3 0224:00", "Falcon 9", "OS", apogee="    300?"))
    raw = launch_list.parse_launch_list_text(text, file="launch.tsv")
    assert raw.shape[1] == 26
    assert "Apoflag" not in raw.columns and "RangeFlag" not in raw.columns
    assert raw.index.tolist() == [2]  # the second physical line is the first launch
    assert raw.loc[2, "Apogee"] == "300?"  # the flag stays on its value
    assert raw.loc[2, "FailCode"] == "-"


@pytest.mark.parametrize(("change", "column"), [(-1, "Notes"), (+2, "(extra field)")])
def test_a_row_with_a_wrong_field_count_names_file_line_and_column(
    change: int, column: str
) -> None:
    good = _row("2025-043", "2025 Mar  3 0224:00", "Falcon 9", "OS")
    fields = good.split("\t")
    bad = "\t".join(fields[:change] if change < 0 else [*fields, "x", "y"])
    with pytest.raises(SourceValidationError) as err:
        launch_list.parse_launch_list_text(_list(good, good, bad), file="launch.tsv")
    assert (err.value.file, err.value.line, err.value.column) == ("launch.tsv", 4, column)
    assert str(err.value).startswith("launch.tsv line 4, column ")


def test_only_orbital_deep_space_and_other_world_attempts_are_kept() -> None:
    text = _list(
        _row("2025-043", "2025 Mar  3 0224:00", "Falcon 9", "OS"),
        _row("2025-S09", "2025 Mar 11 0915", "Improved Orion", "SS", site="ESR", agency="EUROL"),
        _row("2025-M01", "2025 Mar 12", "Soyuz-2-1B", "MS", site="GIK-1", agency="VVKO"),
        _row("2025-A01", "2025 Mar 13", "Improved Orion", "AS", site="ESR", agency="EUROL"),
        _row("2025-E01", "2025 Mar 14", "Falcon 9", "OE"),  # pad event: no launch happened
        _row("2025-070", "2025 Mar 15 1200", "Falcon 9", "DS"),
        _row("2025-X01", "2025 Mar 16", "Falcon 9", "XS"),
        _row("2025-F03", "2025 Mar 17", "Falcon 9", "OF", fail="S2P"),
    )
    launches = _launches(text)
    assert launches[S.LAUNCH_TAG].tolist() == ["2025-043", "2025-070", "2025-X01", "2025-F03"]
    assert launches[S.CATEGORY].tolist() == ["orbital", "deep_space", "other_world", "orbital"]
    assert launches[S.FAILED].tolist() == [False, False, False, True]


def test_dates_come_from_launch_date_never_from_the_tag() -> None:
    text = _list(
        # A suborbital row whose tag says 2026 (dropped, and it breaks nothing)...
        _row("2026-S17", "2025 Mar  1", "Improved Orion", "SS", site="ESR", agency="EUROL"),
        # ...and a launch whose tag year disagrees with its date.
        _row("2026-001", "2025 Dec 31 2330", "Falcon 9", "OS"),
        _row("2025-315", "2025 Dec 30 2240:07", "Falcon 9", "OS"),
    )
    launches = _launches(text)
    assert launches[S.LAUNCH_TAG].tolist() == ["2025-315", "2026-001"]  # in time order
    assert launches.loc[1, S.LAUNCH_TIME] == pd.Timestamp("2025-12-31 23:30", tz="UTC")


def test_fail_code_dest_and_the_columns_launch_tsv_lacks() -> None:
    text = _list(
        _row("2025-F03", "2025 Mar  6 2330:31?", "Falcon 9", "OF", fail="S2P"),
        _row("2025-062", "2025 Mar 29", "Soyuz-2-1B", "OS", site="GIK-1", agency="KVR?"),
        _row(
            "2025-063", "2025 Mar 30", "Falcon 9", "OS", site="NEWSITE", agency="NEWCO", dest="Moon"
        ),
    )
    launches = _launches(text).set_index(S.LAUNCH_TAG)
    assert launches.loc["2025-F03", S.FAIL_CODE] == "S2P"
    assert bool(launches.loc["2025-F03", S.DATE_UNCERTAIN])
    assert pd.isna(launches.loc["2025-062", S.FAIL_CODE])  # '-' is null
    assert launches.loc["2025-063", S.DEST] == "Moon"
    assert pd.isna(launches.loc["2025-062", S.DEST])
    # No LVState column: the agency's state in orgs.tsv ('KVR?' is KVR), else the site's.
    assert launches.loc["2025-F03", S.STATE] == "US"
    assert launches.loc["2025-062", S.STATE] == "RU"
    assert launches.loc["2025-063", S.STATE] == "NZ"
    # One row per launch: the payload count is unknown, not invented.
    assert launches[S.PAYLOAD_COUNT].isna().all()
    assert launches.loc["2025-F03", S.BOOSTER_SERIAL] == "B1086"
    assert tuple(launches.reset_index().columns) == tuple(columns_of(S.LAUNCHES))


def test_an_agency_and_site_nobody_knows_is_an_error_naming_the_line() -> None:
    text = _list(_row("2025-063", "2025 Mar 30", "Falcon 9", "OS", site="MARS", agency="NEWCO"))
    with pytest.raises(SourceValidationError, match=r"^launch\.tsv line 2, column Agency: .*NEWCO"):
        _launches(text)


def test_a_vehicle_missing_from_lv_is_its_own_family_with_a_warning() -> None:
    warnings: list[str] = []
    text = _list(
        _row("2025-308", "2025 Dec 23 0200", "Chang Zheng 12A", "OS", site="CC", agency="SPX"),
        _row("2025-309", "2025 Dec 24 0200", "Falcon 9", "OS"),
    )
    launches = _launches(text, warnings).set_index(S.LAUNCH_TAG)
    assert launches.loc["2025-308", S.VEHICLE_FAMILY] == "Chang Zheng 12A"
    assert launches.loc["2025-309", S.VEHICLE_FAMILY] == "Falcon9"
    assert warnings == [
        "launch.tsv: vehicles not in lv.tsv, each its own family: Chang Zheng 12A (1 launch)"
    ]


@pytest.mark.parametrize(
    ("bad_row", "column"),
    [
        (_row("2025-050", "2025 Feb 30 1200", "Falcon 9", "OS"), "Launch_Date"),
        (_row("2025-050", "2025-03-20", "Falcon 9", "OS"), "Launch_Date"),
        (_row("2025-050", "2025 Mar 20", "Falcon 9", "O"), "LaunchCode"),
        (_row("2025-050", "2025 Mar 20", "", "OS"), "LV_Type"),
    ],
)
def test_a_bad_value_in_a_launch_names_file_line_and_column(bad_row: str, column: str) -> None:
    text = _list(_row("2025-049", "2025 Mar 19", "Falcon 9", "OS"), bad_row)
    with pytest.raises(SourceValidationError) as err:
        _launches(text)
    assert (err.value.file, err.value.line, err.value.column) == ("launch.tsv", 3, column)


def test_rows_not_kept_need_only_a_tag_and_a_code() -> None:
    # A suborbital row with a date GCAT writes loosely does not stop the build...
    loose = _row("1944-S01", "1944 Sep", "Improved Orion", "SF", site="ESR", agency="EUROL")
    assert _launches(_list(loose, _row("2025-049", "2025 Mar 19", "Falcon 9", "OS"))).shape[0] == 1
    # ...but a row without a launch code of GCAT's form does.
    garbled = _row("1944-S02", "1944 Sep  8", "Improved Orion", "#@!", site="ESR")
    with pytest.raises(SourceValidationError, match=r"line 2, column LaunchCode"):
        _launches(_list(garbled))


def test_a_launch_listed_twice_is_an_error_naming_both_lines() -> None:
    row = _row("2025-049", "2025 Mar 19", "Falcon 9", "OS")
    with pytest.raises(SourceValidationError, match=r"line 4, .*'2025-049' .*first on line 2"):
        _launches(_list(row, _row("2025-050", "2025 Mar 20", "Falcon 9", "OS"), row))


# ---- merging with the launch log -----------------------------------------------------------

LOG_HEADER = (
    "#Launch_Tag\tLaunch_Date\tPiece\tLV_Type\tFlight_ID\tLaunch_Site\tLaunch_Pad\t"
    "Agency\tLVState\tLaunch_Code"
)


def _log_row(tag: str, date: str, pad: str, agency: str, code: str = "OS") -> str:
    return "\t".join([tag, date, f"{tag}A", "Falcon 9", "-", "CC", pad, agency, "US", code])


def _log_launches() -> pd.DataFrame:
    text = "\n".join(
        [
            LOG_HEADER,
            "# Updated 2025 Apr  4 1838:54",
            _log_row("2025-040", "2025 Mar  1 0100", "LC40", "SPX"),
            _log_row("2025-041", "2025 Mar  2 0100", "-", "SPX"),
            _log_row("2025-041", "2025 Mar  2 0100", "-", "SPX"),  # a second payload
            _log_row("2025-042", "2025 Mar  3 0100", "LC40", "SPX"),
        ]
    )
    log = gcat.validate_launchlog(gcat.parse_gcat_text(text, file="launchlog.tsv"))
    lv = gcat.parse_gcat_text(LV, file="lv.tsv")
    return gcat.build_launches(log, lv, gcat.parse_gcat_text(SITES, file="sites.tsv"))


def test_merge_keeps_one_launch_per_tag_and_the_newer_list_wins() -> None:
    log = _log_launches()
    newer = _launches(
        _list(
            # Both hold 2025-041: the list fills the pad the log left as '-'.
            _row("2025-041", "2025 Mar  2 0100", "Falcon 9", "OS", pad="LC39A", agency="SPX/KVR"),
            _row("2025-042", "2025 Mar  3 0100", "Falcon 9", "OF", fail="S2G"),
            _row("2025-043", "2025 Mar  4 0100", "Falcon 9", "OS"),
        )
    )
    merged = validate_table(launch_list.merge_launches(log, newer), S.LAUNCHES)
    assert merged[S.LAUNCH_TAG].tolist() == ["2025-040", "2025-041", "2025-042", "2025-043"]
    by_tag = merged.set_index(S.LAUNCH_TAG)
    assert by_tag.loc["2025-041", S.PAD] == "LC39A"
    assert by_tag.loc["2025-041", S.AGENCY] == "SPX/KVR"
    assert by_tag.loc["2025-042", S.FAIL_CODE] == "S2G"
    assert bool(by_tag.loc["2025-042", S.FAILED])
    # What only the log can say is kept from it: its payload count and LVState.
    assert by_tag.loc["2025-041", S.PAYLOAD_COUNT] == 2
    assert by_tag.loc["2025-040", S.PAYLOAD_COUNT] == 1
    assert pd.isna(by_tag.loc["2025-043", S.PAYLOAD_COUNT])
    assert pd.isna(by_tag.loc["2025-040", S.FAIL_CODE])  # the log has no FailCode column
    assert pd.isna(by_tag.loc["2025-040", S.DEST])


def test_gcat_stamp_reads_the_updated_line_and_launch_tsv_has_none() -> None:
    assert gcat.gcat_stamp(LV) == "2025 Dec  1 0108:57"
    assert gcat.gcat_stamp(_list(_row("2025-043", "2025 Mar  3", "Falcon 9", "OS"))) is None


def test_a_list_with_no_launch_is_an_error_naming_the_file() -> None:
    """A header alone (it ended in a TypeError while reading orbits), or only suborbital rows."""
    with pytest.raises(SourceValidationError) as err:
        _launches(_list())
    assert str(err.value) == (
        "launch.tsv line 1, column (file): holds no orbital, deep-space or other-world launch "
        "(0 data lines); a launch list must list launches"
    )
    suborbital = _row("2025-S09", "2025 Mar 11 0915", "Improved Orion", "SS", site="ESR")
    with pytest.raises(
        SourceValidationError, match=r"line 2, column \(file\): holds no .*\(1 data"
    ):
        _launches(_list(suborbital))


def test_values_from_a_file_are_shown_printable_in_errors() -> None:
    error = SourceValidationError("x.tsv", line=3, column="\x1b[31mred\x00", problem="bad\rvalue")
    assert str(error) == "x.tsv line 3, column \\x1b[31mred\\x00: bad\\rvalue"
