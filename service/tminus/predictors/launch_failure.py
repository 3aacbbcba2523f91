"""``launch_failure``: probability that an orbital launch fails, with a 90% interval.

The interval is the uncertainty of the failure probability given the data: the 5th to 95th
percentile of the probability over draws from the posterior of the fitted coefficients,
evaluated at the vehicle's own record as of the date (see
:class:`~tminus.predictors.logistic.PosteriorLogistic`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any, ClassVar, Self

import numpy as np

from tminus.features.history import HistoryAt, LaunchHistory, pad_key
from tminus.features.reference import Reference, end_day
from tminus.features.risk import (
    FEATURE_NAMES,
    PAD_FEATURE,
    Pooling,
    RiskContext,
    feature_vector,
    pad_feature,
    pooled_rates,
    read_context,
)
from tminus.features.timebase import from_day, to_day
from tminus.predictors.asof import cutoff_context, read_history_state
from tminus.predictors.base import (
    Predictor,
    ProbabilityPrediction,
    QueryError,
    StateError,
    require,
)
from tminus.predictors.catalogue import Catalogue, VehicleMatch
from tminus.predictors.logistic import PosteriorLogistic, interval_of

# Answers remembered per predictor, keyed by the question as asked and the moment the history
# is read at. Every question after the data cutoff is read at the cutoff, so the traffic a
# service sees (a few vehicles and pads, future dates) is a small set of distinct questions.
MEMO_SIZE = 8192


@dataclass(frozen=True, slots=True)
class _Answer:
    """The part of a prediction that depends only on the memo key; never mutated."""

    probability: float
    interval: tuple[float, float]
    flags: Mapping[str, bool]
    context: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class LaunchQuery:
    """A launch as a planner knows it. ``when`` is an aware UTC datetime."""

    vehicle: str
    when: datetime
    site: str | None = None
    pad: str | None = None
    orbit: str | None = None
    payload_mass_kg: float | None = None
    allow_unseen: bool = False  # a vehicle no table knows: the new-vehicle prior, flagged


class LaunchFailurePredictor(Predictor):
    """Constrained logistic regression on as-of history features, plus the history itself."""

    kind: ClassVar[str] = "tminus.launch_failure.v3"
    task: ClassVar[str] = "launch_failure"
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
    ) -> None:
        n = len(FEATURE_NAMES)
        if len(signs) != n or posterior.coef.shape != (n,):
            raise StateError(f"expected {n} coefficients and signs")
        self.history = history
        self.reference = reference
        self.pooling = pooling
        self.signs = signs
        self.posterior = posterior
        self.catalogue = Catalogue(history, reference)
        # Per instance, so a new version starts empty. A plain dict (single get, set and clear
        # are atomic under the GIL) rather than an lru_cache of a bound method, which would tie
        # the predictor into a reference cycle and keep old versions alive after a reload.
        self._memo: dict[tuple[str, str | None, str | None, float, bool], _Answer] = {}
        self._status_end: dict[str, float | None] = {}

    # ---- state ---------------------------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        """JSON-safe state (the history to the cutoff, the reference lists, the weights)."""
        return {
            "history": self.history.to_state(),
            "reference": self.reference.to_state(),
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
        history, reference = read_history_state(state)
        signs = require(state, "signs", list)
        if len(signs) != n or any(s not in (-1, 0, 1) for s in signs):
            raise StateError(f"expected {n} signs from -1, 0, 1")
        return cls(
            history=history,
            reference=reference,
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

    # ---- prediction ----------------------------------------------------------------------
    def predict(self, query: LaunchQuery) -> ProbabilityPrediction:
        """Failure probability of one launch, from the record as it stood at ``query.when``.

        The record is read at the question's moment (only earlier launches count), or at the
        end of the record for a later date. Pure in (vehicle, site, pad, moment read): repeated
        questions are answered from a memo of :data:`MEMO_SIZE` entries.
        """
        day = to_day(query.when)
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
        status = self.catalogue.status_at(str(context["vehicle"]), at=day)
        flags["retired_vehicle"] = status.ended
        context["vehicle_status"] = status.status
        context["vehicle_status_since"] = status.since or status.retires
        context["vehicle_status_source"] = None if status.source is None else status.source.cite()
        return ProbabilityPrediction(
            probability=answer.probability,
            interval=answer.interval,
            flags=flags,
            context=context,
            as_of=from_day(t),
            days_past_cutoff=self.history.days_past_cutoff(day),
        )

    def answer_key(self, query: LaunchQuery) -> Hashable:
        """Equal keys, equal predictions: what :meth:`predict` reads of a query.

        The vehicle, site and pad as asked, the moment the history is read at, and where the
        date falls against the data cutoff (orbit and payload mass are not used).
        """
        day = to_day(query.when)
        return (
            query.vehicle,
            query.site,
            query.pad,
            query.allow_unseen,
            self.history.read_moment(day),
            self.history.days_past_cutoff(day),
            tuple(cutoff_context(self.history, day).values()),
            self._status_changed(query.vehicle, day),
        )

    def _status_changed(self, asked: str, day: float) -> bool | None:
        """Whether the vehicle ``asked`` had ended (retired, ...) by ``day``; None if it never
        does (its status is the same on every date). The resolved name is remembered."""
        end = self._status_end.get(asked, -1.0)
        if end == -1.0:
            try:
                name = self.catalogue.resolve_vehicle(asked, allow_unseen=True).name
            except QueryError:
                name = asked
            status = self.catalogue.status_at(name, at=-math.inf)
            ends = status.retires
            end = None if ends is None else end_day(ends)
            if len(self._status_end) >= MEMO_SIZE:
                self._status_end.clear()
            self._status_end[asked] = end
        return None if end is None else day >= end

    def feature_vector(self, query: LaunchQuery) -> list[float]:
        """The feature vector :meth:`predict` reads for a launch from a named pad.

        For checks that the service reads what training computed; raises :class:`QueryError`
        for a query without a pad (its answer mixes the vehicle's pads).
        """
        if query.pad is None:
            raise QueryError("pad", "features are read for a named pad")
        t = self.history.read_moment(to_day(query.when))
        vehicle = self.catalogue.resolve_vehicle(
            query.vehicle, at=t, allow_unseen=query.allow_unseen
        )
        pad = self.catalogue.resolve_pad(query.pad, query.site)
        site, pad_code = (None, query.pad) if pad is None else (pad.site, pad.pad)
        ctx = self._context(vehicle, t, site, pad_code)
        return feature_vector(ctx, self.pooling)

    def _context(
        self, vehicle: VehicleMatch, t: float, site: str | None, pad: str | None
    ) -> RiskContext:
        return read_context(
            self.history.at(t),
            vehicle=vehicle.name,
            family=vehicle.family,
            provider=vehicle.provider,
            site=site,
            pad=pad,
        )

    def _answer_for_pads(
        self, at: HistoryAt, ctx: RiskContext, mix: list[tuple[str, float]] | None
    ) -> tuple[float, tuple[float, float]]:
        """Probability and interval; with ``mix`` (pad key, share), the mixture over those pads.

        Only the pad term differs between the pads, so the mixture is a weighted mean of the
        per-pad answers and lies within their range; its interval is that of the mixture under
        every posterior draw. ``mix == []``: no pad term at all (the feature at its training
        mean).
        """
        x = feature_vector(ctx, self.pooling)
        post = self.posterior
        if mix is None:
            p = post.point(x)
            return p, interval_of(post.draws(x), p)
        if not mix:
            x[PAD_FEATURE] = float(post.mean[PAD_FEATURE])
            p = post.point(x)
            return p, interval_of(post.draws(x), p)
        p_mix = 0.0
        draws_mix = np.zeros(len(post.draw_intercept))
        for key, share in mix:
            x[PAD_FEATURE] = pad_feature(self.history.pads[key].at(at.t).flights)
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
        vehicle = self.catalogue.resolve_vehicle(vehicle_asked, at=t, allow_unseen=allow_unseen)
        at = self.history.at(t)
        flags = {
            "unseen_vehicle": not vehicle.known,
            "maiden_flight": False,  # read from the context below
            "unseen_pad": False,
            "new_pad": False,
            "pad_unspecified": pad_asked is None,
        }
        site = None if site_asked is None else self.catalogue.resolve_site(site_asked)
        pad: str | None = None
        mix: list[tuple[str, float]] | None = None
        if pad_asked is not None:
            match = self.catalogue.resolve_pad(pad_asked, site)
            if match is None and not allow_unseen:
                raise QueryError(
                    "pad",
                    f"unknown pad {pad_asked!r}: no launch record or GCAT list knows it; GET "
                    "/v1/pads lists the known pads (set allow_unseen to answer it as a pad "
                    "never seen, from a prior)",
                    suggestions=self.catalogue.suggest_pads(pad_asked, site),
                    unknown_name=True,
                )
            if match is None:
                flags["unseen_pad"] = True
            else:
                site, pad = match.site, match.pad
                flags["new_pad"] = at.pad_flights(site, pad) == 0
        else:
            mix = at.pad_mix(vehicle.name, vehicle.family, site=site)
        ctx = self._context(vehicle, t, site, pad)
        flags["maiden_flight"] = vehicle.known and ctx.vehicle_flights == 0
        probability, interval = self._answer_for_pads(at, ctx, mix)
        family_rate, vehicle_rate = pooled_rates(ctx, self.pooling)
        context: dict[str, Any] = {
            "outcome": self.outcome,
            "vehicle": vehicle.name,
            "family": vehicle.family,
            "provider": vehicle.provider,
            "vehicle_state": self.catalogue.vehicle_state(vehicle.name),
            "vehicle_flights": ctx.vehicle_flights,
            "vehicle_failures": ctx.vehicle_failures,
            "family_flights": ctx.family_flights,
            "family_failures": ctx.family_failures,
            "family_flights_since_failure": ctx.family_flights_since_failure,
            "days_since_family_failure": ctx.days_since_family_failure,
            "family_in_development": ctx.family_in_development,
            "provider_recent_launches": ctx.provider_flights,
            "provider_recent_failures": ctx.provider_failures,
            "pooled_family_rate": family_rate,
            "pooled_vehicle_rate": vehicle_rate,
        }
        if vehicle.matched in ("family", "series"):
            context["resolved_from"] = vehicle.asked
            context["resolved_as"] = (
                f"{vehicle.asked!r} read as {vehicle.name}, the most recently flown variant of "
                f"the {vehicle.family} family"
            )
        elif vehicle.matched == "alias":
            context["resolved_from"] = vehicle.asked
            context["resolved_as"] = f"{vehicle.asked!r} read as {vehicle.name}"
        if pad is not None and site is not None:
            context["pad"] = pad_key(site, pad)
            context["pad_flights"] = ctx.pad_flights
        if mix is not None:
            context["pad_mix"] = {key: round(share, 4) for key, share in mix}
        return _Answer(
            probability=probability,
            interval=interval,
            flags=MappingProxyType(flags),
            context=MappingProxyType(context),
        )
