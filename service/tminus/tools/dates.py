"""Dates as planners write them: days, months, seasons, quarters, ranges, relative to today.

:func:`find_periods` reads every date expression of a (lower-case) question as a
:class:`Period`: a first day and, for a period, a last day. Single dates and relative offsets
("March 3, 2026", "5 June 2026", "2026-03-01", "in six weeks", "tomorrow", "next month") are
read by `dateparser <https://dateparser.readthedocs.io>`_; what it does not read (seasons,
quarters, halves, "early May", "by the end of next year", "between May and July") is composed
here from months and years. Expressions are found by their vocabulary first, so a mass ("5000
kg") or a flight number ("12th flight") is never taken for a date.

Conventions, said in every answer that uses them: seasons are the northern hemisphere's
meteorological ones (spring = March-May; "winter 2027" = December 2026 - February 2027); a
month or season without a year is its next occurrence not yet begun (the current one if it has
begun, for seasons and quarters); "by X" runs from today to the end of X.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Final, Literal

from dateparser.date import DateDataParser

PeriodKind = Literal[
    "day", "week", "month", "part", "season", "quarter", "half", "year", "range", "by", "after"
]

MONTHS: Final = {
    name.lower(): index
    for index in range(1, 13)
    for name in (calendar.month_name[index], calendar.month_abbr[index])
}
MONTHS["sept"] = 9
NUMBER_WORDS: Final = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
    "couple of": 2,
    "a few": 3,
    "few": 3,
}
ORDINALS: Final = {"first": 1, "second": 2, "third": 3, "fourth": 4}
SEASONS: Final = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
UNIT_DAYS: Final = {"day": 1, "week": 7, "fortnight": 14, "month": 31, "year": 366}
# Later than this many days from today is past the calendar's end.
MAX_OFFSET_DAYS: Final = 3_000_000

_M = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_NUM = (
    r"(\d+|a couple of|couple of|a few|few|an|a|one|two|three|four|five|six|seven|eight|nine"
    r"|ten|eleven|twelve)"
)
_YEAR = r"(\d{4}|next year|this year)"
_UNIT = r"(day|week|fortnight|month|year)s?"
_PREFIX = (
    r"(?:in|during|for|by|on|until|till|before|after|from|to|through|thru|between|and|or|of"
    r"|around|about|since)"
)


@dataclass(frozen=True)
class Period:
    """A date expression found in text: where, as written, and the days it names.

    ``last`` is None for a single day (or a relative date such as "in 3 weeks"); ``explicit``
    tells whether the year was written (a range can lend its year to a month without one).
    """

    start: int
    end: int
    text: str
    first: dt.date
    last: dt.date | None
    kind: PeriodKind
    explicit_year: bool = True
    # A date that reads two ways ("3/4/2027": 4 March or 3 April): the reading not used.
    alternative: dt.date | None = None

    @property
    def days(self) -> tuple[dt.date, dt.date | None]:
        """``(first, last)``."""
        return self.first, self.last

    def describe(self) -> str:
        """'2027-03-01 to 2027-05-31' or '2027-03-01'."""
        if self.last is None or self.last == self.first:
            return self.first.isoformat()
        return f"{self.first.isoformat()} to {self.last.isoformat()}"


# ---- calendar helpers --------------------------------------------------------------------
def month_end(year: int, month: int) -> dt.date:
    """The last day of ``month``."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _shift_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def _span(year: int, month: int, months: int) -> tuple[dt.date, dt.date] | None:
    """``months`` months from the first of ``month`` of ``year``; None past the calendar."""
    last_year, last_month = _shift_months(year, month, months - 1)
    if year < dt.MINYEAR or last_year > dt.MAXYEAR:
        return None
    return dt.date(year, month, 1), month_end(last_year, last_month)


def _month(name: str) -> int:
    key = name.lower().rstrip(".")
    return MONTHS.get(key) or MONTHS[key[:3]]


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year(text: str | None, today: dt.date) -> int | None:
    if text is None:
        return None
    if text == "next year":
        return today.year + 1
    if text == "this year":
        return today.year
    return int(text)


def _next_month(month: int, today: dt.date) -> int:
    """The year of the next ``month`` not yet begun (this month has begun: next year's)."""
    return today.year if month > today.month else today.year + 1


