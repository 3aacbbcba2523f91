"""Known vehicles and pads as of the data cutoff, so clients and LLMs can find valid inputs.

Plain functions over a snapshot, shared by the REST routes and the LLM tools. The catalogue
comes from the served ``launch_failure`` version (it knows providers), else from a timing model.
"""

from __future__ import annotations

from typing import Final

from tminus.features.names import normalise_name
from tminus.predictors.catalogue import Catalogue
from tminus.serving.errors import ModelUnavailableError
from tminus.serving.models import MODELS
from tminus.serving.schemas import PadInfo, PadList, VehicleInfo, VehicleList
from tminus.serving.state import ServedModel, Snapshot

# Models whose predictors carry a catalogue, in order of preference (their entries' rank).
CATALOGUE_MODELS: Final = tuple(
    spec.name
    for spec in sorted(
        (s for s in MODELS if s.catalogue_rank is not None),
        key=lambda s: s.catalogue_rank or 0,
    )
)


def catalogue_source(snapshot: Snapshot) -> tuple[ServedModel, Catalogue]:
    """The served model whose catalogue answers, and that catalogue."""
    for name in CATALOGUE_MODELS:
        served = snapshot.models.get(name)
        catalogue = getattr(served.predictor, "catalogue", None) if served else None
        if served is not None and isinstance(catalogue, Catalogue):
            return served, catalogue
    raise ModelUnavailableError(CATALOGUE_MODELS[0])


def _vehicles(served: ServedModel, catalogue: Catalogue) -> list[VehicleInfo]:
    # Built once per loaded version: the history does not change under it.
    return served.memo(
        "vehicles",
        lambda: [VehicleInfo.model_validate(v, from_attributes=True) for v in catalogue.vehicles()],
    )


def _pads(served: ServedModel, catalogue: Catalogue) -> list[PadInfo]:
    return served.memo(
        "pads",
        lambda: [PadInfo.model_validate(p, from_attributes=True) for p in catalogue.pads()],
    )


def _matches(query: str | None, *names: str | None) -> bool:
    if not query:
        return True
    key = normalise_name(query)
    return any(name is not None and key in normalise_name(name) for name in names)


def list_vehicles(
    snapshot: Snapshot,
    *,
    query: str | None = None,
    status: str | None = None,
    limit: int = 1000,
) -> VehicleList:
    """Known vehicles, most flown first; ``query`` matches name, family or provider, ``status``
    keeps the vehicles of one status (T-Minus' vehicle reference: 'active', 'retired', ...)."""
    served, catalogue = catalogue_source(snapshot)
    found = [
        v
        for v in _vehicles(served, catalogue)
        if _matches(query, v.name, v.family, v.provider) and status in (None, v.status)
    ]
    return VehicleList(**dict(served.provenance), total=len(found), vehicles=found[:limit])


def list_pads(snapshot: Snapshot, *, query: str | None = None, limit: int = 1000) -> PadList:
    """Known pads, most used first; ``query`` matches pad, site or a vehicle flown from it."""
    served, catalogue = catalogue_source(snapshot)
    found = [p for p in _pads(served, catalogue) if _matches(query, p.pad, p.site, *p.vehicles)]
    return PadList(**dict(served.provenance), total=len(found), pads=found[:limit])
