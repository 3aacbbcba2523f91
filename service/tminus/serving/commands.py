"""``tminus predict``: one answer from a model in the registry, as the service gives it.

Heavy imports (numpy through the predictors, uvicorn, FastAPI) happen inside the commands so
that ``tminus --help`` stays fast and ``serve`` can cap native thread pools first.
"""

from __future__ import annotations

import inspect
import json
import typing
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final

import typer

from tminus.console import ModelsDirOption, fail
from tminus.predictors.kinds import MODEL_NAMES

if TYPE_CHECKING:
    from pydantic import BaseModel
    from pydantic.fields import FieldInfo

MODEL_HELP: Final = "one of " + ", ".join(MODEL_NAMES)


def option_name(field: str) -> str:
    """A request field's CLI option: ``payload_mass_kg`` -> ``--payload-mass-kg``."""
    return "--" + field.replace("_", "-")


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
        allowed = [option_name(f) for f in schema.model_fields]
        given = ", ".join(option_name(f) for f in unknown)
        raise fail(f"{given} does not apply to this model; it takes {', '.join(allowed)}", 2)
    try:
        return schema.model_validate(fields)
    except ValidationError as exc:
        problems = [
            f"{option_name(str(e['loc'][0])) if e['loc'] else 'input'}: {e['msg']}"
            for e in exc.errors(include_url=False)
        ]
        raise fail("; ".join(problems), 2) from None


def predict(
    model: str,
    *,
    version: str | None = None,
    models_dir: Path | None = None,
    as_json: bool = False,
    **given: Any,
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
    # An option not given (None; False for a flag) is left to the schema's default.
    fields = {k: v for k, v in given.items() if v is not None and v is not False}
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
            f"{option_name(str(p.loc[-1]))}: {p.msg}"
            + (f" {', '.join(p.suggestions)}" if p.suggestions else "")
            for p in exc.problems
        ]
        raise fail("; ".join(problems), 2) from None
    payload = answer.model_dump(mode="json")
    typer.echo(json.dumps(payload, indent=2) if as_json else _readable(payload))


def _option(field: str, info: FieldInfo, text: str, models: list[str]) -> inspect.Parameter:
    """A typer option for a request field: its type, its description and which models take
    it, from the request schemas of :data:`tminus.serving.models.MODELS`."""
    kinds = {a for a in typing.get_args(info.annotation) if a is not type(None)} or {
        info.annotation
    }
    kind: Any = str
    for candidate in (bool, int, float):
        if candidate in kinds:
            kind = candidate
            break
    every = len(models) == len(MODEL_NAMES)
    help_text = text.rstrip(".") + ("" if every else f" [{', '.join(models)}]")
    if kind is bool:
        return inspect.Parameter(
            field,
            inspect.Parameter.KEYWORD_ONLY,
            default=False,
            annotation=Annotated[bool, typer.Option(option_name(field), help=help_text)],
        )
    required = every and info.is_required()
    return inspect.Parameter(
        field,
        inspect.Parameter.KEYWORD_ONLY,
        default=... if required else None,
        annotation=Annotated[
            kind if required else kind | None,
            typer.Option(option_name(field), help=help_text),
        ],
    )


def predict_command() -> Callable[..., None]:
    """``tminus predict`` with one option per request field of any served model, derived from
    the request schemas (a new model's inputs need no CLI code)."""
    from tminus.serving.models import MODELS

    fields: dict[str, tuple[FieldInfo, str, list[str]]] = {}
    for spec in MODELS:
        described = spec.item.model_json_schema()["properties"]
        for field, info in spec.item.model_fields.items():
            text = str(described[field].get("description") or field.replace("_", " "))
            fields.setdefault(field, (info, text, []))[2].append(spec.name)
    parameters = [
        inspect.Parameter(
            "model",
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            annotation=Annotated[str, typer.Argument(help=MODEL_HELP)],
        ),
        *(_option(field, info, text, models) for field, (info, text, models) in fields.items()),
        inspect.Parameter(
            "version",
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                str | None, typer.Option(help="A version id (default: the champion).")
            ],
        ),
        inspect.Parameter(
            "models_dir", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=ModelsDirOption
        ),
        inspect.Parameter(
            "as_json",
            inspect.Parameter.KEYWORD_ONLY,
            default=False,
            annotation=Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")],
        ),
    ]

    def command(**arguments: Any) -> None:
        predict(**arguments)

    command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    command.__doc__ = predict.__doc__
    return command


def register(app: typer.Typer) -> None:
    """Mount the serving commands on the root app."""
    app.command("predict")(predict_command())
