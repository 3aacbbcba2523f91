"""2. Kubernetes manifests (and compose) match the image: probes, ports, user and paths.

deploy/contract.toml states once what the images do: the port, the probe paths, the user and
its uid, the models and data folders. Each place that has to spell one of those values (the
Dockerfiles, the app itself, deploy/compose.yaml, the balancer's configuration, the Kubernetes
manifests, the update loop) is read here and compared with the contract, so none of them can
drift from what the image does. `make deploy-test` checks the built images against the same
file (test_images.py).
"""

from __future__ import annotations

import re
import shlex
from typing import Any

import pytest

from tminus.api.replica import REPLICA_HEADER
from tminus.app import create_app
from tminus.settings import Settings

from .manifests import (
    DOCKERFILE,
    HAPROXY,
    UPDATE_LOOP,
    UPDATER_DOCKERFILE,
    Contract,
    compose,
    dockerfile_instructions,
    final_stage,
    k8s_resource,
    load_contract,
    pod_spec,
)


@pytest.fixture(scope="module")
def contract() -> Contract:
    return load_contract()


def _args(instruction: str) -> list[str]:
    """The words of an exec-form (JSON) or shell-form instruction argument."""
    text = instruction.strip()
    if text.startswith("["):
        return [w.strip().strip('"') for w in text.strip("[]").split(",")]
    return shlex.split(text)


def _port_of(command: list[str]) -> int:
    return int(command[command.index("--port") + 1])


# ---- the service image and the app -----------------------------------------------------------
def test_the_service_image_serves_on_the_port_as_the_user_with_the_models_dir(
    contract: Contract,
) -> None:
    stage = final_stage(dockerfile_instructions(DOCKERFILE))
    by = {keyword: [rest for k, rest in stage if k == keyword] for keyword, _ in stage}
    (run_user,) = [r for r in by["RUN"] if "useradd" in r]
    assert f"groupadd --gid {contract.gid} {contract.user}" in run_user
    assert f"useradd --uid {contract.uid} --gid {contract.user}" in run_user
    assert by["USER"] == [f"{contract.user}:{contract.user}"]
    assert by["EXPOSE"] == [str(contract.port)]
    (env,) = by["ENV"]
    assert f"TMINUS_MODELS_DIR={contract.models_dir}" in env.split()
    assert any(rest.endswith(f" {contract.models_dir}/") for rest in by["COPY"])
    (healthcheck,) = by["HEALTHCHECK"]
    assert f"http://127.0.0.1:{contract.port}{contract.readiness_path}" in healthcheck
    (cmd,) = by["CMD"]
    assert _port_of(_args(cmd)) == contract.port


def test_the_app_answers_the_probe_paths_and_reads_the_settings_the_deployments_set(
    contract: Contract,
) -> None:
    paths = set(create_app(Settings()).openapi()["paths"])
    assert {contract.readiness_path, contract.liveness_path, contract.metrics_path} <= paths
    assert contract.replica_header == REPLICA_HEADER
    fields = {f"TMINUS_{name.upper()}" for name in Settings.model_fields}
    assert {"TMINUS_MODELS_DIR", "TMINUS_DATA_DIR", "TMINUS_REPLICA"} <= fields
    assert {"TMINUS_RELOAD_INTERVAL_S", "TMINUS_ADMIN_KEY"} <= fields


def test_the_updater_image_and_its_loop_use_the_data_and_models_dirs(contract: Contract) -> None:
    stage = dockerfile_instructions(UPDATER_DOCKERFILE)
    by = {keyword: [rest for k, rest in stage if k == keyword] for keyword, _ in stage}
    env = " ".join(by["ENV"]).split()
    assert f"TMINUS_DATA_DIR={contract.data_dir}" in env
    assert by["USER"][-1] == f"{contract.user}:{contract.user}"
    assert _args(by["CMD"][-1]) == [contract.updater_command]
    assert any(rest.endswith(f"/usr/local/bin/{contract.updater_command}") for rest in by["COPY"])
    loop = UPDATE_LOOP.read_text()
    assert f'data="${{TMINUS_DATA_DIR:-{contract.data_dir}}}"' in loop
    assert f'models="${{TMINUS_MODELS_DIR:-{contract.models_dir}}}"' in loop


