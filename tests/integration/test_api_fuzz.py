"""Fuzzing every operation of the OpenAPI schema through the ASGI app: nonsense is never a 5xx.

schemathesis generates valid and invalid requests (the schema's examples, its boundary-value
"coverage" cases, then a derandomized Hypothesis run with a fixed seed and budget) for every
route in ``/openapi.json``, on models trained on the mirror. Each answer must not be a 5xx, must
have a documented status and, where the schema documents a body, match it. The admin routes are
on: each admin request is sent as generated (no key, a wrong key) and again with the right key.
Requests go to the app in-process; there is no server and no network.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tminus.api.deps import ADMIN_HEADER
from tminus.app import create_app
from tminus.settings import Settings

pytestmark = pytest.mark.integration

ADMIN_KEY = "fuzz-admin-key"
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
# A fixed seed, derandomized generation and no example database: every run sends the same
# requests. The budget keeps the whole run (every operation, 21 at present) well under a
# minute on two cores.
CONFIG: dict[str, Any] = {
    "seed": 20_261_129,
    "suppress-health-check": ["all"],
    "generation": {"max-examples": 25, "deterministic": True, "database": "none"},
}


def _settings(models_dir: Path) -> Settings:
    # The poller plays no part here: a long interval keeps it out of the way.
    return Settings(models_dir=models_dir, admin_key=ADMIN_KEY, reload_interval_s=3600)


# Building the OpenAPI document loads no model; schemathesis needs it to collect one test per
# operation, before any fixture exists. (schemathesis.pytest.from_fixture would load it from a
# fixture, but it sets ``request.node._nodeid``, which pytest 9.2 no longer has.) Each call is
# sent to the ``app`` fixture, in-process.
schema = schemathesis.openapi.from_dict(
    create_app(_settings(Path("unused"))).openapi(),
    config=schemathesis.Config.from_dict(CONFIG),
)


@pytest.fixture(scope="module")
def fuzz_registry(champion_registry: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the champion registry: the admin key lets the fuzzer move aliases."""
    root = tmp_path_factory.mktemp("fuzz") / "models"
    shutil.copytree(champion_registry, root)
    return root


@pytest.fixture
def app(fuzz_registry: Path) -> FastAPI:
    """A fresh app per operation: schemathesis starts the app's lifespan (loading the champions)
    on the first call and ends it after each test, and an app's lifespan runs only once."""
    return create_app(_settings(fuzz_registry))


def _fuzz(case: schemathesis.Case, app: FastAPI) -> None:
    case.call_and_validate(app=app, checks=CHECKS)
    if "admin" in (case.operation.tags or ()):
        case.call_and_validate(app=app, headers={ADMIN_HEADER: ADMIN_KEY}, checks=CHECKS)


def _test_of(method: str, path: str) -> Any:
    @schema.include(method=method, path=path).parametrize()
    def test(case: schemathesis.Case, app: FastAPI) -> None:
        _fuzz(case, app)

    return test


# One test function per operation, each with its own name: schemathesis gives the items of one
# parametrized function a single node id, which pytest-xdist (`make test` runs the files in
# parallel) cannot tell apart.
for _result in schema.get_all_operations():
    _operation = _result.ok()
    _slug = re.sub(r"[^a-z0-9]+", "_", f"{_operation.method} {_operation.path}".lower()).strip("_")
    _name = f"test_no_request_gets_a_server_error_or_an_undocumented_answer__{_slug}"
    globals()[_name] = _test_of(_operation.method.upper(), _operation.path)
