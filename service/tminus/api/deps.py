"""Dependencies shared by the routes, as ``Annotated`` aliases to keep signatures short.

They are ``async`` on purpose: FastAPI runs a plain ``def`` dependency in a worker thread,
which would cost more than the prediction itself.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Header, Request

from tminus.api.errors import ApiError
from tminus.serving.errors import Problem
from tminus.serving.state import ModelStore, Snapshot
from tminus.settings import Settings

ADMIN_HEADER = "X-API-Key"


async def app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


async def model_store(request: Request) -> ModelStore:
    """The app's model store."""
    store: ModelStore = request.app.state.store
    return store


async def current_snapshot(request: Request) -> Snapshot:
    """The served models as of the start of this request; the whole request uses this one."""
    store: ModelStore = request.app.state.store
    return store.snapshot


SettingsDep = Annotated[Settings, Depends(app_settings)]
StoreDep = Annotated[ModelStore, Depends(model_store)]
SnapshotDep = Annotated[Snapshot, Depends(current_snapshot)]


async def require_admin(
    settings: SettingsDep,
    api_key: Annotated[
        str | None,
        Header(
            alias=ADMIN_HEADER,
            description="The admin key (TMINUS_ADMIN_KEY). Without one configured, admin "
            "routes answer 404.",
        ),
    ] = None,
) -> None:
    """Admit the request only with the configured admin key.

    No key configured: 404 (the admin routes are off). No header: 401. Wrong key: 403.
    """
    if settings.admin_key is None or not settings.admin_key.get_secret_value():
        raise ApiError(
            404,
            [
                Problem(
                    loc=("header", ADMIN_HEADER),
                    msg="admin routes are off: set TMINUS_ADMIN_KEY on the server to enable them",
                    type="admin_disabled",
                )
            ],
        )
    if api_key is None:
        raise ApiError(
            401,
            [
                Problem(
                    loc=("header", ADMIN_HEADER),
                    msg=f"admin routes need the {ADMIN_HEADER} header",
                    type="missing_api_key",
                )
            ],
            headers={"WWW-Authenticate": ADMIN_HEADER},
        )
    expected = settings.admin_key.get_secret_value().encode()
    if not secrets.compare_digest(api_key.encode(), expected):
        raise ApiError(
            403,
            [
                Problem(
                    loc=("header", ADMIN_HEADER),
                    msg=f"the {ADMIN_HEADER} header does not match the configured admin key",
                    type="wrong_api_key",
                )
            ],
        )
