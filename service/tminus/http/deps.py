"""The dependencies every HTTP face declares, as ``Annotated`` aliases to keep signatures short.

They are ``async`` on purpose: FastAPI runs a plain ``def`` dependency in a worker thread,
which would cost more than the prediction itself.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader
from starlette.responses import Response

from tminus.http.errors import ApiError
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


def snapshot_of(request: Request) -> Snapshot:
    """The served models now (a route that reads them once calls this, not the dependency,
    whose solving costs more than a prediction)."""
    store: ModelStore = request.app.state.store
    return store.snapshot


async def current_snapshot(request: Request) -> Snapshot:
    """The served models as of the start of this request; the whole request uses this one."""
    return snapshot_of(request)


SettingsDep = Annotated[Settings, Depends(app_settings)]
StoreDep = Annotated[ModelStore, Depends(model_store)]
SnapshotDep = Annotated[Snapshot, Depends(current_snapshot)]


ADMIN_KEY_HEADER = APIKeyHeader(
    name=ADMIN_HEADER,
    auto_error=False,
    scheme_name="AdminKey",
    description="The admin key (TMINUS_ADMIN_KEY). Without one configured, admin routes "
    "answer 404.",
)


async def require_admin(
    settings: SettingsDep, api_key: Annotated[str | None, Security(ADMIN_KEY_HEADER)] = None
) -> None:
    """Admit the request only with the configured admin key (see :func:`check_admin`).

    :class:`AdminRoute` checks the key before the body is read; this dependency declares the
    key in the OpenAPI document and checks it again for a route built otherwise.
    """
    check_admin(settings, api_key)


def check_admin(settings: Settings, api_key: str | None) -> None:
    """No key configured: 404 (the admin routes are off). No header: 401. Wrong key: 403."""
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


class AdminRoute(APIRoute):
    """A route whose admin key is checked first: before the body is read or parsed.

    FastAPI reads and parses a body before it solves dependencies, so with the key checked only
    in a dependency, malformed JSON without a key was a 422 instead of a 401.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            settings: Settings = request.app.state.settings
            check_admin(settings, request.headers.get(ADMIN_HEADER))
            return await handler(request)

        return checked
