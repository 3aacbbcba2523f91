"""T-Minus' own vehicle reference: the key public figures it holds, and how a bad entry fails.

The figures are the providers' published ones (the issue lists them to sanity-check against);
each must keep its source and the date it was checked.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tminus.data import schema as S
from tminus.data.errors import SourceValidationError
from tminus.data.vehicles import ReferenceTables, check_names, read_reference

ROOT = Path(__file__).resolve().parents[2]
FILE = ROOT / "datasets" / "reference" / "vehicles.toml"


@pytest.fixture(scope="module")
def reference() -> ReferenceTables:
    return read_reference(FILE)


def figure(reference: ReferenceTables, vehicle: str, orbit: str, config: str | None) -> float:
    rows = reference.capacity[
        (reference.capacity[S.VC_VEHICLE] == vehicle)
        & (reference.capacity[S.VC_ORBIT_CLASS] == orbit)
        & (reference.capacity[S.VC_KIND] == S.KIND_RATED)
    ]
    if config is not None:
        rows = rows[rows[S.VC_CONFIG] == config]
    return float(rows[S.VC_CAPACITY_KG].max())


@pytest.mark.parametrize(
    ("vehicle", "orbit", "config", "kg"),
    [
        ("Electron", "LEO", None, 300),
        ("Electron", "SSO", None, 200),
        ("Falcon 9", "LEO", "expendable", 22_800),
        ("Falcon 9", "GTO", "expendable", 8_300),
        ("Falcon 9", "GTO", "recovered", 5_500),
        ("Falcon 9", "ESCAPE", None, 4_020),  # to Mars
        ("Falcon Heavy", "LEO", None, 63_800),
        ("Falcon Heavy", "GTO", "expendable", 26_700),
        ("Falcon Heavy", "ESCAPE", None, 16_800),  # to Mars
        ("Ariane 62", "LEO", None, 10_350),
        ("Ariane 62", "GTO", None, 4_500),
        ("Ariane 64", "LEO", None, 21_650),
        ("Ariane 64", "GTO", None, 11_500),
    ],
)
def test_the_key_figures_are_the_providers(
    reference: ReferenceTables, vehicle: str, orbit: str, config: str | None, kg: float
) -> None:
    assert figure(reference, vehicle, orbit, config) == kg


@pytest.mark.parametrize(
    ("vehicle", "status", "since"),
    [
        ("Ariane 5ECA+", "retired", "2023"),
        ("Delta 4H", "retired", "2024"),
        ("H-IIA 202", "retired", "2025"),
        ("Vega", "retired", "2024"),
        ("Antares 230+", "retired", "2023"),
        ("LauncherOne", "retired", "2023"),
        ("Terran 1", "retired", "2023"),
        ("Soyuz-ST-B", "retired", "2022"),
        ("Falcon 9R", "cancelled", None),
        ("Atlas V N22", "crew_only", None),
        ("Falcon 9", "active", None),
        ("Electron", "active", None),
    ],
)
def test_statuses_and_when_they_ended(
    reference: ReferenceTables, vehicle: str, status: str, since: str | None
) -> None:
    row = reference.facts.set_index(S.VF_VEHICLE).loc[vehicle]
    assert row[S.VF_STATUS] == status
    if since is not None:
        assert str(row[S.VF_SINCE]).startswith(since)


def test_every_fact_has_a_public_source_checked_on_a_date(reference: ReferenceTables) -> None:
    sources = reference.sources.set_index(S.RS_SOURCE_ID)
    cited = (
        set(reference.facts[S.VF_STATUS_SOURCE])
        | set(reference.facts[S.VF_UPPER_STAGE_SOURCE].dropna())
        | set(reference.capacity[S.VC_SOURCE])
    )
    assert cited == set(sources.index)  # every fact cites one, every source is cited
    assert sources[S.RS_URL].str.match(r"^https?://").all()
    assert sources[S.RS_CHECKED].str.match(r"^\d{4}-\d{2}-\d{2}$").all()
    # Only providers' published figures or payloads known to have flown, never a guess.
    assert set(reference.capacity[S.VC_KIND]) <= {S.KIND_RATED, S.KIND_DEMONSTRATED}


def test_other_names_of_one_rocket_and_common_names_are_data(reference: ReferenceTables) -> None:
    assert reference.same_vehicle()["GSLV Mk III"] == "LVM3"
    aliases = reference.aliases[reference.aliases[S.NA_KIND] == S.ALIAS_VEHICLE]
    means = dict(zip(aliases[S.NA_WRITTEN], aliases[S.NA_MEANS], strict=True))
    assert means["F9"] == "Falcon 9" and means["Delta IV Heavy"] == "Delta 4H"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "vehicles.toml"
    path.write_text(text)
    return path


SOURCE = """
[[source]]
id = "guide"
title = "User's guide"
publisher = "Provider"
edition = "rev 1, 2024"
url = "https://example.org/guide.pdf"
checked = "2026-12-04"
"""


@pytest.mark.parametrize(
    ("entry", "where", "column"),
    [
        ('name = "X"\nprovider = "P"\nstatus = "flying"\nstatus_source = "guide"', "'X'", "status"),
        ('name = "X"\nprovider = "P"\nstatus = "active"\nstatus_source = "nope"', "'X'", "source"),
        ('name = "X"\nprovider = "P"\nstatus = "retired"\nstatus_source = "guide"', "'X'", "since"),
        (
            'name = "X"\nprovider = "P"\nstatus = "active"\nstatus_source = "guide"\ncolor = 1',
            "'X'",
            "color",
        ),
        (
            'name = "X"\nprovider = "P"\nstatus = "active"\nstatus_source = "guide"\n'
            '[[vehicle.capacity]]\norbit = "LEO"\nkg = -5\nkind = "rated"\nsource = "guide"',
            "'X', capacity 1",
            "kg",
        ),
    ],
)
def test_a_bad_entry_is_refused_naming_file_entry_and_field(
    tmp_path: Path, entry: str, where: str, column: str
) -> None:
    path = _write(tmp_path, SOURCE + "\n[[vehicle]]\n" + entry + "\n")
    with pytest.raises(SourceValidationError) as error:
        read_reference(path)
    message = str(error.value)
    assert "vehicles.toml" in message and where in message and column in message


def test_a_name_gcat_does_not_know_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        SOURCE + '\n[[vehicle]]\nname = "Falcon Nine"\nprovider = "P"\nstatus = "active"\n'
        'status_source = "guide"\n',
    )
    tables = read_reference(path)
    with pytest.raises(SourceValidationError, match="'Falcon Nine' is not a vehicle name GCAT"):
        check_names(tables, {"Falcon 9"})


def test_an_uncited_source_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceValidationError, match="cited by no fact"):
        read_reference(_write(tmp_path, SOURCE))


def test_the_tables_round_trip_their_types(reference: ReferenceTables) -> None:
    assert reference.facts[S.VF_GCAT_RATINGS].dtype == bool
    assert pd.api.types.is_float_dtype(reference.capacity[S.VC_CAPACITY_KG])


def test_a_source_is_cited_naming_its_publisher_once(reference: ReferenceTables) -> None:
    for row in reference.sources.to_dict("records"):
        publisher, title = str(row[S.RS_PUBLISHER]), str(row[S.RS_TITLE])
        cited = S.citation(publisher, title, str(row[S.RS_EDITION]))
        assert cited.startswith(publisher) and not cited.startswith(f"{publisher}, {publisher}")
        assert cited.endswith(f"({row[S.RS_EDITION]})")
    assert S.citation("SpaceX", "SpaceX Falcon User's Guide", "2025") == (
        "SpaceX Falcon User's Guide (2025)"
    )
    assert S.citation("Rocket Lab", "Electron Payload User's Guide", "v7.0, 2022") == (
        "Rocket Lab, Electron Payload User's Guide (v7.0, 2022)"
    )
