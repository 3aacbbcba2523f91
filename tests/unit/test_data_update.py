"""`tminus data update`'s pieces: where files come from, downloads that fail, the update lock.

The whole update against a ``file://`` upstream built from the mirror is
``tests/integration/test_data_update.py``.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from tminus.data import schema as S
from tminus.data import upstream
from tminus.data.download import DownloadLimits
from tminus.data.errors import ShrunkenRecordError, SourceUnavailableError, UpdateInProgressError
from tminus.data.manifest import load_manifest
from tminus.data.update import check_not_shrunken, download_file, update_lock

CONTENT = b"#Launch_Tag\tLaunch_Date\n2026-001\t2026 Jan  3\n"


def test_update_downloads_from_the_upstream_paths_the_manifest_names() -> None:
    """`tminus data update` fetches <TMINUS_UPSTREAM>/<path>: GCAT's own layout, as listed."""
    from tminus.settings import Settings

    root = Path(__file__).resolve().parents[2]
    sources = {src.name: src for src in load_manifest(root / "datasets" / "sources.toml")}
    listed = {
        entry.path.rsplit("/", 1)[-1]: entry.upstream
        for name in ("gcat", "gcat_launch_recent")
        for entry in sources[name].files
    }
    base = Settings().upstream
    assert base == "https://planet4589.org/space/gcat/tsv"
    for name in upstream.UPSTREAM_FILES:
        mirror_name = "launch_2025.tsv" if name == upstream.LAUNCH_LIST else name
        assert upstream.file_url(base, name) == listed[mirror_name], name
    assert upstream.file_url("file:///srv/gcat/", "lv.tsv") == "file:///srv/gcat/tables/lv.tsv"


def test_a_file_url_downloads_with_its_sha256_and_progress(tmp_path: Path) -> None:
    source = tmp_path / "launch.tsv"
    source.write_bytes(CONTENT)
    seen: list[tuple[str, int | None]] = []
    got: list[int] = []
    record = download_file(
        source.as_uri(),
        tmp_path / "copy.tsv",
        name="launch.tsv",
        on_start=lambda name, total: seen.append((name, total)),
        on_bytes=lambda _, n: got.append(n),
    )
    assert (tmp_path / "copy.tsv").read_bytes() == CONTENT
    assert record.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert record.size == len(CONTENT) == sum(got)
    assert seen == [("launch.tsv", len(CONTENT))]


def test_a_missing_file_names_the_file_and_the_url(tmp_path: Path) -> None:
    url = (tmp_path / "tables" / "lv.tsv").as_uri()
    with pytest.raises(SourceUnavailableError) as err:
        download_file(url, tmp_path / "lv.tsv", name="lv.tsv")
    assert str(err.value).startswith(f"cannot download lv.tsv from {url}: ")
    assert "No such file" in str(err.value)


class _Handler(BaseHTTPRequestHandler):
    """/ok: the content; /short: announces more bytes than it sends; anything else: 404."""

    def do_GET(self) -> None:
        if self.path == "/ok":
            self.send_response(200)
            self.send_header("Content-Length", str(len(CONTENT)))
            self.end_headers()
            self.wfile.write(CONTENT)
        elif self.path == "/short":
            self.send_response(200)
            self.send_header("Content-Length", str(len(CONTENT) * 2))
            self.end_headers()
            self.wfile.write(CONTENT)
            self.close_connection = True
        else:
            self.send_error(404, "Not Found")

    def log_message(self, *_: object) -> None:  # keep the test output clean
        return None


