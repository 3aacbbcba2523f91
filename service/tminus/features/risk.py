"""Launch-failure features and the reliability analyst's pooled estimates, read as of a moment.

Every read goes through the columnar :class:`~tminus.features.asof_index.AsOfIndex` of the
launch history, at the moment asked about, so only earlier launches count; training and serving
call the same functions. :func:`read_contexts` reads the counts of many launches at once (each
at its own moment; :func:`read_context` one, the single question's path); :func:`feature_matrix`
and :func:`feature_vector` turn them into the model's inputs for given pooling strengths
(hyperparameters chosen in training), so that trying several strengths does not read the
history again.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from tminus.features.asof_index import AsOfIndex
from tminus.features.history import (
    DEVELOPMENT_FLIGHTS,
    ERA_DAYS,
    PROVIDER_WINDOW,
    TRAILING_DAYS,
    logit,
)

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]
# Pseudo-launches of the trailing-rate prior on a provider's recent record (a fixed smoothing
# constant of that one feature, not tuned).
PROVIDER_STRENGTH: Final = 2.0
# The young-vehicle term fades with flights: a vehicle's own failure share counts fully on its
# first flights and about half as much by its tenth.
YOUTH_FLIGHTS: Final = 10.0


@dataclass(frozen=True, slots=True)
class Pooling:
    """Strengths (pseudo-flights) of the Beta priors used for pooling.

    Parameters
    ----------
    family_strength
        Pseudo-flights of the prior on a family's rate (the trailing operational rate, or the
        new-vehicle rate for a family that has not flown).
    vehicle_strength
        Pseudo-flights of the family prior on a vehicle's rate.
    """

    family_strength: float = 10.0
    vehicle_strength: float = 5.0

    def to_state(self) -> dict[str, float]:
        """JSON-safe copy."""
        return {"family_strength": self.family_strength, "vehicle_strength": self.vehicle_strength}


@dataclass(frozen=True, slots=True)
class RiskContext:
    """The history behind one launch-failure question: counts and base rates, before pooling.

    ``provider_flights`` and ``provider_failures`` are the provider's recent record as the
    vehicle reads it: its operational launches for a vehicle of a mature family, all of them
    for a family still in development.
    """

    vehicle_flights: int
    vehicle_failures: int
    family: str
    family_flights: int
    family_failures: int
    family_flights_since_failure: int
    days_since_family_failure: float | None
    family_in_development: bool
    provider_flights: int
    provider_failures: int
    pad_flights: int
    trailing_rate: float
    era_rate: float
    new_vehicle_rate: float


# Feature names, in column order, with the sign each coefficient is constrained to:
# +1 non-negative, -1 non-positive, 0 free (or chosen in training, see PAD_SIGNS). The signs
# are the service's promises, fixed before any data is seen: more (or more recent) failures of
# the vehicle, its family or its provider never lower risk; experience never raises it.
FAILURE_FEATURES: Final[tuple[tuple[str, int], ...]] = (
    ("inv_vehicle_flights", +1),
    ("inv_family_flights", +1),
    ("logit_vehicle_rate", +1),
    ("logit_family_rate", +1),
    ("young_vehicle_failures", +1),
    ("log_family_flights_since_failure", -1),
    ("logit_provider_rate", +1),
    ("logit_era_rate", +1),
    ("inv_pad_flights", 0),
)
FEATURE_NAMES: Final = tuple(name for name, _ in FAILURE_FEATURES)
# The one feature that depends on the pad: an answer without a pad varies only this one.
PAD_FEATURE: Final = FEATURE_NAMES.index("inv_pad_flights")
FEATURE_SIGNS: Final = tuple(sign for _, sign in FAILURE_FEATURES)
# The pad term's constraint is a modelling choice, not a promise: training chooses it inside
# each backtest fold between these.
PAD_SIGNS: Final[dict[str, int]] = {"pad_free": 0, "new_pad_not_safer": +1}


def signs_for(pad_sign: str) -> tuple[int, ...]:
    """:data:`FEATURE_SIGNS` with the pad term's sign set to the named choice."""
    signs = list(FEATURE_SIGNS)
    signs[PAD_FEATURE] = PAD_SIGNS[pad_sign]
    return tuple(signs)


