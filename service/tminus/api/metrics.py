"""Prometheus metrics of one app: requests and latency per route and model version, loads.

Each app owns its :class:`CollectorRegistry`, so several apps (tests) never clash. The
middleware is plain ASGI (no per-request task or body copy) to keep its cost in microseconds.

Several worker processes (``tminus serve --workers N``) share one listening socket, so a scrape
reaches one of them at random. They therefore run in prometheus_client's multiprocess mode:
``tminus serve`` points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh folder before the workers
start, each worker writes its values there, and ``/metrics`` answers the sum over all of them
(:func:`render_metrics`). Counters and histograms add up; the loaded-version gauge counts the
live workers serving each version. One worker (the default) keeps everything in memory.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from pathlib import Path
from typing import Any, Final

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess as prometheus_multiprocess
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tminus.serving.state import ServedModel, StoreListener

# Latency buckets from 100 µs to 10 s: single predictions sit at the bottom, big batches at the top.
BUCKETS: Final = (
    0.0001,
    0.00025,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    10.0,
)
# Scope keys the prediction routes fill in, read back by the middleware.
MODEL_KEY: Final = "tminus.model"
VERSION_KEY: Final = "tminus.version"
UNMATCHED: Final = "<unmatched>"
# Set before the worker processes start (and so before they import prometheus_client).
MULTIPROC_ENV: Final = "PROMETHEUS_MULTIPROC_DIR"
_LIVE_GAUGE_FILE: Final = re.compile(r"^gauge_live[a-z]+_(\d+)\.db$")


class Metrics(StoreListener):
    """The app's metrics; also listens to the model store for loads and refusals."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        labels = ("method", "route", "status", "model", "version")
        self.requests = Counter(
            "tminus_requests",
            "HTTP requests by route, status and the model version that answered.",
            labels,
            registry=self.registry,
        )
        self.latency = Histogram(
            "tminus_request_duration_seconds",
            "Time from request start to the last response byte, per route and model version.",
            ("method", "route", "model", "version"),
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.predictions = Counter(
            "tminus_predictions",
            "Predicted items (a batch counts each item), per model version.",
            ("model", "version"),
            registry=self.registry,
        )
        self.loaded_version = Gauge(
            "tminus_model_loaded",
            "Worker processes serving each model version (1 for the served version with one "
            "worker; 0 for a version no longer served).",
            ("model", "version"),
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self.loaded_at = Gauge(
            "tminus_model_loaded_timestamp_seconds",
            "When the served version of each model was loaded (Unix time; the latest load "
            "among the workers).",
            ("model",),
            registry=self.registry,
            multiprocess_mode="livemax",
        )
        self.reloads = Counter(
            "tminus_model_reloads",
            "Versions swapped in after an alias moved (including the first load).",
            ("model",),
            registry=self.registry,
        )
        self.refusals = Counter(
            "tminus_model_reloads_refused",
            "Versions refused because they failed verification or loading.",
            ("model",),
            registry=self.registry,
        )
        self._request_children: dict[tuple[str, str, int, str, str], tuple[Any, Any]] = {}
        self._prediction_children: dict[tuple[str, str], Any] = {}

    # ---- StoreListener ------------------------------------------------------------------
    def loaded(self, served: ServedModel, previous: ServedModel | None) -> None:
        """Move the loaded-version gauge and count the swap."""
        if previous is not None:
            # Zero first: in multiprocess mode the value lives in a file that remove() leaves.
            self.loaded_version.labels(previous.name, previous.version).set(0)
            with contextlib.suppress(KeyError):
                self.loaded_version.remove(previous.name, previous.version)
        self.loaded_version.labels(served.name, served.version).set(1)
        self.loaded_at.labels(served.name).set(served.loaded_at.timestamp())
        self.reloads.labels(served.name).inc()

    def refused(self, model: str, version: str, reason: str) -> None:
        """Count a refusal."""
        self.refusals.labels(model).inc()

    # ---- request side -------------------------------------------------------------------
    # ``labels()`` takes a lock and builds a key on every call: the children are looked up once
    # per label set and kept (request labels are bounded: routes x statuses x served versions).
    def observe(
        self, *, method: str, route: str, status: int, model: str, version: str, seconds: float
    ) -> None:
        """Record one finished request."""
        key = (method, route, status, model, version)
        children = self._request_children.get(key)
        if children is None:
            children = (
                self.requests.labels(method, route, str(status), model, version),
                self.latency.labels(method, route, model, version),
            )
            self._request_children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def count_predictions(self, model: str, version: str, items: int) -> None:
        """Count predicted items for a model version."""
        child = self._prediction_children.get((model, version))
        if child is None:
            child = self._prediction_children[(model, version)] = self.predictions.labels(
                model, version
            )
        child.inc(items)


def multiprocess_dir() -> Path | None:
    """The folder the worker processes share their metrics in, if they do."""
    value = os.environ.get(MULTIPROC_ENV)
    return Path(value) if value else None


def render_metrics(metrics: Metrics) -> bytes:
    """The text exposition of ``metrics``, or of every worker's metrics in multiprocess mode."""
    folder = multiprocess_dir()
    if folder is None:
        return generate_latest(metrics.registry)
    forget_dead_workers(folder)
    registry = CollectorRegistry()
    # prometheus_client leaves its multiprocess helpers untyped.
    prometheus_multiprocess.MultiProcessCollector(registry, path=str(folder))  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def forget_dead_workers(folder: Path) -> None:
    """Drop the live gauges of worker processes that are gone (e.g. killed and replaced).

    Their counters and histograms stay: what a dead worker counted was still served.
    """
    for path in folder.glob("gauge_live*.db"):
        match = _LIVE_GAUGE_FILE.match(path.name)
        if match is None:
            continue
        pid = int(match.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            prometheus_multiprocess.mark_process_dead(pid, str(folder))  # type: ignore[no-untyped-call]
        except PermissionError:  # alive, another user's
            continue


def note_served(request: Request, served: ServedModel, items: int) -> None:
    """Tell the metrics middleware which model version answered this request."""
    request.scope[MODEL_KEY] = served.name
    request.scope[VERSION_KEY] = served.version
    metrics = getattr(request.app.state, "metrics", None)
    if isinstance(metrics, Metrics):
        metrics.count_predictions(served.name, served.version, items)


class MetricsMiddleware:
    """Time every HTTP request and count it by route template, status and model version."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Wrap ``send`` to see the status; label by the matched route's path template."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None)
            self.metrics.observe(
                method=str(scope.get("method", "")),
                route=template if isinstance(template, str) else UNMATCHED,
                status=status,
                model=str(scope.get(MODEL_KEY, "")),
                version=str(scope.get(VERSION_KEY, "")),
                seconds=time.perf_counter() - start,
            )
