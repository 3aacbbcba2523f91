"""What the dashboard stands on, without a browser: its files, and ``GET /v1/vehicle-history``.

The page and its assets must be served from the package (so they are in the wheel the image
installs), reference nothing off-origin, and stay out of the OpenAPI document. The history
endpoint must give every flight of a vehicle with the served version's risk, computed by the
same predictor as ``POST /v1/launch-failure``.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterator
from fnmatch import fnmatch
from itertools import pairwise
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tminus.app import create_app
from tminus.predictors.launch_failure import LaunchFailurePredictor, LaunchQuery
from tminus.registry.store import Registry
from tminus.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "service" / "tminus" / "web"


@pytest.fixture(scope="module")
def client(champion_registry: Path) -> Iterator[TestClient]:
    app = create_app(Settings(models_dir=champion_registry, reload_interval_s=3600))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_every_dashboard_file_is_package_data_of_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["tminus"]
    files = [p for p in WEB.rglob("*") if p.is_file() and p.suffix not in {".py", ".pyc"}]
    assert {p.name for p in files} >= {"index.html", "dashboard.js", "dashboard.css"}
    package = WEB.parent
    missing = [
        p for p in files if not any(fnmatch(p.relative_to(package).as_posix(), g) for g in globs)
    ]
    assert missing == [], f"not listed in [tool.setuptools.package-data]: {missing}"


def test_the_page_and_its_assets_come_from_this_origin_only(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "__TMINUS_VERSION__" not in page.text
    references = re.findall(r'(?:src|href)="([^"]*)"', page.text)
    assert references, "the page references no script or stylesheet"
    off_origin = [r for r in references if not r.startswith(("/", "#", "data:"))]
    assert off_origin == []
    # The script is an ES module; it imports the others by relative paths, all served here.
    assert '<script type="module" src="/static/dashboard.js' in page.text
    assets = sorted(p.name for p in (WEB / "static").iterdir() if p.suffix in {".js", ".css"})
    assert {"dashboard.js", "plan.js", "dashboard.css"} <= set(assets)
    imported: set[str] = set()
    for asset in assets:
        answer = client.get(f"/static/{asset}")
        assert answer.status_code == 200, asset
        media = "text/css" if asset.endswith(".css") else "text/javascript"
        assert answer.headers["content-type"].startswith(media)
        # Revalidated before reuse: a module imported by a plain URL cannot outlive a release.
        assert answer.headers["cache-control"] == "no-cache"
        # Fetches and imports stay on this origin (the SVG namespace is a name, not a fetch).
        assert re.findall(r"https?://(?!www\.w3\.org/2000/svg)", answer.text) == []
        for module in re.findall(r"^import .* from '([^']+)';$", answer.text, re.MULTILINE):
            assert module.startswith("./") and module[2:] in assets, (asset, module)
            imported.add(module[2:])
    # Every module but the entry is imported by another: none is shipped and never run.
    assert imported == {a for a in assets if a.endswith(".js")} - {"dashboard.js"}
    assert client.get("/static/missing.js").status_code == 404


def test_the_page_is_not_part_of_the_api_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/" not in paths
    assert not any(p.startswith("/static") for p in paths)
    assert "/v1/vehicle-history" in paths


def test_a_vehicle_history_lists_every_flight_with_its_risk(client: TestClient) -> None:
    known = client.get("/v1/vehicles", params={"q": "Falcon 9"}).json()["vehicles"]
    falcon = next(v for v in known if v["name"] == "Falcon 9")
    answer = client.get("/v1/vehicle-history", params={"vehicle": "falcon-9"})
    assert answer.status_code == 200
    body = answer.json()
    served = {m["name"]: m["served"] for m in client.get("/v1/models").json()["models"]}
    assert body["model"] == "launch_failure"
    assert body["version"] == served["launch_failure"]["version"]
    assert body["vehicle"] == "Falcon 9"
    assert (body["flights"], body["failures"]) == (falcon["flights"], falcon["failures"])
    flights = body["history"]
    assert [f["flight"] for f in flights] == list(range(1, falcon["flights"] + 1))
    assert sum(f["failed"] for f in flights) == falcon["failures"]
    dates = [dt.datetime.fromisoformat(f["date"]) for f in flights]
    assert dates == sorted(dates)
    assert dates[0] == dt.datetime.fromisoformat(falcon["first_flight"])
    assert dates[-1] == dt.datetime.fromisoformat(falcon["last_flight"])
    for flight in flights:
        low, high = flight["interval"]
        assert 0.0 <= low <= flight["probability"] <= high <= 1.0
    # Experience lowers risk: the maiden flight is the riskiest.
    assert flights[0]["probability"] == max(f["probability"] for f in flights)
    # And each failure shows: the next flight is riskier than the one that failed.
    for before, after in pairwise(flights):
        if before["failed"]:
            assert after["probability"] > before["probability"], before


def test_each_flights_risk_is_the_served_answer_at_that_flight(
    client: TestClient, champion_registry: Path
) -> None:
    """The history asks the served predictor about each flight, from its pad, at its moment:
    the same answer POST /v1/launch-failure gives for that launch, reading only earlier ones."""
    predictor = Registry(champion_registry).load_alias("launch_failure", "champion").predictor
    assert isinstance(predictor, LaunchFailurePredictor)
    flights = client.get("/v1/vehicle-history", params={"vehicle": "Vega C"}).json()["history"]
    pads = predictor.history.vehicle_pads["Vega C"]
    assert len(flights) == len(pads) > 3
    for flight, key in zip(flights, pads, strict=True):
        site, pad = key.split("/") if key else (None, None)
        when = dt.datetime.fromisoformat(flight["date"])
        answer = predictor.predict(LaunchQuery(vehicle="Vega C", date=when, site=site, pad=pad))
        assert flight["probability"] == pytest.approx(answer.probability, rel=1e-12)
        assert answer.context["vehicle_flights"] == flight["flight"] - 1


def test_an_unknown_vehicle_gets_a_422_with_the_closest_names(client: TestClient) -> None:
    answer = client.get("/v1/vehicle-history", params={"vehicle": "Falcn 9"})
    assert answer.status_code == 422
    problem = answer.json()["detail"][0]
    assert problem["loc"] == ["query", "vehicle"]
    assert "Falcon 9" in problem["suggestions"]
    nothing_like_it = client.get("/v1/vehicle-history", params={"vehicle": "Zzyzx Qwerty"})
    assert nothing_like_it.status_code == 422
    assert "GET /v1/vehicles" in nothing_like_it.json()["detail"][0]["msg"]
    assert client.get("/v1/vehicle-history").status_code == 422


def test_without_a_launch_failure_model_the_history_is_a_503(tmp_path: Path) -> None:
    app = create_app(Settings(models_dir=tmp_path, reload_interval_s=3600))
    with TestClient(app, raise_server_exceptions=False) as empty:
        answer = empty.get("/v1/vehicle-history", params={"vehicle": "Falcon 9"})
        page = empty.get("/")
    assert answer.status_code == 503
    assert answer.json()["detail"][0]["type"] == "model_unavailable"
    # The page itself is served regardless: it says what is missing rather than going blank.
    assert page.status_code == 200
