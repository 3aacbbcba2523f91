"""Orbit classes as planners write them, and which records show a class reached.

The classes are :data:`tminus.data.schema.ORBIT_CLASSES`. :func:`parse_orbit` reads what people
write ("sun-synchronous", "geostationary", "to the Moon", "ISS") as one of them; the request
schemas and the offline question parser both use it, so a name means the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from tminus.data import schema as S
from tminus.features.names import normalise_name

ORBIT_CLASSES: Final = S.ORBIT_CLASSES
ORBIT_NAMES: Final[Mapping[str, str]] = {
    S.ORBIT_LEO: "low Earth orbit",
    S.ORBIT_SSO: "sun-synchronous orbit",
    S.ORBIT_MEO: "medium Earth orbit",
    S.ORBIT_GTO: "geostationary transfer orbit",
    S.ORBIT_GEO: "geostationary orbit",
    S.ORBIT_HEO: "highly elliptical orbit",
    S.ORBIT_LUNAR: "the Moon",
    S.ORBIT_ESCAPE: "escape (beyond the Moon)",
}
# What people write for each class. The ISS and China's station are in LEO; "polar" is read as
# SSO, the high-inclination class the record tells apart.
PHRASES: Final[Mapping[str, tuple[str, ...]]] = {
    S.ORBIT_LEO: (
        "low earth orbit",
        "low-earth orbit",
        "low earth",
        "low orbit",
        "vleo",
        "iss",
        "international space station",
        "space station",
        "tiangong",
    ),
    S.ORBIT_SSO: (
        "sun-synchronous orbit",
        "sun synchronous orbit",
        "sun-synchronous",
        "sun synchronous",
        "sun-sync",
        "sun sync",
        "heliosynchronous",
        "polar orbit",
        "polar",
    ),
    S.ORBIT_MEO: ("medium earth orbit", "medium-earth orbit", "medium earth", "mid earth orbit"),
    S.ORBIT_GTO: (
        "geostationary transfer orbit",
        "geostationary transfer",
        "geosynchronous transfer orbit",
        "geosynchronous transfer",
        "geo transfer",
    ),
    S.ORBIT_GEO: (
        "geostationary orbit",
        "geosynchronous orbit",
        "geostationary",
        "geosynchronous",
        "gso",
    ),
    S.ORBIT_HEO: (
        "highly elliptical orbit",
        "highly elliptical",
        "highly eccentric orbit",
        "molniya",
        "tundra orbit",
    ),
    S.ORBIT_LUNAR: (
        "lunar orbit",
        "lunar",
        "the moon",
        "moon",
        "tli",
        "translunar",
        "trans-lunar",
        "trans-lunar injection",
        "cislunar",
    ),
    S.ORBIT_ESCAPE: (
        "earth escape",
        "escape",
        "interplanetary",
        "deep space",
        "heliocentric",
        "solar orbit",
        "sun-earth l1",
        "sun-earth l2",
        "l1",
        "l2",
    ),
}
# Bodies beyond the Moon: destinations only after "to" ("to Mars"; Wallops' site is MARS).
PLANETS: Final = ("mercury", "venus", "mars", "jupiter", "saturn", "an asteroid", "asteroid")
ORBIT_ALIASES: Final[Mapping[str, str]] = {
    **{normalise_name(code): code for code in ORBIT_CLASSES},
    **{normalise_name(p): code for code, phrases in PHRASES.items() for p in phrases},
    **{normalise_name(p): S.ORBIT_ESCAPE for p in PLANETS},
}
# Which launches show a class reached. A satellite bound for GEO rides a transfer orbit, so a
# launch whose payload reached GEO reached GTO too; whatever reached escape could reach the
# Moon; SSO is a low Earth orbit.
REACHED_BY: Final[Mapping[str, tuple[str, ...]]] = {
    S.ORBIT_LEO: (S.ORBIT_LEO, S.ORBIT_SSO),
    S.ORBIT_SSO: (S.ORBIT_SSO,),
    S.ORBIT_MEO: (S.ORBIT_MEO,),
    S.ORBIT_GTO: (S.ORBIT_GTO, S.ORBIT_GEO),
    S.ORBIT_GEO: (S.ORBIT_GEO,),
    S.ORBIT_HEO: (S.ORBIT_HEO,),
    S.ORBIT_LUNAR: (S.ORBIT_LUNAR, S.ORBIT_ESCAPE),
    S.ORBIT_ESCAPE: (S.ORBIT_ESCAPE,),
}


def parse_orbit(text: str) -> str | None:
    """The orbit class ``text`` names ('sso', 'Sun-synchronous', 'GEO', 'to the Moon'), or None."""
    key = normalise_name(text)
    if key.startswith("to"):
        rest = key.removeprefix("to")
        if rest in ORBIT_ALIASES:
            return ORBIT_ALIASES[rest]
    return ORBIT_ALIASES.get(key)


def describe(orbit: str) -> str:
    """'SSO (sun-synchronous orbit)'."""
    name = ORBIT_NAMES.get(orbit)
    return f"{orbit} ({name})" if name else orbit


def reached_words(orbit: str) -> str:
    """How a class's evidence reads: 'GTO or GEO', 'the Moon or beyond'."""
    classes = REACHED_BY.get(orbit, (orbit,))
    if orbit == S.ORBIT_LUNAR:
        return "the Moon or beyond"
    return " or ".join(classes)
