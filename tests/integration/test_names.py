"""One name rule for every face: the names planners write resolve alike on every route.

``POST /v1/launch-failure``, ``POST /v1/plan``, ``/v1/ask`` (offline), the MCP tools through
the official SDK client, and ``tminus predict`` all read a name through the catalogue's one
resolver; a name no table knows is refused on every one of them, with suggestions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from mcp import Client
from typer.testing import CliRunner

from tminus.app import create_app
from tminus.cli import app as cli
from tminus.serving.state import Snapshot
from tminus.settings import Settings
from tminus.tools.mcp_server import build_mcp_server

# What people write -> the vehicle every route must answer for.
ALIASES: dict[str, str] = {
    "F9": "Falcon 9",
    "FH": "Falcon Heavy",
    "Falcon 9 Block 5": "Falcon 9",
    "H3": "H3-22S",
    "H-2A": "H-IIA 202",
    "GSLV Mk III": "LVM3",
    "LVM3": "LVM3",
    "Delta IV Heavy": "Delta 4H",
    "Atlas V": "Atlas V 551",
    "Long March 2D": "Chang Zheng 2D",
    "CZ-2D": "Chang Zheng 2D",
    "Soyuz-2.1b": "Soyuz-2-1B",
}
DATE = "2026-03-01"


@pytest.fixture(scope="module")
def client(champion_registry: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(models_dir=champion_registry))) as test_client:
        yield test_client


def rest(client: TestClient, name: str) -> str:
    response = client.post("/v1/launch-failure", json={"vehicle": name, "date": DATE})
    assert response.status_code == 200, response.text
    return str(response.json()["context"]["vehicle"])


def planned(client: TestClient, name: str) -> str:
    response = client.post(
        "/v1/plan",
        json={
            "earliest_date": DATE,
            "latest_date": "2026-05-31",
            "vehicles": [name],
            "include_retired": True,
        },
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    named = {o["vehicle"] for o in answer["options"]} | {e["vehicle"] for e in answer["excluded"]}
    assert len(named) == 1, named
    return named.pop()


def asked(client: TestClient, name: str) -> str:
    body = client.post(
        "/v1/ask", json={"question": f"risk of {name} on {DATE}", "mode": "offline"}
    ).json()
    [vehicle] = body["understood_as"]["vehicles"]
    return str(vehicle["name"])


def by_cli(registry: Path, name: str) -> str:
    result = CliRunner().invoke(
        cli,
        [
            "predict",
            "launch_failure",
            "--vehicle",
            name,
            "--date",
            DATE,
            "--json",
            "--models-dir",
            str(registry),
        ],
    )
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["context"]["vehicle"])


def by_mcp(snapshot: Snapshot, names: list[str]) -> list[Any]:
    async def main() -> list[Any]:
        async with Client(build_mcp_server(lambda: snapshot)) as mcp:
            return [
                await mcp.call_tool("predict_launch_failure", {"vehicle": n, "date": DATE})
                for n in names
            ]

    return anyio.run(main)


def test_every_route_reads_a_name_as_the_same_vehicle(
    client: TestClient, champion_registry: Path, snapshot: Snapshot
) -> None:
    results = by_mcp(snapshot, list(ALIASES))
    for (written, vehicle), result in zip(ALIASES.items(), results, strict=True):
        assert not result.is_error, (written, result)
        answers = {
            "rest": rest(client, written),
            "plan": planned(client, written),
            "ask": asked(client, written),
            "mcp": result.structured_content["context"]["vehicle"],
            "cli": by_cli(champion_registry, written),
        }
        assert set(answers.values()) == {vehicle}, (written, answers)


def test_a_name_no_table_knows_is_refused_on_every_route(
    client: TestClient, champion_registry: Path, snapshot: Snapshot
) -> None:
    name = "Falcn 9"
    refused = client.post("/v1/launch-failure", json={"vehicle": name, "date": DATE})
    assert refused.status_code == 422 and "Falcon 9" in refused.json()["detail"][0]["suggestions"]
    plan = client.post(
        "/v1/plan",
        json={"earliest_date": DATE, "latest_date": "2026-05-31", "vehicles": [name]},
    )
    assert plan.status_code == 422 and "Falcon 9" in plan.json()["detail"][0]["suggestions"]
    [result] = by_mcp(snapshot, [name])
    assert result.is_error and "Falcon 9" in json.dumps(result.model_dump(mode="json"))
    code = CliRunner().invoke(
        cli,
        [
            "predict",
            "launch_failure",
            "--vehicle",
            name,
            "--date",
            DATE,
            "--models-dir",
            str(champion_registry),
        ],
    )
    assert code.exit_code == 2 and "Falcon 9" in code.output
    # Opting in to the new-vehicle prior is the one way a stranger is answered.
    allowed = client.post(
        "/v1/launch-failure",
        json={"vehicle": "Brand New Rocket", "date": DATE, "allow_unseen": True},
    )
    assert allowed.status_code == 200 and allowed.json()["flags"]["unseen_vehicle"]


@pytest.mark.parametrize(
    ("written", "meant"),
    [("Kuru", "Kourou"), ("Vandenbrg", "Vandenberg"), ("Jiquan", "Jiuquan"), ("Mahai", "Mahia")],
)
def test_a_misspelt_site_is_offered_the_name_people_write(
    client: TestClient, written: str, meant: str
) -> None:
    # A planner who wrote "Kuru" is offered "Kourou", not GCAT's codes that look alike.
    for path, body in (
        ("/v1/launch-failure", {"vehicle": "Falcon 9", "site": written, "date": DATE}),
        ("/v1/plan", {"earliest_date": DATE, "latest_date": "2026-05-31", "sites": [written]}),
    ):
        refused = client.post(path, json=body)
        assert refused.status_code == 422, path
        [problem] = refused.json()["detail"]
        assert problem["type"] == "unknown_name" and meant in problem["suggestions"], path
        # The suggestion is itself a name the service takes.
        accepted = client.post(
            path, json={**body, **({"site": meant} if "site" in body else {"sites": [meant]})}
        )
        assert accepted.status_code == 200, (path, accepted.text[:300])
