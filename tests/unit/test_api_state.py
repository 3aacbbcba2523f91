"""The model store: atomic snapshot swaps when an alias moves, refusal of bad versions."""

from __future__ import annotations

import datetime as dt
import gc
import weakref
from pathlib import Path

import pytest

from tminus.api.errors import registry_problem
from tminus.predictors.launch_failure import LaunchFailurePredictor, LaunchQuery
from tminus.registry.errors import (
    AliasNotFoundError,
    ArtifactIntegrityError,
    ModelNotFoundError,
    RegistryError,
    UnsafeArtifactError,
    VersionExistsError,
    VersionNotFoundError,
)
from tminus.registry.store import ARTIFACT, Registry
from tminus.serving.state import ModelStore, ModelUnavailableError, ServedModel, StoreListener
from tminus.training import launch_failure

from .synthetic import launch_tables

MODEL = "launch_failure"
WHEN = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


class Recorder(StoreListener):
    """Remembers what the store reported."""

    def __init__(self) -> None:
        self.loads: list[tuple[str, str | None]] = []
        self.refusals: list[tuple[str, str]] = []

    def loaded(self, served: ServedModel, previous: ServedModel | None) -> None:
        self.loads.append((served.version, previous.version if previous else None))

    def refused(self, model: str, version: str, reason: str) -> None:
        self.refusals.append((model, version))


@pytest.fixture(scope="module")
def predictor() -> LaunchFailurePredictor:
    trained = launch_failure.train(launch_tables(), random_state=0)
    assert isinstance(trained.predictor, LaunchFailurePredictor)
    return trained.predictor


def _register(registry: Registry, predictor: LaunchFailurePredictor) -> str:
    metadata = {"data": {"cutoff": "2019-12-31"}, "attribution": ["synthetic launches"]}
    record = registry.register(
        MODEL, predictor=predictor, metadata=metadata, files={"MODEL_CARD.md": b"# card\n"}
    )
    return record.version


def _store(root: Path) -> tuple[ModelStore, Recorder]:
    recorder = Recorder()
    return ModelStore(Registry(root), [MODEL], listener=recorder), recorder


def test_not_ready_until_the_champion_is_loaded(
    tmp_path: Path, predictor: LaunchFailurePredictor
) -> None:
    store, _ = _store(tmp_path)
    assert store.refresh()[MODEL].status == "missing"
    assert not store.ready
    with pytest.raises(ModelUnavailableError):
        store.snapshot.get(MODEL)
    registry = Registry(tmp_path)
    version = _register(registry, predictor)
    assert store.refresh()[MODEL].status == "missing"  # a version without the alias is not live
    registry.set_alias(MODEL, "champion", version)
    assert store.refresh()[MODEL].status == "loaded"
    assert store.ready
    served = store.snapshot.get(MODEL)
    assert served.version == version
    assert served.provenance.data_cutoff == dt.date(2019, 12, 31)
    assert served.provenance.attribution == ["synthetic launches"]


def test_a_moved_alias_swaps_the_snapshot_but_old_snapshots_stay_whole(
    tmp_path: Path, predictor: LaunchFailurePredictor
) -> None:
    registry = Registry(tmp_path)
    v1, v2 = _register(registry, predictor), _register(registry, predictor)
    registry.set_alias(MODEL, "champion", v1)
    store, recorder = _store(tmp_path)
    store.refresh()
    before = store.snapshot  # what an in-flight request holds
    assert store.refresh()[MODEL].status == "unchanged"
    assert store.snapshot is before  # nothing moved, nothing rebuilt
    registry.set_alias(MODEL, "champion", v2)
    assert store.refresh()[MODEL].status == "loaded"
    assert store.snapshot.get(MODEL).version == v2
    assert before.get(MODEL).version == v1  # the in-flight request still answers from v1
    assert recorder.loads == [(v1, None), (v2, v1)]
    with pytest.raises(TypeError):
        before.models[MODEL] = before.models[MODEL]  # type: ignore[index]


def test_a_replaced_version_is_freed_without_the_cyclic_collector(
    tmp_path: Path, predictor: LaunchFailurePredictor
) -> None:
    """The store freezes served models out of the collector's sight, so a replaced version
    must hold no reference cycle: with the collector off, dropping it must free it."""
    registry = Registry(tmp_path)
    v1, v2 = _register(registry, predictor), _register(registry, predictor)
    registry.set_alias(MODEL, "champion", v1)
    store, _ = _store(tmp_path)
    store.refresh()
    in_flight = store.snapshot  # a request still answering from v1 during the swap
    in_flight.get(MODEL).predictor_as(LaunchFailurePredictor).predict(
        LaunchQuery(vehicle="Alpha 1", date=WHEN)
    )
    old = weakref.ref(in_flight.get(MODEL).predictor)
    registry.set_alias(MODEL, "champion", v2)
    gc.disable()
    try:
        assert store.refresh()[MODEL].status == "loaded"
        assert old() is not None  # still in use
        del in_flight  # the request ends; no collection runs from here on
        assert old() is None, "the replaced predictor is still alive: a reference cycle?"
    finally:
        gc.enable()


