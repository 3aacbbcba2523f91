"""``launch_failure``: probability that an orbital launch fails, with a 90% interval.

The interval is the uncertainty of the failure probability given the data: the 5th to 95th
percentile of the probability over draws from the posterior of the fitted coefficients,
evaluated at the vehicle's own record as of the date (see
:class:`~tminus.predictors.logistic.PosteriorLogistic`).

Every answer reads the launch record through its columnar as-of index
(:class:`~tminus.features.asof_index.AsOfIndex`): one question (:meth:`predict`) with a few
scalar searches, many (:meth:`LaunchFailurePredictor.predict_batch`) with one ``searchsorted``
per grouping over all rows, the features as one matrix and the model as one matrix product.
Names are resolved once per distinct name, before any number is read.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from types import MappingProxyType
from typing import Any, ClassVar, Final, Self

import numpy as np
from numpy.typing import NDArray

from tminus.features.asof_index import AsOfIndex
from tminus.features.history import LaunchHistory, pad_key
from tminus.features.reference import Reference, StatusAt, end_day
from tminus.features.risk import (
    FEATURE_NAMES,
    PAD_FEATURE,
    Pooling,
    RiskContext,
    feature_matrix,
    feature_vector,
    features_and_rates,
    pad_feature,
    pooled_rate_columns,
    read_context,
    read_contexts,
    world_rates,
)
from tminus.features.timebase import from_day, to_day
from tminus.predictors.asof import LaunchRecord, cutoff_context, read_record
from tminus.predictors.base import (
    Predictor,
    ProbabilityPrediction,
    QueryError,
    StateError,
    require,
)
from tminus.predictors.catalogue import Catalogue, PadMatch, VehicleMatch
from tminus.predictors.logistic import PosteriorLogistic, interval_of, intervals_of

# Answers remembered per predictor, keyed by the question as asked and the moment the history
# is read at. Every question after the data cutoff is read at the cutoff, so the traffic a
# service sees (a few vehicles and pads, future dates) is a small set of distinct questions.
MEMO_SIZE = 8192
# Names resolved and remembered per predictor (vehicles, sites, pads as asked).
NAMES_SIZE: Final = 4096
# A name resolved to a family's or series' latest variant depends on the moment asked about.
_BY_MOMENT: Final = ("family", "series")
# Names whose answer says how they were read (resolved_from, resolved_as).
_READ_AS: Final = (*_BY_MOMENT, "alias")
# The context every answer starts with, in this order (then the optional keys, then where the
# date falls against the data cutoff).
CONTEXT_KEYS: Final = (
    "outcome",
    "vehicle",
    "family",
    "provider",
    "vehicle_state",
    "vehicle_flights",
    "vehicle_failures",
    "family_flights",
    "family_failures",
    "family_flights_since_failure",
    "days_since_family_failure",
    "family_in_development",
    "provider_recent_launches",
    "provider_recent_failures",
    "pooled_family_rate",
    "pooled_vehicle_rate",
)
# The keys only some answers carry, in this order.
OPTIONAL_KEYS: Final = ("resolved_from", "resolved_as", "pad", "pad_flights", "pad_mix")
# After where the date falls against the cutoff: the vehicle's status on the date asked.
STATUS_KEYS: Final = ("vehicle_status", "vehicle_status_since", "vehicle_status_source")
STATUS_FLAG: Final = "retired_vehicle"
FLAG_KEYS: Final = ("unseen_vehicle", "maiden_flight", "unseen_pad", "new_pad", "pad_unspecified")

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class _Answer:
    """The part of a prediction that depends only on the memo key; never mutated."""

    probability: float
    interval: tuple[float, float]
    flags: Mapping[str, bool]
    context: Mapping[str, Any]
    as_of: datetime  # the moment read (part of the memo key)


@dataclass(frozen=True, slots=True)
class _StatusChange:
    """A vehicle's status before and from the day it changes (``ends``; None: the same on
    every date), with the values of :data:`STATUS_KEYS` of each."""

    before: StatusAt
    after: StatusAt
    ends: float | None
    before_values: tuple[Any, ...]
    after_values: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class LaunchQuery:
    """A launch as a planner knows it. ``date`` is an aware UTC datetime."""

    vehicle: str
    date: datetime
    site: str | None = None
    pad: str | None = None
    orbit: str | None = None
    payload_mass_kg: float | None = None
    allow_unseen: bool = False  # a vehicle no table knows: the new-vehicle prior, flagged


@dataclass(frozen=True, slots=True)
class _Asked:
    """What a question's names mean: the vehicle, the site code, and the pad (None when no pad
    was asked, or the pad asked is one no table knows)."""

    vehicle: VehicleMatch
    site: str | None
    pad: PadMatch | None
    pad_asked: bool


@dataclass(frozen=True, eq=False)
class LaunchAnswers:
    """Answers to many launch questions, as columns.

    Rows asking the same question (vehicle, site and pad as asked) read at the same moment
    share one *answer*: ``rows`` lists the rows answered (ascending) and ``answer[k]`` the
    answer of ``rows[k]``; the per-answer columns are indexed by answer. What depends on a
    row's own date is per row: where it falls against the data cutoff, and the vehicle's
    status then (``status[k]``, an index into ``statuses``). ``errors`` holds the rows a name
    stopped (row -> :class:`QueryError`). :meth:`prediction` gives any row as :meth:`predict`
    would.
    """

    size: int
    rows: list[int]
    answer: list[int]
    errors: dict[int, QueryError]
    # per answer
    probability: list[float]
    low: list[float]
    high: list[float]
    read_at: list[float]
    flags: dict[str, list[bool]]
    # CONTEXT_KEYS then OPTIONAL_KEYS (None where an answer does not carry the key)
    context: dict[str, list[Any]]
    # per answered row
    before_data_cutoff: list[bool]
    history_read_at_cutoff: list[bool]
    days_past_cutoff: list[int]
    status: list[int]
    statuses: list[StatusAt]

    def __len__(self) -> int:
        return self.size

    @cached_property
    def _position(self) -> dict[int, int]:
        return {row: k for k, row in enumerate(self.rows)}

    @cached_property
    def as_of(self) -> list[datetime]:
        """Per answer, the moment the record was read at."""
        return [from_day(t) for t in self.read_at]

    def row_probability(self, i: int) -> float:
        """Row ``i``'s probability (:meth:`prediction`'s, without building the rest)."""
        if i in self.errors:
            raise self.errors[i]
        return self.probability[self.answer[self._position[i]]]

    def prediction(self, i: int) -> ProbabilityPrediction:
        """Row ``i`` as a :class:`ProbabilityPrediction`; raises the row's error if it has one."""
        if i in self.errors:
            raise self.errors[i]
        k = self._position[i]
        a = self.answer[k]
        context = {key: self.context[key][a] for key in CONTEXT_KEYS}
        for key in OPTIONAL_KEYS:
            value = self.context[key][a]
            if value is not None:
                context[key] = value
        context["before_data_cutoff"] = self.before_data_cutoff[k]
        context["history_read_at_cutoff"] = self.history_read_at_cutoff[k]
        status = self.statuses[self.status[k]]
        context.update(zip(STATUS_KEYS, status_values(status), strict=True))
        flags = {key: self.flags[key][a] for key in FLAG_KEYS}
        flags[STATUS_FLAG] = status.ended
        return ProbabilityPrediction(
            probability=self.probability[a],
            interval=(self.low[a], self.high[a]),
            flags=flags,
            context=context,
            as_of=self.as_of[a],
            days_past_cutoff=self.days_past_cutoff[k],
        )


