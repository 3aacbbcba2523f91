"""Model cards: a Markdown page that opens with its plots, then the backtest table."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import matplotlib as mpl

mpl.use("Agg")  # headless: cards are drawn in CI and containers with no display

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from tminus.training.backtest import MODEL, Backtest
from tminus.training.metrics import calibration_bins
from tminus.training.result import TrainedModel

Plot = tuple[str, str, bytes]  # file name, caption, PNG bytes


def _png(draw: Callable[[Axes], None], *, size: tuple[float, float] = (6.4, 4.0)) -> bytes:
    fig, ax = plt.subplots(figsize=size, dpi=100)
    try:
        draw(ax)
        fig.tight_layout()
        buf = io.BytesIO()
        # fixed metadata so the same numbers give the same bytes
        fig.savefig(buf, format="png", metadata={"Software": None})
        return buf.getvalue()
    finally:
        plt.close(fig)


def calibration_plot(bt: Backtest) -> Plot:
    """Observed rate against predicted probability, per decile of the prediction."""

    def draw(ax: Axes) -> None:
        for name, pred in bt.predictions.items():
            bins = calibration_bins(bt.y, pred, n_bins=10)
            xs = [b[0] for b in bins]
            ys = [b[1] for b in bins]
            style = {"lw": 2.2, "marker": "o"} if name == MODEL else {"lw": 1, "alpha": 0.6}
            ax.plot(xs, ys, label=name, **style)
        top = max(float(np.max(pred)) for pred in bt.predictions.values())
        ax.plot([0, top], [0, top], "k--", lw=0.8, label="perfect")
        ax.set_xlabel("predicted probability (decile mean)")
        ax.set_ylabel("observed rate")
        ax.set_title("Calibration on the rolling-origin backtest")
        ax.legend(fontsize=7)

    return ("calibration.png", "Calibration curve (backtest)", _png(draw))


def score_by_year_plot(bt: Backtest, metric: str) -> Plot:
    """The headline metric per year, model against each baseline."""
    by_year = bt.metrics_by_year()

    def draw(ax: Axes) -> None:
        for name, years in by_year.items():
            xs = sorted(years)
            ys = [years[y][metric] for y in xs]
            style = {"lw": 2.2, "marker": "o"} if name == MODEL else {"lw": 1, "alpha": 0.7}
            ax.plot(xs, [np.nan if v is None else v for v in ys], label=name, **style)
        ax.set_xlabel("year predicted")
        ax.set_ylabel(f"{metric} (lower is better)")
        ax.set_title(f"Backtest {metric} by year")
        ax.legend(fontsize=7)

    return ("score_by_year.png", f"Backtest {metric} by year against the baselines", _png(draw))


def failure_by_flight_plot(bt: Backtest) -> Plot:
    """Observed and predicted failure rate by the vehicle's flight number."""
    flight = bt.extras["vehicle_flight"]
    groups = [(1, 1), (2, 2), (3, 3), (4, 5), (6, 10), (11, 20), (21, 50), (51, 100), (101, 10**6)]
    labels = ["1", "2", "3", "4-5", "6-10", "11-20", "21-50", "51-100", ">100"]

    def draw(ax: Axes) -> None:
        obs, pred, counts = [], [], []
        for lo, hi in groups:
            mask = (flight >= lo) & (flight <= hi)
            counts.append(int(mask.sum()))
            obs.append(float(bt.y[mask].mean()) if mask.any() else np.nan)
            pred.append(float(bt.predictions[MODEL][mask].mean()) if mask.any() else np.nan)
        x = np.arange(len(groups))
        ax.bar(x - 0.2, obs, width=0.4, label="observed")
        ax.bar(x + 0.2, pred, width=0.4, label="model (mean)")
        ax.set_xticks(
            x, [f"{lab}\n(n={c})" for lab, c in zip(labels, counts, strict=True)], fontsize=7
        )
        ax.set_xlabel("vehicle flight number")
        ax.set_ylabel("failure rate")
        ax.set_title("Failure rate by flight number (backtest)")
        ax.legend()

    return ("failure_by_flight.png", "Failure rate by the vehicle's flight number", _png(draw))


