"""The service core's errors, free of any web framework, and the one shape of a problem.

A :class:`ServiceError` carries :class:`Problem` s, each naming where in the request it is
(``("items", 3, "vehicle")``), what was wrong and what is allowed. Its ``kind`` says what went
wrong in the service's own words; the HTTP layer (``tminus.api.errors``) maps each kind to a
status, the tools turn the same problems into messages an LLM can act on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from tminus.predictors.base import QueryError
from tminus.serving.schemas import BODY_TAGS, fields_at, unknown_field_message

Loc = tuple[str | int, ...]
# A body's schema, or {union tag: schema} for a body that is one item or a batch.
BodySchema = type[BaseModel] | Mapping[str, type[BaseModel]]
# What went wrong, in the service's words; tminus.api.errors maps each kind to an HTTP status.
ErrorKind = Literal[
    "invalid_input",
    "not_found",
    "not_configured",
    "unavailable",
    "upstream_failed",
    "upstream_timeout",
]
# Inputs echoed back in an error are cut to this many characters; big ones are dropped.
MAX_ECHO: Final = 100
# An answer lists at most this many problems (a batch of 10,000 bad items is not echoed).
MAX_PROBLEMS: Final = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request."""

    loc: Loc
    msg: str
    type: str
    allowed: Sequence[str] = ()
    suggestions: Sequence[str] = ()

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of one entry of ``detail``."""
        out: dict[str, Any] = {
            "loc": _plain(self.loc),
            "msg": plain_text(self.msg),
            "type": self.type,
        }
        if self.allowed:
            out["allowed"] = _plain(self.allowed)
        if self.suggestions:
            out["suggestions"] = _plain(self.suggestions)
        return out


class ProblemInfo(BaseModel):
    """One entry of an error answer's ``detail``: where, what, and what is allowed."""

    model_config = ConfigDict(frozen=True)

    loc: list[str | int] = Field(
        description="Where the problem is: ['body', 'items', 3, 'vehicle'], ['query', 'q'], "
        "['header', 'X-API-Key'], ['path', 'name']."
    )
    msg: str = Field(description="What was wrong and what is allowed, in words.")
    type: str = Field(
        description="A stable error type: unknown_name (a name outside the catalogue, with "
        "suggestions), missing, extra_forbidden, string_pattern_mismatch, float_type, "
        "value_error, body_too_large, ..."
    )
    allowed: list[Any] | None = Field(default=None, description="The values allowed here.")
    suggestions: list[str] | None = Field(
        default=None, description="The closest known names, best first."
    )
    input: Any = Field(default=None, description="The value sent (short ones only).")
    ctx: dict[str, Any] | None = Field(default=None, description="The bound that was broken.")


class ErrorAnswer(BaseModel):
    """The one shape of every error answer (4xx, and the 5xx of an upstream or unloaded model)."""

    model_config = ConfigDict(frozen=True)

    detail: list[ProblemInfo]


