"""Reading a question: what is asked, about which vehicles, pads and sites, when, and with what.

:class:`QuestionParser` reads a question into an :class:`Interpretation`. Names are resolved by
the catalogue's one rule (:class:`tminus.predictors.catalogue.Catalogue`, the resolver every
face uses); this module only finds where in the text a name is written:

- **vehicles** are found only where a vehicle is named: an exact name or alias ("Falcon 9",
  "F9", "Delta IV Heavy", "Long March 2D"), a series or family ("Ariane 6", "Vulcan", "Atlas
  V": the variant flying on the date), or a near miss of one ("Falcn 9") when the words
  written are not English words. An ordinary English word ("partial", "launcher", "much") is
  never read as a vehicle; a vehicle whose name is an English word ("Electron", "Proton") is
  read as one when written as a name (capitalised, or beside "launch", "rocket", ...);
- **where**: a pad ("SLC-40", "pad 39A") or a site by code or name ("KSC", "Cape Canaveral",
  "Kourou", "Mahia");
- **when** (:mod:`tminus.tools.dates`), a date that reads two ways ("3/4/2027") flagged with
  both readings;
- **what and where to**: a payload mass ("3 t", "3,000 kg", "2,5 t" with a decimal comma,
  "1000 lbs") and an orbit ("SSO", "geostationary", "to the Moon");
- a risk limit, the booster and weather details, and what kind of question it is (intent),
  including questions T-Minus does not answer (prices, weather forecasts, crew safety).

Every span read is kept; the words left over that carry meaning are reported as ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

from tminus.features.orbits import parse_orbit
from tminus.features.timebase import to_day
from tminus.predictors.base import QueryError
from tminus.predictors.catalogue import Catalogue
from tminus.tools.dates import Period, find_periods
from tminus.tools.vocabulary import (
    KG_PER,
    LANDING_WORDS,
    MAX_MASS_KG,
    NOT_PREDICTED,
    QUESTION_WORDS,
    RE_ANOMALY,
    RE_BOOSTER,
    RE_COMPARE,
    RE_CORE_FLIGHT,
    RE_LIGHTNING,
    RE_LIST_PADS,
    RE_LIST_VEHICLES,
    RE_MASS,
    RE_ORBIT,
    RE_PAD,
    RE_PAD_NEXT,
    RE_PERCENT,
    RE_PLAN,
    RE_REUSED,
    RE_RTF,
    RE_TOKEN,
    RE_WEATHER,
    RE_WIND,
    STOPWORDS,
    VEHICLE_CONTEXT_AFTER,
    VEHICLE_CONTEXT_BEFORE,
    is_english,
)

Intent = Literal[
    "launch_risk",
    "launch_anomaly",
    "pad_next",
    "compare",
    "return_to_flight",
    "booster_landing",
    "weather_scrub",
    "plan",
    "list_pads",
    "list_vehicles",
    "not_predicted",
    "unknown",
]
How = Literal["exact", "alias", "family", "series", "near_miss"]
HOWS: Final[tuple[How, ...]] = ("exact", "alias", "family", "series", "near_miss")
SERIES: Final[tuple[How, ...]] = ("family", "series")
# A span of at most this many words is tried as a vehicle name.
MAX_NAME_WORDS: Final = 5


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
    """A vehicle found in the question: what was written and what it was read as.

    ``how``: ``exact``, ``alias`` (a name T-Minus knows for it), ``family`` or ``series`` (the
    variant of what was written flying on the date), or ``near_miss`` (a typo of a known name).
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
    topic: str | None = None  # a question T-Minus does not answer: which (price, ...)
    notes: tuple[str, ...] = ()  # how something ambiguous was read (a date, a mass)

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
        if self.topic is not None:
            out["topic"] = self.topic
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
                    **(
                        {"also_reads_as": p.alternative.isoformat()}
                        if p.alternative is not None
                        else {}
                    ),
                }
                for p in self.periods
            ]
        if self.payload_mass_kg is not None:
            out["payload_mass_kg"] = {"written": self.mass_written, "kg": self.payload_mass_kg}
        if self.orbit is not None:
            out["orbit"] = {"written": self.orbit_written, "class": self.orbit}
        if self.max_failure_probability is not None:
            out["max_failure_probability"] = self.max_failure_probability
        if self.notes:
            out["notes"] = list(self.notes)
        return out


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    word: str  # lower case
    written: str  # as the question writes it


