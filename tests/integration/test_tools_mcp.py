"""The MCP tools through the official SDK's own client: in-process, over stdio and over HTTP.

In-process, ``mcp.Client(server)`` drives the real protocol handlers without a transport; the
stdio test launches ``tminus mcp`` as a subprocess the way an MCP client (Claude Desktop,
Cursor) would; the HTTP test serves the whole app with uvicorn on 127.0.0.1 and connects to
``/mcp``. Tool results must equal what the REST routes answer: one implementation, two faces.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import jsonschema
import pytest
import uvicorn
from fastapi.testclient import TestClient
from mcp import Client, StdioServerParameters
from mcp.types import CallToolResult

from tminus.app import create_app
from tminus.serving.state import Snapshot
from tminus.settings import Settings
from tminus.tools.mcp_server import build_mcp_server
from tminus.tools.toolbox import TOOLS, openai_tools

ROOT = Path(__file__).resolve().parents[2]

# One valid call per tool, and the REST route answering the same body (None: no REST twin).
CALLS: dict[str, tuple[dict[str, Any], str | None]] = {
    "predict_launch_failure": (
        {"vehicle": "Falcon 9", "date": "2026-03-01", "pad": "SLC-40"},
        "/v1/launch-failure",
    ),
    "predict_booster_landing": (
        {"date": "2026-03-01", "landing_type": "ASDS", "core_flight": 12},
        "/v1/booster-landing",
    ),
    "predict_pad_turnaround": ({"pad": "LC39A", "date": "2026-03-01"}, "/v1/pad-turnaround"),
    "predict_return_to_flight": (
        {"vehicle": "Electron", "date": "2026-03-01"},
        "/v1/return-to-flight",
    ),
    "predict_weather_scrub": (
        {"date": "2026-07-15", "max_peak_wind": 25.0, "lightning_count": 0},
        "/v1/weather-scrub",
    ),
    "predict_launch_anomaly": (
        {"vehicle": "Ariane 62", "date": "2026-03-01"},
        "/v1/launch-anomaly",
    ),
    "list_vehicles": ({"query": "Falcon", "limit": 3}, None),
    "list_pads": ({"query": "Falcon 9", "limit": 3}, None),
    "compare_vehicles": ({"vehicles": ["Electron", "Vega C"], "date": "2026-03-01"}, None),
    "plan_mission": (
        {
            "earliest_date": "2026-03-01",
            "latest_date": "2026-04-30",
            "vehicles": ["Falcon 9", "Electron"],
            "payload_mass_kg": 3000,
            "orbit": "sun-synchronous",
            "max_options": 3,
        },
        "/v1/plan",
    ),
}


def in_process(snapshot: Snapshot, calls: list[tuple[str, dict[str, Any]]]) -> Any:
    """List the tools and make ``calls`` through the SDK's in-process client."""
    server = build_mcp_server(lambda: snapshot)

    async def main() -> tuple[Any, list[CallToolResult]]:
        async with Client(server) as client:
            listed = await client.list_tools()
            return listed, [await client.call_tool(n, a) for n, a in calls]

    return anyio.run(main)


def test_every_tool_is_listed_with_its_schemas(snapshot: Snapshot) -> None:
    listed, _ = in_process(snapshot, [])
    tools = {t.name: t for t in listed.tools}
    assert list(tools) == [spec.name for spec in TOOLS] == list(CALLS)
    openai = {t.function.name: t.function for t in openai_tools()}
    for spec in TOOLS:
        tool = tools[spec.name]
        # Same argument schema on every face: the REST request schema itself.
        assert tool.input_schema == spec.arguments.model_json_schema()
        assert tool.input_schema == openai[spec.name].parameters
        assert tool.input_schema["additionalProperties"] is False
        assert tool.output_schema is not None and tool.output_schema["type"] == "object"
        assert tool.description and len(tool.description) > 80
        assert tool.annotations is not None and tool.annotations.read_only_hint
    # The planner's inputs and outputs: orbit classes, payload mass, margin ranking, and
    # per-option feasibility with exclusion reasons.
    plan = tools["plan_mission"]
    properties = plan.input_schema["properties"]
    assert properties["orbit"]["anyOf"][0]["anyOf"][0]["enum"] == [
        "LEO",
        "SSO",
        "MEO",
        "GTO",
        "GEO",
        "HEO",
        "LUNAR",
        "ESCAPE",
    ]
    assert "margin" in properties["rank_by"]["enum"]
    assert "capacity" in properties["payload_mass_kg"]["description"]
    assert plan.output_schema is not None
    output = json.dumps(plan.output_schema)
    for field in ("feasibility", "margin_kg", "capacity_exceeded", "orbit_not_reached_from_site"):
        assert field in output, field


