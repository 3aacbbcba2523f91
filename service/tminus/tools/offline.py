"""Answers without an LLM: a deterministic parser for the common question shapes.

:class:`QuestionParser` reads a question into an :class:`Interpretation` (what is asked, which
vehicles and pad, which date or window) with the catalogue's names: vehicles are matched
exactly after folding case and punctuation ("vega-c", "Long March 2D"), then fuzzily
("Falcn 9", "electorn"); pads by their spellings ("SLC-40", "LC-39A", "pad 39A"). Dates are
read relative to ``today``: "next month", "in 3 weeks", "on 2026-03-01", "June 2026".

:func:`answer_offline` then calls the same tools an LLM would (:mod:`tminus.tools.toolbox`) and
writes the answer from their numbers, each followed by its model version, and says that it
answered without an LLM.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

from pydantic import BaseModel

from tminus.features.names import NEAR_MISS_SCORE, NameIndex, normalise_pad, normalise_vehicle
from tminus.predictors.base import QueryError
from tminus.predictors.catalogue import Catalogue
from tminus.serving.catalogue import catalogue_source
from tminus.serving.schemas import PadList, ProbabilityAnswer, QuantileAnswer, VehicleList
from tminus.serving.state import Snapshot
from tminus.tools import wording as w
from tminus.tools.schemas import AskResponse, Comparison, PlanResponse, ToolCallRecord
from tminus.tools.toolbox import (
    ToolCallError,
    call_tool,
    merge_sources,
    sources_line,
    success_record,
)

Intent = Literal[
    "launch_risk",
    "pad_next",
    "compare",
    "return_to_flight",
    "booster_landing",
    "weather_scrub",
    "plan",
    "list_pads",
    "list_vehicles",
    "unknown",
]

OFFLINE_NOTE: Final = (
    "Answered without an LLM, by T-Minus' deterministic parser; set TMINUS_LLM_BASE_URL and "
    "TMINUS_LLM_MODEL for free-form questions."
)
SHAPES: Final = (
    "risk of <vehicle> [from <pad>] [next month | in 3 weeks | on 2026-03-01]",
    "when can <pad> launch next",
    "compare <vehicle> and <vehicle> [and ...]",
    "return to flight after a <vehicle> failure",
    "will the booster land on a drone ship (ASDS / RTLS) on its 5th flight",
    "weather scrub odds at the Cape on <date> [with 25 kt wind]",
    "plan a launch on <vehicle> or <vehicle> between <date> and <date> [under 2% risk]",
    "which pads does <vehicle> use",
)
# Words of the questions themselves: never read as (part of) a vehicle name on their own.
STOPWORDS: Final = frozenset(
    re.findall(
        r"\w+",
        """a about after again all an and any are as at be before between booster boosters by can
        chance chances compare comparison core could date day days do does drone during failure
        failures fail fails flight flights fly for from give has have how if in into is it its
        land landing landings launch launches launched likely list month months new next odds of
        on or orbit pad pads plan probability rate reliability return risk risky rocket rockets
        safe safer ship scrub show start than that the their this to today tomorrow use uses
        vehicle vehicles versus vs weather week weeks what when which will with would year years""",
    )
)
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
}
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"  # noqa: E501
_NUMBER = r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
RE_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
RE_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+(\d{{4}})\b")
RE_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b")
RE_MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?,?\s+(\d{{4}})\b")
RE_MONTH = re.compile(rf"\b(?:in|during|for|by|on)\s+({_MONTH})\b")
RE_IN = re.compile(rf"\bin\s+{_NUMBER}\s+(day|week|month|year)s?\b")
RE_NEXT = re.compile(r"\bnext\s+(week|month|year)\b")
RE_PAD = re.compile(
    r"\b(?:space\s+launch\s+complex|launch\s+complex|launch\s+pad|slc|lc|ela|pad)"
    r"[\s-]*\d{1,3}[a-z]?(?:/\d{1,2})?\b",
    re.IGNORECASE,
)
RE_TOKEN = re.compile(r"[a-z0-9]+", re.IGNORECASE)
RE_MASS = re.compile(r"\b(\d[\d,]*(?:\.\d+)?)\s*(kg|kilograms?|t|tonnes?|tons?)\b")
RE_ORBIT = re.compile(r"\b(leo|sso|gto|geo|meo|heo|polar|iss|tli|lunar|gso)\b")
RE_PERCENT = re.compile(
    r"\b(?:under|below|less than|at most|max(?:imum)?|within|<=?)\s*(\d+(?:\.\d+)?)\s*%"
)
RE_CORE_FLIGHT = (
    re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\s+(?:flight|mission|launch)\b"),
    re.compile(r"\b(?:core\s+|booster\s+)?flight\s*(?:number\s*|no\.?\s*|#\s*)?(\d{1,2})\b"),
)
RE_REUSED = re.compile(r"\b(?:flown|used|reused|flew)\s+(\d{1,2})\s+times?\b")
RE_WIND = re.compile(r"\b(\d{1,3}(?:\.\d+)?)\s*(?:kt|kts|knots?)\b")
RE_LIGHTNING = re.compile(r"\b(\d{1,6})\s+lightning\b|\blightning\s+(?:count\s+)?(\d{1,6})\b")

RE_WEATHER = re.compile(r"\bweather\b|\bscrub|\blightning\b|\bwinds?\b")
RE_BOOSTER = re.compile(
    r"\bbooster|\bland(?:s|ing|ed)?\b|drone\s*ship|\basds\b|\brtls\b|landing zone|come back"
)
RE_RTF = re.compile(
    r"return(?:s|ing)?[\s-]+to[\s-]+flight|\bfl(?:y|ies)\s+again|back\s+(?:to\s+flight|flying)"
    r"|\bgrounded\b|\bafter\s+(?:a|an|the|its)?\s*(?:[\w-]+\s+){0,4}fail(?:ure|s|ed)?\b"
    r"|\bif\s+.*\bfails?\b"
)
RE_PLAN = re.compile(
    r"\bplan\b|\bplanning\b|which (?:vehicle|rocket|pad|launcher|option)|best (?:vehicle|rocket"
    r"|option|pad|launcher|date)|\boptions?\b|\bwindow\b|\bbetween\b.+\band\b"
)
RE_COMPARE = re.compile(
    r"\bcompare|\bcomparison|\bvs\.?\b|\bversus\b|\bwhich is (?:safer|riskier|more reliable)"
    r"|\bsafer\b|\bor\b"
)
RE_PAD_NEXT = re.compile(
    r"when can|how soon|turnaround|next launch (?:from|at|of|on)|launch (?:again|next)"
    r"|(?:be )?(?:free|available|ready) again|\bnext from\b"
)
RE_RISK = re.compile(
    r"\brisk|\bfail|\bsafe|\bchance|\bprobabilit|\blikel|\bodds\b|\breliab|\bsuccess"
)
RE_LIST_PADS = re.compile(r"\b(?:which|what|list)\s+(?:launch\s+)?pads\b|\bpads\b.*\buse")
RE_LIST_VEHICLES = re.compile(
    r"\b(?:which|what|list|known)\s+(?:launch\s+)?(?:vehicles|rockets|launchers)\b"
)
LANDING_WORDS: Final = (
    (re.compile(r"\brtls\b|return to (?:the )?launch site|landing zone|\blz-?\d"), "RTLS"),
    (re.compile(r"\bocean\b|\bexpendable\b|\bsplash"), "Ocean"),
    (re.compile(r"\basds\b|drone\s*ship|\bbarge\b|\bocisly\b|\bjrti\b|\basog\b"), "ASDS"),
)


# ---- dates -------------------------------------------------------------------------------
# A date past the calendar's end ("in 100000 years") reads as its last day, which the tools
# then refuse as out of range, saying which dates they take.
def _add_days(day: dt.date, days: int) -> dt.date:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if year > dt.MAXYEAR:
        return dt.date.max
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBER_WORDS[text]


def _month(name: str) -> int:
    key = name.lower().rstrip(".")
    return MONTHS.get(key) or MONTHS[key[:3]]


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def impossible_dates(text: str) -> list[str]:
    """ISO-looking dates in ``text`` that name no calendar day ("2026-02-30")."""
    return [
        m.group()
        for m in RE_ISO.finditer(text)
        if _safe_date(int(m[1]), int(m[2]), int(m[3])) is None
    ]


def find_dates(text: str, today: dt.date) -> list[tuple[int, dt.date, dt.date | None]]:
    """Dates mentioned in ``text``: (position, date, end of the period it names, if any).

    ``text`` is lower-case. A month ("June 2026", "next month") names a period: its first day
    is the date and its last day the end.
    """
    found: list[tuple[int, dt.date, dt.date | None]] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match[str], date: dt.date | None, end: dt.date | None = None) -> None:
        span = match.span()
        if date is None or any(s < span[1] and span[0] < e for s, e in taken):
            return
        taken.append(span)
        found.append((span[0], date, end))

    def month_end(first: dt.date) -> dt.date:
        return first.replace(day=calendar.monthrange(first.year, first.month)[1])

    for m in RE_ISO.finditer(text):
        add(m, _safe_date(int(m[1]), int(m[2]), int(m[3])))
    for m in RE_DAY_MONTH_YEAR.finditer(text):
        add(m, _safe_date(int(m[3]), _month(m[2]), int(m[1])))
    for m in RE_MONTH_DAY_YEAR.finditer(text):
        add(m, _safe_date(int(m[3]), _month(m[1]), int(m[2])))
    for m in RE_MONTH_YEAR.finditer(text):
        first = _safe_date(int(m[2]), _month(m[1]), 1)
        add(m, first, month_end(first) if first else None)
    for m in RE_IN.finditer(text):
        n, unit = _number(m[1]), m[2]
        if unit == "day":
            add(m, _add_days(today, n))
        elif unit == "week":
            add(m, _add_days(today, 7 * n))
        elif unit == "month":
            add(m, _add_months(today, n))
        else:
            add(m, _add_months(today, 12 * n))
    for m in RE_NEXT.finditer(text):
        if m[1] == "week":
            add(m, today + dt.timedelta(days=7), today + dt.timedelta(days=13))
        elif m[1] == "month":
            first = _add_months(today.replace(day=1), 1)
            add(m, first, month_end(first))
        else:
            add(m, dt.date(today.year + 1, 1, 1), dt.date(today.year + 1, 12, 31))
    for m in RE_MONTH.finditer(text):
        month = _month(m[1])
        year = today.year if month > today.month else today.year + 1
        first = dt.date(year, month, 1)
        add(m, first, month_end(first))
    for word, offset in (("tomorrow", 1), ("today", 0)):
        for m in re.finditer(rf"\b{word}\b", text):
            add(m, today + dt.timedelta(days=offset))
    return sorted(found)


def _utc(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


# ---- names -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mention:
    """A name found in the question: what was written and what it was read as."""

    written: str
    name: str
    exact: bool
    start: int = 0


@dataclass(frozen=True)
class Interpretation:
    """What a question asks, in the catalogue's names."""

    intent: Intent
    vehicles: tuple[Mention, ...] = ()
    pad: tuple[str, str] | None = None
    pad_written: str | None = None
    date: dt.datetime | None = None
    window: tuple[dt.datetime, dt.datetime] | None = None
    landing_type: Literal["ASDS", "RTLS", "Ocean"] = "ASDS"
    core_flight: int = 1
    payload_mass_kg: float | None = None
    orbit: str | None = None
    max_failure_probability: float | None = None
    weather: Mapping[str, float] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """The vehicles, as catalogue names, in the order they were mentioned."""
        return [m.name for m in self.vehicles]


