"""Fixtures of the deployment tests, and the figures they report.

As in tests/reliability, a test records what it measured with the ``figures`` fixture; the
lines are printed in a "deploy figures" section at the end of the run, passed or failed.
"""

from __future__ import annotations

import pytest

FIGURES = pytest.StashKey[list[str]]()


class Figures:
    """Where a test writes the figures it measured, one line each."""

    def __init__(self, lines: list[str], point: str) -> None:
        self._lines = lines
        self._point = point

    def add(self, text: str) -> None:
        """Record one line under this test module's point (e.g. "1. Compose")."""
        self._lines.append(f"[{self._point}] {text}")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[FIGURES] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = terminalreporter.config.stash.get(FIGURES, [])
    if lines:
        terminalreporter.write_sep("=", "deploy figures")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="module")
def figures(request: pytest.FixtureRequest) -> Figures:
    """Record figures under the test module's point, named by its module docstring's title."""
    module = request.module
    point = (module.__doc__ or module.__name__).strip().partition(":")[0]
    return Figures(request.config.stash[FIGURES], point)
