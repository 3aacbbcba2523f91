"""The registry: immutable versions, atomic aliases, and loading that refuses tampering."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tminus.data.manifest import sha256_file
from tminus.features.history import LaunchHistory
from tminus.predictors.launch_failure import LaunchFailurePredictor, LaunchQuery
from tminus.registry.errors import (
    AliasNotFoundError,
    ArtifactIntegrityError,
    ModelNotFoundError,
    UnsafeArtifactError,
    VersionExistsError,
    VersionNotFoundError,
)
from tminus.registry.store import MANIFEST, RECORD, Registry, new_version_id
from tminus.training import launch_failure

from .synthetic import launch_tables


@pytest.fixture(scope="module")
def predictor() -> LaunchFailurePredictor:
    trained = launch_failure.train(launch_tables(), random_state=0)
    assert isinstance(trained.predictor, LaunchFailurePredictor)
    return trained.predictor


def _register(registry: Registry, predictor: LaunchFailurePredictor, **kwargs: object) -> str:
    record = registry.register(
        "launch_failure",
        predictor=predictor,
        metadata={"note": "test"},
        files={"MODEL_CARD.md": b"# card\n"},
        **kwargs,  # type: ignore[arg-type]
    )
    return record.version


WHEN = datetime(2030, 1, 1, tzinfo=UTC)


def test_round_trip_gives_identical_predictions(
    tmp_path: Path, predictor: LaunchFailurePredictor
) -> None:
    registry = Registry(tmp_path)
    version = _register(registry, predictor)
    loaded = registry.load("launch_failure", version).predictor
    assert isinstance(loaded, LaunchFailurePredictor)
    for vehicle in ("Alpha 1", "Alpha 2", "Beta", "Gamma"):
        q = LaunchQuery(vehicle=vehicle, date=WHEN, allow_unseen=True)  # Gamma: no table's
        assert loaded.predict(q) == predictor.predict(q)


def test_versions_are_immutable_and_sort_by_time(
    tmp_path: Path, predictor: LaunchFailurePredictor
) -> None:
    registry = Registry(tmp_path)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    # ids chosen so that plain string order would disagree with time order is impossible to
    # fake with timestamps; check instead that the sort uses time and survives many versions
    ids = [new_version_id(base + timedelta(seconds=s)) for s in (30, 5, 900, 61)]
    for v in ids:
        _register(registry, predictor, version=v)
    listed = [v.version for v in registry.versions("launch_failure")]
    assert listed == sorted(ids, key=lambda v: v.split("-")[0])
    with pytest.raises(VersionExistsError):
        _register(registry, predictor, version=ids[0])
    assert not [p for p in (tmp_path / "launch_failure").iterdir() if p.name.startswith(".tmp")]


@pytest.mark.parametrize(
    "version",
    [
        "20261399T000000000000Z-abcd",  # month 13
        "20260229T000000000000Z-abcd",  # 2026 is not a leap year
        "20260101T006000000000Z-abcd",  # minute 60
        "00000000T000000000000Z-0000",
    ],
)
def test_a_version_id_of_the_right_shape_but_an_impossible_time_is_not_found(
    tmp_path: Path, predictor: LaunchFailurePredictor, version: str
) -> None:
    registry = Registry(tmp_path)
    _register(registry, predictor)
    with pytest.raises(VersionNotFoundError, match="not a real UTC moment"):
        registry.get("launch_failure", version)


def test_aliases_move_atomically_and_resolve(
    tmp_path: Path, predictor: LaunchFailurePredictor
) -> None:
    registry = Registry(tmp_path)
    v1 = _register(registry, predictor)
    v2 = _register(registry, predictor)
    registry.set_alias("launch_failure", "champion", v1)
    assert registry.resolve("launch_failure", "champion") == v1
    registry.set_alias("launch_failure", "champion", v2)
    assert registry.aliases("launch_failure") == {"champion": v2}
    assert not [
        p for p in (tmp_path / "launch_failure" / "aliases").iterdir() if p.name.startswith(".")
    ]
    with pytest.raises(AliasNotFoundError):
        registry.resolve("launch_failure", "challenger")
    with pytest.raises(VersionNotFoundError):
        registry.set_alias("launch_failure", "champion", new_version_id())
    with pytest.raises(ModelNotFoundError):
        registry.resolve("no_such_model", "champion")


def test_tampered_artifact_is_refused(tmp_path: Path, predictor: LaunchFailurePredictor) -> None:
    registry = Registry(tmp_path)
    version = _register(registry, predictor)
    artifact = tmp_path / "launch_failure" / version / "artifact.json"
    text = artifact.read_text()
    artifact.write_text(text.replace('"intercept": ', '"intercept": 1', 1))
    with pytest.raises(ArtifactIntegrityError, match=r"artifact\.json.*changed"):
        registry.load("launch_failure", version)
    # an alias can never be pointed at a tampered version either
    with pytest.raises(ArtifactIntegrityError):
        registry.set_alias("launch_failure", "champion", version)


def test_extra_or_missing_files_are_refused(
    tmp_path: Path, predictor: LaunchFailurePredictor
) -> None:
    registry = Registry(tmp_path)
    version = _register(registry, predictor)
    folder = tmp_path / "launch_failure" / version
    (folder / "evil.pkl").write_bytes(b"\x80\x04")
    with pytest.raises(ArtifactIntegrityError, match="unexpected"):
        registry.load("launch_failure", version)
    (folder / "evil.pkl").unlink()
    (folder / "MODEL_CARD.md").unlink()
    with pytest.raises(ArtifactIntegrityError, match="missing"):
        registry.load("launch_failure", version)


def test_versions_trained_on_one_record_share_it_once_loaded(
    tmp_path: Path, predictor: LaunchFailurePredictor
) -> None:
    """The launch record is its own verified file; equal files load into one shared record."""
    registry = Registry(tmp_path)
    first, second = _register(registry, predictor), _register(registry, predictor)
    for version in (first, second):
        folder = tmp_path / "launch_failure" / version
        manifest = json.loads((folder / MANIFEST).read_text())["files"]
        assert manifest[RECORD] == sha256_file(folder / RECORD)
        state = json.loads((folder / "artifact.json").read_text())["state"]
        assert state["record"] == {"file": RECORD}  # the artifact itself stays small
    a = registry.load("launch_failure", first).predictor
    b = registry.load("launch_failure", second).predictor
    assert isinstance(a, LaunchFailurePredictor) and isinstance(b, LaunchFailurePredictor)
    assert a.record is b.record
    assert a.predict(LaunchQuery(vehicle="Beta", date=WHEN)) == predictor.predict(
        LaunchQuery(vehicle="Beta", date=WHEN)
    )


def test_a_tampered_record_is_refused(tmp_path: Path, predictor: LaunchFailurePredictor) -> None:
    registry = Registry(tmp_path)
    version = _register(registry, predictor)
    record = tmp_path / "launch_failure" / version / RECORD
    state = json.loads(record.read_text())
    state["history"]["failed"] = [0] * len(state["history"]["failed"])  # no launch ever failed
    record.write_text(json.dumps(state))
    with pytest.raises(ArtifactIntegrityError, match=r"record\.json.*changed"):
        registry.load("launch_failure", version)
    # re-signed as an attacker with write access could: still checked as data, never run
    state["history"]["day"][0] = "import os"
    record.write_text(json.dumps(state))
    manifest_path = record.parent / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    manifest["files"][RECORD] = sha256_file(record)
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(UnsafeArtifactError, match="malformed"):
        registry.load("launch_failure", version)


def test_an_artifact_with_its_history_inline_still_loads(
    tmp_path: Path, predictor: LaunchFailurePredictor
) -> None:
    """Versions written before the record had its own file keep serving, answering alike."""
    registry = Registry(tmp_path)
    version = _register(registry, predictor)
    folder = tmp_path / "launch_failure" / version
    payload = json.loads((folder / "artifact.json").read_text())
    record = json.loads((folder / RECORD).read_text())
    legacy = LaunchHistory.from_state(record["history"])
    legacy.log = None  # the per-key form those versions hold
    state = {key: value for key, value in payload["state"].items() if key != "record"}
    payload["state"] = {**state, "history": legacy.to_state(), "reference": record["reference"]}
    (folder / RECORD).unlink()
    _rewrite(folder, payload)
    manifest = json.loads((folder / MANIFEST).read_text())
    del manifest["files"][RECORD]
    (folder / MANIFEST).write_text(json.dumps(manifest))
    loaded = registry.load("launch_failure", version).predictor
    assert isinstance(loaded, LaunchFailurePredictor)
    for vehicle in ("Alpha 1", "Beta", "Gamma"):
        for when in (WHEN, datetime(2008, 5, 1, tzinfo=UTC)):
            query = LaunchQuery(vehicle=vehicle, date=when, allow_unseen=True)  # Gamma: unknown
            assert loaded.predict(query) == predictor.predict(query)


def _rewrite(folder: Path, payload: object) -> None:
    """Write a crafted artifact and re-sign the manifest, as an attacker with write access could."""
    (folder / "artifact.json").write_text(json.dumps(payload))
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["files"]["artifact.json"] = sha256_file(folder / "artifact.json")
    (folder / MANIFEST).write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    "payload",
    [
        {"kind": "builtins.eval", "state": {}},
        {"kind": "tminus.weather_scrub.v1", "state": {}},
        {"kind": "tminus.launch_failure.v1", "state": {"coef": "rm -rf /"}},
        {"kind": "tminus.launch_failure.v1"},
        ["not", "an", "object"],
    ],
)
def test_unknown_kinds_and_malformed_state_are_refused(
    tmp_path: Path, predictor: LaunchFailurePredictor, payload: object
) -> None:
    registry = Registry(tmp_path)
    version = _register(registry, predictor)
    _rewrite(tmp_path / "launch_failure" / version, payload)
    with pytest.raises(UnsafeArtifactError):
        registry.load("launch_failure", version)


def test_export_copies_only_the_aliased_versions(
    tmp_path: Path, predictor: LaunchFailurePredictor
) -> None:
    registry = Registry(tmp_path / "src")
    old = _register(registry, predictor)
    new = _register(registry, predictor)
    registry.set_alias("launch_failure", "champion", new)
    exported = registry.export("champion", tmp_path / "dest")
    assert exported == {"launch_failure": new}
    dest = Registry(tmp_path / "dest")
    assert [v.version for v in dest.versions("launch_failure")] == [new]
    assert dest.resolve("launch_failure", "champion") == new
    assert old != new
    dest.load_alias("launch_failure", "champion")


def test_an_unwritable_registry_gives_a_typed_error(
    tmp_path: Path, predictor: LaunchFailurePredictor
) -> None:
    from tminus.registry.errors import RegistryWriteError

    registry = Registry(tmp_path)
    version = _register(registry, predictor)
    # a file where the aliases folder should be: the write fails even for root
    (tmp_path / "launch_failure" / "aliases").write_text("not a folder")
    with pytest.raises(RegistryWriteError, match="not writable"):
        registry.set_alias("launch_failure", "champion", version)


def test_redact_takes_the_registry_location_out_of_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    registry = Registry(Path("models"))
    absolute = tmp_path / "models"
    message = f"models are fine; models/a/b.json bad; {absolute}/c/d.json bad; in {absolute}"
    assert registry.redact(message) == "models are fine; a/b.json bad; c/d.json bad; in <models>"


def test_a_champion_this_code_cannot_serve_is_set_aside_when_judging(
    tmp_path: Path, predictor: LaunchFailurePredictor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an upgrade that changes a predictor's state format, the old champion cannot be
    loaded: a new version is judged against the baselines alone, and the verdict says why."""
    from tminus.predictors import kinds
    from tminus.training.pipeline import usable_champion

    registry = Registry(tmp_path)
    version = _register(registry, predictor)
    registry.set_alias("launch_failure", "champion", version)
    metadata, reason = usable_champion(registry, "launch_failure")
    assert reason is None and metadata is not None
    monkeypatch.setattr(kinds, "predictor_kinds", lambda: {})  # the kind is no longer known
    metadata, reason = usable_champion(registry, "launch_failure")
    assert metadata is None
    assert reason is not None and version in reason and "cannot be served" in reason
