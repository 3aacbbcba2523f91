"""The served models: immutable snapshots swapped atomically when an alias moves.

A :class:`Snapshot` maps each model name to one loaded, verified version and never changes.
A request takes the store's current snapshot once, at its start, and answers from it alone,
so a reload in the middle of a request cannot mix two versions. :meth:`ModelStore.refresh`
builds a new snapshot and replaces the reference in one assignment; a version that fails
verification or loading is refused, logged and counted, and the old version keeps serving.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, Final, Literal, TypeVar

from tminus.predictors.base import Predictor
from tminus.registry.errors import AliasNotFoundError, ModelNotFoundError, RegistryError
from tminus.registry.store import LoadedModel, Registry
from tminus.serving.errors import ModelUnavailableError
from tminus.serving.schemas import Provenance

log = logging.getLogger(__name__)

SERVED_ALIAS: Final = "champion"
P = TypeVar("P", bound=Predictor)
T = TypeVar("T")


def parse_cutoff(value: object) -> dt.date | None:
    """The ``data.cutoff`` of a version's metadata as a date, None if absent or malformed."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class ServedModel:
    """One loaded, verified model version and what every answer from it must carry."""

    name: str
    loaded: LoadedModel
    loaded_at: dt.datetime
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def version(self) -> str:
        """The registry version id."""
        return self.loaded.version.version

    @property
    def predictor(self) -> Predictor:
        """The rebuilt predictor."""
        return self.loaded.predictor

    def predictor_as(self, kind: type[P]) -> P:
        """The predictor, checked to be a ``kind`` (the registry guarantees it per model name)."""
        predictor = self.loaded.predictor
        if not isinstance(predictor, kind):
            raise TypeError(f"{self.name} is served by a {type(predictor).__name__}")
        return predictor

    def memo(self, key: str, build: Callable[[], T]) -> T:
        """``build()``, computed once per loaded version (views derived from an immutable one)."""
        if key not in self._memo:
            self._memo[key] = build()
        value: T = self._memo[key]
        return value

    @cached_property
    def provenance(self) -> Provenance:
        """Model, version, data cutoff and attribution, built once per loaded version."""
        metadata = self.loaded.version.metadata
        data = metadata.get("data")
        attribution = metadata.get("attribution")
        return Provenance(
            model=self.name,
            version=self.version,
            data_cutoff=parse_cutoff(data.get("cutoff") if isinstance(data, dict) else None),
            attribution=[str(a) for a in attribution] if isinstance(attribution, list) else [],
        )


@dataclass(frozen=True)
class Snapshot:
    """Model name -> served version; immutable, so a request sees one consistent set."""

    models: Mapping[str, ServedModel] = field(default_factory=lambda: MappingProxyType({}))

    def get(self, name: str) -> ServedModel:
        """The served version of ``name``; :class:`ModelUnavailableError` if none is loaded."""
        served = self.models.get(name)
        if served is None:
            raise ModelUnavailableError(name)
        return served


@dataclass(frozen=True)
class Refusal:
    """A version that was refused, and why."""

    version: str
    reason: str
    at: dt.datetime


ReloadStatus = Literal["unchanged", "loaded", "refused", "missing"]


@dataclass(frozen=True)
class Reload:
    """What a refresh did for one model."""

    status: ReloadStatus
    version: str | None
    detail: str | None = None


class StoreListener:
    """Hooks for observers (metrics); the default does nothing."""

    def loaded(self, served: ServedModel, previous: ServedModel | None) -> None:
        """A version was swapped in."""

    def refused(self, model: str, version: str, reason: str) -> None:
        """A version was refused."""


def load_served(registry: Registry, model: str, version: str) -> ServedModel:
    """Verify and load one version (blocking: file reads, hashing, JSON parsing)."""
    loaded = registry.load(model, version)
    return ServedModel(name=model, loaded=loaded, loaded_at=dt.datetime.now(dt.UTC))


