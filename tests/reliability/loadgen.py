"""A small, paced HTTP/1.1 load generator: the client side of the load test, in its own process.

``python loadgen.py --url http://127.0.0.1:PORT --rate 400 --seconds 60 --out answers.json``
sends ``rate * seconds`` single launch-failure predictions, paced at ``rate`` per second over
``--connections`` keep-alive connections (raw asyncio streams: an HTTP library would cost more
CPU than the server it measures, on a shared two-core machine). For every request it records
when it was sent and when its answer was read (``time.monotonic()``, which other processes on
the same machine share), the status, the model version the answer names and the replica that
gave it (``X-TMinus-Replica``, for a load balancer in front of several), and writes them as
JSON. Connection failures and timeouts are recorded as errors, never retried. It prints one
line ``started <monotonic time>`` once connected and a summary line at the end.

Bounded: it stops after ``rate * seconds`` requests or ``seconds + --grace`` seconds,
whichever comes first; requests still unanswered then count as errors.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

PATH = "/v1/launch-failure"
# A handful of real questions, so the server does not answer one cached case.
BODIES = [
    b'{"vehicle": "Falcon 9", "date": "2026-03-01", "site": "CC", "pad": "LC40"}',
    b'{"vehicle": "Electron", "date": "2026-03-15"}',
    b'{"vehicle": "Soyuz-2-1b", "date": "2026-04-02"}',
    b'{"vehicle": "Falcon Heavy", "date": "2026-05-20", "site": "KSC", "pad": "LC39A"}',
]
VERSION_KEY = b'"version":"'
REPLICA_HEADER = b"x-tminus-replica:"


def _request(host: str, body: bytes) -> bytes:
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class Run:
    """Shared state of one run: the pacing schedule and what came back."""

    def __init__(self, total: int, rate: float, start: float) -> None:
        self.total = total
        self.rate = rate
        self.start = start
        self.slots = itertools.count()
        # (sent, received, status, version, replica) per request, in time order once sorted
        self.answers: list[tuple[float, float, int, str | None, str | None]] = []
        self.errors: list[str] = []


async def _connection(host: str, port: int, run: Run, deadline: float) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    requests = [_request(f"{host}:{port}", body) for body in BODIES]
    try:
        while True:
            slot = next(run.slots)
            if slot >= run.total:
                return
            due = run.start + slot / run.rate
            now = time.monotonic()
            if due > now:
                await asyncio.sleep(due - now)
            if time.monotonic() > deadline:
                run.errors.append(f"slot {slot}: not sent before the deadline")
                return
            sent = time.monotonic()
            try:
                writer.write(requests[slot % len(requests)])
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), deadline - sent)
                status = int(head[9:12])
                length = 0
                replica = None
                for line in head.split(b"\r\n"):
                    name = line[:17].lower()
                    if name[:15] == b"content-length:":
                        length = int(line[15:])
                    elif name == REPLICA_HEADER:
                        replica = line[17:].strip().decode()
                body = await asyncio.wait_for(reader.readexactly(length), deadline - sent)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                run.errors.append(f"slot {slot}: {type(exc).__name__}: {exc}")
                return
            received = time.monotonic()
            at = body.find(VERSION_KEY)
            version = None
            if at >= 0:
                start = at + len(VERSION_KEY)
                version = body[start : body.index(b'"', start)].decode()
            run.answers.append((sent, received, status, version, replica))
    finally:
        writer.close()


async def _main(args: argparse.Namespace) -> int:
    parts = urlsplit(args.url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    total = int(args.rate * args.seconds)
    start = time.monotonic() + 0.2  # connections open before the first slot is due
    run = Run(total, args.rate, start)
    deadline = start + args.seconds + args.grace
    print(f"started {start:.6f}", flush=True)
    tasks = [
        asyncio.create_task(_connection(host, port, run, deadline)) for _ in range(args.connections)
    ]
    done, pending = await asyncio.wait(tasks, timeout=deadline - time.monotonic() + 1)
    for task in pending:
        task.cancel()
    for task in done:
        if task.exception() is not None:
            run.errors.append(f"connection failed: {task.exception()!r}")
    unanswered = total - len(run.answers) - len(run.errors)
    if unanswered > 0:
        run.errors.append(f"{unanswered} requests not answered before the deadline")
    elapsed = max((answer[1] for answer in run.answers), default=start) - start
    Path(args.out).write_text(
        json.dumps(
            {
                "start": start,
                "planned": total,
                "elapsed_s": elapsed,
                "answers": sorted(run.answers),
                "errors": run.errors,
            }
        )
    )
    print(f"{len(run.answers)} answered, {len(run.errors)} errors, {elapsed:.1f} s", flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--rate", type=float, default=400.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--grace", type=float, default=20.0, help="seconds allowed past the end")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop comes with the service's dependencies
        return asyncio.run(_main(args))
    return uvloop.run(_main(args))


if __name__ == "__main__":
    sys.exit(main())
