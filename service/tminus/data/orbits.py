"""Where launches went: the ``launch_orbits`` table.

Three sources, each read defensively:

- GCAT's payload catalogue (``psatcat.tsv``) gives each payload's perigee, apogee and
  inclination: the UN-registered orbit when GCAT has one, else the orbit of its last phase.
  Payloads join to their launch through the launch log's payload rows (``launchlog.tsv``,
  ``JCAT``). :func:`classify_orbits` turns the elements into orbit classes with GCAT's own
  boundaries (https://planet4589.org/space/gcat/web/intro/orbits.html).
- GCAT's launch list (``launch.tsv``: the mirror's 2025 slice, or the whole list after
  ``tminus data update``) names each orbital launch's destination in the second word of its
  ``Category`` (``Sat SSO D``, ``Sat GTO O``, ``Sat EEO E``); ``Dest`` is filled only for
  suborbital flights, but it is read too when it names an orbit or a body.
- The SpaceX API gives each Falcon payload's orbit and mass (launches to 2022): the masses the
  record shows a Falcon carrying to each class.

Only launches that did not fail count: a failed launch reached nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from tminus.data import gcat, spacex
from tminus.data import schema as S
from tminus.data.errors import SourceValidationError
from tminus.data.progress import Notify, ignore

PSATCAT_FILE: Final = "psatcat.tsv"
# psatcat.tsv columns read here.
JCAT: Final = "JCAT"
UN_PERIGEE: Final = "UNPerigee"
UN_APOGEE: Final = "UNApogee"
UN_INC: Final = "UNInc"
DISP_PERIGEE: Final = "DispPeri"
DISP_APOGEE: Final = "DispApo"
DISP_INC: Final = "DispInc"
NAME: Final = "Name"
PROGRAM: Final = "Program"
COMMENT: Final = "Comment"
PSATCAT_COLUMNS: Final = (
    JCAT,
    NAME,
    PROGRAM,
    UN_PERIGEE,
    UN_APOGEE,
    UN_INC,
    DISP_PERIGEE,
    DISP_APOGEE,
    DISP_INC,
    COMMENT,
)
# launchlog.tsv payload rows: the object type (a leading P is a payload, PA an alias record).
LOG_TYPE: Final = "Type"
LOG_COLUMNS: Final = (gcat.TAG, LOG_TYPE, JCAT, NAME)
# launch.tsv columns read here (besides the tag).
LIST_CATEGORY: Final = "Category"
LIST_VARIANT: Final = "Variant"
LIST_DEST: Final = "Dest"
LIST_MISSION: Final = "Mission"

# Orbital elements: heights in km above a 6,378 km sphere (GCAT's convention), degrees.
EARTH_RADIUS_KM: Final = 6378.0
MU_KM3_S2: Final = 398600.4418
LEO_MAX_HEIGHT_KM: Final = 2000.0  # GCAT: LEO is below 2,000 km mean height
SSO_INCLINATION: Final = (95.0, 104.0)  # GCAT's LEO/S band
GEO_PERIOD_H: Final = (23.0, 25.0)  # the near-geosynchronous ring
GTO_APOGEE_KM: Final = (20_000.0, 100_000.0)
MOLNIYA_INCLINATION: Final = (60.0, 66.0)  # HEO/M, not a transfer to GEO
LUNAR_APOGEE_KM: Final = 200_000.0  # the Moon is at about 384,000 km
ESCAPE_APOGEE_KM: Final = 1_000_000.0  # Sun-Earth L1/L2 and beyond

# launch.tsv Category and Dest words -> orbit class. ISS and LSS (China's station) are LEO;
# EEO is Earth escape. Words not listed are left unread (and counted in one warning).
ORBIT_WORDS: Final[Mapping[str, str]] = {
    "LEO": S.ORBIT_LEO,
    "LLEO": S.ORBIT_LEO,
    "VLEO": S.ORBIT_LEO,
    "ISS": S.ORBIT_LEO,
    "LSS": S.ORBIT_LEO,
    "SSO": S.ORBIT_SSO,
    "MEO": S.ORBIT_MEO,
    "GTO": S.ORBIT_GTO,
    "GEO": S.ORBIT_GEO,
    "GSO": S.ORBIT_GEO,
    "HEO": S.ORBIT_HEO,
    "DSO": S.ORBIT_HEO,
    "TLI": S.ORBIT_LUNAR,
    "CLO": S.ORBIT_LUNAR,
    "LUN": S.ORBIT_LUNAR,
    "MOON": S.ORBIT_LUNAR,
    "EEO": S.ORBIT_ESCAPE,
    "HCO": S.ORBIT_ESCAPE,
    "ESC": S.ORBIT_ESCAPE,
}
# A deep-space launch whose payloads carry no lunar or escape orbit (GCAT often records only
# a parking orbit for them) is to the Moon when a payload's name, programme or comment says
# so; otherwise it left Earth's neighbourhood.
LUNAR_WORDS: Final = (
    "lunar",
    "moon",
    "luna",
    "chang'e",
    "chandrayaan",
    "kaguya",
    "selene",
    "danuri",
    "capstone",
    "artemis",
    "hakuto",
    "blue ghost",
    "peregrine",
    "queqiao",
    "beresheet",
    "b'reshit",
    "odysseus",
    "im-1",
    "im-2",
    "clementine",
    "hiten",
    "smart-1",
    "lcross",
    "slim",
)
# SpaceX API payload orbits -> orbit class (PO is polar LEO; BEO, HCO and ES-L1 left Earth).
SPACEX_ORBITS: Final[Mapping[str, str]] = {
    "LEO": S.ORBIT_LEO,
    "VLEO": S.ORBIT_LEO,
    "ISS": S.ORBIT_LEO,
    "PO": S.ORBIT_LEO,
    "SSO": S.ORBIT_SSO,
    "MEO": S.ORBIT_MEO,
    "GTO": S.ORBIT_GTO,
    "GEO": S.ORBIT_GEO,
    "HEO": S.ORBIT_HEO,
    "TLI": S.ORBIT_LUNAR,
    "BEO": S.ORBIT_ESCAPE,
    "HCO": S.ORBIT_ESCAPE,
    "ES-L1": S.ORBIT_ESCAPE,
}
SPACEX_VEHICLES: Final = ("Falcon 9", "Falcon Heavy")
# A SpaceX API launch is the GCAT launch of the same vehicle within this many hours.
MATCH_HOURS: Final = 12

# Intermediate frames: one row per (launch_tag, orbit_class).
CLASS_COLUMNS: Final = (S.LO_LAUNCH_TAG, S.LO_ORBIT_CLASS)


def require_columns(frame: pd.DataFrame, columns: Sequence[str], *, file: str) -> None:
    """Raise :class:`SourceValidationError` naming the first of ``columns`` not in ``frame``."""
    for column in columns:
        if column not in frame.columns:
            raise SourceValidationError(
                file, line=1, column=column, problem="column missing from header"
            )


# ---- orbital elements ----------------------------------------------------------------------
_ELEMENT = r"^-?\d+(?:\.\d*)?\??$"


def _elements(frame: pd.DataFrame, columns: Sequence[str], *, file: str) -> dict[str, pd.Series]:
    """Numeric columns (``-`` and blanks are null; a trailing ``?`` is dropped).

    Raises
    ------
    SourceValidationError
        A value that is not a number, naming the file, line and column.
    """
    out: dict[str, pd.Series] = {}
    for column in columns:
        values = frame[column]
        given = gcat.null_if_dash(values).replace("", None)
        bad = given.notna() & ~given.fillna("0").str.match(_ELEMENT)
        if bad.any():
            line = int(values.index[bad.to_numpy(dtype=bool)][0])
            raise SourceValidationError(
                file,
                line=line,
                column=column,
                problem=f"{values.loc[line]!r} is not a number of km or degrees, nor '-'",
            )
        out[column] = pd.to_numeric(given.str.rstrip(gcat.UNCERTAIN)).astype("float64")
    return out


def classify_orbits(
    perigee_km: pd.Series, apogee_km: pd.Series, inclination_deg: pd.Series
) -> pd.Series:
    """The orbit class of each orbit (heights above 6,378 km, inclination in degrees).

    GCAT's boundaries: LEO below 2,000 km mean height (SSO when inclined 95-104 degrees); GEO
    when the period is 23-25 h; GTO a perigee below 2,000 km and an apogee of 20,000-100,000
    km outside the Molniya inclinations; MEO the rest below 23 h with eccentricity under 0.5;
    LUNAR an apogee of 200,000-1,000,000 km (a translunar orbit); ESCAPE beyond; HEO any
    other high or eccentric orbit. Missing or zero elements give null.

    Returns
    -------
    pd.Series
        Same index; one of :data:`tminus.data.schema.ORBIT_CLASSES` or null.
    """
    peri = perigee_km.astype("float64")
    apo = apogee_km.astype("float64")
    inc = inclination_deg.astype("float64")
    known = peri.notna() & apo.notna() & (apo > 0) & (apo >= peri) & (peri > -EARTH_RADIUS_KM)
    height = (peri + apo) / 2
    semi_major = EARTH_RADIUS_KM + height
    eccentricity = (apo - peri) / (2 * semi_major)
    period_h = pd.Series(
        2 * np.pi * np.sqrt(semi_major.clip(lower=1.0).to_numpy() ** 3 / MU_KM3_S2) / 3600,
        index=peri.index,
    )
    low = known & (height < LEO_MAX_HEIGHT_KM)
    sso = low & inc.between(*SSO_INCLINATION)
    geo = known & ~low & period_h.between(*GEO_PERIOD_H) & (eccentricity < 0.5)
    lunar = known & apo.ge(LUNAR_APOGEE_KM) & apo.lt(ESCAPE_APOGEE_KM)
    escape = known & apo.ge(ESCAPE_APOGEE_KM)
    gto = (
        known
        & (peri < LEO_MAX_HEIGHT_KM)
        & apo.between(*GTO_APOGEE_KM)
        & ~inc.between(*MOLNIYA_INCLINATION)
        & ~geo
    )
    meo = known & ~low & (period_h < GEO_PERIOD_H[0]) & (eccentricity < 0.5) & ~gto
    heo = known & ~low
    choices = [sso, low, geo, lunar, escape, gto, meo, heo]
    classes = [
        S.ORBIT_SSO,
        S.ORBIT_LEO,
        S.ORBIT_GEO,
        S.ORBIT_LUNAR,
        S.ORBIT_ESCAPE,
        S.ORBIT_GTO,
        S.ORBIT_MEO,
        S.ORBIT_HEO,
    ]
    picked = np.select([c.to_numpy(dtype=bool) for c in choices], classes, default="")
    return pd.Series(picked, index=peri.index, dtype="str").replace("", None).astype("str")


def payload_orbits(psatcat: pd.DataFrame, *, file: str = PSATCAT_FILE) -> pd.DataFrame:
    """Each catalogued payload's orbit class, from ``psatcat.tsv``.

    Parameters
    ----------
    psatcat
        :func:`tminus.data.gcat.parse_gcat_text` output (index = line number) with
        :data:`PSATCAT_COLUMNS`.

    Returns
    -------
    pd.DataFrame
        Indexed by ``JCAT``: ``orbit_class`` (null when GCAT gives no orbit) and ``text``
        (name, programme and comment, lower case: what a deep-space launch is read from).

    Raises
    ------
    SourceValidationError
        An element that is not a number, naming the file, line and column.
    """
    el = _elements(
        psatcat,
        (UN_PERIGEE, UN_APOGEE, UN_INC, DISP_PERIGEE, DISP_APOGEE, DISP_INC),
        file=file,
    )
    registered = el[UN_APOGEE].gt(0) & el[UN_PERIGEE].notna()
    disposal = ~registered & el[DISP_APOGEE].gt(0)
    perigee = el[UN_PERIGEE].where(registered, el[DISP_PERIGEE].where(disposal))
    apogee = el[UN_APOGEE].where(registered, el[DISP_APOGEE].where(disposal))
    inclination = el[UN_INC].where(registered, el[DISP_INC].where(disposal))
    text = (psatcat[NAME].fillna("") + " | " + psatcat[PROGRAM].fillna("") + " | ") + psatcat[
        COMMENT
    ].fillna("")
    out = pd.DataFrame(
        {
            S.LO_ORBIT_CLASS: classify_orbits(perigee, apogee, inclination),
            "text": text.str.lower(),
        }
    )
    out.index = pd.Index(psatcat[JCAT].to_numpy(), name=JCAT)
    return out[~out.index.duplicated(keep="first")]


def _lunar_text(texts: pd.Series) -> pd.Series:
    found = pd.Series(False, index=texts.index)
    for word in LUNAR_WORDS:
        found |= texts.str.contains(word, regex=False)
    return found


def launchlog_classes(
    launchlog: pd.DataFrame, payloads: pd.DataFrame, launches: pd.DataFrame
) -> pd.DataFrame:
    """Orbit classes each launch's payloads reached, from the launch log's payload rows.

    A deep-space launch keeps only the lunar, escape and geosynchronous classes of its
    payloads (GCAT often records a deep-space probe's parking orbit); when none is lunar or
    escape it is to the Moon if a payload's name, programme or comment says so
    (:data:`LUNAR_WORDS`), else an escape.

    Returns
    -------
    pd.DataFrame
        ``launch_tag``, ``orbit_class``, ``payloads`` (how many payloads reached it).
    """
    kinds = launchlog[LOG_TYPE].str.strip()
    rows = launchlog[kinds.str.startswith("P") & (kinds.str[1:2] != "A")]
    joined = pd.DataFrame(
        {
            S.LO_LAUNCH_TAG: rows[gcat.TAG].to_numpy(),
            JCAT: rows[JCAT].to_numpy(),
        }
    ).join(payloads, on=JCAT)
    category = launches.set_index(S.LAUNCH_TAG)[S.CATEGORY]
    joined["deep"] = joined[S.LO_LAUNCH_TAG].map(category).eq(S.CATEGORY_DEEP_SPACE)
    kept = joined[S.LO_ORBIT_CLASS].notna() & (
        ~joined["deep"]
        | joined[S.LO_ORBIT_CLASS].isin([S.ORBIT_LUNAR, S.ORBIT_ESCAPE, S.ORBIT_GEO])
    )
    counted = (
        joined[kept]
        .groupby([S.LO_LAUNCH_TAG, S.LO_ORBIT_CLASS], sort=False)
        .size()
        .rename(S.LO_PAYLOADS)
        .reset_index()
    )
    deep = joined[joined["deep"]]
    reached = set(
        counted.loc[
            counted[S.LO_ORBIT_CLASS].isin([S.ORBIT_LUNAR, S.ORBIT_ESCAPE]), S.LO_LAUNCH_TAG
        ]
    )
    missing = deep[~deep[S.LO_LAUNCH_TAG].isin(reached)]
    if not missing.empty:
        lunar = _lunar_text(missing["text"].fillna("")).groupby(missing[S.LO_LAUNCH_TAG]).any()
        extra = pd.DataFrame(
            {
                S.LO_LAUNCH_TAG: lunar.index,
                S.LO_ORBIT_CLASS: np.where(lunar.to_numpy(), S.ORBIT_LUNAR, S.ORBIT_ESCAPE),
                S.LO_PAYLOADS: pd.NA,
            }
        )
        counted = pd.concat([counted, extra], ignore_index=True)
    return counted.astype({S.LO_PAYLOADS: "Int64"})


def orbit_word(category: str | None, dest: str | None) -> str | None:
    """The orbit class a launch-list row names: ``Dest`` if it names one, else ``Category``'s
    second word (``Sat SSO D`` -> SSO; ``LEO/S`` forms read by their first part, ``/S`` as SSO).
    """
    for text, position in ((dest, 0), (category, 1)):
        if not text or text == gcat.NULL:
            continue
        words = text.replace("?", "").split()
        if len(words) <= position:
            continue
        word = words[position].upper()
        head, _, tail = word.partition("/")
        if head in ("LEO", "LLEO") and tail == "S":
            return S.ORBIT_SSO
        if head in ORBIT_WORDS:
            return ORBIT_WORDS[head]
    return None


def launch_list_classes(
    listed: pd.DataFrame, launches: pd.DataFrame, *, file: str, warn: Notify = ignore
) -> pd.DataFrame:
    """The orbit class (and vehicle variant) of each launch the launch list names one for.

    Parameters
    ----------
    listed
        :func:`tminus.data.launch_list.parse_launch_list_text` output.
    launches
        The launches table: only its launch tags are read from the list.

    Returns
    -------
    pd.DataFrame
        ``launch_tag``, ``orbit_class`` (null when the row names none T-Minus reads),
        ``variant``. Unread orbit words of orbital launches are named in one warning.
    """
    tags = listed[gcat.TAG] if gcat.TAG in listed else listed.iloc[:, 0]
    rows = listed[tags.isin(set(launches[S.LAUNCH_TAG]))]
    rows = rows[~rows[gcat.TAG].duplicated(keep="first")]

    def column(name: str) -> pd.Series:
        if name in rows:
            return gcat.null_if_dash(rows[name])
        return pd.Series(None, index=rows.index, dtype="object")

    category, dest = column(LIST_CATEGORY), column(LIST_DEST)
    classes = [
        orbit_word(None if pd.isna(c) else str(c), None if pd.isna(d) else str(d))
        for c, d in zip(category, dest, strict=True)
    ]
    out = pd.DataFrame(
        {
            S.LO_LAUNCH_TAG: rows[gcat.TAG].to_numpy(),
            S.LO_ORBIT_CLASS: classes,
            S.LO_VARIANT: column(LIST_VARIANT).str.rstrip(gcat.UNCERTAIN).to_numpy(),
        }
    )
    unread = category[np.array([c is None for c in classes], dtype=bool) & category.notna()]
    words = sorted({str(c).split()[1] for c in unread if len(str(c).split()) > 1})
    if words:
        warn(
            f"{file}: orbit words not read as an orbit class ({len(unread)} launches): "
            + ", ".join(words[:12])
        )
    return out


# ---- SpaceX payload masses -----------------------------------------------------------------
def spacex_masses(
    launches: Sequence[Mapping[str, Any]],
    payloads: Sequence[Mapping[str, Any]],
    rockets: Sequence[Mapping[str, Any]],
) -> pd.DataFrame:
    """Mass carried to each orbit class by each successful Falcon launch (SpaceX API v4).

    Returns
    -------
    pd.DataFrame
        ``launch_time`` (UTC), ``vehicle`` (``Falcon 9`` or ``Falcon Heavy``),
        ``orbit_class``, ``payload_mass_kg`` (the sum of the known masses of the launch's
        payloads to that class; null when none is known).

    Raises
    ------
    SourceValidationError
        A field of the wrong type, naming the file, record and field.
    """
    names = {
        str(r.get("id")): spacex.text_field(r, "name", file=spacex.ROCKETS_FILE) for r in rockets
    }
    by_id = {str(p.get("id")): p for p in payloads}
    rows: list[dict[str, Any]] = []
    for i, launch in enumerate(launches):
        where = f"record {i} (id {launch.get('id')!r})"
        vehicle = names.get(str(launch.get("rocket")))
        success = launch.get("success")
        if vehicle not in SPACEX_VEHICLES or success is not True or launch.get("upcoming"):
            continue
        date = launch.get("date_utc")
        when = pd.to_datetime(date, utc=True, errors="coerce") if isinstance(date, str) else None
        if when is None or pd.isna(when):
            raise SourceValidationError(
                spacex.LAUNCHES_FILE,
                line=None,
                record=where,
                column="date_utc",
                problem=f"{date!r} is not an ISO timestamp",
            )
        masses: dict[str, list[float]] = {}
        for pid in launch.get("payloads") or []:
            payload = by_id.get(str(pid))
            if payload is None:
                continue
            orbit = spacex.text_field(payload, "orbit", file=spacex.PAYLOADS_FILE)
            mass = spacex.number_field(payload, "mass_kg", file=spacex.PAYLOADS_FILE)
            cls = SPACEX_ORBITS.get(orbit or "")
            if cls is None:
                continue
            masses.setdefault(cls, [])
            if mass is not None and math.isfinite(mass) and mass > 0:
                masses[cls].append(mass)
        for cls, known in masses.items():
            rows.append(
                {
                    S.LO_LAUNCH_TIME: when,
                    S.LO_VEHICLE: vehicle,
                    S.LO_ORBIT_CLASS: cls,
                    S.LO_PAYLOAD_MASS_KG: sum(known) if known else None,
                }
            )
    columns = [S.LO_LAUNCH_TIME, S.LO_VEHICLE, S.LO_ORBIT_CLASS, S.LO_PAYLOAD_MASS_KG]
    frame = pd.DataFrame(rows, columns=columns)
    frame[S.LO_LAUNCH_TIME] = pd.to_datetime(frame[S.LO_LAUNCH_TIME], utc=True).astype(
        "datetime64[ns, UTC]"
    )
    return frame.astype({S.LO_PAYLOAD_MASS_KG: "float64"})


def read_spacex_masses(folder: Path) -> pd.DataFrame:
    """:func:`spacex_masses` of the API files in ``folder``."""
    return spacex_masses(
        spacex.read_records(folder / spacex.LAUNCHES_FILE),
        spacex.read_records(folder / spacex.PAYLOADS_FILE),
        spacex.read_records(folder / spacex.ROCKETS_FILE),
    )


def match_spacex(masses: pd.DataFrame, launches: pd.DataFrame) -> pd.DataFrame:
    """The GCAT launch of each SpaceX API launch: same vehicle, within :data:`MATCH_HOURS`.

    Returns
    -------
    pd.DataFrame
        ``launch_tag``, ``orbit_class``, ``payload_mass_kg``; API launches without a GCAT
        launch are dropped.
    """
    if masses.empty:
        return pd.DataFrame(columns=[*CLASS_COLUMNS, S.LO_PAYLOAD_MASS_KG])
    gcat_side = launches.loc[
        launches[S.VEHICLE].isin(SPACEX_VEHICLES) & ~launches[S.FAILED],
        [S.LAUNCH_TAG, S.LAUNCH_TIME, S.VEHICLE],
    ].sort_values(S.LAUNCH_TIME)
    gcat_side["_gcat_time"] = gcat_side.pop(S.LAUNCH_TIME).astype("datetime64[ns, UTC]")
    api = masses.assign(
        **{S.LO_LAUNCH_TIME: masses[S.LO_LAUNCH_TIME].astype("datetime64[ns, UTC]")}
    ).sort_values(S.LO_LAUNCH_TIME)
    matched = pd.merge_asof(
        api,
        gcat_side,
        left_on=S.LO_LAUNCH_TIME,
        right_on="_gcat_time",
        by=S.VEHICLE,
        direction="nearest",
        tolerance=pd.Timedelta(hours=MATCH_HOURS),
    )
    matched = matched.dropna(subset=[S.LAUNCH_TAG])
    return matched[[S.LAUNCH_TAG, S.LO_ORBIT_CLASS, S.LO_PAYLOAD_MASS_KG]].rename(
        columns={S.LAUNCH_TAG: S.LO_LAUNCH_TAG}
    )


# ---- the table -----------------------------------------------------------------------------
def build_launch_orbits(
    launches: pd.DataFrame,
    *,
    from_log: pd.DataFrame | None = None,
    from_list: pd.DataFrame | None = None,
    from_spacex: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The ``launch_orbits`` table: one row per (launch that did not fail, class reached).

    Parameters
    ----------
    launches
        The launches table.
    from_log, from_list, from_spacex
        :func:`launchlog_classes`, :func:`launch_list_classes` and :func:`match_spacex`
        output; any may be missing.

    Returns
    -------
    pd.DataFrame
        The ``launch_orbits`` table's columns, sorted by launch time, tag
        and class.
    """
    parts: list[pd.DataFrame] = []
    if from_log is not None:
        parts.append(from_log.assign(**{S.LO_SOURCE: S.SOURCE_PSATCAT}))
    if from_list is not None:
        parts.append(
            from_list.dropna(subset=[S.LO_ORBIT_CLASS])[list(CLASS_COLUMNS)].assign(
                **{S.LO_SOURCE: S.SOURCE_LAUNCH_LIST}
            )
        )
    if from_spacex is not None:
        parts.append(from_spacex.assign(**{S.LO_SOURCE: S.SOURCE_SPACEX}))
    columns = [*CLASS_COLUMNS, S.LO_PAYLOADS, S.LO_PAYLOAD_MASS_KG, S.LO_SOURCE]
    frames = [p.reindex(columns=columns) for p in parts if not p.empty]
    long = (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    ).astype({S.LO_PAYLOADS: "Int64", S.LO_PAYLOAD_MASS_KG: "float64", S.LO_SOURCE: "str"})
    grouped = long.groupby(list(CLASS_COLUMNS), sort=False)
    table = grouped.agg(
        **{
            S.LO_PAYLOADS: (S.LO_PAYLOADS, lambda v: v.max() if v.notna().any() else pd.NA),
            S.LO_PAYLOAD_MASS_KG: (
                S.LO_PAYLOAD_MASS_KG,
                lambda v: v.max() if v.notna().any() else np.nan,
            ),
            S.LO_SOURCE: (S.LO_SOURCE, lambda v: "+".join(sorted(set(v)))),
        }
    ).reset_index()
    ok = launches[~launches[S.FAILED]].set_index(S.LAUNCH_TAG)
    table = table[table[S.LO_LAUNCH_TAG].isin(ok.index)]
    variants = (
        from_list.dropna(subset=[S.LO_VARIANT]).set_index(S.LO_LAUNCH_TAG)[S.LO_VARIANT]
        if from_list is not None and not from_list.empty
        else pd.Series(dtype="str")
    )
    tags = table[S.LO_LAUNCH_TAG]
    out = pd.DataFrame(
        {
            S.LO_LAUNCH_TAG: tags.to_numpy(),
            S.LO_LAUNCH_TIME: tags.map(ok[S.LAUNCH_TIME]).to_numpy(),
            S.LO_VEHICLE: tags.map(ok[S.VEHICLE]).to_numpy(),
            S.LO_SITE: tags.map(ok[S.SITE]).to_numpy(),
            S.LO_PAD: tags.map(ok[S.PAD]).to_numpy(),
            S.LO_ORBIT_CLASS: table[S.LO_ORBIT_CLASS].to_numpy(),
            S.LO_PAYLOADS: table[S.LO_PAYLOADS].to_numpy(),
            S.LO_PAYLOAD_MASS_KG: table[S.LO_PAYLOAD_MASS_KG].to_numpy(),
            S.LO_VARIANT: tags.map(variants[~variants.index.duplicated()]).to_numpy(),
            S.LO_SOURCE: table[S.LO_SOURCE].to_numpy(),
        }
    )
    order = {name: i for i, name in enumerate(S.ORBIT_CLASSES)}
    out = out.assign(_order=out[S.LO_ORBIT_CLASS].map(order)).sort_values(
        [S.LO_LAUNCH_TIME, S.LO_LAUNCH_TAG, "_order"], kind="stable"
    )
    return (
        out.drop(columns="_order")
        .reset_index(drop=True)
        .astype(
            {
                S.LO_LAUNCH_TAG: "str",
                S.LO_VEHICLE: "str",
                S.LO_SITE: "str",
                S.LO_PAD: "str",
                S.LO_ORBIT_CLASS: "str",
                S.LO_PAYLOADS: "Int64",
                S.LO_PAYLOAD_MASS_KG: "float64",
                S.LO_VARIANT: "str",
                S.LO_SOURCE: "str",
            }
        )
        .assign(
            **{
                S.LO_LAUNCH_TIME: lambda f: pd.to_datetime(f[S.LO_LAUNCH_TIME], utc=True).astype(
                    "datetime64[ns, UTC]"
                )
            }
        )
    )
