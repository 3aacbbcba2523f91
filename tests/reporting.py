"""Figures the tests report at the end of the run, in sections ("reliability figures").

A test records a line with :func:`report_line`; ``tests/conftest.py`` prints each section at
the end of the run, whatever the capture mode, passed or failed. The lines travel in the
test's report, so they reach the summary when `make test` runs the files in parallel worker
processes (pytest-xdist) as well as in one process.
"""

from __future__ import annotations

import pytest

_PREFIX = "tminus-report:"
_REPORTED: dict[str, list[str]] = {}


def report_line(request: pytest.FixtureRequest, section: str, text: str) -> None:
    """Record ``text`` for the end-of-run section ``section``."""
    request.node.user_properties.append((f"{_PREFIX}{section}", text))


def collect(report: pytest.TestReport) -> None:
    """Keep the lines of a finished test (its teardown report carries every line)."""
    if report.when != "teardown":
        return
    for name, value in report.user_properties:
        if isinstance(name, str) and name.startswith(_PREFIX):
            _REPORTED.setdefault(name.removeprefix(_PREFIX), []).append(str(value))


def print_sections(terminalreporter: pytest.TerminalReporter) -> None:
    """Print every section, its lines ordered by their "[point]" prefix (stable)."""
    for section, lines in sorted(_REPORTED.items()):
        terminalreporter.write_sep("=", section)
        for line in sorted(lines, key=lambda line: line.split("]", 1)[0]):
            terminalreporter.write_line(line)
