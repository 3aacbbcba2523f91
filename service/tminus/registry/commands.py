"""``tminus models list|show|export`` and ``tminus promote``: the registry from the shell."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from tminus.console import ModelsDirOption, err, fail
from tminus.predictors.kinds import MODEL_NAMES
from tminus.registry.errors import RegistryError
from tminus.registry.store import ModelVersion, Registry
from tminus.settings import get_settings

models_app = typer.Typer(help="List, inspect and export registered model versions.")
_out = Console()

# Metrics shown per output kind, by their usual names.
PROBABILITY_METRICS = ("log_loss", "brier", "auc", "ece", "ece_equal_count")
QUANTILE_METRICS = ("pinball_loss", "coverage_80")

AsJson = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def open_registry(models_dir: Path | None) -> Registry:
    """The registry at ``models_dir`` or the configured one."""
    return Registry(models_dir or get_settings().models_dir)


def _metric_names(record: ModelVersion) -> tuple[str, ...]:
    return (
        PROBABILITY_METRICS
        if record.metadata.get("output") == "probability"
        else (QUANTILE_METRICS)
    )


def backtest_summary(record: ModelVersion) -> dict[str, dict[str, Any]]:
    """``{"model": {...}, "<baseline>": {...}}`` with the usual metric names only."""
    metrics = record.metadata.get("backtest", {}).get("metrics", {})
    names = _metric_names(record)
    return {scheme: {m: values.get(m) for m in names} for scheme, values in metrics.items()}


def version_summary(record: ModelVersion) -> dict[str, Any]:
    """One version as ``models list --json`` shows it."""
    meta = record.metadata
    return {
        "version": record.version,
        "created_at": record.created_at.isoformat(),
        "data_cutoff": meta.get("data", {}).get("cutoff"),
        "git_commit": meta.get("code", {}).get("git_commit"),
        "backtest": backtest_summary(record),
    }


def registry_listing(registry: Registry) -> dict[str, Any]:
    """Every model's aliases and versions (newest last)."""
    out: dict[str, Any] = {}
    for model in registry.models():
        out[model] = {
            "aliases": registry.aliases(model),
            "versions": [version_summary(v) for v in registry.versions(model)],
        }
    return out


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{value:.4f}" if isinstance(value, float) else str(value)


def backtest_table(
    title: str,
    metrics: Mapping[str, Mapping[str, Any]],
    columns: Sequence[str],
    primary: tuple[str, ...] = (),
) -> Table:
    """Schemes (the model first) by metrics; primary metrics are starred."""
    table = Table(title=title, title_justify="left")
    table.add_column("scheme")
    for c in columns:
        table.add_column(c + (" *" if c in primary else ""), justify="right")
    for scheme in sorted(metrics, key=lambda s: (s != "model", s)):
        table.add_row(scheme, *(_fmt(metrics[scheme].get(c)) for c in columns))
    return table


@models_app.command("list")
def list_models(
    models_dir: ModelsDirOption = None,
    as_json: AsJson = False,
    require_champions: Annotated[
        bool,
        typer.Option(
            "--require-champions",
            help="Exit 1 unless every model has a champion that this code can load and "
            "verify (used by `make run`).",
        ),
    ] = False,
) -> None:
    """List models, their aliases, and each version's backtest beside its baselines."""
    registry = open_registry(models_dir)
    try:
        listing = registry_listing(registry)
    except RegistryError as exc:
        raise fail(str(exc)) from exc
    missing = [m for m in MODEL_NAMES if "champion" not in listing.get(m, {}).get("aliases", {})]
    if as_json:
        _out.print_json(json.dumps({"models": listing, "missing_champions": missing}))
    else:
        if not listing:
            _out.print(f"No models registered in {registry.root}. Run `make retrain`.")
        for model, info in listing.items():
            by_version: dict[str, str] = dict(info["aliases"])
            champion = by_version.get("champion")
            shown = [v for v in info["versions"] if v["version"] == champion] or info["versions"][
                -1:
            ]
            title = (
                f"{model}  ({len(info['versions'])} versions; aliases: "
                + (", ".join(f"{a} -> {v}" for a, v in by_version.items()) or "none")
                + ")"
            )
            for summary in shown:
                metrics = summary["backtest"]
                columns: list[str] = list(next(iter(metrics.values()), {}))
                _out.print(
                    backtest_table(f"{title}\nbacktest of {summary['version']}", metrics, columns)
                )
    if require_champions:
        unusable = missing + _unloadable_champions(registry, listing)
        for model in unusable:
            err.print(f"{model}: no usable champion")
        if unusable:
            raise typer.Exit(1)


