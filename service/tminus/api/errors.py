"""Every domain error turned into HTTP, in one place.

Every error body has the same shape, ``{"detail": [{"loc", "msg", "type", ...}]}``: ``loc``
names the field (``["body", "items", 3, "vehicle"]``), ``msg`` says what was wrong and what is
allowed, and ``allowed`` or ``suggestions`` list valid values when there are any. A bad
request is always a 4xx; a 5xx is a bug.
"""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tminus.api.schemas import BODY_TAGS, fields_at, unknown_field_message
from tminus.api.state import ModelUnavailableError
from tminus.predictors.base import QueryError
from tminus.registry.errors import (
    AliasNotFoundError,
    ArtifactIntegrityError,
    ModelNotFoundError,
    RegistryError,
    RegistryWriteError,
    UnsafeArtifactError,
    VersionExistsError,
    VersionNotFoundError,
)

Loc = tuple[str | int, ...]
# A body's schema, or {union tag: schema} for a body that is one item or a batch.
BodySchema = type[BaseModel] | Mapping[str, type[BaseModel]]
# Registry errors by type: status, where the problem is, and the error type clients see.
REGISTRY_ERRORS: Final[dict[type[RegistryError], tuple[int, Loc, str]]] = {
    ModelNotFoundError: (404, ("path", "name"), "model_not_found"),
    VersionNotFoundError: (404, ("version",), "version_not_found"),
    AliasNotFoundError: (404, ("path", "alias"), "alias_not_found"),
    ArtifactIntegrityError: (409, ("version",), "artifact_integrity"),
    UnsafeArtifactError: (409, ("version",), "unsafe_artifact"),
    VersionExistsError: (409, ("version",), "version_exists"),
    RegistryWriteError: (409, ("path", "alias"), "registry_read_only"),
}
# Inputs echoed back in an error are cut to this many characters; big ones are dropped.
MAX_ECHO: Final = 100
# An answer lists at most this many problems (a batch of 10,000 bad items is not echoed).
MAX_PROBLEMS: Final = 20
# pydantic's error types for a body that is not a JSON object.
NOT_AN_OBJECT: Final = frozenset({"model_attributes_type", "dict_type"})


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
        out: dict[str, Any] = {"loc": _plain(self.loc), "msg": _text(self.msg), "type": self.type}
        if self.allowed:
            out["allowed"] = _plain(self.allowed)
        if self.suggestions:
            out["suggestions"] = _plain(self.suggestions)
        return out


class ApiError(Exception):
    """An error with its HTTP status and problems; raised by routes and prediction functions."""

    def __init__(
        self, status: int, problems: list[Problem], *, headers: dict[str, str] | None = None
    ) -> None:
        self.status = status
        self.problems = problems
        self.headers = headers or {}
        super().__init__("; ".join(f"{'.'.join(map(str, p.loc))}: {p.msg}" for p in problems))


class InvalidInputError(ApiError):
    """Inputs that passed the schema but that the model cannot answer (422)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(422, problems)


def query_problem(exc: QueryError, prefix: Loc) -> Problem:
    """A predictor's :class:`QueryError` as a problem located under ``prefix``."""
    return Problem(
        loc=(*prefix, exc.field),
        msg=exc.message,
        type="unknown_name" if exc.suggestions else "invalid_value",
        suggestions=exc.suggestions,
    )


def _text(value: str) -> str:
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
        return _text(value if len(value) <= MAX_ECHO else value[:MAX_ECHO] + "...")
    return None


