"""8. HTTP limits: what one connection may cost a real server, tried with raw sockets.

Against a real ``tminus serve`` on 127.0.0.1 (the server the container runs) started with
short deadlines (``TMINUS_HTTP_HEADER_TIMEOUT_S=1``, ``TMINUS_HTTP_BODY_TIMEOUT_S=1.5``,
``TMINUS_HTTP_KEEPALIVE_TIMEOUT_S=1``) and the default header cap of 64 KiB. Each limit is
met the way an attacker or a broken client meets it: a header block of 70 KB, one header of
150 MB streamed until the server stops it, 100,000 header lines, headers and a body dripped a
byte at a time, hundreds of idle connections, ``GET /mcp``, a ``Host`` header naming another
site, and admin requests with a malformed body. Refusals come in the service's JSON error
shape and close the connection; the server stays small and answers ``/healthz`` meanwhile.
"""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from .live import ADMIN_KEY, Figures, Server, serve

HEADER_TIMEOUT_S = 1.0
BODY_TIMEOUT_S = 1.5
KEEPALIVE_TIMEOUT_S = 1
CAP = 64 * 1024  # the default TMINUS_HTTP_MAX_HEADER_BYTES
# How long a refusal may take beyond its deadline on a busy two-core machine.
SLACK_S = 2.0


