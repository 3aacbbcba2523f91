"""Answers without an LLM: a deterministic parser for the questions planners ask.

:class:`QuestionParser` reads a question into an :class:`Interpretation`, with the catalogue's
names and each thing as it was written:

- **what** is asked (launch risk, pad turnaround, comparison, return to flight, booster
  landing, weather scrub, a plan, pad or vehicle lists);
- **vehicles**: exact names after folding ("vega-c", "Long March 2D"), family and series names
  ("Vulcan", "Ariane 6": the most recently flown variant), then near misses ("Falcn 9");
- **where**: a pad ("SLC-40", "pad 39A") or a site by code or name ("KSC", "Cape Canaveral",
  "Vandenberg", "Kourou", "Jiuquan", "Mahia");
- **when** (:mod:`tminus.tools.dates`): "next March", "spring 2027", "Q3 2027", "in six weeks",
  "by the end of next year", "between May and July", "on 2026-03-01";
- **what and where to**: a payload mass ("3 t", "3,000 kg", "1.5 tonnes", "800kg") and an
  orbit ("SSO", "sun-synchronous", "GTO", "geostationary", "to the Moon", "ISS");
- a risk limit ("at most 5%"), and the booster and weather details.

Every span read is kept; the words left over that carry meaning are reported as ignored, so a
question is never silently answered as another. :func:`answer_offline` then calls the same
tools an LLM would (:mod:`tminus.tools.toolbox`) and writes the answer from their numbers, each
followed by its model version; it says what it understood and that it answered without an LLM.
A question that names a payload mass or an orbit is answered by the planner, which checks what
can carry it there.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

from pydantic import BaseModel

from tminus.features.names import (
    NEAR_MISS_SCORE,
    NameIndex,
    normalise_name,
    normalise_pad,
    normalise_site,
    normalise_vehicle,
)
from tminus.features.orbits import PHRASES, PLANETS
from tminus.predictors.base import QueryError
from tminus.predictors.catalogue import Catalogue
from tminus.serving.catalogue import catalogue_source
from tminus.serving.schemas import PadList, ProbabilityAnswer, QuantileAnswer, VehicleList
from tminus.serving.state import Snapshot
from tminus.tools import wording as w
from tminus.tools.dates import Period, find_dates, find_periods, impossible_dates
from tminus.tools.schemas import (
    MAX_WINDOW_DAYS,
    AskResponse,
    Comparison,
    PlanResponse,
    ToolCallRecord,
)
from tminus.tools.toolbox import (
    ToolCallError,
    call_tool,
    merge_sources,
    sources_line,
    success_record,
)

__all__ = [
    "Interpretation",
    "Mention",
    "QuestionParser",
    "answer_offline",
    "find_dates",
    "impossible_dates",
    "interpret",
]

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
How = Literal["exact", "family", "series", "near_miss"]

OFFLINE_NOTE: Final = (
    "Answered without an LLM, by T-Minus' deterministic parser; set TMINUS_LLM_BASE_URL and "
    "TMINUS_LLM_MODEL for free-form questions."
)
SHAPES: Final = (
    "risk of <vehicle> [from <pad or site>] [next March | in 3 weeks | on 2026-03-01]",
    "when can <pad> launch next",
    "compare <vehicle> and <vehicle> [and ...]",
    "which is safer for a <3 t> payload to <SSO> in <spring 2027>, <vehicle> or <vehicle>",
    "what can carry <5,000 kg> to <GTO> from <Kourou> in <Q3 2027> [at most 5% risk]",
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
        vehicle vehicles versus vs weather week weeks what when which will with would year years
        carry lift payload payloads mission satellite""",
    )
)
# Words a question is made of that name nothing to look up: never reported as ignored.
QUESTION_WORDS: Final = STOPWORDS | frozenset(
    re.findall(
        r"\w+",
        """i we my our me us you your please tell know want need like should shall may might
        must get got go going put send sending take taking choose pick best better good option
        options window windows planning planned plans cheap soon possible possibly probably
        there these those them they then also just only some none most least more less lowest
        highest minimum max maximum limit limits tolerance under below above over up down
        percent per cent no not yes time times much many long short until till through thru
        ready free available again next last first second third fourth fifth th st nd rd
        successful success succeed work works odds around near early mid late end beginning
        kind sort type one two three four five six seven eight nine ten twelve couple few
        lifted carried carrying lifting deliver delivery delivering reach reaching go into
        rockets launcher launchers spacecraft sat sats mass weighing weighs weight heavy light
        kilograms kilogram kg kgs tonnes tonne tons ton metric low high earth percentage
        chance quarter half season spring summer autumn fall winter grounded grounding again
        flies flying flown flew landed lands return returns returning turnaround site sites
        ocean barge expendable zone lz wind winds knots kt kts lightning field mill rain
        sorry hmm ok okay hi hello there meaning life able capable lander landers probe
        probes orbiter rover cubesat cubesats constellation spaceship capsule crew cargo
        whats""",
    )
)
RE_PAD = re.compile(
    r"\b(?:space\s+launch\s+complex|launch\s+complex|launch\s+pad|slc|lc|ela|pad)"
    r"[\s-]*\d{1,3}[a-z]?(?:/\d{1,2})?\b",
    re.IGNORECASE,
)
RE_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?", re.IGNORECASE)
RE_MASS = re.compile(
    r"\b(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*-?\s*"
    r"(kg|kgs|kilograms?|kilos?|metric\s+tons?|tonnes?|tons?|t|lbs?|pounds?)\b"
)
RE_PERCENT = (
    re.compile(
        r"\b(?:under|below|less\s+than|at\s+most|max(?:imum)?|within|no\s+more\s+than|up\s+to"
        r"|not\s+above|<=?)\s*(\d+(?:\.\d+)?)\s*%"
    ),
    re.compile(
        r"\b(?:risk|chance|probability)\s+(?:limit\s+|tolerance\s+)?(?:of\s+)?(?:below|under"
        r"|at\s+most|no\s+more\s+than|<=?)?\s*(\d+(?:\.\d+)?)\s*%"
    ),
    re.compile(r"\b(\d+(?:\.\d+)?)\s*%\s*(?:max(?:imum)?|or\s+less|at\s+most)\b"),
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
    r"|\bcarry\b|\blift\b|what (?:can|could) (?:launch|take|fly|carry|lift)"
)
RE_COMPARE = re.compile(
    r"\bcompare|\bcomparison|\bvs\.?\b|\bversus\b|\bwhich is (?:safer|riskier|more reliable)"
    r"|\bsafer\b|\bor\b"
)
RE_PAD_NEXT = re.compile(
    r"when can|how soon|turnaround|next launch (?:from|at|of|on)|launch (?:again|next)"
    r"|(?:be )?(?:free|available|ready) again|\bnext from\b"
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
KG_PER: Final = {"t": 1000.0, "ton": 1000.0, "tonne": 1000.0, "metric": 1000.0, "lb": 0.45359237}
MAX_MASS_KG: Final = 300_000.0


def _orbit_pattern() -> re.Pattern[str]:
    """Orbit words, longest first; a planet only after "to" ("to Mars")."""
    phrases = sorted(
        ((p, code) for code, ps in PHRASES.items() for p in ps), key=lambda pc: -len(pc[0])
    )
    words = [re.escape(p).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]?") for p, _ in phrases]
    codes = r"leo|sso|meo|gto|geo|heo"
    planets = "|".join(re.escape(p) for p in PLANETS)
    return re.compile(
        rf"\b(?:(?:to|into|for|at)\s+(?:the\s+)?)?({codes}|{'|'.join(words)})\b"
        rf"|\b(?:to|towards?|bound\s+for)\s+({planets})\b"
    )


RE_ORBIT: Final = _orbit_pattern()
ORBIT_OF: Final[Mapping[str, str]] = {
    **{normalise_name(p): code for code, ps in PHRASES.items() for p in ps},
    **{normalise_name(p): "ESCAPE" for p in PLANETS},
    **{code.lower(): code.upper() for code in ("leo", "sso", "meo", "gto", "geo", "heo")},
}


def _utc(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _add_days(day: dt.date, days: int) -> dt.date:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max


# ---- what was read ---------------------------------------------------------------------
@dataclass(frozen=True)
class Mention:
    """A name found in the question: what was written and what it was read as.

    ``how``: ``exact``, ``family`` or ``series`` (the most recently flown variant of what was
    written), or ``near_miss`` (a typo of a known name).
    """

    written: str
    name: str
    exact: bool
    start: int = 0
    how: How = "exact"
    end: int = 0


@dataclass(frozen=True)
class Reading:
    """Something read from the question: as written, where, and what it was read as."""

    written: str
    start: int
    end: int
    value: Any


@dataclass(frozen=True)
class Interpretation:
    """What a question asks, in the catalogue's names."""

    intent: Intent
    vehicles: tuple[Mention, ...] = ()
    pad: tuple[str, str] | None = None
    pad_written: str | None = None
    site: str | None = None
    site_written: str | None = None
    other_sites: tuple[str, ...] = ()  # more sites named ("from Mahia or Vandenberg")
    date: dt.datetime | None = None
    window: tuple[dt.datetime, dt.datetime] | None = None
    periods: tuple[Period, ...] = ()
    landing_type: Literal["ASDS", "RTLS", "Ocean"] = "ASDS"
    core_flight: int = 1
    payload_mass_kg: float | None = None
    mass_written: str | None = None
    orbit: str | None = None
    orbit_written: str | None = None
    max_failure_probability: float | None = None
    weather: Mapping[str, float] = field(default_factory=dict)
    ignored: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        """The vehicles, as catalogue names, in the order they were mentioned."""
        return [m.name for m in self.vehicles]

    @property
    def where(self) -> str | None:
        """The site asked about: the pad's, else the one named."""
        return self.pad[0] if self.pad is not None else self.site

    def summary(self) -> dict[str, Any]:
        """What was read, as plain data (``AskResponse.understood_as``)."""
        out: dict[str, Any] = {"intent": self.intent}
        if self.vehicles:
            out["vehicles"] = [
                {"written": m.written, "name": m.name, "how": m.how} for m in self.vehicles
            ]
        if self.pad is not None:
            out["pad"] = {"written": self.pad_written, "site": self.pad[0], "pad": self.pad[1]}
        if self.site is not None:
            out["site"] = {"written": self.site_written, "site": self.site}
        if self.other_sites:
            out["other_sites"] = list(self.other_sites)
        if self.periods:
            out["dates"] = [
                {
                    "written": p.text,
                    "first": p.first.isoformat(),
                    "last": None if p.last is None else p.last.isoformat(),
                }
                for p in self.periods
            ]
        if self.payload_mass_kg is not None:
            out["payload_mass_kg"] = {"written": self.mass_written, "kg": self.payload_mass_kg}
        if self.orbit is not None:
            out["orbit"] = {"written": self.orbit_written, "class": self.orbit}
        if self.max_failure_probability is not None:
            out["max_failure_probability"] = self.max_failure_probability
        return out


class QuestionParser:
    """Reads questions with one catalogue's vehicle, site and pad names."""

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
        self.families = self._family_keys()
        self.site_names = catalogue.site_names()
        self.site_codes = {p.site for p in catalogue.pads()}

    def _family_keys(self) -> dict[str, str]:
        """Family names people write ('Vulcan', 'Starship') -> the latest variant.

        Only a family whose name starts every vehicle name that starts with it, and its
        latest variant's: GCAT's family 'Ariane5' also holds Ariane 62, and 'Ariane 5' means
        Ariane 5.
        """
        by_family: dict[str, list[str]] = {}
        for name in self.keys.values():
            by_family.setdefault(self.catalogue.family_of(name), []).append(name)
        out: dict[str, str] = {}
        for family, members in by_family.items():
            key = normalise_vehicle(family)
            if len(key) < 4 or key in self.keys:
                continue
            starting = [n for k, n in self.keys.items() if k.startswith(key)]
            if not starting or any(self.catalogue.family_of(n) != family for n in starting):
                continue
            latest = min(members, key=lambda n: self.order[n])
            if normalise_vehicle(latest).startswith(key):
                out[key] = latest
        return out

    def _series(self, key: str) -> str | None:
        """The latest variant of the one family whose names start with ``key`` ('Ariane 6')."""
        if len(key) < 4 or not re.search(r"[a-z]{3}", key):
            return None
        starting = [n for k, n in self.keys.items() if k.startswith(key) and k != key]
        if not starting or len({self.catalogue.family_of(n) for n in starting}) != 1:
            return None
        return min(starting, key=lambda n: self.order[n])

    # ---- vehicles ----------------------------------------------------------------------
    def find_vehicles(self, text: str, *, exact_only: bool = False) -> list[Mention]:
        """Vehicles mentioned in ``text``, in order, each once (``exact_only``: exact names)."""
        tokens = [(m.start(), m.end(), m.group().lower()) for m in RE_TOKEN.finditer(text)]
        candidates: list[tuple[float, int, int, int, str, How]] = []
        for n in range(5, 0, -1):
            for i in range(len(tokens) - n + 1):
                span = tokens[i : i + n]
                words = [t[2] for t in span]
                written = text[span[0][0] : span[-1][1]]
                key = normalise_vehicle(written)
                if key in self.keys and not (n == 1 and words[0] in STOPWORDS):
                    # Exact names may contain question words ("New Glenn"), not be one ("Start").
                    candidates.append((1.0, n, i, i + n, self.keys[key], "exact"))
                    continue
                if exact_only or words[0] in STOPWORDS or words[-1] in STOPWORDS:
                    continue
                if key in self.families:
                    candidates.append((0.999, n, i, i + n, self.families[key], "family"))
                    continue
                series = self._series(key)
                if series is not None:
                    candidates.append((0.999, n, i, i + n, series, "series"))
                    continue
                if len(key) < 4 or not re.search(r"[a-z]{3}", key):
                    continue
                for close, score in self.names.scored(written, score=NEAR_MISS_SCORE, n=3):
                    candidates.append((score / 100, n, i, i + n, close, "near_miss"))
        # Best first: exact, then family or series, then closest, then longest, then most
        # recently flown.
        candidates.sort(key=lambda c: (-c[0], -c[1], self.order[c[4]], c[2]))
        used: set[int] = set()
        mentions: list[Mention] = []
        for _score, _n, start, end, name, how in candidates:
            if used.intersection(range(start, end)):
                continue
            used.update(range(start, end))
            first, last = tokens[start][0], tokens[end - 1][1]
            mentions.append(
                Mention(text[first:last], name, how == "exact", first, how=how, end=last)
            )
        mentions.sort(key=lambda m: m.start)
        unique: dict[str, Mention] = {}
        for mention in mentions:
            unique.setdefault(mention.name, mention)
        return list(unique.values())

    # ---- pads and sites ----------------------------------------------------------------
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

    def find_sites(self, text: str, original: str) -> list[Reading]:
        """The sites named, in order: by name ('Cape Canaveral', 'Kourou') or code ('KSC')."""
        tokens = [(m.start(), m.end()) for m in RE_TOKEN.finditer(text)]
        found: list[Reading] = []
        for n in (3, 2, 1):
            for i in range(len(tokens) - n + 1):
                start, end = tokens[i][0], tokens[i + n - 1][1]
                written = text[start:end]
                code = self.site_names.get(normalise_site(written))
                as_code = original[start:end]
                if code is None and n == 1 and as_code.isupper() and as_code in self.site_codes:
                    code = as_code
                if code is not None:
                    found.append(Reading(written, start, end, code))
        # Longest first at each position: "cape canaveral" over "canaveral".
        found.sort(key=lambda r: (r.start, -(r.end - r.start)))
        kept: list[Reading] = []
        for reading in found:
            overlaps = any(k.start < reading.end and reading.start < k.end for k in kept)
            if not overlaps and reading.value not in {k.value for k in kept}:
                kept.append(reading)
        return kept

    # ---- the whole question ------------------------------------------------------------
    def parse(self, question: str, today: dt.date) -> Interpretation:
        """What ``question`` asks; ``intent`` is "unknown" when no shape fits."""
        original = " ".join(question.split())
        text = original.lower()
        if len(text) != len(original):  # a letter whose lower case is longer: no code matching
            original = text
        spans: list[tuple[int, int]] = []

        def mask(source: str) -> str:
            chars = list(source)
            for start, end in spans:
                chars[start:end] = " " * (end - start)
            return "".join(chars)

        # Exact vehicle names first: "Long March 5" is not the 5th of March.
        exact = self.find_vehicles(text, exact_only=True)
        spans += [(m.start, m.end) for m in exact]
        periods = tuple(find_periods(mask(text), today))
        spans += [(p.start, p.end) for p in periods]
        pad, pad_written, _suggestions = self.find_pad(mask(text))
        spans += [m.span() for m in RE_PAD.finditer(text)]
        extras, extra_spans = _extras(mask(text))
        spans += extra_spans
        sites = self.find_sites(mask(text), mask(original))
        spans += [(r.start, r.end) for r in sites]
        site = sites[0] if sites else None
        others = self.find_vehicles(mask(text))
        spans += [(m.start, m.end) for m in others]
        vehicles: dict[str, Mention] = {}
        for mention in sorted([*exact, *others], key=lambda m: m.start):
            vehicles.setdefault(mention.name, mention)
        date, window = None, None
        if periods:
            first = periods[0]
            date = _utc(first.first)
            if len(periods) >= 2:
                last = periods[-1]
                window = (_utc(first.first), _utc(last.last or last.first))
            else:
                window = (_utc(first.first), _utc(first.last or _add_days(first.first, 30)))
        base = Interpretation(
            intent="unknown",
            vehicles=tuple(vehicles.values()),
            pad=pad,
            pad_written=pad_written,
            site=None if site is None else str(site.value),
            site_written=None if site is None else site.written,
            other_sites=tuple(str(r.value) for r in sites[1:]),
            date=date,
            window=window,
            periods=periods,
            ignored=tuple(_leftovers(mask(text))),
            **extras,
        )
        return replace(base, intent=_intent(text, base))


_EPOCH: Final = dt.datetime(1957, 1, 1, tzinfo=dt.UTC)


def _mass(match: re.Match[str]) -> float:
    value = float(match[1].replace(",", ""))
    unit = match[2].split()[0].rstrip("s")
    if unit.startswith("pound"):
        unit = "lb"
    return value * KG_PER.get(unit, 1.0)


def _extras(text: str) -> tuple[dict[str, Any], list[tuple[int, int]]]:
    """Landing type, core flight, payload mass, orbit, risk limit and weather readings, and
    the spans of ``text`` each was read from."""
    out: dict[str, Any] = {}
    spans: list[tuple[int, int]] = []
    for pattern, kind in LANDING_WORDS:
        if m := pattern.search(text):
            out["landing_type"] = kind
            spans.append(m.span())
            break
    for pattern in RE_CORE_FLIGHT:
        if m := pattern.search(text):
            out["core_flight"] = max(1, min(int(m[1]), 50))
            spans.append(m.span())
            break
    else:
        if m := RE_REUSED.search(text):
            out["core_flight"] = max(1, min(int(m[1]) + 1, 50))
            spans.append(m.span())
    if m := RE_MASS.search(text):
        mass = _mass(m)
        spans.append(m.span())
        if 0 < mass <= MAX_MASS_KG:
            out["payload_mass_kg"] = round(mass, 1)
            out["mass_written"] = m.group()
    if m := RE_ORBIT.search(text):
        written = m[1] or m[2]
        out["orbit"] = ORBIT_OF.get(normalise_name(written))
        out["orbit_written"] = written
        spans.append(m.span())
    for pattern in RE_PERCENT:
        if m := pattern.search(text):
            spans.append(m.span())
            share = float(m[1]) / 100
            if 0 < share <= 1:
                out["max_failure_probability"] = share
            break
    weather: dict[str, float] = {}
    if m := RE_WIND.search(text):
        weather["max_peak_wind"] = min(float(m[1]), 300.0)
        spans.append(m.span())
    if m := RE_LIGHTNING.search(text):
        weather["lightning_count"] = float(m[1] or m[2])
        spans.append(m.span())
    elif m := re.search(r"\bno lightning\b", text):
        weather["lightning_count"] = 0.0
        spans.append(m.span())
    out["weather"] = weather
    return out, spans


def _leftovers(masked: str) -> list[str]:
    """Runs of words left unread that name something (not question words)."""
    runs: list[list[str]] = []
    previous_end = -2
    for m in RE_TOKEN.finditer(masked):
        word = m.group().lower()
        stem = word.split("'")[0]  # what's, it's, can't
        known = stem in QUESTION_WORDS or (word.isdigit() and len(word) <= 2)
        if known:
            continue
        if runs and masked[previous_end : m.start()].strip() == "":
            runs[-1].append(word)
        else:
            runs.append([word])
        previous_end = m.end()
    return [" ".join(run) for run in runs]


def _intent(text: str, parsed: Interpretation) -> Intent:
    vehicles = len(parsed.vehicles)
    checks_capacity = parsed.payload_mass_kg is not None or parsed.orbit is not None
    if RE_WEATHER.search(text):
        return "weather_scrub"
    if RE_BOOSTER.search(text) and not RE_PAD_NEXT.search(text):
        return "booster_landing"
    if RE_RTF.search(text) and vehicles:
        return "return_to_flight"
    if RE_PLAN.search(text) and (vehicles != 1 or "plan" in text or checks_capacity):
        return "plan"
    if checks_capacity:
        # What can carry it there is part of the answer: the planner checks it.
        return "plan"
    if vehicles >= 2 and RE_COMPARE.search(text):
        return "compare"
    if parsed.pad is not None and (RE_PAD_NEXT.search(text) or not vehicles):
        return "pad_next"
    if parsed.site is not None and not vehicles and (parsed.periods or "launch" in text):
        return "plan"  # what can launch from a site, and when
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
    notes: list[str] = field(default_factory=list)

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
    out = []
    for m in parsed.vehicles:
        if m.how == "near_miss":
            out.append(f"read {m.written!r} as {m.name}")
        elif m.how in ("family", "series"):
            out.append(f"read {m.written!r} as {m.name}, the most recently flown of that name")
    return "; ".join(out)


def _quoted(items: Iterable[str]) -> str:
    return ", ".join(repr(i) for i in items)


def understood_line(parsed: Interpretation, today: dt.date, *, date_used: str | None) -> str:
    """'Understood: ...' in a sentence: what was read, as what, and the date the answer is for."""
    parts = [parsed.intent.replace("_", " ")]
    if parsed.vehicles:
        parts.append("vehicles " + ", ".join(m.name for m in parsed.vehicles))
    if parsed.pad is not None:
        parts.append(f"pad {parsed.pad[0]}/{parsed.pad[1]} ({parsed.pad_written!r})")
    elif parsed.site is not None:
        parts.append(f"site {parsed.site} ({parsed.site_written!r})")
    if parsed.other_sites:
        parts.append("also sites " + ", ".join(parsed.other_sites))
    for period in parsed.periods:
        parts.append(f"{period.text!r} = {period.describe()}")
    if parsed.payload_mass_kg is not None:
        parts.append(f"payload {parsed.payload_mass_kg:,.0f} kg ({parsed.mass_written!r})")
    if parsed.orbit is not None:
        parts.append(f"orbit {parsed.orbit} ({parsed.orbit_written!r})")
    if parsed.max_failure_probability is not None:
        parts.append(f"risk limit {w.percent(parsed.max_failure_probability)}")
    text = "Understood: " + "; ".join(parts) + "."
    if not parsed.periods and date_used is not None:
        text += f" No date was read, so the answer is for {date_used}."
    return text


class OfflineAnswerer:
    """Answers parsed questions with the tools, on one snapshot."""

    def __init__(self, snapshot: Snapshot, today: dt.date) -> None:
        self.snapshot = snapshot
        self.today = today
        served, catalogue = catalogue_source(snapshot)
        self.catalogue = catalogue
        self.cutoff = catalogue.cutoff
        self.parser = served.memo("question_parser", lambda: QuestionParser(catalogue))
        self.date_used: str | None = None

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
        if parsed.intent != "unknown":
            text += "\n\n" + understood_line(parsed, self.today, date_used=self.date_used)
        ignored = [i for i in parsed.ignored if i not in unreadable]
        if ignored:
            text += (
                f"\n\nNot understood, so not used: {_quoted(ignored)}. The answer above "
                "does not take them into account."
            )
        text += "\n\n" + OFFLINE_NOTE
        notes = [OFFLINE_NOTE, f"Understood as: {parsed.intent.replace('_', ' ')}."]
        notes += [f"{date} is not a calendar day and was ignored." for date in unreadable]
        notes += out.notes
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
            understood_as=parsed.summary(),
            ignored=ignored,
        )

    # ---- one method per intent -----------------------------------------------------------
    def _when(self, parsed: Interpretation) -> dt.datetime:
        when = parsed.date or _utc(self.today)
        self.date_used = "today, " + self.today.isoformat() if parsed.date is None else None
        return when

    def _first_day(self, parsed: Interpretation, date: str) -> str | None:
        """'2027-03-01 is the first day of 'next march' (2027-03-01 to 2027-03-31).' or None."""
        period = parsed.periods[0] if parsed.periods else None
        if period is None or period.last is None or period.last == period.first:
            return None
        return f"{date} is the first day of {period.text!r} ({period.describe()})."

    def _launch_risk(self, parsed: Interpretation, out: _Answer) -> None:
        vehicle = parsed.names[0]
        args: dict[str, Any] = {"vehicle": vehicle, "date": _iso(self._when(parsed))}
        if parsed.pad is not None:
            args.update(site=parsed.pad[0], pad=parsed.pad[1])
        elif parsed.site is not None:
            args["site"] = parsed.site
        result = out.call("predict_launch_failure", args)
        if not isinstance(result, ProbabilityAnswer):
            return
        where = ""
        if parsed.pad:
            where = f" from {parsed.pad[0]}/{parsed.pad[1]}"
        elif parsed.site:
            where = f" from {parsed.site}"
        ctx = result.context
        subject = w.a(vehicle)
        out.lines.append(
            f"{subject[0].upper()}{subject[1:]} launch{where} on {args['date']}: "
            "failure probability "
            f"{w.percent(result.probability)} (90% interval {w.interval(*result.interval)}) "
            f"{w.cite(result.model, result.version)}."
        )
        if (first := self._first_day(parsed, args["date"])) is not None:
            out.lines.append(first)
        if parsed.other_sites and parsed.pad is None:
            out.lines.append(
                f"One launch is from one site: this is for {parsed.site}, not "
                f"{', '.join(parsed.other_sites)}; a plan compares sites."
            )
        flights, failures = ctx.get("vehicle_flights"), ctx.get("vehicle_failures")
        if isinstance(flights, int) and isinstance(failures, int):
            out.lines.append(
                f"{vehicle} had flown {w.plural(flights, 'time')} with "
                f"{w.plural(failures, 'failure')} by "
                f"{result.as_of.date().isoformat() if result.as_of else 'the data cutoff'} "
                f"{w.cite(result.model, result.version)}."
            )
        mix = ctx.get("pad_mix")
        if parsed.pad is None and isinstance(mix, dict) and mix:
            out.lines.append(
                "No pad was named: the answer mixes the pads it used in the year before "
                f"({', '.join(sorted(mix))})."
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
        when = self._when(parsed)
        date = _iso(when)
        args: dict[str, Any] = {"vehicles": parsed.names[:8], "date": date}
        result = out.call("compare_vehicles", args)
        if isinstance(result, Comparison):
            out.lines.extend(result.summary)
            if (first := self._first_day(parsed, date)) is not None:
                out.lines.append(
                    f"Compared on {first.removesuffix('.')}; a plan over the whole period "
                    "ranks its dates too."
                )

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
        if parsed.payload_mass_kg is not None or parsed.orbit is not None:
            out.lines.append(
                "The landing model does not use payload mass or orbit (they made its backtest "
                "worse): they were passed on but do not change this number."
            )
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

    def _window(self, parsed: Interpretation, out: _Answer) -> tuple[dt.date, dt.date]:
        """The plan's window: the period named (at most a year), else the next 30 days."""
        if parsed.window is None:
            self.date_used = f"the 30 days from today, {self.today.isoformat()}"
            return self.today, self.today + dt.timedelta(days=30)
        start, end = parsed.window[0].date(), parsed.window[1].date()
        if end < start:
            start, end = end, start
        if (end - start).days > MAX_WINDOW_DAYS:
            cut = start + dt.timedelta(days=MAX_WINDOW_DAYS)
            out.lines.append(
                f"The period named runs {start} to {end}; a plan covers at most "
                f"{MAX_WINDOW_DAYS} days, so this one runs to {cut}."
            )
            end = cut
        return start, end

    def _plan(self, parsed: Interpretation, out: _Answer) -> None:
        start, end = self._window(parsed, out)
        args: dict[str, Any] = {"earliest_date": start.isoformat(), "latest_date": end.isoformat()}
        if parsed.vehicles:
            args["vehicles"] = parsed.names[:20]
        for key in ("payload_mass_kg", "orbit", "max_failure_probability"):
            if (value := getattr(parsed, key)) is not None:
                args[key] = value
        if parsed.where is not None:
            args["sites"] = list(dict.fromkeys([parsed.where, *parsed.other_sites]))
        args["max_options"] = 3
        if (end - start).days // 7 + 1 > 120:
            args["date_step_days"] = (end - start).days // 119 + 1
        result = out.call("plan_mission", args)
        if not isinstance(result, PlanResponse):
            return
        window = f"{args['earliest_date']} to {args['latest_date']}"
        what = ""
        if result.payload_mass_kg is not None or result.orbit is not None:
            mass = f"{result.payload_mass_kg:,.0f} kg" if result.payload_mass_kg else "a payload"
            where = {"LUNAR": "the Moon", "ESCAPE": "escape"}.get(result.orbit or "LEO")
            what = f", {mass} to {where or result.orbit or 'LEO'}"
        if len(parsed.vehicles) >= 2:
            out.lines.extend(_named_verdicts(parsed, result))
        if not result.options:
            out.lines.append(f"No option meets the requirements for {window}{what}.")
        else:
            unknown = result.options_unknown_capacity
            feasible = result.options_total - unknown
            counted = w.plural(feasible, "feasible option")
            if unknown:
                counted += f" and {w.plural(unknown, 'option')} of unknown capacity"
            if feasible == 0 and unknown:
                counted = (
                    f"{w.plural(unknown, 'option')}, none known to carry it (capacity unknown, "
                    "flagged)"
                )
            out.lines.append(f"For {window}{what}, the best of {counted}:")
            for option in result.options:
                out.lines.append(f"{option.rank}. {_option_line(option)}")
        if result.excluded_total:
            counts = ", ".join(f"{n} {r}" for r, n in result.excluded_by_reason.items())
            shown = "; ".join(
                f"{e.vehicle}{f' {e.site}/{e.pad}' if e.pad else ''}: {e.reason}"
                for e in result.excluded[:5]
            )
            out.lines.append(f"Excluded ({counts}): {shown}.")
        out.lines.extend(result.notes)
        out.lines.extend(result.limits)

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


def _option_line(option: Any) -> str:
    """One plan option in a sentence: where, when, the risk and the capacity, with sources."""
    f, c = option.failure, option.feasibility
    text = (
        f"{option.vehicle} from {option.site}/{option.pad} on {w.day(option.date)}: failure "
        f"probability {w.percent(f.probability)} (90% interval {w.interval(*f.interval)}) "
        f"{w.cite(f.model, f.version)}"
    )
    if option.flags.get("maiden_flight"):
        text += ", a maiden flight (its family's record)"
    if c.status == "feasible" and c.margin_kg is not None:
        text += (
            f"; capacity feasible ({c.basis}), margin {c.margin_kg:,.0f} kg "
            f"{w.cite(c.model, c.version)}"
        )
    elif c.status == "unknown":
        text += f"; capacity unknown, flagged {w.cite(c.model, c.version)}"
    return text + "."


def _named_verdicts(parsed: Interpretation, result: PlanResponse) -> list[str]:
    """For each vehicle the question named: its best option, or why it is out."""
    lines = []
    best: dict[str, Any] = {}
    for option in result.options:
        best.setdefault(option.vehicle, option)
    for mention in parsed.vehicles:
        name = mention.name
        if name in best:
            option, c = best[name], best[name].feasibility
            if c.status == "feasible" and c.margin_kg is not None:
                state = (
                    f"can carry it ({c.basis}, margin {c.margin_kg:,.0f} kg "
                    f"{w.cite(c.model, c.version)})"
                )
            elif c.status == "unknown":
                state = f"may carry it: its capacity is unknown {w.cite(c.model, c.version)}"
            else:
                state = "is an option (no payload mass was given)"
            lines.append(f"{name} {state}; its best option is number {option.rank} below.")
            continue
        reasons = [e for e in result.excluded if e.vehicle == name]
        if reasons:
            lines.append(f"{name} is out: {reasons[0].reason}: {reasons[0].message}.")
        else:
            lines.append(f"{name} has no option among the ones shown.")
    safe = [best[m.name] for m in parsed.vehicles if m.name in best]
    feasible = [o for o in safe if o.feasibility.status != "unknown"]
    if len(safe) >= 1:
        pick = min(feasible or safe, key=lambda o: o.failure.probability)
        lines.append(
            f"Of the vehicles you named, {pick.vehicle} is the lowest-risk one that "
            + ("can carry it." if pick.feasibility.status == "feasible" else "is kept.")
        )
    return lines


def answer_offline(
    question: str, snapshot: Snapshot, *, today: dt.date | None = None
) -> AskResponse:
    """Answer ``question`` without an LLM, from the tools' numbers, citing their versions."""
    day = today or dt.datetime.now(dt.UTC).date()
    return OfflineAnswerer(snapshot, day).answer(question)


def interpret(question: str, catalogue: Catalogue, *, today: dt.date) -> Interpretation:
    """How the offline parser reads ``question`` (for tests and debugging)."""
    return QuestionParser(catalogue).parse(question, today)
