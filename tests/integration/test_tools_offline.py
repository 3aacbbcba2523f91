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
from tminus.tools.offline import answer_offline, interpret

pytestmark = pytest.mark.integration

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
    ("Risk of New Glenn launch", "launch_risk", ["New Glenn"], None, None, {}),
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


def test_enough_phrasings_and_misspellings() -> None:
    assert len(PHRASINGS) >= 30
    misspelt = ["Falcn", "Faclon", "electorn", "eletron"]
    assert all(any(m in p[0] for p in PHRASINGS) for m in misspelt)


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
