"""GCAT's full launch list (``launch.tsv``): one parser for the whole list and the mirror's slice.

The list differs from ``launchlog.tsv``: one row per launch (no payload rows), no ``# Updated``
line, and its header names 28 columns while every data row has 26 fields (``Apoflag`` and
``RangeFlag`` are merged into the ``Apogee`` and ``Range`` values). It holds every kind of
launch: orbital (``LaunchCode`` O...), deep space (D), from another world (X), and suborbital
(S), missile (M), other (A) rows and pad events. Only O, D and X launch attempts are kept, as in
the launch log; a pad explosion (second letter ``E``: no launch happened) is not an attempt.
Dates come from ``Launch_Date``, never from the tag (a few suborbital tags carry another year).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pandas as pd
import pandera.pandas as pa

from tminus.data import gcat
from tminus.data import schema as S
from tminus.data.errors import SourceValidationError
from tminus.data.progress import Notify, ignore
from tminus.data.specs import columns_of
from tminus.data.validation import validate_source

# launch.tsv columns this module reads.
TAG: Final = "Launch_Tag"
DATE: Final = "Launch_Date"
LV_TYPE: Final = "LV_Type"
FLIGHT_ID: Final = "Flight_ID"
SITE: Final = "Launch_Site"
PAD: Final = "Launch_Pad"
DEST: Final = "Dest"
AGENCY: Final = "Agency"
CODE: Final = "LaunchCode"
FAIL_CODE: Final = "FailCode"
LAUNCH_LIST_COLUMNS: Final = (
    TAG,
    DATE,
    LV_TYPE,
    FLIGHT_ID,
    SITE,
    PAD,
    DEST,
    AGENCY,
    CODE,
    FAIL_CODE,
)
# Named in the header, merged into Apogee and Range in the data rows.
MERGED_FLAGS: Final = ("Apoflag", "RangeFlag")

KEPT_CATEGORIES: Final = frozenset(gcat.CATEGORIES)  # O, D, X
PAD_EVENT: Final = "E"  # second letter of LaunchCode: pad explosion, no launch occurred
# Category letter, outcome letter, optional success percentage: OS, SF, MS, OF20, OS95, ...
ANY_CODE_PATTERN: Final = r"^[A-Z][A-Z]\d{0,3}$"

FIELDS: Final = {
    "tag": TAG,
    "date": DATE,
    "vehicle": LV_TYPE,
    "flight_id": FLIGHT_ID,
    "site": SITE,
    "pad": PAD,
    "agency": AGENCY,
    "code": CODE,
    "dest": DEST,
    "fail_code": FAIL_CODE,
}

_NOT_BLANK = pa.Check.str_length(min_value=1)


# Every row: enough to tell what kind of row it is.
ANY_ROW_SCHEMA: Final = pa.DataFrameSchema(
    {
        TAG: pa.Column("str", _NOT_BLANK),
        CODE: pa.Column("str", pa.Check.str_matches(ANY_CODE_PATTERN)),
    },
    strict=False,
)
# The launch attempts kept: every column the launches table is built from.
LAUNCH_ROW_SCHEMA: Final = pa.DataFrameSchema(
    {
        TAG: pa.Column("str", pa.Check.str_matches(r"^\d{4}[- ][A-Z0-9 ]+$")),
        DATE: pa.Column("str", pa.Check.str_matches(gcat.DATE_PATTERN)),
        LV_TYPE: pa.Column("str", _NOT_BLANK),
        FLIGHT_ID: pa.Column("str", _NOT_BLANK),
        SITE: pa.Column("str", _NOT_BLANK),
        PAD: pa.Column("str", _NOT_BLANK),
        DEST: pa.Column("str", _NOT_BLANK),
        AGENCY: pa.Column("str", _NOT_BLANK),
        CODE: pa.Column("str", pa.Check.str_matches(gcat.CODE_PATTERN)),
        FAIL_CODE: pa.Column("str", _NOT_BLANK),
    },
    strict=False,
)


def parse_launch_list_text(text: str, *, file: str) -> pd.DataFrame:
    """Parse ``launch.tsv`` text (the whole list or a slice of it) into stripped strings.

    Returns
    -------
    pd.DataFrame
        One row per data line, indexed by physical line number, one column per data field
        (the header's names without :data:`MERGED_FLAGS`).

    Raises
    ------
    SourceValidationError
        A missing header column, or a line whose field count differs from 26 (the header's
        28 names less the two merged flags), naming the file and line.
    """
    return gcat.parse_gcat_text(
        text, file=file, required=LAUNCH_LIST_COLUMNS, fieldless=MERGED_FLAGS
    )


def read_launch_list(path: Path) -> pd.DataFrame:
    """Read a ``launch.tsv`` file (see :func:`parse_launch_list_text`)."""
    return parse_launch_list_text(gcat.read_gcat_text(path), file=path.name)


def is_launch_attempt(codes: pd.Series) -> pd.Series:
    """True for orbital, deep-space and other-world launch attempts (not pad events)."""
    return codes.str[0].isin(KEPT_CATEGORIES) & (codes.str[1] != PAD_EVENT)


def select_launches(raw: pd.DataFrame, *, file: str) -> pd.DataFrame:
    """Validate the list and keep its O, D and X launch attempts.

    Every row must have a tag and a launch code of GCAT's form; the rows kept must also have a
    GCAT date, a vehicle, a site and an agency, and a tag no other kept row has.

    Raises
    ------
    SourceValidationError
        The first bad value in file order, naming the file, line and column; or a list with
        no launch attempt at all (a header alone, or only suborbital rows and pad events).
    """
    validate_source(raw, ANY_ROW_SCHEMA, file=file)
    kept = raw[is_launch_attempt(raw[CODE])]
    if kept.empty:
        # A header-only or filtered copy is no launch list: refuse it here, by name, before
        # anything is built from it (it ended in a TypeError while reading orbits).
        raise SourceValidationError(
            file,
            line=int(raw.index.max()) if len(raw) else 1,
            column="(file)",
            problem=f"holds no orbital, deep-space or other-world launch ({len(raw):,} data "
            "lines); a launch list must list launches",
        )
    kept = validate_source(kept, LAUNCH_ROW_SCHEMA, file=file)
    repeated = kept[TAG].duplicated()
    if repeated.any():
        line = int(kept.index[repeated.to_numpy(dtype=bool)][0])
        tag = kept.at[line, TAG]
        first = int(kept.index[(kept[TAG] == tag).to_numpy(dtype=bool)][0])
        raise SourceValidationError(
            file,
            line=line,
            column=TAG,
            problem=f"launch {tag!r} is listed again (first on line {first})",
        )
    return kept


def launch_states(
    kept: pd.DataFrame, orgs: pd.DataFrame, sites: pd.DataFrame, *, file: str
) -> pd.Series:
    """The launching state of each launch, which ``launch.tsv`` does not give.

    ``orgs.tsv`` StateCode of the first ``Agency`` code (``KVR?`` read as ``KVR``), else
    ``sites.tsv`` StateCode of the launch site. The launch log's ``LVState`` agrees with this on
    all but 3 of its 6,920 launches (Lavochkin before 1991: ``SU``, where orgs.tsv says ``RU``).

    Raises
    ------
    SourceValidationError
        A launch whose agency and site are both unknown, naming its line.
    """
    org_states = _codes(orgs, gcat.ORGS_CODE)
    site_states = _codes(sites, gcat.SITES_SITE)
    agency = kept[AGENCY].str.split("/").str[0].str.rstrip(gcat.UNCERTAIN)
    site = kept[SITE].str.rstrip(gcat.UNCERTAIN)
    states = agency.map(org_states).fillna(site.map(site_states))
    if states.isna().any():
        line = int(states.index[states.isna().to_numpy(dtype=bool)][0])
        raise SourceValidationError(
            file,
            line=line,
            column=AGENCY,
            problem=f"agency {kept.at[line, AGENCY]!r} is not in orgs.tsv and site "
            f"{kept.at[line, SITE]!r} not in sites.tsv: the launching state is unknown",
        )
    return states.astype("str")


def _codes(table: pd.DataFrame, key: str) -> pd.Series:
    """``key`` -> StateCode (first row per key; ``-`` is no state)."""
    states = table.assign(**{gcat.STATE_CODE: gcat.null_if_dash(table[gcat.STATE_CODE])})
    return states.dropna(subset=[gcat.STATE_CODE]).groupby(key, sort=False)[gcat.STATE_CODE].first()


def build_launches_from_list(
    raw: pd.DataFrame,
    lv: pd.DataFrame,
    sites: pd.DataFrame,
    orgs: pd.DataFrame,
    *,
    file: str = "launch.tsv",
    warn: Notify = ignore,
) -> pd.DataFrame:
    """The ``launches`` table from a parsed ``launch.tsv`` (whole list or slice).

    Parameters
    ----------
    raw
        :func:`read_launch_list` output (index = line number); validated here.
    lv, sites, orgs
        ``lv.tsv``, ``sites.tsv`` and ``orgs.tsv`` frames: family, site name, launching state.
    warn
        Told about vehicles ``lv.tsv`` does not list (each becomes its own family).

    Returns
    -------
    pd.DataFrame
        The ``launches`` table's columns, one row per O/D/X launch attempt.
        ``payload_count`` is null (the list has one row per launch, no payload rows); ``dest``
        and ``fail_code`` come from ``Dest`` and ``FailCode`` (null for ``-``).
    """
    kept = select_launches(raw, file=file)
    return gcat.launches_frame(
        kept,
        lv=lv,
        sites=sites,
        file=file,
        warn=warn,
        columns=FIELDS,
        state=launch_states(kept, orgs, sites, file=file),
        payload_count=pd.Series(pd.NA, index=kept.index, dtype="Int64"),
    )


def merge_launches(log: pd.DataFrame, newer: pd.DataFrame) -> pd.DataFrame:
    """The launch log's launches, with those of a newer launch list added and preferred.

    One launch per tag. Where both hold a launch, the newer list's row wins (it fills pads the
    log left as ``-``, corrects agencies and adds ``dest`` and ``fail_code``); only what the list
    cannot say is kept from the log: the payload count and the log's ``LVState``.

    Returns
    -------
    pd.DataFrame
        The ``launches`` table's columns, in time order.
    """
    by_tag = log.set_index(S.LAUNCH_TAG)
    both = newer[S.LAUNCH_TAG].isin(by_tag.index)
    kept_from_log = [S.STATE, S.PAYLOAD_COUNT]
    overlap = newer.loc[both, S.LAUNCH_TAG]
    newer = newer.copy()
    for column in kept_from_log:
        newer.loc[both, column] = by_tag.loc[overlap, column].to_numpy()
    older = log[~log[S.LAUNCH_TAG].isin(newer[S.LAUNCH_TAG])]
    merged = pd.concat([older, newer], ignore_index=True)
    return gcat.sort_launches(merged[columns_of(S.LAUNCHES)])
