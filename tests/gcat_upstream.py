"""A GCAT upstream as ``tminus data update`` reads it, built from the mirror's files.

No network reaches the tests, and the mirror holds no whole ``launch.tsv`` (1957 to this
week), so the tests that update (``tests/integration/test_data_update.py``, the Compose
updater in ``tests/deploy``) write one in GCAT's layout: ``<root>/launch/launch.tsv`` and
``<root>/tables/{lv,sites,lp,orgs}.tsv``. The launch list holds the launch log's launches
re-rendered one row per launch in the format of the mirror's 2025 slice (whose header also
names the two flag columns that GCAT's rows fold into the values before them), the slice as
it is (its suborbital rows included, and its rows for the launches the log also holds), and
the launches a test adds after the mirror's cutoff.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

FOLDED_FLAGS = ("Apoflag", "RangeFlag")
TABLES = ("lv.tsv", "sites.tsv", "lp.tsv", "orgs.tsv")


def fields(line: str) -> list[str]:
    """The tab-separated values of one line of a GCAT file."""
    return line.rstrip("\n").split("\t")


def launch_list(mirror: Path, news: Sequence[Mapping[str, str]] = ()) -> str:
    """A whole ``launch.tsv`` (header + one row per launch), ending with ``news``.

    Each new launch copies the mirror's last 2025 launch of the vehicle named ``LV_Type`` and
    takes the other values it gives (``Launch_Tag``, ``Launch_Date``, ``LaunchCode``, ...).
    """
    recent = (mirror / "gcat_launch_recent" / "launch_2025.tsv").read_text(encoding="utf-8")
    header, *slice_rows = [line for line in recent.split("\n") if line]
    names = [n.strip() for n in header.lstrip("#").split("\t") if n.strip() not in FOLDED_FLAGS]
    in_slice = {fields(row)[0].strip() for row in slice_rows}

    log = (mirror / "gcat" / "launchlog.tsv").read_text(encoding="utf-8").split("\n")
    log_names = [n.strip() for n in log[0].lstrip("#").split("\t")]
    rows: list[str] = []
    seen: set[str] = set()
    for line in log[1:]:
        if not line or line.startswith("#"):
            continue
        values = dict(zip(log_names, fields(line), strict=True))
        tag = values["Launch_Tag"].strip()
        if tag in seen or tag in in_slice:  # one row per launch; the slice's row is newer
            continue
        seen.add(tag)
        values["LaunchCode"] = values["Launch_Code"]
        rows.append("\t".join(values.get(name, "-") for name in names))

    new = []
    for launch in news:
        template = next(row for row in reversed(slice_rows) if fields(row)[3] == launch["LV_Type"])
        values = dict(zip(names, fields(template), strict=True)) | dict(launch)
        new.append("\t".join(values[name] for name in names))
    return "\n".join([header, *rows, *slice_rows, *new]) + "\n"


def build_upstream(mirror: Path, root: Path, news: Sequence[Mapping[str, str]] = ()) -> Path:
    """Write the upstream folder at ``root`` (see the module's docstring) and return it."""
    (root / "launch").mkdir(parents=True)
    (root / "tables").mkdir()
    (root / "launch" / "launch.tsv").write_text(launch_list(mirror, news), encoding="utf-8")
    for name in TABLES:
        shutil.copyfile(mirror / "gcat" / name, root / "tables" / name)
    return root
