"""A response leaves the server in one write, so a replica killed mid-response sent all or none.

A killed replica's half-sent response (headers without their body) is an error the balancer
cannot retry; an empty one it retries on another replica. These tests drive the writer with a
recording transport, then a real uvicorn server on 127.0.0.1 with a raw socket client.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any

import uvicorn

from tminus.api.server import WholeResponseProtocol, WholeResponseWriter

HEADERS = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n"


class Recorder:
    """A transport that records each write (one system call each)."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> str:
        return f"info:{name}"


def test_the_header_block_and_its_body_are_one_write() -> None:
    loop = asyncio.new_event_loop()
    try:
        sent = Recorder()
        writer = WholeResponseWriter(sent, loop)  # type: ignore[arg-type]
        writer.write(HEADERS)
        assert sent.writes == []  # held for the body
        writer.write(b"hello")
        assert sent.writes == [HEADERS + b"hello"]
        writer.write(b"more")  # anything else goes straight through
        assert sent.writes[-1] == b"more"
        assert writer.get_extra_info("socket") == "info:socket"  # the rest is the transport's
    finally:
        loop.close()


def test_a_header_block_alone_is_sent_at_the_next_turn_or_on_close() -> None:
    loop = asyncio.new_event_loop()
    try:
        sent = Recorder()
        writer = WholeResponseWriter(sent, loop)  # type: ignore[arg-type]
        writer.write(HEADERS)
        loop.run_until_complete(asyncio.sleep(0))
        assert sent.writes == [HEADERS]
        writer.write(HEADERS)
        writer.close()
        assert sent.writes == [HEADERS, HEADERS] and sent.closed
    finally:
        loop.close()


async def _app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    assert scope["type"] == "http"
    body = b'{"ok": true}'
    headers = [(b"content-type", b"application/json"), (b"content-length", b"12")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _read_response(client: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b'{"ok": true}'):
        chunk = client.recv(65536)
        assert chunk, f"connection closed after {data!r}"
        data += chunk
    return data


def test_a_real_server_answers_through_the_writer() -> None:
    """uvicorn on 127.0.0.1 with the protocol: whole answers, keep-alive and HEAD still work."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        _app, host="127.0.0.1", port=port, http=WholeResponseProtocol, log_level="error"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.started
        with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
            for _ in range(3):  # one keep-alive connection, several answers
                client.sendall(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
                answer = _read_response(client)
                assert answer.startswith(b"HTTP/1.1 200") and b"content-length: 12" in answer
            client.sendall(b"HEAD / HTTP/1.1\r\nhost: x\r\n\r\n")
            head = client.recv(65536)
            assert head.startswith(b"HTTP/1.1 200") and head.endswith(b"\r\n\r\n")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
