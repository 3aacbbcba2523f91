"""``tminus data build``: raw sources -> validated parquet tables, swapped in atomically.

The launches come from one of two places:

- GCAT's full launch list, ``raw/gcat_upstream/launch.tsv`` (downloaded by ``tminus data
  update``), when it is there: it is then the single source of launches, and the reference
  tables (``lv``, ``sites``, ``lp``, ``orgs``) come from the same download;
- otherwise the mirror's launch log (``raw/gcat/launchlog.tsv``, to 2025-04-04) merged with its
  slice of the full list (``raw/gcat_launch_recent/launch_2025.tsv``, to 2025-12-30).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from tminus.data import (
    gcat,
    launch_list,
    ll2,
    orbits,
    reference,
    spacex,
    upstream,
    vehicles,
    weather,
)
from tminus.data import schema as S
from tminus.data.errors import ChecksumMismatchError, SourceUnavailableError
from tminus.data.fetch import check_file, read_origins
from tminus.data.manifest import (
    CAPE_WEATHER,
    GCAT,
    GCAT_RECENT,
    LL2_SNAPSHOTS,
    SPACEX,
    Source,
    sha256_file,
    source_by_name,
)
from tminus.data.progress import Notify, ignore
from tminus.data.tables import BUILD_INFO, table_path
from tminus.data.validation import validate_table

# What a build without a mirror-only source lacks.
MISSING_MEANS = {
    LL2_SNAPSHOTS: "its table will be empty",
    GCAT_RECENT: "launches end with the launch log (2025-04-04); "
    "`tminus data update` downloads GCAT's full list",
}
LAUNCHLOG_FILE = "launchlog.tsv"
RECENT_FILE = "launch_2025.tsv"
UNKNOWN_ORIGIN = "unknown"
# Where T-Minus' own reference file comes from, in _build.json.
REPOSITORY_ORIGIN = "repository"


@dataclass(frozen=True)
class RawFile:
    """One source file a build reads.

    Attributes
    ----------
    key
        ``<folder>/<path>`` under ``raw/``: how ``_build.json`` and model metadata name it.
    path
        Where it is read from now (a staging folder while ``tminus data update`` runs).
    origin
        ``mirror`` or ``download`` (as ``tminus data fetch`` got it), ``upstream`` (``tminus
        data update``), or ``unknown``.
    """

    key: str
    path: Path
    origin: str


@dataclass(frozen=True)
class GcatInputs:
    """The GCAT files a build reads: the launch records and the reference tables."""

    launch_list: RawFile | None  # launch.tsv format: the full list, or the mirror's 2025 slice
    launchlog: RawFile | None  # None when the full list is the single source
    lv: RawFile
    sites: RawFile
    lp: RawFile
    orgs: RawFile
    # Where the launches went: payload rows (the launch log) and their orbits (psatcat.tsv).
    # Not read when the full list is the single source: its Category names every launch's.
    payload_log: RawFile | None = None
    psatcat: RawFile | None = None

    @property
    def launch_records(self) -> list[RawFile]:
        """The files the launches come from, oldest first."""
        return [f for f in (self.launchlog, self.launch_list) if f is not None]

    @property
    def full_list(self) -> bool:
        """True when GCAT's full launch list is the single source of launches."""
        return self.launchlog is None and self.launch_list is not None


def gcat_inputs(
    raw_dir: Path,
    *,
    upstream_dir: Path | None = None,
    missing_sources: Iterable[str] = (),
    origins: dict[str, str] | None = None,
) -> GcatInputs:
    """Choose the GCAT files: the downloaded full list when present, else the mirror's.

    Parameters
    ----------
    raw_dir
        ``<data_dir>/raw``.
    upstream_dir
        Where the upstream download is (default ``raw/gcat_upstream``; an update passes its
        staging folder). Its files keep their ``gcat_upstream/...`` keys.
    missing_sources
        Mirror-only sources that were not fetched (the 2025 slice may be one).
    origins
        ``raw/_origins.json`` as read by :func:`tminus.data.fetch.read_origins`.
    """
    origins = origins if origins is not None else read_origins(raw_dir)
    folder = upstream_dir if upstream_dir is not None else raw_dir / upstream.UPSTREAM
    if (folder / upstream.LAUNCH_LIST).is_file():

        def downloaded(name: str) -> RawFile:
            return RawFile(f"{upstream.UPSTREAM}/{name}", folder / name, "upstream")

        return GcatInputs(
            launch_list=downloaded(upstream.LAUNCH_LIST),
            launchlog=None,
            lv=downloaded(upstream.LV),
            sites=downloaded(upstream.SITES),
            lp=downloaded(upstream.LP),
            orgs=downloaded(upstream.ORGS),
        )

    def fetched(source: str, name: str) -> RawFile:
        key = f"{source}/{name}"
        return RawFile(key, raw_dir / source / name, origins.get(key, UNKNOWN_ORIGIN))

    recent = None if GCAT_RECENT in set(missing_sources) else fetched(GCAT_RECENT, RECENT_FILE)
    return GcatInputs(
        launch_list=recent,
        launchlog=fetched(GCAT, LAUNCHLOG_FILE),
        lv=fetched(GCAT, upstream.LV),
        sites=fetched(GCAT, upstream.SITES),
        lp=fetched(GCAT, upstream.LP),
        orgs=fetched(GCAT, upstream.ORGS),
        payload_log=fetched(GCAT, LAUNCHLOG_FILE),
        psatcat=fetched(GCAT, orbits.PSATCAT_FILE),
    )