# ---- compose and the balancer ------------------------------------------------------------
def test_compose_mounts_the_registry_read_only_where_the_image_reads_it(
    contract: Contract,
) -> None:
    services = compose()["services"]
    replica = services["tminus"]
    assert _port_of(replica["command"]) == contract.port
    assert replica["expose"] == [str(contract.port)]
    assert replica["environment"]["TMINUS_MODELS_DIR"] == contract.models_dir
    assert f"models:{contract.models_dir}:ro" in replica["volumes"]
    assert replica["read_only"] is True
    assert replica["tmpfs"] == [contract.tmp_dir]
    updater = services["updater"]
    assert updater["environment"]["TMINUS_MODELS_DIR"] == contract.models_dir
    assert updater["environment"]["TMINUS_DATA_DIR"] == contract.data_dir
    assert {f"models:{contract.models_dir}", f"data:{contract.data_dir}"} <= set(updater["volumes"])
    (seed,) = services["models-init"]["command"]
    assert f"--models-dir {contract.models_dir}" in seed
    assert f"chown -R {contract.user}:{contract.user}" in seed
    (published,) = services["balancer"]["ports"]
    assert published.endswith(f":{contract.balancer_port}")


def test_the_balancer_checks_readiness_on_the_service_port(contract: Contract) -> None:
    config = HAPROXY.read_text()
    assert re.search(rf"^\s*bind :{contract.balancer_port}$", config, re.M)
    assert re.search(rf"^\s*option httpchk GET {re.escape(contract.readiness_path)}$", config, re.M)
    assert re.search(rf"^\s*server-template \S+ \S+ tminus:{contract.port} ", config, re.M)


# ---- Kubernetes ----------------------------------------------------------------------------
def _container(resource: dict[str, Any]) -> dict[str, Any]:
    (container,) = pod_spec(resource)["containers"]
    return container


def _env(container: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("value") for e in container.get("env", [])}


def _mounts(container: dict[str, Any]) -> dict[str, str]:
    return {m["name"]: m["mountPath"] for m in container["volumeMounts"]}


def test_the_deployment_probes_the_image_on_its_port_and_paths(contract: Contract) -> None:
    deployment = k8s_resource("Deployment", "tminus")
    container = _container(deployment)
    assert _port_of(container["args"]) == contract.port
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": contract.port}
    probes = {
        kind: (container[kind]["httpGet"]["path"], container[kind]["httpGet"]["port"])
        for kind in ("startupProbe", "readinessProbe", "livenessProbe")
    }
    assert probes == {
        "startupProbe": (contract.liveness_path, "http"),
        "readinessProbe": (contract.readiness_path, "http"),
        "livenessProbe": (contract.liveness_path, "http"),
    }
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == str(contract.port)
    assert annotations["prometheus.io/path"] == contract.metrics_path
    assert _env(container)["TMINUS_MODELS_DIR"] == contract.models_dir
    assert _mounts(container) == {"models": contract.models_dir, "tmp": contract.tmp_dir}


@pytest.mark.parametrize(
    ("kind", "name"),
    [("Deployment", "tminus"), ("Job", "tminus-models-seed"), ("CronJob", "tminus-update")],
)
def test_every_pod_runs_as_the_image_user(contract: Contract, kind: str, name: str) -> None:
    context = pod_spec(k8s_resource(kind, name))["securityContext"]
    assert (context["runAsUser"], context["runAsGroup"]) == (contract.uid, contract.gid)
    assert context["fsGroup"] == contract.gid
    assert context["runAsNonRoot"] is True
    assert _container(k8s_resource(kind, name))["securityContext"]["readOnlyRootFilesystem"]


def test_the_updater_job_writes_where_the_image_and_the_replicas_read(contract: Contract) -> None:
    container = _container(k8s_resource("CronJob", "tminus-update"))
    env = _env(container)
    assert (env["TMINUS_MODELS_DIR"], env["TMINUS_DATA_DIR"]) == (
        contract.models_dir,
        contract.data_dir,
    )
    assert _mounts(container) == {
        "models": contract.models_dir,
        "data": contract.data_dir,
        "tmp": contract.tmp_dir,
    }
    seed = " ".join(_container(k8s_resource("Job", "tminus-models-seed"))["args"])
    assert f"--models-dir {contract.models_dir}" in seed
