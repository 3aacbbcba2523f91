"""GCAT's live files (``tminus data update``): where they are, and the record kept beside them.

The update downloads GCAT's full launch list and reference tables into ``raw/gcat_upstream/``
(see :mod:`tminus.data.update`). When that folder holds ``launch.tsv``, the build reads its
launches from it alone, and its reference tables from the same folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from tminus.data.errors import ManifestError

UPSTREAM: Final = "gcat_upstream"  # the folder under raw/
RECORD: Final = "_upstream.json"  # what was downloaded, from where, with which sha256
LAUNCH_LIST: Final = "launch.tsv"
LV: Final = "lv.tsv"
SITES: Final = "sites.tsv"
LP: Final = "lp.tsv"
ORGS: Final = "orgs.tsv"
# File -> its path under GCAT's TSV base (https://planet4589.org/space/gcat/tsv): GCAT's layout.
UPSTREAM_FILES: Final = {
    LAUNCH_LIST: "launch/launch.tsv",
    LV: "tables/lv.tsv",
    SITES: "tables/sites.tsv",
    LP: "tables/lp.tsv",
    ORGS: "tables/orgs.tsv",
}


def file_url(base: str, name: str) -> str:
    """The URL of upstream file ``name`` under ``base`` (``https://...``, ``file:///...``)."""
    return f"{base.rstrip('/')}/{UPSTREAM_FILES[name]}"


@dataclass(frozen=True)
class UpstreamFile:
    """One downloaded file as recorded in :data:`RECORD`."""

    name: str
    url: str
    sha256: str
    size: int


@dataclass(frozen=True)
class UpstreamRecord:
    """What ``raw/gcat_upstream/`` holds: the base URL, when, and each file's sha256."""

    base: str
    downloaded_at: str
    files: dict[str, UpstreamFile]

    def to_json(self) -> dict[str, Any]:
        """The record as written to :data:`RECORD`."""
        return {
            "base": self.base,
            "downloaded_at": self.downloaded_at,
            "files": {
                f.name: {"url": f.url, "sha256": f.sha256, "bytes": f.size}
                for f in self.files.values()
            },
        }

    def write(self, folder: Path) -> None:
        """Write the record into ``folder`` (a staging folder: it is renamed into place whole)."""
        (folder / RECORD).write_text(json.dumps(self.to_json(), indent=2, sort_keys=True) + "\n")


def read_record(folder: Path) -> UpstreamRecord | None:
    """The record of an upstream folder; ``None`` when the folder or its record is absent.

    Raises
    ------
    ManifestError
        The record exists but is not what :meth:`UpstreamRecord.write` writes.
    """
    path = folder / RECORD
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        files = {
            name: UpstreamFile(
                name=name,
                url=str(entry["url"]),
                sha256=str(entry["sha256"]),
                size=int(entry["bytes"]),
            )
            for name, entry in document["files"].items()
        }
        return UpstreamRecord(
            base=str(document["base"]), downloaded_at=str(document["downloaded_at"]), files=files
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ManifestError(
            f"{path} is not a download record ({exc}); remove {folder} and run "
            "`tminus data update` again"
        ) from exc
