"""Admin routes: move an alias, reload now. They need ``X-API-Key`` = ``TMINUS_ADMIN_KEY``.

Without a key configured the routes are off and answer 404; a missing header is 401 and a
wrong key 403.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Final

from fastapi import APIRouter, Depends, Path

from tminus.http.deps import AdminRoute, StoreDep, require_admin
from tminus.serving.errors import problem_responses
from tminus.serving.schemas import AliasAnswer, AliasUpdate, ModelName, ReloadAnswer, ReloadOutcome
from tminus.serving.state import ModelStore

router = APIRouter(tags=["admin"], dependencies=[Depends(require_admin)], route_class=AdminRoute)

ERRORS: Final = problem_responses(
    {
        401: "No X-API-Key header (checked before the body is read).",
        403: "Wrong X-API-Key (checked before the body is read).",
        404: "Admin routes are off (no TMINUS_ADMIN_KEY), or no such version.",
        409: "The version fails verification or cannot be loaded, or the registry folder is "
        "read-only to the service.",
    }
)


def _move_alias(store: ModelStore, name: str, alias: str, version: str) -> AliasAnswer:
    served = store.move_alias(name, alias, version)
    return AliasAnswer(
        model=name,
        alias=alias,
        version=version,
        served_version=served.version if served else None,
    )


@router.put("/v1/models/{name}/aliases/{alias}", response_model=AliasAnswer, responses=ERRORS)
async def set_alias(
    store: StoreDep,
    name: Annotated[ModelName, Path(description="Model name.")],
    alias: Annotated[
        str,
        Path(pattern=r"^[a-z][a-z0-9_-]{0,31}$", description="Alias, e.g. champion, challenger."),
    ],
    body: AliasUpdate,
) -> AliasAnswer:
    """Point an alias at a version; moving ``champion`` switches the served version now."""
    return await asyncio.to_thread(_move_alias, store, name, alias, body.version)


@router.post("/v1/admin/reload", response_model=ReloadAnswer, responses=ERRORS)
async def reload(store: StoreDep) -> ReloadAnswer:
    """Re-read every alias now and load what moved, retrying refused versions."""
    outcome = await asyncio.to_thread(store.refresh, force=True)
    return ReloadAnswer(
        models={
            name: ReloadOutcome(status=r.status, version=r.version, detail=r.detail)
            for name, r in outcome.items()
        }
    )
