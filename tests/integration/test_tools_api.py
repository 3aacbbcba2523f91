"""``/v1/plan``, ``/v1/tools`` and ``/v1/ask`` through the ASGI app; ``tminus plan`` and ``ask``.

The planner is checked for what a mission planner relies on: options are feasible and ranked
consistently, every number names its model version, exclusions say why, unknown inputs are
422s that name the field, and what cannot be checked (payload mass) is said, not invented.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tminus.app import create_app
from tminus.settings import Settings
from tminus.tools.commands import register

WINDOW = {"earliest_date": "2026-03-01", "latest_date": "2026-05-31"}


@pytest.fixture(scope="module")
def client(champion_registry: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(models_dir=champion_registry))) as test_client:
        yield test_client


def plan(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/plan", json=WINDOW | body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


# ---- /v1/plan ----------------------------------------------------------------------------
def test_plan_ranks_feasible_options_and_explains_each(client: TestClient) -> None:
    answer = plan(client, vehicles=["Falcon 9", "Electron", "Vega C"], max_options=20)
    versions = {s["model"]: s["version"] for s in answer["sources"]}
    assert set(versions) == {"launch_failure", "pad_turnaround"}
    options = answer["options"]
    assert options and answer["options_total"] == len(options)
    assert {o["vehicle"] for o in options} == {"Falcon 9", "Electron", "Vega C"}
    probabilities = [o["failure"]["probability"] for o in options]
    assert probabilities == sorted(probabilities)  # rank_by risk
    assert [o["rank"] for o in options] == [o["risk_rank"] for o in options]
    assert sorted(o["date_rank"] for o in options) == list(range(1, len(options) + 1))
    assert options[0]["pareto_optimal"]
    earliest = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    for o in options:
        lo, hi = o["failure"]["interval"]
        assert lo <= o["failure"]["probability"] <= hi
        date = dt.datetime.fromisoformat(o["date"])
        assert earliest <= date <= dt.datetime(2026, 5, 31, tzinfo=dt.UTC)
        # Planned no earlier than the pad's median next-launch date.
        assert date >= dt.datetime.fromisoformat(o["pad_readiness"]["dates"]["p50"])
        # Every number names the model version it came from.
        assert o["failure"]["version"] == versions["launch_failure"]
        assert o["pad_readiness"]["version"] == versions["pad_turnaround"]
        assert o["record"]["version"] == versions["launch_failure"]
        text = " ".join(o["reasons"])
        assert f"[launch_failure {versions['launch_failure']}]" in text
        assert f"[pad_turnaround {versions['pad_turnaround']}]" in text
        assert o["reasons"][0].startswith(f"Ranked {ordinal(o['risk_rank'])} of {len(options)}")
    # Falcon 9's old Vandenberg pad entry (VS/SLC4E) is excluded with its reason; whether a
    # pad is retired is not in the public data, and the message says so.
    idle = [e for e in answer["excluded"] if e["reason"] == "pad_not_active"]
    assert any(e["vehicle"] == "Falcon 9" and e["site"] == "VS" for e in idle)
    assert "data cutoff" in idle[0]["message"] and "not in the public data" in idle[0]["message"]
    assert answer["excluded_by_reason"]["pad_not_active"] == len(idle)


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def test_plan_by_date_puts_the_earliest_first(client: TestClient) -> None:
    answer = plan(client, vehicles=["Falcon 9", "Electron"], rank_by="date", max_options=20)
    dates = [(o["date"], o["failure"]["probability"]) for o in answer["options"]]
    assert dates == sorted(dates)
    assert [o["rank"] for o in answer["options"]] == [o["date_rank"] for o in answer["options"]]


def test_plan_refuses_names_no_table_knows_with_suggestions(client: TestClient) -> None:
    response = client.post(
        "/v1/plan",
        json={
            "earliest_date": "2026-03-01",
            "latest_date": "2026-05-31",
            "vehicles": ["Electron", "Falcn 9", "F9", "Xyzzy Rocket 9000"],
        },
    )
    assert response.status_code == 422
    problems = {tuple(p["loc"]): p for p in response.json()["detail"]}
    assert set(problems) == {("body", "vehicles", 1, "vehicle"), ("body", "vehicles", 3, "vehicle")}
    assert problems["body", "vehicles", 1, "vehicle"]["suggestions"][0] == "Falcon 9"
    assert problems["body", "vehicles", 3, "vehicle"]["type"] == "unknown_name"


def test_plan_excludes_with_reasons(client: TestClient) -> None:
    answer = plan(
        client,
        vehicles=["Soyuz-U", "Electron", "Atlas V 401", "Ariane 5ECA+"],
        providers=["RLABN", "SPX", "AE"],
        max_failure_probability=0.01,
        payload_mass_kg=100,
        orbit="sun-synchronous",
    )
    reasons = {(e["vehicle"], e["reason"]) for e in answer["excluded"]}
    assert ("Soyuz-U", "provider_not_allowed") in reasons  # provider checked first
    assert ("Atlas V 401", "provider_not_allowed") in reasons
    # Retired by T-Minus' reference, with its source: never offered.
    retired = next(e for e in answer["excluded"] if e["vehicle"] == "Ariane 5ECA+")
    assert retired["reason"] == "retired" and "2023-07-05" in retired["message"]
    assert "checked" in retired["message"]  # the public source it comes from
    # Electron's risk is above 1% on every date from Mahia: excluded, with its lowest
    # probability; its Wallops pad never launched to SSO.
    electron = [e for e in answer["excluded"] if e["vehicle"] == "Electron"]
    reasons_electron = {(e["site"], e["reason"]) for e in electron}
    assert ("MAHIA", "risk_above_tolerance") in reasons_electron
    assert ("MARS", "orbit_not_reached_from_site") in reasons_electron
    assert {r for _, r in reasons_electron} <= {
        "risk_above_tolerance",
        "pad_busy",
        "orbit_not_reached_from_site",
    }
    risky = next(e for e in electron if e["reason"] == "risk_above_tolerance")
    assert "above your tolerance of 1.00%" in risky["message"]
    assert answer["options"] == []
    # The orbit was read as SSO, and how capacity to it is judged is said once.
    assert answer["orbit"] == "SSO" and answer["payload_mass_kg"] == 100
    assert answer["capacity_rule"].startswith("SSO: T-Minus' reference figure")
    assert any(n.startswith("Capacity rule: SSO") for n in answer["notes"])
    assert any("not in the public data" in limit for limit in answer["limits"])
    assert answer["excluded_total"] == len(answer["excluded"])


def test_plan_marks_vehicles_that_are_not_active(client: TestClient) -> None:
    answer = plan(client, vehicles=["Soyuz-U", "Space Shuttle"])
    assert {e["reason"] for e in answer["excluded"]} == {"vehicle_not_active"}
    shuttle = next(e for e in answer["excluded"] if e["vehicle"] == "Space Shuttle")
    assert "last flew on 2011-07-08" in shuttle["message"]
    # Neither is in T-Minus' vehicle reference: its status is not guessed, only its recency.
    assert "vehicle reference does not list it" in shuttle["message"]
    # The threshold is a parameter: 20 years back, the Shuttle counts as active.
    longer = plan(client, vehicles=["Space Shuttle"], retired_after_years=20)
    assert not any(e["reason"] == "vehicle_not_active" for e in longer["excluded"])


def test_plan_excludes_retired_and_crew_only_vehicles_unless_history_is_asked(
    client: TestClient,
) -> None:
    named = ["Delta IV Heavy", "Atlas V N22", "Falcon Heavy", "Ariane 5ECA+"]
    answer = plan(client, vehicles=named, payload_mass_kg=5000, orbit="GTO", max_options=20)
    reasons = {e["vehicle"]: e["reason"] for e in answer["excluded"]}
    assert reasons["Delta 4H"] == "retired" and reasons["Ariane 5ECA+"] == "retired"
    assert reasons["Atlas V N22"] == "not_offered"
    assert {o["vehicle"] for o in answer["options"]} == {"Falcon Heavy"}
    assert all(o["status"] == "active" and o["status_source"] for o in answer["options"])
    history = plan(client, vehicles=named, payload_mass_kg=5000, orbit="GTO", include_retired=True)
    kept = {o["vehicle"]: o["flags"] for o in history["options"]}
    assert kept["Delta 4H"]["retired"] and kept["Atlas V N22"]["not_offered"]
    # A window before its retirement: Delta IV Heavy was still flying then.
    then = plan(
        client,
        earliest_date="2023-01-01",
        latest_date="2023-06-30",
        vehicles=["Delta IV Heavy"],
    )
    assert then["options"] and then["options"][0]["status"] == "active"


def test_plan_without_vehicles_considers_recent_ones_within_the_filters(
    client: TestClient,
) -> None:
    answer = plan(client, sites=["cc", "KSC"], max_options=100)
    assert answer["options"]
    assert {o["site"] for o in answer["options"]} <= {"CC", "KSC"}
    assert "No vehicles were named" in answer["notes"][0]
    spacex = plan(client, providers=["spx"], max_options=100)
    assert {o["provider"] for o in spacex["options"]} == {"SPX"}
    assert "Falcon 9" in {o["vehicle"] for o in spacex["options"]}


def test_plan_pad_busy_when_the_window_closes_before_the_pad_is_free(client: TestClient) -> None:
    # A window right after the Falcon 9 pads' last launches in the record (2025-12-15 and
    # 2025-12-17; none flew again before the cutoff), shorter than their median turnaround.
    answer = plan(
        client,
        earliest_date="2025-12-18",
        latest_date="2025-12-19",
        vehicles=["Falcon 9"],
    )
    busy = [e for e in answer["excluded"] if e["reason"] == "pad_busy"]
    assert busy and "days later" in busy[0]["message"]
    assert "[pad_turnaround " in busy[0]["message"]


@pytest.mark.parametrize(
    ("body", "loc", "text"),
    [
        ({"latest_date": "2026-02-01"}, ["body", "latest_date"], "before earliest_date"),
        ({"latest_date": "2027-06-01"}, ["body", "latest_date"], "at most 366 days"),
        ({"date_step_days": 1, "latest_date": "2027-02-28"}, ["body", "date_step_days"], ">= 4"),
        ({"sites": ["Kape"]}, ["body", "sites", 0], "unknown site"),
        ({"providers": ["SpaceX"]}, ["body", "providers", 0], "unknown provider"),
        ({"max_failure_probability": 0}, ["body", "max_failure_probability"], "greater than"),
        ({"max_options": 1000}, ["body", "max_options"], "less than or equal"),
        ({"vehicles": []}, ["body", "vehicles"], "at least 1"),
        ({"rank_by": "price"}, ["body", "rank_by"], "'risk', 'date' or 'margin'"),
        ({"rank_by": "margin"}, ["body"], "needs payload_mass_kg"),
        ({"orbit": "Pluto orbit"}, ["body", "orbit"], "orbit classes are LEO, SSO"),
        ({"payload_mass_kg": 0}, ["body", "payload_mass_kg"], "greater than"),
        ({"colour": "red"}, ["body"], "colour"),
    ],
)
def test_plan_refuses_bad_input_with_a_422_naming_the_field(
    client: TestClient, body: dict[str, Any], loc: list[Any], text: str
) -> None:
    response = client.post("/v1/plan", json=WINDOW | body)
    assert response.status_code == 422, response.text
    problems = response.json()["detail"]
    assert any(p["loc"][: len(loc)] == loc and text in str(p) for p in problems), problems


def test_plan_suggests_close_site_codes(client: TestClient) -> None:
    response = client.post("/v1/plan", json=WINDOW | {"sites": ["KCS"]})
    assert response.status_code == 422
    assert "KSC" in response.json()["detail"][0]["suggestions"]


def test_plan_takes_sites_by_name(client: TestClient) -> None:
    answer = plan(client, vehicles=["Falcon 9"], sites=["Cape Canaveral", "Vandenberg"])
    assert {o["site"] for o in answer["options"]} == {"CC", "VSFBS"}


# ---- /v1/tools ---------------------------------------------------------------------------
def test_tools_are_openai_function_definitions(client: TestClient) -> None:
    response = client.get("/v1/tools")
    assert response.status_code == 200
    tools = response.json()
    names = [t["function"]["name"] for t in tools]
    assert names[:2] == ["predict_launch_failure", "predict_booster_landing"]
    assert {"plan_mission", "compare_vehicles", "list_vehicles", "list_pads"} <= set(names)
    for tool in tools:
        assert tool["type"] == "function"
        assert set(tool["function"]) == {"name", "description", "parameters"}
        assert tool["function"]["parameters"]["type"] == "object"
    # The same schema as the REST body: the launch-failure tool takes the route's fields.
    launch = tools[0]["function"]["parameters"]
    assert launch["required"] == ["vehicle", "date"]
    assert launch["additionalProperties"] is False
    plan_schema = next(t for t in tools if t["function"]["name"] == "plan_mission")
    openapi = client.get("/openapi.json").json()
    ref = openapi["paths"]["/v1/plan"]["post"]["requestBody"]["content"]["application/json"]
    assert ref["schema"]["$ref"].endswith("/PlanRequest")
    assert set(plan_schema["function"]["parameters"]["properties"]) == set(
        openapi["components"]["schemas"]["PlanRequest"]["properties"]
    )


def test_a_tool_call_runs_through_post_tools_name(client: TestClient) -> None:
    args = {"vehicles": ["Electron", "Vega C"], "date": "2026-03-01"}
    response = client.post("/v1/tools/compare_vehicles", json=args)
    assert response.status_code == 200, response.text
    assert [v["vehicle"] for v in response.json()["vehicles"]] == ["Electron", "Vega C"]
    # A prediction tool answers exactly what its REST route answers.
    launch = {"vehicle": "Electron", "date": "2026-03-01"}
    assert (
        client.post("/v1/tools/predict_launch_failure", json=launch).json()
        == client.post("/v1/launch-failure", json=launch).json()
    )
    unknown = client.post("/v1/tools/launch_it", json={})
    assert unknown.status_code == 404
    assert "plan_mission" in unknown.json()["detail"][0]["allowed"]
    invalid = client.post("/v1/tools/predict_launch_failure", json={"vehicle": "Electron"})
    assert invalid.status_code == 422
    assert invalid.json()["detail"][0]["loc"] == ["body", "date"]
    misspelt = client.post("/v1/tools/predict_launch_failure", json=launch | {"vehicle": "Eletron"})
    assert misspelt.status_code == 422
    assert misspelt.json()["detail"][0]["suggestions"][0] == "Electron"
    # Each tool validates its own arguments: {} is not a comparison.
    empty = client.post("/v1/tools/compare_vehicles", json={})
    assert empty.status_code == 422
    assert {tuple(p["loc"]) for p in empty.json()["detail"]} == {
        ("body", "vehicles"),
        ("body", "date"),
    }
    extra = client.post("/v1/tools/list_pads", json={"limit": 2, "colour": "red"})
    assert extra.status_code == 422
    assert extra.json()["detail"][0]["allowed"] == ["query", "limit"]


def test_each_tool_is_its_own_operation_typed_by_its_schemas(client: TestClient) -> None:
    """One operation per tool, generated from the toolbox: its arguments and result schemas."""
    from tminus.tools.toolbox import TOOLS

    openapi = client.get("/openapi.json").json()
    assert "/v1/tools/{name}" not in openapi["paths"]
    for tool in TOOLS:
        operation = openapi["paths"][f"/v1/tools/{tool.name}"]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert body["$ref"].rsplit("/", 1)[1] == tool.arguments.__name__, tool.name
        answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert answer["$ref"].rsplit("/", 1)[1] == tool.result.__name__, tool.name
        assert {"400", "413", "422", "503"} <= set(operation["responses"]), tool.name
        assert operation["summary"].startswith(f"Run the {tool.name} tool")


# ---- /v1/ask offline ---------------------------------------------------------------------
def test_ask_answers_offline_without_an_llm(client: TestClient) -> None:
    response = client.post(
        "/v1/ask", json={"question": "risk of a Falcon 9 launch from SLC-40 next month"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["mode"] == "offline" and body["understood"] and body["steps"] == 0
    assert body["llm_model"] is None
    (call,) = body["tool_calls"]
    assert call["name"] == "predict_launch_failure" and call["ok"]
    assert call["arguments"]["pad"] == "LC40" and call["arguments"]["site"] == "CC"
    version = body["sources"][0]["version"]
    assert f"[launch_failure {version}]" in body["answer"]
    assert "without an LLM" in body["answer"]
    assert any("No LLM is configured" in note for note in body["notes"])


def test_ask_says_when_it_did_not_understand(client: TestClient) -> None:
    body = client.post("/v1/ask", json={"question": "what is the meaning of life"}).json()
    assert not body["understood"] and body["tool_calls"] == []
    assert "when can <pad or site> launch next" in body["answer"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"question": "hi"}, 422),
        ({"question": "x" * 2001}, 422),
        ({"question": "risk of Electron", "mode": "psychic"}, 422),
        # A well-formed request this server cannot answer: it has no LLM (another could).
        ({"question": "risk of Electron", "mode": "llm"}, 409),
    ],
)
def test_ask_refuses_bad_requests(client: TestClient, body: dict[str, Any], status: int) -> None:
    response = client.post("/v1/ask", json=body)
    assert response.status_code == status, response.text
    if body.get("mode") == "llm":  # a server without an LLM: the declared 409, typed
        [problem] = response.json()["detail"]
        assert problem["type"] == "llm_not_configured"
        assert problem["loc"] == ["body", "mode"]
        assert problem["allowed"] == ["auto", "offline"]
        assert "TMINUS_LLM_BASE_URL" in problem["msg"]


@pytest.mark.parametrize(
    "question",
    [
        "risk of a Falcon 9 launch on 9999-12-31",
        "risk of a Falcon 9 launch in 99999999999999999999 days",
        "when can LC-39A launch next after 9999-12-31",
        "return to flight after a Falcon 9 failure in 100000 years",
    ],
)
def test_ask_about_dates_past_the_calendar_says_which_dates_it_takes(
    client: TestClient, question: str
) -> None:
    response = client.post("/v1/ask", json={"question": question, "mode": "offline"})
    assert response.status_code == 200, response.text
    assert "between 1957-01-01 and 2100-12-31" in response.json()["answer"]


# ---- CLI ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cli() -> typer.Typer:
    """A root app with these commands mounted by ``register``, as ``tminus.cli`` does."""
    app = typer.Typer()
    register(app)
    app.callback()(lambda: None)
    return app


def test_tminus_plan_prints_ranked_options(cli: typer.Typer, champion_registry: Path) -> None:
    runner = CliRunner()
    args = ["plan", "--earliest", "2026-03-01", "--latest", "2026-04-30", "-v", "Electron"]
    args += ["-v", "F9", "--models-dir", str(champion_registry)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Electron" in result.output and "[launch_failure " in result.output
    assert "Falcon 9" in result.output  # 'F9' is read as Falcon 9, by the one name rule
    typo = runner.invoke(cli, [*args[:-4], "-v", "Falcn 9", *args[-2:]])
    assert typo.exit_code == 2 and "Falcon 9" in typo.output  # refused, with the closest
    as_json = runner.invoke(cli, [*args, "--json"])
    assert as_json.exit_code == 0 and '"options"' in as_json.output
    bad = runner.invoke(cli, ["plan", "--earliest", "2026-03-01", "--latest", "2025-01-01"])
    assert bad.exit_code == 2


def test_tminus_ask_answers_offline(
    cli: typer.Typer, champion_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TMINUS_LLM_BASE_URL", raising=False)
    runner = CliRunner()
    base = ["--models-dir", str(champion_registry)]
    result = runner.invoke(cli, ["ask", "when can LC-39A launch next", "--offline", *base])
    assert result.exit_code == 0, result.output
    assert "KSC/LC39A" in result.output and "[pad_turnaround " in result.output
    confused = runner.invoke(cli, ["ask", "what is the meaning of life", "--offline", *base])
    assert confused.exit_code == 4
