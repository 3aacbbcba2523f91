"""``tminus data``: fetch the sources, build the tables, report on them.

Errors of the data layer become one line on stderr: exit code 1 for a data problem (a changed
or malformed file), 2 when something is missing (mirror, network, manifest, tables).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tminus.console import err, fail, warn
from tminus.data.download import DownloadLimits
from tminus.data.errors import (
    ChecksumMismatchError,
    DataError,
    ShrunkenRecordError,
    SourceValidationError,
    TableValidationError,
)
from tminus.settings import get_settings

data_app = typer.Typer(
    help="Get the public sources and build validated launch tables.", no_args_is_help=True
)

_out = Console()

MirrorOption = Annotated[
    Path | None,
    typer.Option(
        "--mirror",
        help="Local mirror folder (<source>/<file>); default $DATA_MIRROR, else download.",
    ),
]
AllowChangedOption = Annotated[
    bool,
    typer.Option(
        "--allow-changed",
        help="Accept files whose sha256 differs from the manifest (warns); e.g. live upstream.",
    ),
]
DataDirOption = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data folder holding raw/ and processed/ (default: settings)."),
]
ManifestOption = Annotated[
    Path,
    typer.Option("--manifest", help="The sources manifest."),
]
DEFAULT_MANIFEST_PATH = Path("datasets") / "sources.toml"


def _launch_records(content: dict[str, Any]) -> str:
    """``GCAT gcat_upstream/launch.tsv (upstream, last launch 2026-01-20)``, or the mirror's."""
    described = []
    for record in content.get("launch_records", []):
        details = [str(record[k]) for k in ("origin",) if k in record]
        if "gcat_stamp" in record:
            details.append(f"updated {record['gcat_stamp']}")
        if "last_launch" in record:
            details.append(f"last launch {record['last_launch']}")
        described.append(f"{record['path']}" + (f" ({', '.join(details)})" if details else ""))
    return "GCAT " + (" + ".join(described) if described else "(sources not recorded)")


@contextmanager
def domain_errors(context: str = "") -> Iterator[None]:
    """Typed data errors -> one line and an exit code, never a traceback.

    Exit 1 for a data problem (a changed or malformed file), 2 when something is missing or
    out of reach. ``context`` goes before the error's own words.
    """
    try:
        yield
    except (
        ChecksumMismatchError,
        ShrunkenRecordError,
        SourceValidationError,
        TableValidationError,
    ) as exc:
        raise fail(context + str(exc), 1) from None
    except DataError as exc:
        raise fail(context + str(exc), 2) from None


def download_limits() -> DownloadLimits:
    """The download limits configured (``TMINUS_DOWNLOAD_*``)."""
    settings = get_settings()
    return DownloadLimits(
        max_bytes=settings.download_max_bytes,
        timeout_s=settings.download_timeout_s,
        allowed_hosts=tuple(settings.download_allowed_hosts),
    )


def data_dirs(data_dir: Path | None) -> tuple[Path, Path]:
    """``(raw, processed)`` under ``data_dir``, or the configured ones."""
    settings = get_settings()
    if data_dir is None:
        return settings.raw_dir, settings.processed_dir
    return data_dir / "raw", data_dir / "processed"


@data_app.command()
def fetch(
    mirror: MirrorOption = None,
    allow_changed: AllowChangedOption = False,
    data_dir: DataDirOption = None,
    manifest: ManifestOption = DEFAULT_MANIFEST_PATH,
) -> None:
    """Copy every source into raw/ from a mirror (or download it), checking each sha256."""
    from rich.progress import Progress

    from tminus.data.fetch import fetch_sources
    from tminus.data.manifest import load_manifest

    raw_dir, _ = data_dirs(data_dir)
    chosen = mirror if mirror is not None else get_settings().data_mirror
    with domain_errors():
        sources = load_manifest(manifest)
        total = sum(len(src.files) for src in sources)
        where = f"mirror {chosen}" if chosen is not None else "upstream (download)"
        with Progress(console=err, transient=True, disable=not err.is_terminal) as progress:
            task = progress.add_task(f"fetching from {where}", total=total)
            fetched = fetch_sources(
                sources,
                raw_dir,
                mirror=chosen,
                allow_changed=allow_changed,
                limits=download_limits(),
                warn=warn,
                advance=lambda _: progress.advance(task),
            )
    copied = [f for f in fetched if f.origin != "skipped"]
    changed = sum(f.changed for f in fetched)
    err.print(
        f"fetched {len(copied)} files of {len({f.source for f in copied})} sources into "
        f"{escape(str(raw_dir))} from {escape(where)}"
        + (f" ([yellow]{changed} changed[/])" if changed else "")
    )


