"""Helpers of the reliability tests: figures, registry checks, digests; the live server is
``tests/live_server.py``'s, re-exported here."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.live_server import Server, serve, tminus_command

from tminus.registry.store import Registry

__all__ = ["Server", "serve", "tminus_command"]

ADMIN_KEY = "reliability-admin-key"
MODEL = "launch_failure"


class Figures:
    """Where a test writes the figures it measured, one line each (see conftest.py)."""

    def __init__(self, record: Callable[[str], None], point: str) -> None:
        self._record = record
        self._point = point

    def add(self, text: str) -> None:
        """Record one line under this test's point (e.g. "1. Fuzzing")."""
        self._record(f"[{self._point}] {text}")


def add_version(root: Path, model: str = MODEL) -> str:
    """Register the champion's predictor again as a new version (a stand-in for a retrain)."""
    registry = Registry(root)
    loaded = registry.load_alias(model, "champion")
    files = {
        p.name: p.read_bytes() for p in loaded.version.path.iterdir() if p.suffix in {".md", ".png"}
    }
    record = registry.register(
        model, predictor=loaded.predictor, metadata=loaded.version.metadata, files=files
    )
    return record.version


def tree_digest(root: Path) -> str:
    """sha256 over every file under ``root``: relative path and bytes, in path order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(root).as_posix()}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class RegistryCheck:
    """What a full check of a registry found."""

    versions: int
    aliases: int
    leftovers: int


def check_registry(root: Path) -> RegistryCheck:
    """Every listed version verifies against its manifest and every alias names one of them.

    Raises (a registry error or an AssertionError) on a partial version or a dangling alias.
    Temporary files of interrupted writes are counted, not listed: listing must ignore them.
    """
    registry = Registry(root)
    versions = aliases = leftovers = 0
    for model in registry.models():
        listed = {v.version: v for v in registry.versions(model)}
        for record in listed.values():
            registry.verify(record)
        for alias, version in registry.aliases(model).items():
            assert version in listed, f"{model} alias {alias} -> {version}, which is not listed"
            aliases += 1
        versions += len(listed)
        folder = root / model
        leftovers += sum(1 for p in folder.iterdir() if p.name.startswith("."))
        if (folder / "aliases").is_dir():
            leftovers += sum(1 for p in (folder / "aliases").iterdir() if p.name.startswith("."))
    return RegistryCheck(versions=versions, aliases=aliases, leftovers=leftovers)
