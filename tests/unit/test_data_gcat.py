"""GCAT parsing quirks, on small synthetic launch logs the tests write themselves."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tminus.data import gcat
from tminus.data import schema as S
from tminus.data.errors import SourceValidationError
from tminus.data.specs import columns_of
from tminus.data.validation import validate_table

HEADER = (
    "#Launch_Tag\tLaunch_Date\tPiece\tLV_Type\tFlight_ID\tLaunch_Site\tLaunch_Pad\t"
    "Agency\tLVState\tLaunch_Code"
)
LV = (
    "#LV_Name\tLV_Family\tLV_Variant\n"
    "# Updated 2025 Dec  1\n"
    "Falcon 9\tFalcon9             \tv1.0\n"
    "Falcon 9\tFalcon9             \tFT\n"
    "Soyuz-2-1A\tR-7                 \t-\n"
)
SITES = (
    "#Site\tShortName\tTStop\n"
    "# Updated 2025 Dec  1\n"
    "CC\tCape Canaveral\t*\n"
    "TYSC\tBaikonur\t*\n"
    "NEW\t-\t*\n"
)


def _log(*rows: str) -> str:
    return "\n".join([HEADER, "# Updated 2025 Apr  4 1838:54", *rows]) + "\n"


def _row(tag: str, date: str, vehicle: str, flight: str, *where_code: str) -> str:
    """A launchlog line padded as GCAT pads it; ``where_code`` = site, pad, launch code."""
    site, pad, code = where_code
    fields = [f"{tag:<10}", date, f"{tag} A", f"{vehicle:<12}", f"{flight:<18}", site, pad]
    return "\t".join([*fields, "SPX   ", "US", f"{code:<4}"])


def _launches(text: str) -> pd.DataFrame:
    log = gcat.validate_launchlog(gcat.parse_gcat_text(text, file="launchlog.tsv"))
    lv = gcat.parse_gcat_text(LV, file="lv.tsv")
    sites = gcat.parse_gcat_text(SITES, file="sites.tsv")
    return validate_table(gcat.build_launches(log, lv, sites), S.LAUNCHES)


def test_fields_are_stripped_and_index_is_the_physical_line() -> None:
    frame = gcat.parse_gcat_text(
        _log(_row("2025-001", "2025 Jan  3 0127:00", "Falcon 9", "-", "CC", "LC40", "OS")),
        file="launchlog.tsv",
    )
    assert frame.index.tolist() == [3]
    assert frame.loc[3, "Launch_Tag"] == "2025-001"
    assert frame.loc[3, "LV_Type"] == "Falcon 9"
    assert frame.loc[3, "Launch_Code"] == "OS"


def test_dash_is_null_but_star_and_question_mark_are_kept() -> None:
    values = pd.Series(["-", "*", "LC43?", "LC-39A"])
    out = gcat.null_if_dash(values)
    assert out.isna().tolist() == [True, False, False, False]
    assert out.iloc[1] == "*"
    assert out.iloc[2] == "LC43?"
    # '*' (open end) in a supporting table does not break the join to it.
    sites = gcat.parse_gcat_text(SITES, file="sites.tsv")
    assert sites["TStop"].tolist() == ["*", "*", "*"]


@pytest.mark.parametrize(
    ("text", "expected", "time_known", "uncertain"),
    [
        ("1957 Oct  4 1928:34", "1957-10-04 19:28:34", True, False),
        ("2025 Mar 30 1030", "2025-03-30 10:30:00", True, False),  # no seconds
        ("2021 Jun 12", "2021-06-12 00:00:00", False, False),  # no time of day
        ("2023 Mar  4", "2023-03-04 00:00:00", False, False),
        ("2024 Sep 14 0600?", "2024-09-14 06:00:00", True, True),
        ("2025 Mar  6 2330:31?", "2025-03-06 23:30:31", True, True),
        ("2021 Jul 27?", "2021-07-27 00:00:00", False, True),
    ],
)
def test_gcat_dates(text: str, expected: str, time_known: bool, uncertain: bool) -> None:
    out = gcat.parse_gcat_dates(pd.Series([text], index=[7]), file="launchlog.tsv")
    assert out.loc[7, S.LAUNCH_TIME] == pd.Timestamp(expected, tz="UTC")
    assert str(out[S.LAUNCH_TIME].dtype) == "datetime64[ns, UTC]"
    assert bool(out.loc[7, S.TIME_KNOWN]) is time_known
    assert bool(out.loc[7, S.DATE_UNCERTAIN]) is uncertain


@pytest.mark.parametrize("bad", ["2021 Feb 30 1200", "2021 Foo 12", "12 Jun 2021", "2021-06-12"])
def test_bad_date_names_file_line_and_column(bad: str) -> None:
    dates = pd.Series(["2021 Jun 12", bad], index=[3, 9])
    with pytest.raises(SourceValidationError) as err:
        gcat.parse_gcat_dates(dates, file="launchlog.tsv")
    assert (err.value.file, err.value.line, err.value.column) == ("launchlog.tsv", 9, "Launch_Date")
    assert str(err.value).startswith("launchlog.tsv line 9, column Launch_Date:")


def test_truncated_line_names_its_line_and_first_missing_column() -> None:
    good = _row("2025-001", "2025 Jan  3 0127:00", "Falcon 9", "-", "CC", "LC40", "OS")
    truncated = good[: good.index("\tCC")]
    with pytest.raises(SourceValidationError) as err:
        gcat.parse_gcat_text(_log(good, truncated), file="launchlog.tsv")
    assert err.value.line == 4
    assert err.value.column == "Launch_Site"
    assert "truncated" in str(err.value)


def test_malformed_launch_code_fails_validation_naming_line_and_column() -> None:
    text = _log(
        _row("2025-001", "2025 Jan  3 0127:00", "Falcon 9", "-", "CC", "LC40", "OS"),
        _row("2025-002", "2025 Jan  4 0127:00", "Falcon 9", "-", "CC", "LC40", "O"),
    )
    with pytest.raises(SourceValidationError) as err:
        gcat.validate_launchlog(gcat.parse_gcat_text(text, file="launchlog.tsv"))
    assert str(err.value).startswith("launchlog.tsv line 4, column Launch_Code: value 'O'")


def test_outcome_codes_category_and_failed_flag() -> None:
    rows = [
        ("2020-001", "OS", "orbital", False),
        ("2020-002", "OS75", "orbital", False),  # off-nominal but usable: success
        ("2020-F01", "OF", "orbital", True),
        ("2020-003", "OF40", "orbital", True),  # orbit reached but unusable: failure
        ("2020-004", "DS", "deep_space", False),
        ("2020-005", "XS", "other_world", False),
    ]
    text = _log(
        *(
            _row(tag, f"2020 Jan {i + 1:>2} 1200", "Soyuz-2-1A", "-", "TYSC", "-", code)
            for i, (tag, code, _, _) in enumerate(rows)
        )
    )
    launches = _launches(text).set_index(S.LAUNCH_TAG)
    for tag, code, category, failed in rows:
        assert launches.loc[tag, S.OUTCOME_CODE] == code
        assert launches.loc[tag, S.CATEGORY] == category
        assert bool(launches.loc[tag, S.FAILED]) is failed


def test_payload_rows_collapse_to_one_launch_with_a_count() -> None:
    row = _row("2025-010", "2025 Feb  1 0000", "Falcon 9", "xxx/B1088.5  F456", "CC", "LC40", "OS")
    launches = _launches(_log(row, row, row))
    assert len(launches) == 1
    assert launches.loc[0, S.PAYLOAD_COUNT] == 3


@pytest.mark.parametrize(
    ("flight_id", "serial", "flight"),
    [
        ("xxx/B1088.5  F456", "B1088", 5),
        ("006/B1003?   F006", "B1003", None),
        ("123/B1062.12 F300", "B1062", 12),
        ("011/B1089.1", "B1089", 1),
        ("F001", None, None),
        ("-", None, None),
    ],
)
def test_falcon_booster_serial_and_flight(
    flight_id: str, serial: str | None, flight: int | None
) -> None:
    row = _row("2025-010", "2025 Feb  1 0000", "Falcon 9", flight_id, "CC", "LC40", "OS")
    launch = _launches(_log(row)).iloc[0]
    assert (None if pd.isna(launch[S.BOOSTER_SERIAL]) else launch[S.BOOSTER_SERIAL]) == serial
    got = launch[S.BOOSTER_FLIGHT]
    assert (None if pd.isna(got) else int(got)) == flight
    if flight_id == "-":
        assert pd.isna(launch[S.FLIGHT_ID])


def test_booster_serial_only_for_falcon() -> None:
    row = _row("2025-011", "2025 Feb  2 0000", "Starship V2", "B1234/S30", "CC", "-", "OS")
    launch = _launches(_log(row)).iloc[0]
    assert pd.isna(launch[S.BOOSTER_SERIAL])


def test_family_pad_and_site_name_joins() -> None:
    text = _log(
        _row("2025-001", "2025 Jan  3 0127:00", "Falcon 9", "-", "CC", "LC40", "OS"),
        _row("2025-002", "2025 Jan  4", "New Glenn", "-", "CC", "-", "OS"),
        _row("2025-003", "2025 Jan  5 1000", "Soyuz-2-1A", "-", "TYSC?", "LC31?", "OS"),
        _row("2025-004", "2025 Jan  6 1000", "Soyuz-2-1A", "-", "NEW", "LC1", "OS"),
    )
    launches = _launches(text).set_index(S.LAUNCH_TAG)
    assert launches.loc["2025-001", S.VEHICLE_FAMILY] == "Falcon9"  # first of the variants
    assert launches.loc["2025-002", S.VEHICLE_FAMILY] == "New Glenn"  # not in lv.tsv: the name
    assert pd.isna(launches.loc["2025-002", S.PAD])
    assert launches.loc["2025-003", S.PAD] == "LC31?"  # as GCAT gives it
    assert launches.loc["2025-003", S.SITE] == "TYSC?"
    assert launches.loc["2025-003", S.SITE_NAME] == "Baikonur"
    assert pd.isna(launches.loc["2025-004", S.SITE_NAME])


def test_launches_are_sorted_by_time_and_typed() -> None:
    text = _log(
        _row("2025-002", "2025 Jan  4 0127:00", "Falcon 9", "-", "CC", "LC40", "OS"),
        _row("2025-001", "2025 Jan  3", "Falcon 9", "-", "CC", "LC40", "OS"),
    )
    launches = _launches(text)
    assert launches[S.LAUNCH_TAG].tolist() == ["2025-001", "2025-002"]
    assert list(launches.columns) == columns_of(S.LAUNCHES)
    assert not bool(launches.loc[0, S.TIME_KNOWN])


def test_missing_header_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "launchlog.tsv"
    path.write_text("#Launch_Tag\tLaunch_Date\n# Updated\n2025-001\t2025 Jan  3\n")
    with pytest.raises(SourceValidationError) as err:
        gcat.read_gcat_tsv(path, required=gcat.LAUNCHLOG_COLUMNS)
    assert err.value.line == 1
    assert err.value.column == "LV_Type"
