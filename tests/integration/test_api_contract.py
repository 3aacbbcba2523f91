"""Every route's answers validate against the schema it documents, fast path included.

The prediction routes serialise their answers themselves (a raw ``Response``) and the fast path
answers valid requests before FastAPI's routing: nothing else checks that what is sent is what
``/openapi.json`` promises. Each route's documented examples are sent through the app with the
fast path and without it; the two answers must be the same bytes, and each must validate
against the route's 200 response schema (JSON Schema 2020-12, resolving the document's refs).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from referencing import Registry as RefRegistry
from referencing import Resource

from tminus.app import create_app
from tminus.serving.models import MODELS
from tminus.settings import Settings

# (URL, the path template it is documented under)
GETS = [
    ("/v1/vehicles?limit=20", "/v1/vehicles"),
    ("/v1/pads?q=LC", "/v1/pads"),
    ("/v1/vehicle-history?vehicle=Electron", "/v1/vehicle-history"),
    ("/v1/models", "/v1/models"),
    ("/v1/models/launch_failure", "/v1/models/{name}"),
    ("/healthz", "/healthz"),
    ("/readyz", "/readyz"),
]


@pytest.fixture(scope="module")
def clients(champion_registry: Path) -> Iterator[dict[str, TestClient]]:
    settings = Settings(models_dir=champion_registry, reload_interval_s=3600)
    with (
        TestClient(create_app(settings)) as fast,
        TestClient(create_app(settings, fast_path=False)) as routed,
    ):
        yield {"fast path": fast, "route": routed}


@pytest.fixture(scope="module")
def openapi(clients: dict[str, TestClient]) -> dict[str, Any]:
    document: dict[str, Any] = clients["route"].get("/openapi.json").json()
    return document


def validator(openapi: dict[str, Any], path: str, method: str) -> Draft202012Validator:
    """The validator of a route's 200 answer, with the document's components resolvable."""
    content = openapi["paths"][path][method]["responses"]["200"]["content"]
    schema = content["application/json"]["schema"]
    document = {"$schema": "https://json-schema.org/draft/2020-12/schema", **_rebase(openapi)}
    registry = RefRegistry().with_resource("urn:openapi", Resource.from_contents(document))
    return Draft202012Validator(_rebase(schema), registry=registry)


def _rebase(node: Any) -> Any:
    """``#/components/...`` refs pointed at the whole document registered as ``urn:openapi``."""
    if isinstance(node, dict):
        return {
            k: (f"urn:openapi{v}" if k == "$ref" and isinstance(v, str) else _rebase(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rebase(v) for v in node]
    return node


@pytest.mark.parametrize("spec", MODELS, ids=lambda s: s.name)
@pytest.mark.parametrize("shape", ["single", "batch"])
def test_prediction_answers_match_their_schema_on_both_paths(
    clients: dict[str, TestClient], openapi: dict[str, Any], spec: Any, shape: str
) -> None:
    single, second = spec.examples
    body = single if shape == "single" else {"items": [single, second]}
    check = validator(openapi, spec.path, "post")
    sent = {}
    for name, client in clients.items():
        response = client.post(spec.path, json=body)
        assert response.status_code == 200, (name, response.text)
        errors = sorted(check.iter_errors(response.json()), key=str)
        assert not errors, (name, [e.message for e in errors[:3]])
        sent[name] = response.content
    assert sent["fast path"] == sent["route"]


@pytest.mark.parametrize(("url", "path"), GETS)
def test_catalogue_model_and_health_answers_match_their_schema(
    clients: dict[str, TestClient], openapi: dict[str, Any], url: str, path: str
) -> None:
    response = clients["fast path"].get(url)
    assert response.status_code == 200, response.text
    errors = list(validator(openapi, path, "get").iter_errors(response.json()))
    assert not errors, [e.message for e in errors[:3]]


def test_a_wrong_answer_would_be_caught(openapi: dict[str, Any]) -> None:
    """The check can fail: a probability above 1 and a missing version are refused."""
    check = validator(openapi, MODELS[0].path, "post")
    bad = {"model": "launch_failure", "probability": 1.5, "interval": [0, 1]}
    assert list(check.iter_errors(bad))
