"""Launch Library 2 schedule snapshots (a tar.xz of JSON files): one row per (launch, snapshot).

The bundle is read member by member in memory: nothing is extracted to disk, so a hostile
member name (absolute, ``..``, link) cannot write outside the data folder; such members are
refused, as are members larger than :data:`MAX_MEMBER_BYTES`.
"""

from __future__ import annotations

import re
import tarfile
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, Final

import pandas as pd

from tminus.data import schema as S
from tminus.data.errors import SourceValidationError, decode_json
from tminus.data.specs import columns_of

MEMBER_PATTERN: Final = re.compile(
    r"^snap/(?P<feed>launches|previous)_(?P<time>\d{8}T\d{6}Z)_(?P<sha>[0-9a-f]{7})\.json$"
)
MAX_MEMBER_BYTES: Final = 64 * 1024 * 1024


def iter_snapshots(bundle: Path) -> Iterator[tuple[str, bytes]]:
    """Yield ``(member name, bytes)`` of each snapshot file in the bundle, in name order.

    Raises
    ------
    SourceValidationError
        A member that is not a plain ``snap/<feed>_<time>_<sha>.json`` file, is too large, or
        a bundle that is not a readable tar.xz.
    """
    file = bundle.name
    try:
        with tarfile.open(bundle, mode="r:xz") as archive:
            members = sorted(archive.getmembers(), key=lambda m: m.name)
            for member in members:
                name = member.name
                if member.isdir() and name.rstrip("/") == "snap":
                    continue
                pure = PurePosixPath(name)
                if (
                    not member.isfile()
                    or pure.is_absolute()
                    or ".." in pure.parts
                    or MEMBER_PATTERN.match(name) is None
                ):
                    raise SourceValidationError(
                        file,
                        line=None,
                        record=f"member {name!r}",
                        column="(member)",
                        problem="unexpected member: expected files snap/<feed>_<time>_<sha>.json",
                    )
                if member.size > MAX_MEMBER_BYTES:
                    raise SourceValidationError(
                        file,
                        line=None,
                        record=f"member {name!r}",
                        column="(member)",
                        problem=f"member is {member.size} bytes, over the {MAX_MEMBER_BYTES} limit",
                    )
                handle = archive.extractfile(member)
                if handle is None:  # pragma: no cover - regular files always have data
                    continue
                with handle:
                    yield name, handle.read()
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise SourceValidationError(
            file,
            line=None,
            record="(archive)",
            column="(file)",
            problem=f"not a readable tar.xz: {exc}",
        ) from exc


def _parse_net(value: Any, *, file: str, where: str) -> datetime | None:
    """An ISO-8601 NET (``2026-08-15T21:52:00Z``) as an aware UTC datetime; null stays null."""
    if value is None or value == "":
        return None
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise SourceValidationError(
            file,
            line=None,
            record=where,
            column="net",
            problem=f"{value!r} is not an ISO timestamp",
        )
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def snapshot_rows(name: str, payload: bytes) -> list[dict[str, Any]]:
    """Rows of one snapshot file (one per launch in it).

    Parameters
    ----------
    name
        Member name ``snap/<feed>_<YYYYmmddTHHMMSSZ>_<sha>.json``: gives the feed and the
        snapshot time.
    payload
        The file's bytes: ``{"schema": 1, ..., "launches": [...]}``.
    """
    match = MEMBER_PATTERN.match(name)
    if match is None:
        raise SourceValidationError(
            name,
            line=None,
            record="(name)",
            column="(name)",
            problem="expected snap/<feed>_<YYYYmmddTHHMMSSZ>_<sha>.json",
        )
    snapshot_time = pd.Timestamp(pd.to_datetime(match["time"], format="%Y%m%dT%H%M%SZ", utc=True))
    document = decode_json(payload, file=name, record="(file)")
    launches = document.get("launches") if isinstance(document, dict) else None
    if not isinstance(launches, list):
        raise SourceValidationError(
            name,
            line=None,
            record="(document)",
            column="launches",
            problem="expected an object with a 'launches' array",
        )
    rows: list[dict[str, Any]] = []
    for i, launch in enumerate(launches):
        where = f"launches[{i}]"
        if not isinstance(launch, Mapping):
            raise SourceValidationError(
                name, line=None, record=where, column="(record)", problem="expected an object"
            )
        launch_id = _text_or_none(launch.get("id"))
        if launch_id is None:
            raise SourceValidationError(
                name,
                line=None,
                record=where,
                column="id",
                problem=f"expected the LL2 launch id, got {launch.get('id')!r}",
            )
        net = _parse_net(launch.get("net"), file=name, where=where)
        probability = launch.get("probability")
        if probability is not None and (
            isinstance(probability, bool) or not isinstance(probability, int | float)
        ):
            raise SourceValidationError(
                name,
                line=None,
                record=where,
                column="probability",
                problem=f"expected a percentage or null, got {probability!r}",
            )
        rows.append(
            {
                S.NH_LAUNCH_ID: launch_id,
                S.NH_NAME: _text_or_none(launch.get("name")) or launch_id,
                S.NH_SNAPSHOT_TIME: snapshot_time,
                S.NH_FEED: match["feed"],
                S.NH_NET: net,
                S.NH_STATUS: _text_or_none(launch.get("statusAbbrev")),
                S.NH_WEATHER_PROBABILITY: None if probability is None else float(probability),
                S.NH_ROCKET: _text_or_none(launch.get("rocket")),
                S.NH_PROVIDER: _text_or_none(launch.get("providerName"))
                or _text_or_none(launch.get("provider")),
                S.NH_PAD: _text_or_none(launch.get("padName")),
                S.NH_SNAPSHOT_FILE: PurePosixPath(name).name,
            }
        )
    return rows


def history_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The typed ``net_history`` table, sorted by launch then snapshot time."""
    frame = pd.DataFrame(rows, columns=columns_of(S.NET_HISTORY))
    for column in (S.NH_SNAPSHOT_TIME, S.NH_NET):
        frame[column] = pd.to_datetime(frame[column], utc=True).astype("datetime64[ns, UTC]")
    typed = frame.astype(
        {
            S.NH_LAUNCH_ID: "str",
            S.NH_NAME: "str",
            S.NH_FEED: "str",
            S.NH_STATUS: "str",
            S.NH_WEATHER_PROBABILITY: "float64",
            S.NH_ROCKET: "str",
            S.NH_PROVIDER: "str",
            S.NH_PAD: "str",
            S.NH_SNAPSHOT_FILE: "str",
        }
    )
    typed = typed.sort_values([S.NH_LAUNCH_ID, S.NH_SNAPSHOT_TIME, S.NH_FEED], kind="stable")
    return typed.reset_index(drop=True)


def read_net_history(bundle: Path, *, advance: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Parse every snapshot in the bundle into the ``net_history`` table."""
    rows: list[dict[str, Any]] = []
    for name, payload in iter_snapshots(bundle):
        rows.extend(snapshot_rows(name, payload))
        if advance is not None:
            advance(name)
    return history_table(rows)
