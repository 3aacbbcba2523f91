"""Grounding an LLM's answer: its numbers traced to tool results, its claims of actions flagged."""

from __future__ import annotations

import datetime as dt

import pytest

from tminus.tools.grounding import ground, sentences
from tminus.tools.schemas import ToolCallRecord

VERSION = "20261204T152943238062Z-1c0c"
RESULT = {
    "model": "launch_failure",
    "version": VERSION,
    "data_cutoff": "2025-12-30",
    "probability": 0.0032,
    "interval": [0.0005, 0.0077],
    "context": {"vehicle": "Falcon 9", "vehicle_flights": 581, "pad": "CC/LC40"},
    "as_of": "2025-12-31T00:00:00Z",
}
CALL = ToolCallRecord(
    name="predict_launch_failure",
    arguments={"vehicle": "Falcon 9", "date": "2026-05-01", "pad": "SLC-40"},
    ok=True,
    result=RESULT,
)
FAILED = ToolCallRecord(name="predict_launch_failure", arguments={}, ok=False, error="4242")
TODAY = dt.date(2026, 12, 4)


def _ground(text: str, question: str = "risk of a Falcon 9 launch in May") -> list[str]:
    found = ground(text, question=question, records=[CALL, FAILED], today=TODAY)
    return [f"{u.reason}: {', '.join(u.numbers)}" for u in found.ungrounded]


def test_sentences_split_at_their_ends_not_at_decimal_points() -> None:
    text = "It is 0.32% (90% interval 0.05%-0.77%). Next.\n- a list item\nLast one"
    assert sentences(text) == [
        "It is 0.32% (90% interval 0.05%-0.77%).",
        "Next.",
        "- a list item",
        "Last one",
    ]


@pytest.mark.parametrize(
    "text",
    [
        f"Falcon 9 from SLC-40 on 2026-05-01: 0.32% [launch_failure {VERSION}].",
        "About 0.3%, with a 90% interval of 0.05% to 0.77%.",
        "Falcon 9 has flown 581 times; the record ends on 2025-12-30 (read as of 2025-12-31).",
        "It has been launched 581 times from CC/LC40.",
        "Asked in May, on 2026-12-04.",
        f"Version {VERSION} answered.",
    ],
)
def test_numbers_a_tool_gave_are_traced(text: str) -> None:
    assert _ground(text) == []


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("Its success rate is 99.9%.", "number_not_from_tools: 99.9%"),
        ("The risk is 0.5%.", "number_not_from_tools: 0.5%"),  # the tool said 0.32%
        ("It failed 4242 times.", "number_not_from_tools: 4242"),  # only a failed call said it
        ("The next window opens 2026-06-15.", "number_not_from_tools: 2026-06-15"),
        ("I have promoted the new version to champion.", "action_claim: "),
        ("I've now moved the champion alias.", "action_claim: "),
        ("The model has been successfully deployed.", "action_claim: "),
        ("We booked the 2027-01-01 slot.", "action_claim: 2027-01-01"),
        ("The new version is now live.", "action_claim: "),
    ],
)
def test_numbers_and_actions_no_tool_gave_are_flagged(text: str, flagged: str) -> None:
    assert _ground(text) == [flagged]


def test_numbers_of_the_question_are_the_users_own() -> None:
    question = "Which is safer for a 3 t payload of 5,000 kg to SSO, Falcon 9 or Electron?"
    assert _ground("For 5,000 kg (3 t), Falcon 9: 0.32%.", question) == []
