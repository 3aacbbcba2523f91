"""Where things live: the data and artifact folders hold no code, nothing imports them as
packages, and one module compares names."""

from __future__ import annotations

import ast
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


# Libraries that compare strings fuzzily. features/names.py holds the one name rule (folding,
# aliases, near misses); anywhere else a second matcher would drift from it.
FUZZY = {"difflib", "rapidfuzz", "thefuzz", "fuzzywuzzy", "jellyfish", "Levenshtein"}
NAME_RULE = ROOT / "service" / "tminus" / "features" / "names.py"


def imported_roots(source: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(), str(source))):
        if isinstance(node, ast.Import):
            found |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.partition(".")[0])
    return found


def test_only_the_name_rule_compares_names_fuzzily() -> None:
    modules = sorted((ROOT / "service" / "tminus").rglob("*.py"))
    users = {p.relative_to(ROOT).as_posix() for p in modules if imported_roots(p) & FUZZY}
    assert users == {NAME_RULE.relative_to(ROOT).as_posix()}
