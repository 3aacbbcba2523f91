"""What the registry holds about each model: versions, aliases, backtests, cards and plots.

Plain, blocking functions (they read the registry): the routes run them in a worker thread.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Final

from tminus.predictors.kinds import predictor_class
from tminus.registry.errors import ModelNotFoundError
from tminus.registry.store import CARD, ModelVersion
from tminus.serving.errors import NotFoundError, Problem
from tminus.serving.models import MODELS_BY_NAME
from tminus.serving.schemas import (
    ModelDetail,
    ModelList,
    ModelSummary,
    RefusedInfo,
    ServedInfo,
    VersionInfo,
)
from tminus.serving.state import ModelStore, parse_cutoff

# Files of a version that may be downloaded: the card and its plots, never the artifact state.
SERVABLE: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.(png|md)$")
MEDIA_TYPES: Final = {".png": "image/png", ".md": "text/markdown; charset=utf-8"}


def _served(store: ModelStore, name: str) -> ServedInfo | None:
    served = store.snapshot.models.get(name)
    if served is None:
        return None
    return ServedInfo(version=served.version, loaded_at=served.loaded_at)


def _refused(store: ModelStore, name: str) -> RefusedInfo | None:
    refusal = store.refused.get(name)
    if refusal is None:
        return None
    return RefusedInfo(version=refusal.version, reason=refusal.reason, at=refusal.at)


def _check_served_name(store: ModelStore, name: str) -> None:
    if name not in store.names:
        raise ModelNotFoundError(
            f"unknown model {name!r}; this service serves {', '.join(store.names)}"
        )


def _reference_version(store: ModelStore, name: str, versions: list[ModelVersion]) -> ModelVersion:
    """The served version's record if loaded, else the newest one."""
    served = store.snapshot.models.get(name)
    return served.loaded.version if served is not None else versions[-1]


def _summary_fields(store: ModelStore, name: str) -> dict[str, Any]:
    registry = store.registry
    try:
        versions = registry.versions(name)
    except ModelNotFoundError:
        versions = []
    metadata = _reference_version(store, name, versions).metadata if versions else {}
    summary = metadata.get("summary")
    spec = MODELS_BY_NAME[name]
    return {
        "name": name,
        "output": predictor_class(name).output,
        "title": spec.title,
        "card_note": spec.card_note,
        "path": spec.path,
        "summary": summary if isinstance(summary, str) else None,
        "aliases": registry.aliases(name) if versions else {},
        "versions": len(versions),
        "served": _served(store, name),
        "refused": _refused(store, name),
    }


def list_models(store: ModelStore) -> ModelList:
    """Every served model: aliases, number of versions, the version served and any refusal."""
    return ModelList(models=[ModelSummary(**_summary_fields(store, n)) for n in store.names])


def _metrics(metadata: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    backtest = metadata.get("backtest")
    metrics = backtest.get("metrics") if isinstance(backtest, dict) else None
    if not isinstance(metrics, dict):
        return {}
    out: dict[str, dict[str, float | None]] = {}
    for who, values in metrics.items():
        if isinstance(values, dict):
            out[str(who)] = {
                str(k): float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None
                for k, v in values.items()
            }
    return out


def _version_info(record: ModelVersion, aliases: dict[str, str]) -> VersionInfo:
    metadata = record.metadata
    data = metadata.get("data")
    backtest = metadata.get("backtest")
    scheme = backtest.get("scheme") if isinstance(backtest, dict) else None
    primary = metadata.get("primary_metrics")
    return VersionInfo(
        version=record.version,
        created_at=record.created_at,
        aliases=sorted(a for a, v in aliases.items() if v == record.version),
        data_cutoff=parse_cutoff(data.get("cutoff") if isinstance(data, dict) else None),
        primary_metrics=[str(m) for m in primary] if isinstance(primary, list) else [],
        metrics=_metrics(metadata),
        backtest_scheme=scheme if isinstance(scheme, str) else None,
    )


def describe_model(store: ModelStore, name: str) -> ModelDetail:
    """One model: every version (newest first) with its backtest beside the baselines."""
    _check_served_name(store, name)
    versions = store.registry.versions(name)
    fields = _summary_fields(store, name)
    reference = _reference_version(store, name, versions).metadata
    schema = reference.get("feature_schema")
    attribution = reference.get("attribution")
    return ModelDetail(
        **fields,
        attribution=[str(a) for a in attribution] if isinstance(attribution, list) else [],
        feature_schema=schema if isinstance(schema, dict) else {},
        version_history=[_version_info(v, fields["aliases"]) for v in reversed(versions)],
    )


def _pick_version(store: ModelStore, name: str, version: str | None) -> ModelVersion:
    _check_served_name(store, name)
    if version is not None:
        return store.registry.get(name, version)
    served = store.snapshot.models.get(name)
    if served is not None:
        return served.loaded.version
    return store.registry.get(name, store.registry.resolve(name, store.alias))


def model_card(store: ModelStore, name: str, version: str | None, *, base_path: str) -> str:
    """The version's model card (Markdown), its plot links pointing at the files route.

    ``version`` defaults to the served one. The version is verified first, so a card whose
    files were changed is refused rather than shown.
    """
    record = _pick_version(store, name, version)
    store.registry.verify(record)
    text = (record.path / CARD).read_text(encoding="utf-8")
    prefix = f"{base_path}/v1/models/{name}/versions/{record.version}/files/"

    def link(match: re.Match[str]) -> str:
        target = match.group(2)
        if SERVABLE.match(target) and (record.path / target).is_file():
            return f"{match.group(1)}({prefix}{target})"
        return match.group(0)

    return re.sub(r"(!?\[[^\]]*\])\(([^)\s]+)\)", link, text)


def version_file(store: ModelStore, name: str, version: str, filename: str) -> tuple[Path, str]:
    """Path and media type of a card or plot file of a verified version.

    Only files listed in the version's manifest (verification checks the folder holds exactly
    those) with a card or image name are served; anything else is "not found".
    """
    record = _pick_version(store, name, version)
    path = record.path / filename
    suffix = Path(filename).suffix
    if not SERVABLE.match(filename) or suffix not in MEDIA_TYPES or not path.is_file():
        problem = Problem(
            loc=("path", "file"),
            msg=f"{name} {record.version} has no downloadable file {filename[:100]!r}; "
            "the card and its plots are listed as links in GET /v1/models/{name}/card",
            type="file_not_found",
        )
        raise NotFoundError([problem])
    store.registry.verify(record)
    return path, MEDIA_TYPES[suffix]
