"""6. Auth and limits: the admin key, the body and batch limits, a non-root container.

Against real servers on 127.0.0.1: the admin routes refuse a missing key (401) and any wrong
key (403), and are off (404) on a server without a key, whatever header is sent. The key is
compared in constant time (``secrets.compare_digest`` on the header, checked in the source).
A body of exactly the 16 MiB limit is read, one byte more is a JSON 413; a batch of 10,000
items is answered, 10,001 is a 422 (the hostile-input table sends 10,001 to every route).
The image runs as a non-root user: the Dockerfile's final stage says so, and
``scripts/docker-test.sh`` (``make docker-test``, run by ``.ci/run``) checks it in the running
container with ``docker exec ... id -u``.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tminus.app import MAX_BODY_BYTES
from tminus.http import deps
from tminus.registry.store import Registry

from .live import ADMIN_KEY, MODEL, Figures, Server, serve

ROOT = Path(__file__).resolve().parents[2]
WRONG_KEYS = {
    "empty": "",
    "one character short": ADMIN_KEY[:-1],
    "one character more": ADMIN_KEY + "x",
    "other case": ADMIN_KEY.upper(),
    "a guess": "admin",
    "prefixed": f"x{ADMIN_KEY}",
    "very long": "k" * 4_000,
}


def _admin_calls(server: Server, registry_root: Path) -> list[tuple[str, str, bytes]]:
    champion = Registry(registry_root).resolve(MODEL, "champion")
    return [
        ("POST", f"{server.url}/v1/admin/reload", b""),
        (
            "PUT",
            f"{server.url}/v1/models/{MODEL}/aliases/champion",
            json.dumps({"version": champion}).encode(),
        ),
    ]


@pytest.fixture(scope="module")
def keyless_server(
    shared_registry: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A server started without TMINUS_ADMIN_KEY (on the same registry, read only here)."""
    with serve(shared_registry, tmp_path_factory.mktemp("keyless")) as server:
        yield server


def test_admin_routes_need_the_exact_key(
    live_server: Server, shared_registry: Path, figures: Figures
) -> None:
    refused = 0
    for method, url, body in _admin_calls(live_server, shared_registry):
        headers = {"content-type": "application/json"}
        missing = httpx.request(method, url, content=body, headers=headers, timeout=30.0)
        assert missing.status_code == 401, missing.text
        assert missing.headers["www-authenticate"] == "X-API-Key"
        assert missing.json()["detail"][0]["loc"] == ["header", "X-API-Key"]
        refused += 1
        for name, key in WRONG_KEYS.items():
            wrong = httpx.request(
                method, url, content=body, headers={**headers, "X-API-Key": key}, timeout=30.0
            )
            assert wrong.status_code == 403, (name, wrong.text)
            assert wrong.json()["detail"][0]["type"] == "wrong_api_key", name
            refused += 1
        # Bytes that are not ASCII (sent as latin-1, as HTTP allows).
        odd = httpx.request(
            method, url, content=body, headers=[*headers.items(), (b"X-API-Key", b"\xe9\xff")]
        )
        assert odd.status_code == 403, odd.text
        right = httpx.request(
            method, url, content=body, headers={**headers, "X-API-Key": ADMIN_KEY}, timeout=30.0
        )
        assert right.status_code == 200, right.text
    figures.add(
        f"admin routes: {refused + 2} requests without the right key refused (401 without a "
        f"key, 403 for {len(WRONG_KEYS) + 1} kinds of wrong key), the right key admitted"
    )


def test_admin_routes_are_off_without_a_configured_key(
    keyless_server: Server, shared_registry: Path, figures: Figures
) -> None:
    calls = _admin_calls(keyless_server, shared_registry)
    for method, url, body in calls:
        for key in (None, ADMIN_KEY, ""):
            headers = {"content-type": "application/json"}
            if key is not None:
                headers["X-API-Key"] = key
            answer = httpx.request(method, url, content=body, headers=headers, timeout=30.0)
            assert answer.status_code == 404, answer.text
            assert answer.json()["detail"][0]["type"] == "admin_disabled"
    assert keyless_server.predict().status_code == 200
    figures.add(f"no key configured: {3 * len(calls)} admin requests all 404 (admin_disabled)")


def test_the_key_is_compared_in_constant_time() -> None:
    """The header meets the secret only inside ``compare_digest``, never in ``==``."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(deps.check_admin)))
    digests = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "compare_digest"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in {"secrets", "hmac"}
    ]
    assert len(digests) == 1
    assert "api_key" in ast.unparse(digests[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and "api_key" in ast.unparse(node):
            # Only the presence check is allowed: `api_key is None`.
            assert all(isinstance(op, ast.Is | ast.IsNot) for op in node.ops), ast.unparse(node)


def _padded_batch(size: int) -> bytes:
    """A valid 10,000-item batch padded with JSON whitespace to exactly ``size`` bytes."""
    body = json.dumps({"items": [{"vehicle": "Falcon 9", "date": "2026-03-01"}] * 10_000})
    return body[:-1].encode() + b" " * (size - len(body)) + b"}"


def test_the_body_limit_is_16_mib_exactly_and_a_full_batch_is_answered(
    live_server: Server, figures: Figures
) -> None:
    url = f"{live_server.url}/v1/launch-failure"
    headers = {"content-type": "application/json"}
    at_limit = httpx.post(url, content=_padded_batch(MAX_BODY_BYTES), headers=headers, timeout=60)
    assert at_limit.status_code == 200, at_limit.text[:300]
    assert len(at_limit.json()["items"]) == 10_000
    over = httpx.post(url, content=_padded_batch(MAX_BODY_BYTES + 1), headers=headers, timeout=60)
    assert over.status_code == 413
    assert over.headers["content-type"] == "application/json"
    problem = over.json()["detail"][0]
    assert problem["loc"] == ["body"] and problem["type"] == "body_too_large"
    assert f"{MAX_BODY_BYTES:,}" in problem["msg"]
    figures.add(
        f"a {MAX_BODY_BYTES:,}-byte body with 10,000 items: 200 with 10,000 answers; one byte "
        "more: 413 in the JSON error shape; 10,001 items: 422 (hostile-input table)"
    )


def test_the_container_runs_as_a_non_root_user(figures: Figures) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    final_stage = dockerfile.rsplit("\nFROM ", 1)[1]
    users = re.findall(r"^USER\s+(\S+)", final_stage, re.M)
    assert users, "the final stage sets no USER: the service would run as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}, users
    docker_test = (ROOT / "scripts" / "docker-test.sh").read_text()
    # The real check, on the running container, in `make docker-test` (.ci/run).
    assert re.search(r'docker exec "\$container" id -u', docker_test)
    assert re.search(r'\[\[ "\$uid" != 0 \]\] \|\| fail', docker_test)
    figures.add(
        f"image: final stage runs as USER {users[-1]}; scripts/docker-test.sh fails unless "
        "`docker exec <container> id -u` is not 0 (run by make docker-test in .ci/run)"
    )