@contextmanager
def _serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """``handler`` on a free port of 127.0.0.1, in threads; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def http_upstream() -> Iterator[str]:
    with _serving(_Handler) as url:
        yield url


def test_http_download_and_its_failures_name_file_and_why(
    http_upstream: str, tmp_path: Path
) -> None:
    ok = download_file(f"{http_upstream}/ok", tmp_path / "a", name="launch.tsv")
    assert ok.sha256 == hashlib.sha256(CONTENT).hexdigest()
    with pytest.raises(SourceUnavailableError, match=r"^cannot download lv\.tsv from .*HTTP 404"):
        download_file(f"{http_upstream}/tables/lv.tsv", tmp_path / "b", name="lv.tsv")
    with pytest.raises(
        SourceUnavailableError, match=r"^cannot download orgs\.tsv .*got 45 of 90 bytes"
    ):
        download_file(f"{http_upstream}/short", tmp_path / "c", name="orgs.tsv")


def test_a_second_update_while_one_runs_is_refused(tmp_path: Path) -> None:
    refused = pytest.raises(UpdateInProgressError, match="another `tminus data update`")
    with update_lock(tmp_path / "raw"), refused, update_lock(tmp_path / "raw"):
        pass
    with update_lock(tmp_path / "raw"):  # released: the next one may run
        pass


def _record(n: int, *, start: str = "2000-01-01") -> pd.DataFrame:
    times = pd.date_range(start, periods=n, freq="D", tz="UTC")
    return pd.DataFrame({S.LAUNCH_TAG: [f"T{i:05d}" for i in range(n)], S.LAUNCH_TIME: times})


def test_a_list_that_would_lose_much_of_the_record_is_refused() -> None:
    """A well-formed but partial launch.tsv (a truncated copy) must not replace the record."""
    previous = _record(1000)
    check_not_shrunken(previous, _record(1010))  # the record plus ten new launches: fine
    revised = pd.concat([_record(1000).iloc[20:], _record(5, start="2010-01-01")])
    check_not_shrunken(previous, revised)  # GCAT revised a few tags: fine
    with pytest.raises(ShrunkenRecordError, match=r"launch.tsv: keeps 289 of the 1,000"):
        check_not_shrunken(previous, _record(1000).iloc[-289:])
    with pytest.raises(ShrunkenRecordError, match=r"ends on 2002-09-06, before .* 2002-09-26"):
        check_not_shrunken(previous, _record(980))  # an older copy: the last 20 launches gone
    check_not_shrunken(None, _record(3))  # nothing to lose yet


# ---- bounded downloads: a hostile or broken upstream ---------------------------------------
class _Hostile(BaseHTTPRequestHandler):
    """/drip: a byte every 0.2 s; /drip-head: the response head itself dripped; /endless: no
    length, bytes as fast as they go, forever; /huge: announces 512 MB; /to/<where>: a 302
    (/to/same, /to/other-host, /to/https, /to/loop)."""

    def do_GET(self) -> None:
        path = self.path
        try:
            if path == "/drip":
                self.send_response(200)
                self.send_header("Content-Length", "1000000")
                self.end_headers()
                for _ in range(10_000):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.2)
            elif path == "/drip-head":
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                for _ in range(10_000):
                    self.wfile.write(b"X")
                    self.wfile.flush()
                    time.sleep(0.2)
            elif path == "/endless":
                self.send_response(200)
                self.end_headers()
                block = b"#" * 65536
                while True:
                    self.wfile.write(block)
            elif path == "/huge":
                self.send_response(200)
                self.send_header("Content-Length", str(512 * 1024 * 1024))
                self.end_headers()
                self.wfile.write(b"x" * 1024)
            elif path.startswith("/to/"):
                port = self.server.server_address[1]
                where = {
                    "/to/same": f"http://127.0.0.1:{port}/ok",
                    "/to/other-host": f"http://localhost:{port}/ok",
                    "/to/https": f"https://127.0.0.1:{port}/ok",
                    "/to/loop": "/to/loop",
                }[path]
                self.send_response(302)
                self.send_header("Location", where)
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path == "/ok":
                self.send_response(200)
                self.send_header("Content-Length", str(len(CONTENT)))
                self.end_headers()
                self.wfile.write(CONTENT)
        except (BrokenPipeError, ConnectionResetError):
            return

    def log_message(self, *_: object) -> None:
        return None


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    with _serving(_Hostile) as url:
        yield url


LIMITS = DownloadLimits(max_bytes=4 * 1024 * 1024, timeout_s=1.5)


@pytest.mark.parametrize("path", ["/drip", "/drip-head"])
def test_a_dripping_upstream_is_cut_off_at_the_deadline(
    hostile: str, tmp_path: Path, path: str
) -> None:
    started = time.monotonic()
    with pytest.raises(SourceUnavailableError, match=r"not complete within 1\.5 s"):
        download_file(f"{hostile}{path}", tmp_path / "x", name="launch.tsv", limits=LIMITS)
    assert LIMITS.timeout_s <= time.monotonic() - started < LIMITS.timeout_s + 1.0


def test_an_endless_or_huge_upstream_is_refused_at_the_byte_cap(
    hostile: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    with pytest.raises(
        SourceUnavailableError, match=r"sent more than the limit of 4,194,304 bytes"
    ):
        download_file(f"{hostile}/endless", tmp_path / "x", name="launch.tsv", limits=LIMITS)
    assert time.monotonic() - started < LIMITS.timeout_s
    assert (tmp_path / "x").stat().st_size <= LIMITS.max_bytes  # never more staged than that
    with pytest.raises(SourceUnavailableError, match=r"announces 536,870,912 bytes"):
        download_file(f"{hostile}/huge", tmp_path / "y", name="launch.tsv", limits=LIMITS)
    assert (tmp_path / "y").stat().st_size == 0  # refused before a byte of the body
    big = tmp_path / "big.tsv"
    big.write_bytes(b"x" * (LIMITS.max_bytes + 1))
    with pytest.raises(SourceUnavailableError, match=r"announces 4,194,305 bytes"):
        download_file(big.as_uri(), tmp_path / "z", name="launch.tsv", limits=LIMITS)


def test_redirects_stay_on_the_scheme_and_the_allowed_hosts(hostile: str, tmp_path: Path) -> None:
    same = download_file(f"{hostile}/to/same", tmp_path / "a", name="lv.tsv", limits=LIMITS)
    assert same.sha256 == hashlib.sha256(CONTENT).hexdigest()
    for where, says in (("other-host", "localhost"), ("https", "https://127.0.0.1")):
        with pytest.raises(SourceUnavailableError, match=f"redirects to .*{says}.*refused"):
            download_file(f"{hostile}/to/{where}", tmp_path / "b", name="lv.tsv", limits=LIMITS)
    allowed = DownloadLimits(max_bytes=LIMITS.max_bytes, allowed_hosts=("localhost",))
    moved = download_file(f"{hostile}/to/other-host", tmp_path / "c", name="lv.tsv", limits=allowed)
    assert moved.size == len(CONTENT)
    with pytest.raises(SourceUnavailableError, match="more than 5 redirects"):
        download_file(f"{hostile}/to/loop", tmp_path / "d", name="lv.tsv", limits=LIMITS)
