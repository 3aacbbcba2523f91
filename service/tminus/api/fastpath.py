"""The hot path: well-formed prediction requests answered without FastAPI's per-request work.

FastAPI spends more on a one-launch prediction than the prediction does: route matching across
the included routers, dependency solving, ``json.loads`` then validation, a ``Response``
object. :class:`PredictionFastPath` sits just inside the metrics and body-limit middlewares
and answers ``POST`` to a prediction route itself when the body is JSON that validates and the
model answers: one ``validate_json`` on the raw bytes, the same prediction function as the
route, and the route's bytes, written straight from the predictor's answers where the model
allows (:meth:`~tminus.serving.models.ModelSpec.render`; tests hold the two to the byte).

Anything else goes to the app unchanged, with the body it has already read replayed: another
method or path, another content type, a body that does not validate, a model that cannot
answer, a failure while reading. Every error answer therefore still comes from the app's own
handlers, in the documented shape; the fast path only ever sends a 200.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi.routing import APIRoute
from pydantic import TypeAdapter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tminus.api.metrics import MODEL_KEY, VERSION_KEY, Metrics
from tminus.api.routes.predictions import INLINE_ITEMS
from tminus.serving.models import MODELS, ModelSpec
from tminus.serving.state import ModelStore, Snapshot


@dataclass(frozen=True)
class FastRoute:
    """What the fast path needs to answer one prediction route."""

    spec: ModelSpec
    body: TypeAdapter[Any]
    route: APIRoute  # put in the scope, as routing would, for the metrics' route label


def fast_routes(routes: list[Any]) -> dict[str, FastRoute]:
    """The fast path's table, keyed by path, for the prediction routes among ``routes``."""
    by_path = {r.path: r for r in routes if isinstance(r, APIRoute) and "POST" in (r.methods or ())}
    return {
        spec.path: FastRoute(spec, TypeAdapter(spec.body), by_path[spec.path])
        for spec in MODELS
        if spec.path in by_path
    }


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            kind: bytes = value.split(b";", 1)[0].strip().lower()
            return kind == b"application/json"
    return False


def _replay(chunks: list[bytes], last: Message | BaseException | None, receive: Receive) -> Receive:
    """A ``receive`` that gives back what was already read, then carries on as ``receive``.

    ``last`` is how reading ended: None when the body was complete, the message that was not a
    body part (a disconnect), or the exception that reading raised (raised again in its turn).
    """
    pending: list[Message] = [
        {"type": "http.request", "body": chunk, "more_body": True} for chunk in chunks
    ]
    if last is None:
        pending = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]
    elif isinstance(last, Mapping):
        pending.append(dict(last))

    async def again() -> Message:
        if pending:
            return pending.pop(0)
        if isinstance(last, BaseException):
            raise last
        return await receive()

    return again


def _render(route: FastRoute, snapshot: Snapshot, raw: bytes) -> tuple[bytes, int]:
    """Validate ``raw`` and answer it as the route would (the same bytes, written straight
    from the predictor's answers where :meth:`ModelSpec.render` can); the bytes and the item
    count."""
    body = route.body.validate_json(raw)
    # One item or a batch, by its type: asking a model for a field it lacks (``items`` of one
    # item, as item_count does) costs an exception, a few per cent of a one-launch answer.
    count = 1 if isinstance(body, route.spec.item) else len(body.items)
    return route.spec.render(snapshot, body), count


class PredictionFastPath:
    """ASGI middleware: answer valid prediction requests directly (see the module docstring)."""

    def __init__(
        self, app: ASGIApp, *, store: ModelStore, metrics: Metrics, routes: dict[str, FastRoute]
    ) -> None:
        self.app = app
        self.store = store
        self.metrics = metrics
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self.routes.get(scope["path"]) if scope["type"] == "http" else None
        if route is None or scope["method"] != "POST" or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        try:
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    await self.app(scope, _replay(chunks, message, receive), send)
                    return
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    break
        except Exception as exc:  # e.g. the body limit: the app answers it in its own shape
            await self.app(scope, _replay(chunks, exc, receive), send)
            return
        raw = b"".join(chunks)
        snapshot = self.store.snapshot
        try:
            served = snapshot.get(route.spec.name)
            # A big batch is validated and predicted off the event loop, as the route does.
            if len(raw) > INLINE_ITEMS * 256:
                content, count = await asyncio.to_thread(_render, route, snapshot, raw)
            else:
                content, count = _render(route, snapshot, raw)
        except Exception:  # invalid or unanswerable: the app gives the documented error
            await self.app(scope, _replay([raw], None, receive), send)
            return
        scope["route"] = route.route
        scope[MODEL_KEY] = served.name
        scope[VERSION_KEY] = served.version
        self.metrics.count_predictions(served.name, served.version, count)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-length", str(len(content)).encode()),
                    (b"content-type", b"application/json"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": content})
