"""Year-long open plans: how long ``/v1/plan`` takes to rank every vehicle, pad and date.

An open plan names no vehicle: the planner considers every vehicle T-Minus' reference and the
record offer, places each on its pads, asks ``pad_turnaround`` when each pad is free and
``launch_failure`` the risk on the dates tried (one batch each), and ranks the options. Each
row is one year-long window (2027) and a mission a planner might send; "every date" adds a
risk tolerance, so the planner scores every pair on every weekly date of the year.

Three ways of asking, each the median and 99th percentile of ``--runs`` sequential calls:

* **new plan, in process**: JSON bytes in, JSON bytes out (the route's ``TypeAdapter``, the
  planner, the response's JSON), with every predictor's memo emptied before each call;
* **repeated, in process**: the same, memos kept (the dashboard asking again);
* **over HTTP**: ``POST /v1/plan`` to a real ``tminus serve`` (uvicorn, one worker) on
  127.0.0.1 over one keep-alive connection (memos kept).

The baseline, measured in the same run, is one ``launch_failure`` question the same way (JSON
to JSON, a new question): the ratio says how many single questions a whole plan costs. The
target (#22): a year-long open plan answers in under 20 ms, printed as met or not per row.

    python benchmarks/plan.py                       # champions in TMINUS_MODELS_DIR/models
    python benchmarks/plan.py --runs 20 --output benchmarks/RESULTS_PLAN.md
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import httpx  # noqa: E402 - after capping native threads
from pydantic import TypeAdapter  # noqa: E402

from latency import percentiles, time_sync  # noqa: E402 - benchmarks/latency.py
from servers import start_tminus, stop  # noqa: E402 - benchmarks/servers.py
from tminus.app import create_app  # noqa: E402
from tminus.registry.errors import RegistryError  # noqa: E402
from tminus.registry.store import Registry  # noqa: E402
from tminus.serving.models import MODELS_BY_NAME  # noqa: E402
from tminus.serving.state import Snapshot  # noqa: E402
from tminus.settings import Settings, get_settings  # noqa: E402
from tminus.tools.planner import plan_mission  # noqa: E402
from tminus.tools.schemas import PlanRequest  # noqa: E402

TARGET_MS = 20.0
YEAR = {"earliest_date": "2027-01-01", "latest_date": "2027-12-31"}
PLANS: dict[str, dict[str, object]] = {
    "open: any vehicle, any orbit": {},
    "500 kg to SSO": {"payload_mass_kg": 500, "orbit": "SSO"},
    "5.5 t to GTO": {"payload_mass_kg": 5500, "orbit": "GTO"},
    "9 t to LEO": {"payload_mass_kg": 9000, "orbit": "LEO"},
    "open, every date (5% tolerance)": {"max_failure_probability": 0.05},
}
ONE_LAUNCH = {"vehicle": "Falcon 9", "date": "2026-03-01", "site": "CC", "pad": "LC40"}


@dataclasses.dataclass(frozen=True)
class Row:
    """One plan: what it found, and the samples (ns) of each way of asking."""

    label: str
    options: int
    unknown: int
    excluded: int
    samples: dict[str, list[int]]


def empty_memos(snapshot: Snapshot) -> None:
    """Forget every answer the served predictors remember: the next call is a new question."""
    for served in snapshot.models.values():
        predictor = served.predictor
        for memo in ("_memo", "_bands", "_pads"):
            remembered = getattr(predictor, memo, None)
            if isinstance(remembered, dict):
                remembered.clear()


def measure(models_dir: Path, runs: int, warmup: int) -> tuple[list[int], list[Row]]:
    """The baseline's samples and every plan's rows."""
    app = create_app(Settings(models_dir=models_dir))
    store = app.state.store
    store.refresh()
    plan_body = TypeAdapter(PlanRequest)
    spec = MODELS_BY_NAME["launch_failure"]
    one_body = TypeAdapter(spec.body)
    one_raw = json.dumps(ONE_LAUNCH).encode()

    def one_question() -> object:
        empty_memos(store.snapshot)
        return spec.render(store.snapshot, one_body.validate_json(one_raw))

    baseline = time_sync(one_question, runs, warmup)
    rows: list[Row] = []
    logs = Path(tempfile.mkdtemp(prefix="tminus-bench-plan-"))
    server = start_tminus(models_dir, logs)
    try:
        with httpx.Client(base_url=server.base, timeout=30) as client:
            for label, mission in PLANS.items():
                raw = json.dumps({**YEAR, **mission}).encode()

                def in_process(raw: bytes = raw) -> bytes:
                    request = plan_body.validate_json(raw)
                    return plan_mission(store.snapshot, request).model_dump_json().encode()

                def new_plan(call: Callable[[], bytes] = in_process) -> bytes:
                    empty_memos(store.snapshot)
                    return call()

                def over_http(raw: bytes = raw, label: str = label) -> bytes:
                    response = client.post(
                        "/v1/plan", content=raw, headers={"content-type": "application/json"}
                    )
                    if response.status_code != 200:
                        raise RuntimeError(f"{label}: HTTP {response.status_code} {response.text}")
                    return response.content

                answer = json.loads(over_http())
                if answer != json.loads(in_process()):
                    raise RuntimeError(f"{label}: the server and the planner in process disagree")
                print(f"{label} ...", flush=True)
                rows.append(
                    Row(
                        label,
                        answer["options_total"],
                        answer["options_unknown_capacity"],
                        answer["excluded_total"],
                        {
                            "new plan, in process": time_sync(new_plan, runs, warmup),
                            "repeated, in process": time_sync(in_process, runs, warmup),
                            "over HTTP": time_sync(over_http, runs, warmup),
                        },
                    )
                )
    finally:
        stop(server)
    return baseline, rows


def render(baseline: list[int], rows: list[Row], runs: int, command: str) -> str:
    base_us = percentiles(baseline)[0]
    lines = [
        "# Year-long plans",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC with `{command}`; "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the end. Window "
        f"{YEAR['earliest_date']} to {YEAR['latest_date']}, weekly dates. Each figure is the "
        f"median (and p99) of {runs} sequential calls; the baseline, one `launch_failure` "
        f"question JSON to JSON with the memos emptied, took {base_us:.0f} µs in the same run.",
        "",
        "| plan | options (unknown capacity) | excluded | asked | median | p99 "
        "| × one question | under 20 ms |",
        "|---|---:|---:|---|---:|---:|---:|:---:|",
    ]
    for row in rows:
        for way, samples in row.samples.items():
            median_us, p99_us = percentiles(samples)
            met = "yes" if median_us / 1000 < TARGET_MS else "**no**"
            lines.append(
                f"| {row.label} | {row.options} ({row.unknown}) | {row.excluded} | {way} | "
                f"{median_us / 1000:.1f} ms | {p99_us / 1000:.1f} ms | "
                f"{median_us / base_us:.0f} | {met} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models-dir", type=Path, default=None, help="Registry with champions.")
    parser.add_argument("--runs", type=int, default=50, help="Timed calls per row.")
    parser.add_argument("--warmup", type=int, default=5, help="Untimed calls first.")
    parser.add_argument("--output", type=Path, default=None, help="Also write the table here.")
    args = parser.parse_args()
    models_dir = (args.models_dir or get_settings().models_dir).resolve()
    try:
        Registry(models_dir).resolve("launch_failure", "champion")
    except RegistryError as exc:
        sys.exit(f"{exc}: train first (make retrain) or pass --models-dir")
    baseline, rows = measure(models_dir, args.runs, args.warmup)
    command = " ".join(["python benchmarks/plan.py", *sys.argv[1:]])
    table = render(baseline, rows, args.runs, command)
    print(table)
    if args.output is not None:
        args.output.write_text(table)


if __name__ == "__main__":
    main()
