"""``tminus train`` and ``tminus evaluate``."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from tminus.console import ModelsDirOption, fail
from tminus.predictors.kinds import MODEL_NAMES
from tminus.registry.commands import backtest_table, open_registry
from tminus.settings import get_settings

if TYPE_CHECKING:
    from tminus.training.pipeline import Outcome

# Backtest tables are wide: piped output (make retrain into a log) gets room for them.
_out = Console(width=None if sys.stdout.isatty() else 160)

ModelChoice = Annotated[
    str,
    typer.Option("--model", "-m", help=f"A model name or 'all' ({', '.join(MODEL_NAMES)})."),
]
ProcessedDir = Annotated[
    Path | None,
    typer.Option("--processed-dir", help="Processed tables (default: datasets/processed)."),
]


def _names(model: str) -> list[str]:
    if model == "all":
        return list(MODEL_NAMES)
    if model not in MODEL_NAMES:
        raise fail(f"unknown model {model!r}; choose 'all' or one of: {', '.join(MODEL_NAMES)}", 2)
    return [model]


def _print_backtest(
    name: str, metrics: dict[str, dict[str, float | None]], primary: tuple[str, ...], scheme: str
) -> None:
    columns = [
        c
        for c in (
            "log_loss",
            "brier",
            "auc",
            "ece",
            "ece_equal_count",
            "pinball_loss",
            "coverage_80",
            "coverage_80_closed",
            "n",
            "events",
            "n_open",
        )
        if c in next(iter(metrics.values()))
    ]
    _out.print(backtest_table(f"{name}: {scheme}", metrics, columns, primary))


def _print_strata(name: str, backtest: dict[str, Any], primary: str) -> None:
    """The primary score of every scheme in every stratum, then where the model loses."""
    by_stratum: dict[str, dict[str, dict[str, dict[str, Any]]]] = backtest.get("by_stratum") or {}
    if not by_stratum:
        return
    table = Table(title=f"{name}: {primary} by stratum", title_justify="left")
    table.add_column("scheme")
    order: dict[str, list[str]] = backtest.get("strata_order") or {
        group: list(strata) for group, strata in by_stratum.items()
    }
    columns = [(g, label) for g, labels in order.items() for label in labels]
    for group, label in columns:
        table.add_column(f"{group}\n{label}", justify="right")
    first = next(iter(by_stratum.values()))
    schemes = list(next(iter(first.values())))
    counts = []
    for group, label in columns:
        model = by_stratum[group][label].get("model", {})
        events = model.get("events")
        counts.append(f"{model.get('n', 0)}" + ("" if events is None else f"/{events}"))
    table.add_row("rows/events", *counts)
    references = set(backtest.get("references") or [])
    for scheme in sorted(schemes, key=lambda s: (s != "model", s in references, s)):
        cells = []
        for group, label in columns:
            value = by_stratum[group][label].get(scheme, {}).get(primary)
            cells.append("-" if value is None else f"{value:.4f}")
        table.add_row(scheme + (" (ref)" if scheme in references else ""), *cells)
    _out.print(table)
    for line in backtest.get("strata_not_beaten") or []:
        _out.print(f"  [yellow]not beaten:[/yellow] {line}")


def report_outcome(outcome: Outcome, *, promote: bool) -> None:
    """Print a registered version's backtest beside its baselines, and the verdict on it."""
    meta = outcome.version.metadata
    _print_backtest(
        outcome.model,
        meta["backtest"]["metrics"],
        tuple(meta["primary_metrics"]),
        meta["backtest"]["scheme"],
    )
    _print_strata(outcome.model, meta["backtest"], meta["primary_metrics"][0])
    params = meta.get("params", {})
    tuning = params.get("tuning")
    if tuning:
        _out.print(f"  hyperparameters served: {tuning.get('final')}")
    simulation = params.get("interval_simulation")
    if simulation:
        _out.print(
            f"  90% interval held the true probability {simulation['coverage']:.1%} of the time "
            f"in simulation ({simulation['method']})"
        )
    state = (
        "promoted to champion"
        if outcome.promoted
        else "registered as challenger" + ("" if promote else " (promotion not requested)")
    )
    _out.print(
        f"[bold]{outcome.model} {outcome.version.version}[/bold]: {state}; "
        + "; ".join(outcome.verdict.reasons)
    )


def train(
    model: ModelChoice = "all",
    promote: Annotated[
        bool,
        typer.Option(
            "--promote/--no-promote",
            help="Promote to champion each version that beats its baselines and the champion.",
        ),
    ] = False,
    processed_dir: ProcessedDir = None,
    models_dir: ModelsDirOption = None,
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", min=1, help="Models trained in parallel processes (joblib)."),
    ] = 1,
) -> None:
    """Train and backtest models, register each as a new version (alias challenger)."""
    from tminus.data.errors import DataError
    from tminus.training.pipeline import register_trained, train_many

    settings = get_settings()
    processed = processed_dir or settings.processed_dir
    registry = open_registry(models_dir)
    names = _names(model)
    workers = min(len(names), jobs)
    started = time.perf_counter()
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=_out,
        transient=True,
    ) as progress:
        progress.add_task(
            f"training and backtesting {', '.join(names)}"
            + (f" ({workers} processes)" if workers > 1 else ""),
            total=None,
        )
        try:
            trained = train_many(
                names, processed, random_state=settings.random_state, n_jobs=workers
            )
        except DataError as exc:
            raise fail(f"{exc} (run `make data` first)") from exc
    outcomes = []
    for one in trained:
        outcome = register_trained(registry, one, processed, promote=promote)
        outcomes.append(outcome)
        report_outcome(outcome, promote=promote)
    _out.print(
        f"done in {time.perf_counter() - started:.1f} s: "
        f"{sum(o.promoted for o in outcomes)} of {len(outcomes)} promoted"
    )


def evaluate(
    model: ModelChoice = "all",
    processed_dir: ProcessedDir = None,
) -> None:
    """Re-run the backtests on the current data and print them beside the baselines."""
    from tminus.data.errors import DataError
    from tminus.training.pipeline import train_many

    settings = get_settings()
    processed = processed_dir or settings.processed_dir
    try:
        results = train_many(_names(model), processed, random_state=settings.random_state)
    except DataError as exc:
        raise fail(f"{exc} (run `make data` first)") from exc
    from tminus.training.cards import strata_not_beaten

    for trained in results:
        bt = trained.backtest
        _print_backtest(trained.name, bt.metrics(), trained.primary_metrics, bt.scheme)
        summary = {
            "by_stratum": bt.metrics_by_stratum(),
            "strata_order": {group: list(strata) for group, strata in bt.strata.items()},
            "references": list(bt.references),
            "strata_not_beaten": strata_not_beaten(bt),
        }
        _print_strata(trained.name, summary, trained.primary_metrics[0])


def register(app: typer.Typer) -> None:
    """Mount the training commands (and the registry's) on the root app.

    ``tminus data update`` is mounted on the data group here: it retrains, which the data
    layer must not import.
    """
    from tminus.data.commands import data_app
    from tminus.registry import commands as registry_commands
    from tminus.training.update import update

    app.command("train")(train)
    app.command("evaluate")(evaluate)
    data_app.command("update")(update)
    registry_commands.register(app)
