"""The data and artifact folders hold no code; nothing imports them as packages."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("folder", ["models", "datasets"])
def test_data_folders_hold_no_python(folder: str) -> None:
    offenders = [p for p in (ROOT / folder).rglob("*") if p.suffix in {".py", ".pyc", ".pyx"}]
    assert offenders == [], f"{folder}/ must hold no Python: {offenders}"


def test_package_lives_under_service_only() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages <= {"tests", "benchmarks"}, f"unexpected top-level packages: {packages}"
    assert (ROOT / "service" / "tminus" / "__init__.py").is_file()
    assert not (ROOT / "service" / "__init__.py").exists()
