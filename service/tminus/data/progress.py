"""The callbacks the data steps report through: warnings, steps and progress.

Every step takes them as keyword arguments defaulting to :func:`ignore`, so a library caller
hears nothing and the CLI prints what it is told.
"""

from __future__ import annotations

from collections.abc import Callable

Notify = Callable[[str], None]


def ignore(*_: object) -> None:
    """A callback that does nothing (the default of every progress argument)."""
    return None
