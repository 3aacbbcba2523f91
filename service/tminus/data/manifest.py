"""The committed sources manifest (``datasets/sources.toml``): files, origins, sha256."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Final

from tminus.data.errors import ManifestError

DEFAULT_MANIFEST: Final = Path("datasets") / "sources.toml"

GCAT: Final = "gcat"
SPACEX: Final = "spacex_api_v4"
CAPE_WEATHER: Final = "cape_weather_launch_scrub"
LL2_SNAPSHOTS: Final = "ll2_net_snapshots_2026aug"
GCAT_RECENT: Final = "gcat_launch_recent"  # the mirror's slice of launch.tsv (2025)


@dataclass(frozen=True)
class SourceFile:
    """One file of a source.

    Attributes
    ----------
    path
        Relative POSIX path inside the source's folder (``raw/<source>/<path>``).
    sha256
        Hex digest of the exact bytes the parsers were written against.
    url
        A byte-identical copy pinned at a commit, downloaded when no mirror is given;
        ``None`` for mirror-only files.
    upstream
        The live original (informational: it changes, so its hash will differ).
    """

    path: str
    sha256: str
    url: str | None
    upstream: str


@dataclass(frozen=True)
class Source:
    """One public source: a folder of files with a licence and the attribution it requires."""

    name: str
    title: str
    licence: str
    attribution: str
    homepage: str
    mirror_only: bool
    note: str | None
    files: tuple[SourceFile, ...]

    def file(self, path: str) -> SourceFile:
        """The manifest entry of ``path``; :class:`ManifestError` if the source has no such file."""
        for entry in self.files:
            if entry.path == path:
                return entry
        raise ManifestError(f"source {self.name!r} lists no file {path!r} in the manifest")


def _text(table: dict[str, Any], key: str, where: str, *, required: bool = True) -> str | None:
    value = table.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise ManifestError(f"{where}: {key!r} must be a non-empty string, got {value!r}")
    return value


def _safe_relative(path: str, where: str) -> str:
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or "\\" in path:
        raise ManifestError(f"{where}: path {path!r} must be relative and stay inside its folder")
    return path


def parse_manifest(document: dict[str, Any], *, origin: str = "manifest") -> tuple[Source, ...]:
    """Turn a parsed TOML document into :class:`Source` records, checking every field.

    Raises
    ------
    ManifestError
        On a missing field, a malformed sha256, or a path that leaves its folder.
    """
    raw_sources = document.get("source")
    if not isinstance(raw_sources, list) or not raw_sources:
        raise ManifestError(f"{origin}: expected one or more [[source]] tables")
    sources: list[Source] = []
    for i, table in enumerate(raw_sources):
        where = f"{origin} [[source]] #{i + 1}"
        name = _text(table, "name", where) or ""
        where = f"{origin} source {name!r}"
        files: list[SourceFile] = []
        for j, entry in enumerate(table.get("file", [])):
            fwhere = f"{where} file #{j + 1}"
            digest = (_text(entry, "sha256", fwhere) or "").lower()
            if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
                raise ManifestError(f"{fwhere}: sha256 must be 64 hex digits, got {digest!r}")
            files.append(
                SourceFile(
                    path=_safe_relative(_text(entry, "path", fwhere) or "", fwhere),
                    sha256=digest,
                    url=_text(entry, "url", fwhere, required=False),
                    upstream=_text(entry, "upstream", fwhere) or "",
                )
            )
        if not files:
            raise ManifestError(f"{where}: lists no [[source.file]]")
        sources.append(
            Source(
                name=_safe_relative(name, where),
                title=_text(table, "title", where) or "",
                licence=_text(table, "licence", where) or "",
                attribution=_text(table, "attribution", where) or "",
                homepage=_text(table, "homepage", where) or "",
                mirror_only=bool(table.get("mirror_only", False)),
                note=_text(table, "note", where, required=False),
                files=tuple(files),
            )
        )
    return tuple(sources)


def load_manifest(path: Path) -> tuple[Source, ...]:
    """Read and check the sources manifest at ``path``."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ManifestError(
            f"sources manifest {path} not found (run from the project root or pass --manifest)"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path}: not valid TOML: {exc}") from exc
    return parse_manifest(document, origin=str(path))


def source_by_name(sources: tuple[Source, ...], name: str) -> Source:
    """The source called ``name``; :class:`ManifestError` if the manifest lacks it."""
    for source in sources:
        if source.name == name:
            return source
    raise ManifestError(f"the sources manifest has no source {name!r}")


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes (read in chunks, never whole into memory)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
