"""``tminus data update``: fresh GCAT data from upstream, then retrain and promote what earns it.

The data half (download, validate, build, install) is :func:`tminus.data.update.update_data`;
this module adds what needs the training side: retraining every model whose latest version was
not trained on the current source files, and promoting (as ``make retrain`` does) only what
beats its baselines and the current champion. A running service polls the ``champion`` alias
and switches to a promoted version without a restart.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from tminus.console import ModelsDirOption, err, fail, warn
from tminus.data.commands import (
    DEFAULT_MANIFEST_PATH,
    DataDirOption,
    ManifestOption,
    data_dirs,
    domain_errors,
    download_limits,
)
from tminus.predictors.kinds import MODEL_NAMES
from tminus.registry.commands import open_registry
from tminus.registry.errors import AliasNotFoundError, ModelNotFoundError
from tminus.registry.store import Registry
from tminus.settings import get_settings

_out = Console()

UpstreamOption = Annotated[
    str | None,
    typer.Option(
        "--upstream",
        help="GCAT's TSV base URL (default: TMINUS_UPSTREAM, GCAT's own site); files are read "
        "from <URL>/launch/launch.tsv and <URL>/tables/{lv,sites,lp,orgs}.tsv; file:// works.",
    ),
]
TrainOption = Annotated[
    bool,
    typer.Option(
        "--train/--no-train",
        help="Retrain and promote (as `make retrain`) the models not trained on the new data.",
    ),
]


def stale_models(registry: Registry, processed_dir: Path) -> list[str]:
    """Models whose latest version (``challenger``) was not trained on the current source files.

    A model is up to date when the raw files behind its tables (path and sha256, as
    ``_build.json`` records them and its metadata repeats them) are those of the current
    build: a new launch list makes the launch models stale, and leaves ``booster_landing``
    and ``weather_scrub`` alone. A rerun after a complete update trains nothing; a rerun after
    one killed before it trained (or run with ``--no-train``) trains what is missing.
    """
    from tminus.data.tables import build_info, file_sources
    from tminus.training.trainers import trainer_of

    info = build_info(processed_dir)
    stale = []
    for name in MODEL_NAMES:
        tables = trainer_of(name).tables
        current = {(e["path"], e["sha256"]) for e in file_sources(info, tables)}
        try:
            latest = registry.get(name, registry.resolve(name, "challenger")).metadata
        except (AliasNotFoundError, ModelNotFoundError):  # never trained here
            stale.append(name)
            continue
        recorded = latest.get("data", {}).get("sources") or []
        trained_on = {(e.get("path"), e.get("sha256")) for e in recorded if isinstance(e, dict)}
        if not current or trained_on != current:
            stale.append(name)
    return stale


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def update(
    upstream: UpstreamOption = None,
    train: TrainOption = True,
    data_dir: DataDirOption = None,
    models_dir: ModelsDirOption = None,
    manifest: ManifestOption = DEFAULT_MANIFEST_PATH,
) -> None:
    """Download GCAT's current launch list and tables, rebuild, then retrain and promote."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TaskID,
        TextColumn,
        TransferSpeedColumn,
    )

    from tminus.data.manifest import load_manifest
    from tminus.data.update import update_data

    settings = get_settings()
    base = upstream or settings.upstream
    raw_dir, processed_dir = data_dirs(data_dir)
    started = time.perf_counter()
    with domain_errors("update stopped, tables and models unchanged: "):
        sources = load_manifest(manifest)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as progress:
            tasks: dict[str, TaskID] = {}
            status = progress.add_task("update", total=None)

            def on_start(name: str, total: int | None) -> None:
                tasks[name] = progress.add_task(f"  {name}", total=total)

            result = update_data(
                sources,
                raw_dir,
                processed_dir,
                base=base,
                reference_dir=manifest.parent / "reference",
                limits=download_limits(),
                warn=warn,
                step=lambda label: progress.update(status, description=f"update: {label}"),
                on_start=on_start,
                on_bytes=lambda name, n: progress.advance(tasks[name], n),
            )
    size = sum(f.size for f in result.record.files.values())
    listed = result.record.files["launch.tsv"]
    err.print(
        f"downloaded {len(result.record.files)} files ({_megabytes(size)}) from "
        f"{escape(base)}; launch.tsv sha256 {listed.sha256[:12]}..."
    )
    if result.changed:
        err.print(
            f"built {escape(str(processed_dir))}: launches {result.rows.get('launches', 0):,} "
            f"({result.new_launches:,} new), data cutoff {result.cutoff_before} -> "
            f"{result.cutoff_after}"
        )
    else:
        err.print(
            f"upstream unchanged since the tables were built (data cutoff "
            f"{result.cutoff_after}): tables kept as they were"
        )
    if not train:
        err.print(f"done in {time.perf_counter() - started:.1f} s (--no-train: models unchanged)")
        return
    _retrain(processed_dir, models_dir)
    err.print(f"done in {time.perf_counter() - started:.1f} s")


def _retrain(processed_dir: Path, models_dir: Path | None) -> None:
    from tminus.data.errors import DataError
    from tminus.training.commands import report_outcome
    from tminus.training.pipeline import train_and_register

    registry = open_registry(models_dir)
    names = stale_models(registry, processed_dir)
    if not names:
        _out.print("every model was already trained on these source files: none retrained")
        return
    _out.print(f"retraining {', '.join(names)}: not yet trained on these source files")
    try:
        outcomes = train_and_register(
            names,
            processed=processed_dir,
            registry=registry,
            random_state=get_settings().random_state,
            promote=True,
        )
    except DataError as exc:
        raise fail(escape(str(exc))) from exc
    for outcome in outcomes:
        report_outcome(outcome, promote=True)
    _out.print(f"{sum(o.promoted for o in outcomes)} of {len(outcomes)} promoted to champion")