@dataclass(frozen=True)
class GcatTables:
    """The GCAT tables and what each file read said about itself (stamp, last launch)."""

    tables: dict[str, pd.DataFrame]
    notes: dict[str, dict[str, str]]
    table_files: dict[str, list[str]]
    # The orbit classes GCAT's files give each launch (launch_orbits adds the SpaceX masses).
    orbits_from_log: pd.DataFrame | None = None
    orbits_from_list: pd.DataFrame | None = None


def _last_launch(launches: pd.DataFrame) -> dict[str, str]:
    if launches.empty:
        return {}
    return {"last_launch": pd.Timestamp(launches[S.LAUNCH_TIME].max()).date().isoformat()}


def parse_gcat(
    inputs: GcatInputs,
    *,
    warn: Notify = ignore,
    vehicle_reference: vehicles.ReferenceTables | None = None,
) -> GcatTables:
    """Parse and validate the GCAT files: ``launches``, ``vehicle_variants``, ``pads_reference``,
    and the orbit classes each launch reached (see :mod:`tminus.data.orbits`).

    With ``vehicle_reference`` (T-Minus' vehicle reference), every vehicle it names is checked
    against GCAT's names, and launches recorded under another name of one of its vehicles
    ("GSLV Mk III") are recorded under the reference's name ("LVM3"): one rocket, one record.

    Raises
    ------
    SourceValidationError
        A malformed file, naming it, the line and the column.
    SourceUnavailableError
        A file is missing.
    """
    texts: dict[str, str] = {}
    extra = [f for f in (inputs.payload_log, inputs.psatcat) if f is not None]
    for raw in (*inputs.launch_records, inputs.lv, inputs.sites, inputs.lp, inputs.orgs, *extra):
        if raw.key in texts:
            continue
        if not raw.path.is_file():
            raise SourceUnavailableError(
                f"{raw.path} is missing: run `tminus data fetch` (or `make data`) first"
            )
        texts[raw.key] = gcat.read_gcat_text(raw.path)
    notes: dict[str, dict[str, str]] = {}
    for key, text in texts.items():
        stamp = gcat.gcat_stamp(text)
        notes[key] = {"gcat_stamp": stamp} if stamp is not None else {}

    def table(raw: RawFile, required: Iterable[str]) -> pd.DataFrame:
        return gcat.parse_gcat_text(texts[raw.key], file=raw.path.name, required=tuple(required))

    lv = table(inputs.lv, reference.LV_COLUMNS)
    sites = table(inputs.sites, (*reference.SITES_COLUMNS, gcat.STATE_CODE))
    lp = table(inputs.lp, reference.LP_COLUMNS)
    orgs = table(inputs.orgs, (gcat.ORGS_CODE, gcat.STATE_CODE))

    parts: list[pd.DataFrame] = []
    listed: pd.DataFrame | None = None
    log: pd.DataFrame | None = None
    if inputs.launchlog is not None:
        log = gcat.parse_gcat_text(
            texts[inputs.launchlog.key],
            file=inputs.launchlog.path.name,
            required=gcat.LAUNCHLOG_COLUMNS,
        )
        log = gcat.validate_launchlog(log, file=inputs.launchlog.path.name)
        parts.append(
            gcat.build_launches(log, lv, sites, file=inputs.launchlog.path.name, warn=warn)
        )
    if inputs.launch_list is not None:
        name = inputs.launch_list.path.name
        listed = launch_list.parse_launch_list_text(texts[inputs.launch_list.key], file=name)
        from_list = launch_list.build_launches_from_list(
            listed, lv, sites, orgs, file=name, warn=warn
        )
        notes[inputs.launch_list.key] |= _last_launch(from_list)
        parts.append(from_list)
    launches = parts[0] if len(parts) == 1 else launch_list.merge_launches(parts[0], parts[1])
    if vehicle_reference is not None:
        vehicles.check_names(vehicle_reference, {*lv[gcat.LV_NAME], *launches[S.VEHICLE]})
        launches = vehicles.rename_same_vehicles(launches, vehicle_reference.same_vehicle())

    from_log: pd.DataFrame | None = None
    orbit_files: list[str] = []
    if inputs.payload_log is not None and inputs.psatcat is not None:
        same_log = inputs.launchlog is not None and inputs.launchlog.key == inputs.payload_log.key
        payload_rows = (
            gcat.parse_gcat_text(
                texts[inputs.payload_log.key],
                file=inputs.payload_log.path.name,
                required=orbits.LOG_COLUMNS,
            )
            if log is None or not same_log
            else log
        )
        orbits.require_columns(payload_rows, orbits.LOG_COLUMNS, file=inputs.payload_log.path.name)
        catalogue = gcat.parse_gcat_text(
            texts[inputs.psatcat.key],
            file=inputs.psatcat.path.name,
            required=orbits.PSATCAT_COLUMNS,
        )
        from_log = orbits.launchlog_classes(
            payload_rows,
            orbits.payload_orbits(catalogue, file=inputs.psatcat.path.name),
            launches,
        )
        orbit_files += [inputs.payload_log.key, inputs.psatcat.key]
    list_orbits: pd.DataFrame | None = None
    if listed is not None and inputs.launch_list is not None:
        list_orbits = orbits.launch_list_classes(
            listed, launches, file=inputs.launch_list.path.name, warn=warn
        )
        orbit_files.append(inputs.launch_list.key)

    launch_keys = [f.key for f in inputs.launch_records]
    context = [inputs.lv.key, inputs.sites.key] + ([inputs.orgs.key] if inputs.launch_list else [])
    return GcatTables(
        tables={
            S.LAUNCHES: launches,
            S.VEHICLE_VARIANTS: reference.build_vehicle_variants(lv, file=inputs.lv.path.name),
            S.PADS_REFERENCE: reference.build_pads_reference(
                sites, lp, sites_file=inputs.sites.path.name, lp_file=inputs.lp.path.name
            ),
        },
        notes=notes,
        table_files={
            S.LAUNCHES: [*launch_keys, *context],
            S.VEHICLE_VARIANTS: [inputs.lv.key],
            S.PADS_REFERENCE: [inputs.sites.key, inputs.lp.key],
            S.LAUNCH_ORBITS: sorted({*launch_keys, *context, *orbit_files}),
        },
        orbits_from_log=from_log,
        orbits_from_list=list_orbits,
    )


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    processed_dir: Path
    rows: dict[str, int]
    changed_files: list[str] = field(default_factory=list)
    missing_sources: list[str] = field(default_factory=list)
    seconds: float = 0.0
    launch_records: list[str] = field(default_factory=list)


