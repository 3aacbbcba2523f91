"""One bounded download: what ``tminus data update`` and ``tminus data fetch`` get from the web.

A download is streamed to a file the caller names (a staging file or folder, never the place
the data is used from), hashed as it arrives, and refused at once:

- when the server announces, or has sent, more than ``max_bytes`` (the bytes stop there);
- when the whole download has not finished ``timeout_s`` after it began: connecting, the
  response head and every read of the body get only what is left of that time, so a server
  that drips a byte at a time or never ends is cut off on time, not after each slow read;
- when it redirects to another scheme, or to a host neither the URL's own nor listed in
  ``allowed_hosts`` (``https://gcat`` -> ``http://...`` or -> another site is refused);
- when it answers an HTTP error, or fewer bytes than it announced.

The caller verifies the file (a sha256, a parse) before it moves anything into place. A
``file://`` URL is read with the same byte cap.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import socket
import ssl
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Final

from tminus.data.errors import SourceUnavailableError

OnStart = Callable[[str, int | None], None]  # file name, size in bytes if the server says
OnBytes = Callable[[str, int], None]  # file name, bytes just received

CHUNK_BYTES: Final = 1 << 16
MAX_REDIRECTS: Final = 5
REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})
USER_AGENT: Final = "tminus-data (+https://planet4589.org/space/gcat: please see its terms)"


def _ignore(*_: object) -> None:
    return None


@dataclass(frozen=True)
class DownloadLimits:
    """How much one download may take (``TMINUS_DOWNLOAD_*`` settings).

    Attributes
    ----------
    max_bytes
        Bytes of one file, at most (GCAT's whole launch list is about 11 MB).
    timeout_s
        Seconds from the start of one download to its last byte, at most.
    allowed_hosts
        Hosts a redirect may go to besides the URL's own (same scheme only).
    """

    max_bytes: int = 128 * 1024 * 1024
    timeout_s: float = 300.0
    allowed_hosts: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Downloaded:
    """A finished download: where it came from in the end, its sha256 and size."""

    url: str
    sha256: str
    size: int


class _Budget:
    """The time left of one download, and the refusal when it runs out."""

    def __init__(self, name: str, url: str, limits: DownloadLimits) -> None:
        self.name = name
        self.url = url
        self.limits = limits
        self.deadline = time.monotonic() + limits.timeout_s

    def left(self) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise self.timeout()
        return remaining

    def timeout(self) -> SourceUnavailableError:
        return SourceUnavailableError(
            f"cannot download {self.name} from {self.url}: not complete within "
            f"{self.limits.timeout_s:g} s (TMINUS_DOWNLOAD_TIMEOUT_S)"
        )

    def too_big(self, size: int, *, announced: bool = False) -> SourceUnavailableError:
        limit = f"{self.limits.max_bytes:,} bytes (TMINUS_DOWNLOAD_MAX_BYTES)"
        what = (
            f"announces {size:,} bytes, over the limit of {limit}"
            if announced
            else f"sent more than the limit of {limit}"
        )
        return SourceUnavailableError(
            f"cannot download {self.name} from {self.url}: it {what}; refused"
        )


def download(
    url: str,
    dest: Path,
    *,
    name: str,
    limits: DownloadLimits | None = None,
    on_start: OnStart = _ignore,
    on_bytes: OnBytes = _ignore,
) -> Downloaded:
    """Download ``url`` (``https://``, ``http://`` or ``file://``) to ``dest`` within ``limits``.

    ``dest`` is written even when the download fails (the caller's staging file): remove it.

    Raises
    ------
    SourceUnavailableError
        The download failed or passed a limit; the message names ``name``, the URL and why.
    """
    limits = limits or DownloadLimits()
    budget = _Budget(name, url, limits)
    with dest.open("wb") as out:
        if urllib.parse.urlsplit(url).scheme == "file":
            return _copy_file(url, out, budget, on_start, on_bytes)
        return _fetch_http(url, out, budget, on_start, on_bytes)


def _stream(
    read: Callable[[int], bytes],
    out: BinaryIO,
    budget: _Budget,
    total: int | None,
    on_bytes: OnBytes,
) -> tuple[str, int]:
    """Copy ``read``'s chunks to ``out`` until the end, within the budget; sha256 and size."""
    digest = hashlib.sha256()
    size = 0
    while chunk := read(CHUNK_BYTES):
        size += len(chunk)
        if size > budget.limits.max_bytes:
            raise budget.too_big(size)
        out.write(chunk)
        digest.update(chunk)
        on_bytes(budget.name, len(chunk))
        budget.left()
    budget.left()  # an end forced by the watchdog (see _fetch_http) is no end
    if total is not None and size != total:
        raise SourceUnavailableError(
            f"cannot download {budget.name} from {budget.url}: got {size:,} of {total:,} "
            "bytes (cut off?)"
        )
    return digest.hexdigest(), size


def _copy_file(
    url: str, out: BinaryIO, budget: _Budget, on_start: OnStart, on_bytes: OnBytes
) -> Downloaded:
    path = Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path))
    try:
        with path.open("rb") as source:
            total = path.stat().st_size
            if total > budget.limits.max_bytes:
                raise budget.too_big(total, announced=True)
            on_start(budget.name, total)
            sha256, size = _stream(source.read, out, budget, None, on_bytes)
    except OSError as exc:
        raise SourceUnavailableError(f"cannot download {budget.name} from {url}: {exc}") from None
    return Downloaded(url=url, sha256=sha256, size=size)


def _fetch_http(
    url: str, out: BinaryIO, budget: _Budget, on_start: OnStart, on_bytes: OnBytes
) -> Downloaded:
    origin = urllib.parse.urlsplit(url)
    allowed = {origin.hostname, *budget.limits.allowed_hosts}
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        parts = urllib.parse.urlsplit(current)
        connection = _connect(parts, budget)
        # A head or body dripped a byte at a time never trips a socket timeout: at the
        # deadline the watchdog shuts the socket, which ends any read in progress.
        watchdog = threading.Timer(budget.left(), _shut, args=(connection,))
        watchdog.daemon = True
        watchdog.start()
        try:
            target = parts.path or "/"
            if parts.query:
                target += f"?{parts.query}"
            connection.request("GET", target, headers={"User-Agent": USER_AGENT})
            response = connection.getresponse()
            if response.status in REDIRECTS:
                location = response.getheader("Location") or ""
                current = _redirect(current, location, origin.scheme, allowed, budget)
                continue
            if response.status != 200:
                raise SourceUnavailableError(
                    f"cannot download {budget.name} from {url}: HTTP {response.status} "
                    f"{response.reason}"
                )
            total = _content_length(response)
            if total is not None and total > budget.limits.max_bytes:
                raise budget.too_big(total, announced=True)
            on_start(budget.name, total)
            sha256, size = _stream(
                _reader(connection, response, budget), out, budget, total, on_bytes
            )
            return Downloaded(url=current, sha256=sha256, size=size)
        except (http.client.HTTPException, OSError) as exc:
            if isinstance(exc, TimeoutError) or time.monotonic() >= budget.deadline:
                raise budget.timeout() from None
            why = (
                str(exc)
                if isinstance(exc, OSError) and str(exc)
                else f"{type(exc).__name__}: {exc}"
            )
            raise SourceUnavailableError(
                f"cannot download {budget.name} from {url}: {why}"
            ) from None
        finally:
            watchdog.cancel()
            connection.close()
    raise SourceUnavailableError(
        f"cannot download {budget.name} from {url}: more than {MAX_REDIRECTS} redirects"
    )


def _reader(
    connection: http.client.HTTPConnection, response: http.client.HTTPResponse, budget: _Budget
) -> Callable[[int], bytes]:
    """Reads of the body, each given only what is left of the budget."""

    def read(n: int) -> bytes:
        if connection.sock is not None:
            connection.sock.settimeout(budget.left())
        return response.read1(n)

    return read


def _shut(connection: http.client.HTTPConnection) -> None:
    """End the connection's reads and writes now (from the watchdog thread)."""
    if connection.sock is not None:
        with contextlib.suppress(OSError):
            connection.sock.shutdown(socket.SHUT_RDWR)


def _connect(parts: urllib.parse.SplitResult, budget: _Budget) -> http.client.HTTPConnection:
    timeout = budget.left()
    host = parts.hostname or ""
    try:
        if parts.scheme == "https":
            return http.client.HTTPSConnection(
                host, parts.port, timeout=timeout, context=ssl.create_default_context()
            )
        if parts.scheme == "http":
            return http.client.HTTPConnection(host, parts.port, timeout=timeout)
    except ValueError as exc:  # a port that is no number
        raise SourceUnavailableError(
            f"cannot download {budget.name} from {budget.url}: {exc}"
        ) from None
    raise SourceUnavailableError(
        f"cannot download {budget.name} from {budget.url}: unsupported scheme {parts.scheme!r} "
        "(https://, http:// or file://)"
    )


def _redirect(
    current: str, location: str, scheme: str, allowed: set[str | None], budget: _Budget
) -> str:
    """The URL a redirect leads to, if it stays on the scheme and the allowed hosts."""
    target = urllib.parse.urljoin(current, location)
    parts = urllib.parse.urlsplit(target)
    if parts.scheme != scheme or parts.hostname not in allowed:
        hosts = ", ".join(sorted(h for h in allowed if h))
        raise SourceUnavailableError(
            f"cannot download {budget.name} from {budget.url}: it redirects to {target[:200]}, "
            f"which is not {scheme}:// on {hosts} (TMINUS_DOWNLOAD_ALLOWED_HOSTS); refused"
        )
    return target


def _content_length(response: http.client.HTTPResponse) -> int | None:
    value = response.getheader("Content-Length")
    return int(value) if value is not None and value.strip().isdigit() else None