def test_every_tool_answers_with_structured_output(
    snapshot: Snapshot, champion_registry: Path
) -> None:
    _, results = in_process(snapshot, [(name, args) for name, (args, _) in CALLS.items()])
    listed, _ = in_process(snapshot, [])
    schemas = {t.name: t.output_schema for t in listed.tools}
    with TestClient(create_app(Settings(models_dir=champion_registry))) as rest:
        for (name, (args, route)), result in zip(CALLS.items(), results, strict=True):
            assert not result.is_error, (name, result.content)
            data = result.structured_content
            assert isinstance(data, dict)
            jsonschema.validate(data, schemas[name])
            # The text content is the same answer, for clients without structured output.
            assert json.loads(result.content[0].text) == data
            if route is not None:
                response = rest.post(route, json=args)
                assert response.status_code == 200, response.text
                assert response.json() == data, name
    by_name = dict(zip(CALLS, results, strict=True))
    failure = by_name["predict_launch_failure"].structured_content
    assert failure["model"] == "launch_failure"
    assert failure["version"] == snapshot.get("launch_failure").version
    assert failure["context"]["pad"] == "CC/LC40"
    plan = by_name["plan_mission"].structured_content
    assert plan["options"] and all(o["reasons"] for o in plan["options"])
    assert {s["model"] for s in plan["sources"]} == {"launch_failure", "pad_turnaround"}
    # The planner's feasibility, exclusions with reasons and margins reach the MCP client.
    assert plan["orbit"] == "SSO" and plan["payload_mass_kg"] == 3000
    for option in plan["options"]:
        assert option["vehicle"] == "Falcon 9"
        assert option["feasibility"]["status"] == "feasible"
        assert option["feasibility"]["margin_kg"] > 0
    assert {e["reason"] for e in plan["excluded"] if e["vehicle"] == "Electron"} == {
        "capacity_exceeded"
    }


@pytest.mark.parametrize(
    ("name", "arguments", "expected"),
    [
        ("predict_launch_failure", {"vehicle": "Falcon 9"}, "date"),
        ("predict_launch_failure", {"vehicle": "Falcon 9", "date": "soon"}, "ISO 8601"),
        (
            "predict_launch_failure",
            {"vehicle": "Falcon 9", "date": "2026-03-01", "colour": 1},
            "colour",
        ),
        ("predict_launch_failure", {"vehicle": "Falcn 9", "date": "2026-03-01"}, "Falcon 9"),
        ("predict_pad_turnaround", {"pad": "LC-39X", "date": "2026-03-01"}, "LC39A"),
        ("predict_booster_landing", {"date": "2026-03-01", "landing_type": "Moon"}, "ASDS"),
        ("compare_vehicles", {"vehicles": ["Electron"], "date": "2026-03-01"}, "vehicles"),
        ("plan_mission", {"earliest_date": "2026-03-01", "latest_date": "2027-06-01"}, "366"),
        (
            "plan_mission",
            {
                "earliest_date": "2026-03-01",
                "latest_date": "2026-04-01",
                "sites": ["Kape Canaveral"],
            },
            "unknown site",
        ),
        ("no_such_tool", {}, "Unknown tool"),
    ],
)
def test_bad_arguments_are_tool_errors_that_say_what_to_fix(
    snapshot: Snapshot, name: str, arguments: dict[str, Any], expected: str
) -> None:
    _, (result,) = in_process(snapshot, [(name, arguments)])
    assert result.is_error
    assert result.structured_content is None
    assert expected in result.content[0].text


def test_tools_answer_from_the_current_snapshot(snapshot: Snapshot) -> None:
    """The server reads the snapshot per call, so a reloaded champion is used at once."""
    from tminus.serving.state import Snapshot as Empty

    current: list[Snapshot] = [Empty()]
    server = build_mcp_server(lambda: current[0])
    args = CALLS["predict_launch_failure"][0]

    async def main() -> list[CallToolResult]:
        async with Client(server) as client:
            before = await client.call_tool("predict_launch_failure", args)
            current[0] = snapshot
            after = await client.call_tool("predict_launch_failure", args)
            return [before, after]

    before, after = anyio.run(main)
    assert before.is_error and "not loaded" in before.content[0].text
    assert not after.is_error


# ---- transports --------------------------------------------------------------------------
def test_tminus_mcp_serves_the_tools_over_stdio(champion_registry: Path) -> None:
    # The root CLI mounts these commands with the same register(); this keeps the test
    # independent of the rest of the CLI.
    script = (
        "import typer; from tminus.tools.commands import register; "
        "app = typer.Typer(); register(app); app()"
    )
    params = StdioServerParameters(
        command=sys.executable,
        args=["-c", script, "mcp", "--models-dir", str(champion_registry)],
        cwd=ROOT,
    )

    async def main() -> tuple[list[str], CallToolResult]:
        async with Client(params) as client:
            tools = await client.list_tools()
            result = await client.call_tool(
                "compare_vehicles", {"vehicles": ["Electron", "Vega C"], "date": "2026-03-01"}
            )
            return [t.name for t in tools.tools], result

    names, result = anyio.run(main)
    assert names == list(CALLS)
    assert not result.is_error
    assert result.structured_content is not None
    assert result.structured_content["vehicles"][0]["vehicle"] == "Electron"