def pooled_rate(failures: int, flights: int, prior_mean: float, strength: float) -> float:
    """Posterior mean of a Beta prior (``prior_mean``, ``strength`` pseudo-flights)."""
    return (failures + prior_mean * strength) / (flights + strength)


@dataclass(frozen=True, slots=True)
class RiskColumns:
    """:class:`RiskContext` of many rows, one array per field (their families aside).

    ``days_since_family_failure`` is NaN where the family had not failed.
    """

    vehicle_flights: Ints
    vehicle_failures: Ints
    family_flights: Ints
    family_failures: Ints
    family_flights_since_failure: Ints
    days_since_family_failure: Floats
    family_in_development: Bools
    provider_flights: Ints
    provider_failures: Ints
    pad_flights: Ints
    trailing_rate: Floats
    era_rate: Floats
    new_vehicle_rate: Floats

    def __len__(self) -> int:
        return len(self.vehicle_flights)

    def row(self, i: int, family: str) -> RiskContext:
        """Row ``i`` as a :class:`RiskContext` (of a launch of ``family``)."""
        days = float(self.days_since_family_failure[i])
        return RiskContext(
            vehicle_flights=int(self.vehicle_flights[i]),
            vehicle_failures=int(self.vehicle_failures[i]),
            family=family,
            family_flights=int(self.family_flights[i]),
            family_failures=int(self.family_failures[i]),
            family_flights_since_failure=int(self.family_flights_since_failure[i]),
            days_since_family_failure=None if math.isnan(days) else days,
            family_in_development=bool(self.family_in_development[i]),
            provider_flights=int(self.provider_flights[i]),
            provider_failures=int(self.provider_failures[i]),
            pad_flights=int(self.pad_flights[i]),
            trailing_rate=float(self.trailing_rate[i]),
            era_rate=float(self.era_rate[i]),
            new_vehicle_rate=float(self.new_vehicle_rate[i]),
        )


def read_contexts(
    index: AsOfIndex, t: Floats, *, vehicle: Ints, family: Ints, provider: Ints, pad: Ints
) -> RiskColumns:
    """What the record says about many launches, each read at its own moment ``t``.

    Keys are codes: ``vehicle``, ``family`` and ``pad`` of their groupings in ``index`` (the
    grouping's ``none`` for a key with no launch, or no pad), ``provider`` of
    ``index.provider_names`` (-1: none). Each grouping is read with one ``searchsorted`` over
    every row; training reads its rows here and the service its batches, so a batch answers
    with the features training computed.
    """
    ranks = index.rank(t)
    zero = np.zeros(len(t), dtype=np.int64)
    veh = index.vehicles.at(vehicle, ranks)
    fam = index.families.at(family, ranks)
    developing = fam.flights < DEVELOPMENT_FLIGHTS
    known = provider >= 0
    every = np.where(known, index.provider_all[provider], index.providers.none)
    operational = np.where(known, index.provider_op[provider], index.provider_operational.none)
    all_flights, all_failures = index.providers.recent(every, ranks, PROVIDER_WINDOW)
    op_flights, op_failures = index.provider_operational.recent(operational, ranks, PROVIDER_WINDOW)
    trail_n, trail_k = index.operational.between(zero, index.rank(t - TRAILING_DAYS), ranks)
    era_n, era_k = index.operational.between(zero, index.rank(t - ERA_DAYS), ranks)
    early = index.early.at(zero, ranks)
    return RiskColumns(
        vehicle_flights=veh.flights,
        vehicle_failures=veh.failures,
        family_flights=fam.flights,
        family_failures=fam.failures,
        family_flights_since_failure=fam.flights_since_failure,
        days_since_family_failure=np.maximum(t - fam.last_failure_day, 0.0),
        family_in_development=developing,
        provider_flights=np.where(developing, all_flights, op_flights),
        provider_failures=np.where(developing, all_failures, op_failures),
        pad_flights=index.pads.launches.count(pad, ranks),
        trailing_rate=(trail_k + 1) / (trail_n + 2),
        era_rate=(era_k + 1) / (era_n + 2),
        new_vehicle_rate=(early.failures + 1) / (early.flights + 3),
    )


