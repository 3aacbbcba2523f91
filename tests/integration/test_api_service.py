"""The service through its ASGI app, on models trained on the real mirrored data.

Read-only tests share one app over the session's champion registry; tests that move aliases
or tamper with files get their own app over a private copy (``registry_copy``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tminus.app import create_app
from tminus.predictors.kinds import MODEL_NAMES
from tminus.registry.store import ARTIFACT, METADATA, Registry
from tminus.serving.schemas import MAX_BATCH
from tminus.settings import Settings

ADMIN_KEY = "test-admin-key"
# One valid item per prediction route, and a second one for batches.
ROUTES: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "launch_failure": (
        "/v1/launch-failure",
        {"vehicle": "Falcon 9", "date": "2026-03-01", "site": "CC", "pad": "LC40"},
        {"vehicle": "Electron", "date": "2026-03-15T04:00:00Z"},
    ),
    "booster_landing": (
        "/v1/booster-landing",
        {"date": "2026-03-01", "landing_type": "ASDS", "core_flight": 12, "orbit": "LEO"},
        {"date": "2026-03-01", "landing_type": "RTLS", "payload_mass_kg": 3000},
    ),
    "pad_turnaround": (
        "/v1/pad-turnaround",
        {"pad": "LC39A", "date": "2026-03-01", "site": "KSC"},
        {"pad": "LC40", "date": "2026-03-01", "vehicle": "Falcon 9"},
    ),
    "return_to_flight": (
        "/v1/return-to-flight",
        {"vehicle": "Falcon 9", "date": "2026-03-01"},
        {"vehicle": "Vega C", "date": "2026-03-01"},
    ),
    "weather_scrub": (
        "/v1/weather-scrub",
        {"date": "2026-03-01", "max_peak_wind": 18.0, "lightning_count": 0},
        {"date": "2026-07-15", "max_peak_wind": 40.0, "lightning_count": 400},
    ),
    "launch_anomaly": (
        "/v1/launch-anomaly",
        {"vehicle": "Ariane 62", "date": "2026-03-01"},
        {"vehicle": "Falcon 9", "date": "2026-03-01", "site": "CC", "pad": "LC40"},
    ),
}
PROBABILITY_MODELS = {"launch_failure", "booster_landing", "weather_scrub", "launch_anomaly"}


def _settings(root: Path, *, admin_key: str | None = None, interval: float = 2.0) -> Settings:
    return Settings(models_dir=root, admin_key=admin_key, reload_interval_s=interval)


@pytest.fixture(scope="module")
def client(champion_registry: Path) -> Iterator[TestClient]:
    """One app over the shared champion registry; tests must not change it."""
    app = create_app(_settings(champion_registry))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def admin_client(registry_copy: Path) -> Iterator[TestClient]:
    """An app with admin routes on, over a private registry copy."""
    app = create_app(_settings(registry_copy, admin_key=ADMIN_KEY, interval=0.1))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _champions(root: Path) -> dict[str, str]:
    registry = Registry(root)
    return {name: registry.resolve(name, "champion") for name in MODEL_NAMES}


def _add_version(root: Path, model: str) -> str:
    """Register the champion's predictor again as a new version (a stand-in for a retrain)."""
    registry = Registry(root)
    loaded = registry.load_alias(model, "champion")
    card = (loaded.version.path / "MODEL_CARD.md").read_bytes()
    record = registry.register(
        model,
        predictor=loaded.predictor,
        metadata=loaded.version.metadata,
        files={"MODEL_CARD.md": card},
    )
    return record.version


def _provenance_ok(body: dict[str, Any], model: str, version: str) -> None:
    assert body["model"] == model
    assert body["version"] == version
    dt.date.fromisoformat(body["data_cutoff"])
    assert body["attribution"] and all(isinstance(a, str) for a in body["attribution"])


def _item_ok(model: str, item: dict[str, Any]) -> None:
    if model in PROBABILITY_MODELS:
        low, high = item["interval"]
        assert 0.0 <= low <= item["probability"] <= high <= 1.0
    else:
        q, dates = item["quantiles"], item["dates"]
        assert 0.0 <= q["p10"] <= q["p50"] <= q["p90"]
        start = dt.datetime.fromisoformat(item["start"])
        for key in ("p10", "p50", "p90"):
            implied = start + dt.timedelta(days=q[key])
            assert abs(dt.datetime.fromisoformat(dates[key]) - implied) < dt.timedelta(seconds=1)
    assert all(isinstance(v, bool) for v in item["flags"].values())
    assert isinstance(item["context"], dict)


