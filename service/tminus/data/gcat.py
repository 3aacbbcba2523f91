"""GCAT (J. McDowell) tab-separated files: reading, quirks, and the per-launch table.

GCAT fields are space-padded; ``-`` means null, ``*`` an open end and a trailing ``?`` an
uncertain value. ``launchlog.tsv`` holds one row per payload; a launch is every row sharing a
``Launch_Tag``. The full launch list (``launch.tsv``, one row per launch) is read by
:mod:`tminus.data.launch_list` with the same reader and date parser.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

import pandas as pd
import pandera.pandas as pa

from tminus.data import schema as S
from tminus.data.errors import SourceValidationError, decode_utf8
from tminus.data.progress import Notify, ignore
from tminus.data.validation import validate_source

NULL: Final = "-"
UNCERTAIN: Final = "?"
UPDATED_PREFIX: Final = "# Updated"

# launchlog.tsv columns this module reads.
TAG: Final = "Launch_Tag"
DATE: Final = "Launch_Date"
LV_TYPE: Final = "LV_Type"
FLIGHT: Final = "Flight_ID"
SITE: Final = "Launch_Site"
PAD: Final = "Launch_Pad"
AGENCY: Final = "Agency"
LV_STATE: Final = "LVState"
CODE: Final = "Launch_Code"
LAUNCHLOG_COLUMNS: Final = (TAG, DATE, LV_TYPE, FLIGHT, SITE, PAD, AGENCY, LV_STATE, CODE)
# lv.tsv, sites.tsv and orgs.tsv
LV_NAME: Final = "LV_Name"
LV_FAMILY: Final = "LV_Family"
SITES_SITE: Final = "Site"
SITES_SHORT_NAME: Final = "ShortName"
STATE_CODE: Final = "StateCode"  # sites.tsv and orgs.tsv
ORGS_CODE: Final = "Code"

MONTHS: Final = {
    m: i + 1
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    )
}
# `1957 Oct  4 1928:34`, `2021 Jun 12`, `2024 Sep 14 0600?`: time and seconds are optional.
DATE_PATTERN: Final = (
    r"^(?P<year>\d{4}) (?P<month>[A-Z][a-z]{2}) +(?P<day>\d{1,2})"
    r"(?: (?P<hour>\d{2})(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?(?P<uncertain>\?)?$"
)
CODE_PATTERN: Final = r"^[ODX][SFUE]\d{0,3}$"
CATEGORIES: Final = {
    "O": S.CATEGORY_ORBITAL,
    "D": S.CATEGORY_DEEP_SPACE,
    "X": S.CATEGORY_OTHER_WORLD,
}
# `xxx/B1088.5  F456`, `006/B1003?   F006`, `011/B1089.1`: serial and (optional) flight count.
BOOSTER_PATTERN: Final = r"(?:^|/)(?P<serial>B\d{4})(?:\.(?P<flight>\d+))?"

_NOT_BLANK = pa.Check.str_length(min_value=1)


LAUNCHLOG_RAW_SCHEMA: Final = pa.DataFrameSchema(
    {
        TAG: pa.Column("str", [_NOT_BLANK, pa.Check.str_matches(r"^\d{4}[- ][A-Z0-9 ]+$")]),
        DATE: pa.Column("str", pa.Check.str_matches(DATE_PATTERN)),
        LV_TYPE: pa.Column("str", _NOT_BLANK),
        FLIGHT: pa.Column("str", _NOT_BLANK),
        SITE: pa.Column("str", _NOT_BLANK),
        PAD: pa.Column("str", _NOT_BLANK),
        AGENCY: pa.Column("str", _NOT_BLANK),
        LV_STATE: pa.Column("str", _NOT_BLANK),
        CODE: pa.Column("str", pa.Check.str_matches(CODE_PATTERN)),
    },
    strict=False,
    name="launchlog.tsv",
)


def parse_gcat_text(
    text: str, *, file: str, required: Sequence[str] = (), fieldless: Sequence[str] = ()
) -> pd.DataFrame:
    """Parse a GCAT TSV document into a frame of stripped strings indexed by line number.

    Parameters
    ----------
    text
        The whole file. The first line is the ``#``-prefixed header; other ``#`` lines are
        comments (``# Updated ...``); blank lines are ignored.
    file
        Name used in error messages.
    required
        Columns that must be present in the header.
    fieldless
        Header names that have no field of their own in the data lines (``launch.tsv`` names
        ``Apoflag`` and ``RangeFlag`` but merges them into ``Apogee`` and ``Range``): they are
        dropped from the header before the lines are counted against it.

    Returns
    -------
    pd.DataFrame
        One row per data line, index = 1-based physical line number (named ``line``), one
        ``str`` column per header field, values stripped of their padding. ``-`` is kept:
        what it means depends on the column (see :func:`null_if_dash`).

    Raises
    ------
    SourceValidationError
        Missing header or required column, or a line with too few / too many fields.
    """
    # Physical lines, as an editor counts them: splitlines() would also break at form feeds,
    # \x1c..\x1e or U+2028 in garbled text and shift every line number after them.
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if not lines or not lines[0].startswith("#"):
        raise SourceValidationError(
            file, line=1, column="(header)", problem="expected a '#'-prefixed header line"
        )
    header = [name.strip() for name in lines[0][1:].split("\t")]
    header = [name for name in header if name not in fieldless]
    for name in required:
        if name not in header:
            raise SourceValidationError(
                file, line=1, column=name, problem=f"column missing from header {header}"
            )
    width = len(header)
    numbers: list[int] = []
    rows: list[list[str]] = []
    for number, line in enumerate(lines[1:], start=2):
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != width:
            if len(fields) < width:
                column = header[len(fields)]
                problem = f"line has {len(fields)} of {width} tab-separated fields (truncated?)"
            else:
                column = "(extra field)"
                problem = f"line has {len(fields)} tab-separated fields, the header {width}"
            raise SourceValidationError(file, line=number, column=column, problem=problem)
        numbers.append(number)
        rows.append([field.strip() for field in fields])
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(numbers, name="line"), dtype="str")
    return frame


def read_gcat_text(path: Path) -> str:
    """A GCAT file's text; bytes that are not UTF-8 are an error naming line and column."""
    return decode_utf8(path.read_bytes(), file=path.name, separator="\t")


def read_gcat_tsv(
    path: Path, *, required: Sequence[str] = (), fieldless: Sequence[str] = ()
) -> pd.DataFrame:
    """Read a GCAT TSV file (see :func:`parse_gcat_text`)."""
    return parse_gcat_text(
        read_gcat_text(path), file=path.name, required=required, fieldless=fieldless
    )


def gcat_stamp(text: str) -> str | None:
    """The date text of a GCAT file's ``# Updated ...`` line (``2025 Dec  1 0108:57``), if any.

    Only the comment lines right after the header are looked at; ``launch.tsv`` has none.
    """
    for line in text.split("\n", 5)[1:5]:
        if line.startswith(UPDATED_PREFIX):
            return line.removeprefix(UPDATED_PREFIX).strip() or None
        if not line.startswith("#"):
            return None
    return None


def null_if_dash(values: pd.Series) -> pd.Series:
    """GCAT's ``-`` (no value) as null. ``*`` (open end) and ``?`` suffixes are kept as text."""
    return values.mask(values == NULL)


def _first_line(flags: pd.Series) -> int:
    """Index label (a line number) of the first True in ``flags``."""
    return int(flags.index[flags.to_numpy(dtype=bool)][0])


def parse_gcat_dates(dates: pd.Series, *, file: str, column: str = DATE) -> pd.DataFrame:
    """Parse GCAT dates like ``1957 Oct  4 1928:34`` into UTC timestamps.

    Parameters
    ----------
    dates
        Stripped date strings; the index is the line number (used in errors).

    Returns
    -------
    pd.DataFrame
        Same index; columns ``launch_time`` (datetime64[ns, UTC], 00:00 when the time of day
        is missing, seconds 0 when missing), ``time_known`` (bool) and ``date_uncertain``
        (bool, a trailing ``?``).

    Raises
    ------
    SourceValidationError
        Naming the first line whose date does not match the pattern or is not a real date.
    """
    parts = dates.astype("str").str.extract(DATE_PATTERN)
    month = parts["month"].map(MONTHS)
    bad = parts["year"].isna() | month.isna()
    if bad.any():
        line = _first_line(bad)
        raise SourceValidationError(
            file,
            line=line,
            column=column,
            problem=f"{dates.loc[line]!r} is not a GCAT date like '1957 Oct  4 1928:34'",
        )
    fields = pd.DataFrame(
        {
            "year": parts["year"].astype("int64"),
            "month": month.astype("int64"),
            "day": parts["day"].astype("int64"),
            "hour": pd.to_numeric(parts["hour"]).fillna(0).astype("int64"),
            "minute": pd.to_numeric(parts["minute"]).fillna(0).astype("int64"),
            "second": pd.to_numeric(parts["second"]).fillna(0).astype("int64"),
        },
        index=dates.index,
    )
    times = pd.to_datetime(fields, errors="coerce", utc=True)
    if times.isna().any():
        line = _first_line(times.isna())
        raise SourceValidationError(
            file, line=line, column=column, problem=f"{dates.loc[line]!r} is not a real date"
        )
    return pd.DataFrame(
        {
            S.LAUNCH_TIME: times.astype("datetime64[ns, UTC]"),
            S.TIME_KNOWN: parts["hour"].notna().to_numpy(dtype=bool),
            S.DATE_UNCERTAIN: parts["uncertain"].notna().to_numpy(dtype=bool),
        },
        index=dates.index,
    )


def parse_booster(flight_ids: pd.Series, vehicles: pd.Series) -> pd.DataFrame:
    """Falcon booster serial and flight count from GCAT ``Flight_ID``.

    ``xxx/B1088.5  F456`` -> (``B1088``, 5); ``006/B1003?   F006`` -> (``B1003``, null).
    Only Falcon vehicles carry booster serials; other rows get nulls.

    Returns
    -------
    pd.DataFrame
        Columns ``booster_serial`` (str | null) and ``booster_flight`` (Int64 | null).
    """
    is_falcon = vehicles.astype("str").str.startswith("Falcon")
    parts = flight_ids.astype("str").str.extract(BOOSTER_PATTERN)
    serial = parts["serial"].where(is_falcon).astype("str")
    flight = pd.to_numeric(parts["flight"].where(is_falcon)).astype("Int64")
    return pd.DataFrame(
        {S.BOOSTER_SERIAL: serial, S.BOOSTER_FLIGHT: flight}, index=flight_ids.index
    )


def vehicle_families(lv: pd.DataFrame) -> pd.Series:
    """``LV_Name`` -> ``LV_Family`` from ``lv.tsv`` (several variant rows per name: the first)."""
    families = lv.assign(**{LV_FAMILY: null_if_dash(lv[LV_FAMILY])}).dropna(subset=[LV_FAMILY])
    return families.groupby(LV_NAME, sort=False)[LV_FAMILY].first()


def resolve_families(
    vehicles: pd.Series, lv: pd.DataFrame, *, warn: Notify, file: str
) -> pd.Series:
    """The ``LV_Family`` of each vehicle; a vehicle ``lv.tsv`` does not list is its own family.

    The launch lists are often newer than ``lv.tsv`` (``Chang Zheng 12A`` flew before lv.tsv
    listed it): such a vehicle is not an error, it is named in one warning. A vehicle whose
    name is a family's name, folded (the launch log's ``New Glenn``; lv.tsv now lists
    ``New Glenn 7x2`` of family ``NewGlenn``), belongs to that family.
    """
    known = vehicle_families(lv)
    by_folded = {_fold(family): family for family in known.unique()}
    families = vehicles.map(known).astype("str")
    families = families.fillna(vehicles.map(lambda name: by_folded.get(_fold(name))))
    unknown = vehicles[families.isna()]
    if not unknown.empty:
        counts = unknown.value_counts(sort=False)
        names = ", ".join(
            f"{name} ({n} launch{'es' if n != 1 else ''})" for name, n in counts.items()
        )
        warn(f"{file}: vehicles not in lv.tsv, each its own family: {names}")
    return families.fillna(vehicles).astype("str")


def _fold(name: str) -> str:
    """Case, spaces and punctuation folded, as vehicle names are compared."""
    return "".join(ch for ch in str(name).lower() if ch.isalnum())


def site_names(sites: pd.DataFrame) -> pd.Series:
    """``Site`` -> ``ShortName`` from ``sites.tsv`` (first row per site)."""
    names = sites.assign(**{SITES_SHORT_NAME: null_if_dash(sites[SITES_SHORT_NAME])})
    return (
        names.dropna(subset=[SITES_SHORT_NAME])
        .groupby(SITES_SITE, sort=False)[SITES_SHORT_NAME]
        .first()
    )


def validate_launchlog(raw: pd.DataFrame, *, file: str = "launchlog.tsv") -> pd.DataFrame:
    """Check the launchlog columns this module reads; errors name file, line and column."""
    return validate_source(raw, LAUNCHLOG_RAW_SCHEMA, file=file)


def launches_frame(
    rows: pd.DataFrame,
    *,
    lv: pd.DataFrame,
    sites: pd.DataFrame,
    file: str,
    warn: Notify,
    columns: dict[str, str],
    state: pd.Series,
    payload_count: pd.Series,
) -> pd.DataFrame:
    """The ``launches`` table from one validated row per launch, whatever GCAT file held them.

    Parameters
    ----------
    rows
        One row per launch, stripped strings indexed by line number (used in errors).
    lv, sites
        ``lv.tsv`` and ``sites.tsv`` frames, for the vehicle family and site name.
    columns
        Source column of each of ``tag, date, vehicle, flight_id, site, pad, agency, code``
        and, when the file has them, ``dest`` and ``fail_code``.
    state, payload_count
        Already derived per row (the two files differ there); same index as ``rows``.

    Returns
    -------
    pd.DataFrame
        The ``launches`` table's columns, sorted by launch time then tag.
    """
    when = parse_gcat_dates(rows[columns["date"]], file=file, column=columns["date"])
    codes = rows[columns["code"]]
    vehicle = rows[columns["vehicle"]]
    flight_id = null_if_dash(rows[columns["flight_id"]])
    booster = parse_booster(flight_id, vehicle)
    site = rows[columns["site"]]
    absent = pd.Series(pd.NA, index=rows.index, dtype="str")
    launches = pd.DataFrame(
        {
            S.LAUNCH_TAG: rows[columns["tag"]],
            S.LAUNCH_TIME: when[S.LAUNCH_TIME],
            S.TIME_KNOWN: when[S.TIME_KNOWN],
            S.DATE_UNCERTAIN: when[S.DATE_UNCERTAIN],
            S.VEHICLE: vehicle,
            S.VEHICLE_FAMILY: resolve_families(vehicle, lv, warn=warn, file=file),
            S.SITE: site,
            S.PAD: null_if_dash(rows[columns["pad"]]),
            # An uncertain site ("TYSC?") still names the site.
            S.SITE_NAME: site.str.rstrip(UNCERTAIN).map(site_names(sites)).astype("str"),
            S.AGENCY: rows[columns["agency"]],
            S.STATE: state,
            S.CATEGORY: codes.str[0].map(CATEGORIES).astype("str"),
            S.OUTCOME_CODE: codes,
            S.FAILED: (codes.str[1] == "F").to_numpy(dtype=bool),
            S.FLIGHT_ID: flight_id,
            S.BOOSTER_SERIAL: booster[S.BOOSTER_SERIAL],
            S.BOOSTER_FLIGHT: booster[S.BOOSTER_FLIGHT],
            S.PAYLOAD_COUNT: payload_count.astype("Int64"),
            S.DEST: null_if_dash(rows[columns["dest"]]) if "dest" in columns else absent,
            S.FAIL_CODE: (
                null_if_dash(rows[columns["fail_code"]]) if "fail_code" in columns else absent
            ),
        },
        index=rows.index,
    )
    return sort_launches(launches)


def sort_launches(launches: pd.DataFrame) -> pd.DataFrame:
    """Launches in time order (ties by tag), renumbered, with the table's dtypes."""
    launches = launches.sort_values([S.LAUNCH_TIME, S.LAUNCH_TAG], kind="stable")
    return launches.reset_index(drop=True).astype(
        {
            S.FAILED: bool,
            S.TIME_KNOWN: bool,
            S.DATE_UNCERTAIN: bool,
            S.PAYLOAD_COUNT: "Int64",
            S.DEST: "str",
            S.FAIL_CODE: "str",
        }
    )


LAUNCHLOG_FIELDS: Final = {
    "tag": TAG,
    "date": DATE,
    "vehicle": LV_TYPE,
    "flight_id": FLIGHT,
    "site": SITE,
    "pad": PAD,
    "agency": AGENCY,
    "code": CODE,
}


def build_launches(
    launchlog: pd.DataFrame,
    lv: pd.DataFrame,
    sites: pd.DataFrame,
    *,
    file: str = "launchlog.tsv",
    warn: Notify = ignore,
) -> pd.DataFrame:
    """One row per launch attempt (distinct ``Launch_Tag``) from the GCAT launch log.

    Parameters
    ----------
    launchlog
        :func:`read_gcat_tsv` output of ``launchlog.tsv`` (index = line number), validated.
    lv, sites
        ``lv.tsv`` and ``sites.tsv`` frames, for the vehicle family and site name.
    warn
        Told about vehicles ``lv.tsv`` does not list (each becomes its own family).

    Returns
    -------
    pd.DataFrame
        The ``launches`` table (its declared columns), sorted by
        launch time then tag. Launch-level fields come from the tag's first line; the launch
        log has no ``Dest`` or ``FailCode``, so ``dest`` and ``fail_code`` are null.
    """
    counts = launchlog.groupby(TAG, sort=False).size()
    first = launchlog[~launchlog[TAG].duplicated()]
    return launches_frame(
        first,
        lv=lv,
        sites=sites,
        file=file,
        warn=warn,
        columns=LAUNCHLOG_FIELDS,
        state=first[LV_STATE],
        payload_count=first[TAG].map(counts),
    )
