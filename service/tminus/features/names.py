"""How the names people write are compared with GCAT's: folding, aliases and near misses.

One rule everywhere (the catalogue builds on it):

- **exact**: equal after folding case, spaces and punctuation, with common aliases mapped to
  GCAT's spelling ('Long March 2D' and 'CZ-2D' are 'Chang Zheng 2D'; 'SLC-40' is 'LC40');
- **near miss**: not exact, but at least :data:`NEAR_MISS_SCORE` similar (rapidfuzz's
  normalised Indel similarity, 0..100, on the folded names) to a known name: probably a typo,
  so the caller refuses it and lists the closest names;
- **suggestions** for a name like nothing known are those at least :data:`SUGGEST_SCORE`
  similar, best first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Final

from rapidfuzz import fuzz, process

# A name this similar to a known one (and not equal to it) is taken for a typo of it.
NEAR_MISS_SCORE: Final = 75.0
# Names at least this similar are offered as suggestions when nothing matches.
SUGGEST_SCORE: Final = 50.0
SUGGESTIONS: Final = 5

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Common English or short names of vehicles, mapped to GCAT's spelling (after folding).
_VEHICLE_ALIASES = (
    (re.compile(r"^longmarch"), "changzheng"),
    (re.compile(r"^cz(?=\d)"), "changzheng"),
)
# English names of launch sites that GCAT spells otherwise (its short names are "Canaveral",
# "Baykonur", "Vostochniy", ...): folded alias -> folded GCAT short name.
_SITE_ALIASES: dict[str, str] = {
    "cape": "canaveral",
    "thecape": "canaveral",
    "capecanaveral": "canaveral",
    "capecanaveralsfs": "canaveral",
    "ccsfs": "canaveral",
    "kennedyspacecenter": "kennedy",
    "kennedyspacecentre": "kennedy",
    "vandenbergsfb": "vandenberg",
    "vandenbergspaceforcebase": "vandenberg",
    "baikonur": "baykonur",
    "vostochny": "vostochniy",
    "guianaspacecentre": "kourou",
    "guianaspacecenter": "kourou",
    "frenchguiana": "kourou",
    "satishdhawan": "sriharikota",
    "bocachica": "starbase",
    "wallops": "wallopsmars",
    "wallopsisland": "wallopsmars",
    "mahiapeninsula": "mahia",
    "rocketlablaunchcomplex1": "mahia",
}
# Folded names remembered (pure functions of the text): a question's names are folded again at
# every lookup of the vehicle, site and pad indexes.
NAME_CACHE: Final = 4096
# Pad spellings: "SLC-40", "Space Launch Complex 40" and "LC-40" all mean GCAT's LC40.
_PAD_ALIASES = (
    (re.compile(r"^(spacelaunchcomplex|launchcomplex|slc)"), "lc"),
    (re.compile(r"^pad"), ""),
)


@lru_cache(maxsize=NAME_CACHE)
def normalise_name(name: str) -> str:
    """Case, space and punctuation folded: 'falcon-9' and 'Falcon 9' compare equal.

    A '+' is read as "plus", not dropped: 'Ariane 5G+' is another vehicle than 'Ariane 5G'.
    """
    return _NON_ALNUM.sub("", name.lower().replace("+", "plus"))


@lru_cache(maxsize=NAME_CACHE)
def normalise_vehicle(name: str) -> str:
    """A vehicle name folded, with common aliases ('Long March 2D', 'CZ-2D') mapped to GCAT's."""
    key = normalise_name(name)
    for pattern, replacement in _VEHICLE_ALIASES:
        key = pattern.sub(replacement, key)
    return key


@lru_cache(maxsize=NAME_CACHE)
def normalise_site(name: str) -> str:
    """A site name folded, with English names mapped to GCAT's ('Cape Canaveral', 'Baikonur')."""
    key = normalise_name(name)
    return _SITE_ALIASES.get(key, key)


@lru_cache(maxsize=NAME_CACHE)
def normalise_pad(name: str) -> str:
    """A pad name folded, with 'SLC-40' and 'LC-40' compared equal."""
    key = normalise_name(name)
    for pattern, replacement in _PAD_ALIASES:
        key = pattern.sub(replacement, key)
    return key


class NameIndex:
    """Known names by their folded key: exact lookup, prefix lookup and near misses."""

    def __init__(
        self, names: Iterable[str], normalise: Callable[[str], str] = normalise_name
    ) -> None:
        self.normalise = normalise
        self._by_key: dict[str, list[str]] = {}
        for name in sorted(set(names)):
            self._by_key.setdefault(normalise(name), []).append(name)
        self._keys = list(self._by_key)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.normalise(name) in self._by_key

    def __len__(self) -> int:
        return len(self._by_key)

    def resolve(self, name: str) -> str | None:
        """The known spelling of ``name`` (the first, if several fold alike), or None."""
        found = self._by_key.get(self.normalise(name))
        return found[0] if found else None

    def all_named(self, name: str) -> list[str]:
        """Every known spelling that folds like ``name``."""
        return list(self._by_key.get(self.normalise(name), []))

    def starting_with(self, name: str) -> list[str]:
        """Known names whose folded key starts with ``name``'s (and is longer)."""
        key = self.normalise(name)
        if not key:
            return []
        return [
            n for k, names in self._by_key.items() if k.startswith(key) and k != key for n in names
        ]

    def scored(
        self, name: str, *, score: float = SUGGEST_SCORE, n: int = SUGGESTIONS
    ) -> list[tuple[str, float]]:
        """Known names at least ``score`` similar to ``name`` (0..100), most similar first."""
        key = self.normalise(name)
        if not key:
            return []
        found = process.extract(key, self._keys, scorer=fuzz.ratio, score_cutoff=score, limit=n)
        return [(spelling, s) for k, s, _ in found for spelling in self._by_key[k]][:n]

    def closest(
        self, name: str, *, score: float = SUGGEST_SCORE, n: int = SUGGESTIONS
    ) -> list[str]:
        """Known names at least ``score`` similar to ``name``, most similar first."""
        return [spelling for spelling, _ in self.scored(name, score=score, n=n)]

    def near_misses(self, name: str) -> list[str]:
        """Known names close enough to ``name`` to take it for a typo of one of them."""
        return self.closest(name, score=NEAR_MISS_SCORE)
