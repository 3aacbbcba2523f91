"""The HTTP protocol ``tminus serve`` runs uvicorn with: httptools, writing responses whole.

uvicorn writes a response in two system calls, its header block and then its body. A replica
killed between the two (``kill -9`` under load) leaves the balancer a response cut after its
headers, which it cannot resend to another replica: the client sees an error. Holding the
header block until the body's write makes each response one write, so a killed replica has
sent either all of it or nothing; nothing is an empty response, which the balancer retries on
another replica (``retry-on empty-response`` in deploy/balancer/haproxy.cfg).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class WholeResponseWriter:
    """A transport whose response header blocks wait for the body written after them.

    The app sends a response's start and body back to back, in one turn of the event loop, so
    the two arrive here together; a header block with no body after it (none is expected) is
    still sent at the loop's next turn, or when the connection closes.
    """

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Write ``data``; a response's header block waits for its body."""
        chunk = bytes(data)
        if self._held is not None:
            chunk, self._held = self._held + chunk, None
        elif chunk.startswith(b"HTTP/1.") and chunk.endswith(b"\r\n\r\n"):
            self._held = chunk
            self._loop.call_soon(self.flush)
            return
        self._transport.write(chunk)

    def flush(self) -> None:
        """Send a held header block now."""
        if self._held is not None:
            held, self._held = self._held, None
            self._transport.write(held)

    def close(self) -> None:
        """Send what is held, then close."""
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class WholeResponseProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, writing through :class:`WholeResponseWriter`."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        writer: Any = WholeResponseWriter(transport, asyncio.get_running_loop())
        super().connection_made(writer)
