"""Train, backtest, register and (when earned) promote models.

``train_and_register`` is what ``tminus train`` and ``make retrain`` run: each model is
trained on the processed tables, backtested against its baselines, written to the registry as
a new immutable version with metadata, a model card and its per-row backtest predictions,
pointed at by ``challenger``, and promoted to ``champion`` only if it beats every baseline and
is no worse than the current champion on the rows both versions scored.
"""

from __future__ import annotations

import json
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import numpy as np

import tminus
from tminus.data.tables import build_info, data_cutoff, file_sources, load_table, snapshot_hash
from tminus.data.vehicles import REFERENCE_KEY
from tminus.registry.errors import (
    AliasNotFoundError,
    ArtifactIntegrityError,
    UnsafeArtifactError,
)
from tminus.registry.store import BACKTEST_ROWS, ModelVersion, Registry, new_version_id
from tminus.training.backtest import MODEL
from tminus.training.cards import plots_for, render_card, strata_not_beaten
from tminus.training.metrics import probability_scores
from tminus.training.result import TrainedModel
from tminus.training.survival import censored_quantile_scores
from tminus.training.trainers import trainer_of

LIBRARIES = ("numpy", "pandas", "scipy", "scikit-learn", "pyarrow", "pandera")
# Relative tolerance when comparing a challenger with the champion: equal scores keep the champion.
TOLERANCE = 1e-9
# A version trained on a new vehicle reference (statuses, capacities, names: facts, not
# outcomes) is promoted when it is this close to the champion: the facts it serves are newer.
REFERENCE_TOLERANCE = 1e-3


def git_commit() -> str:
    """The checked-out commit (with ``-dirty`` if the tree has changes), or ``unknown``."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True, timeout=5
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head}-dirty" if dirty else head


def library_versions() -> dict[str, str]:
    """Versions of Python and the libraries that shape the numbers."""
    out = {"python": platform.python_version(), "tminus": tminus.__version__}
    for lib in LIBRARIES:
        try:
            out[lib] = importlib_metadata.version(lib)
        except importlib_metadata.PackageNotFoundError:
            out[lib] = "absent"
    return out


def _clean(value: Any) -> Any:
    """JSON-safe copy: numpy scalars to Python, NaN to None."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def build_metadata(trained: TrainedModel, processed: Path) -> dict[str, Any]:
    """Everything needed to trust and reproduce a version."""
    bt = trained.backtest
    spec = trainer_of(trained.name)
    tables = spec.tables
    cutoff = data_cutoff(processed, tables[0])
    metadata: dict[str, Any] = _clean(
        {
            "created_at": datetime.now(UTC).isoformat(),
            "task": trained.name,
            "kind": trained.predictor.kind,
            "output": trained.predictor.output,
            "summary": trained.summary,
            "data": {
                "snapshot_sha256": snapshot_hash(processed),
                "cutoff": cutoff.isoformat(),
                "tables": list(tables),
                # The raw files behind those tables: path, sha256, origin, GCAT stamp.
                "sources": file_sources(build_info(processed), tables),
            },
            "attribution": spec.attribution,
            "code": {"git_commit": git_commit(), "tminus_version": tminus.__version__},
            "libraries": library_versions(),
            "feature_schema": trained.predictor.input_schema(),
            "params": trained.params,
            "random_state": trained.random_state,
            "primary_metrics": list(trained.primary_metrics),
            "backtest": {
                "scheme": bt.scheme,
                "metrics": bt.metrics(),
                "by_year": bt.metrics_by_year(),
                "by_stratum": bt.metrics_by_stratum(),
                # JSON objects are written with sorted keys: the strata's own order.
                "strata_order": {group: list(strata) for group, strata in bt.strata.items()},
                "baselines": bt.baselines,
                "references": list(bt.references),
                "labels": bt.labels,
                "strata_not_beaten": strata_not_beaten(bt),
                "uncertainty": trained.params.get("score_uncertainty"),
            },
            "notes": trained.notes,
        }
    )
    return metadata


@dataclass(frozen=True)
class Verdict:
    """Whether a version may become champion, and why."""

    promote: bool
    reasons: list[str]


