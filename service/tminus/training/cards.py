"""Model cards: a Markdown page that opens with its plots, then the backtest tables.

A card states what each baseline is, the scores overall and by stratum, where the model does
not beat a baseline (and how sure that is), the hyperparameters' search space and the value
chosen at each backtest origin, how the ECE was binned, and how often the 90% intervals held
the true probability in simulation.
"""

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
from tminus.training.metrics import (
    ECE_BINNING_NOTE,
    QUANTILES,
    calibration_bins,
    pointwise_log_loss,
)
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
                coverage = bt.score(pred, bt.years == year)["coverage_80"]
                ys.append(np.nan if coverage is None else float(coverage))
            style = {"lw": 2.2, "marker": "o"} if name == MODEL else {"lw": 1, "alpha": 0.7}
            ax.plot(xs, ys, label=name, **style)
        ax.axhline(0.8, color="k", ls="--", lw=0.8, label="nominal 80%")
        ax.set_ylim(0, 1)
        ax.set_xlabel("year predicted")
        ax.set_ylabel("share inside [p10, p90] (open gaps censored)")
        ax.set_title("Honest 10-90% interval coverage (backtest)")
        ax.legend(fontsize=7)

    return ("coverage.png", "Interval coverage by year", _png(draw))


def interval_simulation_plot(simulation: dict[str, Any]) -> Plot:
    """How often the served 90% intervals held the true probability, by true probability."""
    served = simulation["simulations"][simulation["method"]]

    def draw(ax: Axes) -> None:
        bins = served["by_true_probability"]
        labels = [f"{b['low']:.3f}-\n{b['high']:.3f}" for b in bins]
        x = np.arange(len(bins))
        ax.bar(
            x, [b["coverage"] for b in bins], width=0.6, label=f"{simulation['method']} (served)"
        )
        for name, other in simulation["simulations"].items():
            if name != simulation["method"]:
                ax.axhline(other["coverage"], color="grey", ls=":", lw=1,
                           label=f"{name}: {other['coverage']:.3f} overall")  # fmt: skip
        ax.axhspan(0.85, 0.95, color="green", alpha=0.12, label="85-95%")
        ax.axhline(0.90, color="k", ls="--", lw=0.8, label="nominal 90%")
        ax.set_xticks(x, labels, fontsize=7)
        ax.set_ylim(0.5, 1.0)
        ax.set_xlabel("true probability (bins of the simulated truth)")
        ax.set_ylabel("share of 90% intervals holding it")
        ax.set_title(
            f"Interval coverage in simulation: {served['coverage']:.3f} over "
            f"{served['reps']} data sets"
        )
        ax.legend(fontsize=7, loc="lower right")

    return (
        "interval_coverage.png",
        "How often the 90% interval held the true probability (simulation)",
        _png(draw),
    )


def plots_for(trained: TrainedModel) -> list[Plot]:
    """The card's plots for a trained model."""
    bt = trained.backtest
    if bt.kind == "probability":
        plots = [calibration_plot(bt), score_by_year_plot(bt, "log_loss")]
        if "vehicle_flight" in bt.extras:
            plots.append(failure_by_flight_plot(bt))
        simulation = trained.params.get("interval_simulation")
        if simulation:
            plots.append(interval_simulation_plot(simulation))
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


def _primary(bt: Backtest) -> str:
    return "log_loss" if bt.kind == "probability" else "pinball_loss"