def test_a_tampered_version_is_refused_once_and_the_old_one_keeps_serving(
    tmp_path: Path, predictor: LaunchFailurePredictor
) -> None:
    registry = Registry(tmp_path)
    good, bad = _register(registry, predictor), _register(registry, predictor)
    registry.set_alias(MODEL, "champion", good)
    store, recorder = _store(tmp_path)
    store.refresh()
    registry.set_alias(MODEL, "champion", bad)  # verified here, then changed on disk
    with (registry.get(MODEL, bad).path / ARTIFACT).open("a") as fh:
        fh.write(" ")
    outcome = store.refresh()[MODEL]
    assert outcome.status == "refused"
    assert outcome.detail is not None and "ArtifactIntegrityError" in outcome.detail
    assert store.snapshot.get(MODEL).version == good
    assert store.refused[MODEL].version == bad
    assert store.ready  # still serving a verified version
    # Not retried (nor re-counted) on every poll while the alias stays on it...
    store.refresh()
    assert recorder.refusals == [(MODEL, bad)]
    # ...but an explicit reload retries it, and moving the alias back clears the refusal.
    store.refresh(force=True)
    assert recorder.refusals == [(MODEL, bad), (MODEL, bad)]
    registry.set_alias(MODEL, "champion", good)
    assert store.refresh()[MODEL].status == "unchanged"
    assert MODEL not in store.refused


def test_a_vanished_alias_does_not_take_a_working_model_away(
    tmp_path: Path, predictor: LaunchFailurePredictor
) -> None:
    registry = Registry(tmp_path)
    version = _register(registry, predictor)
    registry.set_alias(MODEL, "champion", version)
    store, _ = _store(tmp_path)
    store.refresh()
    registry.delete_alias(MODEL, "champion")
    assert store.refresh()[MODEL].status == "unchanged"
    assert store.snapshot.get(MODEL).version == version


def test_moving_the_served_alias_loads_first_and_refuses_without_moving(
    tmp_path: Path, predictor: LaunchFailurePredictor
) -> None:
    registry = Registry(tmp_path)
    good, bad = _register(registry, predictor), _register(registry, predictor)
    store, _ = _store(tmp_path)
    served = store.move_alias(MODEL, "champion", good)
    assert served is not None and served.version == good
    assert store.snapshot.get(MODEL).version == good  # live at once, no poll needed
    (registry.get(MODEL, bad).path / "extra.txt").write_text("not in the manifest")
    with pytest.raises(ArtifactIntegrityError):
        store.move_alias(MODEL, "champion", bad)
    assert registry.resolve(MODEL, "champion") == good
    assert store.snapshot.get(MODEL).version == good
    # Other aliases move without touching what is served.
    store.move_alias(MODEL, "challenger", good)
    assert registry.resolve(MODEL, "challenger") == good


def test_served_predictions_equal_the_predictor(
    tmp_path: Path, predictor: LaunchFailurePredictor
) -> None:
    registry = Registry(tmp_path)
    registry.set_alias(MODEL, "champion", _register(registry, predictor))
    store, _ = _store(tmp_path)
    store.refresh()
    served = store.snapshot.get(MODEL).predictor_as(LaunchFailurePredictor)
    query = LaunchQuery(vehicle="Alpha 1", date=WHEN)
    assert served.predict(query) == predictor.predict(query)


@pytest.mark.parametrize(
    ("error", "status", "kind"),
    [
        (ModelNotFoundError("x"), 404, "model_not_found"),
        (VersionNotFoundError("x"), 404, "version_not_found"),
        (AliasNotFoundError("x"), 404, "alias_not_found"),
        (ArtifactIntegrityError("x"), 409, "artifact_integrity"),
        (UnsafeArtifactError("x"), 409, "unsafe_artifact"),
        (VersionExistsError("x"), 409, "version_exists"),
        (RegistryError("x"), 409, "registry_error"),
    ],
)
def test_registry_errors_map_to_client_errors(error: RegistryError, status: int, kind: str) -> None:
    got_status, problem = registry_problem(error)
    assert (got_status, problem.type) == (status, kind)
