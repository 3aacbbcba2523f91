"""What a vehicle can lift and where it can go, on a synthetic reference.

The rules (tminus.features.capability): demonstrated, rated, or a stated rule decides
feasible; a rated figure or a bound below the mass decides infeasible; anything else is
unknown, never feasible. Everything is read as of a moment.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from tminus.data import schema as S
from tminus.features.capability import assess_capacity, capacity_rule, rating, site_reach
from tminus.features.orbits import parse_orbit
from tminus.features.reference import Orbits, Reference, VariantRef, VehicleRef
from tminus.features.timebase import to_day
from tminus.training.reference import build_orbits, build_reference

from .synthetic import orbits, pads, variants

NOW = to_day(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))


def _vehicle(name: str, *rows: tuple[str | None, float | None, float | None]) -> VehicleRef:
    return VehicleRef(name=name, family=name, variants=tuple(VariantRef(*row) for row in rows))


def _orbits(rows: list[tuple[str, str, str, str, float | None, str | None]]) -> Orbits:
    """(day, vehicle, site, class, mass, variant) rows -> the reference's orbit record."""
    frame = pd.DataFrame(
        {
            S.LO_LAUNCH_TAG: [f"T{i}" for i in range(len(rows))],
            S.LO_LAUNCH_TIME: pd.to_datetime([r[0] for r in rows], utc=True),
            S.LO_VEHICLE: [r[1] for r in rows],
            S.LO_SITE: [r[2] for r in rows],
            S.LO_ORBIT_CLASS: [r[3] for r in rows],
            S.LO_PAYLOAD_MASS_KG: [r[4] for r in rows],
            S.LO_VARIANT: [r[5] for r in rows],
        }
    )
    return build_orbits(frame)


REFERENCE = Reference(
    vehicles={
        v.name: v
        for v in (
            _vehicle("Lifter", ("A", 13_150.0, 4_850.0), ("B", 22_800.0, 8_300.0)),
            _vehicle("Small", (None, 150.0, None)),
            _vehicle("Heavy", (None, 54_400.0, 22_200.0)),
            _vehicle("NoLeo", (None, None, 4_750.0)),
            _vehicle("Blank", (None, None, None)),
        )
    },
    orbits=_orbits(
        [
            ("2018-07-22", "Lifter", "CAPE", "GTO", 7_076.0, None),
            ("2018-12-03", "Lifter", "WEST", "SSO", 4_000.0, None),
            ("2025-06-01", "Lifter", "CAPE", "LEO", None, "A"),
            ("2024-01-01", "Small", "NZ", "SSO", None, None),
            ("2024-02-01", "Small", "NZ", "LUNAR", None, None),
        ]
    ),
)


@pytest.mark.parametrize(
    ("vehicle", "orbit", "mass", "expected"),
    [
        # The record shows 7,076 kg carried to GTO: feasible although the rating flying is less.
        ("Lifter", "GTO", 5_000, ("feasible", "demonstrated", 7_076.0)),
        ("Lifter", "GTO", 4_000, ("feasible", "demonstrated", 7_076.0)),
        ("Lifter", "GTO", 9_000, ("infeasible", "rated", 4_850.0)),  # variant A flies now
        ("Lifter", "LEO", 20_000, ("infeasible", "rated", 13_150.0)),
        # Both the 4,000 kg carried to SSO and the GTO rule cover it: the larger decides.
        ("Lifter", "SSO", 3_000, ("feasible", "rule", 4_850.0)),
        ("Heavy", "GTO", 5_000, ("feasible", "rated", 22_200.0)),
        ("Lifter", "SSO", 4_500, ("feasible", "rule", 4_850.0)),  # within the GTO rating
        ("Lifter", "SSO", 6_000, ("unknown", "none", None)),  # between GTO and LEO ratings
        ("Lifter", "GEO", 4_800, ("feasible", "rule", 4_850.0)),  # via GTO
        ("Lifter", "LUNAR", 1_000, ("unknown", "none", None)),  # no lunar figure
        ("Lifter", "LUNAR", 9_000, ("infeasible", "bound", 4_850.0)),  # above GTO: no Moon
        ("Small", "GTO", 5_000, ("infeasible", "bound", 150.0)),  # LEO bounds every orbit
        ("Small", "SSO", 100, ("unknown", "none", None)),  # no GTO figure to cover it
        ("Small", "LEO", 300, ("infeasible", "rated", 150.0)),
        ("Heavy", "LEO", 20_000, ("feasible", "rated", 54_400.0)),
        ("NoLeo", "LEO", 20_000, ("unknown", "none", None)),  # GCAT gives no LEO figure
        ("NoLeo", "LEO", 4_000, ("feasible", "rule", 4_750.0)),  # LEO needs less than GTO
        ("Blank", "GTO", 1, ("unknown", "none", None)),
        ("Nobody", "LEO", 1, ("unknown", "none", None)),  # not in GCAT's list
        ("Heavy", None, 60_000, ("infeasible", "rated", 54_400.0)),  # no orbit: checked as LEO
    ],
)
def test_capacity_verdicts(
    vehicle: str, orbit: str | None, mass: float, expected: tuple[str, str, float | None]
) -> None:
    status, _basis, figure = expected
    found = assess_capacity(REFERENCE, vehicle, orbit, mass, NOW)
    assert (found.status, found.basis, found.figure_kg) == expected
    if status == "feasible":
        assert found.margin_kg == pytest.approx(figure - mass)  # type: ignore[operator]
    else:
        assert found.margin_kg is None
    assert found.rule