MCP_HEADERS = {"Accept": "application/json, text/event-stream"}
# A client's first JSON-RPC request to /mcp.
MCP_INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"},
    },
}


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve ``app`` (with its lifespan) on an ephemeral 127.0.0.1 port; yields its URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the service did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def test_the_service_serves_mcp_at_slash_mcp(champion_registry: Path) -> None:
    app = create_app(Settings(models_dir=champion_registry))

    async def main(url: str) -> tuple[list[str], CallToolResult]:
        async with Client(f"{url}/mcp") as client:
            tools = await client.list_tools()
            result = await client.call_tool(
                "predict_pad_turnaround", {"pad": "SLC-40", "date": "2026-03-01"}
            )
            return [t.name for t in tools.tools], result

    with serving(app) as url:
        names, result = anyio.run(main, url)
    assert names == list(CALLS)
    assert not result.is_error and result.structured_content is not None
    assert result.structured_content["model"] == "pad_turnaround"
    assert result.structured_content["context"]["pad"] == "CC/LC40"


def test_slash_mcp_speaks_plain_json_rpc_without_a_redirect(champion_registry: Path) -> None:
    headers, init = MCP_HEADERS, MCP_INITIALIZE
    call = {
        "jsonrpc": "2.0",
        "id": 2,
        "method": "tools/call",
        "params": {"name": "list_pads", "arguments": {"query": "LC39A", "limit": 1}},
    }
    with TestClient(create_app(Settings(models_dir=champion_registry))) as client:
        first = client.post("/mcp", json=init, headers=headers, follow_redirects=False)
        second = client.post(
            "/mcp",
            json=call,
            headers=headers | {"mcp-protocol-version": "2025-06-18"},
            follow_redirects=False,
        )
        metrics = client.get("/metrics").text
    assert first.status_code == 200 and first.json()["result"]["serverInfo"]["name"] == "tminus"
    assert second.status_code == 200
    pads = second.json()["result"]["structuredContent"]["pads"]
    assert [(p["site"], p["pad"]) for p in pads] == [("KSC", "LC39A")]
    assert 'route="/mcp"' in metrics


def test_slash_mcp_is_post_only_and_refuses_foreign_hosts_and_origins(
    champion_registry: Path,
) -> None:
    """A stateless server has no stream for GET (the SDK's never ended) and no session to
    DELETE: 405. DNS-rebinding protection: Host and Origin from TMINUS_MCP_ALLOWED_*."""
    headers, init = MCP_HEADERS, MCP_INITIALIZE
    default = Settings(models_dir=champion_registry)
    assert default.mcp_allowed_hosts == ["*"] and default.mcp_allowed_origins == []
    with TestClient(create_app(default)) as client:
        for method in ("GET", "DELETE", "PUT"):
            refused = client.request(method, "/mcp", headers=headers)
            assert refused.status_code == 405, (method, refused.text)
            assert refused.headers["allow"] == "POST"
            assert refused.json()["detail"][0]["loc"] == ["method"]
        # Any host by default; a page's Origin never (none is allowed until configured).
        foreign = client.post("/mcp", json=init, headers=headers | {"host": "evil.example"})
        assert foreign.status_code == 200, foreign.text
        page = client.post("/mcp", json=init, headers=headers | {"origin": "http://evil.example"})
        assert page.status_code == 403
        assert page.json()["detail"][0]["type"] == "origin_not_allowed"

    configured = Settings(
        models_dir=champion_registry,
        mcp_allowed_hosts="127.0.0.1:*, mcp.example.org",  # as the environment gives it
        mcp_allowed_origins="https://console.example.org",
    )
    assert configured.mcp_allowed_hosts == ["127.0.0.1:*", "mcp.example.org"]
    with TestClient(create_app(configured)) as client:
        for host, status in (
            ("127.0.0.1:8000", 200),
            ("mcp.example.org", 200),
            ("evil.example", 421),
            ("127.0.0.1.evil.example", 421),
        ):
            answer = client.post("/mcp", json=init, headers=headers | {"host": host})
            assert answer.status_code == status, (host, answer.text)
        for origin, status in (
            ("https://console.example.org", 200),
            ("https://console.example.org.evil.example", 403),
        ):
            answer = client.post(
                "/mcp", json=init, headers=headers | {"host": "mcp.example.org", "origin": origin}
            )
            assert answer.status_code == status, (origin, answer.text)


def test_the_mcp_face_is_built_after_start_and_fails_alone(
    champion_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The MCP SDK is imported once the service is up (cold start); should the face fail to
    build, /mcp answers 503 in the error shape and the predictions go on."""
    from tminus.tools import routes as tool_routes

    def broken(store: object, settings: object) -> object:
        raise RuntimeError("no MCP today")

    monkeypatch.setattr(tool_routes, "mcp_asgi_app", broken)
    with TestClient(create_app(Settings(models_dir=champion_registry))) as client:
        refused = client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
        answered = client.post(
            "/v1/launch-failure", json={"vehicle": "Falcon 9", "date": "2026-03-01"}
        )
    assert refused.status_code == 503
    assert refused.json()["detail"][0]["msg"] == "the MCP face is unavailable"
    assert answered.status_code == 200
