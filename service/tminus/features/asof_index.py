"""The launch history as columns: any number of as-of reads in a few ``searchsorted`` calls.

:class:`AsOfIndex` holds, per grouping (vehicles, families, providers, their operational
launches, sites, pads, and the world: every launch, operational launches, vehicles' first
flights), the sorted days of each key's launches and of its failures, all keys' days of a
grouping concatenated into one array (key ``k``'s days are ``days[start[k]:start[k + 1]]``).
It is built once from a :class:`~tminus.features.history.LaunchHistory`, per served snapshot
and per training run, and never changes.

How many launches of key ``k`` came strictly before moment ``t``, for many rows at once, is one
``np.searchsorted``: every day on record has a rank among the sorted distinct moments on record,
a key's days are stored as ``k * stride + rank`` (sorted, because a key's days are), and a row
asks for ``k * stride + rank(t)``, ``rank(t)`` being the number of moments strictly before
``t``. Every stored day is one of those moments, so ``day < t`` exactly when
``rank(day) < rank(t)``: the integer search counts what the float bisection of
:meth:`~tminus.features.history.Record.at` counts, to the launch, for any mix of keys in one
call. A read costs O(log n) in the size of the record, whatever the batch.

The same arrays answer one row (``*_one`` methods, plain integers and floats, for the single
question path) and many rows (NumPy arrays, for batches and training); tests hold both to
:class:`~tminus.features.history.HistoryAt`, the record read launch by launch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tminus.features.history import YEAR_DAYS, LaunchHistory, Record

Ints = NDArray[np.int64]
# Ranks of moments (stored as 32-bit integers, read as any).
Ranks = NDArray[np.integer[Any]]
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]


class KeyDays:
    """Sorted days of many keys, concatenated; code ``len(keys)`` is a key with no days."""

    def __init__(
        self, per_key: Sequence[Sequence[float]], moments: Floats, *, dense: bool = False
    ) -> None:
        lengths = np.array([len(days) for days in per_key] + [0], dtype=np.int64)
        self.start: Ints = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=self.start[1:])
        # The days, then NaN: position len(days) reads as "none" in gathers below.
        self.days_or_nan: Floats = np.concatenate(
            [*(np.asarray(days, dtype=np.float64) for days in per_key), [np.nan]]
        )
        self.days: Floats = self.days_or_nan[:-1]
        self.rank: NDArray[np.int32] = np.searchsorted(moments, self.days).astype(np.int32)
        self.stride = len(moments) + 1
        self.ranked: Ints = self.keys() * self.stride + self.rank
        if len(self.ranked) > 1 and bool((np.diff(self.ranked) < 0).any()):
            raise ValueError("a key's days must be in time order")
        self._start = self.start.tolist()
        self._after_all = len(moments)
        # A grouping of one key (the world) keeps its count before every moment: O(1) reads.
        self._dense: NDArray[np.int32] | None = None
        if dense and len(per_key) == 1:
            self._dense = np.searchsorted(self.rank, np.arange(self.stride)).astype(np.int32)

    def count(self, keys: Ints, ranks: Ranks) -> Ints:
        """Days of each row's key strictly before each row's moment (given by its rank)."""
        if self._dense is not None:
            return np.where(keys == 0, self._dense[ranks], 0).astype(np.int64)
        found: Ints = np.searchsorted(self.ranked, keys * self.stride + ranks)
        return found - self.start[keys]

    def count_one(self, key: int, rank: int) -> int:
        """:meth:`count` of one row."""
        if rank >= self._after_all:  # after every moment on record: all of the key's days
            return self._start[key + 1] - self._start[key]
        if self._dense is not None:
            return int(self._dense[rank]) if key == 0 else 0
        return int(self.ranked.searchsorted(key * self.stride + rank)) - self._start[key]

    def keys(self) -> Ints:
        """The key of each day."""
        return np.repeat(np.arange(len(self.start) - 1, dtype=np.int64), np.diff(self.start))


class Grouping:
    """Launch and failure days per key of one grouping (e.g. every vehicle).

    ``codes`` maps a key to its code; :attr:`none` is the code of a key with no launch on
    record (unknown, or no key at all), which reads as an empty record.
    """

    def __init__(self, records: Mapping[str, Record], moments: Floats) -> None:
        self.names: tuple[str, ...] = tuple(records)
        self.codes: dict[str, int] = {name: i for i, name in enumerate(self.names)}
        self.none = len(self.names)
        dense = len(records) == 1
        self.launches = KeyDays([r.launch_days for r in records.values()], moments, dense=dense)
        self.failures = KeyDays([r.failure_days for r in records.values()], moments, dense=dense)
        # For each failure: how many of its key's launches came at or before it (the launches
        # "since the last failure" start there). The last slot serves rows with no failure.
        failures = self.failures
        after = self.launches.count(failures.keys(), failures.rank + 1)
        self.after_failure: Ints = np.append(after, 0)
        self._after_failure = self.after_failure.tolist()

    def code(self, name: str | None) -> int:
        """The code of ``name`` (:attr:`none` for None or a key with no launch)."""
        return self.none if name is None else self.codes.get(name, self.none)

    def code_array(self, names: Iterable[str | None]) -> Ints:
        """:meth:`code` of every name."""
        get, none = self.codes.get, self.none
        return np.fromiter((none if n is None else get(n, none) for n in names), dtype=np.int64)

    # ---- many rows -------------------------------------------------------------------------
    def at(self, keys: Ints, ranks: Ranks) -> RecordsAt:
        """Each row's key's record just before its moment: :meth:`Record.at`, for many rows."""
        flights = self.launches.count(keys, ranks)
        failures = self.failures.count(keys, ranks)
        has = failures > 0
        last = np.where(has, self.failures.start[keys] + failures - 1, len(self.failures.days))
        since = np.where(has, flights - self.after_failure[last], flights)
        return RecordsAt(
            flights=flights,
            failures=failures,
            last_failure_day=self.failures.days_or_nan[last],
            flights_since_failure=np.maximum(since, 0),
        )

    def between(self, keys: Ints, start: Ranks, end: Ranks) -> tuple[Ints, Ints]:
        """(launches, failures) of each row's key with ``start <= rank(day) < end``."""
        launches = self.launches.count(keys, end) - self.launches.count(keys, start)
        failures = self.failures.count(keys, end) - self.failures.count(keys, start)
        return launches, failures

    def recent(self, keys: Ints, ranks: Ranks, window: int) -> tuple[Ints, Ints]:
        """(launches, failures) among each row's key's last ``window`` launches before it."""
        flights = self.launches.count(keys, ranks)
        size = np.minimum(flights, window)
        first = np.where(size > 0, self.launches.start[keys] + flights - size, 0)
        # Failures from the day of the first launch in the window (ties on that day included,
        # as a bisection of the failure days from that day counts them).
        first_rank: Ranks = (
            self.launches.rank[first] if len(self.launches.rank) else np.zeros_like(keys)
        )
        failures = self.failures.count(keys, ranks) - self.failures.count(keys, first_rank)
        return size, np.where(size > 0, failures, 0)

    # ---- one row ---------------------------------------------------------------------------
    def at_one(self, key: int, rank: int) -> tuple[int, int, float | None, int]:
        """(flights, failures, last failure day, flights since it) of one key before a moment."""
        flights = self.launches.count_one(key, rank)
        failures = self.failures.count_one(key, rank)
        if not failures:
            return flights, 0, None, flights
        last = self.failures._start[key] + failures - 1
        since = flights - self._after_failure[last]
        return flights, failures, float(self.failures.days[last]), max(since, 0)

    def between_one(self, key: int, start: int, end: int) -> tuple[int, int]:
        """:meth:`between` of one row."""
        launches = self.launches.count_one(key, end) - self.launches.count_one(key, start)
        failures = self.failures.count_one(key, end) - self.failures.count_one(key, start)
        return launches, failures

    def recent_one(self, key: int, rank: int, window: int) -> tuple[int, int]:
        """:meth:`recent` of one row."""
        flights = self.launches.count_one(key, rank)
        size = min(flights, window)
        if size == 0:
            return 0, 0
        first_rank = int(self.launches.rank[self.launches._start[key] + flights - size])
        failures = self.failures.count_one(key, rank) - self.failures.count_one(key, first_rank)
        return size, failures


