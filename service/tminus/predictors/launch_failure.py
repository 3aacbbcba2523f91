"""``launch_failure``: probability that an orbital launch fails, with a 90% interval."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any, ClassVar, Self

from scipy.special import betaincinv

from tminus.features.history import HistoryAt, LaunchHistory, pad_key
from tminus.features.reference import Reference
from tminus.features.risk import (
    FEATURE_NAMES,
    PAD_FEATURE,
    Pooling,
    RiskContext,
    feature_vector,
    pad_feature,
    read_context,
)
from tminus.features.timebase import from_day, to_day
from tminus.predictors.asof import cutoff_context, read_history_state
from tminus.predictors.base import (
    Predictor,
    ProbabilityPrediction,
    QueryError,
    StateError,
    float_list,
    require,
)
from tminus.predictors.catalogue import Catalogue, VehicleMatch
from tminus.predictors.logistic import log_odds, sigmoid

# Interval: Beta around the model's probability with this many pseudo-flights on top of the
# vehicle's own flights, so a new vehicle gets a wide interval and a proven one a narrow one.
INTERVAL_LEVEL = 0.90
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


def beta_interval(p: float, concentration: float, level: float) -> tuple[float, float]:
    """Central ``level`` interval of Beta(p*c, (1-p)*c)."""
    a = max(p * concentration, 1e-6)
    b = max((1.0 - p) * concentration, 1e-6)
    tail = (1.0 - level) / 2.0
    low = float(betaincinv(a, b, tail))
    high = float(betaincinv(a, b, 1.0 - tail))
    return (min(low, p), max(high, p))


class LaunchFailurePredictor(Predictor):
    """Constrained logistic regression on as-of history features, plus the history itself."""

    kind: ClassVar[str] = "tminus.launch_failure.v2"
    task: ClassVar[str] = "launch_failure"
    output = "probability"

    def __init__(
        self,
        *,
        history: LaunchHistory,
        reference: Reference,
        pooling: Pooling,
        coef: list[float],
        intercept: float,
        mean: list[float],
        scale: list[float],
        interval_strength: float,
    ) -> None:
        n = len(FEATURE_NAMES)
        if not (len(coef) == len(mean) == len(scale) == n):
            raise StateError(f"expected {n} coefficients, means and scales")
        if any(s <= 0 for s in scale):
            raise StateError("feature scales must be positive")
        self.history = history
        self.reference = reference
        self.pooling = pooling
        self.coef = coef
        self.intercept = intercept
        self.mean = mean
        self.scale = scale
        self.interval_strength = interval_strength
        self.catalogue = Catalogue(history, reference)
        # Per instance, so a new version starts empty. A plain dict (single get, set and clear
        # are atomic under the GIL) rather than an lru_cache of a bound method, which would tie
        # the predictor into a reference cycle and keep old versions alive after a reload.
        self._memo: dict[tuple[str, str | None, str | None, float], _Answer] = {}

    # ---- state ---------------------------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        """JSON-safe state (the history to the cutoff, the reference lists, the weights)."""
        return {
            "history": self.history.to_state(),
            "reference": self.reference.to_state(),
            "pooling": {
                "family_strength": self.pooling.family_strength,
                "vehicle_strength": self.pooling.vehicle_strength,
            },
            "feature_names": list(FEATURE_NAMES),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "mean": list(self.mean),
            "scale": list(self.scale),
            "interval_strength": self.interval_strength,
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Self:
        """Rebuild and validate."""
        if require(state, "feature_names", list) != list(FEATURE_NAMES):
            raise StateError("artifact was fitted on other features than this code computes")
        pooling = require(state, "pooling", dict)
        n = len(FEATURE_NAMES)
        history, reference = read_history_state(state)
        return cls(
            history=history,
            reference=reference,
            pooling=Pooling(
                family_strength=float(require(pooling, "family_strength", (int, float))),
                vehicle_strength=float(require(pooling, "vehicle_strength", (int, float))),
            ),
            coef=float_list(state, "coef", n),
            intercept=float(require(state, "intercept", (int, float))),
            mean=float_list(state, "mean", n),
            scale=float_list(state, "scale", n),
            interval_strength=float(require(state, "interval_strength", (int, float))),
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
        key = (query.vehicle, query.site, query.pad, t)
        answer = self._memo.get(key)
        if answer is None:
            answer = self._compute(*key)
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = answer
        context = dict(answer.context)
        context.update(cutoff_context(self.history, day))
        return ProbabilityPrediction(
            probability=answer.probability,
            interval=answer.interval,
            flags=dict(answer.flags),
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
            self.history.read_moment(day),
            self.history.days_past_cutoff(day),
            tuple(cutoff_context(self.history, day).values()),
        )

    def feature_vector(self, query: LaunchQuery) -> list[float]:
        """The feature vector :meth:`predict` reads for a launch from a named pad.

        For checks that the service reads what training computed; raises :class:`QueryError`
        for a query without a pad (its answer mixes the vehicle's pads).
        """
        if query.pad is None:
            raise QueryError("pad", "features are read for a named pad")
        t = self.history.read_moment(to_day(query.when))
        vehicle = self.catalogue.resolve_vehicle(query.vehicle, at=t)
        pad = self.catalogue.resolve_pad(query.pad, query.site)
        site, pad_code = (None, query.pad) if pad is None else (pad.site, pad.pad)
        ctx = self._context(vehicle, t, site, pad_code)
        return feature_vector(ctx)

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
            pooling=self.pooling,
        )

    def _probability(self, x: list[float]) -> float:
        return sigmoid(log_odds(x, self.mean, self.scale, self.coef, self.intercept))

    def _answer_for_pads(
        self, at: HistoryAt, ctx: RiskContext, mix: list[tuple[str, float]] | None
    ) -> tuple[float, tuple[float, float]]:
        """Probability and interval; with ``mix`` (pad key, share), the mixture over those pads.

        Only the pad term differs between the pads, so the mixture is a weighted mean of the
        per-pad answers and lies within their range. ``mix == []``: no pad term at all (the
        feature at its training mean).
        """
        x = feature_vector(ctx)
        concentration = ctx.vehicle_flights + self.interval_strength
        if mix is None:
            p = self._probability(x)
            return p, beta_interval(p, concentration, INTERVAL_LEVEL)
        if not mix:
            x[PAD_FEATURE] = self.mean[PAD_FEATURE]
            p = self._probability(x)
            return p, beta_interval(p, concentration, INTERVAL_LEVEL)
        p_mix, low_mix, high_mix = 0.0, 0.0, 0.0
        for key, share in mix:
            x[PAD_FEATURE] = pad_feature(self.history.pads[key].at(at.t).flights)
            p = self._probability(x)
            low, high = beta_interval(p, concentration, INTERVAL_LEVEL)
            p_mix += share * p
            low_mix += share * low
            high_mix += share * high
        return p_mix, (min(low_mix, p_mix), max(high_mix, p_mix))

    def _compute(
        self, vehicle_asked: str, site_asked: str | None, pad_asked: str | None, t: float
    ) -> _Answer:
        """Resolve the names and read the features at moment ``t``; raises on a bad name."""
        vehicle = self.catalogue.resolve_vehicle(vehicle_asked, at=t)
        at = self.history.at(t)
        flags = {
            "unseen_vehicle": not vehicle.known,
            "maiden_flight": vehicle.known and at.vehicle(vehicle.name).flights == 0,
            "unseen_pad": False,
            "new_pad": False,
            "pad_unspecified": pad_asked is None,
        }
        site = None if site_asked is None else self.catalogue.resolve_site(site_asked)
        pad: str | None = None
        mix: list[tuple[str, float]] | None = None
        if pad_asked is not None:
            match = self.catalogue.resolve_pad(pad_asked, site)
            if match is None:
                flags["unseen_pad"] = True
            else:
                site, pad = match.site, match.pad
                record = at.pad(site, pad)
                flags["new_pad"] = record is None or record.flights == 0
        else:
            mix = at.pad_mix(vehicle.name, vehicle.family, site=site)
        ctx = self._context(vehicle, t, site, pad)
        probability, interval = self._answer_for_pads(at, ctx, mix)
        context: dict[str, Any] = {
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
            "family_failures_last_2y": ctx.family_failures_recent,
            "pooled_family_rate": ctx.family_rate,
            "pooled_vehicle_rate": ctx.vehicle_rate,
        }
        if vehicle.matched in ("family", "series"):
            context["resolved_from"] = vehicle.asked
            context["resolved_as"] = (
                f"{vehicle.asked!r} read as {vehicle.name}, the most recently flown variant of "
                f"the {vehicle.family} family"
            )
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