def verify_raw(
    sources: tuple[Source, ...], raw_dir: Path, *, allow_changed: bool, warn: Notify = ignore
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


def verify_upstream(folder: Path, *, allow_changed: bool, warn: Notify = ignore) -> list[str]:
    """Check the downloaded files against the sha256 recorded when they were downloaded.

    Returns
    -------
    list[str]
        Files accepted despite a different sha256 (``allow_changed``).

    Raises
    ------
    SourceUnavailableError
        A file is missing, or the record is.
    ChecksumMismatchError
        A file differs from its record and ``allow_changed`` is False.
    """
    record = upstream.read_record(folder)
    if record is None:
        raise SourceUnavailableError(
            f"{folder} has no {upstream.RECORD}: it was not written by `tminus data update`; "
            "remove the folder or run `tminus data update` again"
        )
    changed: list[str] = []
    for name in upstream.UPSTREAM_FILES:
        label = f"{upstream.UPSTREAM}/{name}"
        path = folder / name
        entry = record.files.get(name)
        if entry is None or not path.is_file():
            raise SourceUnavailableError(
                f"{path} is missing: run `tminus data update` again (or remove {folder})"
            )
        actual = sha256_file(path)
        if actual == entry.sha256:
            continue
        if not allow_changed:
            raise ChecksumMismatchError(
                label, entry.sha256, actual, against=f"the sha256 recorded in {upstream.RECORD}"
            )
        warn(f"{label}: sha256 differs from its download record; accepted (--allow-changed)")
        changed.append(label)
    return changed


def parse_sources(
    sources: tuple[Source, ...],
    raw_dir: Path,
    *,
    missing_sources: list[str],
    gcat_tables: GcatTables,
    step: Notify = ignore,
    advance: Notify = ignore,
) -> tuple[dict[str, pd.DataFrame], dict[str, list[str]]]:
    """Parse and validate every table from ``raw_dir``; nothing is written.

    Returns
    -------
    (tables, table_files)
        The validated tables, and the raw files (``<folder>/<path>``) each was built from.
    """
    tables = dict(gcat_tables.tables)
    table_files = dict(gcat_tables.table_files)

    def files_of(name: str) -> list[str]:
        return [f"{name}/{f.path}" for f in source_by_name(sources, name).files]

    step("booster landings (SpaceX API)")
    tables[S.BOOSTER_LANDINGS] = spacex.read_booster_landings(raw_dir / SPACEX)
    table_files[S.BOOSTER_LANDINGS] = files_of(SPACEX)

    step("where launches went (GCAT payloads and launch list, SpaceX masses)")
    launches = tables[S.LAUNCHES]
    tables[S.LAUNCH_ORBITS] = orbits.build_launch_orbits(
        launches,
        from_log=gcat_tables.orbits_from_log,
        from_list=gcat_tables.orbits_from_list,
        from_spacex=orbits.match_spacex(orbits.read_spacex_masses(raw_dir / SPACEX), launches),
    )
    table_files[S.LAUNCH_ORBITS] = sorted({*table_files[S.LAUNCH_ORBITS], *files_of(SPACEX)})

    step("weather events (BRAVO)")
    wx = source_by_name(sources, CAPE_WEATHER)
    event_files = [f.path for f in wx.files if f.path.startswith(f"{weather.FEATURE_FOLDER}/")]
    tables[S.WEATHER_EVENTS] = weather.read_weather_events(
        raw_dir / CAPE_WEATHER, event_files, advance=advance
    )
    table_files[S.WEATHER_EVENTS] = [f"{CAPE_WEATHER}/{path}" for path in event_files]

    step("NET history (LL2 snapshots)")
    if LL2_SNAPSHOTS in missing_sources:
        tables[S.NET_HISTORY] = ll2.history_table([])
        table_files[S.NET_HISTORY] = []
    else:
        bundle = source_by_name(sources, LL2_SNAPSHOTS).files[0].path
        tables[S.NET_HISTORY] = ll2.read_net_history(raw_dir / LL2_SNAPSHOTS / bundle)
        table_files[S.NET_HISTORY] = files_of(LL2_SNAPSHOTS)

    validated = {name: validate_table(tables[name], name) for name in S.TABLES}
    return validated, table_files


@dataclass(frozen=True)
class PreparedBuild:
    """Validated tables and their ``_build.json``, not yet written."""

    tables: dict[str, pd.DataFrame]
    info: dict[str, Any]
    changed_files: list[str]
    missing_sources: list[str]
    launch_records: list[str]


def _source_entries(
    raw_dir: Path,
    table_files: dict[str, list[str]],
    inputs: GcatInputs,
    notes: dict[str, dict[str, str]],
    reference_dir: Path,
) -> dict[str, dict[str, str]]:
    """``_build.json`` ``sources``: each file read, its sha256, origin and GCAT stamp."""
    origins = read_origins(raw_dir)
    where = {
        f.key: f for f in (*inputs.launch_records, inputs.lv, inputs.sites, inputs.lp, inputs.orgs)
    }
    where[vehicles.REFERENCE_KEY] = RawFile(
        vehicles.REFERENCE_KEY, reference_dir / vehicles.VEHICLES_FILE, REPOSITORY_ORIGIN
    )
    entries: dict[str, dict[str, str]] = {}
    for key in sorted({key for keys in table_files.values() for key in keys}):
        raw = where.get(key)
        path = raw.path if raw is not None else raw_dir / key
        origin = raw.origin if raw is not None else origins.get(key, UNKNOWN_ORIGIN)
        entries[key] = {"sha256": sha256_file(path), "origin": origin, **notes.get(key, {})}
    return entries


def prepare_build(
    sources: tuple[Source, ...],
    raw_dir: Path,
    *,
    allow_changed: bool = False,
    upstream_dir: Path | None = None,
    reference_dir: Path = vehicles.DEFAULT_REFERENCE_DIR,
    warn: Notify = ignore,
    step: Notify = ignore,
    advance: Notify = ignore,
) -> PreparedBuild:
    """Verify, parse and validate every table, and describe the build; nothing is written.

    ``upstream_dir`` points at a download not yet installed in ``raw/gcat_upstream`` (the
    update builds from its staging folder before installing anything). ``reference_dir``
    holds T-Minus' own vehicle reference (``vehicles.toml``, committed with the code).
    """
    step("checking raw files")
    changed, missing = verify_raw(sources, raw_dir, allow_changed=allow_changed, warn=warn)
    inputs = gcat_inputs(raw_dir, upstream_dir=upstream_dir, missing_sources=missing)
    if inputs.full_list:
        folder = inputs.lv.path.parent
        changed += verify_upstream(folder, allow_changed=allow_changed, warn=warn)
    for name in missing:
        if name == GCAT_RECENT and inputs.full_list:
            continue
        warn(f"{name} was not fetched (mirror-only source): {MISSING_MEANS.get(name, '')}")
    step("vehicle reference (datasets/reference)")
    vehicle_reference = vehicles.read_reference(reference_dir / vehicles.VEHICLES_FILE)
    step("launches (GCAT)")
    gcat_tables = parse_gcat(inputs, warn=warn, vehicle_reference=vehicle_reference)
    for name, frame in vehicle_reference.as_tables().items():
        gcat_tables.tables[name] = frame
        gcat_tables.table_files[name] = [vehicles.REFERENCE_KEY]
    # The launches are recorded under the reference's names ("GSLV Mk III" is LVM3).
    for name in (S.LAUNCHES, S.LAUNCH_ORBITS):
        gcat_tables.table_files[name] = sorted(
            {*gcat_tables.table_files[name], vehicles.REFERENCE_KEY}
        )
    tables, table_files = parse_sources(
        sources,
        raw_dir,
        missing_sources=missing,
        gcat_tables=gcat_tables,
        step=step,
        advance=advance,
    )
    launch_records = [f.key for f in inputs.launch_records]
    info: dict[str, Any] = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": {name: len(frame) for name, frame in tables.items()},
        "launch_records": launch_records,
        "sources": _source_entries(raw_dir, table_files, inputs, gcat_tables.notes, reference_dir),
        "table_sources": table_files,
        "changed_files": changed,
        "missing_sources": missing,
    }
    return PreparedBuild(tables, info, changed, missing, launch_records)


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


