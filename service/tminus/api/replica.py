"""Which replica answered: the ``X-TMinus-Replica`` header on every response.

Behind a load balancer, a client (or a test) can tell the replicas apart and see which one
served which model version. The name is ``TMINUS_REPLICA``, by default the host name (a
container's or pod's name). Plain ASGI, outermost, so that every answer carries it: the
prediction fast path, errors, ``/metrics``, the dashboard.
"""

from __future__ import annotations

from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REPLICA_HEADER: Final = "X-TMinus-Replica"


class ReplicaHeader:
    """ASGI middleware: add ``X-TMinus-Replica: <replica>`` to every HTTP response."""

    def __init__(self, app: ASGIApp, *, replica: str) -> None:
        self.app = app
        self.header = (REPLICA_HEADER.lower().encode("latin-1"), replica.encode("latin-1"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = self.header

        async def send_named(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        await self.app(scope, receive, send_named)