class LaunchFailurePredictor(Predictor):
    """Constrained logistic regression on as-of history features, plus the history itself."""

    kind: ClassVar[str] = "tminus.launch_failure.v3"
    model: ClassVar[str] = "launch_failure"
    output = "probability"
    # What the probability is of, in the answer's context.
    outcome: ClassVar[str] = "failure"

    def __init__(
        self,
        *,
        history: LaunchHistory,
        reference: Reference,
        pooling: Pooling,
        signs: list[int],
        posterior: PosteriorLogistic,
        record: LaunchRecord | None = None,
    ) -> None:
        n = len(FEATURE_NAMES)
        if len(signs) != n or posterior.coef.shape != (n,):
            raise StateError(f"expected {n} coefficients and signs")
        # A record the registry loaded may be shared with other versions trained on the data.
        self.record = record if record is not None else LaunchRecord(history, reference)
        self.history = self.record.history
        self.reference = self.record.reference
        self.pooling = pooling
        self.signs = signs
        self.posterior = posterior
        self.catalogue: Catalogue = self.record.catalogue
        self.index: AsOfIndex = self.record.index
        # Per instance, so a new version starts empty. Plain dicts (single get, set and clear
        # are atomic under the GIL) rather than an lru_cache of a bound method, which would tie
        # the predictor into a reference cycle and keep old versions alive after a reload.
        self._memo: dict[tuple[str, str | None, str | None, float, bool], _Answer] = {}
        self._vehicles: dict[tuple[str, bool], VehicleMatch] = {}
        # Per vehicle: its status before and from the day its status ends (retired, ...),
        # that day (None: the same status on every date).
        self._statuses: dict[str, _StatusChange] = {}
        # The world's rates per moment read: every question after the cutoff reads the same.
        self._worlds: dict[float, tuple[float, float, float]] = {}
        self._sites: dict[str, str] = {}
        self._pads: dict[tuple[str, str | None], PadMatch | None] = {}

    # ---- state ---------------------------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        """JSON-safe state (the launch record to the cutoff, the weights)."""
        return {
            "record": self.record.to_state(),
            "pooling": self.pooling.to_state(),
            "feature_names": list(FEATURE_NAMES),
            "signs": list(self.signs),
            "posterior": self.posterior.to_state(),
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Self:
        """Rebuild and validate."""
        if require(state, "feature_names", list) != list(FEATURE_NAMES):
            raise StateError("artifact was fitted on other features than this code computes")
        pooling = require(state, "pooling", dict)
        n = len(FEATURE_NAMES)
        record = read_record(state)
        signs = require(state, "signs", list)
        if len(signs) != n or any(s not in (-1, 0, 1) for s in signs):
            raise StateError(f"expected {n} signs from -1, 0, 1")
        return cls(
            history=record.history,
            reference=record.reference,
            record=record,
            pooling=Pooling(
                family_strength=float(require(pooling, "family_strength", (int, float))),
                vehicle_strength=float(require(pooling, "vehicle_strength", (int, float))),
            ),
            signs=[int(s) for s in signs],
            posterior=PosteriorLogistic.from_state(require(state, "posterior", dict), n),
        )

    def input_schema(self) -> dict[str, Any]:
        """Allowed inputs: known vehicles, pads and sites (flown or not yet); any date."""
        pads = self.catalogue.pads()
        return {
            "vehicle": {
                "type": "string",
                "known": sorted(v.name for v in self.catalogue.vehicles()),
            },
            "site": {"type": "string", "known": sorted({p.site for p in pads})},
            "pad": {"type": "string", "known": sorted({p.pad for p in pads})},
            "date": {"type": "datetime", "unit": "UTC"},
            "orbit": {"type": "string", "used": False},
            "payload_mass_kg": {"type": "number", "used": False},
        }

    # ---- catalogue ----------------------------------------------------------------------
    @property
    def cutoff(self) -> datetime | None:
        """Time of the last launch in the history."""
        return self.catalogue.cutoff

    # ---- names: resolved once per distinct name --------------------------------------------
    def _resolve(
        self, vehicle: str, site: str | None, pad: str | None, t: float, allow_unseen: bool
    ) -> _Asked:
        """What the names of a question mean (the catalogue's rules); raises on a bad name.

        The catalogue decides; this remembers its answers, except a vehicle read as its
        family's latest variant, which depends on the moment ``t``. Without ``allow_unseen`` a
        name no table knows, vehicle or pad, is refused with the closest known names.
        """
        match = self._vehicles.get((vehicle, allow_unseen))
        if match is None:
            match = self.catalogue.resolve_vehicle(vehicle, at=t, allow_unseen=allow_unseen)
            if match.matched not in _BY_MOMENT:
                _remember(self._vehicles, (vehicle, allow_unseen), match)
        code = None
        if site is not None:
            code = self._sites.get(site)
            if code is None:
                code = self.catalogue.resolve_site(site)
                _remember(self._sites, site, code)
        found: PadMatch | None = None
        if pad is not None:
            key = (pad, code)
            if key in self._pads:
                found = self._pads[key]
            else:
                found = self.catalogue.resolve_pad(pad, code)
                _remember(self._pads, key, found)
            if found is None and not allow_unseen:
                raise QueryError(
                    "pad",
                    f"unknown pad {pad!r}: no launch record or GCAT list knows it; GET "
                    "/v1/pads lists the known pads (set allow_unseen to answer it as a pad "
                    "never seen, from a prior)",
                    suggestions=self.catalogue.suggest_pads(pad, code),
                    unknown_name=True,
                )
        if found is not None:
            code = found.site
        return _Asked(vehicle=match, site=code, pad=found, pad_asked=pad is not None)

    def _vehicle_at(self, asked: _Asked, t: float) -> VehicleMatch:
        """The vehicle a question means at moment ``t`` (a family's latest variant moves)."""
        match = asked.vehicle
        if match.matched in _BY_MOMENT:
            return self.catalogue.resolve_vehicle(match.asked, at=t, allow_unseen=True)
        return match

    def _status(self, vehicle: str, day: float) -> tuple[bool, tuple[Any, ...]]:
        """Whether ``vehicle`` had ended (retired, ...) on ``day``, and the values of
        :data:`STATUS_KEYS` then (T-Minus' reference, with its source): a vehicle that retired
        after ``day`` was active then."""
        change = self._status_change(vehicle)
        if change.ends is not None and day < change.ends:
            return change.before.ended, change.before_values
        return change.after.ended, change.after_values

    def _status_change(self, vehicle: str) -> _StatusChange:
        """``vehicle``'s status before and from the day it changes. A status changes on one
        day at most: worked out once a vehicle."""
        known = self._statuses.get(vehicle)
        if known is None:
            before = self.catalogue.status_at(vehicle, at=-math.inf)
            after = self.catalogue.status_at(vehicle, at=math.inf)
            ends = None if before.retires is None else end_day(before.retires)
            known = _StatusChange(before, after, ends, status_values(before), status_values(after))
            _remember(self._statuses, vehicle, known)
        return known

    def _manufacturer(self, vehicle: str) -> str | None:
        ref = self.reference.vehicles.get(vehicle)
        return None if ref is None else ref.manufacturer

    # ---- one question --------------------------------------------------------------------
    def predict(self, query: LaunchQuery) -> ProbabilityPrediction:
        """Failure probability of one launch, from the record as it stood at ``query.date``.

        The record is read at the question's moment (only earlier launches count), or at the
        end of the record for a later date. Pure in (vehicle, site, pad, moment read): repeated
        questions are answered from a memo of :data:`MEMO_SIZE` entries.
        """
        day = to_day(query.date)
        t = self.history.read_moment(day)
        key = (query.vehicle, query.site, query.pad, t, query.allow_unseen)
        answer = self._memo.get(key)
        if answer is None:
            answer = self._compute(*key)
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = answer
        context = dict(answer.context)
        context.update(cutoff_context(self.history, day))
        flags = dict(answer.flags)
        # The vehicle's status on the date asked (T-Minus' reference, with its source): a
        # vehicle that retired before then is answered, and flagged.
        flags[STATUS_FLAG], status = self._status(str(context["vehicle"]), day)
        context.update(zip(STATUS_KEYS, status, strict=True))
        return ProbabilityPrediction(
            probability=answer.probability,
            interval=answer.interval,
            flags=flags,
            context=context,
            as_of=answer.as_of,
            days_past_cutoff=self.history.days_past_cutoff(day),
        )

    def feature_vector(self, query: LaunchQuery) -> list[float]:
        """The feature vector :meth:`predict` reads for a launch from a named pad.

        For checks that the service reads what training computed; raises :class:`QueryError`
        for a query without a pad (its answer mixes the vehicle's pads).
        """
        if query.pad is None:
            raise QueryError("pad", "features are read for a named pad")
        t = self.history.read_moment(to_day(query.date))
        asked = self._resolve(query.vehicle, query.site, query.pad, t, query.allow_unseen)
        vehicle = self._vehicle_at(asked, t)
        rank = self.index.rank_one(t)
        ctx = self._context(vehicle, asked, t, rank, self._provider_one(vehicle, rank))
        return feature_vector(ctx, self.pooling)

    def _provider_one(self, vehicle: VehicleMatch, rank: int) -> int:
        if not vehicle.known:
            return -1
        index = self.index
        return index.provider_one(
            index.vehicles.code(vehicle.name),
            vehicle.family,
            self._manufacturer(vehicle.name),
            rank,
        )

    def _context(
        self, vehicle: VehicleMatch, asked: _Asked, t: float, rank: int, provider: int
    ) -> RiskContext:
        index = self.index
        world = self._worlds.get(t)
        if world is None:
            world = world_rates(index, t, rank)
            _remember(self._worlds, t, world)
        return read_context(
            index,
            t,
            vehicle=vehicle.name,
            family=vehicle.family,
            provider=provider,
            pad=index.pads.none if asked.pad is None else index.pads.code(asked.pad.key),
            rank=rank,
            world=world,
        )

    def _answer_for_pads(
        self, rank: int, x: list[float], mix: list[tuple[str, float]] | None
    ) -> tuple[float, tuple[float, float]]:
        """Probability and interval; with ``mix`` (pad key, share), the mixture over those pads.

        Only the pad term differs between the pads, so the mixture is a weighted mean of the
        per-pad answers and lies within their range; its interval is that of the mixture under
        every posterior draw. ``mix == []``: no pad term at all (the feature at its training
        mean). ``x``: the features (changed in place).
        """
        post = self.posterior
        if not mix:
            if mix is not None:  # no pad term at all
                x[PAD_FEATURE] = float(post.mean[PAD_FEATURE])
            return post.predict(x)
        p_mix = 0.0
        draws_mix = np.zeros(len(post.draw_intercept))
        pads = self.index.pads
        for key, share in mix:
            x[PAD_FEATURE] = pad_feature(pads.launches.count_one(pads.code(key), rank))
            p_mix += share * post.point(x)
            draws_mix += share * post.draws(x)
        return p_mix, interval_of(draws_mix, p_mix)

    def _compute(
        self,
        vehicle_asked: str,
        site_asked: str | None,
        pad_asked: str | None,
        t: float,
        allow_unseen: bool,
    ) -> _Answer:
        """Resolve the names and read the features at moment ``t``; raises on a bad name."""
        asked = self._resolve(vehicle_asked, site_asked, pad_asked, t, allow_unseen)
        vehicle = self._vehicle_at(asked, t)
        mix = (
            None
            if asked.pad_asked
            else self.index.pad_mix(vehicle.name, vehicle.family, asked.site, t)
        )
        rank = self.index.rank_one(t)
        provider = self._provider_one(vehicle, rank)
        ctx = self._context(vehicle, asked, t, rank, provider)
        x, family_rate, vehicle_rate = features_and_rates(ctx, self.pooling)
        probability, interval = self._answer_for_pads(rank, x, mix)
        flags = dict(
            zip(
                FLAG_KEYS,
                (
                    not vehicle.known,
                    vehicle.known and ctx.vehicle_flights == 0,
                    asked.pad_asked and asked.pad is None,
                    asked.pad is not None and ctx.pad_flights == 0,
                    not asked.pad_asked,
                ),
                strict=True,
            )
        )
        values = (
            self.outcome,
            vehicle.name,
            vehicle.family,
            None if provider < 0 else self.index.provider_names[provider],
            self.catalogue.vehicle_state(vehicle.name),
            ctx.vehicle_flights,
            ctx.vehicle_failures,
            ctx.family_flights,
            ctx.family_failures,
            ctx.family_flights_since_failure,
            ctx.days_since_family_failure,
            ctx.family_in_development,
            ctx.provider_flights,
            ctx.provider_failures,
            family_rate,
            vehicle_rate,
        )
        context = dict(zip(CONTEXT_KEYS, values, strict=True))
        for key, value in zip(
            OPTIONAL_KEYS, _optional(vehicle, asked.pad, ctx.pad_flights, mix), strict=True
        ):
            if value is not None:
                context[key] = value
        return _Answer(
            probability=probability,
            interval=interval,
            flags=MappingProxyType(flags),
            context=MappingProxyType(context),
            as_of=from_day(t),
        )

    # ---- many questions ------------------------------------------------------------------
    def predict_batch(
        self,
        vehicle: Sequence[str],
        date: Sequence[datetime],
        site: Sequence[str | None] | None = None,
        pad: Sequence[str | None] | None = None,
        allow_unseen: Sequence[bool] | None = None,
    ) -> LaunchAnswers:
        """Answer many launch questions at once: the entry point for anything that scores rows.

        Row ``i`` asks about a launch of ``vehicle[i]`` on ``date[i]`` (an aware UTC datetime)
        from ``pad[i]`` at ``site[i]`` (either may be None, or the whole column omitted), a
        name no table knows answered from a prior if ``allow_unseen[i]`` (default: refused). The
        answers equal :meth:`predict`'s, row for row: the probability to the bit, the interval
        to 1e-12 (the draws multiply all rows at once). Names are resolved once per distinct
        (vehicle, site, pad); each row is read at its own moment from the columnar index (one
        ``searchsorted`` per grouping for all rows), the features are one matrix, the model one
        matrix product. The REST batch routes answer through here; a planner scoring every
        vehicle x pad x day of a window should too (10,000 rows in milliseconds: tens of them
        when every row is a distinct past launch, a few when rows share questions).

        A row whose name cannot be resolved (a near miss, a pad at the wrong site) is in
        ``errors`` with its :class:`QueryError`; the other rows are answered.
        """
        n = len(vehicle)
        sites = [None] * n if site is None else list(site)
        pads = [None] * n if pad is None else list(pad)
        unseen = [False] * n if allow_unseen is None else list(allow_unseen)
        if not len(date) == len(sites) == len(pads) == len(unseen) == n:
            raise ValueError("every column of a batch needs one value per row")
        history = self.history
        # Each distinct moment and each distinct question once.
        moments: dict[datetime, int] = {}
        when_id = np.fromiter(
            (moments.setdefault(w, len(moments)) for w in date), dtype=np.int64, count=n
        )
        day = np.fromiter(map(to_day, moments), dtype=np.float64, count=len(moments))[when_id]
        horizon, last = history.horizon, history.last_day
        t = day if horizon is None else np.minimum(day, horizon)
        questions: dict[tuple[str, str | None, str | None, bool], int] = {}
        question = np.fromiter(
            (
                questions.setdefault(q, len(questions))
                for q in zip(vehicle, sites, pads, unseen, strict=True)
            ),
            dtype=np.int64,
            count=n,
        )
        # Names once per question (at its first row's moment: only a family name read as its
        # latest variant depends on the moment, and it is read again per answer).
        _, first = np.unique(question, return_index=True)
        asked: list[_Asked] = []
        failures: dict[int, QueryError] = {}
        for j, ((v, s, p, u), moment) in enumerate(zip(questions, t[first].tolist(), strict=True)):
            try:
                asked.append(self._resolve(v, s, p, moment, u))
            except QueryError as exc:
                failures[j] = exc  # its rows are not answered; a placeholder keeps the order
                asked.append(_Asked(VehicleMatch(v, v, v, None, "unknown"), None, None, False))
        failed = np.zeros(len(questions), dtype=bool)
        failed[list(failures)] = True
        rows = np.flatnonzero(~failed[question])
        errors = {i: failures[int(question[i])] for i in np.flatnonzero(failed[question]).tolist()}
        # One answer per question and moment read.
        _, moment_id = np.unique(t, return_inverse=True)
        pair = question[rows] * (int(moment_id.max(initial=0)) + 1) + moment_id[rows]
        _, first_row, answer = np.unique(pair, return_index=True, return_inverse=True)
        distinct = rows[first_row]
        probability, low, high, flags, context = self._answer_rows(
            asked, question[distinct], t[distinct]
        )
        days = day[rows]
        # The vehicle's status on each row's own date: per vehicle, ``statuses`` holds its
        # status before and from the day it changes (2v and 2v + 1).
        vehicles = list(dict.fromkeys(context["vehicle"]))
        changes = [self._status_change(v) for v in vehicles]
        known = [status for c in changes for status in (c.before, c.after)]
        code = {v: i for i, v in enumerate(vehicles)}
        of_answer = np.array([code[v] for v in context["vehicle"]], dtype=np.int64)
        ends = np.array([-np.inf if c.ends is None else c.ends for c in changes])  # None: after
        by_row = of_answer[answer.reshape(-1)]
        status = (2 * by_row + (days >= ends[by_row])).tolist() if len(rows) else []
        return LaunchAnswers(
            size=n,
            rows=rows.tolist(),
            answer=answer.reshape(-1).tolist(),
            errors=errors,
            probability=probability.tolist(),
            low=low.tolist(),
            high=high.tolist(),
            read_at=t[distinct].tolist(),
            flags=flags,
            context=context,
            before_data_cutoff=[False] * len(rows) if last is None else (days < last).tolist(),
            history_read_at_cutoff=(
                [False] * len(rows) if horizon is None else (days > horizon).tolist()
            ),
            days_past_cutoff=(
                [0] * len(rows)
                if last is None
                else np.maximum(np.floor(days) - math.floor(last), 0).astype(np.int64).tolist()
            ),
            status=status,
            statuses=known,
        )

    def _answer_rows(
        self, asked: list[_Asked], which: Ints, t: Floats
    ) -> tuple[Floats, Floats, Floats, dict[str, list[bool]], dict[str, list[Any]]]:
        """Probability, interval, flags and context of questions ``asked[which[i]]`` read at
        ``t[i]``: (probability, low, high, flag columns, context columns).

        What depends only on a question is worked out once per question and gathered.
        """
        index, post = self.index, self.posterior
        m = len(which)
        rows = which.tolist()
        matches = [a.vehicle for a in asked]
        vehicles = [matches[j] for j in rows]
        # A family name's latest variant moves with the moment: those rows read it again.
        moving = [i for i, v in enumerate(vehicles) if v.matched in _BY_MOMENT]
        for i in moving:
            vehicles[i] = self._vehicle_at(asked[rows[i]], float(t[i]))
        names = [v.name for v in vehicles]
        families = [v.family for v in vehicles]
        known = np.fromiter((v.known for v in vehicles), dtype=bool, count=m)
        # Codes per question, gathered; the rows whose vehicle moved looked up again.
        vehicle_code = index.vehicles.code_array(v.name for v in matches)[which]
        family_code = index.families.code_array(v.family for v in matches)[which]
        for i in moving:
            vehicle_code[i] = index.vehicles.code(names[i])
            family_code[i] = index.families.code(families[i])
        ranks = index.rank(t)
        makers = {name: self._manufacturer(name) for name in set(names)}
        provider = index.provider_of(vehicle_code, families, [makers[v] for v in names], t, ranks)
        provider[~known] = -1
        pad_keys = [None if a.pad is None else a.pad.key for a in asked]
        columns = read_contexts(
            index,
            t,
            vehicle=vehicle_code,
            family=family_code,
            provider=provider,
            pad=index.pads.code_array(pad_keys)[which],
        )
        X = feature_matrix(columns, self.pooling)
        family_rate, vehicle_rate = pooled_rate_columns(columns, self.pooling)
        # Without a pad: the vehicle's pads of the last year (once per vehicle, site, moment).
        mixes: dict[tuple[str, str, str | None, float], list[tuple[str, float]]] = {}
        mix: list[list[tuple[str, float]] | None] = [None] * m
        for i in [i for i, j in enumerate(rows) if not asked[j].pad_asked]:
            key = (names[i], families[i], asked[rows[i]].site, float(t[i]))
            found = mixes.get(key)
            mix[i] = found if found is not None else mixes.setdefault(key, index.pad_mix(*key))
        plain = np.fromiter((not x for x in mix), dtype=bool, count=m)  # no mixture
        no_pad_term = np.fromiter((x == [] for x in mix), dtype=bool, count=m)
        X[no_pad_term, PAD_FEATURE] = float(post.mean[PAD_FEATURE])
        probability, low, high = np.zeros(m), np.zeros(m), np.zeros(m)
        probability[plain] = post.points(X[plain])
        low[plain], high[plain] = post.intervals(X[plain], probability[plain])
        mixed = np.flatnonzero(~plain)
        if len(mixed):
            probability[mixed], low[mixed], high[mixed] = self._mixtures(
                X[mixed], [mix[i] or [] for i in mixed.tolist()], ranks[mixed]
            )
        flights = columns.vehicle_flights
        has_pad = np.fromiter((k is not None for k in pad_keys), dtype=bool, count=len(asked))
        pad_asked = np.fromiter((a.pad_asked for a in asked), dtype=bool, count=len(asked))
        flags = {
            "unseen_vehicle": (~known).tolist(),
            "maiden_flight": (known & (flights == 0)).tolist(),
            "unseen_pad": (pad_asked & ~has_pad)[which].tolist(),
            "new_pad": (has_pad[which] & (columns.pad_flights == 0)).tolist(),
            "pad_unspecified": (~pad_asked)[which].tolist(),
        }
        since = columns.days_since_family_failure
        states = {name: self.catalogue.vehicle_state(name) for name in makers}
        names_of = index.provider_names
        context: dict[str, list[Any]] = dict(
            zip(
                CONTEXT_KEYS,
                (
                    [self.outcome] * m,
                    names,
                    families,
                    [None if c < 0 else names_of[c] for c in provider.tolist()],
                    [states[name] for name in names],
                    flights.tolist(),
                    columns.vehicle_failures.tolist(),
                    columns.family_flights.tolist(),
                    columns.family_failures.tolist(),
                    columns.family_flights_since_failure.tolist(),
                    [None if math.isnan(x) else x for x in since.tolist()],
                    columns.family_in_development.tolist(),
                    columns.provider_flights.tolist(),
                    columns.provider_failures.tolist(),
                    family_rate.tolist(),
                    vehicle_rate.tolist(),
                ),
                strict=True,
            )
        )
        # The keys only some answers carry (see _optional), as columns with None for "absent".
        read_as: list[Any] = [None] * m
        described: list[Any] = [None] * m
        for i, v in enumerate(vehicles):
            if v.matched in _READ_AS:
                read_as[i], described[i] = _optional(v, None, 0, None)[:2]
        pad_of = [pad_keys[j] for j in rows]
        shown = {id(x): _shares(x) for x in mixes.values()}
        context.update(
            resolved_from=read_as,
            resolved_as=described,
            pad=pad_of,
            pad_flights=[
                f if k is not None else None
                for f, k in zip(columns.pad_flights.tolist(), pad_of, strict=True)
            ],
            pad_mix=[None if x is None else shown[id(x)] for x in mix],
        )
        return probability, low, high, flags, context

    def _mixtures(
        self, X: Floats, mixes: list[list[tuple[str, float]]], ranks: Ints
    ) -> tuple[Floats, Floats, Floats]:
        """:meth:`_answer_for_pads` of rows that mix pads: the pads' answers weighted by their
        shares, summed in the same order (probability to the bit)."""
        post, pads = self.posterior, self.index.pads
        m = len(mixes)
        probability = np.zeros(m)
        draws = np.zeros((m, len(post.draw_intercept)))
        for j in range(max(len(x) for x in mixes)):
            rows = np.array([i for i, x in enumerate(mixes) if len(x) > j], dtype=np.int64)
            share = np.array([mixes[i][j][1] for i in rows.tolist()])
            codes = pads.code_array([mixes[i][j][0] for i in rows.tolist()])
            Xj = X[rows].copy()
            Xj[:, PAD_FEATURE] = 1.0 / (1.0 + pads.launches.count(codes, ranks[rows]))
            probability[rows] += share * post.points(Xj)
            draws[rows] += share[:, None] * post.draw_matrix(Xj)
        low, high = intervals_of(draws, probability)
        return probability, low, high


def _optional(
    vehicle: VehicleMatch,
    pad: PadMatch | None,
    pad_flights: int,
    mix: list[tuple[str, float]] | None,
) -> tuple[Any, ...]:
    """The values of :data:`OPTIONAL_KEYS` (None: the answer does not carry the key): how a
    family name was read, the pad, the pads mixed."""
    read_as: str | None = None
    if vehicle.matched in _BY_MOMENT:
        read_as = (
            f"{vehicle.asked!r} read as {vehicle.name}, the {vehicle.family} family's variant "
            "flying on the date (the most recently flown one not retired by then, else the "
            "next one)"
        )
    elif vehicle.matched == "alias":
        read_as = f"{vehicle.asked!r} read as {vehicle.name}"
    return (
        None if read_as is None else vehicle.asked,
        read_as,
        None if pad is None else pad_key(pad.site, pad.pad),
        None if pad is None else pad_flights,
        None if mix is None else _shares(mix),
    )


def status_values(status: StatusAt) -> tuple[str, str | None, str | None]:
    """The :data:`STATUS_KEYS` of a status."""
    return (
        status.status,
        status.since or status.retires,
        None if status.source is None else status.source.cite(),
    )


def _shares(mix: list[tuple[str, float]]) -> dict[str, float]:
    """A pad mix as the answer shows it: pad key -> share, to four decimals."""
    return {key: round(share, 4) for key, share in mix}


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> None:
    if len(memo) >= NAMES_SIZE:
        memo.clear()
    memo[key] = value
