"""T-Minus' own vehicle reference: status and capacity with a public source for every fact.

``datasets/reference/vehicles.toml`` is committed with the code (it holds no GCAT data: only
facts the project checked against providers' user's guides and published figures). The build
reads it into four tables (:data:`tminus.data.schema.VEHICLE_FACTS`, ``VEHICLE_CAPACITY``,
``REFERENCE_SOURCES``, ``NAME_ALIASES``), validated like every table; every error names the
file, the entry and the field. Its layout::

    [[source]]                      # a public document, cited by id
    id = "spacex-f9-page"
    title = "..."; publisher = "SpaceX"; edition = "web page (2024)"
    url = "https://..."; read_at = "https://..."   # read_at: the copy it was read at (optional)
    checked = "2026-12-04"

    [[vehicle]]
    name = "Falcon 9"               # GCAT's LV_Name
    also = []                       # other GCAT names of the same vehicle (launches renamed)
    aliases = ["F9"]                # names people write
    provider = "SpaceX"
    status = "active"               # tminus.data.schema.VEHICLE_STATUSES
    since = "2010-06-04"            # retired / cancelled: the last flight or announced end
    status_source = "spacex-f9-page"
    status_note = "..."             # optional
    upper_stage = "kerolox"         # optional: what flies the payload beyond LEO
    upper_stage_source = "..."      # (tminus.data.schema.UPPER_STAGES), with its source
    gcat_ratings = false            # optional: GCAT's ratings are wrong for it (say why)

    [[vehicle.capacity]]
    orbit = "LEO"; kg = 22800; kind = "rated"; config = "expendable"
    condition = "LEO 28.5 deg"; source = "spacex-f9-page"; note = "..."

    [[alias]]                       # names of series, prefixes, sites and pads
    written = "Long March"; means = "Chang Zheng"; kind = "prefix"
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pandas as pd

from tminus.data import schema as S
from tminus.data.errors import SourceUnavailableError, SourceValidationError
from tminus.data.specs import columns_of
from tminus.data.validation import validate_table

DEFAULT_REFERENCE_DIR: Final = Path("datasets") / "reference"
VEHICLES_FILE: Final = "vehicles.toml"
# How _build.json names the file (beside the raw sources' "<folder>/<path>").
REFERENCE_KEY: Final = f"reference/{VEHICLES_FILE}"
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PARTIAL_DAY = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_URL = re.compile(r"^https?://\S+$")
# Aliases written in [[alias]] (vehicle aliases come from each [[vehicle]]'s own list).
_ALIAS_TABLE_KINDS: Final = (S.ALIAS_VEHICLE, S.ALIAS_PREFIX, S.ALIAS_SITE, S.ALIAS_PAD_PREFIX)


@dataclass(frozen=True)
class ReferenceTables:
    """The four tables built from the reference file."""

    facts: pd.DataFrame
    capacity: pd.DataFrame
    sources: pd.DataFrame
    aliases: pd.DataFrame

    def as_tables(self) -> dict[str, pd.DataFrame]:
        """By table name."""
        return {
            S.VEHICLE_FACTS: self.facts,
            S.VEHICLE_CAPACITY: self.capacity,
            S.REFERENCE_SOURCES: self.sources,
            S.NAME_ALIASES: self.aliases,
        }

    def same_vehicle(self) -> dict[str, str]:
        """Other GCAT names of a reference vehicle -> its name ("GSLV Mk III" -> "LVM3")."""
        rows = self.aliases[self.aliases[S.NA_KIND] == S.ALIAS_SAME_VEHICLE]
        return dict(zip(rows[S.NA_WRITTEN], rows[S.NA_MEANS], strict=True))


class _Entry:
    """One TOML table being read: typed field access with errors naming file, entry, field."""

    def __init__(self, file: str, where: str, table: object) -> None:
        self.file = file
        self.where = where
        if not isinstance(table, dict):
            self.fail("(entry)", f"{table!r} is not a table")
        self.table: dict[str, Any] = table  # type: ignore[assignment]

    def fail(self, field: str, problem: str) -> None:
        raise SourceValidationError(
            self.file, line=None, record=self.where, column=field, problem=problem
        )

    def text(
        self, field: str, *, required: bool = True, pattern: re.Pattern[str] | None = None
    ) -> str | None:
        value = self.table.get(field)
        if value is None:
            if required:
                self.fail(field, "is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(field, f"{value!r} is not a non-empty string")
        assert isinstance(value, str)
        if pattern is not None and not pattern.match(value):
            self.fail(field, f"{value!r} does not match {pattern.pattern}")
        return value.strip()

    def choice(self, field: str, allowed: Iterable[str]) -> str:
        options = tuple(allowed)
        value = self.text(field)
        if value not in options:
            self.fail(field, f"{value!r} is not one of {', '.join(options)}")
        assert value is not None
        return value

    def names(self, field: str) -> list[str]:
        value = self.table.get(field, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(field, f"{value!r} is not a list of names")
        return [v.strip() for v in value]

    def number(self, field: str) -> float:
        value = self.table.get(field)
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            self.fail(field, f"{value!r} is not a positive number of kg")
        assert isinstance(value, int | float)
        return float(value)

    def flag(self, field: str, *, default: bool) -> bool:
        value = self.table.get(field, default)
        if not isinstance(value, bool):
            self.fail(field, f"{value!r} is not true or false")
        return bool(value)

    def check_fields(self, allowed: Iterable[str]) -> None:
        unknown = sorted(set(self.table) - set(allowed))
        if unknown:
            self.fail(unknown[0], f"unknown field; allowed: {', '.join(sorted(allowed))}")


def _list_of(content: Mapping[str, Any], key: str, file: str) -> list[Any]:
    value = content.get(key, [])
    if not isinstance(value, list):
        raise SourceValidationError(
            file, line=None, record=f"[[{key}]]", column=key, problem="is not a list"
        )
    return value


def read_reference(path: Path, *, file: str = REFERENCE_KEY) -> ReferenceTables:
    """Read and validate the reference file into its four tables.

    Parameters
    ----------
    path
        ``datasets/reference/vehicles.toml``.
    file
        How errors name the file.

    Raises
    ------
    SourceUnavailableError
        The file does not exist.
    SourceValidationError
        A malformed entry: names the entry (``vehicle 'Falcon 9', capacity 2``) and field.
    """
    if not path.is_file():
        raise SourceUnavailableError(
            f"{path}: T-Minus' vehicle reference is missing (it is committed with the code)"
        )
    try:
        content = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourceValidationError(
            file, line=None, column="(file)", problem=f"is not valid TOML: {exc}"
        ) from None

    sources: list[dict[str, str | None]] = []
    for n, raw in enumerate(_list_of(content, "source", file), 1):
        entry = _Entry(file, f"source {n}", raw)
        entry.check_fields(("id", "title", "publisher", "edition", "url", "read_at", "checked"))
        entry.where = f"source {entry.text('id')!r}"
        sources.append(
            {
                S.RS_SOURCE_ID: entry.text("id"),
                S.RS_TITLE: entry.text("title"),
                S.RS_PUBLISHER: entry.text("publisher"),
                S.RS_EDITION: entry.text("edition"),
                S.RS_URL: entry.text("url", pattern=_URL),
                S.RS_READ_AT: entry.text("read_at", required=False, pattern=_URL),
                S.RS_CHECKED: entry.text("checked", pattern=_DAY),
            }
        )
    source_ids = [str(row[S.RS_SOURCE_ID]) for row in sources]
    duplicate = next((i for i in source_ids if source_ids.count(i) > 1), None)
    if duplicate is not None:
        raise SourceValidationError(
            file, line=None, record=f"source {duplicate!r}", column="id", problem="is given twice"
        )
    cited: set[str] = set()

    def source(entry: _Entry, field: str) -> str:
        value = entry.text(field)
        assert value is not None
        if value not in source_ids:
            entry.fail(field, f"{value!r} is not the id of a [[source]]")
        cited.add(value)
        return value

    facts: list[dict[str, object]] = []
    capacity: list[dict[str, object]] = []
    aliases: list[dict[str, str]] = []
    vehicles: set[str] = set()
    for n, raw in enumerate(_list_of(content, "vehicle", file), 1):
        entry = _Entry(file, f"vehicle {n}", raw)
        name = entry.text("name")
        assert name is not None
        entry.where = f"vehicle {name!r}"
        entry.check_fields(
            (
                "name",
                "also",
                "aliases",
                "provider",
                "status",
                "since",
                "status_source",
                "status_note",
                "upper_stage",
                "upper_stage_source",
                "gcat_ratings",
                "capacity",
            )
        )
        if name in vehicles:
            entry.fail("name", "is given twice")
        vehicles.add(name)
        status = entry.choice("status", S.VEHICLE_STATUSES)
        since = entry.text("since", required=False, pattern=_PARTIAL_DAY)
        if status in (S.STATUS_RETIRED, S.STATUS_CANCELLED) and since is None:
            entry.fail("since", f"a {status} vehicle needs the date it ended")
        facts.append(
            {
                S.VF_VEHICLE: name,
                S.VF_PROVIDER: entry.text("provider"),
                S.VF_STATUS: status,
                S.VF_SINCE: since,
                S.VF_STATUS_SOURCE: source(entry, "status_source"),
                S.VF_STATUS_NOTE: entry.text("status_note", required=False),
                S.VF_UPPER_STAGE: None,
                S.VF_UPPER_STAGE_SOURCE: None,
                S.VF_GCAT_RATINGS: entry.flag("gcat_ratings", default=True),
            }
        )
        if "upper_stage" in entry.table:
            facts[-1][S.VF_UPPER_STAGE] = entry.choice("upper_stage", S.UPPER_STAGES)
            facts[-1][S.VF_UPPER_STAGE_SOURCE] = source(entry, "upper_stage_source")
        for other in entry.names("also"):
            aliases.append({S.NA_WRITTEN: other, S.NA_MEANS: name, S.NA_KIND: S.ALIAS_SAME_VEHICLE})
        for written in entry.names("aliases"):
            aliases.append({S.NA_WRITTEN: written, S.NA_MEANS: name, S.NA_KIND: S.ALIAS_VEHICLE})
        figures = entry.table.get("capacity", [])
        if not isinstance(figures, list):
            entry.fail("capacity", "is not a list of [[vehicle.capacity]] tables")
        for k, figure in enumerate(figures, 1):
            item = _Entry(file, f"vehicle {name!r}, capacity {k}", figure)
            item.check_fields(("orbit", "kg", "kind", "config", "condition", "source", "note"))
            capacity.append(
                {
                    S.VC_VEHICLE: name,
                    S.VC_ORBIT_CLASS: item.choice("orbit", S.ORBIT_CLASSES),
                    S.VC_CAPACITY_KG: item.number("kg"),
                    S.VC_KIND: item.choice("kind", S.CAPACITY_KINDS),
                    S.VC_CONFIG: item.text("config", required=False),
                    S.VC_CONDITION: item.text("condition", required=False),
                    S.VC_SOURCE: source(item, "source"),
                    S.VC_NOTE: item.text("note", required=False),
                }
            )
    for n, raw in enumerate(_list_of(content, "alias", file), 1):
        entry = _Entry(file, f"alias {n}", raw)
        entry.check_fields(("written", "means", "kind"))
        aliases.append(
            {
                S.NA_WRITTEN: str(entry.text("written")),
                S.NA_MEANS: str(entry.text("means")),
                S.NA_KIND: entry.choice("kind", _ALIAS_TABLE_KINDS),
            }
        )
    seen: dict[tuple[str, str], str] = {}
    for row in aliases:
        key = (row[S.NA_KIND], row[S.NA_WRITTEN])
        if key in seen and seen[key] != row[S.NA_MEANS]:
            raise SourceValidationError(
                file,
                line=None,
                record=f"alias {row[S.NA_WRITTEN]!r}",
                column="means",
                problem=f"means both {seen[key]!r} and {row[S.NA_MEANS]!r}",
            )
        seen[key] = row[S.NA_MEANS]
    merged = {r[S.NA_WRITTEN] for r in aliases if r[S.NA_KIND] == S.ALIAS_SAME_VEHICLE}
    clash = sorted(merged & vehicles)
    if clash:
        raise SourceValidationError(
            file,
            line=None,
            record=f"vehicle {clash[0]!r}",
            column="also",
            problem="is a vehicle of its own and another vehicle's other name",
        )
    unused = [i for i in source_ids if i not in cited]
    if unused:
        raise SourceValidationError(
            file,
            line=None,
            record=f"source {unused[0]!r}",
            column="id",
            problem="is cited by no fact",
        )
    return ReferenceTables(
        facts=_frame(facts, S.VEHICLE_FACTS),
        capacity=_frame(capacity, S.VEHICLE_CAPACITY),
        sources=_frame(sources, S.REFERENCE_SOURCES),
        aliases=_frame(
            [dict(t) for t in {tuple(sorted(r.items())) for r in aliases}],
            S.NAME_ALIASES,
            sort=(S.NA_KIND, S.NA_WRITTEN),
        ),
    )


def check_names(
    tables: ReferenceTables, known_vehicles: Iterable[str], *, file: str = REFERENCE_KEY
) -> None:
    """Every vehicle the reference names is one GCAT names (``lv.tsv`` or a launch record), so a
    fact never hangs on a misspelt name.

    Raises
    ------
    SourceValidationError
        Naming the first vehicle (or other name) GCAT does not know.
    """
    known = set(known_vehicles)
    same = tables.aliases[tables.aliases[S.NA_KIND] == S.ALIAS_SAME_VEHICLE]
    named = [(name, name, "name") for name in tables.facts[S.VF_VEHICLE]]
    named += [(m, w, "also") for w, m in zip(same[S.NA_WRITTEN], same[S.NA_MEANS], strict=True)]
    for vehicle, name, field in named:
        if name not in known:
            raise SourceValidationError(
                file,
                line=None,
                record=f"vehicle {vehicle!r}",
                column=field,
                problem=f"{name!r} is not a vehicle name GCAT uses",
            )


def _frame(rows: list[dict[str, Any]], table: str, *, sort: tuple[str, ...] = ()) -> pd.DataFrame:
    """The rows as table ``table``, typed by its declaration (:mod:`tminus.data.specs`)."""
    frame = pd.DataFrame(rows, columns=columns_of(table))
    if sort:
        frame = frame.sort_values(list(sort), kind="stable").reset_index(drop=True)
    return validate_table(frame, table)


def rename_same_vehicles(launches: pd.DataFrame, renames: Mapping[str, str]) -> pd.DataFrame:
    """Launches recorded under another GCAT name of a reference vehicle, under its name."""
    if not renames:
        return launches
    return launches.assign(**{S.VEHICLE: launches[S.VEHICLE].replace(dict(renames))})
