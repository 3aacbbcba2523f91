"""5. Tampering: altered versions are refused; a running service keeps the version it had.

Each case registers a clean copy of the champion, alters it on disk, then checks the three ways
a version can go live: loading it (refused with a clear, typed error), moving the alias through
the registry (``tminus promote``) or the admin API (refused, the alias does not move), and an
alias file rewritten behind the registry's back while a real ``tminus serve`` runs: the server
refuses the version, keeps answering from the one it had, and reports the refusal in
``/readyz``, ``/metrics`` and its log. The pickle gadgets would create a marker file if anything
ever unpickled them; the marker must never appear.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tminus.registry.errors import ArtifactIntegrityError, RegistryError, UnsafeArtifactError
from tminus.registry.store import MANIFEST, Registry

from .live import ADMIN_KEY, MODEL, Figures, Server, add_version, serve

REFUSAL_TIMEOUT_S = 15.0


class Gadget:
    """Unpickling this opens (creates) ``marker`` for writing: a stand-in for any payload."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self) -> tuple[Callable[..., object], tuple[str, str]]:
        return (open, (self.marker, "w"))


def _resign(folder: Path, name: str) -> None:
    """List ``name`` in the version's manifest with its true hash, as an attacker could."""
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["files"][name] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    (folder / MANIFEST).write_text(json.dumps(manifest))


