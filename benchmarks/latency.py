"""Single-prediction latency: the raw predictor, the service's layers, and HTTP to uvicorn.

Every row times the same one-launch ``launch_failure`` question, sequentially, and reports the
median and 99th percentile over ``--runs`` calls, with its median as a multiple of the raw
predictor's median measured in the same run. The predictor remembers the answers it gave
(every question after the data cutoff is read at the cutoff, so a service sees few distinct
ones): rows marked "a new question" empty that memo before each call, and "about a past date"
asks about another past date each call (a read of the record at that moment, not at its end).
"validate JSON + predict + serialise" is what the service's fast path does with a request's
bytes (the route's ``TypeAdapter``, then ``ModelSpec.render``). The HTTP rows go to a real
``tminus serve`` (uvicorn, one worker, no access log) on 127.0.0.1 over one keep-alive
connection; ``GET /healthz`` there is the floor that HTTP alone costs.

    python benchmarks/latency.py                      # champions in TMINUS_MODELS_DIR/models
    python benchmarks/latency.py --train --runs 200   # train into a temp registry first
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import httpx  # noqa: E402 - after capping native threads
from pydantic import TypeAdapter  # noqa: E402
from starlette.types import ASGIApp, Message, Scope  # noqa: E402

from servers import start_tminus, stop  # noqa: E402 - benchmarks/servers.py
from tminus.app import create_app  # noqa: E402
from tminus.predictors.kinds import MODEL_NAMES  # noqa: E402
from tminus.predictors.launch_failure import LaunchFailurePredictor, LaunchQuery  # noqa: E402
from tminus.registry.errors import RegistryError  # noqa: E402
from tminus.registry.store import Registry  # noqa: E402
from tminus.serving.models import MODELS_BY_NAME  # noqa: E402
from tminus.serving.schemas import LaunchItem  # noqa: E402
from tminus.settings import Settings, get_settings  # noqa: E402

BODY = {"vehicle": "Falcon 9", "date": "2026-03-01", "site": "CC", "pad": "LC40"}
PATH = "/v1/launch-failure"


def percentiles(samples_ns: list[int]) -> tuple[float, float]:
    """Median and 99th percentile in microseconds."""
    ordered = sorted(samples_ns)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered) / 1e3, p99 / 1e3


def time_sync(call: Callable[[], object], runs: int, warmup: int) -> list[int]:
    """Nanoseconds of each of ``runs`` calls after ``warmup`` untimed ones."""
    for _ in range(warmup):
        call()
    out = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        call()
        out.append(time.perf_counter_ns() - start)
    return out


async def time_async(call: Callable[[], Awaitable[object]], runs: int, warmup: int) -> list[int]:
    """As :func:`time_sync`, for a coroutine function."""
    for _ in range(warmup):
        await call()
    out = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        await call()
        out.append(time.perf_counter_ns() - start)
    return out


async def call_asgi(app: ASGIApp, method: str, path: str, body: bytes) -> int:
    """One request straight into the ASGI app (no client, no socket); returns the status."""
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"bench"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    status = 0

    async def receive() -> Message:
        if messages:
            return messages.pop()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    await app(scope, receive, send)
    if status != 200:
        raise RuntimeError(f"{method} {path} answered {status}")
    return status


def train_registry(root: Path) -> None:
    """Train and promote every model from the processed tables into ``root``."""
    from tminus.training.pipeline import train_and_register

    settings = get_settings()
    train_and_register(
        MODEL_NAMES,
        processed=settings.processed_dir,
        registry=Registry(root),
        random_state=settings.random_state,
        promote=True,
    )


def measure(models_dir: Path, runs: int, warmup: int, *, http: bool) -> list[tuple[str, list[int]]]:
    """Every row's samples, in table order."""
    registry = Registry(models_dir)
    predictor = registry.load_alias("launch_failure", "champion").predictor
    assert isinstance(predictor, LaunchFailurePredictor)
    query = LaunchQuery(
        vehicle="Falcon 9", date=dt.datetime(2026, 3, 1, tzinfo=dt.UTC), site="CC", pad="LC40"
    )
    app = create_app(Settings(models_dir=models_dir), models=("launch_failure",))
    store = app.state.store
    store.refresh()
    item = LaunchItem.model_validate(BODY)
    raw_json = json.dumps(BODY).encode()

    served = store.snapshot.get("launch_failure").predictor_as(LaunchFailurePredictor)

    def cold(call: Callable[[], object]) -> Callable[[], object]:
        """``call`` with the predictors' memo emptied first: a question never asked before."""

        def run() -> object:
            predictor._memo.clear()
            served._memo.clear()
            return call()

        return run

    spec = MODELS_BY_NAME["launch_failure"]
    body = TypeAdapter(spec.body)

    def from_json() -> object:
        return spec.render(store.snapshot, body.validate_json(raw_json))

    # Another past date each call: 2,000 days of 2015-2020, cycled.
    past = [
        json.dumps({**BODY, "date": (dt.date(2015, 1, 1) + dt.timedelta(days=d)).isoformat()})
        for d in range(2000)
    ]
    turn = itertools.count()

    def from_json_past() -> object:
        raw = past[next(turn) % len(past)]
        return spec.render(store.snapshot, body.validate_json(raw))

    rows: list[tuple[str, list[int]]] = [
        (
            "predictor.predict (raw, baseline)",
            time_sync(lambda: predictor.predict(query), runs, warmup),
        ),
        (
            "predictor.predict, a new question (memo emptied)",
            time_sync(cold(lambda: predictor.predict(query)), runs, warmup),
        ),
        (
            "the model's prediction function (launch_failure's entry, no JSON)",
            time_sync(lambda: spec.run(store.snapshot, item), runs, warmup),
        ),
        ("validate JSON + predict + serialise", time_sync(from_json, runs, warmup)),
        (
            "validate JSON + predict + serialise, a new question",
            time_sync(cold(from_json), runs, warmup),
        ),
        (
            "validate JSON + predict + serialise, a new question about a past date",
            time_sync(cold(from_json_past), runs, warmup),
        ),
    ]

    rows.append(
        (
            "GET /healthz in-process (ASGI floor)",
            asyncio.run(time_async(lambda: call_asgi(app, "GET", "/healthz", b""), runs, warmup)),
        )
    )
    rows.append(
        (
            f"POST {PATH} in-process (ASGI, no network)",
            asyncio.run(time_async(lambda: call_asgi(app, "POST", PATH, raw_json), runs, warmup)),
        )
    )

    if http:
        logs = Path(tempfile.mkdtemp(prefix="tminus-bench-latency-"))
        server = start_tminus(models_dir, logs)
        url = server.base
        try:
            with httpx.Client(base_url=url, timeout=10) as client:
                assert client.post(PATH, json=BODY).status_code == 200
                rows.append(
                    (
                        "GET /healthz over HTTP (HTTP floor)",
                        time_sync(lambda: client.get("/healthz"), runs, warmup),
                    )
                )
                rows.append(
                    (
                        f"POST {PATH} over HTTP (uvicorn)",
                        time_sync(lambda: client.post(PATH, json=BODY), runs, warmup),
                    )
                )
        finally:
            stop(server)
    return rows


