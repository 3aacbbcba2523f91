"""Serving benchmarks: T-Minus beside MLflow serving and the bare HTTP floor, in one run.

Three servers run side by side on 127.0.0.1, each one uvicorn worker:

* **floor**: a bare FastAPI app returning a fixed small JSON (``benchmarks/floor_app.py``);
* **mlflow**: ``mlflow models serve`` (its own virtual environment, SQLite backend) serving the
  same ``launch_failure`` champion through a pyfunc wrapper (``benchmarks/mlflow_serving/``);
* **tminus**: ``tminus serve``, ``POST /v1/launch-failure`` with one launch.

``wrk`` (a separate process, one thread) loads each at concurrency 1 and 32; rounds alternate
between the servers and every figure is the median over the rounds. The run also measures
in-process single predictions, 10,000-row batches over HTTP, cold start to ready and memory
(of all three), what the serving process imports (``python -X importtime``), and ``make
retrain`` wall time and peak memory, then checks the targets of the performance issues, each
printed as met or not beside its ratio to the floor and to MLflow measured in the same run.

    python benchmarks/serving.py                    # full run, writes benchmarks/RESULTS.md
    python benchmarks/serving.py --smoke            # seconds per step, writes nothing (CI)

Needs ``wrk`` and MLflow's virtual environment: ``make bench-deps`` installs both.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import httpx  # noqa: E402 - after capping native threads

import latency  # noqa: E402 - benchmarks/latency.py, beside this file
from servers import (  # noqa: E402 - benchmarks/servers.py
    Server,
    free_port,
    spawn,
    start_tminus,
    stop,
    tree_rss_mb,
    wait_ready,
)
from tminus.registry.errors import RegistryError  # noqa: E402
from tminus.registry.store import Registry  # noqa: E402
from tminus.settings import get_settings  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ONE_LAUNCH = {"vehicle": "Falcon 9", "date": "2026-03-01", "site": "CC", "pad": "LC40"}
CONCURRENCY = (1, 32)
BATCH_ROWS = 10_000


@dataclasses.dataclass(frozen=True)
class Target:
    """One HTTP target under load: where, and what body (None: GET)."""

    name: str
    url: str
    body: str | None


@dataclasses.dataclass(frozen=True)
class Load:
    """One wrk run's figures."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def start_floor(logs: Path) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--app-dir", str(HERE), "floor_app:app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    command += ["--no-access-log", "--log-level", "warning"]
    server = spawn("floor", command, port, logs)
    wait_ready(server, "/ping", 30)
    return server


def log_mlflow_model(python: Path, models_dir: Path, store: Path) -> str:
    """Register the champion in a fresh MLflow store (SQLite); returns the model URI."""
    done = subprocess.run(
        [
            str(python),
            str(HERE / "mlflow_serving" / "log_model.py"),
            "--registry",
            str(models_dir),
            "--code",
            str(ROOT / "service" / "tminus"),
            "--store",
            str(store),
        ],
        capture_output=True,
        text=True,
        cwd=store,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"logging the MLflow model failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip().splitlines()[-1]


def start_mlflow(python: Path, uri: str, store: Path, logs: Path) -> Server:
    port = free_port()
    bin_dir = python.parent
    command = [str(bin_dir / "mlflow"), "models", "serve", "-m", uri, "--env-manager", "local"]
    command += ["-w", "1", "-p", str(port), "-h", "127.0.0.1"]
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "MLFLOW_TRACKING_URI": f"sqlite:///{store / 'mlflow.db'}",
    }
    server = spawn("mlflow", command, port, logs, env)
    wait_ready(server, "/ping", 120)
    return server


