"""Cost as the record grows: a new question, batches, cold start and memory at 1x, 10x, 100x.

The real record is 1x. At k x every launch on record is there k times, the copies a few
seconds apart: the same vehicles, families, providers, sites and pads, each with a timeline k
times as long. That is the hard case for an as-of read (every key's arrays grow, not just
their number); a record that grows by new vehicles instead only makes the keys more numerous.

For each scale, the four models that read the record (``launch_failure``, ``launch_anomaly``,
``pad_turnaround``, ``return_to_flight``) are the champions' fitted weights over the scaled
record, registered in a temporary registry beside the other champions, and measured as the
service runs them:

* the record file's size and the columnar index's arrays;
* the snapshot's load from the registry (verify, parse, build: what a start or a reload does);
* cold start of ``tminus serve`` (process start to ready) and its memory after 200 requests;
* a new question in process, JSON to JSON (memo emptied): about a future date (read at the
  record's end) and about a past date;
* batches in process, JSON to JSON: 10,000 future rows (the record's last two years' vehicles
  and pads), 10,000 past launches each at its own date.

It ends with the slopes: memory and cold start per 10,000 launches, and how much slower a new
question is at the largest scale than at 1x. ``docs/SCALING.md`` reads them.

    python benchmarks/scaling.py                       # 1x, 10x, 100x (about 2 min)
    python benchmarks/scaling.py --scales 1 2 --runs 200 --starts 1   # smoke (CI)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import httpx  # noqa: E402 - after capping native threads
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from pydantic import TypeAdapter  # noqa: E402

from servers import start_tminus, stop, tree_rss_mb  # noqa: E402 - benchmarks/servers.py
from tminus.data import schema as S  # noqa: E402
from tminus.data.tables import load_table  # noqa: E402
from tminus.predictors.asof import LaunchRecord  # noqa: E402
from tminus.predictors.kinds import MODEL_NAMES, predictor_class  # noqa: E402
from tminus.predictors.launch_failure import LaunchFailurePredictor  # noqa: E402
from tminus.registry.errors import RegistryError  # noqa: E402
from tminus.registry.store import RECORD, Registry  # noqa: E402
from tminus.serving.models import MODELS_BY_NAME  # noqa: E402
from tminus.serving.state import ModelStore  # noqa: E402
from tminus.settings import get_settings  # noqa: E402
from tminus.training.frames import build_history, walk_launches  # noqa: E402
from tminus.training.launch_failure import risk_launches  # noqa: E402

READERS = ("launch_failure", "launch_anomaly", "pad_turnaround", "return_to_flight")
# Copies of a launch are this many seconds apart.
SPREAD_S = 5
FUTURE = {"vehicle": "Falcon 9", "date": "2026-03-01", "site": "CC", "pad": "LC40"}
BATCH_ROWS = 10_000


@dataclass(frozen=True)
class Scale:
    """One scale's figures."""

    k: int
    launches: int
    keys: int
    record_mb: float
    index_mb: float
    load_s: float
    cold_s: float
    rss_mb: float
    new_future_us: float
    new_past_us: float
    future_rows_s: float
    past_rows_s: float


