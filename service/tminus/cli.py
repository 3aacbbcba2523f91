"""The ``tminus`` command line: a thin menu over the package's modules.

Each area owns its commands (``tminus.<area>.commands``) and mounts them here. Heavy imports
happen inside the commands, so ``tminus --help`` stays fast.
"""

from __future__ import annotations

import sys

import typer

from tminus import serve
from tminus.data.commands import data_app
from tminus.serving import commands as serving_commands
from tminus.tools import commands as tools_commands
from tminus.training import commands as training_commands

app = typer.Typer(
    name="tminus",
    help="T-Minus: launch risk and timing predictions from public launch records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(data_app, name="data")
training_commands.register(app)
serve.register(app)
serving_commands.register(app)
tools_commands.register(app)

# Installed only with the `train` extra (the service image leaves them out).
TRAINING_ONLY = frozenset({"pandas", "pyarrow", "pandera", "sklearn", "joblib", "matplotlib"})


def main() -> None:
    """Entry point of the ``tminus`` script and ``python -m tminus``."""
    try:
        app()
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.split(".")[0] not in TRAINING_ONLY:
            raise
        print(
            f"error: this command needs {exc.name}, which comes with the training extra; "
            "install it with: pip install 'tminus[train]'",
            file=sys.stderr,
        )
        raise SystemExit(2) from None
