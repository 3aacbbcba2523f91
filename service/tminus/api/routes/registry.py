"""``GET /v1/models...``: versions, aliases, backtests beside baselines, cards and plots."""

from __future__ import annotations

import asyncio
from typing import Annotated, Final

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, Response

from tminus.http.deps import StoreDep
from tminus.serving import model_info
from tminus.serving.errors import problem_responses
from tminus.serving.schemas import ModelDetail, ModelList, ModelName

router = APIRouter(prefix="/v1/models", tags=["models"])

VERSION_PATTERN: Final = r"^\d{8}T\d{12}Z-[0-9a-f]{4}$"
ERRORS: Final = problem_responses(
    {
        404: "No such version or file.",
        409: "The version's files do not match its manifest.",
        422: "The model name is not one of the served models, or the version id breaks its "
        "pattern.",
    }
)
NamePath = Annotated[ModelName, Path(description="Model name.")]
VersionPath = Annotated[
    str, Path(pattern=VERSION_PATTERN, description="Version id, e.g. 20261129T091321123655Z-5e44.")
]


@router.get("", response_model=ModelList)
async def models(store: StoreDep) -> ModelList:
    """Every served model: aliases, versions and the version this process serves."""
    return await asyncio.to_thread(model_info.list_models, store)


@router.get("/{name}", response_model=ModelDetail, responses=ERRORS)
async def model(store: StoreDep, name: NamePath) -> ModelDetail:
    """A model's versions, aliases, inputs and backtest metrics beside its baselines."""
    return await asyncio.to_thread(model_info.describe_model, store, name)


@router.get(
    "/{name}/card",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {"text/markdown": {}}, "description": "Markdown."}},
)
async def card(
    request: Request,
    store: StoreDep,
    name: NamePath,
    version: Annotated[
        str | None, Query(pattern=VERSION_PATTERN, description="Default: the served version.")
    ] = None,
) -> Response:
    """A version's model card in Markdown, with links to its plots."""
    base = str(request.scope.get("root_path", "")).rstrip("/")
    text = await asyncio.to_thread(model_info.model_card, store, name, version, base_path=base)
    return Response(content=text, media_type="text/markdown; charset=utf-8")


@router.get(
    "/{name}/versions/{version}/files/{file}",
    response_class=FileResponse,
    responses={**ERRORS, 200: {"content": {"image/png": {}, "text/markdown": {}}}},
)
async def version_file(
    store: StoreDep,
    name: NamePath,
    version: VersionPath,
    file: Annotated[str, Path(max_length=100, description="A file named in the card.")],
) -> FileResponse:
    """A plot or card file of a version (only files in its verified manifest)."""
    path, media_type = await asyncio.to_thread(model_info.version_file, store, name, version, file)
    return FileResponse(path, media_type=media_type)
