"""Where launches went (launch_orbits): orbit classes from elements, GCAT's launch list words,
deep-space launches, SpaceX masses and the table's validation, on synthetic inputs."""

from __future__ import annotations

import pandas as pd
import pytest

from tminus.data import gcat, orbits
from tminus.data import schema as S
from tminus.data.errors import SourceValidationError, TableValidationError
from tminus.data.validation import validate_table


@pytest.mark.parametrize(
    ("perigee", "apogee", "inclination", "expected"),
    [
        (400, 420, 51.6, "LEO"),  # the ISS
        (540, 560, 97.6, "SSO"),  # sun-synchronous band 95-104 degrees
        (780, 780, 86.4, "LEO"),  # polar, not sun-synchronous
        (35_780, 35_790, 0.05, "GEO"),
        (36_100, 36_200, 0.1, "GEO"),  # a graveyard orbit is still in the 23-25 h ring
        (250, 35_786, 27.0, "GTO"),
        (200, 38_000, 63.4, "HEO"),  # Molniya inclination: not a transfer to GEO
        (20_180, 20_200, 55.0, "MEO"),  # GPS
        (230, 434_594, 28.5, "LUNAR"),  # translunar (IM-1)
        (778, 1_686_712, 10.0, "ESCAPE"),  # Sun-Earth L2 (JWST)
        (0, 0, 0.0, None),  # no elements
        (None, None, None, None),
    ],
)
def test_orbit_classes_follow_gcats_boundaries(
    perigee: float | None, apogee: float | None, inclination: float | None, expected: str | None
) -> None:
    found = orbits.classify_orbits(
        pd.Series([perigee], dtype="float64"),
        pd.Series([apogee], dtype="float64"),
        pd.Series([inclination], dtype="float64"),
    )
    assert (None if pd.isna(found.iloc[0]) else found.iloc[0]) == expected


PSATCAT = (
    "#JCAT\tName\tProgram\tUNPerigee\tUNApogee\tUNInc\tDispPeri\tDispApo\tDispInc\tComment\n"
    "# Updated 2025 Jul 30\n"
    "S00001\tSat A\tProg\t540\t560\t97.6\t0\t0\t0.00\t-\n"  # registered: SSO
    "S00002\tSat B\tProg\t-\t-\t-\t35780\t35790\t0.05\t-\n"  # no UN orbit: its last one, GEO
    "S00003\tLander\tChang'e\t-\t-\t-\t0\t0\t0.00\tLunar lander\n"  # no orbit at all
    "S00004\tProbe\tMars\t-\t-\t-\t0\t0\t0.00\t-\n"
)


def _psatcat(text: str = PSATCAT) -> pd.DataFrame:
    return gcat.parse_gcat_text(text, file="psatcat.tsv", required=orbits.PSATCAT_COLUMNS)


def test_payload_orbits_take_the_registered_orbit_else_the_last_one() -> None:
    found = orbits.payload_orbits(_psatcat())
    assert found.loc["S00001", S.LO_ORBIT_CLASS] == "SSO"
    assert found.loc["S00002", S.LO_ORBIT_CLASS] == "GEO"
    assert pd.isna(found.loc["S00003", S.LO_ORBIT_CLASS])


def test_an_element_that_is_not_a_number_names_file_line_and_column() -> None:
    bad = PSATCAT.replace("540\t560", "540\tfar")
    with pytest.raises(SourceValidationError) as err:
        orbits.payload_orbits(_psatcat(bad))
    assert (err.value.file, err.value.line, err.value.column) == ("psatcat.tsv", 3, "UNApogee")


def _launches(rows: list[tuple[str, str, str, str, bool]]) -> pd.DataFrame:
    """tag, vehicle, site, category, failed -> a minimal launches table."""
    return pd.DataFrame(
        {
            S.LAUNCH_TAG: [r[0] for r in rows],
            S.LAUNCH_TIME: pd.to_datetime(
                [f"2024-01-{i + 1:02d}" for i in range(len(rows))], utc=True
            ).astype("datetime64[ns, UTC]"),
            S.VEHICLE: [r[1] for r in rows],
            S.SITE: [r[2] for r in rows],
            S.PAD: "LC1",
            S.CATEGORY: [r[3] for r in rows],
            S.FAILED: [r[4] for r in rows],
        }
    )


LOG = (
    "#Launch_Tag\tType\tJCAT\tName\n"
    "2024-001\tP\tS00001\tSat A\n"
    "2024-002\tP\tS00002\tSat B\n"
    "2024-002\tPA\tS00001\tSat A alias\n"  # an alias record is not a payload of its own
    "2024-003\tP\tS00003\tLander\n"
    "2024-004\tP\tS00004\tProbe\n"
    "2024-005\tP\tS00001\tSat A\n"
)