class ModelStore:
    """Holds the current :class:`Snapshot` and moves it forward when aliases move.

    ``refresh`` is blocking (registry I/O) and serialised by a lock; the app runs it in a worker
    thread. Reading :attr:`snapshot` is a single attribute read and never blocks.
    """

    def __init__(
        self,
        registry: Registry,
        models: Iterable[str],
        *,
        alias: str = SERVED_ALIAS,
        listener: StoreListener | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.registry = registry
        self.names: tuple[str, ...] = tuple(models)
        self.alias = alias
        self.listener = listener or StoreListener()
        self._clock = clock
        self._snapshot = Snapshot()
        self._refused: dict[str, Refusal] = {}
        self._lock = threading.Lock()

    @property
    def snapshot(self) -> Snapshot:
        """The current snapshot; take it once per request."""
        return self._snapshot

    @property
    def refused(self) -> Mapping[str, Refusal]:
        """The last refused version of each model whose alias still points at it."""
        return MappingProxyType(dict(self._refused))

    @property
    def missing(self) -> list[str]:
        """Served models without a loaded version."""
        current = self._snapshot.models
        return [name for name in self.names if name not in current]

    @property
    def ready(self) -> bool:
        """Whether every served model has a loaded, verified version."""
        return not self.missing

    def refresh(self, *, force: bool = False) -> dict[str, Reload]:
        """Load every model whose alias points at a version other than the served one.

        A version refused before is not retried until the alias moves, unless ``force``.
        Returns what happened per model; swaps the snapshot once if anything loaded.
        """
        with self._lock:
            current = self._snapshot
            updates: dict[str, ServedModel] = {}
            outcome: dict[str, Reload] = {}
            for name in self.names:
                outcome[name] = self._refresh_one(name, current, updates, force=force)
            self._install(updates)
            return outcome

    def _install(self, updates: Mapping[str, ServedModel]) -> None:
        """Swap in a new snapshot with ``updates`` (one assignment; callers hold the lock)."""
        if not updates:
            return
        current = self._snapshot
        self._snapshot = Snapshot(MappingProxyType({**current.models, **updates}))
        for name, served in updates.items():
            self._refused.pop(name, None)
            self.listener.loaded(served, current.models.get(name))
        del current
        # A served model is a large object graph that lives until the next swap. Freezing it
        # (after one full collection, so no cyclic garbage is frozen with it) keeps the cyclic
        # collector from walking it again and again: without this, full collections during a
        # big batch paused the service for 100-250 ms. A replaced version holds no reference
        # cycles, so reference counting frees it when its last request ends (tested).
        gc.collect()
        gc.freeze()

    def move_alias(self, name: str, alias: str, version: str) -> ServedModel | None:
        """Point ``alias`` at ``version``; for the served alias, load it first and serve it now.

        A version that cannot be loaded raises (a registry error) and the alias does not move,
        so the running service and the registry never disagree about what is live.
        Returns the served version of ``name`` afterwards.
        """
        with self._lock:
            if alias != self.alias or name not in self.names:
                self.registry.set_alias(name, alias, version)
                return self._snapshot.models.get(name)
            served = load_served(self.registry, name, version)
            self.registry.set_alias(name, alias, version)
            self._install({name: served})
            log.info("moved %s %s to %s and serving it", name, alias, version)
            return served

    def _refresh_one(
        self, name: str, current: Snapshot, updates: dict[str, ServedModel], *, force: bool
    ) -> Reload:
        served = current.models.get(name)
        try:
            version = self.registry.resolve(name, self.alias)
        except (AliasNotFoundError, ModelNotFoundError) as exc:
            if served is None:
                return Reload("missing", None, self.registry.redact(str(exc)))
            # An alias that disappears does not take a working model away.
            return Reload(
                "unchanged",
                served.version,
                self.registry.redact(f"{exc}; still serving {served.version}"),
            )
        except RegistryError as exc:
            log.warning("cannot read the %s alias of %s: %s", self.alias, name, exc)
            if served is None:
                return Reload("missing", None, self.registry.redact(str(exc)))
            return Reload("unchanged", served.version, self.registry.redact(str(exc)))
        if served is not None and served.version == version:
            self._refused.pop(name, None)
            return Reload("unchanged", version)
        refusal = self._refused.get(name)
        if refusal is not None and refusal.version == version and not force:
            return Reload("refused", version, refusal.reason)
        try:
            updates[name] = load_served(self.registry, name, version)
        except Exception as exc:  # any failure to load refuses the version, never the service
            log.error(
                "refused %s version %s (%s: %s); still serving %s",
                name,
                version,
                type(exc).__name__,
                exc,
                served.version if served else "nothing",
            )
            # What clients see (/readyz): no server paths.
            reason = self.registry.redact(f"{type(exc).__name__}: {exc}")
            self._refused[name] = Refusal(version=version, reason=reason, at=self._clock())
            self.listener.refused(name, version, reason)
            return Reload("refused", version, reason)
        self._refused.pop(name, None)
        log.info(
            "loaded %s version %s (was %s)", name, version, served.version if served else "none"
        )
        return Reload("loaded", version)

    async def poll(self, interval_s: float) -> None:
        """Refresh every ``interval_s`` seconds, off the event loop, until cancelled."""
        while True:
            await asyncio.sleep(interval_s)
            try:
                await asyncio.to_thread(self.refresh)
            except Exception:  # the poller must outlive any one bad refresh
                log.exception("model refresh failed")