# ---- dateparser --------------------------------------------------------------------------
def _parser(today: dt.date) -> DateDataParser:
    return DateDataParser(
        languages=["en"],
        settings={
            "RELATIVE_BASE": dt.datetime(today.year, today.month, today.day),
            "PREFER_DATES_FROM": "future",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )


def _parse(text: str, today: dt.date) -> tuple[dt.date, str] | None:
    """dateparser's reading of one expression: the day and its period (day, week, ...)."""
    try:
        found = _parser(today).get_date_data(text)
    except (OverflowError, ValueError):  # a year past 9999, a day past a month's end
        return None
    if found.date_obj is None:
        return None
    return found.date_obj.date(), str(found.period or "day")


# ---- the expressions ---------------------------------------------------------------------
Maker = Callable[[re.Match[str], dt.date], Period | None]


def _period(
    match: re.Match[str],
    first: dt.date,
    last: dt.date | None,
    kind: PeriodKind,
    *,
    explicit_year: bool = True,
) -> Period:
    return Period(
        start=match.start(),
        end=match.end(),
        text=match.group(),
        first=first,
        last=last,
        kind=kind,
        explicit_year=explicit_year,
    )


def _iso(match: re.Match[str], today: dt.date) -> Period | None:
    day = _safe_date(int(match[1]), int(match[2]), int(match[3]))
    return None if day is None else _period(match, day, None, "day")


def _parsed_day(match: re.Match[str], today: dt.date) -> Period | None:
    found = _parse(match.group(), today)
    if found is None:
        return None
    return _period(match, found[0], None, "day")


def _numeric_day(match: re.Match[str], today: dt.date) -> Period | None:
    """'3/4/2027' as month/day/year (the US order, as most of the record's sources write it),
    or day/month/year when the first number cannot be a month; both readings are kept when
    both are calendar days."""
    a, b, year = int(match[1]), int(match[2]), int(match[3])
    month, day = (b, a) if a > 12 else (a, b)
    first = _safe_date(year, month, day)
    if first is None:
        return None
    other = _safe_date(year, b, a) if a <= 12 and b <= 12 and a != b else None
    return replace(_period(match, first, None, "day"), alternative=other)


def _part_of_month(match: re.Match[str], today: dt.date) -> Period | None:
    part, month = match[1].replace("the ", ""), _month(match[2])
    year = int(match[3]) if match[3] else _next_month(month, today)
    span = _span(year, month, 1)
    if span is None:
        return None
    first, last = span
    if part == "early" or part.startswith(("beginning", "start")):
        last = first.replace(day=10)
    elif part == "mid":
        first, last = first.replace(day=11), first.replace(day=20)
    else:  # late, end of
        first = first.replace(day=21)
    return _period(match, first, last, "part", explicit_year=bool(match[3]))


def _month_year(match: re.Match[str], today: dt.date) -> Period | None:
    year = int(match[2])
    span = _span(year, _month(match[1]), 1) if year >= 1 else None
    return None if span is None else _period(match, span[0], span[1], "month")


# A season word alone ("fall") is a season only after one of these ("in the fall").
SEASON_LEADS: Final = frozenset(
    {
        *("in", "during", "for", "by", "until", "till", "before", "after", "from", "to"),
        *("between", "and", "of", "the", "this", "next", "over"),
    }
)


def _season(match: re.Match[str], today: dt.date) -> Period | None:
    part, which, name, year_text = match[1], match[2], match[3], match[4]
    if not (part or which or year_text):
        previous = match.string[: match.start()].split()[-1:]
        if not previous or previous[0] not in SEASON_LEADS:
            return None
    start_month = SEASONS[name]
    year = _year(year_text, today)
    if year is None:
        # The season not yet ended (the current one if it has begun); "next": the first one
        # not yet begun.
        for candidate in (today.year - 1, today.year, today.year + 1, today.year + 2):
            begin = candidate - 1 if start_month == 12 else candidate
            span = _span(begin, start_month, 3)
            if span is None:
                continue
            if (which == "next" and span[0] > today) or (which != "next" and span[1] >= today):
                year = candidate
                break
    if year is None:
        return None
    begin_year = year - 1 if start_month == 12 else year
    span = _span(begin_year, start_month, 3)
    if span is None:
        return None
    first, last = span
    if part is not None:
        offset = {"early": 0, "mid": 1, "late": 2}[part]
        y, m = _shift_months(begin_year, start_month, offset)
        first, last = dt.date(y, m, 1), month_end(y, m)
    if year_text is None:
        first = max(first, today)
    return _period(match, first, last, "season", explicit_year=year_text is not None)


def _quarter(match: re.Match[str], today: dt.date) -> Period | None:
    number = int(match[1]) if match[1] else ORDINALS.get(match[2] or "", 0) or int(match[2][0])
    year = _year(match[3], today)
    current = (today.month - 1) // 3 + 1
    if year is None:
        year = today.year if number >= current else today.year + 1
    span = _span(year, 3 * number - 2, 3)
    if span is None:
        return None
    first = span[0] if match[3] else max(span[0], today)
    return _period(match, first, span[1], "quarter", explicit_year=match[3] is not None)


def _next_quarter(match: re.Match[str], today: dt.date) -> Period | None:
    current = (today.month - 1) // 3
    year, month = _shift_months(today.year, 3 * current + 1, 3 if match[1] == "next" else 0)
    span = _span(year, month, 3)
    if span is None:
        return None
    first = span[0] if match[1] == "next" else max(span[0], today)
    return _period(match, first, span[1], "quarter")


def _half(match: re.Match[str], today: dt.date) -> Period | None:
    number = int(match[1]) if match[1] else (1 if match[2] == "first" else 2)
    year = _year(match[3], today)
    if year is None:
        return None
    span = _span(year, 1 if number == 1 else 7, 6)
    return None if span is None else _period(match, span[0], span[1], "half")


def _part_of_year(match: re.Match[str], today: dt.date) -> Period | None:
    part, year = match[1], _year(match[2], today)
    if year is None:
        return None
    months = {"early": (1, 4), "mid": (5, 4), "late": (9, 4), "later": (today.month, 0)}
    if part == "later":
        if year != today.year:
            return None
        return _period(match, today, dt.date(year, 12, 31), "part")
    start, length = months[part]
    span = _span(year, start, length)
    return None if span is None else _period(match, span[0], span[1], "part")


def _end_of_year(match: re.Match[str], today: dt.date) -> Period | None:
    which = " ".join(match[1].split())
    year = today.year if which == "year" else _year(which, today)
    if year is None or not dt.MINYEAR <= year <= dt.MAXYEAR:
        return None
    return _period(match, dt.date(year, 12, 1), dt.date(year, 12, 31), "part")


def _next_named_month(match: re.Match[str], today: dt.date) -> Period | None:
    month = _month(match[2])
    span = _span(_next_month(month, today), month, 1)
    if span is None:
        return None
    return _period(match, span[0], span[1], "month", explicit_year=False)


def _number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBER_WORDS[text]


def _offset(n: int, unit: str, today: dt.date) -> dt.date | None:
    """``today`` plus ``n`` units (dateparser's calendar arithmetic); the calendar's last day
    when it lies beyond it."""
    if n * UNIT_DAYS[unit] > MAX_OFFSET_DAYS:
        return dt.date.max
    if unit == "fortnight":
        n, unit = 2 * n, "week"
    found = _parse(f"in {n} {unit}{'s' if n != 1 else ''}", today)
    return None if found is None else found[0]


def _relative(match: re.Match[str], today: dt.date) -> Period | None:
    digits = match[1]
    if digits.isdigit() and len(digits) > 9:
        return _period(match, dt.date.max, None, "day")
    day = _offset(_number(digits), match[2], today)
    return None if day is None else _period(match, day, None, "day")


def _fortnight(match: re.Match[str], today: dt.date) -> Period | None:
    day = _offset(1, "fortnight", today)
    return None if day is None else _period(match, day, None, "day")


def _within(match: re.Match[str], today: dt.date) -> Period | None:
    digits = match[1]
    n = 10**9 if digits.isdigit() and len(digits) > 9 else _number(digits)
    last = _offset(n, match[2], today)
    return None if last is None else _period(match, today, last, "range")


def _next_unit(match: re.Match[str], today: dt.date) -> Period | None:
    which, unit = match[1], match[2]
    if unit == "week":
        first = today + dt.timedelta(days=7) if which != "this" else today
        last = first + dt.timedelta(days=6)
        return _period(match, first, last, "week")
    if unit == "month":
        year, month = _shift_months(today.year, today.month, 0 if which == "this" else 1)
        span = _span(year, month, 1)
        if span is None:
            return None
        return _period(match, max(span[0], today), span[1], "month")
    year = today.year if which == "this" else today.year + 1
    first = dt.date(year, 1, 1) if which != "this" else today
    return _period(match, first, dt.date(year, 12, 31), "year")


def _bare_year(match: re.Match[str], today: dt.date) -> Period | None:
    year = int(match[1])
    return _period(match, dt.date(year, 1, 1), dt.date(year, 12, 31), "year")


def _today(match: re.Match[str], today: dt.date) -> Period | None:
    offset = 1 if match.group() == "tomorrow" else 0
    return _period(match, today + dt.timedelta(days=offset), None, "day")


def _bare(match: re.Match[str], today: dt.date) -> Period | None:
    """A month after a preposition ("in June"): its next occurrence not yet begun."""
    name = match[1]
    month = _month(name)
    span = _span(_next_month(month, today), month, 1)
    if span is None:
        return None
    # The period is the month alone, not its preposition.
    offset = match.group().rfind(name)
    return Period(
        start=match.start() + offset,
        end=match.end(),
        text=name,
        first=span[0],
        last=span[1],
        kind="month",
        explicit_year=False,
    )


# In order of priority: an expression inside one found earlier is not read again.
EXPRESSIONS: Final[tuple[tuple[re.Pattern[str], Maker], ...]] = (
    (re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"), _iso),
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b"), _numeric_day),
    (
        re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_M}\.?,?\s+\d{{4}}\b"),
        _parsed_day,
    ),
    (re.compile(rf"\b{_M}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"), _parsed_day),
    (
        re.compile(
            rf"\b(early|mid|late|(?:the\s+)?end\s+of|(?:the\s+)?(?:beginning|start)\s+of)"
            rf"[\s-]+({_M})\.?(?:,?\s+(\d{{4}}))?\b"
        ),
        _part_of_month,
    ),
    (re.compile(rf"\b({_M})\.?,?\s+(?:of\s+)?(\d{{4}})\b"), _month_year),
    (
        re.compile(
            rf"\b(?:(early|mid|late)[\s-]+)?(?:(this|next|coming)\s+)?"
            rf"(spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?{_YEAR})?\b"
        ),
        _season,
    ),
    (
        re.compile(
            rf"\b(?:q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter)"
            rf"(?:\s+(?:of\s+)?{_YEAR})?\b"
        ),
        _quarter,
    ),
    (re.compile(r"\b(next|this|coming)\s+quarter\b"), _next_quarter),
    (
        re.compile(rf"\b(?:h([12])|(first|second)\s+half)\s+(?:of\s+)?{_YEAR}\b"),
        _half,
    ),
    (re.compile(rf"\b(early|mid|late|later)[\s-]+(?:in\s+)?{_YEAR}\b"), _part_of_year),
    (
        re.compile(r"\b(?:the\s+)?end\s+of\s+(?:the\s+)?(next\s+year|this\s+year|year|\d{4})\b"),
        _end_of_year,
    ),
    (re.compile(rf"\b(next|this|coming)\s+({_M})\b"), _next_named_month),
    (
        re.compile(
            rf"\b(?:within(?:\s+the\s+next)?|(?:in|over|during)\s+the\s+next)\s+{_NUM}\s+{_UNIT}"
        ),
        _within,
    ),
    (re.compile(rf"\bin\s+{_NUM}\s+{_UNIT}(?:'?s?\s+time)?\b"), _relative),
    (re.compile(rf"\b{_NUM}\s+{_UNIT}\s+from\s+(?:now|today)\b"), _relative),
    (re.compile(r"\bin\s+a\s+fortnight\b"), _fortnight),
    (re.compile(r"\b(next|this|coming)\s+(week|month|year)\b"), _next_unit),
    (
        re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_M}\b(?!\.?,?\s*\d)"),
        _parsed_day,
    ),
    (
        re.compile(
            rf"\b{_M}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?!\s*(?:kg|t\b|tonnes?|tons?|%|:|,?\s*\d))"
        ),
        _parsed_day,
    ),
    (re.compile(rf"\b{_PREFIX}\s+({_M})\b"), _bare),
    (
        re.compile(rf"\b{_PREFIX}\s+((?:19|20|21)\d{{2}})\b(?!\s*(?:kg|t\b|tonnes?|tons?|km|%|-))"),
        _bare_year,
    ),
    (re.compile(r"\b(?:tomorrow|today|tonight)\b"), _today),
)


