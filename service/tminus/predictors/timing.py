"""``pad_turnaround`` and ``return_to_flight``: durations in days as 10/50/90% quantiles.

Both are linear quantile regressions on log(1 + days), one per quantile, evaluated by hand;
the history as of the data cutoff supplies the features. The 10-90% band is then scaled about
the median (in log(1 + days)) by a factor training set on past folds only, so that it holds
about 80% of outcomes counted honestly (gaps still open included). An answer reaching outside
the range of durations the record has ever seen is flagged ``outside_record``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self

from tminus.features.cadence import PAD_FEATURES, RTF_FEATURES, pad_features, rtf_features
from tminus.features.history import LaunchHistory
from tminus.features.reference import Reference
from tminus.features.timebase import from_day, to_day
from tminus.predictors.asof import LaunchRecord, cutoff_context, read_record
from tminus.predictors.base import (
    Predictor,
    QuantilePrediction,
    QueryError,
    StateError,
    float_list,
    require,
)
from tminus.predictors.catalogue import Catalogue

QUANTILE_KEYS = ("p10", "p50", "p90")
# Entries of each predictor's memos (of bands per feature vector, of a pad's features per
# moment read): a plan asks about one pad for every vehicle that flies from it.
MEMO_SIZE = 8192
# Durations are capped at this many days when back-transformed (about 30 years).
MAX_DAYS = 11_000.0


@dataclass(frozen=True, slots=True)
class QuantileWeights:
    """Per-quantile linear weights on standardised features, predicting log(1 + days)."""

    mean: list[float]
    scale: list[float]
    coef: list[list[float]]
    intercept: list[float]

    def predict(self, x: list[float]) -> tuple[float, float, float]:
        """Days at the 10/50/90% quantiles, sorted so they never cross."""
        z = [(xi - m) / s for xi, m, s in zip(x, self.mean, self.scale, strict=True)]
        out = []
        for coef, b in zip(self.coef, self.intercept, strict=True):
            log_days = b + sum(c * zi for c, zi in zip(coef, z, strict=True))
            out.append(min(max(math.expm1(log_days), 0.0), MAX_DAYS))
        out.sort()
        return out[0], out[1], out[2]

    def to_state(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {
            "mean": self.mean,
            "scale": self.scale,
            "coef": self.coef,
            "intercept": self.intercept,
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any], n_features: int) -> QuantileWeights:
        """Rebuild and check shapes."""
        coef = require(state, "coef", list)
        if len(coef) != 3:
            raise StateError("expected weights for three quantiles")
        rows = [float_list({"row": row}, "row", n_features) for row in coef]
        scale = float_list(state, "scale", n_features)
        if any(s <= 0 for s in scale):
            raise StateError("feature scales must be positive")
        return cls(
            mean=float_list(state, "mean", n_features),
            scale=scale,
            coef=rows,
            intercept=float_list(state, "intercept", 3),
        )


def widen_band(quantiles: tuple[float, float, float], scale: float) -> tuple[float, float, float]:
    """10/50/90% quantiles with the band scaled by ``scale`` about the median in log(1 + days).

    ``tminus.training.survival.widen`` is the same map over many rows (a test checks they
    agree).
    """
    low, mid, high = (math.log1p(max(q, 0.0)) for q in quantiles)

    def days(log_days: float) -> float:
        return min(max(math.expm1(log_days), 0.0), MAX_DAYS)

    return days(mid - scale * (mid - low)), days(mid), days(mid + scale * (high - mid))


@dataclass(frozen=True, slots=True)
class PadQuery:
    """A launch of ``vehicle`` (optional) from ``pad`` on ``date``: when is the pad's next?"""

    pad: str
    date: datetime
    site: str | None = None
    vehicle: str | None = None
    allow_unseen: bool = False  # a vehicle name no table knows: its family is unknown


@dataclass(frozen=True, slots=True)
class FailureQuery:
    """``vehicle`` fails on ``date``: when does its family fly again?"""

    vehicle: str
    date: datetime
    allow_unseen: bool = False  # a vehicle no table knows: the pooled prior, flagged


