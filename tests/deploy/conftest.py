"""Fixtures of the deployment tests, and the figures they report.

As in tests/reliability, a test records what it measured with the ``figures`` fixture; the
lines are printed in a "deploy figures" section at the end of the run, passed or failed. The
figures come from module-scoped fixtures and `make deploy-test` runs one process, so they are
kept in the run's stash rather than in each test's report.
"""

from __future__ import annotations

import pytest
from tests.reliability.live import Figures

FIGURES = pytest.StashKey[list[str]]()


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
    return Figures(request.config.stash[FIGURES].append, point)
