"""Reading the LL2 snapshot bundle: rows per (launch, snapshot), and refusing unsafe members."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tminus.data import ll2
from tminus.data import schema as S
from tminus.data.errors import SourceValidationError
from tminus.data.specs import columns_of
from tminus.data.validation import validate_table


def _snapshot(*launches: dict[str, Any]) -> bytes:
    return json.dumps({"schema": 1, "launches": list(launches)}).encode()


def _launch(
    net: str | None, status: str = "Go", probability: float | None = None
) -> dict[str, Any]:
    return {
        "id": "uuid-1",
        "name": "Falcon 9 Block 5 | Test",
        "net": net,
        "statusAbbrev": status,
        "probability": probability,
        "rocket": "Falcon 9 Block 5",
        "providerName": "SpaceX",
        "padName": "SLC-40",
    }


def _bundle(path: Path, members: dict[str, bytes], *, symlink: str | None = None) -> Path:
    with tarfile.open(path, "w:xz") as archive:
        for name, payload in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
        if symlink is not None:
            link = tarfile.TarInfo(symlink)
            link.type = tarfile.SYMTYPE
            link.linkname = "/etc/passwd"
            archive.addfile(link)
    return path


def test_one_row_per_launch_and_snapshot_shows_the_net_change(tmp_path: Path) -> None:
    bundle = _bundle(
        tmp_path / "b.tar.xz",
        {
            "snap/launches_20260815T100000Z_aaaaaaa.json": _snapshot(
                _launch("2026-08-15T21:52:00Z")
            ),
            "snap/launches_20260815T120000Z_bbbbbbb.json": _snapshot(
                _launch("2026-08-15T23:47:00Z", status="Hold", probability=40)
            ),
        },
    )
    out = validate_table(ll2.read_net_history(bundle), S.NET_HISTORY)
    assert len(out) == 2
    assert out[S.NH_SNAPSHOT_TIME].tolist() == [
        pd.Timestamp("2026-08-15 10:00", tz="UTC"),
        pd.Timestamp("2026-08-15 12:00", tz="UTC"),
    ]
    assert out[S.NH_NET].diff().iloc[1] == pd.Timedelta(minutes=115)
    assert out[S.NH_STATUS].tolist() == ["Go", "Hold"]
    assert pd.isna(out.loc[0, S.NH_WEATHER_PROBABILITY])
    assert out.loc[1, S.NH_WEATHER_PROBABILITY] == 40
    assert set(out[S.NH_FEED]) == {"launches"}


@pytest.mark.parametrize("name", ["../evil.json", "/abs/launches_20260815T100000Z_aaaaaaa.json"])
def test_path_traversal_members_are_refused(tmp_path: Path, name: str) -> None:
    bundle = _bundle(tmp_path / "b.tar.xz", {name: _snapshot()})
    with pytest.raises(SourceValidationError, match="unexpected member"):
        ll2.read_net_history(bundle)
    assert not (tmp_path.parent / "evil.json").exists()


def test_link_members_are_refused(tmp_path: Path) -> None:
    bundle = _bundle(
        tmp_path / "b.tar.xz", {}, symlink="snap/launches_20260815T100000Z_aaaaaaa.json"
    )
    with pytest.raises(SourceValidationError, match="unexpected member"):
        ll2.read_net_history(bundle)


def test_bad_net_names_member_record_and_field(tmp_path: Path) -> None:
    name = "snap/previous_20260815T100000Z_aaaaaaa.json"
    bundle = _bundle(tmp_path / "b.tar.xz", {name: _snapshot(_launch("tomorrow"))})
    with pytest.raises(SourceValidationError) as err:
        ll2.read_net_history(bundle)
    assert err.value.file == name
    assert err.value.column == "net"
    assert "launches[0]" in str(err.value)


def test_empty_history_has_the_schema() -> None:
    empty = validate_table(ll2.history_table([]), S.NET_HISTORY)
    assert list(empty.columns) == columns_of(S.NET_HISTORY)
    assert len(empty) == 0