def find_atoms(text: str, today: dt.date) -> list[Period]:
    """Every date expression in ``text`` (lower case), each read alone, in text order."""
    found: list[Period] = []
    taken: list[tuple[int, int]] = []
    for pattern, make in EXPRESSIONS:
        for match in pattern.finditer(text):
            span = match.span()
            if any(s < span[1] and span[0] < e for s, e in taken):
                continue
            period = make(match, today)
            if period is None:
                continue
            taken.append((period.start, period.end))
            found.append(period)
    return sorted(found, key=lambda p: p.start)


_RANGE_GAP = re.compile(r"^\s*(?:and|to|until|till|through|thru|-|–|—)\s*$")
_RANGE_START = re.compile(r"\b(?:between|from)\s*$")
_BY = re.compile(
    r"\b(?:by|before|until|till|no\s+later\s+than|not\s+later\s+than)\s+(?:the\s+end\s+of\s+)?$"
)
_AFTER = re.compile(r"\b(?:after|from|starting(?:\s+in)?|beginning(?:\s+in)?)\s+$")


def _lend_year(early: Period, late: Period) -> Period:
    """A month without a year in a range takes the year of the range's end ("May to July
    2027"), or the year before when it comes later in the calendar."""
    if early.explicit_year or not late.explicit_year or early.kind not in ("month", "part"):
        return early
    year = late.first.year - (1 if early.first.month > late.first.month else 0)
    first = early.first.replace(year=year)
    last = None if early.last is None else month_end(year, early.last.month)
    if early.last is not None and early.kind == "part":
        last = early.last.replace(year=year)
    return replace(early, first=first, last=last, explicit_year=True)


