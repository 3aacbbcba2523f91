"""What every ``tminus`` command shares on the terminal: one-line errors and common options.

A command that cannot go on prints one line, ``error: ...``, to stderr and exits with a code
(1: a data or model problem, 2: a usage problem or something missing); never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

err = Console(stderr=True, soft_wrap=True)

ModelsDirOption = Annotated[
    Path | None,
    typer.Option("--models-dir", help="Registry folder (default: TMINUS_MODELS_DIR or models)."),
]


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``error: message`` to stderr (as plain text) and return the exit to raise."""
    err.print("error:", style="red", end=" ")
    err.print(message, markup=False, highlight=False)
    return typer.Exit(code)


def warn(message: str) -> None:
    """Print ``warning: message`` to stderr (as plain text)."""
    err.print("warning:", style="yellow", end=" ")
    err.print(message, markup=False, highlight=False)