def render(rows: list[tuple[str, list[int]]], runs: int) -> str:
    """The results as a fixed-width table."""
    base_median = percentiles(rows[0][1])[0]
    width = max(len(name) for name, _ in rows)
    lines = [
        f"launch_failure, one launch, {runs} sequential runs per row (µs)",
        f"{'measurement':<{width}}  {'median':>9}  {'p99':>9}  {'× raw median':>12}",
        "-" * (width + 36),
    ]
    for name, samples in rows:
        median, p99 = percentiles(samples)
        lines.append(f"{name:<{width}}  {median:9.1f}  {p99:9.1f}  {median / base_median:12.1f}")
    return "\n".join(lines)


def main() -> None:
    """Parse arguments, find or train champions, measure, print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models-dir", type=Path, default=None, help="Registry with champions.")
    parser.add_argument("--train", action="store_true", help="Train into a temporary registry.")
    parser.add_argument("--runs", type=int, default=2000, help="Timed calls per row.")
    parser.add_argument("--warmup", type=int, default=200, help="Untimed calls first.")
    parser.add_argument("--no-http", action="store_true", help="Skip the uvicorn rows.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tminus-bench-") as tmp:
        models_dir = args.models_dir or get_settings().models_dir
        if args.train:
            models_dir = Path(tmp) / "models"
            train_registry(models_dir)
        try:
            Registry(models_dir).resolve("launch_failure", "champion")
        except RegistryError as exc:
            sys.exit(f"{exc}: train first (make retrain) or pass --train / --models-dir")
        rows = measure(models_dir, args.runs, args.warmup, http=not args.no_http)
    print(render(rows, args.runs))


if __name__ == "__main__":
    main()