def _rows_scores(
    rows: dict[str, Any], predictions: dict[str, Any], keys: list[str]
) -> dict[str, float | None]:
    """Scores of one version's predictions on ``keys``, against ``rows``' outcomes."""
    index = {k: i for i, k in enumerate(rows["keys"])}
    theirs = {k: i for i, k in enumerate(predictions["keys"])}
    y = np.array([rows["y"][index[k]] for k in keys], dtype=float)
    pred = np.array([predictions["model"][theirs[k]] for k in keys], dtype=float)
    if rows["kind"] == "probability":
        return probability_scores(y, pred)
    is_open = rows.get("open") or [False] * len(rows["keys"])
    flags = np.array([bool(is_open[index[k]]) for k in keys])
    return censored_quantile_scores(y, flags, pred)


def judge(
    metadata: dict[str, Any],
    champion: dict[str, Any] | None,
    *,
    rows: dict[str, Any] | None = None,
    champion_rows: dict[str, Any] | None = None,
) -> Verdict:
    """A version is promoted only if it beats every baseline and is no worse than the champion.

    Baselines are compared on the version's own backtest (references such as the best
    constant in hindsight are not forecasts and are left out). The champion is compared like
    for like: both versions' predictions on the rows both scored (``rows`` and
    ``champion_rows``, keyed by launch tag, attempt or event), scored against the newer
    outcomes. Every backtest prediction was made with hyperparameters chosen on earlier folds
    only, so none of these rows helped choose the settings that predicted it. A version equal
    to the champion on those rows is promoted: it saw newer data. One trained on another
    vehicle reference than the champion's (``reference/vehicles.toml``: statuses, capacities
    and names, facts rather than outcomes) is promoted within :data:`REFERENCE_TOLERANCE` of
    it, so that every route serves the newer facts.
    """
    backtest = metadata["backtest"]
    metrics = backtest["metrics"]
    references = set(backtest.get("references") or [])
    ours = metrics[MODEL]
    reasons: list[str] = []
    ok = True
    for metric in metadata["primary_metrics"]:
        for name, theirs in metrics.items():
            if name == MODEL or name in references or theirs.get(metric) is None:
                continue
            if not ours[metric] < theirs[metric]:
                ok = False
                reasons.append(
                    f"{metric} {ours[metric]:.4f} does not beat baseline {name} "
                    f"({theirs[metric]:.4f})"
                )
    band = metadata["params"].get("coverage_band")
    if band is not None:
        coverage = ours.get("coverage_80")
        if coverage is None or not band[0] <= coverage <= band[1]:
            ok = False
            reasons.append(f"10-90% coverage {coverage} is outside the band {band}")
    compared = ""
    if champion is not None:
        common = (
            []
            if rows is None or champion_rows is None
            else sorted(set(rows["keys"]) & set(champion_rows["keys"]))
        )
        if not common:
            reasons.append(
                f"the champion {champion['version']} has no backtest rows in common with this "
                "version: judged against the baselines alone"
            )
        else:
            assert rows is not None and champion_rows is not None
            mine = _rows_scores(rows, rows, common)
            theirs = _rows_scores(rows, champion_rows, common)
            newer_facts = _reference_of(metadata) != _reference_of(champion)
            tolerance = REFERENCE_TOLERANCE if newer_facts else TOLERANCE
            for metric in metadata["primary_metrics"]:
                a, b = mine.get(metric), theirs.get(metric)
                if a is None or b is None:
                    continue
                if a > b * (1 + tolerance):
                    ok = False
                    reasons.append(
                        f"{metric} {a:.4f} is worse than the champion {champion['version']} "
                        f"({b:.4f}) on the {len(common):,} rows both scored"
                    )
            compared = f" and is no worse than the champion on the {len(common):,} rows both scored"
            if newer_facts:
                compared += (
                    f" (within {REFERENCE_TOLERANCE:.1%}: it carries a newer vehicle reference)"
                )
    if ok:
        reasons.append("beats every baseline" + compared)
    return Verdict(promote=ok, reasons=reasons)


