"""The HTTP protocol ``tminus serve`` runs uvicorn with: httptools, whole responses, limits.

:class:`LimitedProtocol` is what ``tminus serve`` (and so the container) runs; it is
:class:`WholeResponseProtocol` with the limits of :class:`HttpLimits`.

uvicorn writes a response in two system calls, its header block and then its body. A replica
killed between the two (``kill -9`` under load) leaves the balancer a response cut after its
headers, which it cannot resend to another replica: the client sees an error. Holding the
header block until the body's write makes each response one write, so a killed replica has
sent either all of it or nothing; nothing is an empty response, which the balancer retries on
another replica (``retry-on empty-response`` in deploy/balancer/haproxy.cfg).
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from tminus.settings import Settings, get_settings

log = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class HttpLimits:
    """What one connection may cost the server, from the ``TMINUS_HTTP_*`` settings.

    Attributes
    ----------
    max_header_bytes
        The request line and headers of one request, at most (431 beyond).
    header_timeout_s
        From a request's first byte to the end of its headers, at most (408 beyond).
    body_timeout_s
        From the end of the headers to the end of the body, at most (408 beyond).
    keepalive_timeout_s
        A connection with no request in progress, a new one included, is closed after this
        long without a byte.
    """

    max_header_bytes: int
    header_timeout_s: float
    body_timeout_s: float
    keepalive_timeout_s: int

    @classmethod
    def from_settings(cls, settings: Settings) -> HttpLimits:
        """The limits configured for this process."""
        return cls(
            max_header_bytes=settings.http_max_header_bytes,
            header_timeout_s=settings.http_header_timeout_s,
            body_timeout_s=settings.http_body_timeout_s,
            keepalive_timeout_s=settings.http_keepalive_timeout_s,
        )


@cache
def configured_limits() -> HttpLimits:
    """The limits of this process (its worker processes read the same environment)."""
    return HttpLimits.from_settings(get_settings())


# How long a refused connection's further bytes are read and dropped before it is closed.
LINGER_S: Final = 2.0
# Bytes a header line costs beyond its name and value: ": " and CRLF.
HEADER_LINE_OVERHEAD: Final = 4


class _RefusedError(Exception):
    """Raised inside a parser callback to stop parsing a request the limits refuse."""


class LimitedProtocol(WholeResponseProtocol):
    """:class:`WholeResponseProtocol` within :class:`HttpLimits`, refused in the error shape.

    - Headers over ``max_header_bytes``: 431, then the connection is closed. What the parser
      holds of an unfinished header block is counted as it arrives, so a header of 150 MB is
      refused after the first ``max_header_bytes`` (plus one read), never buffered whole.
    - Headers not complete ``header_timeout_s`` after a request's first byte: 408, closed.
    - A body not complete ``body_timeout_s`` after its headers: 408 if the app has not
      answered yet (it sees a disconnect), closed either way.
    - A connection idle ``keepalive_timeout_s`` (uvicorn's keep-alive timeout, here also for a
      new connection that never sends a byte): closed, with no answer.

    Each refusal is logged at INFO with the client's address; the connection is then closed
    after at most :data:`LINGER_S` more seconds, during which what the client still sends is
    dropped unread (so that the answer is not lost to a TCP reset).
    """

    limits: HttpLimits

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.limits = configured_limits()
        self._head_bytes = 0  # bytes received while a request's headers are incomplete
        self._in_head = False
        self._refused = False
        self._deadline: asyncio.TimerHandle | None = None
        # uvicorn arms its keep-alive timer only after a response: a new connection too.
        self.timeout_keep_alive_task = self.loop.call_later(
            self.limits.keepalive_timeout_s, self.timeout_keep_alive_handler
        )

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:  # as uvicorn does
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return
        except (httptools.HttpParserError, _RefusedError):
            if not self._refused:
                self.send_400_response("Invalid HTTP request received.")
            return
        if self._in_head:
            self._head_bytes += len(data)
            if self._head_bytes > self.limits.max_header_bytes:
                self._refuse_headers(self._head_bytes)

    # ---- parser callbacks ---------------------------------------------------------------
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._head_bytes = 0
        self._exact_head_bytes = 0
        self._set_deadline(self.limits.header_timeout_s, self._headers_too_slow)

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        self._exact_head_bytes += len(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        super().on_header(name, value)
        self._exact_head_bytes += len(name) + len(value) + HEADER_LINE_OVERHEAD

    def on_headers_complete(self) -> None:
        self._in_head = False
        if self._exact_head_bytes > self.limits.max_header_bytes:
            self._refuse_headers(self._exact_head_bytes)
            raise _RefusedError
        self._set_deadline(self.limits.body_timeout_s, self._body_too_slow)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._cancel_deadline()
        super().on_message_complete()

    # ---- refusals -----------------------------------------------------------------------
    def _set_deadline(self, seconds: float, then: Any) -> None:
        self._cancel_deadline()
        self._deadline = self.loop.call_later(seconds, then)

    def _cancel_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _refuse_headers(self, size: int) -> None:
        self._refuse(
            431,
            "headers_too_large",
            f"the request line and headers are over the limit of "
            f"{self.limits.max_header_bytes:,} bytes ({size:,} or more received; "
            "TMINUS_HTTP_MAX_HEADER_BYTES)",
        )

    def _headers_too_slow(self) -> None:
        self._deadline = None
        if self._in_head:
            self._refuse(
                408,
                "request_timeout",
                f"the request's headers did not arrive within "
                f"{self.limits.header_timeout_s:g} s (TMINUS_HTTP_HEADER_TIMEOUT_S)",
            )

    def _body_too_slow(self) -> None:
        self._deadline = None
        cycle = self.cycle
        if cycle is None or not cycle.more_body:
            return
        if cycle.response_started:  # answered without the body (e.g. 401): just close
            self._refused = True
            self.transport.close()
            return
        # The app waits for the rest of the body: it sees a disconnect, and answers nothing.
        cycle.disconnected = True
        cycle.message_event.set()
        self._refuse(
            408,
            "request_timeout",
            f"the request's body did not arrive within {self.limits.body_timeout_s:g} s of "
            "its headers (TMINUS_HTTP_BODY_TIMEOUT_S)",
        )

    def _refuse(self, status: int, kind: str, message: str) -> None:
        """Answer ``status`` in the service's error shape and close the connection."""
        if self._refused or self.transport.is_closing():
            return
        self._refused = True
        self._cancel_deadline()
        client = f"{self.client[0]}:{self.client[1]}" if self.client else "?"
        log.info("%s: %d %s", client, status, message)
        loc = ["header"] if status == 431 else []
        body = json.dumps({"detail": [{"loc": loc, "msg": message, "type": kind}]}).encode()
        head = [STATUS_LINE[status]]
        head += [
            name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers
        ]
        head += [
            b"content-type: application/json\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + body)
        # Closing with unread bytes from the client would send a reset, which can destroy the
        # answer before the client reads it: end our side, discard what still comes for a
        # moment (data_received ignores it), then close.
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(LINGER_S, self.transport.close)
        else:  # pragma: no cover - TCP transports can
            self.transport.close()