class _FamilyLatest:
    """Who launched each family's latest launch before a moment, for vehicles that had not
    flown: :meth:`~tminus.features.history.HistoryAt.provider_of`'s family rule, vectorised.

    A family's members' launches sorted by day, then by member order reversed (so that of the
    members whose last launch before the moment came on the same day, the one listed first in
    the family wins, as the rule's loop over members keeps the first), then in record order.
    """

    def __init__(self, index: AsOfIndex, moments: Floats) -> None:
        launches = index.vehicles.launches
        members_of = list(index.family_members.values())
        spans: list[tuple[int, int, int, int]] = [
            (code, ordinal, int(launches.start[member]), int(launches.start[member + 1]))
            for code, members in enumerate(members_of)
            for ordinal, member in enumerate(members)
        ]
        lengths = np.array([end - start for _, _, start, end in spans], dtype=np.int64)
        family: Ints = np.repeat(np.array([s[0] for s in spans], dtype=np.int64), lengths)
        ordinal: Ints = np.repeat(np.array([s[1] for s in spans], dtype=np.int64), lengths)
        position: Ints = (
            np.concatenate([np.arange(start, end) for _, _, start, end in spans])
            if spans
            else np.zeros(0, dtype=np.int64)
        )
        day = launches.days[position]
        order = np.lexsort((position, -ordinal, day, family))
        self.codes = {name: i for i, name in enumerate(index.family_members)}
        self.none = len(members_of)
        self.stride = len(moments) + 1
        self.ranked: Ints = (family * self.stride + launches.rank[position])[order]
        self.start: Ints = np.searchsorted(self.ranked, np.arange(self.none + 2) * self.stride)
        provider = index.vehicle_provider[position][order] if len(position) else position
        self.provider_at: Ints = np.append(provider, -1)
        self.index = index

    def provider(
        self, families: Sequence[str], manufacturers: Sequence[str | None], ranks: Ints
    ) -> Ints:
        """The provider code of each row's family's latest launch before it, else its
        manufacturer's if that launched anything before it, else -1."""
        codes = np.fromiter(
            (self.codes.get(f, self.none) for f in families), dtype=np.int64, count=len(families)
        )
        count = np.searchsorted(self.ranked, codes * self.stride + ranks) - self.start[codes]
        last = np.where(count > 0, self.start[codes] + count - 1, len(self.provider_at) - 1)
        out: Ints = self.provider_at[last]
        index = self.index
        for i in np.flatnonzero(out < 0).tolist():
            maker = manufacturers[i]
            if maker is None:
                continue
            code = index.providers.codes.get(maker)
            if code is not None and index.providers.launches.count_one(code, int(ranks[i])):
                out[i] = index.provider_names.index(maker)
        return out


