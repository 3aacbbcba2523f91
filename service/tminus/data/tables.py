"""Reading the processed tables: the API the feature and training code use.

>>> launches = load_table(LAUNCHES, settings.processed_dir)       # doctest: +SKIP
>>> version_stamp = snapshot_hash(settings.processed_dir)          # doctest: +SKIP
>>> build_info(settings.processed_dir)["sources"]["gcat/lv.tsv"]   # doctest: +SKIP
{'sha256': 'e01c...', 'origin': 'mirror', 'gcat_stamp': '2025 Dec  1 0108:57'}
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any, Final

import pandas as pd

from tminus.data import schema as S
from tminus.data.errors import MissingTableError
from tminus.data.manifest import sha256_file
from tminus.data.specs import SPECS

SUFFIX: Final = ".parquet"
BUILD_INFO: Final = "_build.json"
# The column that dates each table's rows (report ranges, cut-offs); reference tables have none.
# The column that dates each table (reference tables have none), from its declaration.
TIME_COLUMNS: Final[dict[str, str]] = {
    name: spec.time_column for name, spec in SPECS.items() if spec.time_column is not None
}


def _check_name(name: str) -> None:
    if name not in S.TABLES:
        raise ValueError(f"unknown table {name!r}; expected one of {', '.join(S.TABLES)}")


def table_path(name: str, processed_dir: Path) -> Path:
    """Where table ``name`` lives: ``<processed_dir>/<name>.parquet``."""
    _check_name(name)
    return processed_dir / f"{name}{SUFFIX}"


def _existing(name: str, processed_dir: Path) -> Path:
    path = table_path(name, processed_dir)
    if not path.is_file():
        raise MissingTableError(
            f"table {name!r} not found at {path}: run `make data` "
            "(tminus data fetch && tminus data build) first"
        )
    return path


def load_table(name: str, processed_dir: Path) -> pd.DataFrame:
    """Load a processed table.

    Parameters
    ----------
    name
        One of :data:`tminus.data.schema.TABLES`.
    processed_dir
        Usually ``get_settings().processed_dir``.

    Returns
    -------
    pd.DataFrame
        Columns and dtypes as documented in :mod:`tminus.data.schema` (times tz-aware UTC).

    Raises
    ------
    ValueError
        ``name`` is not a table.
    MissingTableError
        The table has not been built (the message says to run ``make data``).
    """
    return pd.read_parquet(_existing(name, processed_dir))


def snapshot_hash(processed_dir: Path) -> str:
    """sha256 over all processed tables (name and bytes, in :data:`~schema.TABLES` order).

    Two builds from the same sources with the same library versions give the same hash; use
    it to stamp which data a model version was trained on.
    """
    digest = hashlib.sha256()
    for name in S.TABLES:
        digest.update(f"{name}\0{sha256_file(_existing(name, processed_dir))}\n".encode())
    return digest.hexdigest()


def data_cutoff(processed_dir: Path, table: str = S.LAUNCHES) -> date:
    """UTC date of the last row of ``table`` (default: the last launch, the overall cut-off).

    Raises
    ------
    ValueError
        ``table`` is a reference table (no dates).
    MissingTableError
        The table has not been built, or it is empty.
    """
    _check_name(table)
    if table not in TIME_COLUMNS:
        raise ValueError(f"table {table!r} is a reference table: its rows have no dates")
    column = TIME_COLUMNS[table]
    times = pd.read_parquet(_existing(table, processed_dir), columns=[column])[column]
    if times.dropna().empty:
        raise MissingTableError(f"table {table!r} is empty: it has no data cut-off")
    return pd.Timestamp(times.max()).date()


def build_info(processed_dir: Path) -> dict[str, Any]:
    """What the last build recorded beside the tables (``_build.json``).

    Keys include ``built_at``, ``rows`` per table, ``launch_records`` (the files the launches
    came from, e.g. ``["gcat_upstream/launch.tsv"]``), ``table_sources`` (table -> raw files
    it was built from) and ``sources``: per raw file (``<folder>/<path>`` under ``raw/``) its
    ``sha256``, ``origin`` (``mirror``, ``download``, ``upstream``; ``unknown`` when not
    fetched by tminus) and, for GCAT files, ``gcat_stamp`` (the ``# Updated`` date text) or,
    for ``launch.tsv``, which has no stamp, ``last_launch`` (ISO date of its last launch).

    Returns
    -------
    dict
        The record; empty when the folder has none (tables built before it was written).
    """
    path = processed_dir / BUILD_INFO
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as exc:
        raise MissingTableError(f"{path} is not valid JSON ({exc}): run `make data` again") from exc
    return document if isinstance(document, dict) else {}


def file_sources(info: dict[str, Any], tables: tuple[str, ...] | list[str]) -> list[dict[str, str]]:
    """The raw files ``tables`` were built from: path, sha256, origin and GCAT stamp of each.

    ``info`` is :func:`build_info`'s record; files are listed once, sorted by path.
    """
    entries = info.get("sources")
    by_table = info.get("table_sources")
    if not isinstance(entries, dict) or not isinstance(by_table, dict):
        return []
    keys = sorted({str(k) for t in tables for k in by_table.get(t, []) if k in entries})
    return [
        {"path": key, **{str(k): str(v) for k, v in entries[key].items()}}
        for key in keys
        if isinstance(entries[key], dict)
    ]