def _unloadable_champions(registry: Registry, listing: dict[str, Any]) -> list[str]:
    """Models whose champion fails verification or was made by incompatible code."""
    out = []
    for model, info in listing.items():
        if model in MODEL_NAMES and "champion" in info["aliases"]:
            try:
                registry.load_alias(model, "champion")
            except RegistryError as exc:
                err.print(f"[yellow]warning:[/yellow] {exc}")
                out.append(model)
    return out


@models_app.command("show")
def show_model(
    model: Annotated[str, typer.Argument(help=f"One of: {', '.join(MODEL_NAMES)}.")],
    version: Annotated[
        str | None, typer.Option("--version", help="A version id or alias (default champion).")
    ] = None,
    models_dir: ModelsDirOption = None,
    as_json: AsJson = False,
) -> None:
    """Show one version's metadata: data, code, parameters and backtest."""
    registry = open_registry(models_dir)
    try:
        aliases = registry.aliases(model)
        chosen = version or aliases.get("champion") or registry.versions(model)[-1].version
        if chosen in aliases:
            chosen = aliases[chosen]
        record = registry.get(model, chosen)
    except RegistryError as exc:
        raise fail(str(exc)) from exc
    payload: dict[str, Any] = {
        "model": model,
        "aliases": aliases,
        "version": record.version,
        "backtest": backtest_summary(record),
        "metadata": record.metadata,
        "card": str(record.path / "MODEL_CARD.md"),
    }
    if as_json:
        _out.print_json(json.dumps(payload, default=str))
        return
    meta = record.metadata
    _out.print(f"[bold]{model}[/bold] {record.version}  aliases: {aliases or 'none'}")
    _out.print(
        f"  data cutoff {meta.get('data', {}).get('cutoff')}, "
        f"code {meta.get('code', {}).get('git_commit')}"
    )
    _out.print(f"  {meta.get('summary', '')}")
    _out.print(f"  backtest: {meta.get('backtest', {}).get('scheme')}")
    for scheme, values in sorted(payload["backtest"].items(), key=lambda kv: kv[0] != "model"):
        _out.print(f"    {scheme:28s} " + "  ".join(f"{k}={_fmt(v)}" for k, v in values.items()))
    _out.print(f"  card: {payload['card']}")


@models_app.command("export")
def export_models(
    to: Annotated[Path, typer.Option("--to", help="Destination registry folder.")],
    alias: Annotated[str, typer.Option("--alias", help="Which alias to export.")] = "champion",
    models_dir: ModelsDirOption = None,
) -> None:
    """Copy each model's aliased version (verified) into another registry folder."""
    registry = open_registry(models_dir)
    try:
        exported = registry.export(alias, to)
    except RegistryError as exc:
        raise fail(str(exc)) from exc
    if not exported:
        raise fail(f"no model has a {alias!r} alias in {registry.root}; run `make retrain`")
    for model, version in exported.items():
        _out.print(f"exported {model} {version}")


def promote(
    model: Annotated[str, typer.Argument(help=f"One of: {', '.join(MODEL_NAMES)}.")],
    version: Annotated[str, typer.Argument(help="The version id to make champion.")],
    alias: Annotated[str, typer.Option("--alias", help="Alias to move.")] = "champion",
    models_dir: ModelsDirOption = None,
) -> None:
    """Point an alias (default champion) at a version; a running service switches live."""
    registry = open_registry(models_dir)
    try:
        before = registry.aliases(model).get(alias)
        registry.set_alias(model, alias, version)
    except RegistryError as exc:
        raise fail(str(exc)) from exc
    _out.print(f"{model}: {alias} {before or '(unset)'} -> {version}")


def register(app: typer.Typer) -> None:
    """Mount the registry commands on the root app."""
    app.add_typer(models_app, name="models")
    app.command("promote")(promote)