def test_launchlog_classes_join_payloads_and_read_deep_space_launches() -> None:
    launches = _launches(
        [
            ("2024-001", "Alpha", "SYN", S.CATEGORY_ORBITAL, False),
            ("2024-002", "Alpha", "SYN", S.CATEGORY_ORBITAL, False),
            ("2024-003", "Beta", "SYN", S.CATEGORY_DEEP_SPACE, False),
            ("2024-004", "Beta", "SYN", S.CATEGORY_DEEP_SPACE, False),
            ("2024-005", "Alpha", "SYN", S.CATEGORY_ORBITAL, True),
        ]
    )
    log = gcat.parse_gcat_text(LOG, file="launchlog.tsv")
    found = orbits.launchlog_classes(log, orbits.payload_orbits(_psatcat()), launches)
    pairs = set(zip(found[S.LO_LAUNCH_TAG], found[S.LO_ORBIT_CLASS], strict=True))
    # A deep-space launch without a lunar or escape orbit: the Moon if its payload says so.
    assert pairs >= {("2024-001", "SSO"), ("2024-002", "GEO"), ("2024-003", "LUNAR")}
    assert ("2024-004", "ESCAPE") in pairs
    assert ("2024-002", "SSO") not in pairs  # the alias row
    table = validate_table(orbits.build_launch_orbits(launches, from_log=found), S.LAUNCH_ORBITS)
    assert "2024-005" not in set(table[S.LO_LAUNCH_TAG])  # a failed launch reached nothing
    assert table[S.LO_SOURCE].unique().tolist() == ["psatcat"]


@pytest.mark.parametrize(
    ("category", "dest", "expected"),
    [
        ("Sat SSO D", "-", "SSO"),
        ("Sat GTO O", "-", "GTO"),
        ("Sat ISS D", "-", "LEO"),
        ("Sat LSS O", "-", "LEO"),  # China's space station
        ("Sat EEO E", "-", "ESCAPE"),
        ("Sat GEO O 1", "-", "GEO"),
        ("Sat LEO/S D", "-", "SSO"),
        ("Sat", "-", None),
        ("Test", "Moon", "LUNAR"),  # Dest names a destination
        ("Sat XYZ O", "-", None),
    ],
)
def test_launch_list_words(category: str, dest: str, expected: str | None) -> None:
    assert orbits.orbit_word(category, dest) == expected


def test_launch_list_classes_keep_the_variant_and_warn_about_unread_words() -> None:
    listed = pd.DataFrame(
        {
            gcat.TAG: ["2025-100", "2025-101", "2025-S01"],
            orbits.LIST_CATEGORY: ["Sat SSO D", "Sat XYZ O", "Sub"],
            orbits.LIST_DEST: ["-", "-", "-"],
            orbits.LIST_VARIANT: ["FT5", "-", "-"],
        }
    )
    launches = _launches(
        [
            ("2025-100", "Falcon 9", "VSFBS", S.CATEGORY_ORBITAL, False),
            ("2025-101", "Alpha", "SYN", S.CATEGORY_ORBITAL, False),
        ]
    )
    warnings: list[str] = []
    found = orbits.launch_list_classes(listed, launches, file="launch.tsv", warn=warnings.append)
    assert found[S.LO_ORBIT_CLASS].iloc[0] == "SSO" and pd.isna(found[S.LO_ORBIT_CLASS].iloc[1])
    assert found[S.LO_VARIANT].tolist()[0] == "FT5"
    assert warnings == ["launch.tsv: orbit words not read as an orbit class (1 launches): XYZ"]
    table = orbits.build_launch_orbits(launches, from_list=found)
    assert table[S.LO_VARIANT].tolist() == ["FT5"]


def test_spacex_masses_are_summed_per_class_and_matched_to_gcat_launches() -> None:
    rockets = [{"id": "r9", "name": "Falcon 9"}]
    launches_json = [
        {
            "id": "L1",
            "rocket": "r9",
            "success": True,
            "upcoming": False,
            "date_utc": "2024-01-01T05:00:00.000Z",
            "payloads": ["p1", "p2", "p3"],
        },
        {  # a failure carried nothing anywhere
            "id": "L2",
            "rocket": "r9",
            "success": False,
            "upcoming": False,
            "date_utc": "2024-01-02T05:00:00.000Z",
            "payloads": ["p4"],
        },
    ]
    payloads = [
        {"id": "p1", "orbit": "GTO", "mass_kg": 5000},
        {"id": "p2", "orbit": "GTO", "mass_kg": 1200.5},
        {"id": "p3", "orbit": "TLI", "mass_kg": None},
        {"id": "p4", "orbit": "LEO", "mass_kg": 9000},
    ]
    masses = orbits.spacex_masses(launches_json, payloads, rockets)
    by_class = dict(zip(masses[S.LO_ORBIT_CLASS], masses[S.LO_PAYLOAD_MASS_KG], strict=True))
    assert by_class["GTO"] == 6200.5
    assert pd.isna(by_class["LUNAR"])
    launches = _launches([("2024-001", "Falcon 9", "CC", S.CATEGORY_ORBITAL, False)])
    matched = orbits.match_spacex(masses, launches)
    assert set(matched[S.LO_LAUNCH_TAG]) == {"2024-001"}
    table = validate_table(
        orbits.build_launch_orbits(launches, from_spacex=matched), S.LAUNCH_ORBITS
    )
    gto = table[table[S.LO_ORBIT_CLASS] == "GTO"].iloc[0]
    assert gto[S.LO_PAYLOAD_MASS_KG] == 6200.5 and gto[S.LO_SOURCE] == "spacex"


def test_the_table_refuses_an_unknown_orbit_class() -> None:
    launches = _launches([("2024-001", "Alpha", "SYN", S.CATEGORY_ORBITAL, False)])
    found = pd.DataFrame({S.LO_LAUNCH_TAG: ["2024-001"], S.LO_ORBIT_CLASS: ["LEO"]})
    table = orbits.build_launch_orbits(launches, from_list=found.assign(variant=None))
    table.loc[0, S.LO_ORBIT_CLASS] = "NEPTUNE"
    with pytest.raises(TableValidationError, match="orbit_class"):
        validate_table(table, S.LAUNCH_ORBITS)
