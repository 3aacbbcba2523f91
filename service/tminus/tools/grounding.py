"""What an LLM's answer claims, checked against what the tools actually did and returned.

An LLM answers in its own words, and a prompt-injected or careless one may claim what did not
happen ("I have promoted the new model") or state a number no tool produced. The answer is
returned as the LLM wrote it, beside what this module finds:

- **actions**: the state-changing tool calls actually made. Every tool the LLM can call is
  read-only (:attr:`~tminus.tools.toolbox.ToolSpec.read_only`), so there are none; a sentence
  claiming one (promoted, deployed, reloaded, deleted, booked, ...: in the first person, or
  "has been ...") is flagged ``action_claim``.
- **numbers**: every number the answer states is traced to where it came from: a value in a
  tool result (as written, or a probability written as a percentage, at the precision the
  answer gives it), a number in a tool's message, the length of a list in a result, the
  question itself, or today's date. A sentence with a number none of these holds is flagged
  ``number_not_from_tools``. Names that carry digits (``Falcon 9``, ``LC39A``) and the
  ``[model version]`` citations are not numbers.

The check is deliberately literal: a number the LLM derived itself (a sum, "about 4 weeks"
from 28.9 days) is flagged too, because no tool stated it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from tminus.tools.schemas import NumberTrace, ToolCallRecord, UngroundedClaim

# A citation the system prompt asks for, and a bare version id.
_CITATION = re.compile(r"\[[a-z_]+ \d{8}T\d{12}Z-[0-9a-f]{4}\]|\b\d{8}T\d{12}Z-[0-9a-f]{4}\b")
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?\b")
# A number as written: 1,234.5 or 0.32, with a percent sign or the word after it.
_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w])(\s?(?:%|percent\b))?"
)
LEVELS: Final = (10, 50, 90)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])|\n+")
# What an answer may claim to have done. Passive forms ("has been deployed") are read for the
# verbs that cannot describe the launch record itself ("has been launched", "has been
# updated" can).
_DONE = (
    "promoted|demoted|deployed|redeployed|rolled back|reverted|reloaded|retrained|restarted|"
    "deleted|removed|booked|scheduled|reserved|cancell?ed|approved|submitted|purchased|bought|"
    "executed|published|installed|triggered|overridden|disabled|enabled|uploaded|committed"
)
_DONE_BY_ME = (
    f"{_DONE}|moved|updated|changed|set|switched|sent|emailed|created|modified|overrode|"
    "started|stopped|registered|wrote|written|saved|applied|transferred|ordered"
)
_ACTION_CLAIMS: Final = (
    # "I have promoted", "I've now moved", "we just deployed", "I promoted"
    re.compile(
        r"\b(?:i|we)(?:'ve|'ll| have| had| will| just| now| also| successfully| already)*"
        rf"\s+(?:\w+ly\s+)?(?:{_DONE_BY_ME})\b",
        re.IGNORECASE,
    ),
    # "has been promoted", "was successfully deployed", "is now live"
    re.compile(
        rf"\b(?:has|have|had) been (?:\w+ly )?(?:{_DONE})\b"
        r"|\bis now (?:live|the champion)\b",
        re.IGNORECASE,
    ),
)


@dataclass
class Grounding:
    """What :func:`ground` found: traced numbers and the sentences that claim too much."""

    numbers: list[NumberTrace] = field(default_factory=list)
    ungrounded: list[UngroundedClaim] = field(default_factory=list)


@dataclass(frozen=True)
class _Known:
    """A number a source states, and where."""

    value: float
    where: str


def sentences(text: str) -> list[str]:
    """The sentences (and list items) of ``text``."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def ground(
    text: str, *, question: str, records: Sequence[ToolCallRecord], today: dt.date
) -> Grounding:
    """Trace every number and action ``text`` states to the tool calls ``records``."""
    known = _known_numbers(question, records, today)
    dates = _known_dates(question, records, today)
    names = _names_with_digits(records)
    found = Grounding()
    for sentence in sentences(text):
        untraced: list[str] = []
        for written, value, percent in _numbers_in(sentence, names, dates):
            source = _trace(written, value, percent, known)
            if source is None:
                untraced.append(written)
            else:
                found.numbers.append(NumberTrace(text=written, value=value, source=source))
        if any(claim.search(sentence) for claim in _ACTION_CLAIMS):
            found.ungrounded.append(
                UngroundedClaim(sentence=sentence, reason="action_claim", numbers=untraced)
            )
        elif untraced:
            found.ungrounded.append(
                UngroundedClaim(sentence=sentence, reason="number_not_from_tools", numbers=untraced)
            )
    return found