def _plain(value: Any) -> Any:
    """A JSON-safe copy of an error context value or location."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return _text(str(value))


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


def _body(problems: Sequence[Problem]) -> dict[str, Any]:
    return {"detail": [p.to_json() for p in problems]}


def _validation_handler(
    bodies: Mapping[str, BodySchema],
) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        path = getattr(request.scope.get("route"), "path", None)
        schema = bodies.get(path) if isinstance(path, str) else None
        problems = validation_problems(exc.errors(), schema=schema)
        media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
        if media and media != "application/json" and not media.endswith("+json"):
            # FastAPI hands a non-JSON body over as bytes, which then "should be an object".
            for problem in problems:
                if problem["loc"] == ["body"] and problem["type"] in NOT_AN_OBJECT:
                    problem["msg"] = (
                        f"the body must be JSON sent as Content-Type: application/json, "
                        f"not {_text(media[:60])!r}"
                    )
                    problem["allowed"] = ["application/json"]
                    problem.pop("input", None)
        return JSONResponse({"detail": problems}, status_code=422)

    return on_validation


async def _on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(_body(exc.problems), status_code=exc.status, headers=exc.headers)


async def _on_invalid_input(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidInputError)
    # Prediction functions locate problems within the request; over HTTP that is the body.
    problems = [
        Problem(("body", *p.loc), p.msg, p.type, p.allowed, p.suggestions) for p in exc.problems
    ]
    return JSONResponse(_body(problems), status_code=422)


async def _on_query_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, QueryError)
    return JSONResponse(_body([query_problem(exc, ("body",))]), status_code=422)


async def _on_unavailable(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ModelUnavailableError)
    problem = Problem(loc=("model",), msg=str(exc), type="model_unavailable")
    return JSONResponse(_body([problem]), status_code=503, headers={"Retry-After": "5"})


def registry_problem(exc: RegistryError, redact: Callable[[str], str] = str) -> tuple[int, Problem]:
    """Status and problem for a registry error (the most specific type wins).

    ``redact`` rewrites the message for clients (the registry's location taken out).
    """
    msg = redact(str(exc))
    for kind in type(exc).__mro__:
        if kind in REGISTRY_ERRORS:
            status, loc, name = REGISTRY_ERRORS[kind]
            return status, Problem(loc=loc, msg=msg, type=name)
    return 409, Problem(loc=(), msg=msg, type="registry_error")


async def _on_registry_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RegistryError)
    store = getattr(request.app.state, "store", None)
    redact = store.registry.redact if store is not None else str
    status, problem = registry_problem(exc, redact)
    return JSONResponse(_body([problem]), status_code=status)


# Where the problem is for the framework's own HTTP errors (unparsable body, no such route).
HTTP_ERROR_LOCS: Final[dict[int, Loc]] = {
    400: ("body",),
    404: ("path",),
    405: ("method",),
    413: ("body",),
}
# FastAPI's words when its JSON parser gives up on a body (not UTF-8, a number of thousands of
# digits, nesting thousands of levels deep): they say neither what was wrong nor what to send.
UNREADABLE_BODY: Final = "There was an error parsing the body"


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code in {204, 304}:
        return Response(status_code=exc.status_code, headers=exc.headers)
    msg = str(exc.detail)
    if exc.status_code == 404 and msg == "Not Found":
        msg = f"no route {request.method} {request.url.path}; see /docs for every route"
    if exc.status_code == 405:
        msg = f"{request.method} is not allowed here; allowed: {(exc.headers or {}).get('Allow')}"
    if exc.status_code == 400 and msg == UNREADABLE_BODY:
        msg = (
            "the body cannot be read as JSON: send UTF-8 encoded JSON, with no number of "
            "thousands of digits and no nesting thousands of levels deep"
        )
    kind = "body_too_large" if isinstance(exc, BodyTooLargeError) else f"http_{exc.status_code}"
    problem = Problem(loc=HTTP_ERROR_LOCS.get(exc.status_code, ()), msg=msg, type=kind)
    return JSONResponse(_body([problem]), status_code=exc.status_code, headers=exc.headers)


class BodyTooLargeError(StarletteHTTPException):
    """A request body that grew past the limit while it was read (no or a false Content-Length)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, too_large_message(max_bytes))


def too_large_message(max_bytes: int, declared: int | None = None) -> str:
    """What a client whose body is over ``max_bytes`` is told."""
    sent = f" (Content-Length {declared:,})" if declared is not None else ""
    return (
        f"the body is over the limit of {max_bytes:,} bytes{sent} and was refused unread; "
        "a full prediction batch of 10,000 items is far smaller"
    )


def _declared_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with a 413 in the service's error shape.

    A declared Content-Length over the limit is answered at once, before the app runs; a body
    sent without one (chunked) is counted as it is read and refused once it passes the limit.
    Starlette's own limit (``FastAPI(max_body_size=...)``) is not used: it replaces any answer
    to such a request with a plain-text 413, which clients cannot parse as an error body.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.max_bytes:
            problem = Problem(
                loc=("body",),
                msg=too_large_message(self.max_bytes, declared),
                type="body_too_large",
            )
            await JSONResponse(_body([problem]), status_code=413)(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLargeError(self.max_bytes)
            return message

        await self.app(scope, limited, send)


def install_error_handlers(app: FastAPI, bodies: Mapping[str, BodySchema] | None = None) -> None:
    """Map every domain error to its HTTP answer.

    ``bodies`` maps a route path to the schema of its body, to name allowed fields.
    """
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(RequestValidationError, _validation_handler(bodies or {}))
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(InvalidInputError, _on_invalid_input)
    app.add_exception_handler(QueryError, _on_query_error)
    app.add_exception_handler(ModelUnavailableError, _on_unavailable)
    app.add_exception_handler(RegistryError, _on_registry_error)