def find_periods(text: str, today: dt.date) -> list[Period]:
    """The periods ``text`` (lower case) names: ranges joined, "by"/"after" applied.

    "between May and July 2027" is one period (2027-05-01 to 2027-07-31); "by the end of next
    year" runs from today to the last day of next year; "after March 2027" starts on
    2027-04-01 (its end is left open).
    """
    atoms = find_atoms(text, today)
    out: list[Period] = []
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        before = text[: atom.start]
        if i + 1 < len(atoms) and _RANGE_GAP.match(text[atom.end : atoms[i + 1].start]):
            gap = text[atom.end : atoms[i + 1].start].strip()
            if gap != "and" or _RANGE_START.search(before):
                late = atoms[i + 1]
                early = _lend_year(atom, late)
                start = early.start
                if m := _RANGE_START.search(before):
                    start = m.start()
                out.append(
                    Period(
                        start=start,
                        end=late.end,
                        text=text[start : late.end],
                        first=early.first,
                        last=late.last or late.first,
                        kind="range",
                    )
                )
                i += 2
                continue
        if m := _BY.search(before):
            first = today
            last = atom.last or atom.first
            if m.group().startswith("before"):
                last = max(atom.first - dt.timedelta(days=1), today)
            out.append(
                Period(
                    start=m.start(),
                    end=atom.end,
                    text=text[m.start() : atom.end],
                    first=first,
                    last=last,
                    kind="by",
                )
            )
        elif (m := _AFTER.search(before)) and atom.kind != "day":
            last = atom.last or atom.first
            first = last + dt.timedelta(days=1) if last < dt.date.max else last
            out.append(
                Period(
                    start=m.start(),
                    end=atom.end,
                    text=text[m.start() : atom.end],
                    first=first,
                    last=None,
                    kind="after",
                )
            )
        else:
            out.append(atom)
        i += 1
    return out


def impossible_dates(text: str) -> list[str]:
    """ISO-looking dates in ``text`` that name no calendar day ("2026-02-30")."""
    return [
        m.group()
        for m in re.finditer(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", text)
        if _safe_date(int(m[1]), int(m[2]), int(m[3])) is None
    ]