# ---- what the sources state ----------------------------------------------------------------
def _walk(value: Any, where: str) -> Iterator[tuple[str, Any]]:
    """Every leaf of a JSON value with its path (``tool_calls[0].result.interval[1]``)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{where}.{key}")
    elif isinstance(value, list):
        yield f"{where}.length", len(value)
        for index, item in enumerate(value):
            yield from _walk(item, f"{where}[{index}]")
    else:
        yield where, value


def _results(records: Sequence[ToolCallRecord]) -> Iterator[tuple[str, Any]]:
    """The leaves of every answered call: its result, and the arguments it was answered for."""
    for index, record in enumerate(records):
        if record.ok and record.result is not None:
            yield from _walk(record.result, f"tool_calls[{index}].result")
            if isinstance(record.arguments, dict):
                yield from _walk(record.arguments, f"tool_calls[{index}].arguments")


def _known_numbers(
    question: str, records: Sequence[ToolCallRecord], today: dt.date
) -> list[_Known]:
    known: list[_Known] = []
    for where, value in _results(records):
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float) and math.isfinite(value):
            known.append(_Known(float(value), where))
        elif isinstance(value, str):
            for match in _NUMBER.finditer(_DATE.sub(" ", value)):
                known.append(_Known(_value(match.group(1)), where))
    for match in _NUMBER.finditer(_DATE.sub(" ", question)):
        known.append(_Known(_value(match.group(1)), "question"))
    known += [_Known(float(part), "today") for part in (today.year, today.month, today.day)]
    # The levels every answer is stated at: 90% intervals, 10/50/90% quantiles.
    known += [_Known(float(level), "levels of the intervals and quantiles") for level in LEVELS]
    return known


def _known_dates(question: str, records: Sequence[ToolCallRecord], today: dt.date) -> set[str]:
    texts = [value for _, value in _results(records) if isinstance(value, str)]
    days = {match.group(0)[:10] for text in [*texts, question] for match in _DATE.finditer(text)}
    return days | {today.isoformat()}


def _names_with_digits(records: Sequence[ToolCallRecord]) -> list[str]:
    """Short strings with a digit in them (vehicle, pad and site names), longest first."""
    strings = [value for _, value in _results(records) if isinstance(value, str)]
    names = {s for s in strings if len(s) <= 40 and any(c.isdigit() for c in s) and " " in s}
    names |= {s for s in strings if len(s) <= 12 and any(c.isdigit() for c in s)}
    names = {n for n in names if not _DATE.fullmatch(n) and not _NUMBER.fullmatch(n)}
    return sorted(names, key=len, reverse=True)


# ---- what the answer states ----------------------------------------------------------------
def _value(text: str) -> float:
    return float(text.replace(",", ""))


def _numbers_in(
    sentence: str, names: Sequence[str], dates: set[str]
) -> Iterator[tuple[str, float, bool]]:
    """The numbers of ``sentence`` that need a source: (as written, value, is a percent).

    Dates a source states are traced here and not returned; one no source states is.
    """
    text = _CITATION.sub(" ", sentence)
    for name in names:
        text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    for match in _DATE.finditer(text):
        if match.group(0)[:10] not in dates:
            yield match.group(0), math.nan, False
    text = _DATE.sub(" ", text)
    for match in _NUMBER.finditer(text):
        yield match.group(0).strip(), _value(match.group(1)), bool(match.group(2))


def _trace(written: str, value: float, percent: bool, known: Sequence[_Known]) -> str | None:
    """Where ``value`` (written with its precision) comes from: the closest source, or None."""
    if math.isnan(value):
        return None
    number = written.rstrip("%").removesuffix("percent").strip().replace(",", "")
    decimals = len(number.partition(".")[2])
    tolerance = 0.5 * 10.0**-decimals + 1e-9
    best: tuple[float, str] | None = None  # the closest source, the first of equals
    for source in known:
        candidates = [source.value]
        if 0 <= source.value <= 1 or percent:
            candidates.append(source.value * 100)
        error = min(abs(candidate - value) for candidate in candidates)
        if error <= tolerance and (best is None or error < best[0]):
            best = (error, source.where)
    return None if best is None else best[1]
