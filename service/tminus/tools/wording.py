"""How numbers are written in sentences: percentages, days, dates and their sources.

Every sentence the planner, the comparison and the offline answers build cites the model
version a number came from with :func:`cite`, so a reader (or an LLM) can always say where a
number came from.
"""

from __future__ import annotations


def percent(p: float) -> str:
    """A probability as a percentage with sensible precision: 0.0049 -> '0.49%'."""
    value = 100.0 * p
    if value == 0:
        return "0%"
    if value < 0.1:
        return f"{value:.3f}%"
    if value < 10:
        return f"{value:.2f}%"
    return f"{value:.1f}%"


def interval(low: float, high: float) -> str:
    """A 90% interval of probabilities: '0.10%-1.12%'."""
    return f"{percent(low)}-{percent(high)}"


def days(value: float) -> str:
    """A duration in days, whole above ten: '4.2', '14'."""
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def cite(model: str, version: str) -> str:
    """The source tag written after a number: '[launch_failure 20261129T...-b2ca]'."""
    return f"[{model} {version}]"


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 failure', '2 failures'."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def ordinal(n: int) -> str:
    """1 -> '1st', 12 -> '12th', 22 -> '22nd'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def a(name: str) -> str:
    """'a Falcon 9', 'an Electron': the article a name takes (by its first letter)."""
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"