def read_context(
    index: AsOfIndex,
    t: float,
    *,
    vehicle: str,
    family: str,
    provider: int,
    pad: int,
    rank: int | None = None,
    world: tuple[float, float, float] | None = None,
) -> RiskContext:
    """:func:`read_contexts` of one row, in plain numbers (the single question's path).

    ``vehicle`` and ``family`` by name, ``provider`` and ``pad`` by code as there; ``rank``
    is ``index.rank_one(t)`` and ``world`` is :func:`world_rates` at ``t``, if the caller has
    them.
    """
    rank = index.rank_one(t) if rank is None else rank
    trailing, era, new_vehicle = world_rates(index, t, rank) if world is None else world
    flights, failures, _, _ = index.vehicles.at_one(index.vehicles.code(vehicle), rank)
    fam_flights, fam_failures, last_failure, since = index.families.at_one(
        index.families.code(family), rank
    )
    developing = fam_flights < DEVELOPMENT_FLIGHTS
    if provider < 0:
        provider_flights, provider_failures = 0, 0
    elif developing:
        provider_flights, provider_failures = index.providers.recent_one(
            int(index.provider_all[provider]), rank, PROVIDER_WINDOW
        )
    else:
        provider_flights, provider_failures = index.provider_operational.recent_one(
            int(index.provider_op[provider]), rank, PROVIDER_WINDOW
        )
    return RiskContext(
        vehicle_flights=flights,
        vehicle_failures=failures,
        family=family,
        family_flights=fam_flights,
        family_failures=fam_failures,
        family_flights_since_failure=since,
        days_since_family_failure=None if last_failure is None else max(t - last_failure, 0.0),
        family_in_development=developing,
        provider_flights=provider_flights,
        provider_failures=provider_failures,
        pad_flights=index.pads.launches.count_one(pad, rank),
        trailing_rate=trailing,
        era_rate=era,
        new_vehicle_rate=new_vehicle,
    )


def world_rates(index: AsOfIndex, t: float, rank: int) -> tuple[float, float, float]:
    """What every launch at ``t`` (of rank ``rank``) is read against, whatever its vehicle:
    (trailing operational rate, era rate, new-vehicle rate), as :func:`read_contexts`."""
    trail_n, trail_k = index.operational.between_one(0, index.rank_one(t - TRAILING_DAYS), rank)
    era_n, era_k = index.operational.between_one(0, index.rank_one(t - ERA_DAYS), rank)
    early_flights, early_failures, _, _ = index.early.at_one(0, rank)
    return (
        (trail_k + 1) / (trail_n + 2),
        (era_k + 1) / (era_n + 2),
        (early_failures + 1) / (early_flights + 3),
    )


def pooled_rates(ctx: RiskContext, pooling: Pooling) -> tuple[float, float]:
    """(family rate, vehicle rate): the hierarchical Beta-binomial estimates.

    A family shrinks towards the trailing operational rate (towards the new-vehicle rate if it
    has not flown); a vehicle towards its family's rate.
    """
    family_prior = ctx.new_vehicle_rate if ctx.family_flights == 0 else ctx.trailing_rate
    family_rate = pooled_rate(
        ctx.family_failures, ctx.family_flights, family_prior, pooling.family_strength
    )
    vehicle_rate = pooled_rate(
        ctx.vehicle_failures, ctx.vehicle_flights, family_rate, pooling.vehicle_strength
    )
    return family_rate, vehicle_rate