def flip_a_byte(folder: Path, marker: Path, name: str = "artifact.json") -> None:
    artifact = folder / name
    data = bytearray(artifact.read_bytes())
    data[len(data) // 2] ^= 0x01
    artifact.write_bytes(bytes(data))


def flip_a_byte_in_the_record(folder: Path, marker: Path) -> None:
    flip_a_byte(folder, marker, "record.json")


def replace_the_record_by_a_pickle(folder: Path, marker: Path) -> None:
    (folder / "record.json").write_bytes(pickle.dumps(Gadget(marker)))
    _resign(folder, "record.json")


def forge_the_metadata(folder: Path, marker: Path) -> None:
    metadata = folder / "metadata.json"
    meta = json.loads(metadata.read_text())
    meta["data"]["cutoff"] = "2030-01-01"  # a plausible lie: newer data than it was trained on
    metadata.write_text(json.dumps(meta))


def add_a_pickle(name: str) -> Callable[[Path, Path], None]:
    def tamper(folder: Path, marker: Path) -> None:
        (folder / name).write_bytes(pickle.dumps(Gadget(marker)))
        _resign(folder, name)  # the manifest vouches for it: only the type allow-list stops it

    return tamper


def replace_the_artifact_by_a_pickle(folder: Path, marker: Path) -> None:
    (folder / "artifact.json").write_bytes(pickle.dumps(Gadget(marker)))
    _resign(folder, "artifact.json")


def name_a_pickle_as_the_kind(folder: Path, marker: Path) -> None:
    gadget = pickle.dumps(Gadget(marker)).hex()
    (folder / "artifact.json").write_text(json.dumps({"kind": "pickle", "state": {"b": gadget}}))
    _resign(folder, "artifact.json")


@dataclass(frozen=True)
class Tamper:
    alter: Callable[[Path, Path], None]
    error: type[RegistryError]
    message: str  # a regex the refusal must match


TAMPERS = {
    "flipped byte in the artifact": Tamper(
        flip_a_byte, ArtifactIntegrityError, r"artifact\.json has sha256 .* the file was changed"
    ),
    "metadata not matching its hash": Tamper(
        forge_the_metadata, ArtifactIntegrityError, r"metadata\.json has sha256 .* was changed"
    ),
    "pickle gadget listed in the manifest": Tamper(
        add_a_pickle("model.pkl"), UnsafeArtifactError, r"\['model\.pkl'\] are not allowed"
    ),
    "joblib gadget listed in the manifest": Tamper(
        add_a_pickle("model.joblib"), UnsafeArtifactError, r"\['model\.joblib'\] are not allowed"
    ),
    "artifact of kind 'pickle', re-signed": Tamper(
        name_a_pickle_as_the_kind, UnsafeArtifactError, r"artifact kind 'pickle' is not allowed"
    ),
    "artifact replaced by a re-signed pickle": Tamper(
        replace_the_artifact_by_a_pickle, ArtifactIntegrityError, r"artifact\.json: unreadable"
    ),
    "flipped byte in the launch record": Tamper(
        flip_a_byte_in_the_record, ArtifactIntegrityError, r"record\.json has sha256 .* changed"
    ),
    "launch record replaced by a re-signed pickle": Tamper(
        replace_the_record_by_a_pickle, ArtifactIntegrityError, r"record\.json: unreadable"
    ),
}


@pytest.fixture(scope="module")
def tamper_registry(champion_registry: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tamper") / "models"
    shutil.copytree(champion_registry, root)
    return root


@pytest.fixture(scope="module")
def server(tamper_registry: Path) -> Iterator[Server]:
    with serve(
        tamper_registry, tamper_registry.parent, admin_key=ADMIN_KEY, reload_interval_s=0.2
    ) as running:
        yield running


def _write_alias_behind_the_registrys_back(root: Path, version: str) -> None:
    """What a bad copy or an intruder could do: the registry's own set_alias would refuse."""
    alias = root / MODEL / "aliases" / "champion"
    tmp = alias.with_name(".champion.tamper")
    tmp.write_text(json.dumps({"version": version}) + "\n")
    os.replace(tmp, alias)


def _refusals(server: Server) -> float:
    metrics = httpx.get(f"{server.url}/metrics", timeout=5.0).text
    found = re.search(
        rf'^tminus_model_reloads_refused_total\{{model="{MODEL}"\}} (\S+)$', metrics, re.M
    )
    return float(found.group(1)) if found else 0.0


def test_a_pickle_gadget_is_live(tmp_path: Path) -> None:
    """Unpickled, the gadget does create its marker: the marker never appearing means something."""
    marker = tmp_path / "unpickled"
    opened = pickle.loads(pickle.dumps(Gadget(marker)))  # the point of this test
    opened.close()
    assert marker.exists()


@pytest.mark.parametrize("case", TAMPERS)
def test_a_tampered_version_is_refused_and_the_running_service_keeps_its_version(
    server: Server, tamper_registry: Path, tmp_path: Path, figures: Figures, case: str
) -> None:
    tamper = TAMPERS[case]
    registry = Registry(tamper_registry)
    served = registry.resolve(MODEL, "champion")
    marker = tmp_path / "gadget-ran"
    version = add_version(tamper_registry)
    tamper.alter(tamper_registry / MODEL / version, marker)

    # 1. Loading it, and moving the alias through the registry (`tminus promote`): refused.
    with pytest.raises(tamper.error, match=tamper.message):
        registry.load(MODEL, version)
    with pytest.raises(tamper.error, match=tamper.message):
        registry.set_alias(MODEL, "champion", version)
    # 2. Through the admin API: a 409 naming the problem; nothing moves.
    moved = httpx.put(
        f"{server.url}/v1/models/{MODEL}/aliases/champion",
        json={"version": version},
        headers={"X-API-Key": ADMIN_KEY},
        timeout=30.0,
    )
    assert moved.status_code == 409, moved.text
    problem = moved.json()["detail"][0]
    assert problem["type"] in {"artifact_integrity", "unsafe_artifact"}
    assert re.search(tamper.message, problem["msg"]), problem
    assert registry.resolve(MODEL, "champion") == served

    # 3. The alias rewritten on disk while the server runs: refused, the old version serves.
    refusals = _refusals(server)
    _write_alias_behind_the_registrys_back(tamper_registry, version)
    deadline = time.monotonic() + REFUSAL_TIMEOUT_S
    while True:
        ready = httpx.get(f"{server.url}/readyz", timeout=5.0).json()
        refused = ready["refused"].get(MODEL)
        if refused is not None and refused["version"] == version:
            break
        assert time.monotonic() < deadline, f"no refusal reported in time: {ready}"
        time.sleep(0.1)
    assert ready["status"] == "ready"
    assert ready["models"][MODEL] == served
    assert tamper.error.__name__ in refused["reason"], refused
    answer = httpx.post(
        f"{server.url}/v1/launch-failure",
        json={"vehicle": "Falcon 9", "date": "2026-03-01"},
        timeout=10.0,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["version"] == served
    assert _refusals(server) == refusals + 1
    assert f"refused {MODEL} version {version}" in server.output()
    assert not marker.exists(), "a pickle gadget was unpickled"
    reason = refused["reason"].split(f"{version}: ", 1)[-1].split(f"{version}/", 1)[-1]
    figures.add(
        f"{case}: {tamper.error.__name__} ({reason[:70]}...); promote and admin API refused "
        f"(409); the running server kept serving {served[-4:]} and reported the refusal in "
        "/readyz, /metrics and its log; gadget marker absent"
    )

    # Put the alias back on the good version for the next case.
    registry.set_alias(MODEL, "champion", served)