def problem_responses(docs: Mapping[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for error statuses, each answered as an :class:`ErrorAnswer`."""
    return {status: {"model": ErrorAnswer, "description": text} for status, text in docs.items()}


class ServiceError(Exception):
    """A request the service cannot answer, with the problems that say why."""

    kind: ClassVar[ErrorKind] = "invalid_input"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(
            "; ".join(
                f"{'.'.join(map(str, p.loc))}: {p.msg}"
                + (f" {', '.join(p.suggestions)}" if p.suggestions else "")
                for p in problems
            )
        )


class InvalidInputError(ServiceError):
    """Inputs that passed the schema but that the service cannot answer (a 422 over HTTP).

    Problems are located within the request (``("vehicle",)``, ``("items", 3, "pad")``).
    """

    kind: ClassVar[ErrorKind] = "invalid_input"


class NotFoundError(ServiceError):
    """Something named in the request does not exist (a model, a tool)."""

    kind: ClassVar[ErrorKind] = "not_found"


class NotConfiguredError(ServiceError):
    """A valid request for something this server is not configured to offer (an LLM).

    The request is well formed and could be answered by a server configured otherwise, so it
    is neither invalid input nor a fault of the service: a 409 over HTTP.
    """

    kind: ClassVar[ErrorKind] = "not_configured"


class UpstreamError(ServiceError):
    """A service T-Minus relies on (an LLM endpoint) failed or refused."""

    kind: ClassVar[ErrorKind] = "upstream_failed"


class UpstreamTimeoutError(ServiceError):
    """A service T-Minus relies on (an LLM endpoint) was too slow."""

    kind: ClassVar[ErrorKind] = "upstream_timeout"


class ModelUnavailableError(ServiceError):
    """A model this service serves has no loaded version (yet)."""

    kind: ClassVar[ErrorKind] = "unavailable"

    def __init__(self, model: str, alias: str = "champion") -> None:
        message = f"model {model!r} is not loaded: no verified '{alias}' version yet"
        super().__init__([Problem(loc=("model",), msg=message, type="model_unavailable")])
        self.model = model
        self.args = (message,)

    def __str__(self) -> str:
        return str(self.args[0])


def query_problem(exc: QueryError, prefix: Loc) -> Problem:
    """A predictor's :class:`QueryError` as a problem located under ``prefix``."""
    return Problem(
        loc=(*prefix, exc.field),
        msg=exc.message,
        type="unknown_name" if exc.unknown_name else "invalid_value",
        suggestions=exc.suggestions,
    )


def plain_text(value: str) -> str:
    """``value`` encodable as UTF-8: a lone surrogate (JSON ``"\\ud800"``) is spelt as its escape.

    Python's JSON parser accepts such escapes and pydantic refuses them, so they reach error
    bodies, which must still be encodable.
    """
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _echo(value: Any) -> Any:
    """A short input worth echoing back, or None (JSON has no NaN or infinity)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**MAX_ECHO:
        return None  # a number of thousands of digits is as big an echo as a long string
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return plain_text(value if len(value) <= MAX_ECHO else value[:MAX_ECHO] + "...")
    return None


def _plain(value: Any) -> Any:
    """A JSON-safe copy of an error context value or location."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return plain_text(str(value))


def validation_problems(
    errors: Sequence[Any], *, schema: BodySchema | None = None
) -> list[dict[str, Any]]:
    """pydantic's errors as API problems: union tags dropped, big inputs not echoed.

    With the ``schema`` that was validated (or ``{tag: schema}`` for a one-or-batch body), an
    unknown field's message lists the allowed fields and the closest one. Finding them only
    here, on the error path, keeps validation of a 10,000-item batch in compiled code.
    """
    out: list[dict[str, Any]] = []
    for err in errors[:MAX_PROBLEMS]:
        loc = _plain(err.get("loc", ()))
        prefix = loc[:1] if loc[:1] == ["body"] else []
        rest = loc[len(prefix) :]
        tag = rest[0] if rest and rest[0] in BODY_TAGS else None
        if tag is not None:
            rest = rest[1:]
        entry: dict[str, Any] = {
            "loc": prefix + rest,
            # Our validators' own words, without pydantic's "Value error, " in front.
            "msg": _plain(err.get("msg", "")).removeprefix("Value error, "),
            "type": err.get("type"),
        }
        if err.get("type") == "extra_forbidden" and rest:
            root = schema.get(str(tag)) if isinstance(schema, Mapping) else schema
            allowed = fields_at(root, rest[:-1]) if root is not None else None
            if allowed is not None:
                entry["msg"] = unknown_field_message(str(rest[-1]), allowed)
                entry["allowed"] = allowed
        elif "input" in err and (echo := _echo(err["input"])) is not None:
            entry["input"] = echo
        ctx = err.get("ctx")
        if isinstance(ctx, dict):
            entry["ctx"] = {str(k): _plain(v) for k, v in ctx.items()}
            expected = ctx.get("expected")
            if isinstance(expected, str):
                # pydantic spells a choice as "'a', 'b' or 'c'": give clients the list.
                entry["allowed"] = re.findall(r"'([^']*)'", expected) or [expected]
        out.append(entry)
    if len(errors) > MAX_PROBLEMS:
        more = len(errors) - MAX_PROBLEMS
        out.append({"loc": out[-1]["loc"][:1], "msg": f"and {more} more", "type": "more_errors"})
    return out
