"""2. Kubernetes manifests: every one valid for the pinned Kubernetes version, and complete.

No cluster runs here: each resource of deploy/k8s is validated against the Kubernetes schemas
that ``kubernetes-validate`` ships, for the version pinned in deploy/contract.toml, in strict
mode (an unknown or misspelt field is an error). Then what the issue asks of them: 3 replicas
with readiness and liveness probes, resource requests and limits, a non-root user, a read-only
root filesystem and the admin key from a Secret; a Service, a ReadWriteMany claim for the
models, a CronJob for the updater, an autoscaler on CPU and a disruption budget, all pointing
at the same pods. That the probes, ports, user and paths are the image's own is
test_contract.py's part.
"""

from __future__ import annotations

import copy
from typing import Any

import kubernetes_validate
import pytest

from .manifests import K8S, k8s_resource, k8s_resources, kustomization, load_contract, pod_spec

API_SELECTOR = {"app.kubernetes.io/name": "tminus", "app.kubernetes.io/component": "api"}


def _validate(resource: dict[str, Any]) -> None:
    kubernetes_validate.validate(resource, load_contract().kubernetes_version, strict=True)


def test_kustomization_lists_every_manifest_and_nothing_else() -> None:
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert sorted(kustomization()["resources"]) == sorted(files)


@pytest.mark.parametrize(
    "resource",
    [doc for _, doc in k8s_resources()],
    ids=[f"{path.name}:{doc['kind']}/{doc['metadata']['name']}" for path, doc in k8s_resources()],
)
def test_every_resource_is_valid_for_the_pinned_kubernetes_version(
    resource: dict[str, Any],
) -> None:
    _validate(resource)


def test_the_validator_refuses_a_misspelt_field() -> None:
    # Strict mode is what catches a typo that kubectl would silently drop.
    broken = copy.deepcopy(k8s_resource("Deployment"))
    container = pod_spec(broken)["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError, match="readinesProbe"):
        _validate(broken)


def test_the_deployment_runs_three_hardened_probed_replicas_with_the_admin_key_from_a_secret() -> (
    None
):
    deployment = k8s_resource("Deployment", "tminus")
    assert deployment["spec"]["replicas"] == 3
    assert deployment["spec"]["selector"]["matchLabels"] == API_SELECTOR
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    pod = pod_spec(deployment)
    assert pod["securityContext"]["runAsNonRoot"] is True
    (container,) = pod["containers"]
    for probe in ("readinessProbe", "livenessProbe"):
        assert "httpGet" in container[probe], probe
    for kind in ("requests", "limits"):
        assert set(container["resources"][kind]) == {"cpu", "memory"}, kind
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    env = {e["name"]: e for e in container["env"]}
    assert env["TMINUS_ADMIN_KEY"]["valueFrom"]["secretKeyRef"]["name"] == "tminus-admin"
    mounts = {m["name"]: m for m in container["volumeMounts"]}
    assert mounts["models"]["readOnly"] is True
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["models"]["persistentVolumeClaim"]["claimName"] == "tminus-models"


def test_the_models_claim_is_shared_by_every_replica_and_the_updater() -> None:
    claim = k8s_resource("PersistentVolumeClaim", "tminus-models")
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    for kind, name in (("Deployment", "tminus"), ("CronJob", "tminus-update")):
        claims = {
            v["persistentVolumeClaim"]["claimName"]
            for v in pod_spec(k8s_resource(kind, name))["volumes"]
            if "persistentVolumeClaim" in v
        }
        assert "tminus-models" in claims, kind


def test_the_updater_runs_one_cycle_of_the_update_loop_on_a_schedule() -> None:
    cron = k8s_resource("CronJob", "tminus-update")
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    (container,) = pod_spec(cron)["containers"]
    assert container["command"] == [load_contract().updater_command, "--once"]
    assert container["image"] == "tminus-updater"
    assert pod_spec(cron)["securityContext"]["runAsNonRoot"] is True


def test_service_autoscaler_and_budget_point_at_the_deployment_pods() -> None:
    deployment = k8s_resource("Deployment", "tminus")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    service = k8s_resource("Service", "tminus")
    assert service["spec"]["selector"].items() <= labels.items()
    (port,) = service["spec"]["ports"]
    (container,) = pod_spec(deployment)["containers"]
    assert port["targetPort"] in {p["name"] for p in container["ports"]}
    hpa = k8s_resource("HorizontalPodAutoscaler", "tminus")
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "tminus",
    }
    assert hpa["spec"]["minReplicas"] == deployment["spec"]["replicas"]
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    pdb = k8s_resource("PodDisruptionBudget", "tminus")
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert pdb["spec"]["minAvailable"] < deployment["spec"]["replicas"]
