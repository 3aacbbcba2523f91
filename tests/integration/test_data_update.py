"""`tminus data update` end to end, against a ``file://`` upstream the test builds.

No network reaches CI, so the upstream is a folder in GCAT's layout that the test writes from
the mirror (``tests/gcat_upstream.py``), with three launches after the data cutoff (two
Falcon 9 flights and an Electron failure in January 2026).

The update runs as the scheduler runs it, a ``tminus`` process, beside a live ``tminus serve``
that started before any model existed: the new launches must reach the tables, the model
metadata and the served answers, without a restart. Corrupt variants of the upstream (a
truncated line, a bad date, a missing file, an HTTP 404) must leave the tables, the installed
download and the registry byte for byte as they were.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from tests.gcat_upstream import build_upstream, fields
from tests.live_server import serve, tminus_command

from tminus.data import schema as S
from tminus.data.report import launches_per_year
from tminus.data.tables import build_info, data_cutoff, load_table
from tminus.data.update import update_lock
from tminus.registry.store import Registry

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "datasets" / "sources.toml"
# The launches after the mirror's cutoff (2025-12-30) that the upstream adds.
NEW_TAGS = ("2026-001", "2026-002", "2026-F01")
LAST_DATE = "2026-01-20"
TRUNCATED_LINE = 3000  # a line of the synthetic launch.tsv the truncation cuts short


# Two Falcon 9 flights and an Electron failure in January 2026, after the mirror's cutoff.
NEWS = (
    {"LV_Type": "Falcon 9", "Launch_Tag": "2026-001 ", "Launch_Date": "2026 Jan  3 1200"},
    {"LV_Type": "Falcon 9", "Launch_Tag": "2026-002 ", "Launch_Date": "2026 Jan 10 0530:12"},
    {
        "LV_Type": "Electron",
        "Launch_Tag": "2026-F01  ",
        "Launch_Date": "2026 Jan 20 0300",
        "LaunchCode": "OF",
        "FailCode": "S2",
    },
)


def tree_digest(root: Path) -> str:
    """sha256 over every file under ``root``: relative path and bytes, in path order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(root).as_posix()}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _tminus(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TMINUS_")}
    environ.update(env or {})
    return subprocess.run(
        [*tminus_command(), *args],
        capture_output=True,
        text=True,
        env=environ,
        cwd=ROOT,
        timeout=600,
        check=False,
    )


@dataclass(frozen=True)
class World:
    """A data folder built from the mirror, a registry, and the upstream to update from."""

    data: Path
    models: Path
    upstream: Path

    def update(self, base: str | None = None, *extra: str) -> subprocess.CompletedProcess[str]:
        """``tminus data update`` as a scheduler runs it."""
        return _tminus(
            "data",
            "update",
            "--upstream",
            base or self.upstream.as_uri(),
            "--data-dir",
            str(self.data),
            "--models-dir",
            str(self.models),
            "--manifest",
            str(MANIFEST),
            *extra,
        )

    def digests(self) -> dict[str, str]:
        """Everything an update may change."""
        installed = self.data / "raw" / "gcat_upstream"
        return {
            "processed": tree_digest(self.data / "processed"),
            "upstream download": tree_digest(installed) if installed.exists() else "",
            "registry": tree_digest(self.models),
        }

    def leftovers(self) -> list[Path]:
        """Temporary folders an update left behind."""
        return [
            p
            for folder in (self.data, self.data / "raw")
            for p in folder.iterdir()
            if p.name.startswith(".tmp")
        ]


@pytest.fixture(scope="module")
def world(
    processed_dir: Path, data_mirror: Path, tmp_path_factory: pytest.TempPathFactory
) -> World:
    root = tmp_path_factory.mktemp("update")
    data = root / "data"
    shutil.copytree(processed_dir.parent / "raw", data / "raw")
    shutil.copytree(processed_dir, data / "processed")
    (root / "models").mkdir()
    return World(
        data=data, models=root / "models", upstream=build_upstream(data_mirror, root / "up", NEWS)
    )


@pytest.fixture(scope="module")
def first_update(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The first update, run while a service that has no model yet is serving the registry.

    Yields what the service answered about Electron after it switched to the new champions.
    """
    assert load_table(S.LAUNCHES, world.data / "processed")[S.LAUNCH_TAG].isin(NEW_TAGS).sum() == 0
    workdir = tmp_path_factory.mktemp("serve")
    with serve(world.models, workdir, reload_interval_s=0.5, wait_for="/healthz") as server:
        assert httpx.get(f"{server.url}/readyz", timeout=5).status_code == 503  # nothing yet
        done = world.update()
        assert done.returncode == 0, done.stderr + done.stdout
        deadline = time.monotonic() + 60
        while httpx.get(f"{server.url}/readyz", timeout=5).status_code != 200:
            assert time.monotonic() < deadline, server.output()
            time.sleep(0.25)
        answer = httpx.get(f"{server.url}/v1/vehicles", params={"q": "Electron"}, timeout=10)
        assert answer.status_code == 200, answer.text
        yield json.dumps({"stdout": done.stdout, "stderr": done.stderr, "vehicles": answer.json()})


def test_update_brings_the_new_launches_into_the_tables(world: World, first_update: str) -> None:
    processed = world.data / "processed"
    launches = load_table(S.LAUNCHES, processed)
    assert launches[S.LAUNCH_TAG].isin(NEW_TAGS).sum() == 3
    assert len(launches) == 7177 + 3  # the mirror's record and the three new launches
    per_year = launches_per_year(launches).set_index("year")
    assert per_year.loc[2025].tolist() == [330, 12]  # the same 2025 from the full list
    assert per_year.loc[2024].tolist() == [264, 6]
    assert per_year.loc[2026].tolist() == [3, 1]
    failure = launches.set_index(S.LAUNCH_TAG).loc["2026-F01"]
    assert (failure[S.VEHICLE], bool(failure[S.FAILED]), failure[S.FAIL_CODE]) == (
        "Electron",
        True,
        "S2",
    )
    assert data_cutoff(processed).isoformat() == LAST_DATE

    info = build_info(processed)
    assert info["launch_records"] == ["gcat_upstream/launch.tsv"]  # the single source
    listed = world.upstream / "launch" / "launch.tsv"
    assert info["sources"]["gcat_upstream/launch.tsv"] == {
        "sha256": hashlib.sha256(listed.read_bytes()).hexdigest(),
        "origin": "upstream",
        "last_launch": LAST_DATE,
    }
    assert info["sources"]["gcat_upstream/lv.tsv"]["gcat_stamp"] == "2025 Dec  1 0108:57"
    assert "gcat/launchlog.tsv" not in info["sources"]
    record = json.loads((world.data / "raw" / "gcat_upstream" / "_upstream.json").read_text())
    assert record["base"] == world.upstream.as_uri()
    assert set(record["files"]) == {"launch.tsv", "lv.tsv", "sites.tsv", "lp.tsv", "orgs.tsv"}

    err = json.loads(first_update)["stderr"]
    assert "launches 7,180 (3 new), data cutoff 2025-12-30 -> 2026-01-20" in err


def test_update_retrains_promotes_and_the_running_service_answers_from_it(
    world: World, first_update: str
) -> None:
    run = json.loads(first_update)
    registry = Registry(world.models)
    for model in ("launch_failure", "pad_turnaround", "return_to_flight", "launch_anomaly"):
        champion = registry.get(model, registry.resolve(model, "champion")).metadata
        assert champion["data"]["cutoff"] == LAST_DATE, model
        sources = {entry["path"]: entry for entry in champion["data"]["sources"]}
        assert sources["gcat_upstream/launch.tsv"]["origin"] == "upstream"
        assert sources["gcat_upstream/launch.tsv"]["last_launch"] == LAST_DATE
        assert f"{model} " in run["stdout"] and "promoted to champion" in run["stdout"]
    # The service started with no model switched to the champions, and knows the new failure.
    vehicles = run["vehicles"]
    assert vehicles["data_cutoff"] == LAST_DATE
    electron = next(v for v in vehicles["vehicles"] if v["name"] == "Electron")
    assert electron["last_flight"].startswith(LAST_DATE)
    launches = load_table(S.LAUNCHES, world.data / "processed")
    flown = launches[launches[S.VEHICLE] == "Electron"]
    assert (electron["flights"], electron["failures"]) == (len(flown), int(flown[S.FAILED].sum()))


def test_a_rerun_and_a_rebuild_change_nothing(world: World, first_update: str) -> None:
    # `make data` after an update: the downloaded full list stays the single source.
    rebuilt = _tminus("data", "build", "--data-dir", str(world.data), "--manifest", str(MANIFEST))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "launches from gcat_upstream/launch.tsv" in rebuilt.stderr
    assert len(load_table(S.LAUNCHES, world.data / "processed")) == 7180
    before = world.digests()
    again = world.update()
    assert again.returncode == 0, again.stderr
    assert "upstream unchanged" in again.stderr
    assert "none retrained" in again.stdout
    assert world.digests() == before
    assert not world.leftovers()


@dataclass(frozen=True)
class Corruption:
    change: Callable[[Path], None]  # applied to a copy of the upstream folder
    code: int
    message: str  # the start of the error, after "error: update stopped, ...: "


def _cut_line(root: Path) -> None:
    path = root / "launch" / "launch.tsv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[TRUNCATED_LINE - 1] = "\t".join(fields(lines[TRUNCATED_LINE - 1])[:9])
    path.write_text("\n".join(lines), encoding="utf-8")


def _bad_date(root: Path) -> None:
    path = root / "launch" / "launch.tsv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("2026 Jan 10 0530:12", "2026 Jan 32 0530:12"),
        encoding="utf-8",
    )


def _line_of(root: Path, text: str) -> int:
    lines = (root / "launch" / "launch.tsv").read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, start=1) if text in line)


CORRUPTIONS = {
    "truncated line": Corruption(
        _cut_line, 1, f"launch.tsv line {TRUNCATED_LINE}, column Platform: line has 9 of 26"
    ),
    "bad date": Corruption(
        _bad_date, 1, "launch.tsv line {line}, column Launch_Date: '2026 Jan 32 0530:12' is not"
    ),
    "missing file": Corruption(
        lambda root: (root / "tables" / "lv.tsv").unlink(),
        2,
        "cannot download lv.tsv from {base}/tables/lv.tsv: [Errno 2] No such file",
    ),
    "HTTP 404": Corruption(
        lambda root: (root / "tables" / "sites.tsv").unlink(),
        2,
        "cannot download sites.tsv from {base}/tables/sites.tsv: HTTP 404",
    ),
}


@pytest.fixture
def http_base() -> Iterator[Callable[[Path], str]]:
    """Serve a folder over HTTP on a free port of 127.0.0.1 (for the 404 case)."""
    servers: list[ThreadingHTTPServer] = []

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *_: object) -> None:
            return None

    def start(folder: Path) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("case", CORRUPTIONS)
def test_a_corrupt_upstream_changes_nothing_and_names_the_file(
    world: World,
    first_update: str,
    tmp_path: Path,
    http_base: Callable[[Path], str],
    case: str,
) -> None:
    corruption = CORRUPTIONS[case]
    bad = tmp_path / "upstream"
    shutil.copytree(world.upstream, bad)
    corruption.change(bad)
    base = http_base(bad) if case == "HTTP 404" else bad.as_uri()
    before = world.digests()

    failed = world.update(base)
    assert failed.returncode == corruption.code, failed.stderr
    assert "Traceback" not in failed.stderr
    errors = [line for line in failed.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, failed.stderr
    line = _line_of(bad, "2026 Jan 32") if case == "bad date" else 0
    expected = corruption.message.format(base=base, line=line)
    assert errors[0].startswith(f"error: update stopped, tables and models unchanged: {expected}")
    assert world.digests() == before  # tables, installed download, versions and aliases
    assert not world.leftovers()


def test_next_week_only_the_models_of_the_launches_are_retrained(
    world: World, first_update: str, tmp_path: Path
) -> None:
    later = tmp_path / "upstream"
    shutil.copytree(world.upstream, later)
    listed = later / "launch" / "launch.tsv"
    text = listed.read_text(encoding="utf-8")
    last = text.rstrip("\n").rsplit("\n", 1)[1].split("\t")
    last[0], last[2] = "2026-003 ", "2026 Jan 27 1415"
    last[19], last[20] = "OS", "-"  # LaunchCode, FailCode
    listed.write_text(text + "\t".join(last) + "\n", encoding="utf-8")
    registry = Registry(world.models)
    versions = {m: len(registry.versions(m)) for m in registry.models()}

    run = world.update(later.as_uri())
    assert run.returncode == 0, run.stderr
    assert "launches 7,181 (1 new), data cutoff 2026-01-20 -> 2026-01-27" in run.stderr
    assert (
        "retraining launch_failure, pad_turnaround, return_to_flight, launch_anomaly:" in run.stdout
    )
    after = {m: len(registry.versions(m)) for m in registry.models()}
    assert after == versions | {
        m: versions[m] + 1
        for m in ("launch_failure", "pad_turnaround", "return_to_flight", "launch_anomaly")
    }
    latest = registry.get("launch_failure", registry.resolve("launch_failure", "challenger"))
    assert latest.metadata["data"]["cutoff"] == "2026-01-27"


# ---- a hostile upstream: every limit of the download, and contents that are no launch list ---
DOWNLOAD_ENV = {
    "TMINUS_DOWNLOAD_MAX_BYTES": str(32 * 1024 * 1024),
    "TMINUS_DOWNLOAD_TIMEOUT_S": "4",
}


class _HostileUpstream(SimpleHTTPRequestHandler):
    """GCAT's layout under /<behaviour>/: every file as the test upstream has it, except
    launch/launch.tsv, which the behaviour replaces (see HOSTILE)."""

    def do_GET(self) -> None:
        behaviour, _, rest = self.path.lstrip("/").partition("/")
        if rest != "launch/launch.tsv" or behaviour == "ok":
            self.path = f"/{rest}"
            super().do_GET()
            return
        try:
            HOSTILE[behaviour].send(self)
        except (BrokenPipeError, ConnectionResetError):
            return

    def log_message(self, *_: object) -> None:
        return None


@dataclass(frozen=True)
class Hostile:
    """What the upstream sends as launch.tsv, the exit code and the error it must cause."""

    send: Callable[[_HostileUpstream], None]
    code: int
    message: str

    def __post_init__(self) -> None:
        assert self.code in {1, 2}


def _answer(handler: _HostileUpstream, body: bytes) -> None:
    handler.send_response(200)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _drip(handler: _HostileUpstream) -> None:
    handler.send_response(200)
    handler.send_header("Content-Length", "11000000")
    handler.end_headers()
    for _ in range(3000):
        handler.wfile.write(b"#")
        handler.wfile.flush()
        time.sleep(0.2)


def _endless(handler: _HostileUpstream) -> None:
    handler.send_response(200)
    handler.end_headers()
    line = b"2026-999\t-\t2026 Jan  1\tFalcon 9\n" * 2000
    while True:
        handler.wfile.write(line)


def _huge(handler: _HostileUpstream) -> None:
    handler.send_response(200)
    handler.send_header("Content-Length", str(512 * 1024 * 1024))
    handler.end_headers()
    handler.wfile.write(b"#" * 1_000_000)


def _away(handler: _HostileUpstream) -> None:
    handler.send_response(302)
    handler.send_header("Location", f"http://localhost:{handler.server.server_address[1]}/x")
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def _header_only(handler: _HostileUpstream) -> None:
    launch_list = Path(str(handler.directory)) / "launch" / "launch.tsv"
    _answer(handler, launch_list.read_bytes().split(b"\n", 1)[0] + b"\n")


HOSTILE = {
    "drips": Hostile(_drip, 2, "cannot download launch.tsv from {url}: not complete within 4 s"),
    "never-ends": Hostile(
        _endless, 2, "cannot download launch.tsv from {url}: it sent more than the limit"
    ),
    "a-huge-file": Hostile(
        _huge, 2, "cannot download launch.tsv from {url}: it announces 536,870,912 bytes"
    ),
    "a-redirect-elsewhere": Hostile(
        _away, 2, "cannot download launch.tsv from {url}: it redirects to http://localhost"
    ),
    "a-header-alone": Hostile(
        _header_only, 1, "launch.tsv line 1, column (file): holds no orbital, deep-space"
    ),
    "blank-lines": Hostile(
        lambda handler: _answer(handler, b"\n" * 20_000_000), 1, "launch.tsv line"
    ),
    "binary": Hostile(
        lambda handler: _answer(handler, bytes(range(256)) * 4096), 1, "launch.tsv line 2, column"
    ),
}


@pytest.fixture(scope="module")
def hostile_upstream(world: World, first_update: str) -> Iterator[str]:
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(_HostileUpstream, directory=str(world.upstream))
    )
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def live_service(
    world: World, first_update: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A service serving the world's registry while the hostile updates run."""
    with serve(world.models, tmp_path_factory.mktemp("hostile-serve")) as server:
        yield server.url


def _service_bytes(url: str) -> list[bytes]:
    asked = [
        httpx.get(f"{url}/v1/vehicles", params={"q": "Electron", "limit": 5}, timeout=10),
        httpx.post(f"{url}/v1/launch-failure", json={"vehicle": "Electron", "date": "2026-03-01"}),
        httpx.post(f"{url}/v1/pad-turnaround", json={"pad": "LC39A", "date": "2026-03-01"}),
    ]
    assert all(a.status_code == 200 for a in asked), [a.text for a in asked]
    return [a.content for a in asked]


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_upstream_is_refused_within_its_limits_and_changes_nothing(
    world: World, hostile_upstream: str, live_service: str, case: str
) -> None:
    hostile = HOSTILE[case]
    base = f"{hostile_upstream}/{case}"
    before, answers = world.digests(), _service_bytes(live_service)
    started = time.monotonic()
    failed = _tminus(
        "data",
        "update",
        "--upstream",
        base,
        "--data-dir",
        str(world.data),
        "--models-dir",
        str(world.models),
        "--manifest",
        str(MANIFEST),
        env=DOWNLOAD_ENV,
    )
    seconds = time.monotonic() - started
    assert failed.returncode == hostile.code, failed.stderr
    assert "Traceback" not in failed.stderr
    errors = [line for line in failed.stderr.splitlines() if line.startswith("error:")]
    expected = hostile.message.format(url=f"{base}/launch/launch.tsv")
    assert errors and errors[0].startswith(
        f"error: update stopped, tables and models unchanged: {expected}"
    ), failed.stderr
    assert errors[0].isprintable(), errors[0]  # nothing of the file's bytes reaches a terminal
    # Within the deadline (plus the process's start), with the lock released, nothing changed.
    assert seconds < 4 + 15, seconds
    with update_lock(world.data / "raw"):
        pass
    assert world.digests() == before
    assert _service_bytes(live_service) == answers
    assert not world.leftovers()