def stage_tables(
    tables: dict[str, pd.DataFrame],
    processed_dir: Path,
    *,
    info: dict[str, object],
    prefix: str = ".tmp-build-",
) -> Path:
    """Write the tables and ``_build.json`` into a new temporary folder beside ``processed_dir``.

    Each table is read back and validated again. Returns the folder (the caller swaps it in
    with :func:`swap_in`, or removes it); on failure nothing is left behind.
    """
    processed_dir.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=prefix, dir=processed_dir.parent))
    try:
        staged.chmod(0o755)  # mkdtemp makes it private; the tables are for everyone
        for name, frame in tables.items():
            path = table_path(name, staged)
            frame.to_parquet(path, index=False)
            # Read back: what others load must still match the schema (dtypes survive parquet).
            validate_table(pd.read_parquet(path), name)
        (staged / BUILD_INFO).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged


def write_tables(
    tables: dict[str, pd.DataFrame], processed_dir: Path, *, info: dict[str, object]
) -> None:
    """Write the tables into a temporary folder beside ``processed_dir``, check, then swap.

    A failure at any point leaves ``processed_dir`` as it was.
    """
    staged = stage_tables(tables, processed_dir, info=info)
    try:
        swap_in(staged, processed_dir)
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def build_tables(
    sources: tuple[Source, ...],
    raw_dir: Path,
    processed_dir: Path,
    *,
    allow_changed: bool = False,
    reference_dir: Path = vehicles.DEFAULT_REFERENCE_DIR,
    warn: Notify = ignore,
    step: Notify = ignore,
    advance: Notify = ignore,
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
    reference_dir
        The folder of T-Minus' vehicle reference (``datasets/reference``).
    warn, step, advance
        Callbacks for warnings, the start of each table, and each file parsed.

    Raises
    ------
    DataError
        Any subclass; ``processed_dir`` is then untouched.
    """
    started = time.perf_counter()
    prepared = prepare_build(
        sources,
        raw_dir,
        allow_changed=allow_changed,
        reference_dir=reference_dir,
        warn=warn,
        step=step,
        advance=advance,
    )
    step("writing tables")
    write_tables(prepared.tables, processed_dir, info=prepared.info)
    return BuildResult(
        processed_dir=processed_dir,
        rows={name: len(frame) for name, frame in prepared.tables.items()},
        changed_files=prepared.changed_files,
        missing_sources=prepared.missing_sources,
        seconds=time.perf_counter() - started,
        launch_records=prepared.launch_records,
    )