@pytest.fixture(scope="module")
def server(shared_registry: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {
        "TMINUS_HTTP_HEADER_TIMEOUT_S": str(HEADER_TIMEOUT_S),
        "TMINUS_HTTP_BODY_TIMEOUT_S": str(BODY_TIMEOUT_S),
        "TMINUS_HTTP_KEEPALIVE_TIMEOUT_S": str(KEEPALIVE_TIMEOUT_S),
    }
    workdir = tmp_path_factory.mktemp("limits")
    with serve(shared_registry, workdir, admin_key=ADMIN_KEY, env=env) as live:
        yield live


def _address(server: Server) -> tuple[str, int]:
    host, port = server.url.removeprefix("http://").split(":")
    return host, int(port)


def _connect(server: Server, timeout: float = 10.0) -> socket.socket:
    return socket.create_connection(_address(server), timeout=timeout)


def _read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def _send_until_answered(
    sock: socket.socket, next_bytes: Callable[[], bytes | None], pause_s: float = 0.0
) -> tuple[bytes, int, float]:
    """Send ``next_bytes()`` until the server answers (or they run out); then read the answer.

    Returns the answer, the bytes sent before it came, and the seconds it took.
    """
    started = time.monotonic()
    sent = 0
    while not select.select([sock], [], [], pause_s)[0]:
        data = next_bytes()
        if data is None:
            break
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            break
        sent += len(data)
    seconds = time.monotonic() - started
    return _read_all(sock), sent, seconds


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def _body(answer: bytes) -> dict[str, object]:
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b"content-type: application/json" in head.lower(), head
    parsed: dict[str, object] = json.loads(body)
    return parsed


def _problem(answer: bytes) -> dict[str, object]:
    detail = _body(answer)["detail"]
    assert isinstance(detail, list)
    problem: dict[str, object] = detail[0]
    return problem


def _rss_kib(server: Server) -> int:
    for line in Path(f"/proc/{server.process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _request(path: str, headers: str = "", body: bytes = b"", method: str = "GET") -> bytes:
    length = f"Content-Length: {len(body)}\r\n" if body or method != "GET" else ""
    return (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}{length}Connection: close\r\n\r\n"
    ).encode() + body


def test_a_header_block_over_64_kib_is_431_and_never_held_whole(
    server: Server, figures: Figures
) -> None:
    # Just under the cap: answered.
    with _connect(server) as sock:
        sock.sendall(_request("/healthz", f"X-Filler: {'a' * (CAP - 200)}\r\n"))
        assert _status(_read_all(sock)) == 200
    # Just over: 431 in the error shape, naming the limit.
    with _connect(server) as sock:
        sock.sendall(_request("/healthz", f"X-Filler: {'a' * (CAP + 10)}\r\n"))
        answer = _read_all(sock)
    assert _status(answer) == 431
    problem = _problem(answer)
    assert problem["type"] == "headers_too_large" and problem["loc"] == ["header"]
    assert "65,536 bytes" in str(problem["msg"])
    # 100,000 short header lines.
    with _connect(server) as sock:
        lines = iter([f"X-{n}: {n}\r\n".encode() for n in range(100_000)])
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        answer, _, _ = _send_until_answered(sock, lambda: next(lines, None))
        assert _status(answer) == 431

    # One header of 150 MB, streamed: refused after about the cap, never read to its end.
    rss_before = _rss_kib(server)
    chunk = b"b" * 65536
    total = 150 * 1024 * 1024
    sent_so_far = 0

    def more() -> bytes | None:
        nonlocal sent_so_far
        if sent_so_far >= total:
            return None
        sent_so_far += len(chunk)
        return chunk

    with _connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Huge: ")
        answer, sent, seconds = _send_until_answered(sock, more)
    grown = _rss_kib(server) - rss_before
    tick = time.monotonic()
    httpx.get(f"{server.url}/healthz", timeout=5).raise_for_status()
    health = time.monotonic() - tick
    assert _status(answer) == 431
    # What the kernel buffers on both sides is sent before the answer can come back.
    assert sent < 16 * 1024 * 1024, f"{sent:,} bytes sent before the refusal"
    assert grown < 20 * 1024, f"the server grew by {grown:,} KiB"
    figures.add(
        f"header block: {CAP - 200:,} B of filler answered, {CAP + 10:,} B -> 431; 100,000 header "
        f"lines -> 431; a 150 MB header refused after {sent / 2**20:.1f} MiB sent "
        f"({seconds:.2f} s), server RSS {grown / 1024:+.1f} MiB, /healthz then "
        f"{health * 1000:.1f} ms"
    )


def test_headers_that_do_not_arrive_in_time_are_408(server: Server, figures: Figures) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        # A header byte every 0.2 s: never a complete head.
        answer, sent, seconds = _send_until_answered(sock, lambda: b"X", pause_s=0.2)
    assert _status(answer) == 408
    assert _problem(answer)["type"] == "request_timeout"
    assert HEADER_TIMEOUT_S <= seconds < HEADER_TIMEOUT_S + SLACK_S
    figures.add(f"headers dripped a byte every 0.2 s: 408 after {seconds:.2f} s ({sent} bytes)")


def test_a_body_that_does_not_arrive_in_time_is_408(server: Server, figures: Figures) -> None:
    with _connect(server) as sock:
        sock.sendall(
            b"POST /v1/launch-failure HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"vehicle": '
        )
        answer, sent, seconds = _send_until_answered(sock, lambda: b" ", pause_s=0.2)
    assert _status(answer) == 408
    assert "body" in str(_problem(answer)["msg"])
    assert BODY_TIMEOUT_S <= seconds < BODY_TIMEOUT_S + SLACK_S
    assert server.predict().status_code == 200
    figures.add(f"a body dripped a byte every 0.2 s: 408 after {seconds:.2f} s ({sent} bytes)")


def test_idle_connections_are_closed(server: Server, figures: Figures) -> None:
    count = 200
    sockets = [_connect(server) for _ in range(count)]
    # And one that has had an answer and then keeps the connection open.
    kept = _connect(server)
    kept.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert kept.recv(65536).startswith(b"HTTP/1.1 200")
    sockets.append(kept)
    started = time.monotonic()
    closed = 0
    for sock in sockets:
        sock.settimeout(KEEPALIVE_TIMEOUT_S + SLACK_S)
        try:
            closed += sock.recv(1) == b""  # nothing is sent to an idle connection: EOF
        except TimeoutError:
            pass
        finally:
            sock.close()
    seconds = time.monotonic() - started
    assert closed == count + 1, f"{count + 1 - closed} idle connections still open"
    figures.add(
        f"{count} idle new connections and 1 idle keep-alive connection: all closed by the "
        f"server within {seconds:.2f} s (keep-alive timeout {KEEPALIVE_TIMEOUT_S} s)"
    )


def test_get_mcp_is_refused_at_once_and_no_redirect_names_another_host(
    server: Server, figures: Figures
) -> None:
    with _connect(server, timeout=5) as sock:
        sock.sendall(_request("/mcp", "Accept: text/event-stream\r\n"))
        answer = _read_all(sock)  # ends: no endless stream
    assert _status(answer) == 405 and b"allow: POST" in answer
    with _connect(server) as sock:
        sock.sendall(
            b"GET /v1/vehicles/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
        )
        answer = _read_all(sock)
    head = answer.partition(b"\r\n\r\n")[0].lower()
    assert _status(answer) == 404 and b"location:" not in head
    assert "/v1/vehicles" in str(_problem(answer)["msg"])
    figures.add(
        "GET /mcp: 405 (Allow: POST) at once; GET /v1/vehicles/ with Host evil.example: "
        "404 naming /v1/vehicles, no Location"
    )


def test_the_admin_key_is_checked_before_the_body(server: Server, figures: Figures) -> None:
    url = f"{server.url}/v1/models/launch_failure/aliases/champion"
    malformed = b'{"version": '
    headers = {"content-type": "application/json"}
    missing = httpx.put(url, content=malformed, headers=headers, timeout=10)
    assert missing.status_code == 401, missing.text
    wrong = httpx.put(url, content=malformed, headers=headers | {"X-API-Key": "x"}, timeout=10)
    assert wrong.status_code == 403, wrong.text
    right = httpx.put(url, content=malformed, headers=headers | {"X-API-Key": ADMIN_KEY})
    assert right.status_code in {400, 422}, right.text
    # A declared body that never comes: refused on the key, not left waiting for it.
    with _connect(server, timeout=5) as sock:
        sock.sendall(
            b"PUT /v1/models/launch_failure/aliases/champion HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
        )
        assert _status(sock.recv(65536)) == 401
    figures.add(
        "malformed admin body: 401 without a key, 403 with a wrong one, 400/422 with the "
        "right one; a body never sent: 401 at once"
    )