class QuestionParser:
    """Reads questions with one catalogue's vehicle and pad names."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        # Among equal matches, the most recently flown vehicle wins ("Falcon" -> Falcon 9).
        ranked = sorted(
            catalogue.vehicles(),
            key=lambda v: (v.last_flight is None, -(v.last_flight or _EPOCH).timestamp()),
        )
        self.keys: dict[str, str] = {}
        for vehicle in ranked:
            self.keys.setdefault(normalise_vehicle(vehicle.name), vehicle.name)
        self.order = {name: i for i, name in enumerate(self.keys.values())}
        # Near misses by the one rule of tminus.features.names (a typo of a known name).
        self.names = NameIndex(self.keys.values(), normalise_vehicle)

    # ---- vehicles ----------------------------------------------------------------------
    def find_vehicles(self, text: str) -> list[Mention]:
        """Vehicles mentioned in ``text``, in order, each once."""
        tokens = [(m.start(), m.end(), m.group().lower()) for m in RE_TOKEN.finditer(text)]
        candidates: list[tuple[float, int, int, int, str, bool]] = []
        for n in range(5, 0, -1):
            for i in range(len(tokens) - n + 1):
                span = tokens[i : i + n]
                words = [t[2] for t in span]
                written = text[span[0][0] : span[-1][1]]
                key = normalise_vehicle(written)
                if key in self.keys and not (n == 1 and words[0] in STOPWORDS):
                    # Exact names may contain question words ("New Glenn"), not be one ("Start").
                    candidates.append((1.0, n, i, i + n, self.keys[key], True))
                    continue
                if words[0] in STOPWORDS or words[-1] in STOPWORDS:
                    continue
                if len(key) < 4 or not re.search(r"[a-z]{3}", key):
                    continue
                for close, score in self.names.scored(written, score=NEAR_MISS_SCORE, n=3):
                    candidates.append((score / 100, n, i, i + n, close, False))
        # Best first: exact, then closest, then longest, then most recently flown.
        candidates.sort(key=lambda c: (-c[0], -c[1], self.order[c[4]], c[2]))
        used: set[int] = set()
        mentions: list[Mention] = []
        for _score, _n, start, end, name, exact in candidates:
            if used.intersection(range(start, end)):
                continue
            used.update(range(start, end))
            written = text[tokens[start][0] : tokens[end - 1][1]]
            mentions.append(Mention(written, name, exact, tokens[start][0]))
        mentions.sort(key=lambda m: m.start)
        unique: dict[str, Mention] = {}
        for mention in mentions:
            unique.setdefault(mention.name, mention)
        return list(unique.values())

    # ---- pads --------------------------------------------------------------------------
    def find_pad(self, text: str) -> tuple[tuple[str, str] | None, str | None, list[str]]:
        """The first pad mentioned: ``(site, pad)``, as written, and suggestions if unresolved."""
        for match in RE_PAD.finditer(text):
            written = match.group()
            attempts = [written]
            key = normalise_pad(written)
            if key[:1].isdigit():
                attempts.append("LC" + key)  # "pad 39A" -> LC39A
            suggestions: list[str] = []
            for attempt in attempts:
                try:
                    resolved = self.catalogue.resolve_pad(attempt, None)
                except QueryError as exc:
                    suggestions = suggestions or exc.suggestions
                    continue
                if resolved is not None:
                    return (resolved.site, resolved.pad), written, []
            if suggestions:
                site, _, pad = suggestions[0].partition("/")
                return (site, pad), written, suggestions
            return None, written, []
        return None, None, []

    # ---- the whole question ------------------------------------------------------------
    def parse(self, question: str, today: dt.date) -> Interpretation:
        """What ``question`` asks; ``intent`` is "unknown" when no shape fits."""
        text = " ".join(question.lower().split())
        pad, pad_written, _suggestions = self.find_pad(text)
        # Pad codes are not vehicle names: blank them before looking for vehicles.
        masked = RE_PAD.sub(lambda m: " " * len(m.group()), text)
        vehicles = self.find_vehicles(masked)
        dates = find_dates(masked, today)
        date = _utc(dates[0][1]) if dates else None
        window = None
        if len(dates) >= 2:
            window = (_utc(dates[0][1]), _utc(dates[-1][2] or dates[-1][1]))
        elif dates:
            end = dates[0][2]
            window = (_utc(dates[0][1]), _utc(end or _add_days(dates[0][1], 30)))
        base = Interpretation(
            intent="unknown",
            vehicles=tuple(vehicles),
            pad=pad,
            pad_written=pad_written,
            date=date,
            window=window,
            **_extras(text),
        )
        return replace(base, intent=_intent(text, base))


_EPOCH: Final = dt.datetime(1957, 1, 1, tzinfo=dt.UTC)


def _extras(text: str) -> dict[str, Any]:
    """Landing type, core flight, payload mass, orbit, risk tolerance and weather readings."""
    out: dict[str, Any] = {}
    for pattern, kind in LANDING_WORDS:
        if pattern.search(text):
            out["landing_type"] = kind
            break
    for pattern in RE_CORE_FLIGHT:
        if m := pattern.search(text):
            out["core_flight"] = max(1, min(int(m[1]), 50))
            break
    else:
        if m := RE_REUSED.search(text):
            out["core_flight"] = max(1, min(int(m[1]) + 1, 50))
    if m := RE_MASS.search(text):
        value = float(m[1].replace(",", ""))
        mass = value * 1000 if m[2].startswith("t") else value
        if 0 <= mass <= 300_000:
            out["payload_mass_kg"] = mass
    if m := RE_ORBIT.search(text):
        out["orbit"] = m[1].upper()
    if m := RE_PERCENT.search(text):
        share = float(m[1]) / 100
        if 0 < share <= 1:
            out["max_failure_probability"] = share
    weather: dict[str, float] = {}
    if m := RE_WIND.search(text):
        weather["max_peak_wind"] = min(float(m[1]), 300.0)
    if m := RE_LIGHTNING.search(text):
        weather["lightning_count"] = float(m[1] or m[2])
    elif re.search(r"\bno lightning\b", text):
        weather["lightning_count"] = 0.0
    out["weather"] = weather
    return out


def _intent(text: str, parsed: Interpretation) -> Intent:
    vehicles = len(parsed.vehicles)
    if RE_WEATHER.search(text):
        return "weather_scrub"
    if RE_BOOSTER.search(text) and not RE_PAD_NEXT.search(text):
        return "booster_landing"
    if RE_RTF.search(text) and vehicles:
        return "return_to_flight"
    if RE_PLAN.search(text) and (vehicles != 1 or "plan" in text):
        return "plan"
    if vehicles >= 2 and RE_COMPARE.search(text):
        return "compare"
    if parsed.pad is not None and (RE_PAD_NEXT.search(text) or not vehicles):
        return "pad_next"
    if RE_LIST_PADS.search(text) and vehicles:
        return "list_pads"
    if vehicles >= 2:
        return "compare"
    if vehicles == 1:
        return "launch_risk"
    if RE_LIST_VEHICLES.search(text):
        return "list_vehicles"
    return "unknown"


# ---- answering ---------------------------------------------------------------------------
@dataclass
class _Answer:
    """The pieces of an offline answer as it is written."""

    snapshot: Snapshot
    lines: list[str] = field(default_factory=list)
    records: list[ToolCallRecord] = field(default_factory=list)
    sources: list[list[Any]] = field(default_factory=list)
    understood: bool = True

    def call(self, name: str, arguments: dict[str, Any]) -> BaseModel | None:
        """Call a tool, record it; on failure write why and return None."""
        try:
            result = call_tool(self.snapshot, name, arguments)
        except ToolCallError as failure:
            self.records.append(
                ToolCallRecord(name=name, arguments=arguments, ok=False, error=failure.message)
            )
            self.lines.append(f"T-Minus could not answer: {failure.message}.")
            return None
        found, record = success_record(name, arguments, result)
        self.sources.append(found)
        self.records.append(record)
        return result


def _iso(moment: dt.datetime) -> str:
    return moment.date().isoformat()


def _quantile_sentence(answer: QuantileAnswer) -> str:
    q, d = answer.quantiles, answer.dates
    return (
        f"{w.days(q.p10)}-{w.days(q.p90)} days later (median {w.days(q.p50)}): between "
        f"{w.day(d.p10)} and {w.day(d.p90)}, most likely around {w.day(d.p50)} "
        f"{w.cite(answer.model, answer.version)}"
    )


def _readings(parsed: Interpretation) -> str:
    return "; ".join(f"read {m.written!r} as {m.name}" for m in parsed.vehicles if not m.exact)


class OfflineAnswerer:
    """Answers parsed questions with the tools, on one snapshot."""

    def __init__(self, snapshot: Snapshot, today: dt.date) -> None:
        self.snapshot = snapshot
        self.today = today
        served, catalogue = catalogue_source(snapshot)
        self.catalogue = catalogue
        self.cutoff = catalogue.cutoff
        self.parser = served.memo("question_parser", lambda: QuestionParser(catalogue))

    def answer(self, question: str) -> AskResponse:
        """The offline answer to ``question``."""
        parsed = self.parser.parse(question, self.today)
        out = _Answer(self.snapshot)
        handler = getattr(self, f"_{parsed.intent}")
        handler(parsed, out)
        if (readings := _readings(parsed)) and parsed.intent != "unknown":
            out.lines.append(f"({readings[0].upper() + readings[1:]}.)")
        sources = merge_sources(out.sources)
        text = " ".join(out.lines)
        if sources:
            text += "\n\n" + sources_line(sources)
        unreadable = impossible_dates(question)
        if unreadable:
            text += (
                f"\n\nNo such day: {', '.join(unreadable)}; that date was ignored and the "
                "answer is for the date shown above."
            )
        text += "\n\n" + OFFLINE_NOTE
        notes = [OFFLINE_NOTE, f"Understood as: {parsed.intent.replace('_', ' ')}."]
        notes += [f"{date} is not a calendar day and was ignored." for date in unreadable]
        return AskResponse(
            question=question,
            answer=text,
            mode="offline",
            llm_model=None,
            understood=out.understood and parsed.intent != "unknown",
            steps=0,
            tool_calls=out.records,
            sources=sources,
            notes=notes,
        )

    # ---- one method per intent -----------------------------------------------------------
    def _when(self, parsed: Interpretation) -> dt.datetime:
        return parsed.date or _utc(self.today)

    def _launch_risk(self, parsed: Interpretation, out: _Answer) -> None:
        vehicle = parsed.names[0]
        args: dict[str, Any] = {"vehicle": vehicle, "date": _iso(self._when(parsed))}
        if parsed.pad is not None:
            args.update(site=parsed.pad[0], pad=parsed.pad[1])
        result = out.call("predict_launch_failure", args)
        if not isinstance(result, ProbabilityAnswer):
            return
        where = f" from {parsed.pad[0]}/{parsed.pad[1]}" if parsed.pad else ""
        ctx = result.context
        out.lines.append(
            f"A {vehicle} launch{where} on {args['date']}: failure probability "
            f"{w.percent(result.probability)} (90% interval {w.interval(*result.interval)}) "
            f"{w.cite(result.model, result.version)}."
        )
        flights, failures = ctx.get("vehicle_flights"), ctx.get("vehicle_failures")
        if isinstance(flights, int) and isinstance(failures, int):
            out.lines.append(
                f"{vehicle} had flown {w.plural(flights, 'time')} with "
                f"{w.plural(failures, 'failure')} by "
                f"{result.as_of.date().isoformat() if result.as_of else 'the data cutoff'} "
                f"{w.cite(result.model, result.version)}."
            )
        if result.days_past_cutoff:
            out.lines.append(
                f"The record ends {w.plural(result.days_past_cutoff, 'day')} before "
                f"{args['date']}: what happened since is not in the data."
            )
        if result.flags.get("unseen_pad"):
            out.lines.append("The pad has no history on record, so its effect is a prior.")

    def _pad_next(self, parsed: Interpretation, out: _Answer) -> None:
        if parsed.pad is None:
            out.understood = False
            out.lines.append(
                f"No known pad matches {parsed.pad_written!r}; list_pads (GET /v1/pads) has "
                "the known ones."
            )
            return
        site, pad = parsed.pad
        record = next((p for p in self.catalogue.pads() if (p.site, p.pad) == (site, pad)), None)
        if parsed.date is not None:
            start, since = parsed.date, f"After a launch on {_iso(parsed.date)}"
        elif record is not None and record.last_flight is not None:
            start = record.last_flight
            since = f"After its last launch on record, on {w.day(start)}"
        else:
            start, since = _utc(self.today), f"After a launch on {self.today.isoformat()}"
        args: dict[str, Any] = {"pad": pad, "site": site, "date": start.isoformat()}
        result = out.call("predict_pad_turnaround", args)
        if not isinstance(result, QuantileAnswer):
            return
        out.lines.append(
            f"{since}, {site}/{pad}'s next launch is expected {_quantile_sentence(result)}."
        )
        if parsed.pad_written and normalise_pad(parsed.pad_written) != normalise_pad(pad):
            out.lines.append(f"(Read {parsed.pad_written!r} as {site}/{pad}.)")
        if parsed.date is None and self.cutoff is not None:
            out.lines.append(
                f"The data end on {w.day(self.cutoff)}: launches from the pad since then are "
                "not known to the model."
            )

    def _compare(self, parsed: Interpretation, out: _Answer) -> None:
        args = {"vehicles": parsed.names[:8], "date": _iso(self._when(parsed))}
        result = out.call("compare_vehicles", args)
        if isinstance(result, Comparison):
            out.lines.extend(result.summary)

    def _return_to_flight(self, parsed: Interpretation, out: _Answer) -> None:
        vehicle = parsed.names[0]
        when = self._when(parsed)
        result = out.call("predict_return_to_flight", {"vehicle": vehicle, "date": _iso(when)})
        if not isinstance(result, QuantileAnswer):
            return
        family = result.context.get("family", vehicle)
        out.lines.append(
            f"If {vehicle} failed on {_iso(when)}, its family ({family}) would be expected to "
            f"launch again {_quantile_sentence(result)}."
        )

    def _booster_landing(self, parsed: Interpretation, out: _Answer) -> None:
        when = self._when(parsed)
        args: dict[str, Any] = {
            "date": _iso(when),
            "landing_type": parsed.landing_type,
            "core_flight": parsed.core_flight,
        }
        if parsed.payload_mass_kg is not None and parsed.payload_mass_kg <= 70_000:
            args["payload_mass_kg"] = parsed.payload_mass_kg
        if parsed.orbit is not None:
            args["orbit"] = parsed.orbit
        vehicle = next((n for n in parsed.names if n in ("Falcon 9", "Falcon Heavy")), None)
        if vehicle is not None:
            args["vehicle"] = vehicle
        result = out.call("predict_booster_landing", args)
        if not isinstance(result, ProbabilityAnswer):
            return
        kinds = {"ASDS": "drone-ship (ASDS)", "RTLS": "return-to-launch-site (RTLS)"}
        kind = kinds.get(parsed.landing_type, "ocean")
        out.lines.append(
            f"A {kind} landing of a Falcon booster on its {w.ordinal(parsed.core_flight)} flight "
            f"on {args['date']}: success probability {w.percent(result.probability)} (90% "
            f"interval {w.interval(*result.interval)}) {w.cite(result.model, result.version)}."
        )
        assumed = [
            f"block {result.context.get('block')}" if result.flags.get("block_assumed") else "",
            f"a typical payload of {result.context.get('payload_mass_kg'):,.0f} kg"
            if result.flags.get("payload_mass_assumed")
            else "",
        ]
        if any(assumed):
            out.lines.append(f"Assumed: {' and '.join(a for a in assumed if a)}.")
        if result.data_cutoff is not None:
            out.lines.append(f"The landing data end on {result.data_cutoff.isoformat()}.")

    def _weather_scrub(self, parsed: Interpretation, out: _Answer) -> None:
        when = self._when(parsed)
        args: dict[str, Any] = {"date": _iso(when), **parsed.weather}
        result = out.call("predict_weather_scrub", args)
        if not isinstance(result, ProbabilityAnswer):
            return
        out.lines.append(
            f"A Cape launch attempt on {args['date']}: weather scrub probability "
            f"{w.percent(result.probability)} (90% interval {w.interval(*result.interval)}) "
            f"{w.cite(result.model, result.version)}."
        )
        filled = result.context.get("filled_inputs")
        if isinstance(filled, list) and filled:
            out.lines.append(
                f"Sensor readings not given were filled with typical values: "
                f"{', '.join(str(f) for f in filled)}; give wind (kt) or lightning counts for a "
                "sharper answer."
            )

    def _plan(self, parsed: Interpretation, out: _Answer) -> None:
        start, end = parsed.window or (
            _utc(self.today),
            _utc(self.today + dt.timedelta(days=30)),
        )
        if end < start:
            start, end = end, start
        args: dict[str, Any] = {"earliest_date": _iso(start), "latest_date": _iso(end)}
        if parsed.vehicles:
            args["vehicles"] = parsed.names[:20]
        for key in ("payload_mass_kg", "orbit", "max_failure_probability"):
            if (value := getattr(parsed, key)) is not None:
                args[key] = value
        if parsed.pad is not None:
            args["sites"] = [parsed.pad[0]]
        args["max_options"] = 3
        result = out.call("plan_mission", args)
        if not isinstance(result, PlanResponse):
            return
        window = f"{args['earliest_date']} to {args['latest_date']}"
        if not result.options:
            out.lines.append(f"No option meets the requirements for {window}.")
        else:
            out.lines.append(
                f"For {window}, the best of {w.plural(result.options_total, 'feasible option')}:"
            )
            for option in result.options:
                # The failure sentence and the pad-readiness sentence, with their sources.
                out.lines.append(f"{option.rank}. {option.reasons[1]} {option.reasons[3]}")
        if result.excluded_total:
            shown = "; ".join(
                f"{e.vehicle}{f' {e.site}/{e.pad}' if e.pad else ''}: {e.reason}"
                for e in result.excluded[:5]
            )
            out.lines.append(f"Excluded ({result.excluded_total}): {shown}.")
        out.lines.extend(result.notes)

    def _list_pads(self, parsed: Interpretation, out: _Answer) -> None:
        vehicle = parsed.names[0]
        result = out.call("list_pads", {"query": vehicle, "limit": 10})
        if not isinstance(result, PadList):
            return
        pads = [p for p in result.pads if vehicle in p.vehicles]
        listing = ", ".join(
            f"{p.site}/{p.pad} (last launch {w.day(p.last_flight) if p.last_flight else '-'})"
            for p in pads
        )
        out.lines.append(
            f"{vehicle} has flown from {listing or 'no known pad'} "
            f"{w.cite(result.model, result.version)}."
        )

    def _list_vehicles(self, parsed: Interpretation, out: _Answer) -> None:
        result = out.call("list_vehicles", {"limit": 15})
        if not isinstance(result, VehicleList):
            return
        listing = ", ".join(f"{v.name} ({v.flights} flights)" for v in result.vehicles)
        out.lines.append(
            f"The most flown of {result.total} known vehicles: {listing} "
            f"{w.cite(result.model, result.version)}."
        )

    def _unknown(self, parsed: Interpretation, out: _Answer) -> None:
        out.understood = False
        hint = ""
        if parsed.pad_written and parsed.pad is None:
            hint = f" No known pad matches {parsed.pad_written!r}."
        out.lines.append(
            "I could not match this question to one I can answer without an LLM."
            + hint
            + " Without an LLM I answer: "
            + "; ".join(SHAPES)
            + "."
        )


def answer_offline(
    question: str, snapshot: Snapshot, *, today: dt.date | None = None
) -> AskResponse:
    """Answer ``question`` without an LLM, from the tools' numbers, citing their versions."""
    day = today or dt.datetime.now(dt.UTC).date()
    return OfflineAnswerer(snapshot, day).answer(question)


def interpret(question: str, catalogue: Catalogue, *, today: dt.date) -> Interpretation:
    """How the offline parser reads ``question`` (for tests and debugging)."""
    return QuestionParser(catalogue).parse(question, today)