class _HistoryQuantilePredictor(Predictor):
    """Shared state handling: a launch history, GCAT's reference lists and quantile weights."""

    output = "quantiles"
    features: ClassVar[tuple[str, ...]]

    def __init__(
        self,
        *,
        history: LaunchHistory,
        reference: Reference,
        weights: QuantileWeights,
        band_scale: float,
        record_days: tuple[float, float],
        record: LaunchRecord | None = None,
    ) -> None:
        if not band_scale > 0:
            raise StateError(f"band scale must be positive, got {band_scale}")
        if not 0 <= record_days[0] <= record_days[1]:
            raise StateError(f"record range {record_days} is not [shortest, longest] days")
        # A record the registry loaded may be shared with other versions trained on the data.
        self.record = record if record is not None else LaunchRecord(history, reference)
        self.history = self.record.history
        self.reference = self.record.reference
        self.weights = weights
        self.band_scale = band_scale
        # The shortest and longest durations of the modern record (outcomes training saw).
        self.record_days = record_days
        self.catalogue: Catalogue = self.record.catalogue
        # Per instance, plain dicts (see LaunchFailurePredictor): the served band per feature
        # vector, a pure function of it.
        self._bands: dict[tuple[float, ...], tuple[float, float, float]] = {}

    def to_state(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {
            "feature_names": list(self.features),
            "record": self.record.to_state(),
            "weights": self.weights.to_state(),
            "band_scale": self.band_scale,
            "record_days": list(self.record_days),
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Self:
        """Rebuild and validate."""
        if require(state, "feature_names", list) != list(cls.features):
            raise StateError("artifact was fitted on other features than this code computes")
        record = read_record(state)
        weights = QuantileWeights.from_state(require(state, "weights", dict), len(cls.features))
        shortest, longest = float_list(state, "record_days", 2)
        return cls(
            history=record.history,
            reference=record.reference,
            record=record,
            weights=weights,
            band_scale=float(require(state, "band_scale", (int, float))),
            record_days=(shortest, longest),
        )

    def quantiles(self, x: list[float]) -> tuple[float, float, float]:
        """The served 10/50/90% quantiles (days) for one feature vector (remembered)."""
        key = tuple(x)
        band = self._bands.get(key)
        if band is None:
            band = widen_band(self.weights.predict(x), self.band_scale)
            if len(self._bands) >= MEMO_SIZE:
                self._bands.clear()
            self._bands[key] = band
        return band

    def _answer(
        self,
        x: list[float],
        *,
        date: datetime,
        t: float,
        flags: dict[str, bool],
        context: dict[str, Any],
    ) -> QuantilePrediction:
        p10, p50, p90 = self.quantiles(x)
        day = to_day(date)
        shortest, longest = self.record_days
        flags = {**flags, "outside_record": p10 < shortest or p90 > longest}
        record = {"record_shortest_days": shortest, "record_longest_days": longest}
        return QuantilePrediction(
            p10=p10,
            p50=p50,
            p90=p90,
            start=date,
            flags=flags,
            context={**context, **record, **cutoff_context(self.history, day)},
            as_of=from_day(t),
            days_past_cutoff=self.history.days_past_cutoff(day),
        )


class PadTurnaroundPredictor(_HistoryQuantilePredictor):
    """Days from a launch to the next launch from the same pad."""

    kind: ClassVar[str] = "tminus.pad_turnaround.v3"
    model: ClassVar[str] = "pad_turnaround"
    features = PAD_FEATURES

    def input_schema(self) -> dict[str, Any]:
        """Known pads and sites (flown or not yet); vehicle optional."""
        pads = self.catalogue.pads()
        return {
            "pad": {"type": "string", "required": True, "known": sorted({p.pad for p in pads})},
            "site": {"type": "string", "known": sorted({p.site for p in pads})},
            "vehicle": {"type": "string", "required": False},
            "date": {"type": "datetime", "unit": "UTC"},
        }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # A pad's features and context per (pad, moment read, family): the planner asks about
        # a pad's last launch once for every vehicle that flies from it.
        self._pads: dict[tuple[str, float, str | None], tuple[list[float], dict[str, Any], bool]]
        self._pads = {}

    def predict(self, query: PadQuery) -> QuantilePrediction:
        """Quantiles of the days until the pad's next launch after one at ``query.date``.

        The pad's record is read as it stood at ``query.date`` (at the end of the record for a
        later date). A pad GCAT lists that had not launched by then is a new pad (flagged).
        """
        x, t, flags, context = self._read(query)
        return self._answer(x, date=query.date, t=t, flags=flags, context=context)

    def feature_vector(self, query: PadQuery) -> list[float]:
        """The feature vector :meth:`predict` reads (to check it equals training's)."""
        return self._read(query)[0]

    def _read(self, query: PadQuery) -> tuple[list[float], float, dict[str, bool], dict[str, Any]]:
        site = None if query.site is None else self.catalogue.resolve_site(query.site)
        match = self.catalogue.resolve_pad(query.pad, site)
        if match is None:
            raise QueryError(
                "pad",
                f"no pad {query.pad!r} is on record or in GCAT's pad list, so its turnaround "
                "is unknown; see GET /v1/pads for known pads",
                suggestions=self.catalogue.suggest_pads(query.pad, site),
                unknown_name=True,
            )
        t = self.history.read_moment(to_day(query.date))
        vehicle = None
        family = None
        if query.vehicle is not None:
            vehicle = self.catalogue.resolve_vehicle(
                query.vehicle, at=t, allow_unseen=query.allow_unseen
            )
            family = vehicle.family if vehicle.known else None
        record = self.history.pads.get(match.key)
        if family is None and record is not None:
            usual = record.vehicles_at(t)
            family = self.catalogue.family_of(usual[0][0]) if usual else None
        key = (match.key, t, family)
        read = self._pads.get(key)
        if read is None:
            at = self.history.at(t)
            x, context = pad_features(at, site=match.site, pad=match.pad, family=family)
            pad_record = at.pad(match.site, match.pad)
            new_pad = pad_record is None or pad_record.flights == 0
            read = (x, {**context, "pad": match.key, "family": family}, new_pad)
            if len(self._pads) >= MEMO_SIZE:
                self._pads.clear()
            self._pads[key] = read
        x, context, new_pad = read
        flags = {"unseen_vehicle": vehicle is not None and not vehicle.known, "new_pad": new_pad}
        return list(x), t, flags, dict(context)


class ReturnToFlightPredictor(_HistoryQuantilePredictor):
    """Days from a failure to the family's next launch."""

    kind: ClassVar[str] = "tminus.return_to_flight.v3"
    model: ClassVar[str] = "return_to_flight"
    features = RTF_FEATURES

    def input_schema(self) -> dict[str, Any]:
        """Known vehicles (flown or not yet); the failure date."""
        return {
            "vehicle": {
                "type": "string",
                "known": sorted(v.name for v in self.catalogue.vehicles()),
            },
            "date": {"type": "datetime", "unit": "UTC", "meaning": "date of the failure"},
        }

    def predict(self, query: FailureQuery) -> QuantilePrediction:
        """Quantiles of the days from a failure at ``query.date`` to the family's next launch."""
        x, t, flags, context = self._read(query)
        return self._answer(x, date=query.date, t=t, flags=flags, context=context)

    def feature_vector(self, query: FailureQuery) -> list[float]:
        """The feature vector :meth:`predict` reads (to check it equals training's)."""
        return self._read(query)[0]

    def _read(
        self, query: FailureQuery
    ) -> tuple[list[float], float, dict[str, bool], dict[str, Any]]:
        t = self.history.read_moment(to_day(query.date))
        vehicle = self.catalogue.resolve_vehicle(
            query.vehicle, at=t, allow_unseen=query.allow_unseen
        )
        at = self.history.at(t)
        x, context = rtf_features(at, vehicle=vehicle.name, family=vehicle.family)
        context_out: dict[str, Any] = {**context, "vehicle": vehicle.name, "family": vehicle.family}
        if vehicle.matched in ("family", "series"):
            context_out["resolved_from"] = vehicle.asked
        flags = {
            "unseen_vehicle": not vehicle.known,
            "maiden_flight": vehicle.known and at.vehicle(vehicle.name).flights == 0,
        }
        return x, t, flags, context_out
