"""Reading the deployment files of ``deploy/``: the contract, the Kubernetes manifests, compose.

Paths are from the project root (the tests run from it, as ``make`` does).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
COMPOSE = DEPLOY / "compose.yaml"
HAPROXY = DEPLOY / "balancer" / "haproxy.cfg"
DOCKERFILE = ROOT / "Dockerfile"
UPDATER_DOCKERFILE = DEPLOY / "updater" / "Dockerfile"
UPDATE_LOOP = DEPLOY / "updater" / "tminus-update-loop"


@dataclass(frozen=True)
class Contract:
    """deploy/contract.toml: what the images do, stated once."""

    port: int
    readiness_path: str
    liveness_path: str
    metrics_path: str
    replica_header: str
    models_dir: str
    tmp_dir: str
    user: str
    uid: int
    gid: int
    data_dir: str
    updater_command: str
    balancer_port: int
    kubernetes_version: str


def load_contract() -> Contract:
    """Read deploy/contract.toml."""
    raw = tomllib.loads((DEPLOY / "contract.toml").read_text())
    service, user = raw["service"], raw["user"]
    return Contract(
        port=service["port"],
        readiness_path=service["readiness_path"],
        liveness_path=service["liveness_path"],
        metrics_path=service["metrics_path"],
        replica_header=service["replica_header"],
        models_dir=service["models_dir"],
        tmp_dir=service["tmp_dir"],
        user=user["name"],
        uid=user["uid"],
        gid=user["gid"],
        data_dir=raw["updater"]["data_dir"],
        updater_command=raw["updater"]["command"],
        balancer_port=raw["balancer"]["port"],
        kubernetes_version=raw["kubernetes"]["version"],
    )


def kustomization() -> dict[str, Any]:
    """deploy/k8s/kustomization.yaml."""
    data: dict[str, Any] = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    return data


def k8s_resources() -> list[tuple[Path, dict[str, Any]]]:
    """Every resource of every file the kustomization lists, with its file."""
    out = []
    for name in kustomization()["resources"]:
        path = K8S / name
        out.extend((path, doc) for doc in yaml.safe_load_all(path.read_text()) if doc)
    return out


def k8s_resource(kind: str, name: str | None = None) -> dict[str, Any]:
    """The one resource of ``kind`` (and ``name``) among the manifests."""
    found = [
        doc
        for _, doc in k8s_resources()
        if doc["kind"] == kind and name in {None, doc["metadata"]["name"]}
    ]
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


def pod_spec(resource: dict[str, Any]) -> dict[str, Any]:
    """The pod spec of a Deployment, Job or CronJob."""
    spec = resource["spec"]
    if resource["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    pod: dict[str, Any] = spec["template"]["spec"]
    return pod


def compose() -> dict[str, Any]:
    """deploy/compose.yaml."""
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return data


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    current = ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        current += " " + stripped.removesuffix("\\").strip()
        if not stripped.endswith("\\"):
            keyword, _, rest = current.strip().partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
            current = ""
    return instructions


def final_stage(instructions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The instructions of a Dockerfile's last stage (what the image is)."""
    starts = [i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM"]
    return instructions[starts[-1] :]
