"""``tminus serve`` and ``tminus predict``.

Heavy imports (numpy through the predictors, uvicorn, FastAPI) happen inside the commands so
that ``tminus --help`` stays fast and ``serve`` can cap native thread pools first.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final

import typer

if TYPE_CHECKING:
    from pydantic import BaseModel

# Each predicts microseconds of work: more native threads only add contention and tail latency.
NATIVE_THREAD_VARS: Final = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)
MODEL_HELP: Final = (
    "launch_failure, booster_landing, pad_turnaround, return_to_flight or weather_scrub"
)
# CLI option of each request field, for error messages.
OPTIONS: Final = {
    "vehicle": "--vehicle",
    "date": "--date",
    "site": "--site",
    "pad": "--pad",
    "orbit": "--orbit",
    "payload_mass_kg": "--payload-mass-kg",
    "landing_type": "--landing-type",
    "core_flight": "--core-flight",
    "block": "--block",
}

ModelsDir = Annotated[
    Path | None,
    typer.Option("--models-dir", help="Registry folder (default: TMINUS_MODELS_DIR or models)."),
]


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def serve(
    *,
    host: Annotated[str, typer.Option(help="Interface to bind (0.0.0.0 in a container).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes (one per container is best).")
    ] = 1,
    models_dir: ModelsDir = None,
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
        raise _fail(
            f"--log-level must be critical, error, warning, info or debug, not {level!r}", 2
        )
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
            "tminus.api.app:create_app",
            factory=True,
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


def _weather_values(pairs: list[str], allowed: list[str]) -> dict[str, float]:
    values: dict[str, float] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        name = name.strip()
        if not sep or name not in allowed:
            raise _fail(f"--weather takes NAME=VALUE with NAME one of {', '.join(allowed)}", 2)
        try:
            values[name] = float(raw)
        except ValueError:
            raise _fail(f"--weather {name}: {raw!r} is not a number", 2) from None
    return values


def _percent(p: float) -> str:
    return f"{100 * p:.2f}%"


def _readable(answer: dict[str, Any]) -> str:
    lines = [
        f"{answer['model']}  version {answer['version']}  (data through {answer['data_cutoff']})"
    ]
    if "probability" in answer:
        low, high = answer["interval"]
        lines.append(
            f"  probability  {_percent(answer['probability'])}"
            f"  (90% interval {_percent(low)} to {_percent(high)})"
        )
    else:
        q, d = answer["quantiles"], answer["dates"]
        lines.append(f"  from         {answer['start'][:16].replace('T', ' ')} UTC")
        for key, label in (("p10", "10%"), ("p50", "median"), ("p90", "90%")):
            lines.append(f"  {label:<12} {q[key]:8.1f} days  ({d[key][:10]})")
    raised = [name for name, on in answer["flags"].items() if on]
    lines.append(f"  flags        {', '.join(raised) if raised else 'none'}")
    context = ", ".join(f"{k}={v}" for k, v in answer["context"].items())
    lines.append(f"  context      {context}")
    lines.extend(f"  data         {a}" for a in answer["attribution"])
    return "\n".join(lines)


def _validate(schema: type[BaseModel], fields: dict[str, Any]) -> BaseModel:
    from pydantic import ValidationError

    unknown = [f for f in fields if f not in schema.model_fields]
    if unknown:
        allowed = [OPTIONS.get(f, f) for f in schema.model_fields if f in OPTIONS]
        given = ", ".join(OPTIONS.get(f, f) for f in unknown)
        raise _fail(f"{given} does not apply to this model; it takes {', '.join(allowed)}", 2)
    try:
        return schema.model_validate(fields)
    except ValidationError as exc:
        problems = [
            f"{OPTIONS.get(str(e['loc'][0]), str(e['loc'][0])) if e['loc'] else 'input'}: "
            f"{e['msg']}"
            for e in exc.errors(include_url=False)
        ]
        raise _fail("; ".join(problems), 2) from None


def predict(
    model: Annotated[str, typer.Argument(help=MODEL_HELP)],
    *,
    date: Annotated[
        str,
        typer.Option(
            help="ISO date or datetime, UTC (launch date; for return_to_flight the failure date)."
        ),
    ],
    vehicle: Annotated[str | None, typer.Option(help="GCAT vehicle name, e.g. 'Falcon 9'.")] = None,
    site: Annotated[str | None, typer.Option(help="GCAT site code, e.g. CC, KSC.")] = None,
    pad: Annotated[str | None, typer.Option(help="GCAT pad code, e.g. LC40, LC39A.")] = None,
    orbit: Annotated[str | None, typer.Option(help="Orbit class, e.g. LEO, GTO.")] = None,
    payload_mass_kg: Annotated[float | None, typer.Option(help="Payload mass (kg).")] = None,
    landing_type: Annotated[
        str | None, typer.Option(help="booster_landing: ASDS, RTLS or Ocean.")
    ] = None,
    core_flight: Annotated[
        int | None, typer.Option(help="booster_landing: the booster's flight number.")
    ] = None,
    block: Annotated[int | None, typer.Option(help="booster_landing: Falcon block.")] = None,
    weather: Annotated[
        list[str] | None,
        typer.Option(help="weather_scrub: NAME=VALUE, repeatable (e.g. max_peak_wind=18)."),
    ] = None,
    version: Annotated[
        str | None, typer.Option(help="A version id (default: the champion).")
    ] = None,
    models_dir: ModelsDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
) -> None:
    """Predict one item with a model from the registry, as the service would answer it."""
    from tminus.api.errors import InvalidInputError
    from tminus.api.predict import PREDICTIONS
    from tminus.api.state import SERVED_ALIAS, Snapshot, load_served
    from tminus.registry.errors import RegistryError
    from tminus.registry.store import Registry
    from tminus.settings import get_settings

    name = model.strip().lower().replace("-", "_")
    if name not in PREDICTIONS:
        raise _fail(f"unknown model {model!r}; choose {MODEL_HELP}", 2)
    spec = PREDICTIONS[name]
    given: dict[str, Any] = {
        "date": date,
        "vehicle": vehicle,
        "site": site,
        "pad": pad,
        "orbit": orbit,
        "payload_mass_kg": payload_mass_kg,
        "landing_type": landing_type,
        "core_flight": core_flight,
        "block": block,
    }
    fields = {k: v for k, v in given.items() if v is not None}
    if weather:
        if name != "weather_scrub":
            raise _fail("--weather applies to weather_scrub only", 2)
        sensors = [f for f in spec.item.model_fields if f != "date"]
        fields.update(_weather_values(weather, sensors))
    item = _validate(spec.item, fields)

    registry = Registry(models_dir or get_settings().models_dir)
    try:
        chosen = version or registry.resolve(name, SERVED_ALIAS)
        served = load_served(registry, name, chosen)
    except RegistryError as exc:
        hint = f"train and promote one: tminus train --model {name} --promote"
        raise _fail(f"{exc} ({hint})", 1) from None
    try:
        answer = spec.run(Snapshot({name: served}), item)
    except InvalidInputError as exc:
        problems = [
            f"{OPTIONS.get(str(p.loc[-1]), str(p.loc[-1]))}: {p.msg}"
            + (f" {', '.join(p.suggestions)}" if p.suggestions else "")
            for p in exc.problems
        ]
        raise _fail("; ".join(problems), 2) from None
    payload = answer.model_dump(mode="json")
    typer.echo(json.dumps(payload, indent=2) if as_json else _readable(payload))


def register(app: typer.Typer) -> None:
    """Mount the serving commands on the root app."""
    app.command("serve")(serve)
    app.command("predict")(predict)
