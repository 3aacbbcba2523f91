"""1. Compose: 3 replicas behind HAProxy, 60 s at 400 requests/s, the champion moved 5 times.

deploy/compose.yaml runs for real on the Docker engine (`make deploy-test`): the balancer, 3
replicas of the service image reading one registry folder read-only, and the updater. A load
generator in its own process (tests/reliability/loadgen.py) sends 24,000 launch-failure
predictions through the balancer on 127.0.0.1, paced at 400 per second. Meanwhile the test:

- moves the ``champion`` of launch_failure 5 times, on the shared folder from outside (as
  ``tminus promote`` on the volume does), between two versions;
- kills one replica's process with SIGKILL (from the host, as a crash would: Docker restarts
  it, as its restart policy says);
- starts the updater, which runs one cycle of ``tminus data update`` against a ``file://``
  upstream built from the data mirror's GCAT files.

Each replica is also asked for its ``/readyz`` directly every 50 ms (the test's override
publishes each on a loopback port), and the registry's aliases are read every 50 ms, to see
every champion move (the updater's too) and which versions each replica serves.

Required: no failed request at the client; every replica serving each new champion within
2 s of the move (its ``/readyz`` and the ``X-TMinus-Replica`` of the answers say so); no
answer from a version that was not champion at the time, beyond those 2 s; the killed replica
back and serving the current champions; the updater's cycle successful, its data and models
written and served. The figures are printed at the end of the run.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from tests.gcat_upstream import build_upstream
from tests.live_server import free_port
from tests.reliability.live import add_version, check_registry

from tminus.predictors.kinds import MODEL_NAMES
from tminus.registry.store import Registry

from .conftest import Figures
from .manifests import ROOT, load_contract
from .stack import Stack, docker, inspect, published_port, wall_to_monotonic

pytestmark = pytest.mark.docker

REPLICAS = 3
SECONDS = 60
RATE = 400
# Enough keep-alive connections that the pace holds when latency rises on a busy machine.
CONNECTIONS = 32
MIN_RATE = 300
MODEL = "launch_failure"
RELOAD_INTERVAL_S = 0.5
SWITCH_WINDOW_S = 2.0
POLL_S = 0.05
UPDATER_AT_S = 3.0
MOVES_AT_S = (6.0, 16.0, 26.0, 36.0, 46.0)
KILL_AT_S = 21.0
KILLED = 1  # which replica (0-based, in compose's order)
UP_TIMEOUT_S = 120.0
UPDATER_TIMEOUT_S = 480.0
LOADGEN = ROOT / "tests" / "reliability" / "loadgen.py"
UPDATER_LINE = re.compile(
    r"tminus-update: (?:cycle 1 (?P<ok>ok) in (?P<took>\d+) s|cycle 1 failed with exit code "
    r"(?P<code>\d+)|error: (?P<error>.*))"
)


# ---- what the run saw ------------------------------------------------------------------------
@dataclass(frozen=True)
class Answer:
    """One request through the balancer, as the load generator saw it."""

    sent: float
    received: float
    status: int
    version: str | None
    replica: str | None


@dataclass(frozen=True)
class Poll:
    """One ``/readyz`` of one replica, asked directly."""

    container: str
    sent: float
    received: float
    status: int | None  # None: no answer (the replica is down or restarting)
    replica: str | None
    models: dict[str, str]


@dataclass(frozen=True)
class Move:
    """A change of a model's champion, seen in the registry folder."""

    model: str
    version: str
    at: float  # when the alias had moved (the test's own moves: when set_alias returned)
    by: str  # "test" or "updater"


@dataclass
class Kill:
    """The replica killed with SIGKILL, and its way back."""

    container: str
    replica: str
    at: float = 0.0
    restarted_at: float | None = None  # Docker started the container again
    ready_at: float | None = None  # its /readyz answered 200 again
    rejoined_at: float | None = None  # the balancer sent it a request again
    restarts: int = 0


@dataclass
class Updater:
    """The updater's first cycle."""

    started: float = 0.0
    outcome: str = "timeout"  # ok, failed, error, timeout
    detail: str = ""
    ended: float | None = None
    stop_code: int | None = None
    stop_seconds: float | None = None
    log: str = ""


