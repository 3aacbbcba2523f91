"""2. Kubernetes manifests match the image: the built images against deploy/contract.toml.

test_contract.py checks the files that describe the images; this checks the images that
`make deploy-build` built (needs a Docker engine: `make deploy-test`): their user and uid,
port, paths, health check and command, and that the balancer accepts its configuration.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from .manifests import HAPROXY, load_contract
from .stack import docker

pytestmark = pytest.mark.docker

SERVICE = os.environ.get("DEPLOY_IMAGE") or "tminus:latest"
UPDATER = os.environ.get("DEPLOY_UPDATER_IMAGE") or "tminus-updater:latest"
BALANCER = os.environ.get("DEPLOY_BALANCER_IMAGE") or "tminus-balancer:bookworm"


def _config(image: str) -> dict[str, Any]:
    config: dict[str, Any] = json.loads(docker("image", "inspect", image))[0]["Config"]
    return config


def _env(config: dict[str, Any]) -> dict[str, str]:
    return dict(item.split("=", 1) for item in config["Env"])


@pytest.mark.parametrize("image", [SERVICE, UPDATER])
def test_the_image_runs_as_the_contract_user(image: str) -> None:
    contract = load_contract()
    assert _config(image)["User"] == f"{contract.user}:{contract.user}"
    ids = docker("run", "--rm", "--entrypoint", "id", image).strip()
    assert ids.startswith(
        f"uid={contract.uid}({contract.user}) gid={contract.gid}({contract.user})"
    )


def test_the_service_image_serves_the_contract_port_paths_and_probe() -> None:
    contract = load_contract()
    config = _config(SERVICE)
    assert set(config["ExposedPorts"]) == {f"{contract.port}/tcp"}
    assert _env(config)["TMINUS_MODELS_DIR"] == contract.models_dir
    command = config["Cmd"]
    assert command[:2] == ["tminus", "serve"]
    assert command[command.index("--port") + 1] == str(contract.port)
    probe = " ".join(config["Healthcheck"]["Test"])
    assert f"http://127.0.0.1:{contract.port}{contract.readiness_path}" in probe


def test_the_updater_image_has_the_loop_the_train_extra_and_the_data_seed() -> None:
    contract = load_contract()
    config = _config(UPDATER)
    assert config["Cmd"] == [contract.updater_command]
    assert _env(config)["TMINUS_DATA_DIR"] == contract.data_dir
    listing = docker(
        "run",
        "--rm",
        "--read-only",
        "--entrypoint",
        "python",
        UPDATER,
        "-c",
        "import os, sklearn, pandas, tminus.training.commands; "
        "print(sorted(os.listdir(os.environ['TMINUS_SEED_DIR'])))",
        timeout=120.0,
    )
    # The sources, their processed tables and T-Minus' vehicle reference (datasets/reference).
    assert listing.strip() == "['processed', 'raw', 'reference', 'sources.toml']"


def test_the_balancer_accepts_its_configuration() -> None:
    out = docker(
        "run",
        "--rm",
        "--volume",
        f"{HAPROXY}:/etc/tminus/haproxy.cfg:ro",
        BALANCER,
        "haproxy",
        "-c",
        "-f",
        "/etc/tminus/haproxy.cfg",
    )
    assert "Configuration file is valid" in out
