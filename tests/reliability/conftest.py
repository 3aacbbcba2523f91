"""Fixtures of the reliability tests, and the figures they report.

Each test records what it measured (requests sent, errors, kills survived, times) with the
``figures`` fixture; the lines are printed in a "reliability figures" section at the end of
the run, whatever the capture mode, passed or failed (``tests/reporting.py``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.reporting import report_line

from .live import ADMIN_KEY, Figures, Server, serve


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Figures:
    """Record figures under the test module's point, named by its module docstring's title."""
    module = request.node.module
    point = (module.__doc__ or module.__name__).strip().partition(":")[0]
    return Figures(lambda line: report_line(request, "reliability figures", line), point)


@pytest.fixture(scope="session")
def shared_registry(champion_registry: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the champion registry for the shared live server."""
    root = tmp_path_factory.mktemp("reliability-live") / "models"
    shutil.copytree(champion_registry, root)
    return root


@pytest.fixture(scope="session")
def live_server(shared_registry: Path) -> Iterator[Server]:
    """One real ``tminus serve`` on 127.0.0.1 with admin routes on, shared by the fuzzing,
    hostile-input and auth tests (so "no 5xx" holds across all of them together)."""
    with serve(shared_registry, shared_registry.parent, admin_key=ADMIN_KEY) as server:
        yield server
