"""``tminus data build``: raw sources -> validated parquet tables, swapped in atomically."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from tminus.data import gcat, ll2, spacex, weather
from tminus.data import schema as s
from tminus.data.errors import SourceUnavailableError
from tminus.data.fetch import check_file
from tminus.data.manifest import (
    CAPE_WEATHER,
    GCAT,
    LL2_SNAPSHOTS,
    SPACEX,
    Source,
    source_by_name,
)
from tminus.data.tables import BUILD_INFO, table_path
from tminus.data.validation import validate_table

Notify = Callable[[str], None]

TABLE_KEYS: dict[str, str | None] = {
    s.LAUNCHES: s.LAUNCH_TAG,
    s.BOOSTER_LANDINGS: s.BL_LAUNCH_ID,
    s.WEATHER_EVENTS: s.WX_SOURCE_FILE,
    s.NET_HISTORY: s.NH_LAUNCH_ID,
}


def _ignore(_: str) -> None:
    return None


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    processed_dir: Path
    rows: dict[str, int]
    changed_files: list[str] = field(default_factory=list)
    missing_sources: list[str] = field(default_factory=list)
    seconds: float = 0.0


def verify_raw(
    sources: tuple[Source, ...], raw_dir: Path, *, allow_changed: bool, warn: Notify = _ignore
) -> tuple[list[str], list[str]]:
    """Check every raw file against the manifest before parsing anything.

    Returns
    -------
    (changed, missing_sources)
        Files accepted despite a different sha256, and mirror-only sources not fetched.

    Raises
    ------
    SourceUnavailableError
        A raw file is missing (fetch first).
    ChecksumMismatchError
        A raw file differs and ``allow_changed`` is False.
    """
    changed: list[str] = []
    missing_sources: list[str] = []
    for source in sources:
        folder = raw_dir / source.name
        if source.mirror_only and not folder.exists():
            warn(f"{source.name} was not fetched (mirror-only source): its table will be empty")
            missing_sources.append(source.name)
            continue
        for entry in source.files:
            path = folder / entry.path
            label = f"{source.name}/{entry.path}"
            if not path.is_file():
                raise SourceUnavailableError(
                    f"{path} is missing: run `tminus data fetch` (or `make data`) first"
                )
            if check_file(path, entry, label=label, allow_changed=allow_changed, warn=warn):
                changed.append(label)
    return changed, missing_sources


def parse_sources(
    sources: tuple[Source, ...],
    raw_dir: Path,
    *,
    missing_sources: list[str],
    step: Notify = _ignore,
    advance: Notify = _ignore,
) -> dict[str, pd.DataFrame]:
    """Parse and validate every table from ``raw_dir``; nothing is written."""
    step("launches (GCAT)")
    gcat_dir = raw_dir / GCAT
    launchlog = gcat.validate_launchlog(
        gcat.read_gcat_tsv(gcat_dir / "launchlog.tsv", required=gcat.LAUNCHLOG_COLUMNS)
    )
    lv = gcat.read_gcat_tsv(gcat_dir / "lv.tsv", required=(gcat.LV_NAME, gcat.LV_FAMILY))
    sites = gcat.read_gcat_tsv(
        gcat_dir / "sites.tsv", required=(gcat.SITES_SITE, gcat.SITES_SHORT_NAME)
    )
    tables = {s.LAUNCHES: gcat.build_launches(launchlog, lv, sites)}

    step("booster landings (SpaceX API)")
    tables[s.BOOSTER_LANDINGS] = spacex.read_booster_landings(raw_dir / SPACEX)

    step("weather events (BRAVO)")
    wx = source_by_name(sources, CAPE_WEATHER)
    event_files = [f.path for f in wx.files if f.path.startswith(f"{weather.FEATURE_FOLDER}/")]
    tables[s.WEATHER_EVENTS] = weather.read_weather_events(
        raw_dir / CAPE_WEATHER, event_files, advance=advance
    )

    step("NET history (LL2 snapshots)")
    if LL2_SNAPSHOTS in missing_sources:
        tables[s.NET_HISTORY] = ll2.history_table([])
    else:
        bundle = source_by_name(sources, LL2_SNAPSHOTS).files[0].path
        tables[s.NET_HISTORY] = ll2.read_net_history(raw_dir / LL2_SNAPSHOTS / bundle)

    return {
        name: validate_table(frame, name, key=TABLE_KEYS[name]) for name, frame in tables.items()
    }


def swap_in(staged: Path, processed_dir: Path) -> None:
    """Replace ``processed_dir`` by ``staged`` with two renames (old copy kept until done)."""
    if not processed_dir.exists():
        staged.replace(processed_dir)
        return
    retired = processed_dir.parent / f".tmp-old-{uuid.uuid4().hex[:8]}"
    processed_dir.replace(retired)
    try:
        staged.replace(processed_dir)
    except OSError:
        retired.replace(processed_dir)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def write_tables(
    tables: dict[str, pd.DataFrame], processed_dir: Path, *, info: dict[str, object]
) -> None:
    """Write the tables into a temporary folder beside ``processed_dir``, check, then swap.

    A failure at any point leaves ``processed_dir`` as it was.
    """
    processed_dir.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=".tmp-build-", dir=processed_dir.parent))
    try:
        staged.chmod(0o755)  # mkdtemp makes it private; the tables are for everyone
        for name, frame in tables.items():
            path = table_path(name, staged)
            frame.to_parquet(path, index=False)
            # Read back: what others load must still match the schema (dtypes survive parquet).
            validate_table(pd.read_parquet(path), name, key=TABLE_KEYS[name])
        (staged / BUILD_INFO).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
        swap_in(staged, processed_dir)
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def build_tables(
    sources: tuple[Source, ...],
    raw_dir: Path,
    processed_dir: Path,
    *,
    allow_changed: bool = False,
    warn: Notify = _ignore,
    step: Notify = _ignore,
    advance: Notify = _ignore,
) -> BuildResult:
    """Verify, parse, validate and write all processed tables.

    Parameters
    ----------
    sources
        The manifest.
    raw_dir, processed_dir
        Input and output folders (``<data_dir>/raw`` and ``<data_dir>/processed``).
    allow_changed
        Parse raw files whose sha256 differs from the manifest (with a warning).
    warn, step, advance
        Callbacks for warnings, the start of each table, and each file parsed.

    Raises
    ------
    DataError
        Any subclass; ``processed_dir`` is then untouched.
    """
    started = time.perf_counter()
    step("checking raw files")
    changed, missing = verify_raw(sources, raw_dir, allow_changed=allow_changed, warn=warn)
    tables = parse_sources(sources, raw_dir, missing_sources=missing, step=step, advance=advance)
    step("writing tables")
    info: dict[str, object] = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": {name: len(frame) for name, frame in tables.items()},
        "sources": {
            src.name: {f.path: f.sha256 for f in src.files}
            for src in sources
            if src.name not in missing
        },
        "changed_files": changed,
        "missing_sources": missing,
    }
    write_tables(tables, processed_dir, info=info)
    return BuildResult(
        processed_dir=processed_dir,
        rows={name: len(frame) for name, frame in tables.items()},
        changed_files=changed,
        missing_sources=missing,
        seconds=time.perf_counter() - started,
    )
