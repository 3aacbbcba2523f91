"""``tminus data``: fetch the sources, build the tables, report on them."""

from __future__ import annotations

import typer

data_app = typer.Typer(help="Get the public sources and build validated launch tables.")
