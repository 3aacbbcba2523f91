"""The offline parser on the real catalogue: 40 phrasings, misspellings included, and answers.

"Today" is pinned so relative dates ("next month", "in 3 weeks") are deterministic.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tminus.predictors.catalogue import Catalogue
from tminus.serving.catalogue import catalogue_source
from tminus.serving.state import Snapshot
from tminus.tools.offline import answer_offline
from tminus.tools.parser import interpret

TODAY = dt.date(2026, 1, 15)


@pytest.fixture(scope="module")
def catalogue(snapshot: Snapshot) -> Catalogue:
    return catalogue_source(snapshot)[1]


# question -> (intent, vehicles, (site, pad) or None, date or None, other expected fields)
Phrasing = tuple[str, str, list[str], tuple[str, str] | None, str | None, dict[str, Any]]
PHRASINGS: list[Phrasing] = [
    # launch risk
    (
        "risk of a Falcon 9 launch from SLC-40 next month",
        "launch_risk",
        ["Falcon 9"],
        ("CC", "LC40"),
        "2026-02-01",
        {},
    ),
    (
        "what is the risk of a Falcn 9 launch in 3 weeks",
        "launch_risk",
        ["Falcon 9"],
        None,
        "2026-02-05",
        {},
    ),
    ("risk of a Faclon 9 launch", "launch_risk", ["Falcon 9"], None, None, {}),
    (
        "how likely is an electorn launch to fail on 2026-03-01",
        "launch_risk",
        ["Electron"],
        None,
        "2026-03-01",
        {},
    ),
    ("risk of an eletron launch next month", "launch_risk", ["Electron"], None, "2026-02-01", {}),
    (
        "chance of failure for vega-c in June 2026",
        "launch_risk",
        ["Vega C"],
        None,
        "2026-06-01",
        {},
    ),
    (
        "Is the Long March 2D safe to fly on March 3, 2026?",
        "launch_risk",
        ["Chang Zheng 2D"],
        None,
        "2026-03-03",
        {},
    ),
    (
        "failure probability of CZ-2D from LC-9 tomorrow",
        "launch_risk",
        ["Chang Zheng 2D"],
        ("TYSC", "LC9"),
        "2026-01-16",
        {},
    ),
    # The launch log's 'New Glenn' is New Glenn 7x2 (T-Minus' reference merges the two names).
    ("Risk of New Glenn launch", "launch_risk", ["New Glenn 7x2"], None, None, {}),
    (
        "Falcon Heavy failure odds from LC-39A in 2 months",
        "launch_risk",
        ["Falcon Heavy"],
        ("KSC", "LC39A"),
        "2026-03-15",
        {},
    ),
    ("PSLV reliability on 5 June 2026", "launch_risk", ["PSLV"], None, "2026-06-05", {}),
    ("how risky is Soyuz-2-1A in ten days", "launch_risk", ["Soyuz-2-1A"], None, "2026-01-25", {}),
    (
        "probability that a falcon nine... sorry, Falcon 9 fails next week",
        "launch_risk",
        ["Falcon 9"],
        None,
        "2026-01-22",
        {},
    ),
    (
        "odds of an Atlas V 551 failure in July",
        "launch_risk",
        ["Atlas V 551"],
        None,
        "2026-07-01",
        {},
    ),
    # pad turnaround
    ("when can LC-39A launch next", "pad_next", [], ("KSC", "LC39A"), None, {}),
    ("when can SLC 4E launch again", "pad_next", [], ("VSFBS", "SLC4E"), None, {}),
    (
        "how soon can pad 39A be free again after a launch on 2026-02-01",
        "pad_next",
        [],
        ("KSC", "LC39A"),
        "2026-02-01",
        {},
    ),
    ("pad turnaround for Space Launch Complex 40", "pad_next", [], ("CC", "LC40"), None, {}),
    ("next launch from SLC-41?", "pad_next", [], ("CC", "SLC41"), None, {}),
    # comparisons
    ("compare Electron and Vega C", "compare", ["Electron", "Vega C"], None, None, {}),
    (
        "compare electron, vega-c and falcon 9 next month",
        "compare",
        ["Electron", "Vega C", "Falcon 9"],
        None,
        "2026-02-01",
        {},
    ),
    ("Electron vs Vega C", "compare", ["Electron", "Vega C"], None, None, {}),
    ("which is safer, Falcon 9 or Electron?", "compare", ["Falcon 9", "Electron"], None, None, {}),
    (
        "compare the Falcn 9 versus the electorn on 2026-04-01",
        "compare",
        ["Falcon 9", "Electron"],
        None,
        "2026-04-01",
        {},
    ),
    # return to flight
    ("return to flight after a Falcon 9 failure", "return_to_flight", ["Falcon 9"], None, None, {}),
    (
        "how long until Electron flies again after a failure on 2026-02-01",
        "return_to_flight",
        ["Electron"],
        None,
        "2026-02-01",
        {},
    ),
    (
        "if Vega C fails next week, when will it fly again",
        "return_to_flight",
        ["Vega C"],
        None,
        "2026-01-22",
        {},
    ),
    (
        "how long is an H3 grounded after an H3-22S failure",
        "return_to_flight",
        ["H3-22S"],
        None,
        None,
        {},
    ),
    # booster landings
    (
        "will the booster land on the drone ship on its 12th flight",
        "booster_landing",
        [],
        None,
        None,
        {"landing_type": "ASDS", "core_flight": 12},
    ),
    (
        "booster landing odds for RTLS with a 5000 kg payload to LEO",
        "booster_landing",
        [],
        None,
        None,
        {"landing_type": "RTLS", "payload_mass_kg": 5000.0, "orbit": "LEO"},
    ),
    (
        "chance that a falcon 9 booster lands on ASDS on flight 5",
        "booster_landing",
        ["Falcon 9"],
        None,
        None,
        {"landing_type": "ASDS", "core_flight": 5},
    ),
    (
        "will a booster flown 7 times come back to the landing zone",
        "booster_landing",
        [],
        None,
        None,
        {"landing_type": "RTLS", "core_flight": 8},
    ),
    # weather
    (
        "will weather scrub the launch at the Cape tomorrow",
        "weather_scrub",
        [],
        None,
        "2026-01-16",
        {},
    ),
    (
        "weather scrub odds with 25 kt wind and no lightning on 2026-07-15",
        "weather_scrub",
        [],
        None,
        "2026-07-15",
        {"weather": {"max_peak_wind": 25.0, "lightning_count": 0.0}},
    ),
    # planning
    (
        "plan a 500 kg SSO launch on Electron or Falcon 9 between 2026-03-01 and 2026-04-30 "
        "under 2% risk",
        "plan",
        ["Electron", "Falcon 9"],
        None,
        "2026-03-01",
        {"payload_mass_kg": 500.0, "orbit": "SSO", "max_failure_probability": 0.02},
    ),
    ("which vehicle is best for my launch window next month", "plan", [], None, "2026-02-01", {}),
    # catalogue
    ("which pads does Falcon 9 use", "list_pads", ["Falcon 9"], None, None, {}),
    ("list known rockets", "list_vehicles", [], None, None, {}),
    # not understood
    ("hello there", "unknown", [], None, None, {}),
    ("what is the meaning of life", "unknown", [], None, None, {}),
]


@pytest.mark.parametrize("case", PHRASINGS, ids=[p[0][:48] for p in PHRASINGS])
def test_phrasings_are_read_right(catalogue: Catalogue, case: Phrasing) -> None:
    question, intent, vehicles, pad, date, extra = case
    parsed = interpret(question, catalogue, today=TODAY)
    assert parsed.intent == intent
    assert parsed.names == vehicles
    assert parsed.pad == pad
    assert (parsed.date.date().isoformat() if parsed.date else None) == date
    for key, value in extra.items():
        actual = getattr(parsed, key)
        assert (dict(actual) if key == "weather" else actual) == value, key


def test_the_plan_window_spans_both_dates(catalogue: Catalogue) -> None:
    parsed = interpret("plan Electron between 2026-03-01 and 2026-04-30", catalogue, today=TODAY)
    assert parsed.window is not None
    assert [d.date().isoformat() for d in parsed.window] == ["2026-03-01", "2026-04-30"]
    month = interpret("plan a launch on Electron next month", catalogue, today=TODAY)
    assert month.window is not None
    assert [d.date().isoformat() for d in month.window] == ["2026-02-01", "2026-02-28"]


# ---- answers -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "tool", "expected"),
    [
        (
            "risk of a Falcon 9 launch from SLC-40 next month",
            "predict_launch_failure",
            ["A Falcon 9 launch from CC/LC40 on 2026-02-01: failure probability"],
        ),
        (
            "when can LC-39A launch next",
            "predict_pad_turnaround",
            ["After its last launch on record", "KSC/LC39A", "The data end on"],
        ),
        (
            "compare Electron and Vega C",
            "compare_vehicles",
            ["Electron has the lowest failure probability", "Vega C:"],
        ),
        (
            "return to flight after a Falcon 9 failure",
            "predict_return_to_flight",
            ["If Falcon 9 failed on 2026-01-15", "family (Falcon9)"],
        ),
        (
            "will the booster land on the drone ship on its 12th flight",
            "predict_booster_landing",
            ["drone-ship (ASDS) landing", "12th flight", "Assumed:"],
        ),
        (
            "weather scrub odds at the Cape on 2026-07-15",
            "predict_weather_scrub",
            ["weather scrub probability", "filled with typical values"],
        ),
        (
            "plan Electron or Falcon 9 between 2026-03-01 and 2026-04-30",
            "plan_mission",
            ["feasible option", "1. "],
        ),
        ("which pads does Falcon 9 use", "list_pads", ["CC/LC40", "KSC/LC39A"]),
        ("risk of an electorn launch", "predict_launch_failure", ["Read 'electorn' as Electron"]),
    ],
)
def test_offline_answers_cite_every_number(
    snapshot: Snapshot, question: str, tool: str, expected: list[str]
) -> None:
    answer = answer_offline(question, snapshot, today=TODAY)
    assert answer.mode == "offline" and answer.understood and answer.steps == 0
    assert [c.name for c in answer.tool_calls] == [tool]
    assert answer.tool_calls[0].ok
    for text in expected:
        assert text in answer.answer
    assert answer.sources
    for source in answer.sources:
        assert f"[{source.model} {source.version}]" in answer.answer
    assert "Answered without an LLM" in answer.answer
    assert "Sources: " in answer.answer


def test_the_same_question_gets_the_same_answer(snapshot: Snapshot) -> None:
    question = "compare electron, vega-c and falcon 9 next month"
    first = answer_offline(question, snapshot, today=TODAY)
    second = answer_offline(question, snapshot, today=TODAY)
    assert first == second


# ---- what planners write: dates, masses, orbits, places, families (#16) ---------------------
# Asked on 2026-12-01: "next March" is March 2027. Each phrasing with the tool call it must
# produce: the tool and the arguments it must carry (dates as ISO days).
PLANNING_TODAY = dt.date(2026, 12, 1)
ToolCall = tuple[str, str, dict[str, Any]]
NEW_PHRASINGS: list[ToolCall] = [
    # launch risk, on the day a period starts, from a site by its name
    (
        "What is the chance a Falcon 9 launch from Cape Canaveral fails next March?",
        "predict_launch_failure",
        {"vehicle": "Falcon 9", "site": "CC", "date": "2027-03-01"},
    ),
    (
        "risk of Electron from Mahia in six weeks",
        "predict_launch_failure",
        {"vehicle": "Electron", "site": "MAHIA", "date": "2027-01-12"},
    ),
    (
        "How likely is a Long March 5 failure from Wenchang in Q3 2027?",
        "predict_launch_failure",
        {"vehicle": "Chang Zheng 5", "site": "WEN", "date": "2027-07-01"},
    ),
    (
        "Vulcan failure risk in spring 2027",
        "predict_launch_failure",
        {"vehicle": "Vulcan Centaur VC4S", "date": "2027-03-01"},
    ),
    (
        "odds of an Ariane 6 failure from Kourou in the first half of 2027",
        "predict_launch_failure",
        {"vehicle": "Ariane 62", "site": "CSG", "date": "2027-01-01"},
    ),
    (
        "is Soyuz-2-1B safe to fly from Plesetsk next month",
        "predict_launch_failure",
        {"vehicle": "Soyuz-2-1B", "site": "GIK-1", "date": "2027-01-01"},
    ),
    (
        "chance of failure for a Falcon 9 launch from Vandenberg on 5 June 2027",
        "predict_launch_failure",
        {"vehicle": "Falcon 9", "site": "VSFBS", "date": "2027-06-05"},
    ),
    (
        "risk of New Glenn from the Cape in H2 2027",
        "predict_launch_failure",
        {"vehicle": "New Glenn 7x2", "site": "CC", "date": "2027-07-01"},
    ),
    (
        # V1.0 and V2 have retired (T-Minus' reference): "Starship" is the V3 to come.
        "how risky is Starship in mid-2027",
        "predict_launch_failure",
        {"vehicle": "Starship V3", "date": "2027-05-01"},
    ),
    (
        "reliability of Kuaizhou-1A from Jiuquan in 3 months",
        "predict_launch_failure",
        {"vehicle": "Kuaizhou-1A", "site": "JQ", "date": "2027-03-01"},
    ),
    (
        "probability of failure of an H3-22S from Tanegashima in a couple of weeks",
        "predict_launch_failure",
        {"vehicle": "H3-22S", "site": "TNSC", "date": "2026-12-15"},
    ),
    (
        "Atlas V 551 risk from Cape Canaveral next week",
        "predict_launch_failure",
        {"vehicle": "Atlas V 551", "site": "CC", "date": "2026-12-08"},
    ),
    (
        "Falcon Heavy odds at Kennedy in the third quarter of 2027",
        "predict_launch_failure",
        {"vehicle": "Falcon Heavy", "site": "KSC", "date": "2027-07-01"},
    ),
    (
        "risk of a Falcon 9 launch from KSC tomorrow",
        "predict_launch_failure",
        {"vehicle": "Falcon 9", "site": "KSC", "date": "2026-12-02"},
    ),
    (
        "what's the chance Electron fails in early May 2027",
        "predict_launch_failure",
        {"vehicle": "Electron", "date": "2027-05-01"},
    ),
    (
        "PSLV-XL failure probability from Sriharikota in winter 2027",
        "predict_launch_failure",
        {"vehicle": "PSLV-XL", "site": "SHAR", "date": "2026-12-01"},
    ),
    (
        "Vega C risk between May and July",
        "predict_launch_failure",
        {"vehicle": "Vega C", "date": "2027-05-01"},
    ),
    (
        "risk of Angara A5 from Vostochny in 2027",
        "predict_launch_failure",
        {"vehicle": "Angara A5", "site": "VOST", "date": "2027-01-01"},
    ),
    (
        "Chang Zheng 2D from Taiyuan in a fortnight",
        "predict_launch_failure",
        {"vehicle": "Chang Zheng 2D", "site": "TYSC", "date": "2026-12-15"},
    ),
    (
        "risk of Falcon 9 from SLC-40 on March 3, 2027",
        "predict_launch_failure",
        {"vehicle": "Falcon 9", "site": "CC", "pad": "LC40", "date": "2027-03-03"},
    ),
    (
        "risk of Ariane 64 from Kourou next year",
        "predict_launch_failure",
        {"vehicle": "Ariane 64", "site": "CSG", "date": "2027-01-01"},
    ),
    (
        "How likely is a Starship failure from Starbase between March and June 2027?",
        "predict_launch_failure",
        {"vehicle": "Starship V3", "site": "STB", "date": "2027-03-01"},
    ),
    (
        "what is the risk of PSLV in the second half of 2027",
        "predict_launch_failure",
        {"vehicle": "PSLV", "date": "2027-07-01"},
    ),
    # comparisons, family names read as their latest variant
    (
        "compare Falcon 9 and Vulcan next month",
        "compare_vehicles",
        {"vehicles": ["Falcon 9", "Vulcan Centaur VC4S"], "date": "2027-01-01"},
    ),
    (
        "Electron vs Kuaizhou-1A in Q2 2027",
        "compare_vehicles",
        {"vehicles": ["Electron", "Kuaizhou-1A"], "date": "2027-04-01"},
    ),
    (
        "which is safer in spring 2027, Ariane 6 or Vega C?",
        "compare_vehicles",
        {"vehicles": ["Ariane 62", "Vega C"], "date": "2027-03-01"},
    ),
    (
        "compare Long March 5 and Falcon Heavy in six weeks",
        "compare_vehicles",
        {"vehicles": ["Chang Zheng 5", "Falcon Heavy"], "date": "2027-01-12"},
    ),
    (
        "Soyuz-2-1A versus Soyuz-2-1B in late 2027",
        "compare_vehicles",
        {"vehicles": ["Soyuz-2-1A", "Soyuz-2-1B"], "date": "2027-09-01"},
    ),
    # a payload mass or an orbit: the planner checks what can carry it there
    (
        "Which is safer for a 3 t payload to SSO in spring 2027, Falcon 9 or Electron?",
        "plan_mission",
        {
            "vehicles": ["Falcon 9", "Electron"],
            "earliest_date": "2027-03-01",
            "latest_date": "2027-05-31",
            "payload_mass_kg": 3000.0,
            "orbit": "SSO",
        },
    ),
    (
        "What can carry 5,000 kg to GTO from Kourou in Q3 2027?",
        "plan_mission",
        {
            "sites": ["CSG"],
            "earliest_date": "2027-07-01",
            "latest_date": "2027-09-30",
            "payload_mass_kg": 5000.0,
            "orbit": "GTO",
        },
    ),
    (
        "what can lift 1.5 tonnes to the Moon next year",
        "plan_mission",
        {
            "earliest_date": "2027-01-01",
            "latest_date": "2027-12-31",
            "payload_mass_kg": 1500.0,
            "orbit": "LUNAR",
        },
    ),
    (
        "800kg to the ISS on Electron from Mahia next month",
        "plan_mission",
        {
            "vehicles": ["Electron"],
            "sites": ["MAHIA"],
            "earliest_date": "2027-01-01",
            "latest_date": "2027-01-31",
            "payload_mass_kg": 800.0,
            "orbit": "LEO",
        },
    ),
    (
        "plan a 100 kg sun-synchronous launch from Mahia in Q1 2027",
        "plan_mission",
        {
            "sites": ["MAHIA"],
            "earliest_date": "2027-01-01",
            "latest_date": "2027-03-31",
            "payload_mass_kg": 100.0,
            "orbit": "SSO",
        },
    ),
    (
        "a 20 t payload to low Earth orbit between May and July 2027",
        "plan_mission",
        {
            "earliest_date": "2027-05-01",
            "latest_date": "2027-07-31",
            "payload_mass_kg": 20000.0,
            "orbit": "LEO",
        },
    ),
    (
        "5 tonnes to geostationary transfer orbit by the end of next year, at most 5% risk",
        "plan_mission",
        {
            "earliest_date": "2026-12-01",
            "latest_date": "2027-12-02",  # a plan covers at most 366 days
            "payload_mass_kg": 5000.0,
            "orbit": "GTO",
            "max_failure_probability": 0.05,
        },
    ),
    (
        "Can Falcon 9 put 7,000 kg into GTO from the Cape in June 2027?",
        "plan_mission",
        {
            "vehicles": ["Falcon 9"],
            "sites": ["CC"],
            "earliest_date": "2027-06-01",
            "latest_date": "2027-06-30",
            "payload_mass_kg": 7000.0,
            "orbit": "GTO",
        },
    ),
    (
        "risk of Electron with a 300 kg payload to SSO next March",
        "plan_mission",
        {
            "vehicles": ["Electron"],
            "earliest_date": "2027-03-01",
            "latest_date": "2027-03-31",
            "payload_mass_kg": 300.0,
            "orbit": "SSO",
        },
    ),
    (
        "which rockets can carry 2 t to MEO in 2027",
        "plan_mission",
        {
            "earliest_date": "2027-01-01",
            "latest_date": "2027-12-31",
            "payload_mass_kg": 2000.0,
            "orbit": "MEO",
        },
    ),
    (
        "plan a geostationary launch of a 4,500 kg satellite on Ariane 64 or Falcon 9 in H2 2027",
        "plan_mission",
        {
            "vehicles": ["Ariane 64", "Falcon 9"],
            "earliest_date": "2027-07-01",
            "latest_date": "2027-12-31",
            "payload_mass_kg": 4500.0,
            "orbit": "GEO",
        },
    ),
    (
        "Vulcan or Falcon Heavy for a 10 t payload to GTO within 6 months",
        "plan_mission",
        {
            "vehicles": ["Vulcan Centaur VC4S", "Falcon Heavy"],
            "earliest_date": "2026-12-01",
            "latest_date": "2027-06-01",
            "payload_mass_kg": 10000.0,
            "orbit": "GTO",
        },
    ),
    (
        "what can launch 500 kg to polar orbit from Vandenberg in early 2027",
        "plan_mission",
        {
            "sites": ["VSFBS"],
            "earliest_date": "2027-01-01",
            "latest_date": "2027-04-30",
            "payload_mass_kg": 500.0,
            "orbit": "SSO",
        },
    ),
    (
        "plan 1,200 kg to Mars between 2027-01-01 and 2027-06-30",
        "plan_mission",
        {
            "earliest_date": "2027-01-01",
            "latest_date": "2027-06-30",
            "payload_mass_kg": 1200.0,
            "orbit": "ESCAPE",
        },
    ),
    (
        "Is Electron able to carry 200 kg to a sun synchronous orbit from Mahia in mid-June?",
        "plan_mission",
        {
            "vehicles": ["Electron"],
            "sites": ["MAHIA"],
            "earliest_date": "2027-06-11",
            "latest_date": "2027-06-20",
            "payload_mass_kg": 200.0,
            "orbit": "SSO",
        },
    ),
    (
        "plan a launch for a 2.5-tonne payload to LEO from Jiuquan in six weeks",
        "plan_mission",
        {
            "sites": ["JQ"],
            "earliest_date": "2027-01-12",
            "latest_date": "2027-02-11",
            "payload_mass_kg": 2500.0,
            "orbit": "LEO",
        },
    ),
    (
        "best option for a 600 kg satellite to SSO from Sriharikota in autumn 2027 under 3% risk",
        "plan_mission",
        {
            "sites": ["SHAR"],
            "earliest_date": "2027-09-01",
            "latest_date": "2027-11-30",
            "payload_mass_kg": 600.0,
            "orbit": "SSO",
            "max_failure_probability": 0.03,
        },
    ),
    (
        "options for 15 t to LEO on Long March 5 or Falcon Heavy in Q4 2027",
        "plan_mission",
        {
            "vehicles": ["Chang Zheng 5", "Falcon Heavy"],
            "earliest_date": "2027-10-01",
            "latest_date": "2027-12-31",
            "payload_mass_kg": 15000.0,
            "orbit": "LEO",
        },
    ),
    (
        "what can launch from Kourou in Q3 2027",
        "plan_mission",
        {"sites": ["CSG"], "earliest_date": "2027-07-01", "latest_date": "2027-09-30"},
    ),
    (
        "plan Electron or Falcon 9 between May and July",
        "plan_mission",
        {
            "vehicles": ["Electron", "Falcon 9"],
            "earliest_date": "2027-05-01",
            "latest_date": "2027-07-31",
        },
    ),
    (
        "1000 lbs to LEO from Wallops in 2027",
        "plan_mission",
        {
            "sites": ["MARS"],
            "earliest_date": "2027-01-01",
            "latest_date": "2027-12-31",
            "payload_mass_kg": 453.6,
            "orbit": "LEO",
        },
    ),
    (
        "plan a lunar lander launch, 2 t, from Cape Canaveral by June",
        "plan_mission",
        {
            "sites": ["CC"],
            "earliest_date": "2026-12-01",
            "latest_date": "2027-06-30",
            "payload_mass_kg": 2000.0,
            "orbit": "LUNAR",
        },
    ),
    (
        "Falcon 9 from Vandenberg to SSO with 4 t in Q2 2027",
        "plan_mission",
        {
            "vehicles": ["Falcon 9"],
            "sites": ["VSFBS"],
            "earliest_date": "2027-04-01",
            "latest_date": "2027-06-30",
            "payload_mass_kg": 4000.0,
            "orbit": "SSO",
        },
    ),
    (
        "compare Electron and Falcon 9 for 150 kg to SSO next month",
        "plan_mission",
        {
            "vehicles": ["Electron", "Falcon 9"],
            "earliest_date": "2027-01-01",
            "latest_date": "2027-01-31",
            "payload_mass_kg": 150.0,
            "orbit": "SSO",
        },
    ),
    (
        "GTO options for 6 t from Xichang at most 4% risk in 2027",
        "plan_mission",
        {
            "sites": ["XSC"],
            "earliest_date": "2027-01-01",
            "latest_date": "2027-12-31",
            "payload_mass_kg": 6000.0,
            "orbit": "GTO",
            "max_failure_probability": 0.04,
        },
    ),
    (
        "send a 900 kg payload to geostationary orbit from the Cape in late 2027",
        "plan_mission",
        {
            "sites": ["CC"],
            "earliest_date": "2027-09-01",
            "latest_date": "2027-12-31",
            "payload_mass_kg": 900.0,
            "orbit": "GEO",
        },
    ),
    (
        "plan a 100 kg sun-synchronous launch from Mahia or Vandenberg in Q1 2027",
        "plan_mission",
        {
            "sites": ["MAHIA", "VSFBS"],
            "earliest_date": "2027-01-01",
            "latest_date": "2027-03-31",
            "payload_mass_kg": 100.0,
            "orbit": "SSO",
        },
    ),
    (
        "Electron from Mahia to the Moon with 30 kg in 2027",
        "plan_mission",
        {
            "vehicles": ["Electron"],
            "sites": ["MAHIA"],
            "earliest_date": "2027-01-01",
            "latest_date": "2027-12-31",
            "payload_mass_kg": 30.0,
            "orbit": "LUNAR",
        },
    ),
    (
        "Long March 5 to geostationary transfer with 12 tonnes from Wenchang next spring",
        "plan_mission",
        {
            "vehicles": ["Chang Zheng 5"],
            "sites": ["WEN"],
            "earliest_date": "2027-03-01",
            "latest_date": "2027-05-31",
            "payload_mass_kg": 12000.0,
            "orbit": "GTO",
        },
    ),
    # pads, failures, boosters and weather, on the dates people say
    (
        "when can LC-39A launch again after a launch in six weeks",
        "predict_pad_turnaround",
        {"pad": "LC39A", "site": "KSC", "date": "2027-01-12"},
    ),
    (
        "how soon can SLC-40 be free again after a launch next March",
        "predict_pad_turnaround",
        {"pad": "LC40", "site": "CC", "date": "2027-03-01"},
    ),
    (
        "if Vulcan fails in spring 2027, when will it fly again",
        "predict_return_to_flight",
        {"vehicle": "Vulcan Centaur VC4S", "date": "2027-03-01"},
    ),
    (
        "return to flight after an Ariane 6 failure in Q2 2027",
        "predict_return_to_flight",
        {"vehicle": "Ariane 62", "date": "2027-04-01"},
    ),
    (
        "will a Falcon 9 booster land on the drone ship on its 20th flight next month",
        "predict_booster_landing",
        {"landing_type": "ASDS", "core_flight": 20, "vehicle": "Falcon 9", "date": "2027-01-01"},
    ),
    (
        "booster landing odds for RTLS with a 3 t payload in spring 2027",
        "predict_booster_landing",
        {"landing_type": "RTLS", "payload_mass_kg": 3000.0, "date": "2027-03-01"},
    ),
    (
        "weather scrub odds at the Cape in mid-June 2027 with 20 kt wind",
        "predict_weather_scrub",
        {"date": "2027-06-11", "max_peak_wind": 20.0},
    ),
    (
        "will weather scrub a launch from Cape Canaveral next week",
        "predict_weather_scrub",
        {"date": "2026-12-08"},
    ),
    ("which pads does Vulcan use", "list_pads", {"query": "Vulcan Centaur VC4S"}),
]


@pytest.mark.parametrize("case", NEW_PHRASINGS, ids=[p[0][:56] for p in NEW_PHRASINGS])
def test_new_phrasings_make_the_right_tool_call(snapshot: Snapshot, case: ToolCall) -> None:
    question, tool, expected = case
    answer = answer_offline(question, snapshot, today=PLANNING_TODAY)
    assert answer.understood, answer.answer
    call = answer.tool_calls[0]
    assert (call.name, call.ok) == (tool, True), call.error
    assert isinstance(call.arguments, dict)
    for key, value in expected.items():
        got = call.arguments.get(key)
        if key == "date" or key.endswith("_date"):
            assert str(got)[:10] == value, key
        else:
            assert got == value, key
    # Nothing the question said was dropped: every word was read or is a question word.
    assert answer.ignored == [], answer.ignored
    assert "Understood: " in answer.answer


def test_the_launch_risk_question_is_answered_for_the_date_it_names(snapshot: Snapshot) -> None:
    answer = answer_offline(
        "What is the chance a Falcon 9 launch from Cape Canaveral fails next March?",
        snapshot,
        today=PLANNING_TODAY,
    )
    (call,) = answer.tool_calls
    assert call.arguments == {"vehicle": "Falcon 9", "date": "2027-03-01", "site": "CC"}
    assert "A Falcon 9 launch from CC on 2027-03-01: failure probability" in answer.answer
    assert "'next march' = 2027-03-01 to 2027-03-31" in answer.answer
    assert "site CC ('cape canaveral')" in answer.answer
    assert answer.understood_as["site"] == {"written": "cape canaveral", "site": "CC"}


def test_the_comparison_applies_the_payload_and_the_orbit(snapshot: Snapshot) -> None:
    answer = answer_offline(
        "Which is safer for a 3 t payload to SSO in spring 2027, Falcon 9 or Electron?",
        snapshot,
        today=PLANNING_TODAY,
    )
    (call,) = answer.tool_calls
    assert call.name == "plan_mission" and call.ok
    result = call.result
    assert result is not None
    # Electron is rated 150 kg to LEO, which bounds SSO: it cannot carry 3 t there.
    electron = [e for e in result["excluded"] if e["vehicle"] == "Electron"]
    assert [e["reason"] for e in electron] == ["capacity_exceeded"]
    assert {o["vehicle"] for o in result["options"]} == {"Falcon 9"}
    assert all(o["feasibility"]["status"] == "feasible" for o in result["options"])
    assert "Electron is out: capacity_exceeded" in answer.answer
    assert "Falcon 9 is the lowest-risk one that can carry it" in answer.answer
    assert "For 2027-03-01 to 2027-05-31, 3,000 kg to SSO" in answer.answer
    assert "payload 3,000 kg ('3 t'); orbit SSO ('sso')" in answer.answer


def test_a_feasible_capacity_names_its_figure_and_public_source(snapshot: Snapshot) -> None:
    """A margin is only as good as the figure behind it: the answer names the figure and the
    document it comes from, not only the model version that carries the reference."""
    answer = answer_offline(
        "Can a Falcon 9 take 1.5 t to the Moon next spring?", snapshot, today=PLANNING_TODAY
    )
    (call,) = answer.tool_calls
    assert call.result is not None
    shown = call.result["options"][0]["feasibility"]
    assert shown["status"] == "feasible" and shown["source"]
    figure = f"{shown['capacity_kg']:,.0f} kg in {shown['source']}"
    assert figure in " ".join(answer.answer.split())


def test_what_was_not_understood_is_said_not_silently_dropped(snapshot: Snapshot) -> None:
    answer = answer_offline(
        "cheapest ride for a Falcon 9 launch from Florida in the rainy season",
        snapshot,
        today=PLANNING_TODAY,
    )
    assert answer.ignored == ["cheapest ride", "florida", "rainy"]
    assert "Not understood, so not used: 'cheapest ride', 'florida', 'rainy'" in answer.answer
    # No date was read: the answer says which date it is for instead of pretending.
    assert "No date was read, so the answer is for today, 2026-12-01" in answer.answer