# ---- operations ------------------------------------------------------------------------------
def test_alive_and_ready_with_every_champion(client: TestClient, champion_registry: Path) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["models"] == _champions(champion_registry)
    assert ready.json()["missing"] == []


def test_every_answer_names_the_replica_and_readyz_its_versions(
    champion_registry: Path, tmp_path: Path
) -> None:
    settings = Settings(models_dir=champion_registry, replica="tminus-7")
    with TestClient(create_app(settings), raise_server_exceptions=False) as named:
        path, item, _ = ROUTES["launch_failure"]
        answers = {
            "fast-path prediction": named.post(path, json=item),
            "routed prediction": named.post(path, content=json.dumps(item)),
            "422": named.post(path, json={"vehicle": "Falcon 9"}),
            "404": named.get("/nowhere"),
            "healthz": named.get("/healthz"),
            "metrics": named.get("/metrics"),
            "readyz": named.get("/readyz"),
        }
        assert {k: a.headers.get("x-tminus-replica") for k, a in answers.items()} == dict.fromkeys(
            answers, "tminus-7"
        )
        assert answers["readyz"].json()["replica"] == "tminus-7"
        assert answers["readyz"].json()["models"] == _champions(champion_registry)
    with TestClient(create_app(_settings(tmp_path / "empty"))) as empty:
        ready = empty.get("/readyz")
        assert ready.status_code == 503
        # By default a replica is its host's name: the container or pod name.
        assert ready.json()["replica"] == ready.headers["x-tminus-replica"] == socket.gethostname()


def test_a_replica_name_is_a_plain_name() -> None:
    with pytest.raises(ValueError, match="replica"):
        Settings(replica="a\r\nSet-Cookie: x")


def test_not_ready_while_a_model_has_no_champion(tmp_path: Path) -> None:
    with TestClient(create_app(_settings(tmp_path / "empty"))) as empty:
        ready = empty.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["missing"] == list(MODEL_NAMES)
        assert empty.get("/healthz").status_code == 200
        path, item, _ = ROUTES["launch_failure"]
        answer = empty.post(path, json=item)
        assert answer.status_code == 503
        assert answer.json()["detail"][0]["type"] == "model_unavailable"


# ---- predictions -----------------------------------------------------------------------------
@pytest.mark.parametrize("model", MODEL_NAMES)
def test_each_prediction_names_its_version_and_data(
    client: TestClient, champion_registry: Path, model: str
) -> None:
    path, item, _ = ROUTES[model]
    answer = client.post(path, json=item)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    _provenance_ok(body, model, _champions(champion_registry)[model])
    _item_ok(model, body)


@pytest.mark.parametrize("model", MODEL_NAMES)
def test_a_batch_answers_each_item_as_alone_in_order(client: TestClient, model: str) -> None:
    path, first, second = ROUTES[model]
    singles = [client.post(path, json=item).json() for item in (first, second, first)]
    batch = client.post(path, json={"items": [first, second, first]})
    assert batch.status_code == 200, batch.text
    body = batch.json()
    assert body["version"] == singles[0]["version"]
    assert len(body["items"]) == 3
    for single, item in zip(singles, body["items"], strict=True):
        _item_ok(model, item)
        assert {k: single[k] for k in item} == item


def test_a_big_batch_runs_off_the_event_loop_and_stays_consistent(client: TestClient) -> None:
    path, first, second = ROUTES["launch_failure"]
    items = [first, second] * 500
    body = client.post(path, json={"items": items}).json()
    assert len(body["items"]) == 1000
    assert body["items"][0] == body["items"][998]
    assert body["items"][1] == body["items"][999]


def test_a_near_miss_vehicle_gets_a_422_with_the_closest_names(client: TestClient) -> None:
    answer = client.post("/v1/launch-failure", json={"vehicle": "Falcn 9", "date": "2026-03-01"})
    assert answer.status_code == 422
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["body", "vehicle"]
    assert "Falcon 9" in problem["suggestions"]


