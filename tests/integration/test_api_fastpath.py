"""The prediction fast path answers exactly as the routes do, and only when they would say 200.

Each request goes to two apps over the same registry: the service as built, and the same
service with the fast path taken out of its middleware, where the routes answer everything.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tminus.api import fastpath
from tminus.app import MAX_BODY_BYTES, create_app
from tminus.serving.models import MODELS_BY_NAME
from tminus.settings import Settings

VALID: dict[str, list[Any]] = {
    "launch_failure": [
        {"vehicle": "Falcon 9", "date": "2026-03-01", "site": "CC", "pad": "LC40"},
        {"vehicle": "falcon-9", "date": "2019-06-01T12:30:00+02:00"},
        {"vehicle": "Brand New Rocket", "date": "2026-03-01", "allow_unseen": True},
        {"vehicle": "F9", "date": "2026-03-01"},  # an alias: the same rule as the routes
        {"items": [{"vehicle": "Electron", "date": "2026-03-15"}] * 3},
        # Every kind of row the batch path writes: names read as a family's latest variant,
        # unknown vehicles and pads, no pad (a mix), past and future dates, odd offsets.
        {
            "items": [
                {"vehicle": "Starship", "date": "2024-06-06"},
                {"vehicle": "Starship", "date": "2026-06-06", "site": "STB", "pad": "OLP2"},
                {
                    "vehicle": "Brand New Rocket",
                    "date": "1999-01-01T23:59:59-05:00",
                    "allow_unseen": True,
                },
                {"vehicle": "F9", "date": "2021-05-05"},
                {"vehicle": "Falcon 9", "date": "2016-09-01", "site": "CC", "pad": "SLC-40"},
                {"vehicle": "Falcon 9", "date": "2026-09-01", "pad": "XYZ99", "allow_unseen": True},
                {"vehicle": "Delta IV Heavy", "date": "2023-01-01"},
                {"vehicle": "Delta IV Heavy", "date": "2026-01-01"},
                {"vehicle": "Falcon 9", "date": "2026-09-01", "site": "Vandenberg"},
                {"vehicle": "Soyuz-2.1b", "date": "2010-02-03T04:05:06.789Z"},
                {"vehicle": "Ariane 64", "date": "2026-03-01"},
                {"vehicle": "Falcon 9", "date": "2026-03-01", "site": "CC", "pad": "LC40"},
            ]
            * 4
        },
    ],
    "launch_anomaly": [
        {"vehicle": "Vega C", "date": "2022-12-21", "site": "Kourou"},
        {
            "items": [
                {"vehicle": "Falcon 9", "date": f"20{year}-03-01", "site": "CC", "pad": "LC40"}
                for year in range(10, 40)
            ]
        },
    ],
    "booster_landing": [
        {"date": "2026-03-01", "landing_type": "ASDS", "core_flight": 12, "orbit": "LEO"},
        {"items": [{"date": "2026-03-01", "landing_type": "RTLS", "payload_mass_kg": 3000}]},
    ],
    "pad_turnaround": [
        {"pad": "LC39A", "date": "2026-03-01", "site": "KSC"},
        {"items": [{"pad": "LC40", "date": "2026-03-01", "vehicle": "Falcon 9"}] * 40},
    ],
    "return_to_flight": [{"vehicle": "Vega C", "date": "2026-03-01"}],
    "weather_scrub": [{"date": "2026-07-15", "max_peak_wind": 40.0, "lightning_count": 400}],
}
INVALID: list[tuple[str, Any]] = [
    ("launch_failure", {"vehicle": "Falcon 9"}),
    ("launch_failure", {"vehicle": "Falcon 9", "date": "2026-02-30"}),
    ("launch_failure", {"vehicle": "Falcon 9", "date": "2026-03-01", "rocket": 1}),
    ("launch_failure", {"vehicle": "Falcon 9", "date": "2026-03-01", "pad": "LC-99Z"}),
    ("launch_failure", {"vehicle": "Brand New Rocket", "date": "2026-03-01"}),
    ("launch_failure", {"items": []}),
    (
        "launch_failure",
        {
            "items": [
                {"vehicle": "Falcon 9", "date": "2026-03-01"},
                {"vehicle": "Falcn 9", "date": "2026-03-01"},
            ]
        },
    ),
    ("launch_failure", [1, 2]),
    ("booster_landing", {"date": "2026-03-01", "landing_type": "SPLASH"}),
    ("weather_scrub", {"date": "2026-03-01", "max_peak_wind": -5}),
]


@pytest.fixture(scope="module")
def client(champion_registry: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(models_dir=champion_registry))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def routes_only(champion_registry: Path) -> Iterator[TestClient]:
    """The service without its fast path (taken out before the middleware stack is built)."""
    app = create_app(Settings(models_dir=champion_registry))
    before = len(app.user_middleware)
    app.user_middleware = [
        m for m in app.user_middleware if m.cls is not fastpath.PredictionFastPath
    ]
    assert len(app.user_middleware) == before - 1
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def fast_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the fast path rendered an answer for, during one test."""
    calls: list[str] = []
    render = fastpath._render

    def counting(route: fastpath.FastRoute, *args: Any) -> tuple[bytes, int]:
        result = render(route, *args)
        calls.append(route.route.path)
        return result

    monkeypatch.setattr(fastpath, "_render", counting)
    return calls


