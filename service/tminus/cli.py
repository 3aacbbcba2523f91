"""The ``tminus`` command line: a thin menu over the package's modules.

Each area owns its commands (``tminus.<area>.commands``); this module only mounts them.
Heavy imports happen inside the commands, so ``tminus --help`` stays fast.
"""

from __future__ import annotations

import typer

from tminus.data.commands import data_app

app = typer.Typer(
    name="tminus",
    help="T-Minus: launch risk and timing predictions from public launch records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(data_app, name="data")


def main() -> None:
    """Entry point for ``python -m tminus``."""
    app()