def test_unknown_capacity_is_never_feasible_and_says_why() -> None:
    found = assess_capacity(REFERENCE, "Small", "SSO", 100, NOW)
    assert found.status == "unknown"
    text = " ".join(found.evidence)
    assert "GCAT rates Small at 150 kg to LEO" in text
    assert "Small has launched to SSO 1 time, last on 2024-01-01" in text


def test_without_a_mass_capacity_is_not_checked() -> None:
    found = assess_capacity(REFERENCE, "Lifter", "GTO", None, NOW)
    assert (found.status, found.margin_kg) == ("not_checked", None)


def test_readings_are_as_of_the_moment() -> None:
    before = to_day(dt.datetime(2018, 7, 1, tzinfo=dt.UTC))
    # Before Telstar 19V flew, the record showed no 7 t to GTO: the rating range decides.
    found = assess_capacity(REFERENCE, "Lifter", "GTO", 5_000, before)
    assert (found.status, found.basis) == ("unknown", "none")  # 4,850-8,300: which variant?
    assert found.ratings["GTO"].is_range
    assert site_reach(REFERENCE, "WEST", "SSO", before).launches == 0
    assert site_reach(REFERENCE, "WEST", "SSO", NOW).launches == 1


def test_the_variant_flying_decides_the_rating_else_the_range() -> None:
    lifter = REFERENCE.vehicles["Lifter"]
    flying = rating(lifter, "GTO", "A")
    assert flying is not None and (flying.low, flying.high, flying.flying) == (4850, 4850, True)
    unknown = rating(lifter, "GTO", None)
    assert unknown is not None and (unknown.low, unknown.high) == (4850, 8300)
    assert "which variant flies next is not in the record" in unknown.words("Lifter")
    assert rating(REFERENCE.vehicles["Small"], "GTO", None) is None


def test_sites_reach_classes_through_harder_ones() -> None:
    # A launch to the Moon shows the Moon reached; SSO shows LEO reached; GEO shows GTO.
    assert site_reach(REFERENCE, "NZ", "LUNAR", NOW).launches == 1
    assert site_reach(REFERENCE, "NZ", "LEO", NOW).launches == 1
    assert site_reach(REFERENCE, "NZ", "GEO", NOW).launches == 0
    assert site_reach(REFERENCE, "CAPE", "GTO", NOW).launches == 1


@pytest.mark.parametrize(
    ("text", "orbit"),
    [
        ("SSO", "SSO"),
        ("sun-synchronous", "SSO"),
        ("Sun synchronous orbit", "SSO"),
        ("geostationary", "GEO"),
        ("GTO", "GTO"),
        ("to the Moon", "LUNAR"),
        ("ISS", "LEO"),
        ("Mars", "ESCAPE"),
        ("Molniya", "HEO"),
        ("Pluto orbit", None),
    ],
)
def test_orbit_names(text: str, orbit: str | None) -> None:
    assert parse_orbit(text) == orbit


def test_every_class_has_a_stated_rule() -> None:
    for orbit in S.ORBIT_CLASSES:
        assert capacity_rule(orbit, 1.0)
    assert capacity_rule(None, None) is None


def test_the_reference_carries_orbits_as_plain_json() -> None:
    reference = build_reference(
        {S.VEHICLE_VARIANTS: variants(), S.PADS_REFERENCE: pads(), S.LAUNCH_ORBITS: orbits()}
    )
    state = json.loads(json.dumps(reference.to_state()))
    again = Reference.from_state(state)
    assert again.orbits == reference.orbits
    assert again.orbits.known
    # An artifact trained before orbits were recorded loads, knowing none.
    del state["orbits"]
    assert not Reference.from_state(state).orbits.known
    unordered = {"by_vehicle": {"X": {"LEO": [2.0, 1.0]}}, "by_site": {}, "masses": {}}
    with pytest.raises(ValueError, match="time order"):
        Orbits.from_state(unordered | {"variants": {}})