@dataclass
class Run:
    """Everything one run of the scenario recorded."""

    replicas: dict[str, str]  # container -> replica name (X-TMinus-Replica)
    first: str
    second: str
    models: Path
    start: float = 0.0
    up_seconds: float = 0.0
    planned: int = 0
    elapsed: float = 0.0
    answers: list[Answer] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    polls: list[Poll] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    kill: Kill | None = None
    updater: Updater = field(default_factory=Updater)
    versions_before: int = 0
    versions_after: int = 0
    champions_before: dict[str, str] = field(default_factory=dict)
    champions_after: dict[str, str] = field(default_factory=dict)
    uids: dict[str, str] = field(default_factory=dict)


# ---- watchers --------------------------------------------------------------------------------
class ReadyzPoller(threading.Thread):
    """Ask each replica's /readyz directly every POLL_S, following a restarted one's new port."""

    def __init__(self, containers: list[str], port: int) -> None:
        super().__init__(daemon=True)
        self.containers = containers
        self.port = port
        self.polls: list[Poll] = []
        self.stop = threading.Event()
        self._ports: dict[str, int | None] = {c: published_port(c, port) for c in containers}
        self._looked_up: dict[str, float] = dict.fromkeys(containers, 0.0)

    def run(self) -> None:
        with httpx.Client(timeout=1.0) as client:
            while not self.stop.is_set():
                for container in self.containers:
                    self._poll(client, container)
                self.stop.wait(POLL_S)

    def _poll(self, client: httpx.Client, container: str) -> None:
        port = self._ports[container]
        sent = time.monotonic()
        if port is not None:
            try:
                answer = client.get(f"http://127.0.0.1:{port}/readyz")
                body = answer.json()
                self.polls.append(
                    Poll(
                        container,
                        sent,
                        time.monotonic(),
                        answer.status_code,
                        body.get("replica"),
                        dict(body.get("models", {})),
                    )
                )
                return
            except (httpx.HTTPError, ValueError):
                pass
        self.polls.append(Poll(container, sent, time.monotonic(), None, None, {}))
        # A restarted container may be published on another port: look again, once a second
        # (each look is a docker command, which costs CPU the restarting replica needs).
        if sent - self._looked_up[container] > 1.0:
            self._looked_up[container] = sent
            self._ports[container] = published_port(container, self.port)


class AliasWatcher(threading.Thread):
    """Read every model's champion in the registry folder every POLL_S; record each change."""

    def __init__(self, root: Path, own: dict[tuple[str, str], float]) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.own = own  # (model, version) -> when the test's own move returned
        self.moves: list[Move] = []
        self.stop = threading.Event()
        # Held by the test while it moves an alias and notes the move as its own.
        self.lock = threading.Lock()
        self.current = self._read()

    def _read(self) -> dict[str, str]:
        registry = Registry(self.root)
        return {m: registry.aliases(m).get("champion", "") for m in MODEL_NAMES}

    def run(self) -> None:
        while not self.stop.is_set():
            with self.lock:
                seen = time.monotonic()
                now = self._read()
                for model, version in now.items():
                    if version == self.current.get(model):
                        continue
                    own = self.own.pop((model, version), None)
                    if own is None:
                        self.moves.append(Move(model, version, seen, "updater"))
                    else:
                        self.moves.append(Move(model, version, own, "test"))
                self.current = now
            self.stop.wait(POLL_S)


# ---- the scenario ----------------------------------------------------------------------------
# Two Falcon 9 launches after the mirror's cutoff, so that the update has news to bring.
NEWS = (
    {"LV_Type": "Falcon 9", "Launch_Tag": "2026-001 ", "Launch_Date": "2026 Jan  3 1200"},
    {"LV_Type": "Falcon 9", "Launch_Tag": "2026-002 ", "Launch_Date": "2026 Jan 10 0530:12"},
)


def _wait(what: str, condition: object, timeout: float) -> float:
    start = time.monotonic()
    while not condition():  # type: ignore[operator]
        assert time.monotonic() - start < timeout, f"not within {timeout:.0f} s: {what}"
        time.sleep(0.2)
    return time.monotonic() - start


