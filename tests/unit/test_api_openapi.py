"""The OpenAPI document: every route with a one-line summary, prediction bodies with examples."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from fastapi.routing import APIRoute

from tminus.app import ROUTERS, create_app
from tminus.serving.models import MODELS
from tminus.settings import Settings


@pytest.fixture(scope="module")
def openapi(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    app = create_app(Settings(models_dir=tmp_path_factory.mktemp("no-models")))
    return app.openapi()


def routes() -> list[tuple[str, str, APIRoute]]:
    """(method, path, route) of every route the app serves and documents."""
    return [
        (method.lower(), route.path, route)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and route.include_in_schema
        for method in sorted(route.methods)
    ]


def test_every_route_is_documented_with_its_docstring_as_summary(openapi: dict[str, Any]) -> None:
    served = routes()
    documented = {(m, p) for p, ops in openapi["paths"].items() for m in ops}
    assert {(m, p) for m, p, _ in served} <= documented
    for method, path, route in served:
        op = openapi["paths"][path][method]
        first, _, rest = (inspect.getdoc(route.endpoint) or "").partition("\n")
        assert op["summary"] == first and first.endswith("."), (method, path, op["summary"])
        # Only what the docstring says below its first line is the description.
        assert op.get("description", "") == inspect.cleandoc(rest), (method, path)
    # Every served model has its prediction route (launch-anomaly was once missed by a list).
    assert {("post", spec.path) for spec in MODELS} <= {(m, p) for m, p, _ in served}


@pytest.mark.parametrize("path", [spec.path for spec in MODELS])
def test_prediction_bodies_show_one_item_and_a_batch(openapi: dict[str, Any], path: str) -> None:
    body = openapi["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    assert set(body["examples"]) == {"single", "batch"}
    assert "items" in body["examples"]["batch"]["value"]
    variants = {ref["$ref"].rsplit("/", 1)[-1] for ref in body["schema"]["oneOf"]}
    spec = next(s for s in MODELS if s.path == path)
    assert variants == {spec.item.__name__, spec.batch.__name__}
    item = openapi["components"]["schemas"][spec.item.__name__]
    assert item["additionalProperties"] is False
    assert item["examples"]
    responses = openapi["paths"][path]["post"]["responses"]
    assert {"200", "422", "503"} <= set(responses)


def test_every_number_in_a_request_schema_is_bounded(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    requests = {spec.item.__name__ for spec in MODELS}
    for name in requests:
        for field, prop in schemas[name]["properties"].items():
            for option in prop.get("anyOf", [prop]):
                if option.get("type") in {"number", "integer"}:
                    assert "maximum" in option and "minimum" in option, (name, field)
                if option.get("type") == "string" and option.get("format") != "date-time":
                    assert "maxLength" in option or "enum" in option, (name, field)


def test_every_route_with_a_body_documents_the_400_and_413_it_can_answer(
    openapi: dict[str, Any],
) -> None:
    with_body = [
        (method, path, op)
        for path, ops in openapi["paths"].items()
        for method, op in ops.items()
        if "requestBody" in op
    ]
    assert len(with_body) >= 9  # predictions, plan, tools, ask, alias
    for method, path, op in with_body:
        assert {"400", "413"} <= set(op["responses"]), (method, path)


def _operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m, p, op) for p, ops in openapi["paths"].items() for m, op in ops.items()]


def test_every_error_an_operation_can_answer_is_declared_with_the_error_schema(
    openapi: dict[str, Any],
) -> None:
    error = "#/components/schemas/ErrorAnswer"
    assert set(openapi["components"]["schemas"]["ErrorAnswer"]["properties"]) == {"detail"}
    assert "HTTPValidationError" not in openapi["components"]["schemas"]
    for method, path, op in _operations(openapi):
        responses = op["responses"]
        takes_input = "requestBody" in op or op.get("parameters")
        assert ("422" in responses) == bool(takes_input), (method, path)
        for status, answer in responses.items():
            if status.startswith(("4", "5")) and (method, path) != ("get", "/readyz"):
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": error}, (method, path, status)
    ask = openapi["paths"]["/v1/ask"]["post"]["responses"]
    assert "llm_not_configured" in ask["409"]["description"]  # mode 'llm' without an LLM
    admin = openapi["paths"]["/v1/models/{name}/aliases/{alias}"]["put"]
    assert {"401", "403", "404"} <= set(admin["responses"])
    assert admin["security"] == [{"AdminKey": []}]


def test_dates_and_names_state_their_domain_and_known_names_their_examples(
    openapi: dict[str, Any],
) -> None:
    schemas = openapi["components"]["schemas"]
    launch = schemas["LaunchItem"]["properties"]
    assert launch["date"]["pattern"].startswith("^(?:(?:195[7-9]|19[6-9][0-9]|20[0-9][0-9]|2100)")
    assert launch["date"]["maxLength"] == 32
    for field in ("vehicle", "pad", "site"):
        name = launch[field] if field == "vehicle" else launch[field]["anyOf"][0]
        assert name["pattern"] and name["maxLength"] == 64, field
        described = launch[field]["description"]
        assert "GET /v1/vehicles" in described or "One of GET /v1/pads" in described
        assert launch[field].get("examples") or name.get("examples"), field
    history = openapi["paths"]["/v1/vehicle-history"]["get"]["parameters"][0]
    assert history["schema"]["pattern"] == launch["vehicle"]["pattern"]  # queries as bodies
    assert "GET /v1/vehicles" in history["description"]
