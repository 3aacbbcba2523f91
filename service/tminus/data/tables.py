"""Reading the processed tables: the API the feature and training code use.

>>> launches = load_table(LAUNCHES, settings.processed_dir)       # doctest: +SKIP
>>> version_stamp = snapshot_hash(settings.processed_dir)          # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Final

import pandas as pd

from tminus.data import schema as s
from tminus.data.errors import MissingTableError
from tminus.data.manifest import sha256_file

SUFFIX: Final = ".parquet"
BUILD_INFO: Final = "_build.json"
# The column that dates each table's rows (report ranges, cut-offs).
TIME_COLUMNS: Final[dict[str, str]] = {
    s.LAUNCHES: s.LAUNCH_TIME,
    s.BOOSTER_LANDINGS: s.BL_LAUNCH_TIME,
    s.WEATHER_EVENTS: s.WX_EVENT_DATE,
    s.NET_HISTORY: s.NH_SNAPSHOT_TIME,
}


def _check_name(name: str) -> None:
    if name not in s.TABLES:
        raise ValueError(f"unknown table {name!r}; expected one of {', '.join(s.TABLES)}")


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
    for name in s.TABLES:
        digest.update(f"{name}\0{sha256_file(_existing(name, processed_dir))}\n".encode())
    return digest.hexdigest()


def data_cutoff(processed_dir: Path, table: str = s.LAUNCHES) -> date:
    """UTC date of the last row of ``table`` (default: the last launch, the overall cut-off).

    Raises
    ------
    MissingTableError
        The table has not been built, or it is empty.
    """
    _check_name(table)
    column = TIME_COLUMNS[table]
    times = pd.read_parquet(_existing(table, processed_dir), columns=[column])[column]
    if times.dropna().empty:
        raise MissingTableError(f"table {table!r} is empty: it has no data cut-off")
    return pd.Timestamp(times.max()).date()