# ---- load -------------------------------------------------------------------------------------
WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNIT_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def wrk(target: Target, connections: int, seconds: float, lua_dir: Path) -> Load:
    """One ``wrk`` run (one thread) against ``target``; refuses any non-2xx or socket error."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if target.body is not None:
        script = lua_dir / f"{target.name}.lua"
        script.write_text(
            'wrk.method = "POST"\n'
            f"wrk.body = {json.dumps(target.body)}\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
        )
        command += ["-s", str(script)]
    out = subprocess.run([*command, target.url], capture_output=True, text=True, check=True).stdout
    latencies = {m[1]: float(m[2]) * UNIT_MS[m[3]] for m in WRK_LATENCY.finditer(out)}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if rps is None or total is None or set(latencies) != {"50", "99"}:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    errors = int(non_2xx[1]) if non_2xx else 0
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors[1]))
    return Load(float(rps[1]), latencies["50"], latencies["99"], int(total[1]), errors)


def median_load(loads: Sequence[Load]) -> Load:
    return Load(
        statistics.median(x.rps for x in loads),
        statistics.median(x.p50_ms for x in loads),
        statistics.median(x.p99_ms for x in loads),
        sum(x.requests for x in loads),
        sum(x.errors for x in loads),
    )


# ---- other measurements -----------------------------------------------------------------------
def launch_rows(processed: Path) -> list[tuple[str, str | None, str | None, dt.date]]:
    """Every launch on record as (vehicle, site, pad, date), oldest first."""
    from tminus.data.tables import load_table

    table = load_table("launches", processed)
    table = table[table["category"] != "other_world"]  # lunar and planetary ascents
    return [
        (
            str(row.vehicle),
            None if not isinstance(row.site, str) else row.site,
            None if not isinstance(row.pad, str) else row.pad,
            row.launch_time.date(),
        )
        for row in table.itertuples()
    ]


def manifest(launches: Sequence[tuple[str, str | None, str | None, dt.date]], rows: int):
    """``rows`` future launches drawn like the recent record: the vehicles and pads of the last
    two years on record, weighted by flights, on dates over 2026-2027. This is the batch an
    insurer or an operator re-prices."""
    rng = random.Random(7)
    last = launches[-1][3]
    recent = [launch for launch in launches if (last - launch[3]).days <= 730]
    start = dt.date(2026, 1, 1)
    return [
        _row(vehicle, site, pad, start + dt.timedelta(days=rng.randrange(730)))
        for vehicle, site, pad, _ in rng.choices(recent, k=rows)
    ]


def historical(launches: Sequence[tuple[str, str | None, str | None, dt.date]], rows: int):
    """``rows`` real past launches, each read as of its own date: a backtest's batch."""
    rng = random.Random(11)
    return [_row(*launch) for launch in rng.sample(list(launches), k=min(rows, len(launches)))]


def _row(vehicle: str, site: str | None, pad: str | None, day: dt.date) -> dict[str, object]:
    row: dict[str, object] = {"vehicle": vehicle, "date": day.isoformat()}
    if site is not None:
        row["site"] = site
        if pad is not None:
            row["pad"] = pad
    return row


def time_post(url: str, payload: bytes, runs: int) -> list[float]:
    """Seconds per POST of ``payload`` (after one untimed call); every answer must be 200."""
    samples = []
    with httpx.Client(timeout=300) as client:
        for attempt in range(runs + 1):
            start = time.perf_counter()
            response = client.post(
                url, content=payload, headers={"content-type": "application/json"}
            )
            elapsed = time.perf_counter() - start
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}: {response.text[:300]}")
            if attempt:
                samples.append(elapsed)
    return samples


