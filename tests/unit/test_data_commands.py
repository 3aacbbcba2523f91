"""`tminus data` commands: errors are one line with an exit code, never a traceback."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tminus.data.commands import data_app

CONTENT = b"#A\tB\n1\t2\n"


def _manifest(tmp_path: Path) -> Path:
    digest = hashlib.sha256(CONTENT).hexdigest()
    path = tmp_path / "sources.toml"
    path.write_text(
        "[[source]]\n"
        'name = "src"\ntitle = "t"\nlicence = "MIT"\nattribution = "a"\nhomepage = "h"\n'
        "[[source.file]]\n"
        f'path = "data.tsv"\nsha256 = "{digest}"\nurl = "{(tmp_path / "gone").as_uri()}"\n'
        'upstream = "u"\n'
    )
    return path


def _mirror(tmp_path: Path, content: bytes) -> Path:
    (tmp_path / "mirror" / "src").mkdir(parents=True)
    (tmp_path / "mirror" / "src" / "data.tsv").write_bytes(content)
    return tmp_path / "mirror"


def _fetch(tmp_path: Path, *extra: str) -> tuple[int, str]:
    args = ["fetch", "--manifest", str(_manifest(tmp_path)), "--data-dir", str(tmp_path / "d")]
    result = CliRunner().invoke(data_app, [*args, *extra])
    return result.exit_code, result.stderr


def test_changed_mirror_file_exits_1_naming_the_file(tmp_path: Path) -> None:
    mirror = _mirror(tmp_path, CONTENT + b"x")
    code, err = _fetch(tmp_path, "--mirror", str(mirror))
    assert code == 1
    assert err.startswith("error: src/data.tsv: sha256")
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    code, err = _fetch(tmp_path, "--mirror", str(mirror), "--allow-changed")
    assert code == 0
    assert "warning: src/data.tsv" in err


def test_no_mirror_and_no_network_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `make test` exports DATA_MIRROR; this test is about having none.
    from tminus.settings import get_settings

    monkeypatch.delenv("DATA_MIRROR", raising=False)
    monkeypatch.delenv("TMINUS_DATA_MIRROR", raising=False)
    get_settings.cache_clear()
    code, err = _fetch(tmp_path)
    get_settings.cache_clear()
    assert code == 2
    assert "set DATA_MIRROR or pass --mirror" in err
    assert "Traceback" not in err


def test_missing_tables_exit_2_telling_to_run_make_data(tmp_path: Path) -> None:
    result = CliRunner().invoke(data_app, ["report", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "make data" in result.stderr