def _ready_through(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def _run_updater(stack: Stack, updater: Updater) -> None:
    """Start the updater service and follow its log until its first cycle ends (bounded)."""
    stack.run("up", "--detach", "--no-deps", "updater", timeout=120.0)
    (container,) = stack.containers("updater")
    deadline = updater.started + UPDATER_TIMEOUT_S
    while not _updater_outcome(container, updater) and time.monotonic() < deadline:
        time.sleep(2.0)
    if updater.outcome == "error":
        # It cannot work (e.g. no `tminus data update`): no use restarting it all along.
        stack.run("stop", "--timeout", "5", "updater", timeout=60.0, check=False)


def _updater_outcome(container: str, updater: Updater) -> bool:
    """Read the updater's log; True once its first cycle has an outcome."""
    done = subprocess.run(
        ["docker", "logs", container], capture_output=True, text=True, timeout=30, check=False
    )
    updater.log = done.stdout + done.stderr
    match = UPDATER_LINE.search(updater.log)
    if match is None:
        return False
    if match["ok"]:
        updater.outcome, updater.detail = "ok", f"{match['took']} s"
    elif match["code"]:
        updater.outcome, updater.detail = "failed", f"exit code {match['code']}"
    else:
        updater.outcome, updater.detail = "error", match["error"]
    updater.ended = time.monotonic()
    return True


@pytest.fixture(scope="module")
def run(
    data_mirror: Path, tmp_path_factory: pytest.TempPathFactory, figures: Figures
) -> Iterator[Run]:
    assert os.geteuid() == 0, "the deploy test hands the registry to the image's user: run as root"
    contract = load_contract()
    work = tmp_path_factory.mktemp("deploy")
    models, data, upstream = work / "models", work / "data", work / "upstream"
    # The champions the service image was built with (scripts/docker-build.sh exports them).
    assert Registry(ROOT / "models").export("champion", models), "no champion: run make retrain"
    first = Registry(models).resolve(MODEL, "champion")
    second = add_version(models, MODEL)
    build_upstream(data_mirror, upstream, NEWS)
    data.mkdir()
    for path in (models, data, *models.rglob("*")):
        os.chown(path, contract.uid, contract.gid)
    port = free_port()
    stack = Stack(
        project=f"tminus-deploy-test-{os.getpid()}",
        env={
            "TMINUS_REPLICAS": str(REPLICAS),
            "TMINUS_BIND": "127.0.0.1",
            "TMINUS_PORT": str(port),
            "TMINUS_RELOAD_INTERVAL_S": str(RELOAD_INTERVAL_S),
            "TMINUS_UPDATE_INTERVAL_S": "3600",
            "TMINUS_TEST_MODELS_DIR": str(models),
            "TMINUS_TEST_DATA_DIR": str(data),
            "TMINUS_TEST_UPSTREAM_DIR": str(upstream),
            # The tests hide TMINUS_* variables; scripts/deploy-test.sh names images as DEPLOY_*.
            **{
                f"TMINUS_{name}": os.environ[f"DEPLOY_{name}"]
                for name in ("IMAGE", "UPDATER_IMAGE", "BALANCER_IMAGE")
                if os.environ.get(f"DEPLOY_{name}")
            },
        },
    )
    url = f"http://127.0.0.1:{port}"
    result = Run(replicas={}, first=first, second=second, models=models)
    result.versions_before = sum(len(Registry(models).versions(m)) for m in MODEL_NAMES)
    result.champions_before = {m: Registry(models).resolve(m, "champion") for m in MODEL_NAMES}
    try:
        # ---- up: the balancer and the replicas (and models-init before them) ----
        began = time.monotonic()
        stack.run("up", "--detach", "balancer", "tminus", timeout=300.0)
        containers = stack.containers("tminus")
        assert len(containers) == REPLICAS, containers

        def every_replica_ready() -> bool:
            ports = [published_port(c, contract.port) for c in containers]
            return all(p is not None and _ready_through(f"http://127.0.0.1:{p}") for p in ports)

        _wait("every replica ready", every_replica_ready, UP_TIMEOUT_S)
        _wait("the balancer sees them", lambda: _ready_through(url), UP_TIMEOUT_S)
        result.up_seconds = time.monotonic() - began
        for container in containers:
            port_of = published_port(container, contract.port)
            body = httpx.get(f"http://127.0.0.1:{port_of}/readyz", timeout=5.0).json()
            result.replicas[container] = body["replica"]
            result.uids[container] = docker("exec", container, "id", "-u").strip()

        # ---- the load, and what happens during it ----
        own: dict[tuple[str, str], float] = {}
        poller = ReadyzPoller(containers, contract.port)
        watcher = AliasWatcher(models, own)
        poller.start()
        watcher.start()
        out = work / "answers.json"
        load = subprocess.Popen(
            [
                *(sys.executable, str(LOADGEN), "--url", url, "--rate", str(RATE)),
                *("--seconds", str(SECONDS), "--connections", str(CONNECTIONS), "--out", str(out)),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            assert load.stdout is not None
            line = load.stdout.readline().decode()
            assert line.startswith("started "), line + (
                load.stderr.read().decode() if load.stderr else ""
            )
            result.start = start = float(line.split()[1])
            events: list[tuple[float, str, str]] = [(UPDATER_AT_S, "updater", "")]
            events += [(KILL_AT_S, "kill", containers[KILLED])]
            events += [
                (at, "move", second if i % 2 == 0 else first) for i, at in enumerate(MOVES_AT_S)
            ]
            for at, what, arg in sorted(events):
                time.sleep(max(0.0, start + at - time.monotonic()))
                if what == "move":
                    with watcher.lock:
                        Registry(models).set_alias(MODEL, "champion", arg)
                        own[(MODEL, arg)] = time.monotonic()
                elif what == "kill":
                    pid = int(docker("inspect", "--format", "{{.State.Pid}}", arg).strip())
                    result.kill = Kill(arg, result.replicas[arg], at=time.monotonic())
                    os.kill(pid, signal.SIGKILL)
                else:
                    # docker-compose takes seconds to start: not in the way of the schedule.
                    result.updater.started = time.monotonic()
                    updater_watch = threading.Thread(
                        target=_run_updater, args=(stack, result.updater), daemon=True
                    )
                    updater_watch.start()
            _, load_errors = load.communicate(timeout=SECONDS + 60)
        finally:
            if load.poll() is None:
                load.kill()
                load.wait(timeout=10)
        assert load.returncode == 0, load_errors.decode()

        # ---- the updater's cycle may outlast the load: wait for it, still watching ----
        updater_watch.join(timeout=UPDATER_TIMEOUT_S)
        time.sleep(SWITCH_WINDOW_S + 1.0)  # let a move the updater made just now be seen
        poller.stop.set()
        watcher.stop.set()
        poller.join(timeout=10)
        watcher.join(timeout=10)
        (updater_container,) = stack.containers("updater")
        asked = time.monotonic()
        stack.run("stop", "--timeout", "30", "updater", timeout=60.0)
        result.updater.stop_seconds = time.monotonic() - asked
        state = inspect(updater_container)["State"]
        assert isinstance(state, dict)
        result.updater.stop_code = int(state["ExitCode"])

        # ---- collect ----
        raw = json.loads(out.read_text())
        result.answers = [Answer(*row) for row in raw["answers"]]
        result.errors = raw["errors"]
        result.planned = raw["planned"]
        result.elapsed = raw["elapsed_s"]
        result.polls = poller.polls
        result.moves = watcher.moves
        if result.kill is not None:
            kill = result.kill
            state = inspect(kill.container)["State"]
            assert isinstance(state, dict)
            kill.restarts = int(inspect(kill.container)["RestartCount"])  # type: ignore[arg-type]
            kill.restarted_at = wall_to_monotonic(str(state["StartedAt"]))
            kill.ready_at = next(
                (
                    p.received
                    for p in result.polls
                    if p.container == kill.container and p.sent > kill.at and p.status == 200
                ),
                None,
            )
            kill.rejoined_at = next(
                (
                    a.received
                    for a in result.answers
                    if a.replica == kill.replica and a.sent > kill.at
                ),
                None,
            )
        result.versions_after = sum(len(Registry(models).versions(m)) for m in MODEL_NAMES)
        result.champions_after = {m: Registry(models).resolve(m, "champion") for m in MODEL_NAMES}
        _report(result, figures)
        yield result
    except BaseException:
        for service in ("balancer", "tminus", "updater"):
            print(f"---- {service} ----\n{stack.logs(service, tail=30)}", file=sys.stderr)
        raise
    finally:
        stack.down()


# ---- checks ----------------------------------------------------------------------------------
def _windows(run: Run, model: str) -> list[tuple[float, float, str]]:
    """(from, until, version): when each version of ``model`` may answer.

    A version may answer from the moment it became champion until SWITCH_WINDOW_S after the
    next move.
    """
    windows = []
    start, current = float("-inf"), run.champions_before[model]
    for move in (m for m in run.moves if m.model == model):
        windows.append((start, move.at + SWITCH_WINDOW_S, current))
        start, current = move.at, move.version
    windows.append((start, float("inf"), current))
    return windows


def _allowed(run: Run, model: str, sent: float, received: float) -> set[str]:
    """Versions of ``model`` that may answer a request in flight from ``sent`` to ``received``."""
    return {v for lo, hi, v in _windows(run, model) if lo <= received and sent <= hi}


def _stale(run: Run) -> list[Answer]:
    return [a for a in run.answers if a.version not in _allowed(run, MODEL, a.sent, a.received)]


@dataclass(frozen=True)
class Switch:
    """How long one replica took to serve a moved champion (None: it was down at the move)."""

    move: Move
    container: str
    seconds: float | None


def _switches(run: Run) -> list[Switch]:
    """For each move and replica: the first /readyz naming the new version, after the move.

    A move another one replaces within the switch window (the updater promoting while the
    test moves the same model) is done once a replica serves either version.
    """
    out = []
    for move in run.moves:
        superseding = {
            m.version
            for m in run.moves
            if m.model == move.model and move.at < m.at < move.at + SWITCH_WINDOW_S
        }
        for container in run.replicas:
            polls = [p for p in run.polls if p.container == container]
            # Up: it answered /readyz around the move (a poll that timed out on a busy
            # machine does not make a replica down; the killed one answers none).
            up_at_move = any(
                p.status == 200 and move.at - SWITCH_WINDOW_S <= p.received <= move.at + 0.5
                for p in polls
            )
            first_new = next(
                (
                    p
                    for p in polls
                    if p.sent >= move.at
                    and p.models.get(move.model) in {move.version, *superseding}
                ),
                None,
            )
            if not up_at_move:
                seconds = None
            else:
                seconds = first_new.received - move.at if first_new is not None else float("inf")
            out.append(Switch(move, container, seconds))
    return out


def _late_answers(run: Run) -> list[tuple[str | None, float]]:
    """(replica, seconds after the move) of answers from the version a move replaced,
    to requests sent after the move (and before the next one)."""
    late = []
    moves = [m for m in run.moves if m.model == MODEL]
    previous = run.first
    for move, until in zip(moves, [m.at for m in moves[1:]] + [float("inf")], strict=True):
        late += [
            (a.replica, a.received - move.at)
            for a in run.answers
            if a.version == previous and move.at < a.sent < until
        ]
        previous = move.version
    return late


def _report(run: Run, figures: Figures) -> None:
    statuses = Counter(a.status for a in run.answers)
    rate = len(run.answers) / run.elapsed if run.elapsed else 0.0
    latencies = sorted(a.received - a.sent for a in run.answers) or [0.0]
    per_replica = Counter(a.replica for a in run.answers)
    figures.add(
        f"{REPLICAS} replicas + HAProxy up and ready in {run.up_seconds:.1f} s; replicas "
        f"{', '.join(f'{name} (uid {run.uids.get(c)})' for c, name in run.replicas.items())}"
    )
    figures.add(
        f"{len(run.answers):,} requests through the balancer in {run.elapsed:.1f} s ({rate:.0f}/s, "
        f"planned {RATE}/s, {CONNECTIONS} keep-alive connections); {len(run.errors)} errors at "
        f"the client; statuses {dict(statuses)}; "
        f"per replica {dict(per_replica)}"
    )
    figures.add(
        f"latency p50 {latencies[len(latencies) // 2] * 1e3:.1f} ms, p99 "
        f"{latencies[int(len(latencies) * 0.99)] * 1e3:.1f} ms, max {latencies[-1] * 1e3:.0f} ms"
    )
    for move in run.moves:
        times = [s for s in _switches(run) if s.move == move]
        shown = ", ".join(
            f"{run.replicas[s.container]} {'down' if s.seconds is None else f'{s.seconds:.2f} s'}"
            for s in times
        )
        figures.add(
            f"champion of {move.model} moved by the {move.by} at t={move.at - run.start:5.1f} s to "
            f"{move.version}: served by {shown}"
        )
    late = _late_answers(run)
    figures.add(
        f"answers from a version no longer champion beyond {SWITCH_WINDOW_S:.0f} s: "
        f"{len(_stale(run))}; old version still answering a request sent after a move: up to "
        f"{max((s for _, s in late), default=0.0):.2f} s after it ({len(late)} answers)"
    )
    if run.kill is not None:
        kill = run.kill

        def after(t: float | None) -> str:
            return "never" if t is None else f"{t - kill.at:.2f} s"

        figures.add(
            f"kill -9 of replica {kill.replica} at t={kill.at - run.start:.1f} s: restarted by "
            f"Docker after {after(kill.restarted_at)} (restart count {kill.restarts}), ready "
            f"(/readyz 200) after {after(kill.ready_at)}, answering through the balancer again "
            f"after {after(kill.rejoined_at)}"
        )
    updater = run.updater
    took = "" if updater.ended is None else f" after {updater.ended - updater.started:.0f} s"
    figures.add(
        f"updater cycle against file:///upstream: {updater.outcome} ({updater.detail}){took}; "
        f"versions in the registry {run.versions_before} -> {run.versions_after}; stopped with "
        f"exit code {updater.stop_code} in {updater.stop_seconds or 0:.1f} s"
    )


def test_no_request_fails_at_the_client(run: Run) -> None:
    statuses = Counter(a.status for a in run.answers)
    assert run.errors == []
    assert statuses == {200: run.planned} and run.planned == SECONDS * RATE
    assert len(run.answers) / run.elapsed >= MIN_RATE
    # The balancer spread the load over every replica.
    assert set(Counter(a.replica for a in run.answers)) == set(run.replicas.values())


def test_every_replica_serves_each_new_champion_within_2_s(run: Run) -> None:
    assert [m.by for m in run.moves].count("test") == len(MOVES_AT_S)
    switches = _switches(run)
    slow = [s for s in switches if s.seconds is not None and s.seconds > SWITCH_WINDOW_S]
    assert slow == []
    # A replica down at a move (the killed one) may miss it, but only that one.
    missed = {s.container for s in switches if s.seconds is None}
    assert missed <= {run.kill.container if run.kill else ""}
    late = [(replica, s) for replica, s in _late_answers(run) if s > SWITCH_WINDOW_S]
    assert late == []


def test_no_answer_comes_from_a_version_that_was_not_champion(run: Run) -> None:
    assert {a.version for a in run.answers} >= {run.first, run.second}
    stale = _stale(run)
    assert stale == [], stale[:10]


def test_a_replica_killed_with_sigkill_restarts_and_serves_the_champions(run: Run) -> None:
    kill = run.kill
    assert kill is not None
    assert kill.restarts == 1
    assert kill.restarted_at is not None and kill.restarted_at > kill.at
    assert kill.ready_at is not None, "the killed replica never answered /readyz 200 again"
    assert kill.rejoined_at is not None, (
        "the balancer never sent the killed replica a request again"
    )
    # Once back, it serves what the registry says.
    back = next(
        p
        for p in run.polls
        if p.container == kill.container and p.sent > kill.at and p.status == 200
    )
    assert back.replica == kill.replica
    wrong = {
        m: v for m, v in back.models.items() if v not in _allowed(run, m, back.sent, back.received)
    }
    assert wrong == {}


def test_every_replica_runs_as_the_image_user(run: Run) -> None:
    assert set(run.uids.values()) == {str(load_contract().uid)}


def test_one_updater_cycle_against_a_file_upstream_updates_and_is_served(run: Run) -> None:
    updater = run.updater
    if updater.outcome == "error" and "no 'tminus data update' command" in updater.detail:
        pytest.fail(
            "the updater image cannot update: its tminus has no 'tminus data update' command "
            "(it comes with the data branch; merge it, then run make deploy-test again). "
            f"The updater said: {updater.detail}"
        )
    assert updater.outcome == "ok", f"{updater.outcome}: {updater.detail}\n{updater.log[-3000:]}"
    # It wrote new versions, the registry is whole, and the updater stops cleanly.
    assert run.versions_after > run.versions_before
    assert check_registry(run.models).leftovers == 0
    assert updater.stop_code == 143
    last = {}
    for poll in run.polls:
        if poll.status == 200:
            last[poll.container] = poll.models
    assert all(models == run.champions_after for models in last.values()), last
