"""How the names people write are compared with GCAT's: folding, aliases and near misses.

One rule everywhere (the catalogue builds on it, and every face resolves through the
catalogue):

- **exact**: equal after folding case, spaces and punctuation, with the aliases of T-Minus'
  reference mapped to GCAT's spelling (:class:`NameRules`: 'Long March 2D' and 'CZ-2D' are
  'Chang Zheng 2D'; 'SLC-40' is 'LC40'; 'F9' is 'Falcon 9');
- **near miss**: not exact, but at least :data:`NEAR_MISS_SCORE` similar (rapidfuzz's
  normalised Indel similarity, 0..100, on the folded names) to a known name: probably a typo,
  so the caller refuses it and lists the closest names;
- **suggestions** for a name like nothing known are those at least :data:`SUGGEST_SCORE`
  similar, best first.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Final

from rapidfuzz import fuzz, process

# A name this similar to a known one (and not equal to it) is taken for a typo of it.
NEAR_MISS_SCORE: Final = 75.0
# Names at least this similar are offered as suggestions when nothing matches.
SUGGEST_SCORE: Final = 50.0
SUGGESTIONS: Final = 5

# Spaces and punctuation are folded away; letters and digits of any script are kept, so that
# "Falcon ９" (a full-width digit) is not "Falcon".
_NON_ALNUM = re.compile(r"[\W_]+")
# Folded names remembered (pure functions of the text): a question's names are folded again at
# every lookup of the vehicle, site and pad indexes.
NAME_CACHE: Final = 4096


@lru_cache(maxsize=NAME_CACHE)
def normalise_name(name: str) -> str:
    """Case, space and punctuation folded: 'falcon-9' and 'Falcon 9' compare equal.

    A '+' is read as "plus", not dropped: 'Ariane 5G+' is another vehicle than 'Ariane 5G'.
    """
    return _NON_ALNUM.sub("", name.lower().replace("+", "plus"))


class NameRules:
    """How names people write map to GCAT's: folding, then the aliases of T-Minus' reference.

    The aliases are data (``datasets/reference/vehicles.toml``, carried in every artifact's
    reference), by kind (:data:`tminus.data.schema.ALIAS_KINDS`):

    - ``prefix``: the start of vehicle names ('Long March 2D' and 'CZ-2D' are 'Chang Zheng
      2D'; 'H-2A 202' is 'H-IIA 202'), applied when what follows is nothing or a number;
    - ``site``: English names of sites GCAT spells otherwise ('Baikonur' is 'Baykonur');
    - ``pad_prefix``: pad spellings ('SLC-40' and 'Space Launch Complex 40' are 'LC40').

    Vehicle aliases ('F9') are names in their own right: the catalogue indexes them.
    """

    def __init__(self, aliases: Mapping[str, Mapping[str, str]] | None = None) -> None:
        by_kind = aliases or {}

        def folded(kind: str) -> dict[str, str]:
            return {
                normalise_name(written): normalise_name(means)
                for written, means in by_kind.get(kind, {}).items()
            }

        # Longest first: 'Long March' before a shorter alias that starts it.
        self._prefixes = sorted(folded("prefix").items(), key=lambda item: -len(item[0]))
        self._sites = folded("site")
        self._pad_prefixes = sorted(folded("pad_prefix").items(), key=lambda item: -len(item[0]))
        self._cache: dict[tuple[str, str], str] = {}

    def _remember(self, kind: str, name: str, key: str) -> str:
        if len(self._cache) >= NAME_CACHE:
            self._cache.clear()
        self._cache[(kind, name)] = key
        return key

    def vehicle(self, name: str) -> str:
        """A vehicle name folded, with prefix aliases applied ('CZ-2D' -> 'changzheng2d')."""
        found = self._cache.get(("v", name))
        if found is not None:
            return found
        key = normalise_name(name)
        for written, means in self._prefixes:
            rest = key[len(written) :]
            if key.startswith(written) and (not rest or rest[0].isdigit()):
                key = means + rest
                break
        return self._remember("v", name, key)

    def site(self, name: str) -> str:
        """A site name folded, English names mapped to GCAT's ('Cape Canaveral' -> 'canaveral')."""
        key = normalise_name(name)
        return self._sites.get(key, key)

    def pad(self, name: str) -> str:
        """A pad name folded, with 'SLC-40' and 'LC-40' compared equal."""
        found = self._cache.get(("p", name))
        if found is not None:
            return found
        key = normalise_name(name)
        for written, means in self._pad_prefixes:
            if key.startswith(written):
                key = means + key[len(written) :]
                break
        return self._remember("p", name, key)


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
        self._sorted = sorted(self._keys)

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
        out: list[str] = []
        # The keys starting with ``key`` sit together in sorted order, from where it would go.
        for k in self._sorted[bisect_left(self._sorted, key) :]:
            if not k.startswith(key):
                break
            if k != key:
                out.extend(self._by_key[k])
        return out

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
