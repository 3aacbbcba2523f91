"""Serve the dashboard: ``GET /`` (the page) and ``/static/...`` (its modules and stylesheet).

The routes are left out of the OpenAPI document: they are a client of the API, not part of it.
"""

from __future__ import annotations

import html
import os
from importlib import resources
from typing import Final

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

import tminus
from tminus.serving.models import MODELS, ModelSpec

PACKAGE: Final = "tminus.web"
STATIC: Final = "static"
STATIC_PATH: Final = "/static"
# The page loads nothing but this origin's files and API; the model card plots are same-origin.
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Replaced in the page by the package version, so a new release is not served from a stale cache.
VERSION_MARK: Final = "__TMINUS_VERSION__"
CARD_MARK: Final = "__CARD_{model}__"
NO_CACHE: Final = {"Cache-Control": "no-cache"}


class RevalidatedFiles(StaticFiles):
    """The page's files, which the browser must revalidate (ETag, a 304 when unchanged) before
    reusing: the ES modules import each other by plain URLs, which the version tag on the
    page's links cannot reach, so a cached module could otherwise outlive a release."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers.update(NO_CACHE)
        return response


def read_page() -> str:
    """The dashboard's HTML, with the asset links tagged by the package version and each
    model's card (``__CARD_<model>__``) titled and noted from its entry in the models table."""
    page = resources.files(PACKAGE).joinpath("index.html").read_text(encoding="utf-8")
    for spec in MODELS:
        page = page.replace(CARD_MARK.format(model=spec.name), card_html(spec))
    return page.replace(VERSION_MARK, tminus.__version__)


def card_html(spec: ModelSpec) -> str:
    """A what-if card's title and its note before it is used."""
    return (
        f'\n          <h3>{html.escape(spec.title)}</h3>\n          <div class="card-body">'
        f'<p class="muted">{html.escape(spec.card_note)}</p></div>\n        '
    )


def dashboard_router() -> APIRouter:
    """A router serving the page at ``/`` (read once, when the router is built)."""
    router = APIRouter(include_in_schema=False)
    page = read_page()
    headers = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, **NO_CACHE}

    @router.get("/", response_class=HTMLResponse)
    async def dashboard() -> HTMLResponse:
        """The planner's dashboard."""
        return HTMLResponse(page, headers=headers)

    return router


def install_dashboard(app: FastAPI) -> None:
    """Serve the dashboard page at ``/`` and its files under ``/static``."""
    app.include_router(dashboard_router())
    app.mount(STATIC_PATH, RevalidatedFiles(packages=[(PACKAGE, STATIC)]), name="static")