def scaled(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    """Every launch ``k`` times, copy ``c`` at ``c * SPREAD_S`` seconds after the original."""
    if k == 1:
        return frame
    copies = frame.loc[frame.index.repeat(k)].reset_index(drop=True)
    copy = np.tile(np.arange(k), len(frame))
    copies[S.LAUNCH_TIME] = copies[S.LAUNCH_TIME] + pd.to_timedelta(copy * SPREAD_S, unit="s")
    copies[S.LAUNCH_TAG] = copies[S.LAUNCH_TAG].astype(str) + "." + copy.astype(str)
    return copies.sort_values([S.LAUNCH_TIME, S.LAUNCH_TAG], kind="mergesort").reset_index(
        drop=True
    )


def build_registry(champions: Registry, frame: pd.DataFrame, root: Path) -> LaunchRecord:
    """The champions in ``root``, the readers of the record over ``frame`` instead."""
    template = champions.load_alias("launch_failure", "champion").predictor
    assert isinstance(template, LaunchFailurePredictor)
    record = LaunchRecord(build_history(list(walk_launches(frame))), template.reference)
    target = Registry(root)
    others = [name for name in MODEL_NAMES if name not in READERS]
    champions.export("champion", root, models=others)
    for name in READERS:
        loaded = champions.load_alias(name, "champion")
        state = {**loaded.predictor.to_state(), "record": record}
        predictor = predictor_class(name).from_state(state)
        version = target.register(
            name, predictor=predictor, metadata=loaded.version.metadata, files={}
        )
        target.set_alias(name, "champion", version.version)
    return record


def median_us(call: Callable[[], object], runs: int) -> float:
    for _ in range(max(runs // 10, 1)):
        call()
    samples = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        call()
        samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples) / 1e3


def rows_per_s(call: Callable[[], object], rows: int, runs: int = 3) -> float:
    call()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return rows / statistics.median(samples)


def batches(frame: pd.DataFrame) -> tuple[bytes, bytes]:
    """10,000 future rows like the last two years' launches, and 10,000 past launches."""
    rng = random.Random(7)
    last = frame[S.LAUNCH_TIME].max()
    recent = frame[frame[S.LAUNCH_TIME] > last - pd.Timedelta(days=730)]

    def item(row: object, day: dt.date) -> dict[str, object]:
        out: dict[str, object] = {"vehicle": row.vehicle, "date": day.isoformat()}  # type: ignore[attr-defined]
        site, pad = row.site, row.pad  # type: ignore[attr-defined]
        if isinstance(site, str):
            out["site"] = site
            if isinstance(pad, str):
                out["pad"] = pad
        return out

    start = dt.date(2026, 1, 1)
    future = [
        item(row, start + dt.timedelta(days=rng.randrange(730)))
        for row in recent.sample(BATCH_ROWS, replace=True, random_state=7).itertuples()
    ]
    past = [
        item(row, row.launch_time.date())
        for row in frame.sample(
            BATCH_ROWS, replace=len(frame) < BATCH_ROWS, random_state=11
        ).itertuples()
    ]
    return json.dumps({"items": future}).encode(), json.dumps({"items": past}).encode()


def in_process(
    root: Path, frame: pd.DataFrame, runs: int
) -> tuple[float, tuple[float, float], tuple[float, float]]:
    """The snapshot's load (s); a new question's median, future and past (µs); batches of
    future rows and past launches (rows/s): JSON to JSON, as the fast path answers."""
    start = time.perf_counter()
    store = ModelStore(Registry(root), MODEL_NAMES)
    store.refresh()
    load_s = time.perf_counter() - start
    assert not store.missing, store.missing
    spec = MODELS_BY_NAME["launch_failure"]
    body = TypeAdapter(spec.body)
    served = store.snapshot.get("launch_failure").predictor_as(LaunchFailurePredictor)
    future_raw = json.dumps(FUTURE).encode()
    turn = iter(range(10**9))

    def new_future() -> object:
        served._memo.clear()
        return spec.render(store.snapshot, body.validate_json(future_raw))

    def new_past() -> object:
        served._memo.clear()
        day = dt.date(2015, 1, 1) + dt.timedelta(days=next(turn) % 2000)
        raw = json.dumps({**FUTURE, "date": day.isoformat()})
        return spec.render(store.snapshot, body.validate_json(raw))

    future_batch, past_batch = batches(frame)
    return (
        load_s,
        (median_us(new_future, runs), median_us(new_past, runs)),
        (
            rows_per_s(
                lambda: spec.render(store.snapshot, body.validate_json(future_batch)), BATCH_ROWS
            ),
            rows_per_s(
                lambda: spec.render(store.snapshot, body.validate_json(past_batch)), BATCH_ROWS
            ),
        ),
    )


def measure(k: int, frame: pd.DataFrame, champions: Registry, args: argparse.Namespace) -> Scale:
    with tempfile.TemporaryDirectory(prefix=f"tminus-scale-{k}x-") as tmp:
        root = Path(tmp) / "models"
        print(f"{k}x: {len(frame):,} launches, building and registering the record ...", flush=True)
        record = build_registry(champions, frame, root)
        record_file = next(root.glob(f"launch_failure/*/{RECORD}"))
        keys = sum(
            len(group)
            for group in (record.history.vehicles, record.history.families, record.history.pads)
        )
        index_mb = record.index.nbytes / 2**20
        del record

        load_s, latencies, rates = in_process(root, frame, args.runs)
        spec = MODELS_BY_NAME["launch_failure"]
        colds, rss = [], []
        for _ in range(args.starts):
            server = start_tminus(root, Path(tmp))
            try:
                with httpx.Client(base_url=server.base, timeout=60) as client:
                    for i in range(200):
                        day = dt.date(2015, 1, 1) + dt.timedelta(days=i)
                        answer = client.post(spec.path, json={**FUTURE, "date": day.isoformat()})
                        answer.raise_for_status()
                colds.append(server.ready_s)
                rss.append(tree_rss_mb(server.process.pid))
            finally:
                stop(server)
        return Scale(
            k=k,
            launches=len(frame),
            keys=keys,
            record_mb=record_file.stat().st_size / 2**20,
            index_mb=index_mb,
            load_s=load_s,
            cold_s=statistics.median(colds),
            rss_mb=statistics.median(rss),
            new_future_us=latencies[0],
            new_past_us=latencies[1],
            future_rows_s=rates[0],
            past_rows_s=rates[1],
        )


def render(scales: Sequence[Scale], args: argparse.Namespace) -> str:
    lines = [
        "| scale | launches | keys | record file (MB) | index arrays (MB) | snapshot load (s) | "
        "cold start (s) | memory after load (MB) | new question, future / past (µs) | "
        "batch of 10,000: future / past (rows/s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in scales:
        lines.append(
            f"| {s.k}x | {s.launches:,} | {s.keys:,} | {s.record_mb:.1f} | {s.index_mb:.1f} | "
            f"{s.load_s:.2f} | {s.cold_s:.2f} | {s.rss_mb:.0f} | "
            f"{s.new_future_us:.0f} / {s.new_past_us:.0f} | "
            f"{s.future_rows_s:,.0f} / {s.past_rows_s:,.0f} |"
        )
    first, last = scales[0], scales[-1]
    if last.launches > first.launches:
        per = (last.launches - first.launches) / 10_000
        lines += [
            "",
            f"From {first.k}x to {last.k}x ({first.launches:,} to {last.launches:,} launches): "
            f"memory {(last.rss_mb - first.rss_mb) / per:.1f} MB, cold start "
            f"{(last.cold_s - first.cold_s) / per * 1000:.0f} ms and the record file "
            f"{(last.record_mb - first.record_mb) / per:.2f} MB per 10,000 launches more; a new "
            f"question takes {last.new_future_us / first.new_future_us:.2f} x (future) and "
            f"{last.new_past_us / first.new_past_us:.2f} x (past) its time at {first.k}x, the "
            f"past-launch batch {first.past_rows_s / last.past_rows_s:.2f} x.",
        ]
    header = [
        f"Scaling, measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC with "
        f"`{args.command_line}`: new questions median of {args.runs}, batches median of 3, "
        f"cold start median of {args.starts} (memory after 200 requests).",
        "",
    ]
    return "\n".join(header + lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--runs", type=int, default=2000, help="New questions timed per scale.")
    parser.add_argument("--starts", type=int, default=3, help="Cold starts per scale.")
    parser.add_argument("--models-dir", type=Path, default=None, help="Registry with champions.")
    parser.add_argument("--output", type=Path, default=None, help="Also write the table here.")
    args = parser.parse_args()
    args.command_line = " ".join(["python benchmarks/scaling.py", *sys.argv[1:]])
    champions = Registry((args.models_dir or get_settings().models_dir).resolve())
    try:
        for name in MODEL_NAMES:
            champions.resolve(name, "champion")
    except RegistryError as exc:
        sys.exit(f"{exc}: train first (make retrain) or pass --models-dir")
    frame = risk_launches(load_table(S.LAUNCHES, get_settings().processed_dir))
    results = [measure(k, scaled(frame, k), champions, args) for k in sorted(set(args.scales))]
    report = render(results, args)
    print()
    print(report)
    if args.output is not None:
        args.output.write_text(f"# Scaling benchmark\n\n{report}\n")
        print(f"written to {args.output}")


if __name__ == "__main__":
    main()
