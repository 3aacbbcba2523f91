"""The offline parser's pieces on synthetic inputs: dates, names, numbers and intents."""

from __future__ import annotations

import datetime as dt

import pytest

from tminus.features.history import LaunchHistory
from tminus.features.reference import Reference
from tminus.features.timebase import to_day
from tminus.predictors.catalogue import Catalogue
from tminus.tools.dates import find_atoms
from tminus.tools.parser import QuestionParser, interpret

from .synthetic import aliases

TODAY = dt.date(2026, 1, 15)


def when(text: str, today: dt.date = TODAY) -> list[str]:
    return [p.first.isoformat() for p in find_atoms(text.lower(), today)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on 2026-03-01", ["2026-03-01"]),
        ("tomorrow", ["2026-01-16"]),
        ("today", ["2026-01-15"]),
        ("in 3 days", ["2026-01-18"]),
        ("in a week", ["2026-01-22"]),
        ("in two weeks", ["2026-01-29"]),
        ("in 2 months", ["2026-03-15"]),
        ("in one year", ["2027-01-15"]),
        ("next week", ["2026-01-22"]),
        ("next month", ["2026-02-01"]),
        ("next year", ["2027-01-01"]),
        ("March 3, 2026", ["2026-03-03"]),
        ("3rd of", []),
        ("5 June 2026", ["2026-06-05"]),
        ("Sept 2026", ["2026-09-01"]),
        ("in June", ["2026-06-01"]),
        ("in January", ["2027-01-01"]),  # this January has begun: the next one
        ("between 2026-03-01 and 2026-04-30", ["2026-03-01", "2026-04-30"]),
        ("on 2026-02-30", []),  # not a date
        ("June 0000", []),  # nor is year 0
        # Past the calendar's end: its last day, which the tools then refuse as out of range.
        ("in 99999999999999999999 days", ["9999-12-31"]),
        ("in 99999999 weeks", ["9999-12-31"]),
        ("in 100000 years", ["9999-12-31"]),
        ("core flight 12 with 5000 kg", []),
    ],
)
def test_dates_are_read_relative_to_today(text: str, expected: list[str]) -> None:
    assert when(text) == expected


def test_months_roll_over_year_ends_and_short_months() -> None:
    assert when("next month", dt.date(2026, 12, 20)) == ["2027-01-01"]
    assert when("in 1 month", dt.date(2026, 1, 31)) == ["2026-02-28"]
    (period,) = find_atoms("in february 2028", TODAY)
    first, last = period.first, period.last
    assert (first, last) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    """A small history: active Falcon 9, Electron and Vega C; retired Falcon 1 and Start."""
    history = LaunchHistory()
    launches = [
        ("2008-09-28", "Falcon 1", "Falcon", "SPX", "KWAJ", "O"),
        ("1995-03-28", "Start", "Start", "RVSN", "GIK-1", "LC158"),
        ("2022-11-16", "Vega", "Vega", "AE", "CSG", "ZLV"),
        ("2024-12-05", "Vega C", "VegaC", "AE", "CSG", "ZLV"),
        ("2025-01-16", "New Glenn", "New Glenn", "BLOR", "CC", "LC36"),
        ("2025-03-26", "Electron", "Electron", "RLABN", "MAHIA", "LC1B"),
        ("2025-03-31", "Falcon 9", "Falcon9", "SPX", "CC", "LC40"),
        ("2025-04-01", "Falcon 9", "Falcon9", "SPX", "KSC", "LC39A"),
    ]
    for day, vehicle, family, provider, site, pad in sorted(launches):
        history.record(
            day=to_day(dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC)),
            vehicle=vehicle,
            family=family,
            provider=provider,
            site=site,
            pad=pad,
            failed=False,
        )
    # The names people write ('Falcon', 'SLC-40', 'Cape Canaveral') are T-Minus' reference data.
    return Catalogue(history, Reference(aliases=aliases()))


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("risk of Falcon 9", ["Falcon 9"]),
        ("risk of a falcon-9", ["Falcon 9"]),
        ("risk of a Falcn 9", ["Falcon 9"]),
        ("risk of a Falcon launch", ["Falcon 9"]),  # ties go to the most recently flown
        ("risk of an electorn", ["Electron"]),
        ("risk of vega-c", ["Vega C"]),  # the longest exact name wins over "Vega"
        ("risk of vega", ["Vega"]),
        ("risk of New Glenn", ["New Glenn"]),  # a name may contain a question word ...
        ("when can we start a launch", []),  # ... but a question word is not a name
        ("compare Vega C and Electron and Vega C", ["Vega C", "Electron"]),
        ("nothing to see here", []),
    ],
)
def test_vehicle_names_are_matched_exactly_then_fuzzily(
    catalogue: Catalogue, question: str, names: list[str]
) -> None:
    assert interpret(question, catalogue, today=TODAY).names == names


@pytest.mark.parametrize(
    ("question", "pad"),
    [
        ("from SLC-40", ("CC", "LC40")),
        ("from LC 40", ("CC", "LC40")),
        ("from Space Launch Complex 40", ("CC", "LC40")),
        ("from LC-39A", ("KSC", "LC39A")),
        ("from pad 39A", ("KSC", "LC39A")),
        ("from LC-39B", ("KSC", "LC39A")),  # a near miss: the closest known pad
        ("from LC-999", None),
    ],
)
def test_pads_are_matched_with_their_aliases(
    catalogue: Catalogue, question: str, pad: tuple[str, str] | None
) -> None:
    parser = QuestionParser(catalogue)
    assert parser.find_pad(question.lower())[0] == pad


