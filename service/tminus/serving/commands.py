"""``tminus predict``: one answer from a model in the registry, as the service gives it.

Heavy imports (numpy through the predictors, uvicorn, FastAPI) happen inside the commands so
that ``tminus --help`` stays fast and ``serve`` can cap native thread pools first.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any, Final

import typer

from tminus.console import ModelsDirOption, fail
from tminus.predictors.kinds import MODEL_NAMES

if TYPE_CHECKING:
    from pydantic import BaseModel

MODEL_HELP: Final = "one of " + ", ".join(MODEL_NAMES)
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


def _weather_values(pairs: list[str], allowed: list[str]) -> dict[str, float]:
    values: dict[str, float] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        name = name.strip()
        if not sep or name not in allowed:
            raise fail(f"--weather takes NAME=VALUE with NAME one of {', '.join(allowed)}", 2)
        try:
            values[name] = float(raw)
        except ValueError:
            raise fail(f"--weather {name}: {raw!r} is not a number", 2) from None
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
    if answer.get("as_of"):
        late = answer.get("days_past_cutoff") or 0
        lines.append(
            f"  record read  as of {answer['as_of'][:10]}"
            + (f"  ({late:,} days before the date asked: the data end there)" if late else "")
        )
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
        raise fail(f"{given} does not apply to this model; it takes {', '.join(allowed)}", 2)
    try:
        return schema.model_validate(fields)
    except ValidationError as exc:
        problems = [
            f"{OPTIONS.get(str(e['loc'][0]), str(e['loc'][0])) if e['loc'] else 'input'}: "
            f"{e['msg']}"
            for e in exc.errors(include_url=False)
        ]
        raise fail("; ".join(problems), 2) from None


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
    models_dir: ModelsDirOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
) -> None:
    """Predict one item with a model from the registry, as the service would answer it."""
    from tminus.registry.errors import RegistryError
    from tminus.registry.store import Registry
    from tminus.serving.errors import InvalidInputError
    from tminus.serving.models import MODELS_BY_NAME
    from tminus.serving.state import SERVED_ALIAS, Snapshot, load_served
    from tminus.settings import get_settings

    name = model.strip().lower().replace("-", "_")
    if name not in MODELS_BY_NAME:
        raise fail(f"unknown model {model!r}; choose {MODEL_HELP}", 2)
    spec = MODELS_BY_NAME[name]
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
            raise fail("--weather applies to weather_scrub only", 2)
        sensors = [f for f in spec.item.model_fields if f != "date"]
        fields.update(_weather_values(weather, sensors))
    item = _validate(spec.item, fields)

    registry = Registry(models_dir or get_settings().models_dir)
    try:
        chosen = version or registry.resolve(name, SERVED_ALIAS)
        served = load_served(registry, name, chosen)
    except RegistryError as exc:
        hint = f"train and promote one: tminus train --model {name} --promote"
        raise fail(f"{exc} ({hint})", 1) from None
    try:
        answer = spec.run_one(Snapshot({name: served}), item)
    except InvalidInputError as exc:
        problems = [
            f"{OPTIONS.get(str(p.loc[-1]), str(p.loc[-1]))}: {p.msg}"
            + (f" {', '.join(p.suggestions)}" if p.suggestions else "")
            for p in exc.problems
        ]
        raise fail("; ".join(problems), 2) from None
    payload = answer.model_dump(mode="json")
    typer.echo(json.dumps(payload, indent=2) if as_json else _readable(payload))


def register(app: typer.Typer) -> None:
    """Mount the serving commands on the root app."""
    app.command("predict")(predict)
