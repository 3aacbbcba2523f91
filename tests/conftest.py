"""Shared fixtures: the real mirrored data, built once, and a registry trained on it.

The mirror is ``$DATA_MIRROR`` or ``../shared/datasets`` relative to the project root. CI
always has it beside the clone, so a missing mirror fails loudly instead of skipping.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: The tier of each test directory, a marker registered in pyproject.toml.
TIERS = {
    "unit": "unit",
    "integration": "integration",
    "reliability": "reliability",
    "e2e": "browser",
    "deploy": "deploy",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test with its directory's tier, so ``-m`` selects tiers the same way."""
    here = Path(__file__).parent
    for item in items:
        folder = item.path.relative_to(here).parts[0]
        if folder not in TIERS:
            raise pytest.UsageError(f"{item.nodeid}: tests live in one of {sorted(TIERS)}")
        item.add_marker(TIERS[folder])


@pytest.fixture(scope="session")
def data_mirror() -> Path:
    """The read-only public data mirror."""
    path = Path(os.environ.get("DATA_MIRROR", "../shared/datasets"))
    path = path if path.is_absolute() else ROOT / path
    assert (path / "gcat" / "launchlog.tsv").is_file(), (
        f"data mirror not found at {path}: set DATA_MIRROR to the shared datasets folder"
    )
    return path


@pytest.fixture(scope="session")
def processed_dir(data_mirror: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Processed tables built from the mirror by the real fetch and build steps."""
    from tminus.data.build import build_tables
    from tminus.data.fetch import fetch_sources
    from tminus.data.manifest import load_manifest

    data_dir = tmp_path_factory.mktemp("session-data")
    sources = load_manifest(ROOT / "datasets" / "sources.toml")
    fetch_sources(sources, data_dir / "raw", mirror=data_mirror)
    build_tables(sources, data_dir / "raw", data_dir / "processed")
    return data_dir / "processed"


@pytest.fixture(scope="session")
def champion_registry(processed_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A registry where every model was trained on the mirror and promoted to champion.

    Tests that change aliases must copy it first (see ``registry_copy``).
    """
    from tminus.predictors.kinds import MODEL_NAMES
    from tminus.registry.store import Registry
    from tminus.training.pipeline import train_and_register

    root = tmp_path_factory.mktemp("session-models")
    outcomes = train_and_register(
        MODEL_NAMES,
        processed=processed_dir,
        registry=Registry(root),
        random_state=7,
        promote=True,
    )
    not_promoted = [o.model for o in outcomes if not o.promoted]
    assert not not_promoted, f"models not promoted on the mirror: {not_promoted}"
    return root


@pytest.fixture(scope="session")
def snapshot(champion_registry: Path) -> Any:
    """Every champion loaded and verified, as a service holds them (read-only)."""
    from tminus.predictors.kinds import MODEL_NAMES
    from tminus.registry.store import Registry
    from tminus.serving.state import ModelStore

    store = ModelStore(Registry(champion_registry), MODEL_NAMES)
    store.refresh()
    assert not store.missing, f"champions that did not load: {store.missing}"
    return store.snapshot


@pytest.fixture
def registry_copy(champion_registry: Path, tmp_path: Path) -> Path:
    """A private copy of the champion registry that a test may change."""
    import shutil

    dest = tmp_path / "models"
    shutil.copytree(champion_registry, dest)
    return dest


@pytest.fixture(autouse=True, scope="session")
def _isolated_settings() -> Iterator[None]:
    """Tests see none of the caller's TMINUS_* settings (an admin key, an LLM endpoint...).

    Session-scoped so that module- and session-scoped apps are built without them too.
    """
    from tminus.settings import get_settings

    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("TMINUS_"):
                patch.delenv(name)
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    from tests.reporting import collect

    collect(report)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.reporting import print_sections

    print_sections(terminalreporter)
