"""``tminus serve``: the app (``tminus.app``) under uvicorn.

Heavy imports (numpy through the predictors, uvicorn, FastAPI) happen inside the command so
that ``tminus --help`` stays fast and ``serve`` can cap native thread pools first.
"""

from __future__ import annotations

import contextlib
import copy
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Final

import typer

from tminus.console import ModelsDirOption, fail

# Each predicts microseconds of work: more native threads only add contention and tail latency.
NATIVE_THREAD_VARS: Final = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


def serve(
    *,
    host: Annotated[str, typer.Option(help="Interface to bind (0.0.0.0 in a container).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes (one per container is best).")
    ] = 1,
    models_dir: ModelsDirOption = None,
    reload_interval: Annotated[
        float | None,
        typer.Option(
            min=0.1, max=3600, help="Seconds between alias checks (TMINUS_RELOAD_INTERVAL_S)."
        ),
    ] = None,
    log_level: Annotated[
        str, typer.Option(help="critical, error, warning, info or debug.")
    ] = "info",
    access_log: Annotated[bool, typer.Option(help="Log every request (uvicorn).")] = True,
) -> None:
    """Serve the champion models over HTTP; a moved champion is picked up without a restart."""
    level = log_level.lower()
    if level not in {"critical", "error", "warning", "info", "debug"}:
        raise fail(f"--log-level must be critical, error, warning, info or debug, not {level!r}", 2)
    # Read by BLAS/OpenMP when they load: in worker processes, and here if numpy is not loaded
    # yet. The app also applies threadpoolctl at startup for pools already loaded.
    for var in NATIVE_THREAD_VARS:
        os.environ.setdefault(var, "1")
    # Settings travel to uvicorn's worker processes through the environment.
    if models_dir is not None:
        os.environ["TMINUS_MODELS_DIR"] = str(models_dir)
    if reload_interval is not None:
        os.environ["TMINUS_RELOAD_INTERVAL_S"] = str(reload_interval)

    import uvicorn

    from tminus.settings import get_settings

    get_settings.cache_clear()
    settings = get_settings()
    typer.echo(
        f"serving the champions in {settings.models_dir.resolve()} on http://{host}:{port} "
        f"({workers} worker{'' if workers == 1 else 's'})",
        err=True,
    )
    with shared_metrics_dir(workers) as metrics_dir:
        if metrics_dir is not None:
            typer.echo(f"the workers share their metrics in {metrics_dir}", err=True)
        uvicorn.run(
            "tminus.app:create_app",
            factory=True,
            # httptools, writing each response whole, within the TMINUS_HTTP_* limits (see
            # tminus.api.server); the worker processes read the same settings.
            http="tminus.api.server:LimitedProtocol",
            timeout_keep_alive=settings.http_keepalive_timeout_s,
            host=host,
            port=port,
            workers=workers,
            log_level=level,
            log_config=log_config(level),
            access_log=access_log,
            timeout_graceful_shutdown=10,
        )


@contextlib.contextmanager
def shared_metrics_dir(workers: int) -> Iterator[Path | None]:
    """The folder in which worker processes share their metrics, if they do (see api/metrics).

    ``PROMETHEUS_MULTIPROC_DIR`` names it: a folder given there is emptied of an earlier run's
    values first (they would be added to this run's); with several workers and none given, a
    temporary folder is made for this run and removed at the end. One worker without it keeps
    its metrics in memory. Set in the environment, so the worker processes inherit it.
    """
    from tminus.api.metrics import MULTIPROC_ENV

    given = os.environ.get(MULTIPROC_ENV)
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for kind in ("counter", "gauge", "histogram", "summary"):
            for stale in folder.glob(f"{kind}_*.db"):
                stale.unlink()
        yield folder
        return
    if workers == 1:
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="tminus-metrics-"))
    os.environ[MULTIPROC_ENV] = str(folder)
    try:
        yield folder
    finally:
        os.environ.pop(MULTIPROC_ENV, None)
        shutil.rmtree(folder, ignore_errors=True)


def log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging setup plus the ``tminus`` loggers; every worker process applies it."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["tminus"] = {
        "()": "uvicorn.logging.DefaultFormatter",
        "fmt": "%(asctime)s %(levelprefix)s %(name)s: %(message)s",
        "use_colors": None,
    }
    config["handlers"]["tminus"] = {
        "formatter": "tminus",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
    }
    config["loggers"]["tminus"] = {
        "handlers": ["tminus"],
        "level": level.upper(),
        "propagate": False,
    }
    return config


def register(app: typer.Typer) -> None:
    """Mount ``serve`` on the root app."""
    app.command("serve")(serve)