class QuestionParser:
    """Reads questions with one catalogue's vehicle, site and pad names."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        # Among equal matches, the most recently flown vehicle wins.
        ranked = sorted(
            catalogue.vehicles(),
            key=lambda v: (v.last_flight is None, -(v.last_flight or _EPOCH).timestamp()),
        )
        self.order = {v.name: i for i, v in enumerate(ranked)}
        self.site_names = catalogue.site_names()
        self.site_codes = {p.site for p in catalogue.pads()}

    # ---- vehicles ----------------------------------------------------------------------
    def find_vehicles(
        self, text: str, original: str, *, at: float | None = None, kinds: Iterable[How] = HOWS
    ) -> tuple[list[Mention], list[Mention]]:
        """Vehicles named in ``text`` (lower case; ``original`` as written), in order, each
        once, read in the ways ``kinds`` allows; and the weak ones: a vehicle whose name is an
        English word, not written as a name ("the electron")."""
        allowed = set(kinds)
        tokens = [
            _Token(m.start(), m.end(), m.group().lower(), original[m.start() : m.end()])
            for m in RE_TOKEN.finditer(text)
        ]
        strong: list[tuple[float, int, int, int, str, How]] = []
        weak: list[tuple[float, int, int, int, str, How]] = []
        for n in range(MAX_NAME_WORDS, 0, -1):
            for i in range(len(tokens) - n + 1):
                span = tokens[i : i + n]
                words = [t.word for t in span]
                written = text[span[0].start : span[-1].end]
                edge_stop = words[0] in STOPWORDS or words[-1] in STOPWORDS
                if n == 1 and words[0] in STOPWORDS:
                    continue
                match = self.catalogue.match_vehicle(written, at=at)
                if match is not None and match.name in self.order:
                    how: How = match.matched  # type: ignore[assignment]
                    if how not in allowed:
                        continue
                    found = (1.0 if how in ("exact", "alias") else 0.999, n, i, i + n)
                    if how in ("family", "series"):
                        # The start of names ('Vulcan', 'Ariane 6') needs a word of a name, not
                        # an English one ('space' starts 'Space Shuttle', 'launcher' starts
                        # 'LauncherOne').
                        if edge_stop or not any(_distinctive(w) for w in words):
                            continue
                        strong.append((*found, match.name, how))
                    elif n == 1 and is_english(words[0]) and not _named(tokens, i):
                        weak.append((*found, match.name, how))
                    else:
                        strong.append((*found, match.name, how))
                    continue
                if "near_miss" not in allowed or edge_stop:
                    continue
                if not any(_distinctive(w) for w in words):
                    continue
                for close, score in self.catalogue.near_vehicles(written)[:3]:
                    if close in self.order:
                        strong.append((score / 100, n, i, i + n, close, "near_miss"))
        return self._mentions(text, tokens, strong), self._mentions(text, tokens, weak)

    def _mentions(
        self,
        text: str,
        tokens: list[_Token],
        candidates: list[tuple[float, int, int, int, str, How]],
    ) -> list[Mention]:
        # Best first: exact, then family or series, then closest, then longest, then most
        # recently flown.
        candidates.sort(key=lambda c: (-c[0], -c[1], self.order[c[4]], c[2]))
        used: set[int] = set()
        mentions: list[Mention] = []
        for _score, _n, start, end, name, how in candidates:
            if used.intersection(range(start, end)):
                continue
            used.update(range(start, end))
            first, last = tokens[start].start, tokens[end - 1].end
            mentions.append(
                Mention(text[first:last], name, how in ("exact", "alias"), first, how=how, end=last)
            )
        # Every mention, a vehicle named twice ("LVM3 vs GSLV Mk III") too: each is read.
        return sorted(mentions, key=lambda m: m.start)

    # ---- pads and sites ----------------------------------------------------------------
    def find_pad(self, text: str) -> tuple[tuple[str, str] | None, str | None, list[str]]:
        """The first pad mentioned: ``(site, pad)``, as written, and suggestions if unresolved."""
        for match in RE_PAD.finditer(text):
            written = match.group()
            attempts = [written]
            key = self.catalogue.rules.pad(written)
            if key.startswith("pad"):
                key = key.removeprefix("pad")
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
                code = self.site_names.get(self.catalogue.rules.site(written))
                as_code = original[start:end]
                if code is None and n == 1 and self._site_code(as_code, text[:start]):
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

    def _site_code(self, written: str, before: str) -> bool:
        """A site code written as one ('KSC', 'CSG'): upper case, known; a one-letter code or
        one that is also a word ('V', 'US') only right after "from" or "at"."""
        if not written.isupper() or written not in self.site_codes:
            return False
        plain = len(written) >= 2 and not is_english(written.lower())
        return plain or re.search(r"\b(?:from|at)\s+$", before.lower()) is not None

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

        at = to_day(_utc(today))
        # Whole names first: "Long March 5" is not the 5th of March.
        named, weak = self.find_vehicles(text, original, at=at, kinds=("exact", "alias"))
        spans += [(m.start, m.end) for m in named]
        periods = tuple(find_periods(mask(text), today))
        spans += [(p.start, p.end) for p in periods]
        pad, pad_written, _suggestions = self.find_pad(mask(text))
        spans += [m.span() for m in RE_PAD.finditer(text)]
        extras, extra_spans, notes = _extras(mask(text))
        spans += extra_spans
        # Then series and families, after the dates ("H2 2027" is a half year, not the H-II
        # family) and before the sites ("Atlas V" is not a site 'V').
        series, _ = self.find_vehicles(mask(text), mask(original), at=at, kinds=SERIES)
        spans += [(m.start, m.end) for m in series]
        sites = self.find_sites(mask(text), mask(original))
        spans += [(r.start, r.end) for r in sites]
        near, _ = self.find_vehicles(mask(text), mask(original), at=at, kinds=("near_miss",))
        spans += [(m.start, m.end) for m in near]
        # An English-word name listed beside others ("compare electron, vega-c and falcon 9").
        strong = [*named, *series, *near]
        listed = [m for m in weak if _beside(text, m, strong)]
        spans += [(m.start, m.end) for m in listed]
        weak = [m for m in weak if m not in listed]
        vehicles: dict[str, Mention] = {}
        for mention in sorted([*strong, *listed], key=lambda m: m.start):
            vehicles.setdefault(mention.name, mention)
        for period in periods:
            if period.alternative is not None:
                notes.append(
                    f"{period.text!r} reads two ways: {period.first.isoformat()} (month/day, "
                    f"used here) or {period.alternative.isoformat()} (day/month); write "
                    "YYYY-MM-DD to be sure"
                )
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
            site=None if not sites else str(sites[0].value),
            site_written=None if not sites else sites[0].written,
            other_sites=tuple(str(r.value) for r in sites[1:]),
            date=date,
            window=window,
            periods=periods,
            ignored=tuple(_leftovers(mask(text))),
            topic=_topic(text),
            notes=tuple(notes),
            **extras,
        )
        parsed = replace(base, intent=_intent(text, base))
        if parsed.intent == "unknown" and weak and not vehicles:
            # "risk of electron next month": the English word is the only vehicle named.
            spans += [(m.start, m.end) for m in weak]
            once = {m.name: m for m in reversed(weak)}  # the first mention of each
            promoted = replace(
                base,
                vehicles=tuple(sorted(once.values(), key=lambda m: m.start)),
                ignored=tuple(_leftovers(mask(text))),
            )
            parsed = replace(promoted, intent=_intent(text, promoted))
        return parsed


_EPOCH: Final = dt.datetime(1957, 1, 1, tzinfo=dt.UTC)


def _distinctive(word: str) -> bool:
    """A word a name may rest on: not English, not a bare number; a Roman numeral counts
    ("Atlas V", "Delta IV")."""
    if _ROMAN.fullmatch(word):
        return True
    if word.isdigit() or is_english(word):
        return False
    return len(word) >= 3 or any(c.isdigit() for c in word)


_ROMAN: Final = re.compile(r"i{1,3}|iv|vi{0,3}|ix|x")


def _beside(text: str, mention: Mention, others: Iterable[Mention]) -> bool:
    """Whether ``mention`` is listed with another vehicle: only commas, 'and', 'or', 'vs'
    between them ("electron, vega-c and falcon 9")."""
    for other in others:
        gap = (
            text[mention.end : other.start]
            if mention.end <= other.start
            else text[other.end : mention.start]
        )
        if re.fullmatch(r"[\s,;/&]*(?:(?:and|or|vs\.?|versus)[\s,]*)?", gap):
            return True
    return False


def _named(tokens: list[_Token], i: int) -> bool:
    """Whether the English word at ``i`` is written as a vehicle's name: capitalised, or next
    to a word that says it is a rocket ("electron launch", "the Proton rocket")."""
    token = tokens[i]
    if token.written[:1].isupper():
        return True
    after = tokens[i + 1].word if i + 1 < len(tokens) else ""
    before = tokens[i - 1].word if i > 0 else ""
    return after in VEHICLE_CONTEXT_AFTER or before in VEHICLE_CONTEXT_BEFORE


def _mass(match: re.Match[str]) -> float:
    number = match[1]
    if re.fullmatch(r"\d+,\d{1,2}", number):  # a decimal comma: "2,5 t"
        value = float(number.replace(",", "."))
    else:
        value = float(number.replace(",", ""))
    unit = match[2].split()[0].rstrip("s")
    if unit.startswith("pound"):
        unit = "lb"
    return value * KG_PER.get(unit, 1.0)


def _extras(text: str) -> tuple[dict[str, Any], list[tuple[int, int]], list[str]]:
    """Landing type, core flight, payload mass, orbit, risk limit and weather readings, the
    spans of ``text`` each was read from, and notes on what was read an unusual way."""
    out: dict[str, Any] = {}
    spans: list[tuple[int, int]] = []
    notes: list[str] = []
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
            if re.fullmatch(r"\d+,\d{1,2}", m[1]):
                notes.append(f"{m.group()!r} was read with a decimal comma: {mass:,.0f} kg")
        else:
            notes.append(
                f"{m.group()!r} is {mass:,.0f} kg, more than any launch vehicle carries "
                f"({MAX_MASS_KG:,.0f} kg at most), so it was not used"
            )
    if m := RE_ORBIT.search(text):
        written = m[1] or m[2]
        out["orbit"] = parse_orbit(written)
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
    return out, spans, notes


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


def _topic(text: str) -> str | None:
    """Which question T-Minus does not answer ``text`` asks, if any."""
    for topic, pattern, _ in NOT_PREDICTED:
        if pattern.search(text):
            if topic == "weather_forecast" and "scrub" in text:
                continue
            return topic
    return None


def _intent(text: str, parsed: Interpretation) -> Intent:
    vehicles = len(parsed.vehicles)
    checks_capacity = parsed.payload_mass_kg is not None or parsed.orbit is not None
    if parsed.topic is not None:
        return "not_predicted"
    if RE_WEATHER.search(text):
        return "weather_scrub"
    if RE_BOOSTER.search(text) and not RE_PAD_NEXT.search(text):
        return "booster_landing"
    if RE_RTF.search(text) and vehicles:
        return "return_to_flight"
    if RE_ANOMALY.search(text) and vehicles:
        return "launch_anomaly"
    # "between May and July": a window to plan in (not "the delta between X and Y").
    window = any(p.kind == "range" for p in parsed.periods)
    if (RE_PLAN.search(text) or window) and (vehicles != 1 or "plan" in text or checks_capacity):
        return "plan"
    if checks_capacity:
        # What can carry it there is part of the answer: the planner checks it.
        return "plan"
    if vehicles >= 2 and RE_COMPARE.search(text):
        return "compare"
    if parsed.pad is not None and (RE_PAD_NEXT.search(text) or not vehicles):
        return "pad_next"
    if parsed.site is not None and not vehicles and RE_PAD_NEXT.search(text):
        return "pad_next"  # "how soon can Mahia launch again": the site's pads
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


def interpret(question: str, catalogue: Catalogue, *, today: dt.date) -> Interpretation:
    """How the offline parser reads ``question`` with ``catalogue``'s names."""
    return QuestionParser(catalogue).parse(question, today)