def provider_rate(ctx: RiskContext) -> float:
    """The provider's recent record, shrunk towards the trailing rate."""
    return pooled_rate(
        ctx.provider_failures, ctx.provider_flights, ctx.trailing_rate, PROVIDER_STRENGTH
    )


def young_vehicle_failures(flights: int, failures: int) -> float:
    """A vehicle's own failure share, fading as it flies: what a young vehicle's record says."""
    return failures / (flights + 1.0) / (1.0 + flights / YOUTH_FLIGHTS)


def feature_vector(ctx: RiskContext, pooling: Pooling) -> list[float]:
    """The model's inputs, in :data:`FEATURE_NAMES` order."""
    return features_and_rates(ctx, pooling)[0]


def features_and_rates(ctx: RiskContext, pooling: Pooling) -> tuple[list[float], float, float]:
    """:func:`feature_vector` and the :func:`pooled_rates` it reads: (features, family rate,
    vehicle rate)."""
    family_rate, vehicle_rate = pooled_rates(ctx, pooling)
    features = [
        1.0 / (1.0 + ctx.vehicle_flights),
        1.0 / (1.0 + ctx.family_flights),
        logit(vehicle_rate),
        logit(family_rate),
        young_vehicle_failures(ctx.vehicle_flights, ctx.vehicle_failures),
        math.log1p(ctx.family_flights_since_failure),
        logit(provider_rate(ctx)),
        logit(ctx.era_rate),
        pad_feature(ctx.pad_flights),
    ]
    return features, family_rate, vehicle_rate


def pooled_rate_columns(columns: RiskColumns, pooling: Pooling) -> tuple[Floats, Floats]:
    """:func:`pooled_rates` of every row: (family rates, vehicle rates), to the bit."""
    family_prior = np.where(
        columns.family_flights == 0, columns.new_vehicle_rate, columns.trailing_rate
    )
    family_rate = (columns.family_failures + family_prior * pooling.family_strength) / (
        columns.family_flights + pooling.family_strength
    )
    vehicle_rate = (columns.vehicle_failures + family_rate * pooling.vehicle_strength) / (
        columns.vehicle_flights + pooling.vehicle_strength
    )
    return family_rate, vehicle_rate


def feature_matrix(columns: RiskColumns, pooling: Pooling) -> Floats:
    """:func:`feature_vector` of every row, shape (rows, features), equal to it to the bit.

    The same operations in the same order on each row; the logarithms are Python's own
    (NumPy's vectorised ones may differ in the last bit).
    """
    family_rate, vehicle_rate = pooled_rate_columns(columns, pooling)
    provider = (columns.provider_failures + columns.trailing_rate * PROVIDER_STRENGTH) / (
        columns.provider_flights + PROVIDER_STRENGTH
    )
    flights = columns.vehicle_flights
    young = columns.vehicle_failures / (flights + 1.0) / (1.0 + flights / YOUTH_FLIGHTS)
    since = columns.family_flights_since_failure.astype(np.float64)
    return np.column_stack(
        [
            1.0 / (1.0 + flights),
            1.0 / (1.0 + columns.family_flights),
            logits(vehicle_rate),
            logits(family_rate),
            young,
            _each(math.log1p, since),
            logits(provider),
            logits(columns.era_rate),
            1.0 / (1.0 + columns.pad_flights),
        ]
    )


def logits(p: Floats) -> Floats:
    """:func:`~tminus.features.history.logit` of each value, to the bit."""
    clipped = np.minimum(np.maximum(p, 1e-6), 1 - 1e-6)
    return _each(math.log, clipped / (1 - clipped))


def _each(fn: Callable[[float], float], values: Floats) -> Floats:
    return np.fromiter(map(fn, values.tolist()), dtype=np.float64, count=len(values))


def pad_feature(pad_flights: int) -> float:
    """The pad term of :func:`feature_vector`: 1 for a new pad, shrinking with its launches."""
    return 1.0 / (1.0 + pad_flights)