@dataclass(frozen=True, slots=True)
class RecordsAt:
    """:class:`~tminus.features.history.RecordAt` for many rows (NaN: no failure yet)."""

    flights: Ints
    failures: Ints
    last_failure_day: Floats
    flights_since_failure: Ints


def _world(record: Record) -> dict[str, Record]:
    return {"": record}


class AsOfIndex:
    """A :class:`~tminus.features.history.LaunchHistory` as sorted arrays (module docstring).

    Reads take moments as ranks (:meth:`rank`, :meth:`rank_one`), keys as codes of their
    grouping (:meth:`Grouping.code`).
    """

    def __init__(self, history: LaunchHistory) -> None:
        groups = (
            history.vehicles,
            history.families,
            history.providers,
            history.provider_operational,
            history.sites,
        )
        every_day = [record.launch_days for group in groups for record in group.values()]
        every_day += [pad.days for pad in history.pads.values()]
        every_day += [history.everything.launch_days]
        self.moments: Floats = (
            np.unique(np.concatenate([np.asarray(d, dtype=np.float64) for d in every_day]))
            if every_day
            else np.zeros(0)
        )
        moments = self.moments
        self.vehicles = Grouping(history.vehicles, moments)
        self.families = Grouping(history.families, moments)
        self.providers = Grouping(history.providers, moments)
        self.provider_operational = Grouping(history.provider_operational, moments)
        self.sites = Grouping(history.sites, moments)
        self.pads = Grouping(
            {
                key: Record(launch_days=pad.days, failure_days=pad.failure_days)
                for key, pad in history.pads.items()
            },
            moments,
        )
        self.everything = Grouping(_world(history.everything), moments)
        self.operational = Grouping(_world(history.operational), moments)
        self.early = Grouping(_world(history.early), moments)
        # Per vehicle launch, aligned with self.vehicles.launches: its pad's code and who
        # launched it (a code of self.provider_names).
        self.provider_names: tuple[str, ...] = tuple(
            dict.fromkeys(
                [*history.providers, *(p for ps in history.vehicle_providers.values() for p in ps)]
            )
        )
        provider_code = {name: i for i, name in enumerate(self.provider_names)}
        names = self.vehicles.names
        pad_code: dict[str | None, int] = {None: self.pads.none}
        pad_code.update(self.pads.codes)
        every = chain.from_iterable
        self.vehicle_pad: Ints = np.fromiter(
            map(pad_code.__getitem__, every(history.vehicle_pads.get(n, []) for n in names)),
            dtype=np.int64,
        )
        self.vehicle_provider: Ints = np.fromiter(
            map(
                provider_code.__getitem__,
                every(history.vehicle_providers.get(n, []) for n in names),
            ),
            dtype=np.int64,
        )
        if (
            not len(self.vehicle_pad)
            == len(self.vehicle_provider)
            == len(self.vehicles.launches.days)
        ):
            raise ValueError("one pad and one provider per vehicle launch expected")
        self._vehicle_pad = self.vehicle_pad.tolist()
        self._vehicle_provider = self.vehicle_provider.tolist()
        # Provider name -> its code in each provider grouping.
        self.provider_all: Ints = self.providers.code_array(self.provider_names)
        self.provider_op: Ints = self.provider_operational.code_array(self.provider_names)
        self.family_members: dict[str, list[int]] = {
            family: [self.vehicles.codes[v] for v in members if v in self.vehicles.codes]
            for family, members in history.family_vehicles.items()
        }
        self._family_latest = _FamilyLatest(self, moments)

    # ---- moments ---------------------------------------------------------------------------
    def rank(self, t: Floats) -> Ints:
        """How many moments on record lie strictly before each of ``t``."""
        found: Ints = np.searchsorted(self.moments, t).astype(np.int64)
        return found

    def rank_one(self, t: float) -> int:
        """:meth:`rank` of one moment."""
        return int(self.moments.searchsorted(t))

    # ---- who launches ----------------------------------------------------------------------
    def provider_of(
        self,
        vehicles: Ints,
        families: Sequence[str],
        manufacturers: Sequence[str | None],
        t: Floats,
        ranks: Ints,
    ) -> Ints:
        """Who launches each row's vehicle at its moment, as a code of :attr:`provider_names`
        (-1: nobody known); :meth:`~tminus.features.history.HistoryAt.provider_of`'s rule.

        The provider of the vehicle's last launch before the moment; rows whose vehicle had
        not flown (few: maiden flights, unknown names) take the family's or manufacturer's
        rule one by one.
        """
        flights = self.vehicles.launches.count(vehicles, ranks)
        last = np.where(flights > 0, self.vehicles.launches.start[vehicles] + flights - 1, 0)
        out = (
            np.where(flights > 0, self.vehicle_provider[last], -1)
            if len(self.vehicle_provider)
            else np.full(len(vehicles), -1, dtype=np.int64)
        )
        unflown = np.flatnonzero(flights == 0)
        if len(unflown):
            out[unflown] = self._family_latest.provider(
                [families[i] for i in unflown.tolist()],
                [manufacturers[i] for i in unflown.tolist()],
                ranks[unflown],
            )
        return out

    def provider_one(self, vehicle: int, family: str, manufacturer: str | None, rank: int) -> int:
        """:meth:`provider_of` of one row."""
        flights = self.vehicles.launches.count_one(vehicle, rank)
        if flights:
            provider: int = self._vehicle_provider[
                self.vehicles.launches._start[vehicle] + flights - 1
            ]
            return provider
        return self._provider_without_flights(family, manufacturer, rank)

    def _provider_without_flights(self, family: str, manufacturer: str | None, rank: int) -> int:
        return int(self._family_latest.provider([family], [manufacturer], np.array([rank]))[0])

    # ---- where a launch with no pad named goes ---------------------------------------------
    def pad_mix(
        self, vehicle: str, family: str, site: str | None, t: float
    ) -> list[tuple[str, float]]:
        """:meth:`~tminus.features.history.HistoryAt.pad_mix`: the pads (with shares) a launch
        of ``vehicle`` at ``t`` with no pad named would go from."""
        rank = self.rank_one(t)
        year_rank = self.rank_one(t - YEAR_DAYS)
        code = self.vehicles.code(vehicle)

        def at_site(counts: list[tuple[str, int]]) -> list[tuple[str, int]]:
            return [(k, n) for k, n in counts if site is None or k.startswith(f"{site}/")]

        counts = at_site(self._pads_used(code, year_rank, rank))
        if not counts:
            counts = at_site(self._pads_used(code, None, rank))
        if not counts:
            pooled: Counter[str] = Counter()
            for member in self.family_members.get(family, []):
                pooled.update(dict(self._pads_used(member, year_rank, rank)))
            counts = at_site(pooled.most_common())
        total = sum(n for _, n in counts)
        return [(key, n / total) for key, n in counts]

    def _pads_used(self, vehicle: int, start: int | None, end: int) -> list[tuple[str, int]]:
        """The pads of a vehicle's launches with ``start <= rank < end``, most used first."""
        if vehicle == self.vehicles.none:
            return []
        launches = self.vehicles.launches
        first = 0 if start is None else launches.count_one(vehicle, start)
        last = launches.count_one(vehicle, end)
        offset = launches._start[vehicle]
        none, names = self.pads.none, self.pads.names
        used = Counter(
            names[code]
            for code in self._vehicle_pad[offset + first : offset + last]
            if code != none
        )
        return used.most_common()

    # ---- footprint -------------------------------------------------------------------------
    @property
    def nbytes(self) -> int:
        """Bytes held in arrays (what the record costs beyond its Python objects)."""
        arrays: list[NDArray[np.generic]] = [
            self.moments,
            self.vehicle_pad,
            self.vehicle_provider,
            self._family_latest.ranked,
            self._family_latest.provider_at,
        ]
        for group in (
            self.vehicles,
            self.families,
            self.providers,
            self.provider_operational,
            self.sites,
            self.pads,
            self.everything,
            self.operational,
            self.early,
        ):
            for days in (group.launches, group.failures):
                arrays += [days.start, days.days_or_nan, days.rank, days.ranked]
                if days._dense is not None:
                    arrays.append(days._dense)
            arrays.append(group.after_failure)
        return sum(a.nbytes for a in arrays)
