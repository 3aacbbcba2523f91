"""Typed errors of the data layer. Their messages are written for the person running ``tminus``.

The commands module turns them into one line on stderr and an exit code; nothing here prints.
"""

from __future__ import annotations

import json
from typing import Any


class DataError(Exception):
    """Base class: something about the data or its sources is not as expected."""


class ManifestError(DataError):
    """The sources manifest is missing or malformed."""


class SourceUnavailableError(DataError):
    """A source file cannot be obtained: no mirror copy and no network, or a mirror-only source."""


class ChecksumMismatchError(DataError):
    """A source file's sha256 differs from the one pinned in the manifest.

    Parameters
    ----------
    path
        The file that was checked (as the user would find it).
    expected, actual
        The manifest's sha256 and the file's.
    against
        Where ``expected`` comes from, as the message words it.
    """

    def __init__(
        self, path: str, expected: str, actual: str, *, against: str = "the manifest's"
    ) -> None:
        self.path = path
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"{path}: sha256 {actual[:12]}... differs from {against} {expected[:12]}...; "
            "the file changed (upstream update or corruption). "
            "Pass --allow-changed to parse it anyway."
        )


class SourceValidationError(DataError):
    """A source value is malformed. The message names the file, the line (or record) and column.

    Parameters
    ----------
    file
        File name, e.g. ``launchlog.tsv`` or ``snap/launches_....json``.
    line
        1-based physical line in a text file, or ``None`` when not line-oriented.
    column
        Source column (or JSON field) that holds the bad value.
    problem
        What was expected and what was found.
    record
        For JSON sources: which record, e.g. ``record 12 (id 5eb8...)``; used instead of a line.
    more
        How many further problems were found (reported as a count only).
    """

    def __init__(
        self,
        file: str,
        *,
        line: int | None,
        column: str,
        problem: str,
        record: str | None = None,
        more: int = 0,
    ) -> None:
        self.file = file
        self.line = line
        self.column = shown(column)
        self.problem = shown(problem, limit=400)
        where = f"line {line}" if line is not None else (record or "?")
        tail = f" (and {more} more problem{'s' if more != 1 else ''})" if more else ""
        super().__init__(f"{file} {where}, column {self.column}: {self.problem}{tail}")


def shown(text: str, *, limit: int = 60) -> str:
    """``text`` as a message may show it: unprintable characters escaped, cut at ``limit``.

    Column names and values come from the file; a hostile one must not write terminal
    control sequences to whoever reads the error.
    """
    safe = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
    return safe if len(safe) <= limit else safe[: limit - 3] + "..."


class TableValidationError(DataError):
    """A processed table breaks its schema (a parsing bug or an unforeseen source value)."""


class ShrunkenRecordError(DataError):
    """A new launch list that would lose much of the record, or end before it (refused)."""


class MissingTableError(DataError):
    """A processed table has not been built yet."""


class UpdateInProgressError(DataError):
    """Another ``tminus data update`` holds the data folder's update lock."""


def decode_utf8(data: bytes, *, file: str, separator: str | None = None) -> str:
    """``data`` as text; bytes that are not UTF-8 are a :class:`SourceValidationError`.

    The error names the 1-based line and the byte within it, and, for a delimited file (give
    its ``separator``), the header column the bad bytes fall in, so a garbled file is found
    without a hex editor.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = "(text)"
        if separator is not None:
            header = data.split(b"\n", 1)[0].decode("utf-8", "replace").lstrip("#").split(separator)
            index = data.count(separator.encode(), line_start, exc.start)
            column = header[index].strip() if line > 1 and index < len(header) else column
        raise SourceValidationError(
            file,
            line=line,
            column=column,
            problem=f"not UTF-8 text: byte 0x{data[exc.start]:02x} at byte "
            f"{exc.start - line_start + 1} of the line ({exc.reason})",
        ) from None


def decode_json(data: bytes, *, file: str, record: str | None = None) -> Any:
    """``data`` parsed as UTF-8 JSON; either failure is a :class:`SourceValidationError`
    naming the line (and ``record``, when the file is one record of an archive)."""
    text = decode_utf8(data, file=file)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceValidationError(
            file,
            line=exc.lineno,
            record=record,
            column="(file)",
            problem=f"not valid JSON: {exc}",
        ) from exc
