"""Serve the dashboard: ``GET /`` (the page) and ``/static/...`` (its script and stylesheet).

The routes are left out of the OpenAPI document: they are a client of the API, not part of it.
"""

from __future__ import annotations

from importlib import resources
from typing import Final

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

import tminus

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


def read_page() -> str:
    """The dashboard's HTML, with the asset links tagged by the package version."""
    page = resources.files(PACKAGE).joinpath("index.html").read_text(encoding="utf-8")
    return page.replace(VERSION_MARK, tminus.__version__)


def dashboard_router() -> APIRouter:
    """A router serving the page at ``/`` (read once, when the router is built)."""
    router = APIRouter(include_in_schema=False)
    page = read_page()
    headers = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Cache-Control": "no-cache"}

    @router.get("/", response_class=HTMLResponse)
    async def dashboard() -> HTMLResponse:
        """The planner's dashboard."""
        return HTMLResponse(page, headers=headers)

    return router


def install_dashboard(app: FastAPI) -> None:
    """Serve the dashboard page at ``/`` and its files under ``/static``."""
    app.include_router(dashboard_router())
    app.mount(STATIC_PATH, StaticFiles(packages=[(PACKAGE, STATIC)]), name="static")