def test_a_batch_names_each_item_it_cannot_answer(client: TestClient) -> None:
    good = {"vehicle": "Falcon 9", "date": "2026-03-01"}
    answer = client.post(
        "/v1/return-to-flight",
        json={
            "items": [good, {**good, "vehicle": "Falcn 9"}, good, {**good, "vehicle": "Elektron"}]
        },
    )
    assert answer.status_code == 422
    locs = [p["loc"] for p in answer.json()["detail"]]
    assert locs == [["body", "items", 1, "vehicle"], ["body", "items", 3, "vehicle"]]


def test_a_name_no_table_knows_is_refused_unless_the_prior_is_asked_for(
    client: TestClient,
) -> None:
    refused = client.post(
        "/v1/launch-failure", json={"vehicle": "Zorblax Heavy Lifter", "date": "2026-03-01"}
    )
    assert refused.status_code == 422
    [problem] = refused.json()["detail"]
    assert problem["loc"] == ["body", "vehicle"] and problem["type"] == "unknown_name"
    assert "allow_unseen" in problem["msg"] and "/v1/vehicles" in problem["msg"]
    answer = client.post(
        "/v1/launch-failure",
        json={"vehicle": "Zorblax Heavy Lifter", "date": "2026-03-01", "allow_unseen": True},
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["flags"]["unseen_vehicle"] is True
    known = client.post("/v1/launch-failure", json={"vehicle": "Falcon 9", "date": "2026-03-01"})
    assert known.json()["flags"]["unseen_vehicle"] is False
    # A vehicle with no history is wider-uncertain than one with hundreds of flights.
    width = body["interval"][1] - body["interval"][0]
    assert width > known.json()["interval"][1] - known.json()["interval"][0]


def test_an_unknown_pad_has_no_turnaround_and_says_where_to_look(client: TestClient) -> None:
    answer = client.post("/v1/pad-turnaround", json={"pad": "Nowhere 99", "date": "2026-03-01"})
    assert answer.status_code == 422
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["body", "pad"]
    assert "/v1/pads" in problem["msg"]


ONE = {"vehicle": "Falcon 9", "date": "2026-03-01"}
NONSENSE: list[tuple[str, str, Any]] = [
    ("wrong type", "/v1/launch-failure", {"vehicle": ["Falcon 9"], "date": "2026-03-01"}),
    (
        "number as string",
        "/v1/booster-landing",
        {"date": "2026-03-01", "landing_type": "ASDS", "core_flight": "twelve"},
    ),
    ("huge number", "/v1/launch-failure", {**ONE, "payload_mass_kg": 1e308}),
    (
        "infinite number",
        "/v1/launch-failure",
        b'{"vehicle": "Falcon 9", "date": "2026-03-01", "payload_mass_kg": 1e999}',
    ),
    (
        "NaN",
        "/v1/launch-failure",
        b'{"vehicle": "Falcon 9", "date": "2026-03-01", "payload_mass_kg": NaN}',
    ),
    (
        "huge integer",
        "/v1/booster-landing",
        {"date": "2026-03-01", "landing_type": "ASDS", "core_flight": 10**30},
    ),
    ("negative", "/v1/weather-scrub", {"date": "2026-03-01", "lightning_count": -1}),
    ("empty batch", "/v1/launch-failure", {"items": []}),
    ("batch too big", "/v1/launch-failure", {"items": [ONE] * (MAX_BATCH + 1)}),
    ("batch not a list", "/v1/launch-failure", {"items": ONE}),
    ("every item bad", "/v1/launch-failure", {"items": [{"vehicle": 1, "date": "x"}] * 5000}),
    ("unknown field", "/v1/launch-failure", {**ONE, "mission": "Starlink"}),
    (
        "unknown field in batch",
        "/v1/pad-turnaround",
        {"items": [{"pad": "LC39A", "date": "2026-03-01", "crew": 4}]},
    ),
    ("items beside fields", "/v1/launch-failure", {**ONE, "items": [ONE]}),
    ("bad date", "/v1/launch-failure", {**ONE, "date": "next tuesday"}),
    ("impossible date", "/v1/return-to-flight", {**ONE, "date": "2026-02-30"}),
    ("date out of range", "/v1/launch-failure", {**ONE, "date": "1800-01-01"}),
    ("timestamp as date", "/v1/launch-failure", {**ONE, "date": 1767225600}),
    ("missing field", "/v1/launch-failure", {"vehicle": "Falcon 9"}),
    ("unknown choice", "/v1/booster-landing", {"date": "2026-03-01", "landing_type": "Parachute"}),
    (
        "block out of range",
        "/v1/booster-landing",
        {"date": "2026-03-01", "landing_type": "ASDS", "block": 0},
    ),
    ("list body", "/v1/launch-failure", [ONE]),
    ("string body", "/v1/launch-failure", "Falcon 9"),
    ("null body", "/v1/launch-failure", None),
    ("invalid JSON", "/v1/launch-failure", b'{"vehicle": "Falcon 9",'),
    ("not UTF-8", "/v1/launch-failure", b"\xff\xfe\x00"),
    ("deeply nested", "/v1/launch-failure", b"[" * 100_000),
    ("empty string vehicle", "/v1/launch-failure", {**ONE, "vehicle": "   "}),
    ("very long vehicle", "/v1/launch-failure", {**ONE, "vehicle": "F" * 10_000}),
    # JSON can spell a lone UTF-16 surrogate, which is no text at all; it is echoed escaped.
    ("lone surrogate", "/v1/launch-failure", b'{"vehicle": "\\ud800", "date": "2026-03-01"}'),
    (
        "lone surrogate as a field name",
        "/v1/pad-turnaround",
        b'{"\\udc00\\ud800": 1, "pad": "LC39A", "date": "2026-03-01"}',
    ),
    (
        "lone surrogate in a tool argument",
        "/v1/tools/predict_pad_turnaround",
        b'{"pad": "\\ud800", "date": "2026-03-01"}',
    ),
    # The offset takes these past the ends of the calendar once converted to UTC.
    (
        "last moment of year 9999",
        "/v1/launch-failure",
        {**ONE, "date": "9999-12-31T23:59:59-23:59"},
    ),
    (
        "first moment of year 1",
        "/v1/pad-turnaround",
        {"pad": "LC39A", "date": "0001-01-01T00:00+23:59"},
    ),
]


@pytest.mark.parametrize(("case", "path", "body"), NONSENSE, ids=[c for c, _, _ in NONSENSE])
def test_nonsense_gets_a_4xx_naming_the_field_never_a_5xx(
    client: TestClient, case: str, path: str, body: Any
) -> None:
    if isinstance(body, bytes):
        answer = client.post(path, content=body, headers={"content-type": "application/json"})
    else:
        answer = client.post(path, json=body)
    assert 400 <= answer.status_code < 500, f"{case}: {answer.status_code} {answer.text[:300]}"
    problems = answer.json()["detail"]
    assert problems, case
    for problem in problems:
        assert problem["loc"] and problem["loc"][0] == "body", problem
        assert problem["msg"], problem
    assert len(answer.content) < 5_000  # a rejected batch is not echoed back


def test_a_body_far_beyond_a_full_batch_is_refused_unread(client: TestClient) -> None:
    filler = b" " * (17 * 1024 * 1024)
    answer = client.post(
        "/v1/launch-failure",
        content=b'{"items": [' + filler + b"]}",
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 413


@pytest.mark.parametrize(
    "body",
    [b"[" * 100_000, b'{"payload_mass_kg": ' + b"9" * 5000 + b"}", b'{"vehicle": "\xff"}'],
    ids=["nested too deep", "number too long", "not UTF-8"],
)
def test_a_body_that_is_not_readable_json_gets_a_400_saying_what_to_send(
    client: TestClient, body: bytes
) -> None:
    answer = client.post(
        "/v1/launch-failure", content=body, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 400
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["body"]
    assert "UTF-8 encoded JSON" in problem["msg"]


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/v1/launch-failure", "text/plain"),
        ("/v1/plan", "application/x-www-form-urlencoded"),
        ("/v1/tools/list_pads", "text/plain; charset=utf-8"),
    ],
)
def test_json_sent_as_another_content_type_is_told_which_one_to_use(
    client: TestClient, path: str, content_type: str
) -> None:
    answer = client.post(
        path,
        content=json.dumps({**ONE}).encode(),
        headers={"content-type": content_type},
    )
    assert answer.status_code == 422
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["body"]
    assert problem["allowed"] == ["application/json"]
    assert "Content-Type: application/json" in problem["msg"]


@pytest.mark.parametrize(
    ("method", "path", "status", "loc"),
    [
        ("GET", "/v1/models/launch-failure", 422, ["path", "name"]),
        ("GET", "/v1/models/nope/card", 422, ["path", "name"]),
        ("GET", "/v1/models/launch_failure/card?version=latest", 422, ["query", "version"]),
        (
            "GET",
            "/v1/models/launch_failure/card?version=20200101T000000000000Z-abcd",
            404,
            ["version"],
        ),
        # The right shape, but month 13 and February 30th: no version can have these ids.
        (
            "GET",
            "/v1/models/launch_failure/card?version=20261399T000000000000Z-abcd",
            404,
            ["version"],
        ),
        (
            "GET",
            "/v1/models/pad_turnaround/versions/20260230T000000000000Z-abcd/files/MODEL_CARD.md",
            404,
            ["version"],
        ),
        ("GET", "/v1/vehicles?limit=0", 422, ["query", "limit"]),
        ("GET", "/v1/vehicles?limit=999999999999999999999", 422, ["query", "limit"]),
        ("GET", "/v1/nope", 404, ["path"]),
        ("GET", "/v1/launch-failure", 405, ["method"]),
        ("PUT", "/v1/models/launch_failure/aliases/champion", 404, ["header", "X-API-Key"]),
    ],
)
def test_bad_paths_and_queries_get_a_4xx_naming_what_is_wrong(
    client: TestClient, method: str, path: str, status: int, loc: list[Any]
) -> None:
    answer = client.request(method, path, json={"version": "20200101T000000000000Z-abcd"})
    assert answer.status_code == status, answer.text
    [problem] = answer.json()["detail"]
    assert problem["loc"] == loc
    if status == 422 and loc == ["path", "name"]:
        assert problem["allowed"] == list(MODEL_NAMES)


# ---- catalogue -------------------------------------------------------------------------------
def test_vehicles_list_known_names_with_their_history(client: TestClient) -> None:
    body = client.get("/v1/vehicles").json()
    assert body["model"] == "launch_failure"
    names = [v["name"] for v in body["vehicles"]]
    assert "Falcon 9" in names
    assert body["total"] == len(names) > 100
    flights = [v["flights"] for v in body["vehicles"]]
    assert flights == sorted(flights, reverse=True)
    falcon = client.get("/v1/vehicles", params={"q": "falcon-9"}).json()["vehicles"]
    assert falcon[0]["name"] == "Falcon 9"
    assert falcon[0]["flights"] > 100
    assert falcon[0]["failures"] >= 1
    dt.datetime.fromisoformat(falcon[0]["last_flight"])
    limited = client.get("/v1/vehicles", params={"limit": 3}).json()
    assert len(limited["vehicles"]) == 3
    assert limited["total"] == body["total"]


def test_pads_list_sites_and_what_flew_from_them(client: TestClient) -> None:
    body = client.get("/v1/pads", params={"q": "LC39A"}).json()
    [pad] = [p for p in body["pads"] if p["site"] == "KSC"]
    assert pad["pad"] == "LC39A"
    assert "Falcon 9" in pad["vehicles"]
    assert pad["flights"] > 100


# ---- models, cards and plots -----------------------------------------------------------------
def test_models_list_every_served_model_and_its_version(
    client: TestClient, champion_registry: Path
) -> None:
    body = client.get("/v1/models").json()
    champions = _champions(champion_registry)
    assert [m["name"] for m in body["models"]] == list(MODEL_NAMES)
    for entry in body["models"]:
        assert entry["served"]["version"] == champions[entry["name"]]
        assert entry["aliases"]["champion"] == champions[entry["name"]]
        assert entry["versions"] >= 1
        assert entry["refused"] is None


@pytest.mark.parametrize("model", MODEL_NAMES)
def test_a_model_shows_its_backtest_beside_its_baselines(client: TestClient, model: str) -> None:
    body = client.get(f"/v1/models/{model}").json()
    [latest] = [v for v in body["version_history"] if "champion" in v["aliases"]]
    assert "model" in latest["metrics"]
    assert len(latest["metrics"]) >= 2  # the model and at least one baseline
    for metric in latest["primary_metrics"]:
        assert latest["metrics"]["model"][metric] is not None
    assert body["feature_schema"]
    assert body["attribution"]


def test_the_card_links_its_plots_and_the_links_work(client: TestClient) -> None:
    answer = client.get("/v1/models/launch_failure/card")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/markdown")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", answer.text)
    assert links
    for link in links:
        assert link.startswith("/v1/models/launch_failure/versions/")
        image = client.get(link)
        assert image.status_code == 200
        assert image.headers["content-type"] == "image/png"
        assert image.content.startswith(b"\x89PNG")


