"""1. Fuzzing: schemathesis against the live OpenAPI schema of a real server on 127.0.0.1.

The schema is the one the running ``tminus serve`` publishes at ``/openapi.json``. Every
operation gets valid and invalid requests (schemathesis' positive and negative generation,
derandomized, a fixed budget per operation); each goes over TCP to uvicorn, and each answer
must not be a 5xx, must have a documented status and content type, and must match its
documented schema. Admin operations are sent as generated and again with the right key.
Failures are collected, not shrunk, so the run stays bounded; all are reported together.

``tests/integration/test_api_fuzz.py`` runs the same checks in-process through the ASGI app
(with schemathesis' example and boundary-value phases); this one adds the real HTTP stack.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tminus.api.deps import ADMIN_HEADER

from .live import ADMIN_KEY, Figures, Server

pytestmark = pytest.mark.integration

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Requests per operation that takes parameters or a body; operations without any (GET
# /healthz) exhaust their single request at once. ~1,400 requests in all, ~20 s on two cores.
EXAMPLES_PER_OPERATION = 70
MIN_REQUESTS = 1_000
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],  # no shrinking: failures are collected instead
    verbosity=Verbosity.quiet,
)


@dataclass
class Tally:
    """Requests sent per operation, statuses, and the failed checks."""

    sent: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


def _fuzz(
    operation: APIOperation,
    variants: list[dict[str, Any] | None],
    session: requests.Session,
    tally: Tally,
) -> None:
    """Send ``operation``'s generated requests (once per header variant) and check each answer."""
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @SETTINGS
    @hypothesis.given(case=strategy)
    def fuzz(case: schemathesis.Case) -> None:
        for headers in variants:
            response = case.call(session=session, headers=headers, timeout=30)
            tally.sent[operation.label] += 1
            tally.statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except Exception as exc:  # a failed check: keep going, report them all
                tally.failures.append(
                    f"{operation.label} -> {response.status_code}: {str(exc).strip()[:600]}\n"
                    f"  {case.as_curl_command(headers)}"
                )

    fuzz()


def test_fuzzing_the_live_schema_gives_no_5xx_and_only_conforming_answers(
    live_server: Server, figures: Figures
) -> None:
    schema = schemathesis.openapi.from_url(
        f"{live_server.url}/openapi.json",
        config=schemathesis.Config.from_dict({"suppress-health-check": ["all"]}),
        timeout=10,
    )
    session = requests.Session()
    tally = Tally()
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15, [op.label for op in operations]

    for operation in operations:
        variants: list[dict[str, Any] | None] = [None]
        if "admin" in (operation.tags or ()):
            variants.append({ADMIN_HEADER: ADMIN_KEY})
        _fuzz(operation, variants, session, tally)

    seconds = time.monotonic() - started
    sent, statuses, failures = tally.sent, tally.statuses, tally.failures
    total = sum(sent.values())
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    figures.add(
        f"{total:,} requests to a live server over {len(operations)} operations in "
        f"{seconds:.1f} s; {server_errors} 5xx; {len(failures)} check failures"
    )
    figures.add("statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
    figures.add(
        "fewest requests per operation: "
        + ", ".join(f"{label} {n}" for label, n in sorted(sent.items(), key=lambda kv: kv[1])[:3])
    )
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:20])
    assert server_errors == 0
    assert total >= MIN_REQUESTS
    assert {op.label for op in operations} == set(sent), "some operation got no request"
    assert live_server.process.poll() is None, live_server.output()