@data_app.command()
def build(
    allow_changed: AllowChangedOption = False,
    data_dir: DataDirOption = None,
    manifest: ManifestOption = DEFAULT_MANIFEST_PATH,
) -> None:
    """Parse raw/ into validated parquet tables in processed/ (swapped in only if all pass)."""
    from rich.progress import Progress

    from tminus.data.build import build_tables
    from tminus.data.manifest import load_manifest

    raw_dir, processed_dir = data_dirs(data_dir)
    with domain_errors():
        sources = load_manifest(manifest)
        with Progress(console=err, transient=True, disable=not err.is_terminal) as progress:
            task = progress.add_task("building", total=None)
            result = build_tables(
                sources,
                raw_dir,
                processed_dir,
                allow_changed=allow_changed,
                reference_dir=manifest.parent / "reference",
                warn=warn,
                step=lambda label: progress.update(task, description=f"building: {label}"),
                advance=lambda _: progress.advance(task),
            )
    rows = ", ".join(f"{name} {n:,}" for name, n in result.rows.items())
    err.print(
        f"built {escape(str(result.processed_dir))} in {result.seconds:.1f} s: {escape(rows)}; "
        f"launches from {escape(' + '.join(result.launch_records))}"
    )


@data_app.command()
def report(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    data_dir: DataDirOption = None,
) -> None:
    """Launch attempts and failures per year, and rows and date range of each table."""
    from tminus.data.report import build_report

    _, processed_dir = data_dirs(data_dir)
    with domain_errors():
        content = build_report(processed_dir)
    if as_json:
        typer.echo(json.dumps(content, indent=2))
        return
    _out.print(f"Launches from {escape(_launch_records(content))}")
    years = Table(title="Launch attempts per year (orbital and deep space)")
    for header in ("year", "attempts", "failures"):
        years.add_column(header, justify="right")
    for row in content["launches_per_year"]:
        years.add_row(str(row["year"]), str(row["attempts"]), str(row["failures"]))
    years.add_section()
    years.add_row("all", f"{content['total_launches']:,}", f"{content['total_failures']:,}")
    _out.print(years)
    tables = Table(title="Processed tables")
    for header in ("table", "rows", "from", "to", "dated by"):
        tables.add_column(header)
    for name, info in content["tables"].items():
        tables.add_row(
            name,
            f"{info['rows']:,}",
            info["first"] or "-",
            info["last"] or "-",
            info["time_column"] or "(reference table)",
        )
    _out.print(tables)
    _print_reference(content["reference"])
    _out.print(f"snapshot {content['snapshot']}")


def _print_reference(reference: dict[str, Any]) -> None:
    """T-Minus' vehicle reference: status and LEO/SSO/GTO figures of the vehicles flown lately,
    with the source of each, and how far it covers the busiest of them."""
    since = reference["active_since"]
    table = Table(
        title=f"T-Minus' vehicle reference: vehicles flown since {since}",
        show_lines=False,
    )
    for header in ("vehicle", "flights", f"since {since}", "status", "LEO", "SSO", "GTO"):
        table.add_column(header, overflow="fold")
    table.add_column("sources", overflow="fold")
    for row in reference["vehicles"]:
        cells, cited = [], []
        for orbit in ("LEO", "SSO", "GTO"):
            figure = row["capacity"][orbit]
            if figure is None:
                cells.append("-")
                continue
            mark = "" if figure["kind"] == "rated" else " (flown)"
            cells.append(f"{figure['kg']:,.0f}{mark}")
            cited.append(f"{orbit}: {figure['source']}")
        if row["status_source"]:
            cited.insert(0, f"status: {row['status_source']}")
        table.add_row(
            escape(row["vehicle"]),
            str(row["flights"]),
            str(row[f"flights_since_{since}"]),
            row["status"] or "not listed",
            *cells,
            escape("; ".join(cited)),
        )
    _out.print(table)
    target = reference["target"]
    lacking = "; ".join(
        f"{name} ({', '.join(classes)})" for name, classes in target["lacking"].items()
    )
    _out.print(
        f"Of the {target['vehicles']} vehicles flown since {since} with "
        f"{target['flights_at_least']} flights or more, {target['in_reference']} are in the "
        f"reference; {target['with_every_class']} have a LEO, SSO and GTO figure, "
        f"{target['with_every_class_or_a_harder_one']} one for each class or a more demanding "
        "one that covers it (GTO covers SSO and LEO)"
        + (f"; lacking: {escape(lacking)}" if lacking else "")
        + "."
    )
