"""`tminus data update`'s pieces: where files come from, downloads that fail, the update lock.

The whole update against a ``file://`` upstream built from the mirror is
``tests/integration/test_data_update.py``.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from tminus.data import schema as s
from tminus.data import upstream
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


@pytest.fixture(scope="module")
def http_upstream() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


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
    return pd.DataFrame({s.LAUNCH_TAG: [f"T{i:05d}" for i in range(n)], s.LAUNCH_TIME: times})


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