def _row_losses(bt: Backtest, name: str, mask: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Each row's primary loss: log loss, or the mean pinball loss of a closed outcome."""
    pred = bt.predictions[name][mask]
    y = bt.y[mask]
    if bt.kind == "probability":
        return pointwise_log_loss(y, pred)
    closed = np.ones(len(y), dtype=bool) if bt.open is None else ~bt.open[mask]
    diff = y[closed, None] - pred[closed]
    q = np.asarray(QUANTILES)
    out: np.ndarray[Any, Any] = np.maximum(q * diff, (q - 1) * diff).mean(axis=1)
    return out


def _difference_interval(
    bt: Backtest, mask: np.ndarray[Any, Any], baseline: str, *, seed: int = 0
) -> tuple[float, float] | None:
    """90% bootstrap interval of (model - baseline) mean loss on the rows of ``mask``."""
    if mask.sum() < 2:
        return None
    diff = _row_losses(bt, MODEL, mask) - _row_losses(bt, baseline, mask)
    if len(diff) < 2:
        return None
    rng = np.random.default_rng(seed)
    means = [diff[rng.integers(0, len(diff), len(diff))].mean() for _ in range(500)]
    low, high = np.percentile(means, [5, 95])
    return float(low), float(high)


def strata_not_beaten(bt: Backtest) -> list[str]:
    """Every stratum where the model does not beat a baseline on its primary score, plainly."""
    metric = _primary(bt)
    out = []
    for group, strata in bt.strata.items():
        for label, mask in strata.items():
            if not mask.any():
                continue
            ours = bt.score(bt.predictions[MODEL], mask)
            if ours.get(metric) is None:
                continue
            for name in bt.baselines:
                theirs = bt.score(bt.predictions[name], mask)
                if theirs.get(metric) is None or ours[metric] < theirs[metric]:  # type: ignore[operator]
                    continue
                events = f", {ours['events']} events" if "events" in ours else ""
                line = (
                    f"{group} {label} ({ours['n']} rows{events}): {metric} {ours[metric]:.4f} "
                    f"against {name} {theirs[metric]:.4f}"
                )
                interval = _difference_interval(bt, mask, name)
                if bt.kind == "probability":
                    y = bt.y[mask]
                    line += (
                        f"; observed rate {y.mean():.3f}, model's mean forecast "
                        f"{bt.predictions[MODEL][mask].mean():.3f}, baseline's "
                        f"{bt.predictions[name][mask].mean():.3f}"
                    )
                else:
                    line += "; by quantile, model against baseline: " + ", ".join(
                        f"{q} {ours[f'pinball_{q}']:.1f} vs {theirs[f'pinball_{q}']:.1f}"
                        for q in ("p10", "p50", "p90")
                    )
                if interval is not None:
                    line += (
                        f"; 90% bootstrap interval of the difference "
                        f"[{interval[0]:+.4f}, {interval[1]:+.4f}]"
                        + (
                            ": not distinguishable from no difference"
                            if interval[0] <= 0 <= interval[1]
                            else ""
                        )
                    )
                out.append(line)
    return out


def strata_table(bt: Backtest) -> str:
    """The primary score per scheme (rows) and stratum (columns), with rows and events."""
    metric = _primary(bt)
    columns = [(g, lab, m) for g, strata in bt.strata.items() for lab, m in strata.items()]
    if not columns:
        return ""
    head = "| scheme | " + " | ".join(f"{g}: {lab}" for g, lab, _ in columns) + " |"
    rows = [head, "|---|" + "---:|" * len(columns)]
    counts = []
    for _, _, mask in columns:
        n = int(mask.sum())
        counts.append(f"{n}" + (f" / {int(bt.y[mask].sum())}" if bt.kind == "probability" else ""))
    label = "rows / events" if bt.kind == "probability" else "rows"
    rows.append(f"| _{label}_ | " + " | ".join(counts) + " |")
    for name in sorted(bt.predictions, key=lambda n: (n != MODEL, n in bt.references, n)):
        cells = []
        for _, _, mask in columns:
            value = bt.score(bt.predictions[name], mask).get(metric) if mask.any() else None
            cells.append(_fmt(value))
        shown = f"**{name}**" if name == MODEL else name
        rows.append(f"| {shown} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def tuning_lines(tuning: dict[str, Any]) -> list[str]:
    """The search space, the rule, and the value chosen at each backtest origin."""
    lines = [
        f"Criterion: {tuning.get('criterion')}.",
        "",
        f"Rule: {tuning.get('rule')}." if tuning.get("rule") else "",
        "",
        "Search space:",
        "",
    ]
    for point in tuning.get("space", []):
        lines.append(f"- {point.get('name')}")
    lines += ["", "| origin (fold) | chosen |", "|---|---|"]
    for fold, chosen in tuning.get("chosen_per_fold", {}).items():
        lines.append(f"| {fold} | {chosen} |")
    lines += ["", f"Served (chosen on every fold): **{tuning.get('final')}**.", ""]
    return lines


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
        ("log_loss", "brier", "auc", "ece", "ece_equal_count", "n", "events")
        if bt.kind == "probability"
        else (
            "pinball_loss",
            "pinball_p10",
            "pinball_p50",
            "pinball_p90",
            "coverage_80",
            "coverage_80_closed",
            "n",
            "n_open",
        )
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
        ECE_BINNING_NOTE
        if bt.kind == "probability"
        else "coverage_80 is the honest coverage of the 10-90% band: outcomes still open at "
        "the end of the data are right-censored (Kaplan-Meier on the band's scale), not "
        "dropped; coverage_80_closed counts closed outcomes only. Pinball losses are over "
        "closed outcomes.",
        "",
        "What each scheme is:",
        "",
        *[f"- `{name}`: {text}" for name, text in bt.labels.items()],
        "",
    ]
    if bt.strata:
        metric = _primary(bt)
        lines += [f"### {metric} by stratum", "", strata_table(bt), ""]
        missed = metadata.get("backtest", {}).get("strata_not_beaten") or []
        if missed:
            lines += [
                "Where the model does **not** beat a baseline (forecast baselines only; the "
                "hindsight reference is not a forecast):",
                "",
                *[f"- {line}" for line in missed],
                "",
            ]
        else:
            lines += ["The model beats every baseline in every stratum.", ""]
    tuning = trained.params.get("tuning")
    if tuning:
        lines += ["## Hyperparameters chosen on the past only", "", *tuning_lines(tuning)]
    simulation = trained.params.get("interval_simulation")
    if simulation:
        served = simulation["simulations"][simulation["method"]]
        lines += [
            "## The 90% interval, scored by simulation",
            "",
            f"{trained.params.get('interval', '')}.",
            "",
            f"Taking the fitted model as the truth, outcomes were drawn {served['reps']} times "
            "on the real covariates and the model refitted each time: the 90% intervals held "
            f"the true probability {served['coverage']:.1%} of the time "
            f"({served['rows_per_rep']} rows per data set). Methods tried (the one nearest 90% "
            "is served): "
            + ", ".join(
                f"{name} {sim['coverage']:.3f}" for name, sim in simulation["simulations"].items()
            )
            + ".",
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