def retrain(runs: int) -> tuple[list[float], list[float]]:
    """Wall seconds and peak resident MB (largest process) of ``make retrain`` into a fresh
    registry each run; ``make`` itself, the data step and training are all included."""
    walls, peaks = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="tminus-bench-retrain-") as tmp:
            env = {**os.environ, "TMINUS_MODELS_DIR": str(Path(tmp) / "models")}
            start = time.perf_counter()
            process = subprocess.Popen(
                ["make", "--no-print-directory", "retrain"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            _, status, usage = os.wait4(process.pid, 0)
            walls.append(time.perf_counter() - start)
            process.returncode = os.waitstatus_to_exitcode(status)
            if process.returncode != 0:
                err = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"make retrain failed ({process.returncode}):\n{err[-2000:]}")
            peaks.append(usage.ru_maxrss / 1024)
    return walls, peaks


# ---- report -----------------------------------------------------------------------------------
@dataclasses.dataclass
class Results:
    load: dict[tuple[str, int], Load]
    in_process: list[tuple[str, float, float]]
    batch: dict[str, float]
    batch_rows: dict[str, int]
    cold_start: dict[str, float]
    retrain_s: float | None
    retrain_peak_mb: float | None
    serving_rss_mb: dict[str, float]
    imports: Imports
    machine_load: list[float]  # the 1-minute load average, every few seconds of the run


# What the serving process imports before it is ready, and what it must not (training, the LLM
# client, the MCP SDK: the app builds its MCP face once it is up).
NOT_IMPORTED = ("openai", "mcp", "pandas", "pyarrow", "sklearn", "scipy", "matplotlib", "joblib")
IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)$")


@dataclasses.dataclass(frozen=True)
class Imports:
    """``python -X importtime`` of what ``tminus serve`` imports before it is ready."""

    total_ms: float
    largest: list[tuple[str, float]]  # packages by the time their own modules took
    absent: list[str]  # of NOT_IMPORTED, those not imported
    present: list[str]  # of NOT_IMPORTED, those imported (a regression)


