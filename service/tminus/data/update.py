"""``tminus data update`` (data half): GCAT's current files -> validated tables, all or nothing.

1. Download the full launch list and the reference tables (:data:`upstream.UPSTREAM_FILES`)
   into a staging folder inside ``raw/``, recording each file's sha256.
2. If they are byte for byte what the current tables were built from, stop: nothing to do.
3. Parse and validate them and build every table from them (the other sources as ``make data``
   left them), and write the tables into a staging folder beside ``processed/``.
4. Only then install the download as ``raw/gcat_upstream/`` and swap the tables in, each with
   renames. A failure before step 4 leaves ``raw/`` and ``processed/`` as they were.

An exclusive lock on ``raw/.update.lock`` keeps two updates (a slow one and the next one a
scheduler starts) from interleaving; staging folders a killed update left are removed by the
next one.
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Final

import pandas as pd

from tminus.data import schema as S
from tminus.data import upstream
from tminus.data.build import prepare_build, stage_tables, swap_in
from tminus.data.download import DownloadLimits, OnBytes, OnStart, download
from tminus.data.errors import (
    DataError,
    ShrunkenRecordError,
    UpdateInProgressError,
)
from tminus.data.manifest import Source
from tminus.data.progress import Notify, ignore
from tminus.data.tables import build_info, load_table
from tminus.data.vehicles import DEFAULT_REFERENCE_DIR

LOCK = ".update.lock"
STAGING_PREFIX = ".tmp-update-"


@dataclass(frozen=True)
class UpdateResult:
    """What an update did.

    Attributes
    ----------
    changed
        False when upstream held exactly what the tables were already built from.
    record
        The files downloaded (URL, sha256, size).
    rows
        Rows per table after the update (empty when unchanged).
    cutoff_before, cutoff_after
        The last launch date before and after (the same when unchanged).
    new_launches
        Launch tags in the new table that the previous one did not have.
    """

    changed: bool
    record: upstream.UpstreamRecord
    rows: dict[str, int] = field(default_factory=dict)
    cutoff_before: date | None = None
    cutoff_after: date | None = None
    new_launches: int = 0
    seconds: float = 0.0


def download_file(
    url: str,
    dest: Path,
    *,
    name: str,
    limits: DownloadLimits | None = None,
    on_start: OnStart = ignore,
    on_bytes: OnBytes = ignore,
) -> upstream.UpstreamFile:
    """Download ``url`` (``https://``, ``http://`` or ``file://``) to ``dest`` within ``limits``.

    See :func:`tminus.data.download.download`: capped in bytes and in time, redirects only on
    the same scheme and the allowed hosts.

    Raises
    ------
    SourceUnavailableError
        The server answered an HTTP error, the file does not exist, the network is out of
        reach, fewer bytes came than announced, or a limit was passed; the message names the
        file and why.
    """
    got = download(url, dest, name=name, limits=limits, on_start=on_start, on_bytes=on_bytes)
    return upstream.UpstreamFile(name=name, url=url, sha256=got.sha256, size=got.size)


@contextlib.contextmanager
def update_lock(raw_dir: Path) -> Iterator[None]:
    """Hold the data folder's update lock, or fail at once if another update holds it."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    path = raw_dir / LOCK
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UpdateInProgressError(
                f"another `tminus data update` is running (it holds {path}); "
                "nothing was changed: run again when it is done"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_leftovers(*folders: Path) -> None:
    """Staging folders of updates that were killed (only called under the lock)."""
    for folder in folders:
        if folder.is_dir():
            for path in folder.glob(f"{STAGING_PREFIX}*"):
                shutil.rmtree(path, ignore_errors=True)


def is_current(record: upstream.UpstreamRecord, raw_dir: Path, processed_dir: Path) -> bool:
    """True when ``record``'s files are those installed and the tables were built from."""
    try:
        installed = upstream.read_record(raw_dir / upstream.UPSTREAM)
    except DataError:
        return False
    info = build_info(processed_dir)
    built = info.get("sources")
    if installed is None or not isinstance(built, dict):
        return False
    if info.get("launch_records") != [f"{upstream.UPSTREAM}/{upstream.LAUNCH_LIST}"]:
        return False
    for name, entry in record.files.items():
        previous = installed.files.get(name)
        in_tables = built.get(f"{upstream.UPSTREAM}/{name}")
        if previous is None or previous.sha256 != entry.sha256:
            return False
        if not isinstance(in_tables, dict) or in_tables.get("sha256") != entry.sha256:
            return False
    return True


def _current_launches(processed_dir: Path) -> pd.DataFrame | None:
    try:
        return load_table(S.LAUNCHES, processed_dir)
    except DataError:
        return None


def _cutoff(launches: pd.DataFrame | None) -> date | None:
    if launches is None or launches.empty:
        return None
    return pd.Timestamp(launches[S.LAUNCH_TIME].max()).date()


# A new launch list must keep at least this share of the launches the current record holds.
MIN_KEPT: Final = 0.95


def check_not_shrunken(previous: pd.DataFrame | None, launches: pd.DataFrame) -> None:
    """Refuse a launch list that loses much of the current record or ends before it.

    GCAT revises its history (a tag renamed, a launch recoded), so a few launches may go; a
    well-formed but partial file (a truncated copy, a filtered export) would otherwise replace
    decades of record and retrain every model on it.

    Raises
    ------
    ShrunkenRecordError
        Naming ``launch.tsv``, how many launches it keeps and where it ends.
    """
    if previous is None or previous.empty:
        return
    kept = int(previous[S.LAUNCH_TAG].isin(set(launches[S.LAUNCH_TAG])).sum())
    before, after = _cutoff(previous), _cutoff(launches)
    if kept < MIN_KEPT * len(previous):
        raise ShrunkenRecordError(
            f"{upstream.LAUNCH_LIST}: keeps {kept:,} of the {len(previous):,} launches on record "
            f"(it holds {len(launches):,}); refusing a list that would lose more than "
            f"{1 - MIN_KEPT:.0%} of the record (a partial or truncated copy?)"
        )
    if before is not None and (after is None or after < before):
        raise ShrunkenRecordError(
            f"{upstream.LAUNCH_LIST}: ends on {after}, before the record's last launch on "
            f"{before}; refusing a list older than the data it would replace"
        )


def update_data(
    sources: tuple[Source, ...],
    raw_dir: Path,
    processed_dir: Path,
    *,
    base: str,
    reference_dir: Path = DEFAULT_REFERENCE_DIR,
    limits: DownloadLimits | None = None,
    warn: Notify = ignore,
    step: Notify = ignore,
    on_start: OnStart = ignore,
    on_bytes: OnBytes = ignore,
) -> UpdateResult:
    """Download GCAT's current files from ``base`` and rebuild the tables from them.

    Parameters
    ----------
    sources
        The manifest: the other sources are read from ``raw_dir`` as ``make data`` left them.
    raw_dir, processed_dir
        ``<data_dir>/raw`` and ``<data_dir>/processed``.
    reference_dir
        T-Minus' vehicle reference (``datasets/reference``, beside the manifest).
    base
        GCAT's TSV base URL; files are fetched from ``<base>/launch/launch.tsv``,
        ``<base>/tables/lv.tsv``, ... (:data:`upstream.UPSTREAM_FILES`).
    limits
        Bytes and seconds each download may take, and the hosts a redirect may go to
        (default :class:`~tminus.data.download.DownloadLimits`).
    warn, step
        A warning; the start of each step.
    on_start, on_bytes
        Download progress: a file starts (with its size when known); bytes arrived.

    Raises
    ------
    DataError
        A download failed (:class:`SourceUnavailableError`), a file is malformed
        (:class:`SourceValidationError`, naming file, line and column), another update is
        running; ``raw/`` and ``processed/`` are then exactly as they were.
    """
    started = time.perf_counter()
    with update_lock(raw_dir):
        _remove_leftovers(raw_dir, processed_dir.parent)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=raw_dir))
        try:
            folder = staging / upstream.UPSTREAM
            folder.mkdir()
            step("downloading")
            files = {
                name: download_file(
                    upstream.file_url(base, name),
                    folder / name,
                    name=name,
                    limits=limits,
                    on_start=on_start,
                    on_bytes=on_bytes,
                )
                for name in upstream.UPSTREAM_FILES
            }
            record = upstream.UpstreamRecord(
                base=base,
                downloaded_at=datetime.now(UTC).isoformat(timespec="seconds"),
                files=files,
            )
            record.write(folder)
            previous = _current_launches(processed_dir)
            if previous is not None and is_current(record, raw_dir, processed_dir):
                cutoff = _cutoff(previous)
                return UpdateResult(
                    changed=False,
                    record=record,
                    cutoff_before=cutoff,
                    cutoff_after=cutoff,
                    seconds=time.perf_counter() - started,
                )
            prepared = prepare_build(
                sources,
                raw_dir,
                upstream_dir=folder,
                reference_dir=reference_dir,
                warn=warn,
                step=step,
            )
            check_not_shrunken(previous, prepared.tables[S.LAUNCHES])
            step("writing tables")
            staged = stage_tables(
                prepared.tables, processed_dir, info=prepared.info, prefix=STAGING_PREFIX
            )
            try:
                folder.chmod(0o755)
                swap_in(folder, raw_dir / upstream.UPSTREAM)
                swap_in(staged, processed_dir)
            finally:
                shutil.rmtree(staged, ignore_errors=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    launches = prepared.tables[S.LAUNCHES]
    known = set() if previous is None else set(previous[S.LAUNCH_TAG])
    return UpdateResult(
        changed=True,
        record=record,
        rows={name: len(frame) for name, frame in prepared.tables.items()},
        cutoff_before=_cutoff(previous),
        cutoff_after=_cutoff(launches),
        new_launches=int((~launches[S.LAUNCH_TAG].isin(known)).sum()),
        seconds=time.perf_counter() - started,
    )
