"""Copy the sources into ``raw/`` from a local mirror, or download them, checking every sha256."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from tminus.data.download import DownloadLimits, download
from tminus.data.errors import ChecksumMismatchError, SourceUnavailableError
from tminus.data.manifest import Source, SourceFile, sha256_file
from tminus.data.progress import Notify, ignore

Origin = Literal["mirror", "download", "skipped"]

# raw/_origins.json: "<source>/<path>" -> "mirror" | "download", what the last fetch did.
ORIGINS: Final = "_origins.json"


@dataclass(frozen=True)
class FetchedFile:
    """What happened to one manifest file during a fetch."""

    source: str
    path: str
    origin: Origin
    changed: bool


def check_file(
    path: Path, entry: SourceFile, *, label: str, allow_changed: bool, warn: Notify
) -> bool:
    """Compare ``path``'s sha256 with the manifest entry.

    Returns
    -------
    bool
        True when the file differs but ``allow_changed`` accepted it (a warning was emitted).

    Raises
    ------
    ChecksumMismatchError
        The file differs and ``allow_changed`` is False.
    """
    actual = sha256_file(path)
    if actual == entry.sha256:
        return False
    if not allow_changed:
        raise ChecksumMismatchError(label, entry.sha256, actual)
    warn(f"{label}: sha256 differs from the manifest; accepted because of --allow-changed")
    return True


def _install(tmp: Path, dest: Path) -> None:
    """Rename ``tmp`` onto ``dest``, readable by everyone (mkstemp makes files private)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp.chmod(0o644)
    tmp.replace(dest)


def _copy_from_mirror(
    source: Source,
    entry: SourceFile,
    mirror: Path,
    dest: Path,
    *,
    allow_changed: bool,
    warn: Notify,
) -> bool:
    origin = mirror / source.name / entry.path
    if not origin.is_file():
        raise SourceUnavailableError(
            f"mirror {mirror} has no {source.name}/{entry.path} (listed in the sources manifest)"
        )
    # Check before copying, so a refused file never replaces a good copy already in raw/.
    changed = check_file(
        origin, entry, label=f"{source.name}/{entry.path}", allow_changed=allow_changed, warn=warn
    )
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".fetch-", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        shutil.copyfile(origin, tmp)
        _install(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return changed


def _download(
    source: Source,
    entry: SourceFile,
    dest: Path,
    *,
    limits: DownloadLimits | None,
    allow_changed: bool,
    warn: Notify,
) -> bool:
    if entry.url is None:
        raise SourceUnavailableError(f"{source.name}/{entry.path} has no download URL")
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".fetch-", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        # Streamed to a temporary file within the limits, verified, and only then installed.
        try:
            download(entry.url, tmp, name=f"{source.name}/{entry.path}", limits=limits)
        except SourceUnavailableError as exc:
            raise SourceUnavailableError(
                f"{exc}; no mirror was given either: set DATA_MIRROR or pass --mirror PATH"
            ) from None
        changed = check_file(
            tmp,
            entry,
            label=f"{source.name}/{entry.path} (downloaded from {entry.url})",
            allow_changed=allow_changed,
            warn=warn,
        )
        _install(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return changed


def fetch_sources(
    sources: tuple[Source, ...],
    raw_dir: Path,
    *,
    mirror: Path | None,
    allow_changed: bool = False,
    limits: DownloadLimits | None = None,
    warn: Notify = ignore,
    advance: Notify = ignore,
) -> list[FetchedFile]:
    """Put every manifest file into ``raw_dir/<source>/``, from ``mirror`` or by download.

    Parameters
    ----------
    sources
        The manifest's sources.
    raw_dir
        Destination root; created if missing.
    mirror
        A folder laid out ``<source>/<path>``; ``None`` downloads each file's pinned ``url``.
        Mirror-only sources are skipped with a warning when downloading.
    allow_changed
        Accept (with a warning) files whose sha256 differs from the manifest.
    limits
        Bytes and seconds each download may take (default
        :class:`~tminus.data.download.DownloadLimits`).
    warn, advance
        Callbacks: a warning message, and the label of each file as it is done (for progress).

    Raises
    ------
    SourceUnavailableError
        The mirror lacks a file, or a download failed (no network).
    ChecksumMismatchError
        A file differs from the manifest and ``allow_changed`` is False. Files already in
        ``raw_dir`` are left as they were.
    """
    if mirror is not None and not mirror.is_dir():
        raise SourceUnavailableError(f"mirror folder {mirror} does not exist")
    fetched: list[FetchedFile] = []
    for source in sources:
        if mirror is None and source.mirror_only:
            warn(
                f"{source.name} is only available from a mirror "
                f"({source.note or source.homepage}); skipped: the build goes without it "
                "unless you fetch with --mirror"
            )
            fetched.extend(FetchedFile(source.name, f.path, "skipped", False) for f in source.files)
            continue
        for entry in source.files:
            dest = raw_dir / source.name / entry.path
            if mirror is not None:
                changed = _copy_from_mirror(
                    source, entry, mirror, dest, allow_changed=allow_changed, warn=warn
                )
                origin: Origin = "mirror"
            else:
                changed = _download(
                    source, entry, dest, limits=limits, allow_changed=allow_changed, warn=warn
                )
                origin = "download"
            fetched.append(FetchedFile(source.name, entry.path, origin, changed))
            advance(f"{source.name}/{entry.path}")
    record_origins(raw_dir, fetched)
    return fetched


def read_origins(raw_dir: Path) -> dict[str, str]:
    """Where each raw file came from (``mirror`` or ``download``), as the fetches recorded it.

    Files fetched before this record existed, or put there by hand, are absent.
    """
    try:
        document = json.loads((raw_dir / ORIGINS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict):
        return {}
    return {str(k): str(v) for k, v in document.items()}


def record_origins(raw_dir: Path, fetched: list[FetchedFile]) -> None:
    """Add what a fetch did to :data:`ORIGINS` (replaced atomically)."""
    origins = read_origins(raw_dir)
    origins.update({f"{f.source}/{f.path}": f.origin for f in fetched if f.origin != "skipped"})
    raw_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".fetch-", dir=raw_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(origins, out, indent=2, sort_keys=True)
            out.write("\n")
        tmp.chmod(0o644)
        _install(tmp, raw_dir / ORIGINS)
    finally:
        tmp.unlink(missing_ok=True)
