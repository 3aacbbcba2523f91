"""The words of planners' and insurers' questions: what each kind of question is made of.

The offline parser (:mod:`tminus.tools.parser`) reads questions with these words and the
catalogue's names; nothing here knows a vehicle. English words come from a word list shipped
with the package (:func:`english_words`): no ordinary English word ("partial", "launcher",
"much") is ever read as a vehicle by a near miss, and a vehicle whose name is an English word
("Electron", "Proton") is read as one only where the question writes it as a name.
"""

from __future__ import annotations

import gzip
import re
from functools import cache
from importlib import resources
from typing import Final

from tminus.features.orbits import PHRASES, PLANETS
from tminus.serving.models import MODELS_BY_NAME

OFFLINE_NOTE: Final = (
    "Answered without an LLM, by T-Minus' deterministic parser; set TMINUS_LLM_BASE_URL and "
    "TMINUS_LLM_MODEL for free-form questions."
)
SHAPES: Final = (
    "risk of <vehicle> [from <pad or site>] [next March | in 3 weeks | on 2026-03-01]",
    "chance of a partial failure or claim on <vehicle> (insurance)",
    "when can <pad or site> launch next",
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
        whats partial partially anomaly anomalies claim claims insure insured insurer insurers
        insurance underwrite underwriter underwriting premium premiums cost costs price prices
        pricing forecast abort safety catch caught tower""",
    )
)
# Words around a vehicle whose name is also an English word that show it is meant as one:
# "an electron launch", "the Proton rocket", "launch on electron".
VEHICLE_CONTEXT_AFTER: Final = frozenset(
    (
        "rocket",
        "rockets",
        "launch",
        "launches",
        "launched",
        "launching",
        "launcher",
        "vehicle",
        "booster",
        "boosters",
        "flight",
        "flights",
        "mission",
        "missions",
        "fly",
        "flies",
        "flying",
        "failure",
        "fails",
    )
)
VEHICLE_CONTEXT_BEFORE: Final = frozenset(["on", "aboard", "by"])

RE_PAD = re.compile(
    r"\b(?:space\s+launch\s+complex|launch\s+complex|launch\s+pad|slc|lc|ela|pad)"
    r"[\s-]*\d{1,3}[a-z]?(?:/\d{1,2})?\b",
    re.IGNORECASE,
)
RE_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?", re.IGNORECASE)
# A mass: "3,000 kg" (a comma before three digits groups thousands), "2,5 t" (a decimal comma),
# "1.5 tonnes", "800kg", "1000 lbs".
RE_MASS = re.compile(
    r"\b(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+,\d{1,2}(?!\d)|\d+(?:\.\d+)?)\s*-?\s*"
    r"(kg|kgs|kilograms?|kilos?|metric\s+tons?|tonnes?|tons?|t|lbs?|pounds?)\b"
)
KG_PER: Final = {"t": 1000.0, "ton": 1000.0, "tonne": 1000.0, "metric": 1000.0, "lb": 0.45359237}
MAX_MASS_KG: Final = 300_000.0
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

# The words that ask each model's question: declared with the model (serving/models.py).
RE_WEATHER: Final = re.compile(MODELS_BY_NAME["weather_scrub"].question_words)
RE_BOOSTER: Final = re.compile(MODELS_BY_NAME["booster_landing"].question_words)
RE_RTF: Final = re.compile(MODELS_BY_NAME["return_to_flight"].question_words)
RE_PLAN = re.compile(
    r"\bplan\b|\bplanning\b|which (?:vehicle|rocket|pad|launcher|option)|best (?:vehicle|rocket"
    r"|option|pad|launcher|date)|\boptions?\b|\bwindow\b"
    r"|\bcarry\b|\blift\b|what (?:can|could) (?:launch|take|fly|carry|lift)"
)
RE_COMPARE = re.compile(
    r"\bcompare|\bcomparison|\bvs\.?\b|\bversus\b|\bwhich is (?:safer|riskier|more reliable)"
    r"|\bsafer\b|\bor\b"
)
RE_PAD_NEXT: Final = re.compile(MODELS_BY_NAME["pad_turnaround"].question_words)
RE_LIST_PADS = re.compile(r"\b(?:which|what|list)\s+(?:launch\s+)?pads\b|\bpads\b.*\buse")
RE_LIST_VEHICLES = re.compile(
    r"\b(?:which|what|list|known)\s+(?:launch\s+)?(?:vehicles|rockets|launchers)\b"
)
RE_ANOMALY: Final = re.compile(MODELS_BY_NAME["launch_anomaly"].question_words)
LANDING_WORDS: Final = (
    (re.compile(r"\brtls\b|return to (?:the )?launch site|landing zone|\blz-?\d"), "RTLS"),
    (re.compile(r"\bocean\b|\bexpendable\b|\bsplash"), "Ocean"),
    (re.compile(r"\basds\b|drone\s*ship|\bbarge\b|\bocisly\b|\bjrti\b|\basog\b"), "ASDS"),
)
# Boosters the landing model knows (trained on the SpaceX API's Falcon landings).
LANDING_VEHICLES: Final = ("Falcon 9", "Falcon Heavy")

# Questions about things T-Minus does not predict, with what it can answer instead.
NOT_PREDICTED: Final = (
    (
        "price",
        re.compile(
            r"\b(?:cost|costs|costing|price|prices|priced|pricing|premiums?|how\s+much\s+"
            r"(?:is|are|does|do|would|will)\b.*\b(?:charge|pay|cost)|per\s+kilo(?:gram)?"
            r"|usd|dollars?|euros?)\b|\$"
        ),
        "T-Minus does not predict launch prices or insurance premiums: they are not in the "
        "public launch record.",
    ),
    (
        "weather_forecast",
        re.compile(
            r"\bforecasts?\b|\bwill it (?:rain|snow|be (?:windy|cloudy|sunny))\b"
            r"|\btemperature\b|\bhow (?:windy|cold|hot|cloudy)\b"
        ),
        "T-Minus does not forecast weather: it gives the probability that weather scrubs a "
        "Cape launch attempt given the sensor readings (peak wind, field mill, lightning).",
    ),
    (
        "crew_safety",
        re.compile(
            r"\bcrew\b.*\babort|\babort\b.*\bcrew\b|\babort\s+system|\blaunch\s+escape"
            r"|\bastronauts?\b.*\b(?:safe|survive|die|killed)|\bcrew\s+safety"
        ),
        "T-Minus does not model crew safety or abort systems: it gives the probability that a "
        "launch fails outright or partly (an abort would follow most failures).",
    ),
    (
        "schedule_slip",
        re.compile(
            r"\b(?:delay(?:s|ed)?|slip(?:s|ped|page)?|postpone[sd]?|on\s+time|on\s+schedule"
            r"|launch\s+date\s+move)\b"
        ),
        "T-Minus does not predict schedule slips yet: the public schedule history it holds "
        "covers ten days of 2026. It gives a pad's turnaround, return to flight after a "
        "failure and the odds of a weather scrub at the Cape.",
    ),
)


def orbit_pattern() -> re.Pattern[str]:
    """Orbit words of :data:`tminus.features.orbits.PHRASES`, longest first; a planet only
    after "to" ("to Mars")."""
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


RE_ORBIT: Final = orbit_pattern()


@cache
def english_words() -> frozenset[str]:
    """Lower-case English words (SCOWL, from Debian's wamerican; see english_words.NOTICE)."""
    data = resources.files("tminus.tools").joinpath("english_words.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode("ascii").split())


def is_english(word: str) -> bool:
    """Whether ``word`` (lower case) is an English word or a word questions are made of."""
    return word in QUESTION_WORDS or word in english_words()
