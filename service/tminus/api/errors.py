"""Every error turned into HTTP, in one place: the core's typed errors and HTTP's own.

Every error body has the same shape, ``{"detail": [{"loc", "msg", "type", ...}]}``: ``loc``
names the field (``["body", "items", 3, "vehicle"]``), ``msg`` says what was wrong and what is
allowed, and ``allowed`` or ``suggestions`` list valid values when there are any. A bad
request is always a 4xx; a 5xx is a bug.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Final

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tminus.http.errors import ApiError
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
from tminus.serving.errors import (
    BodySchema,
    Loc,
    Problem,
    ServiceError,
    plain_text,
    query_problem,
    validation_problems,
)

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
# pydantic's error types for a body that is not a JSON object.
NOT_AN_OBJECT: Final = frozenset({"model_attributes_type", "dict_type"})


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
                        f"not {plain_text(media[:60])!r}"
                    )
                    problem["allowed"] = ["application/json"]
                    problem.pop("input", None)
        return JSONResponse({"detail": problems}, status_code=422)

    return on_validation


async def _on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(_body(exc.problems), status_code=exc.status, headers=exc.headers)


# The HTTP status of each kind of service error.
SERVICE_STATUS: Final[dict[str, int]] = {
    "invalid_input": 422,
    "not_found": 404,
    "not_configured": 409,
    "unavailable": 503,
    "upstream_failed": 502,
    "upstream_timeout": 504,
}


async def _on_service_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ServiceError)
    problems = exc.problems
    if exc.kind == "invalid_input":
        # The core locates input problems within the request; over HTTP that is the body.
        problems = [
            Problem(("body", *p.loc), p.msg, p.type, p.allowed, p.suggestions) for p in problems
        ]
    headers = {"Retry-After": "5"} if exc.kind == "unavailable" else None
    return JSONResponse(_body(problems), status_code=SERVICE_STATUS[exc.kind], headers=headers)


async def _on_query_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, QueryError)
    return JSONResponse(_body([query_problem(exc, ("body",))]), status_code=422)


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
        path = request.url.path
        meant = (
            f" (without the trailing slash: {path.rstrip('/')})" if path[1:].endswith("/") else ""
        )
        msg = f"no route {request.method} {path}{meant}; see /docs for every route"
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
    app.add_exception_handler(ServiceError, _on_service_error)
    app.add_exception_handler(QueryError, _on_query_error)
    app.add_exception_handler(RegistryError, _on_registry_error)