@pytest.mark.parametrize("file", [ARTIFACT, "metadata.json", "MANIFEST.json", "..", "nope.png"])
def test_only_card_and_plot_files_can_be_downloaded(
    client: TestClient, champion_registry: Path, file: str
) -> None:
    version = _champions(champion_registry)["launch_failure"]
    answer = client.get(f"/v1/models/launch_failure/versions/{version}/files/{file}")
    assert answer.status_code == 404
    assert answer.json()["detail"][0]["loc"][0] == "path"


# ---- metrics ---------------------------------------------------------------------------------
def _sample(text: str, name: str, **labels: str) -> float | None:
    """The value of the sample ``name`` with exactly ``labels`` in a metrics exposition."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return None


def test_metrics_count_requests_and_latency_per_route_and_version(
    client: TestClient, champion_registry: Path
) -> None:
    version = _champions(champion_registry)["return_to_flight"]
    path, item, _ = ROUTES["return_to_flight"]
    client.post(path, json=item)
    client.post(path, json={"items": [item, item]})
    client.post(path, json={**item, "date": "never"})
    text = client.get("/metrics").text
    route = {"method": "POST", "route": path, "model": "return_to_flight", "version": version}
    requests = _sample(text, "tminus_requests_total", **route, status="200")
    assert requests is not None and requests >= 2
    seconds = _sample(text, "tminus_request_duration_seconds_count", **route)
    assert seconds is not None and seconds >= 2
    predicted = _sample(text, "tminus_predictions_total", model="return_to_flight", version=version)
    assert predicted is not None and predicted >= 3
    loaded = _sample(text, "tminus_model_loaded", model="return_to_flight", version=version)
    assert loaded == 1.0
    # A refused request is counted under its route, with no model version behind it.
    refused = _sample(
        text, "tminus_requests_total", method="POST", route=path, model="", version="", status="422"
    )
    assert refused is not None and refused >= 1


# ---- admin, live reload and refusal ----------------------------------------------------------
def test_admin_routes_need_the_configured_key(admin_client: TestClient) -> None:
    assert admin_client.post("/v1/admin/reload").status_code == 401
    wrong = admin_client.post("/v1/admin/reload", headers={"X-API-Key": "guess"})
    assert wrong.status_code == 403
    assert wrong.json()["detail"][0]["loc"] == ["header", "X-API-Key"]
    ok = admin_client.post("/v1/admin/reload", headers={"X-API-Key": ADMIN_KEY})
    assert ok.status_code == 200
    assert {r["status"] for r in ok.json()["models"].values()} == {"unchanged"}


def test_moving_the_champion_through_the_api_serves_the_new_version_at_once(
    admin_client: TestClient, registry_copy: Path
) -> None:
    old = _champions(registry_copy)["booster_landing"]
    new = _add_version(registry_copy, "booster_landing")
    path, item, _ = ROUTES["booster_landing"]
    assert admin_client.post(path, json=item).json()["version"] == old
    moved = admin_client.put(
        "/v1/models/booster_landing/aliases/champion",
        json={"version": new},
        headers={"X-API-Key": ADMIN_KEY},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json() == {
        "model": "booster_landing",
        "alias": "champion",
        "version": new,
        "served_version": new,
    }
    assert admin_client.post(path, json=item).json()["version"] == new
    assert Registry(registry_copy).resolve("booster_landing", "champion") == new


@pytest.mark.parametrize(
    ("version", "status"),
    [
        ("20200101T000000000000Z-abcd", 404),
        ("20261399T000000000000Z-abcd", 404),  # month 13
        ("not-a-version", 422),
    ],
)
def test_moving_an_alias_to_a_missing_version_is_a_4xx(
    admin_client: TestClient, version: str, status: int
) -> None:
    answer = admin_client.put(
        "/v1/models/launch_failure/aliases/champion",
        json={"version": version},
        headers={"X-API-Key": ADMIN_KEY},
    )
    assert answer.status_code == status
    assert answer.json()["detail"][0]["loc"][-1] == "version"


def test_a_champion_moved_on_disk_is_picked_up_by_the_poller(
    admin_client: TestClient, registry_copy: Path
) -> None:
    new = _add_version(registry_copy, "weather_scrub")
    Registry(registry_copy).set_alias("weather_scrub", "champion", new)  # as `tminus promote` does
    path, item, _ = ROUTES["weather_scrub"]
    for _ in range(100):  # the poller runs every 0.1 s; give it up to ~5 s
        if admin_client.post(path, json=item).json()["version"] == new:
            break
        time.sleep(0.05)  # the app runs in the client's own event-loop thread
    else:
        pytest.fail("the new champion was not picked up")


def test_a_tampered_champion_is_refused_and_the_old_one_keeps_serving(
    admin_client: TestClient, registry_copy: Path
) -> None:
    old = _champions(registry_copy)["pad_turnaround"]
    registry = Registry(registry_copy)
    new = _add_version(registry_copy, "pad_turnaround")
    registry.set_alias("pad_turnaround", "champion", new)
    with (registry.get("pad_turnaround", new).path / ARTIFACT).open("a") as fh:
        fh.write("\n")
    reload = admin_client.post("/v1/admin/reload", headers={"X-API-Key": ADMIN_KEY}).json()
    assert reload["models"]["pad_turnaround"]["status"] == "refused"
    path, item, _ = ROUTES["pad_turnaround"]
    answer = admin_client.post(path, json=item)
    assert answer.status_code == 200
    assert answer.json()["version"] == old
    ready = admin_client.get("/readyz")
    assert ready.status_code == 200  # still serving a verified version
    assert ready.json()["refused"]["pad_turnaround"]["version"] == new
    # counted once per refusal: by the admin reload, and by the poller if it saw it first
    refused = re.search(
        r'tminus_model_reloads_refused_total\{model="pad_turnaround"\} (\d+)\.0',
        admin_client.get("/metrics").text,
    )
    assert refused is not None and int(refused.group(1)) >= 1
    listed = {m["name"]: m for m in admin_client.get("/v1/models").json()["models"]}
    assert listed["pad_turnaround"]["refused"]["version"] == new
    # The API refuses to make it champion again, and the card of a tampered version is refused.
    again = admin_client.put(
        "/v1/models/pad_turnaround/aliases/champion",
        json={"version": new},
        headers={"X-API-Key": ADMIN_KEY},
    )
    assert again.status_code == 409
    card = admin_client.get("/v1/models/pad_turnaround/card", params={"version": new})
    assert card.status_code == 409
    # Each says which file failed, relative to the registry, never where it is on the server.
    for body in (json.dumps(reload), ready.text, again.text, card.text):
        assert "pad_turnaround" in body and new in body
        assert str(registry_copy) not in body and str(registry_copy.resolve()) not in body


def test_registry_errors_name_files_without_the_servers_paths(
    admin_client: TestClient, registry_copy: Path
) -> None:
    new = _add_version(registry_copy, "pad_turnaround")
    (registry_copy / "pad_turnaround" / new / METADATA).write_text("{ not json")
    answer = admin_client.get("/v1/models/pad_turnaround")
    assert answer.status_code == 409
    msg = answer.json()["detail"][0]["msg"]
    assert f"pad_turnaround/{new}/{METADATA}" in msg
    assert str(registry_copy) not in answer.text
    assert str(registry_copy.resolve()) not in answer.text


# ---- the request path ------------------------------------------------------------------------
def test_the_request_path_never_imports_pandas(champion_registry: Path) -> None:
    script = f"""
import sys
import time
from pathlib import Path
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from tminus.app import create_app
from tminus.settings import Settings
app = create_app(Settings(models_dir=Path({str(champion_registry)!r})))
with TestClient(app) as client:
    for path, item in {json.dumps({m: [p, i] for m, (p, i, _) in ROUTES.items()})}.values():
        assert client.post(path, json=item).status_code == 200
    assert client.get("/v1/vehicles").status_code == 200
print(sorted(m for m in ("pandas", "sklearn", "matplotlib", "tminus.training") if m in sys.modules))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