def post(client: TestClient, path: str, body: Any) -> Any:
    return client.post(
        path, content=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )


@pytest.mark.parametrize(("model", "body"), [(m, b) for m, bodies in VALID.items() for b in bodies])
def test_fast_answers_are_byte_for_byte_the_routes(
    client: TestClient, routes_only: TestClient, fast_calls: list[str], model: str, body: Any
) -> None:
    path = MODELS_BY_NAME[model].path
    fast = post(client, path, body)
    assert fast_calls == [path]
    slow = post(routes_only, path, body)
    assert fast_calls == [path]
    assert fast.status_code == slow.status_code == 200
    assert fast.content == slow.content
    assert fast.headers["content-type"] == slow.headers["content-type"] == "application/json"
    assert fast.headers["content-length"] == str(len(fast.content))


@pytest.mark.parametrize(("model", "body"), INVALID)
def test_invalid_requests_get_the_routes_error_answer(
    client: TestClient, routes_only: TestClient, fast_calls: list[str], model: str, body: Any
) -> None:
    path = MODELS_BY_NAME[model].path
    fast = post(client, path, body)
    slow = post(routes_only, path, body)
    assert fast.status_code == slow.status_code == 422
    assert fast.json() == slow.json()
    assert fast.json()["detail"][0]["loc"][0] == "body"
    assert fast_calls == []


def test_fast_answers_are_counted_like_any_other(client: TestClient) -> None:
    def served() -> float:
        text = client.get("/metrics").text
        return sum(
            sample.value
            for family in text_string_to_metric_families(text)
            if family.name == "tminus_requests"
            for sample in family.samples
            if sample.name == "tminus_requests_total"
            and sample.labels["route"] == "/v1/launch-failure"
            and sample.labels["status"] == "200"
            and sample.labels["model"] == "launch_failure"
            and sample.labels["version"]
        )

    before = served()
    for _ in range(3):
        post(client, "/v1/launch-failure", VALID["launch_failure"][0])
    assert served() == before + 3


def test_a_streamed_body_over_the_limit_is_refused_in_the_error_shape(client: TestClient) -> None:
    chunk = b" " * (1 << 20)

    def body() -> Iterator[bytes]:
        yield b'{"items": ['
        for _ in range(MAX_BODY_BYTES // len(chunk) + 2):
            yield chunk

    response = client.post(
        "/v1/launch-failure", content=body(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_a_model_that_is_not_loaded_is_a_503_not_a_fast_answer(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(models_dir=tmp_path / "empty"))) as empty:
        response = post(empty, "/v1/launch-failure", VALID["launch_failure"][0])
    assert response.status_code == 503
    assert "launch_failure" in json.dumps(response.json())