def _reference_of(metadata: dict[str, Any]) -> str | None:
    """The sha256 of the vehicle reference a version was trained with (None: none)."""
    for source in metadata.get("data", {}).get("sources", []):
        if source.get("path") == REFERENCE_KEY:
            return str(source.get("sha256"))
    return None


@dataclass(frozen=True)
class Outcome:
    """What training one model did."""

    model: str
    version: ModelVersion
    verdict: Verdict
    promoted: bool


def usable_champion(registry: Registry, model: str) -> tuple[dict[str, Any] | None, str | None]:
    """The champion's metadata, if there is one this code can load and serve.

    A champion written by an older version of the code (another predictor kind or state
    format) or damaged since cannot be served: a new version is then judged against the
    baselines alone, and the second value says why the champion was set aside.
    """
    try:
        version = registry.resolve(model, "champion")
    except AliasNotFoundError:
        return None, None
    try:
        registry.load(model, version)
    except (ArtifactIntegrityError, UnsafeArtifactError) as exc:
        reason = registry.redact(str(exc))
        return None, f"the champion {version} cannot be served by this code ({reason})"
    return registry.get(model, version).metadata, None


def register_trained(
    registry: Registry, trained: TrainedModel, processed: Path, *, promote: bool
) -> Outcome:
    """Write the version with its card, set ``challenger``, promote if it earns it."""
    metadata = build_metadata(trained, processed)
    plots = plots_for(trained)
    files = {name: png for name, _, png in plots}
    rows = trained.backtest.rows_state()
    files[BACKTEST_ROWS] = json.dumps(_clean(rows), separators=(",", ":")).encode()
    # The version id is chosen before the card is written so the card can name it.
    version = new_version_id()
    card = render_card(trained, version=version, metadata=metadata, plots=plots)
    files["MODEL_CARD.md"] = card.encode()
    record = registry.register(
        trained.name,
        predictor=trained.predictor,
        metadata=metadata,
        files=files,
        version=version,
    )
    registry.set_alias(trained.name, "challenger", record.version)
    champion, unusable = usable_champion(registry, trained.name)
    champion_rows = (
        None
        if champion is None
        else registry.backtest_rows(registry.get(trained.name, champion["version"]))
    )
    verdict = judge(record.metadata, champion, rows=rows, champion_rows=champion_rows)
    if unusable is not None:
        verdict.reasons.insert(0, unusable)
    promoted = promote and verdict.promote
    if promoted:
        registry.set_alias(trained.name, "champion", record.version)
    return Outcome(model=trained.name, version=record, verdict=verdict, promoted=promoted)


def train_one(name: str, processed: Path, *, random_state: int) -> TrainedModel:
    """Load the tables a model needs and train it."""
    spec = trainer_of(name)
    tables = {name: load_table(name, processed) for name in spec.tables}
    return spec.trainer()(tables, random_state=random_state)


def train_many(
    names: Sequence[str], processed: Path, *, random_state: int, n_jobs: int = 1
) -> list[TrainedModel]:
    """Train several models, in parallel processes when ``n_jobs`` > 1 (joblib).

    Each model trains on its own; the results come back in the order of ``names``. Native
    thread pools are held to one thread so that parallel workers never oversubscribe the
    cores; the matrices are small enough that one thread loses nothing
    (``benchmarks/training.py`` measures it).
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        if n_jobs == 1 or len(names) == 1:
            return [train_one(name, processed, random_state=random_state) for name in names]
        from joblib import Parallel, delayed

        trained: list[TrainedModel] = Parallel(n_jobs=n_jobs)(
            delayed(train_one)(name, processed, random_state=random_state) for name in names
        )
        return trained


def train_and_register(
    names: Sequence[str],
    *,
    processed: Path,
    registry: Registry,
    random_state: int,
    promote: bool,
    n_jobs: int = 1,
) -> list[Outcome]:
    """Train the named models, register each and promote what earns it."""
    trained = train_many(names, processed, random_state=random_state, n_jobs=n_jobs)
    return [register_trained(registry, t, processed, promote=promote) for t in trained]