def import_profile() -> Imports:
    """Import ``tminus serve``'s path (the CLI, uvicorn, the app and the predictor kinds it
    loads) and build the app, in a fresh interpreter under ``-X importtime``."""
    code = (
        "import sys, tminus.cli, uvicorn, tminus.app, tminus.predictors.kinds as k\n"
        "from tminus.settings import Settings\n"
        "k.predictor_kinds()\n"
        "tminus.app.create_app(Settings(models_dir='unused-models-dir'))\n"
        f"print(','.join(m for m in {NOT_IMPORTED!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    # Each module's own time, summed by the package it belongs to (wherever it was imported
    # from); the top-level imports' cumulative times sum to the whole.
    by_root: dict[str, float] = {}
    total = 0.0
    for line in done.stderr.splitlines():
        match = IMPORT_LINE.match(line)
        if match is None:
            continue
        root = match[4].split(".")[0]
        by_root[root] = by_root.get(root, 0.0) + int(match[1]) / 1000
        if not match[3]:
            total += int(match[2]) / 1000
    present = [m for m in done.stdout.strip().split(",") if m]
    largest = sorted(by_root.items(), key=lambda item: -item[1])[:8]
    absent = [m for m in NOT_IMPORTED if m not in present]
    return Imports(total_ms=total, largest=largest, absent=absent, present=present)


@contextmanager
def load_samples(every_s: float = 5.0) -> Iterator[list[float]]:
    """The machine's 1-minute load average every ``every_s`` seconds while inside: how much
    other work shared the machine (the ratios to the floor and MLflow of the same run are what
    compare across runs)."""
    samples = [os.getloadavg()[0]]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(every_s):
            samples.append(os.getloadavg()[0])

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield samples
    finally:
        done.set()
        thread.join()
        samples.append(os.getloadavg()[0])


def machine() -> list[str]:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(re.findall(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[0])
    wrk_version = subprocess.run(
        ["wrk", "-v"], capture_output=True, text=True, check=False
    ).stdout.split()
    versions = ", ".join(
        f"{name} {metadata.version(name)}" for name in ("fastapi", "uvicorn", "pydantic", "numpy")
    )
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores; memory {mem_kb / 2**20:.0f} GiB",
        f"- OS: {platform.system()} {platform.release()}; Python {platform.python_version()}",
        f"- T-Minus side: {versions}",
        f"- load generator: wrk {wrk_version[1] if len(wrk_version) > 1 else '?'}, one thread",
    ]


def fmt_ms(value: float) -> str:
    return f"{value * 1000:.0f} µs" if value < 1 else f"{value:.2f} ms"


def render(res: Results, args: argparse.Namespace, mlflow_version: str) -> str:
    lines = [
        "| server | concurrency | requests/s | median | p99 | × floor | × MLflow | requests "
        "| errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ("floor", "mlflow", "tminus"):
        for conc in CONCURRENCY:
            load = res.load[(name, conc)]
            floor = res.load[("floor", conc)].rps
            ml = res.load[("mlflow", conc)].rps
            lines.append(
                f"| {name} | {conc} | {load.rps:,.0f} | {fmt_ms(load.p50_ms)} | "
                f"{fmt_ms(load.p99_ms)} | {load.rps / floor:.2f} | {load.rps / ml:.1f} | "
                f"{load.requests:,} | {load.errors} |"
            )
    lines += ["", "| measurement | T-Minus | MLflow | T-Minus / MLflow |", "|---|---:|---:|---:|"]
    for name, median_us, p99_us in res.in_process:
        lines.append(
            f"| in-process: {name} (median / p99) | {median_us:.0f} / {p99_us:.0f} µs | | |"
        )
    for kind, label in (("manifest", "future manifest"), ("history", "historical launches")):
        t, m = res.batch[f"tminus_{kind}"], res.batch[f"mlflow_{kind}"]
        lines.append(
            f"| batch of {res.batch_rows[kind]:,} over HTTP, {label} (rows/s) | {t:,.0f} | "
            f"{m:,.0f} | {t / m:.1f} |"
        )
    t, m = res.cold_start["tminus"], res.cold_start["mlflow"]
    lines.append(f"| cold start: process start to ready (s) | {t:.2f} | {m:.2f} | {t / m:.2f} |")
    t, m = res.serving_rss_mb["tminus"], res.serving_rss_mb["mlflow"]
    lines.append(f"| serving memory after the load (RSS, MB) | {t:.0f} | {m:.0f} | {t / m:.2f} |")
    lines.append(
        f"| the floor: cold start (s) / memory after the load (MB) | "
        f"{res.cold_start['floor']:.2f} / {res.serving_rss_mb['floor']:.0f} | | |"
    )
    if res.retrain_s is not None and res.retrain_peak_mb is not None:
        lines.append(f"| `make retrain` wall time (s) | {res.retrain_s:.1f} | | |")
        lines.append(
            f"| `make retrain` peak memory (largest process, MB) | {res.retrain_peak_mb:.0f} | | |"
        )
    lines += ["", *render_targets(targets(res))]
    lines += ["", *render_imports(res.imports)]
    header = [
        "# Serving benchmarks",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC with",
        "",
        f"    {args.command_line}",
        "",
        *machine(),
        f"- load average (1 minute) during the run, other work included: min "
        f"{min(res.machine_load):.2f}, median {statistics.median(res.machine_load):.2f}, max "
        f"{max(res.machine_load):.2f} ({os.cpu_count()} cores)",
        f"- MLflow {mlflow_version} in its own virtual environment (SQLite backend), "
        "`mlflow models serve --env-manager local -w 1`, as installed (no uvloop, httptools)",
        "",
        f"Load: `wrk -t1` for {args.duration:g} s per run at each concurrency, {args.rounds} "
        "rounds alternating between the servers; requests/s, median and p99 are medians over "
        "the rounds, requests and errors are totals (any error fails the run). The floor serves "
        '`GET /ping` → `{"status": "ok"}`; MLflow and T-Minus answer the same one-launch '
        "`launch_failure` question with the same champion (same probability and interval).",
        f"In-process: {args.runs} sequential calls after {args.runs // 10} warm-up calls. Batch: "
        f"median of {args.batch_runs} POSTs of a batch sent as one request (a "
        f"future manifest: {BATCH_ROWS:,} rows of the recent record's vehicles and pads on "
        "dates in 2026-2027; "
        "historical launches: every launch on record, each read as of its own date). Cold "
        f"start: median of {args.cold_runs} starts, process start to the first 200 from the "
        "readiness route (`/readyz`, MLflow and the floor `/ping`). Memory: resident set of the "
        "server's process tree after the load. Retrain: median of "
        f"{args.retrain_runs} runs into an empty registry.",
        "",
    ]
    return "\n".join(header + lines) + "\n"


@dataclasses.dataclass(frozen=True)
class Check:
    """One target: what it asks, what was measured, the ratios beside it, and whether met."""

    target: str
    measured: str
    vs_floor: str
    vs_mlflow: str
    met: bool


def targets(res: Results) -> list[Check]:
    """The targets of the performance issues (#22's first), against this run's figures."""
    floor32, mlflow32 = res.load[("floor", 32)].rps, res.load[("mlflow", 32)].rps
    t32, t1 = res.load[("tminus", 32)], res.load[("tminus", 1)]
    floor1 = res.load[("floor", 1)]
    # The whole in-process answer, JSON in to JSON out, for a question not asked before.
    single = {name: median for name, median, _ in res.in_process}[
        "validate JSON + predict + serialise, a new question"
    ]
    future, history = res.batch["tminus_manifest"], res.batch["tminus_history"]
    ml_future, ml_history = res.batch["mlflow_manifest"], res.batch["mlflow_history"]
    cold, memory = res.cold_start, res.serving_rss_mb
    return [
        Check(
            f"batch of {res.batch_rows['manifest']:,} future rows: at least 200,000 rows/s",
            f"{future:,.0f} rows/s",
            "",
            f"{future / ml_future:.1f} ×",
            future >= 200_000,
        ),
        Check(
            f"batch of {res.batch_rows['history']:,} historical launches: at least 150,000 "
            "rows/s and 5 × MLflow",
            f"{history:,.0f} rows/s",
            "",
            f"{history / ml_history:.1f} ×",
            history >= 150_000 and history >= 5 * ml_history,
        ),
        Check(
            "in-process, JSON to JSON, a new question: median at most 50 µs",
            f"{single:.0f} µs",
            # What the model costs beside one HTTP round trip of the floor at concurrency 1.
            f"{single / (floor1.p50_ms * 1000):.0%} of its round trip",
            "",
            single <= 50,
        ),
        Check(
            "concurrency 32: at least 90% of the HTTP floor",
            f"{t32.rps:,.0f} req/s",
            f"{t32.rps / floor32:.0%}",
            f"{t32.rps / mlflow32:.1f} ×",
            t32.rps >= 0.9 * floor32,
        ),
        Check(
            "concurrency 32: at least 5 × MLflow",
            f"{t32.rps:,.0f} req/s",
            f"{t32.rps / floor32:.0%}",
            f"{t32.rps / mlflow32:.1f} ×",
            t32.rps >= 5 * mlflow32,
        ),
        Check(
            "concurrency 1: median at most 1.5 ms, p99 at most 5 ms",
            f"{fmt_ms(t1.p50_ms)} / {fmt_ms(t1.p99_ms)}",
            f"{t1.p50_ms / floor1.p50_ms:.2f} ×",
            "",
            t1.p50_ms <= 1.5 and t1.p99_ms <= 5,
        ),
        Check(
            "cold start, process start to ready: at most 1.5 s",
            f"{cold['tminus']:.2f} s",
            f"{cold['tminus'] / cold['floor']:.2f} ×",
            f"{cold['tminus'] / cold['mlflow']:.2f} ×",
            cold["tminus"] <= 1.5,
        ),
        Check(
            "serving memory after the load: at most 150 MB",
            f"{memory['tminus']:.0f} MB",
            f"{memory['tminus'] / memory['floor']:.2f} ×",
            f"{memory['tminus'] / memory['mlflow']:.2f} ×",
            memory["tminus"] <= 150,
        ),
    ]


def render_targets(checks: Sequence[Check]) -> list[str]:
    lines = ["| target | measured | vs the floor | vs MLflow | met |", "|---|---:|---:|---:|:---:|"]
    for c in checks:
        met = "yes" if c.met else "**no**"
        lines.append(f"| {c.target} | {c.measured} | {c.vs_floor} | {c.vs_mlflow} | {met} |")
    return lines


def render_imports(imports: Imports) -> list[str]:
    largest = ", ".join(f"{name} {ms:.0f} ms" for name, ms in imports.largest)
    absent = ", ".join(f"`{name}`" for name in imports.absent)
    lines = [
        "What `tminus serve` imports before it is ready (`python -X importtime`: the CLI, "
        f"uvicorn, the app and the predictor kinds, and the app built): {imports.total_ms:.0f} "
        f"ms in all; by package (its own modules' time): {largest}. Not imported: {absent}.",
    ]
    if imports.present:
        lines.append(
            f"**Imported though serving does not need them: {', '.join(imports.present)}.**"
        )
    return lines


# ---- the run ----------------------------------------------------------------------------------
@contextmanager
def servers(models_dir: Path, mlflow_python: Path, work: Path) -> Iterator[dict[str, Server]]:
    started: dict[str, Server] = {}
    try:
        print("starting the floor, MLflow and T-Minus servers ...", flush=True)
        started["floor"] = start_floor(work)
        store = work / "mlflow"
        store.mkdir()
        uri = log_mlflow_model(mlflow_python, models_dir, store)
        started["mlflow"] = start_mlflow(mlflow_python, uri, store, work)
        started["tminus"] = start_tminus(models_dir, work)
        yield started
    finally:
        for server in started.values():
            stop(server)


def run(args: argparse.Namespace, models_dir: Path, work: Path) -> Results:
    with load_samples() as machine_load:
        results = measure(args, models_dir, work)
    return dataclasses.replace(results, machine_load=list(machine_load))


def measure(args: argparse.Namespace, models_dir: Path, work: Path) -> Results:
    mlflow_python = args.mlflow_python
    lua_dir = work / "lua"
    lua_dir.mkdir()
    body = json.dumps(ONE_LAUNCH)
    with servers(models_dir, mlflow_python, work) as up:
        targets = [
            Target("floor", f"{up['floor'].base}/ping", None),
            Target(
                "mlflow",
                f"{up['mlflow'].base}/invocations",
                json.dumps({"dataframe_records": [ONE_LAUNCH]}),
            ),
            Target("tminus", f"{up['tminus'].base}/v1/launch-failure", body),
        ]
        # Same champion, same numbers: the comparison is of serving stacks only.
        ours = httpx.post(
            targets[2].url, content=body, headers={"content-type": "application/json"}
        ).json()
        theirs = httpx.post(
            targets[1].url, content=targets[1].body, headers={"content-type": "application/json"}
        ).json()
        if abs(ours["probability"] - theirs["predictions"][0]["probability"]) > 1e-12:
            raise RuntimeError(f"MLflow and T-Minus disagree: {theirs} vs {ours}")
        samples: dict[tuple[str, int], list[Load]] = {}
        for round_no in range(args.rounds):
            for target in targets:
                for conc in CONCURRENCY:
                    wrk(target, conc, 1, lua_dir)  # warm the connections and caches, untimed
                    load = wrk(target, conc, args.duration, lua_dir)
                    samples.setdefault((target.name, conc), []).append(load)
                    print(
                        f"round {round_no + 1}/{args.rounds} {target.name:7} c={conc:<3} "
                        f"{load.rps:9,.0f} req/s  p50 {fmt_ms(load.p50_ms):>9}  "
                        f"p99 {fmt_ms(load.p99_ms):>9}  errors {load.errors}",
                        flush=True,
                    )
        loads = {key: median_load(value) for key, value in samples.items()}
        rss = {name: tree_rss_mb(up[name].process.pid) for name in ("tminus", "mlflow", "floor")}

        print(f"batches of {BATCH_ROWS:,} rows ...", flush=True)
        batch: dict[str, float] = {}
        batch_rows: dict[str, int] = {}
        launches = launch_rows(get_settings().processed_dir)
        for kind, rows in (
            ("manifest", manifest(launches, BATCH_ROWS)),
            ("history", historical(launches, BATCH_ROWS)),
        ):
            ours_payload = json.dumps({"items": rows}).encode()
            theirs_payload = json.dumps({"dataframe_records": rows}).encode()
            t = statistics.median(time_post(targets[2].url, ours_payload, args.batch_runs))
            m = statistics.median(time_post(targets[1].url, theirs_payload, args.batch_runs))
            batch[f"tminus_{kind}"] = len(rows) / t
            batch[f"mlflow_{kind}"] = len(rows) / m
            batch_rows[kind] = len(rows)
            print(
                f"  {kind}: T-Minus {len(rows) / t:,.0f} rows/s, MLflow {len(rows) / m:,.0f} rows/s"
            )

    print("cold starts ...", flush=True)
    cold: dict[str, list[float]] = {"tminus": [], "mlflow": [], "floor": []}
    store = work / "mlflow"
    uri = "models:/launch_failure/1"
    for _ in range(args.cold_runs):
        for name, start in (
            ("tminus", lambda: start_tminus(models_dir, work)),
            ("mlflow", lambda: start_mlflow(mlflow_python, uri, store, work)),
            ("floor", lambda: start_floor(work)),
        ):
            server = start()
            cold[name].append(server.ready_s)
            stop(server)

    print("in-process single predictions ...", flush=True)
    rows_ns = latency.measure(models_dir, args.runs, max(1, args.runs // 10), http=False)
    in_process = [(name, *latency.percentiles(ns)) for name, ns in rows_ns if "ASGI" not in name]

    retrain_s = retrain_peak = None
    if args.retrain_runs:
        print(f"make retrain x{args.retrain_runs} ...", flush=True)
        walls, peaks = retrain(args.retrain_runs)
        retrain_s, retrain_peak = statistics.median(walls), max(peaks)
    return Results(
        load=loads,
        in_process=in_process,
        batch=batch,
        batch_rows=batch_rows,
        cold_start={name: statistics.median(v) for name, v in cold.items()},
        retrain_s=retrain_s,
        retrain_peak_mb=retrain_peak,
        serving_rss_mb=rss,
        imports=import_profile(),
        machine_load=[],
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="Seconds per step; writes nothing.")
    parser.add_argument("--models-dir", type=Path, default=None, help="Registry with champions.")
    parser.add_argument(
        "--mlflow-python", type=Path, default=ROOT / ".build" / "mlflow" / "bin" / "python"
    )
    parser.add_argument("--duration", type=float, default=8, help="Seconds per wrk run.")
    parser.add_argument(
        "--rounds", type=int, default=5, help="wrk runs per server and concurrency."
    )
    parser.add_argument("--runs", type=int, default=5000, help="In-process calls per row.")
    parser.add_argument("--batch-runs", type=int, default=5, help="Timed batch POSTs.")
    parser.add_argument("--cold-runs", type=int, default=5, help="Cold starts per server.")
    parser.add_argument("--retrain-runs", type=int, default=3, help="make retrain runs (0: skip).")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    if args.smoke:
        args.duration, args.rounds, args.runs = 1, 1, 200
        args.batch_runs, args.cold_runs = 1, 1
        args.retrain_runs = min(args.retrain_runs, 1)
    args.command_line = " ".join(["python benchmarks/serving.py", *sys.argv[1:]])
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: run `make bench-deps` (Debian package wrk)")
    if not args.mlflow_python.is_file():
        sys.exit(f"no MLflow environment at {args.mlflow_python}: run `make bench-deps`")
    models_dir = (args.models_dir or get_settings().models_dir).resolve()
    try:
        Registry(models_dir).resolve("launch_failure", "champion")
    except RegistryError as exc:
        sys.exit(f"{exc}: train first (make retrain) or pass --models-dir")
    mlflow_version = subprocess.run(
        [str(args.mlflow_python), "-c", "import mlflow; print(mlflow.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="tminus-bench-") as tmp:
        results = run(args, models_dir, Path(tmp))
    report = render(results, args, mlflow_version)
    print()
    print(report)
    if args.smoke:
        print("(smoke run: nothing written; the figures above measure nothing)")
    else:
        args.output.write_text(report)
        print(f"written to {args.output}")


if __name__ == "__main__":
    main()