def coverage_plot(bt: Backtest) -> Plot:
    """Share of outcomes inside each scheme's 10-90% interval, per year."""

    def draw(ax: Axes) -> None:
        for name, pred in bt.predictions.items():
            xs = sorted(int(y) for y in np.unique(bt.years))
            ys = []
            for year in xs:
                mask = bt.years == year
                inside = (bt.y[mask] >= pred[mask, 0]) & (bt.y[mask] <= pred[mask, 2])
                ys.append(float(inside.mean()))
            style = {"lw": 2.2, "marker": "o"} if name == MODEL else {"lw": 1, "alpha": 0.7}
            ax.plot(xs, ys, label=name, **style)
        ax.axhline(0.8, color="k", ls="--", lw=0.8, label="nominal 80%")
        ax.set_ylim(0, 1)
        ax.set_xlabel("year predicted")
        ax.set_ylabel("share inside [p10, p90]")
        ax.set_title("10-90% interval coverage (backtest)")
        ax.legend(fontsize=7)

    return ("coverage.png", "Interval coverage by year", _png(draw))


def plots_for(trained: TrainedModel) -> list[Plot]:
    """The card's plots for a trained model."""
    bt = trained.backtest
    if bt.kind == "probability":
        plots = [calibration_plot(bt), score_by_year_plot(bt, "log_loss")]
        if "vehicle_flight" in bt.extras:
            plots.append(failure_by_flight_plot(bt))
        return plots
    return [coverage_plot(bt), score_by_year_plot(bt, "pinball_loss")]


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def metrics_table(metrics: dict[str, dict[str, Any]], columns: tuple[str, ...]) -> str:
    """A Markdown table: one row per scheme, the model first."""
    head = "| scheme | " + " | ".join(columns) + " |"
    rule = "|---|" + "---|" * len(columns)
    rows = [head, rule]
    for name in sorted(metrics, key=lambda n: (n != MODEL, n)):
        cells = " | ".join(_fmt(metrics[name].get(c)) for c in columns)
        label = f"**{name}**" if name == MODEL else name
        rows.append(f"| {label} | {cells} |")
    return "\n".join(rows)


def render_card(
    trained: TrainedModel,
    *,
    version: str,
    metadata: dict[str, Any],
    plots: list[Plot],
) -> str:
    """The card's Markdown: plots first, then what, how judged, data, caveats."""
    bt = trained.backtest
    metrics = bt.metrics()
    columns = (
        ("log_loss", "brier", "auc", "ece", "n", "events")
        if bt.kind == "probability"
        else ("pinball_loss", "pinball_p10", "pinball_p50", "pinball_p90", "coverage_80", "n")
    )
    lines = [f"# Model card: `{trained.name}` {version}", ""]
    for name, caption, _ in plots:
        lines += [f"![{caption}]({name})", ""]
    lines += [
        "## What it predicts",
        "",
        trained.summary,
        "",
        "## How it was judged",
        "",
        f"Backtest: {bt.scheme}. Every scheme below was scored on the same rows with the same "
        "information; baselines are what a reliability analyst would use.",
        "",
        metrics_table(metrics, columns),
        "",
    ]
    uncertainty = metadata.get("backtest", {}).get("uncertainty")
    if uncertainty:
        lines += ["Uncertainty of the model's scores (bootstrap over backtest rows, 90%):", ""]
        for key, (lo, hi) in uncertainty.items():
            lines.append(f"- {key}: [{_fmt(lo)}, {_fmt(hi)}]")
        lines.append("")
    data = metadata.get("data", {})
    lines += [
        "## Data",
        "",
        f"- Data cutoff: {data.get('cutoff')}; snapshot sha256 `{data.get('snapshot_sha256')}`",
        f"- Sources: {'; '.join(metadata.get('attribution', []))}",
        "",
        "## Notes and caveats",
        "",
        *[f"- {note}" for note in trained.notes],
        "",
        "## Reproduce",
        "",
        f"Code {metadata.get('code', {}).get('git_commit')}, seed {trained.random_state}: "
        f"`tminus train --model {trained.name}`.",
        "",
    ]
    return "\n".join(lines)
