"""Fetching sources from a mirror or by download, with sha256 checks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tminus.data.errors import ChecksumMismatchError, ManifestError, SourceUnavailableError
from tminus.data.fetch import fetch_sources
from tminus.data.manifest import Source, SourceFile, load_manifest, parse_manifest

CONTENT = b"#A\tB\n1\t2\n"


def _source(
    name: str = "src",
    *,
    digest: str | None = None,
    url: str | None = None,
    mirror_only: bool = False,
) -> Source:
    entry = SourceFile(
        path="data.tsv",
        sha256=digest or hashlib.sha256(CONTENT).hexdigest(),
        url=url,
        upstream="https://example.invalid/data.tsv",
    )
    return Source(
        name, "t", "CC-BY-4.0", "credit", "https://example.invalid", mirror_only, None, (entry,)
    )


def _mirror(tmp_path: Path, content: bytes = CONTENT) -> Path:
    folder = tmp_path / "mirror" / "src"
    folder.mkdir(parents=True)
    (folder / "data.tsv").write_bytes(content)
    return tmp_path / "mirror"


def test_copies_a_verified_file(tmp_path: Path) -> None:
    fetched = fetch_sources((_source(),), tmp_path / "raw", mirror=_mirror(tmp_path))
    copied = tmp_path / "raw" / "src" / "data.tsv"
    assert copied.read_bytes() == CONTENT
    assert [(f.origin, f.changed) for f in fetched] == [("mirror", False)]
    # readable by the service's and updater's own users, not only by whoever fetched it
    assert copied.stat().st_mode & 0o444 == 0o444


def test_changed_file_is_refused_naming_it_and_keeps_the_previous_copy(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    fetch_sources((_source(),), raw, mirror=_mirror(tmp_path))
    changed = _mirror(tmp_path / "other", CONTENT + b"3\t4\n")
    with pytest.raises(ChecksumMismatchError, match=r"src/data\.tsv: sha256") as err:
        fetch_sources((_source(),), raw, mirror=changed)
    assert err.value.path == "src/data.tsv"
    assert "--allow-changed" in str(err.value)
    assert (raw / "src" / "data.tsv").read_bytes() == CONTENT


def test_allow_changed_accepts_with_a_warning(tmp_path: Path) -> None:
    warnings: list[str] = []
    changed = _mirror(tmp_path, CONTENT + b"3\t4\n")
    fetched = fetch_sources(
        (_source(),), tmp_path / "raw", mirror=changed, allow_changed=True, warn=warnings.append
    )
    assert fetched[0].changed
    assert len(warnings) == 1
    assert "src/data.tsv" in warnings[0]


def test_missing_mirror_file_or_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceUnavailableError, match="does not exist"):
        fetch_sources((_source(),), tmp_path / "raw", mirror=tmp_path / "nowhere")
    (tmp_path / "empty" / "src").mkdir(parents=True)
    with pytest.raises(SourceUnavailableError, match=r"has no src/data\.tsv"):
        fetch_sources((_source(),), tmp_path / "raw", mirror=tmp_path / "empty")


def test_download_failure_says_no_mirror_and_no_network(tmp_path: Path) -> None:
    unreachable = (tmp_path / "not-there.tsv").as_uri()
    with pytest.raises(SourceUnavailableError, match="set DATA_MIRROR or pass --mirror"):
        fetch_sources((_source(url=unreachable),), tmp_path / "raw", mirror=None)
    assert not (tmp_path / "raw" / "src" / "data.tsv").exists()


def test_download_is_verified_like_a_mirror_copy(tmp_path: Path) -> None:
    upstream = tmp_path / "upstream.tsv"
    upstream.write_bytes(CONTENT)
    fetched = fetch_sources((_source(url=upstream.as_uri()),), tmp_path / "raw", mirror=None)
    assert fetched[0].origin == "download"
    upstream.write_bytes(CONTENT + b"x")
    with pytest.raises(ChecksumMismatchError):
        fetch_sources((_source(url=upstream.as_uri()),), tmp_path / "raw", mirror=None)


def test_mirror_only_source_is_skipped_with_a_warning_when_downloading(tmp_path: Path) -> None:
    warnings: list[str] = []
    fetched = fetch_sources(
        (_source(mirror_only=True),), tmp_path / "raw", mirror=None, warn=warnings.append
    )
    assert [f.origin for f in fetched] == ["skipped"]
    assert "only available from a mirror" in warnings[0]


def test_manifest_rejects_paths_leaving_their_folder() -> None:
    document = {
        "source": [
            {
                "name": "src",
                "title": "t",
                "licence": "MIT",
                "attribution": "a",
                "homepage": "h",
                "file": [{"path": "../x.tsv", "sha256": "0" * 64, "upstream": "u"}],
            }
        ]
    }
    with pytest.raises(ManifestError, match="must be relative"):
        parse_manifest(document)


def test_committed_manifest_lists_every_source_with_licence_and_hashes() -> None:
    root = Path(__file__).resolve().parents[2]
    sources = {src.name: src for src in load_manifest(root / "datasets" / "sources.toml")}
    assert set(sources) == {
        "gcat",
        "gcat_launch_recent",
        "spacex_api_v4",
        "cape_weather_launch_scrub",
        "ll2_net_snapshots_2026aug",
    }
    assert len(sources["cape_weather_launch_scrub"].files) == 142  # 2 CSVs + 140 event files
    assert sources["ll2_net_snapshots_2026aug"].mirror_only
    # The 2025 slice of launch.tsv exists only in the mirror: no pinned copy to download.
    assert sources["gcat_launch_recent"].mirror_only
    assert [f.path for f in sources["gcat_launch_recent"].files] == ["launch_2025.tsv"]
    for src in sources.values():
        assert src.licence and src.attribution
        for entry in src.files:
            assert entry.url is not None or src.mirror_only
