"""The toolbox's contract without models: schemas, validation, error descriptions, wording."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from tminus.predictors.base import QueryError
from tminus.serving.errors import InvalidInputError, Problem
from tminus.serving.schemas import LaunchItem
from tminus.serving.state import ModelUnavailableError, Snapshot
from tminus.tools import wording as w
from tminus.tools.schemas import AskRequest, PlanRequest
from tminus.tools.toolbox import TOOLS, ToolCallError, call_tool, describe_failure, openai_tools

WINDOW = {"earliest_date": "2026-03-01", "latest_date": "2026-05-31"}


def _refs(schema: Any) -> list[str]:
    if isinstance(schema, dict):
        found = [str(v) for k, v in schema.items() if k == "$ref"]
        return found + [r for v in schema.values() for r in _refs(v)]
    if isinstance(schema, list):
        return [r for v in schema for r in _refs(v)]
    return []


def test_tool_schemas_are_self_contained_objects() -> None:
    """OpenAI-compatible endpoints differ in $ref support: the schemas need none."""
    assert len({spec.name for spec in TOOLS}) == len(TOOLS)
    for spec in TOOLS:
        schema = spec.input_schema()
        assert schema["type"] == "object" and schema["additionalProperties"] is False
        assert not _refs(schema), spec.name
        assert spec.name.replace("_", "").isalnum() and len(spec.name) <= 64
    definitions = [t.model_dump() for t in openai_tools()]
    assert definitions[0]["type"] == "function"
    assert definitions[0]["function"]["parameters"] == LaunchItem.model_json_schema()
    json.dumps(definitions)  # plain JSON, ready for `tools=`


def test_plan_request_bounds_the_work() -> None:
    PlanRequest.model_validate(WINDOW)
    with pytest.raises(ValidationError, match="before earliest_date"):
        PlanRequest.model_validate(WINDOW | {"latest_date": "2026-02-01"})
    with pytest.raises(ValidationError, match="at most 366 days"):
        PlanRequest.model_validate(WINDOW | {"latest_date": "2027-03-03"})
    with pytest.raises(ValidationError, match=r"date_step_days >= 4"):
        PlanRequest.model_validate({**WINDOW, "latest_date": "2027-02-28", "date_step_days": 1})
    with pytest.raises(ValidationError, match="at most 20 items"):
        PlanRequest.model_validate(WINDOW | {"vehicles": [f"V{i}" for i in range(21)]})
    with pytest.raises(ValidationError, match="budget"):
        PlanRequest.model_validate(WINDOW | {"budget": 1})


def test_plan_request_keeps_the_first_spelling_of_a_repeated_name() -> None:
    request = PlanRequest.model_validate(WINDOW | {"vehicles": ["Electron", "electron", "Vega"]})
    assert request.vehicles == ["Electron", "Vega"]


def test_ask_request_bounds_the_question() -> None:
    assert AskRequest(question="  risk of Electron  ").question == "risk of Electron"
    with pytest.raises(ValidationError):
        AskRequest(question="x" * 2001)


def test_call_tool_validates_and_describes_every_failure() -> None:
    empty = Snapshot()
    with pytest.raises(ToolCallError, match="unknown tool 'nope'; the tools are: predict_"):
        call_tool(empty, "nope", {})
    with pytest.raises(ToolCallError) as bad:
        call_tool(empty, "predict_launch_failure", {"vehicle": "Falcon 9", "date": "soon"})
    assert bad.value.problems[0]["loc"] == ["date"]
    assert "invalid arguments for predict_launch_failure: date:" in bad.value.message
    with pytest.raises(ToolCallError, match="unavailable"):
        call_tool(empty, "predict_launch_failure", {"vehicle": "Falcon 9", "date": "2026-03-01"})


def test_failures_are_described_for_an_llm() -> None:
    query = describe_failure("t", QueryError("vehicle", "unknown vehicle", suggestions=["A"]))
    assert (
        query is not None and query.message == "t cannot answer: vehicle: unknown vehicle (try: A)"
    )
    invalid = describe_failure(
        "t", InvalidInputError([Problem(("pad",), "no such pad", "unknown_name", (), ["LC40"])])
    )
    assert invalid is not None and invalid.to_json() == {
        "error": "t cannot answer: pad: no such pad (try: LC40)",
        "problems": [
            {"loc": ["pad"], "msg": "no such pad", "type": "unknown_name", "suggestions": ["LC40"]}
        ],
    }
    missing = describe_failure("t", ModelUnavailableError("launch_failure"))
    assert missing is not None and "try again shortly" in missing.message
    assert describe_failure("t", ZeroDivisionError()) is None  # a bug is not a tool error


@pytest.mark.parametrize(
    ("p", "text"),
    [(0.0, "0%"), (0.0004, "0.040%"), (0.0049, "0.49%"), (0.0512, "5.12%"), (0.153, "15.3%")],
)
def test_percentages_read_naturally(p: float, text: str) -> None:
    assert w.percent(p) == text


def test_wording_helpers() -> None:
    assert w.days(4.26) == "4.3" and w.days(13.7) == "14"
    assert [w.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st",
    ]  # fmt: skip
    assert w.plural(1, "failure") == "1 failure" and w.plural(2, "failure") == "2 failures"
    assert w.cite("launch_failure", "v1") == "[launch_failure v1]"