def test_pad_codes_are_not_read_as_vehicles(catalogue: Catalogue) -> None:
    parsed = interpret("when can LC-40 launch next", catalogue, today=TODAY)
    assert parsed.intent == "pad_next" and parsed.names == []


@pytest.mark.parametrize(
    ("question", "field", "value"),
    [
        ("landing on a drone ship", "landing_type", "ASDS"),
        ("return to launch site landing", "landing_type", "RTLS"),
        ("an expendable booster", "landing_type", "Ocean"),
        ("booster on its 3rd flight", "core_flight", 3),
        ("a booster flown 9 times", "core_flight", 10),
        ("a 2.5 t payload", "payload_mass_kg", 2500.0),
        ("a 1,200 kg payload to GTO", "payload_mass_kg", 1200.0),
        ("a 1,200 kg payload to GTO", "orbit", "GTO"),
        ("plan it under 1.5% risk", "max_failure_probability", 0.015),
    ],
)
def test_numbers_and_kinds_are_read(
    catalogue: Catalogue, question: str, field: str, value: object
) -> None:
    assert getattr(interpret(question, catalogue, today=TODAY), field) == value


def test_a_date_at_the_calendars_end_has_a_window_that_ends_there(catalogue: Catalogue) -> None:
    parsed = interpret("risk of Falcon 9 on 9999-12-31", catalogue, today=TODAY)
    last = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)
    assert (parsed.date, parsed.window) == (last, (last, last))


def test_defaults_when_nothing_is_said(catalogue: Catalogue) -> None:
    parsed = interpret("will the booster land", catalogue, today=TODAY)
    assert parsed.intent == "booster_landing"
    assert (parsed.landing_type, parsed.core_flight, parsed.date) == ("ASDS", 1, None)


def test_impossible_dates_are_named_not_silently_replaced() -> None:
    from tminus.tools.dates import impossible_dates

    assert impossible_dates("risk of Falcon 9 on 2026-02-30 or 2026-13-01") == [
        "2026-02-30",
        "2026-13-01",
    ]
    assert impossible_dates("risk of Falcon 9 on 2026-02-28") == []


@pytest.mark.parametrize(
    ("question", "mass"),
    [
        ("a 3 t payload", 3000.0),
        ("a 3t payload", 3000.0),
        ("3,000 kg to LEO", 3000.0),
        ("1.5 tonnes to GTO", 1500.0),
        ("a 2.5-tonne satellite", 2500.0),
        ("800kg to SSO", 800.0),
        ("12 metric tons", 12000.0),
        ("1000 lbs", 453.6),
        ("on its 3rd flight", None),  # not a mass
        ("in 3 times", None),
    ],
)
def test_masses_as_planners_write_them(
    catalogue: Catalogue, question: str, mass: float | None
) -> None:
    assert interpret(question, catalogue, today=TODAY).payload_mass_kg == mass


@pytest.mark.parametrize(
    ("question", "orbit"),
    [
        ("to SSO", "SSO"),
        ("to a sun-synchronous orbit", "SSO"),
        ("into sun synchronous orbit", "SSO"),
        ("to GTO", "GTO"),
        ("to geostationary orbit", "GEO"),
        ("a geosynchronous transfer orbit", "GTO"),
        ("to the Moon", "LUNAR"),
        ("a lunar mission", "LUNAR"),
        ("to the ISS", "LEO"),
        ("to low Earth orbit", "LEO"),
        ("to Mars", "ESCAPE"),
        ("a Molniya orbit", "HEO"),
        ("to medium Earth orbit", "MEO"),
        ("no orbit here", None),
    ],
)
def test_orbits_as_planners_write_them(
    catalogue: Catalogue, question: str, orbit: str | None
) -> None:
    assert interpret(question, catalogue, today=TODAY).orbit == orbit


@pytest.mark.parametrize(
    ("question", "limit"),
    [
        ("at most 5% risk", 0.05),
        ("under 2% risk", 0.02),
        ("risk below 1.5%", 0.015),
        ("no more than 3%", 0.03),
        ("4% max", 0.04),
    ],
)
def test_risk_limits(catalogue: Catalogue, question: str, limit: float) -> None:
    assert interpret(question, catalogue, today=TODAY).max_failure_probability == limit


def test_a_mass_or_an_orbit_makes_a_risk_question_a_plan(catalogue: Catalogue) -> None:
    # The planner checks what can carry it there; compare_vehicles would drop both.
    compared = interpret(
        "which is safer, Falcon 9 or Electron, for 3 t to SSO", catalogue, today=TODAY
    )
    assert compared.intent == "plan" and compared.names == ["Falcon 9", "Electron"]
    single = interpret("risk of Electron with 100 kg to SSO", catalogue, today=TODAY)
    assert single.intent == "plan"
    plain = interpret("risk of Electron next month", catalogue, today=TODAY)
    assert plain.intent == "launch_risk"


def test_words_not_read_are_reported_not_dropped(catalogue: Catalogue) -> None:
    parsed = interpret(
        "what's the cheapest rocket for a purple satellite next month", catalogue, today=TODAY
    )
    assert parsed.ignored == ("cheapest", "purple")
    read = interpret(
        "what is the chance a Falcon 9 launch fails next month", catalogue, today=TODAY
    )
    assert read.ignored == ()


def test_exact_names_are_read_before_dates(catalogue: Catalogue) -> None:
    # "Start" is a vehicle name but also a question word: never a vehicle alone.
    parsed = interpret("risk of Vega C on may 5 2026", catalogue, today=TODAY)
    assert parsed.names == ["Vega C"] and parsed.date is not None
    assert parsed.date.date().isoformat() == "2026-05-05"
