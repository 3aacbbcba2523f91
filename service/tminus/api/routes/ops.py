"""``/healthz``, ``/readyz`` and ``/metrics``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from tminus.api.metrics import Metrics, render_metrics
from tminus.http.deps import SettingsDep, StoreDep
from tminus.serving.schemas import Health, Readiness, RefusedInfo

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process is alive (it may still be loading models)."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "Some model is not loaded yet."}},
)
async def readyz(store: StoreDep, settings: SettingsDep) -> JSONResponse:
    """200 once every served model is loaded and verified, 503 before; names the replica."""
    snapshot = store.snapshot
    missing = [name for name in store.names if name not in snapshot.models]
    body = Readiness(
        status="not_ready" if missing else "ready",
        replica=settings.replica,
        models={name: served.version for name, served in snapshot.models.items()},
        missing=missing,
        refused={
            name: RefusedInfo(version=r.version, reason=r.reason, at=r.at)
            for name, r in store.refused.items()
        },
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=503 if missing else 200)


@router.get("/metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    """Prometheus metrics: requests and latency per route and model version, loads, refusals."""
    # With several worker processes: the sum over all of them, whichever one answers.
    registry: Metrics = request.app.state.metrics
    return Response(render_metrics(registry), media_type=CONTENT_TYPE_LATEST)
