"""Launch-failure features and the reliability analyst's pooled estimates, read as of a moment.

Every function here reads a :class:`~tminus.features.history.HistoryAt`: the history as it
stood at the moment asked about, which holds only earlier launches; training and serving call
the same functions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from tminus.features.history import HistoryAt, logit


@dataclass(frozen=True, slots=True)
class Pooling:
    """Strengths (pseudo-flights) of the Beta priors used for pooling.

    Parameters
    ----------
    family_strength
        Pseudo-flights of the global-rate prior on a family's rate.
    vehicle_strength
        Pseudo-flights of the family prior on a vehicle's rate.
    """

    family_strength: float = 10.0
    vehicle_strength: float = 5.0


@dataclass(frozen=True, slots=True)
class RiskContext:
    """The history behind one launch-failure question, for features and explanations."""

    vehicle_flights: int
    vehicle_failures: int
    family: str
    family_flights: int
    family_failures: int
    family_flights_since_failure: int
    days_since_family_failure: float | None
    family_failures_recent: int
    provider_rate: float
    provider_flights: int
    pad_flights: int
    era_rate: float
    family_rate: float
    vehicle_rate: float
    new_vehicle_rate: float
    global_rate: float


# Feature names, in column order, with the sign each coefficient is constrained to:
# +1 non-negative, -1 non-positive, 0 free. The signs make the model's promises hold by
# construction: more (or more recent) failures never lower risk; experience never raises it.
FAILURE_FEATURES: Final[tuple[tuple[str, int], ...]] = (
    ("maiden", +1),
    ("inv_vehicle_flights", +1),
    ("inv_family_flights", +1),
    ("logit_vehicle_rate", +1),
    ("logit_family_rate", +1),
    ("family_failures_recent", +1),
    ("log_family_flights_since_failure", -1),
    ("log_days_since_family_failure", -1),
    ("logit_provider_rate", +1),
    ("logit_era_rate", +1),
    ("inv_pad_flights", 0),
)
FEATURE_NAMES: Final = tuple(name for name, _ in FAILURE_FEATURES)
# The one feature that depends on the pad: an answer without a pad varies only this one.
PAD_FEATURE: Final = FEATURE_NAMES.index("inv_pad_flights")
FEATURE_SIGNS: Final = tuple(sign for _, sign in FAILURE_FEATURES)


def pooled_rate(failures: int, flights: int, prior_mean: float, strength: float) -> float:
    """Posterior mean of a Beta prior (``prior_mean``, ``strength`` pseudo-flights)."""
    return (failures + prior_mean * strength) / (flights + strength)


def read_context(
    at: HistoryAt,
    *,
    vehicle: str,
    family: str,
    provider: str | None,
    site: str | None,
    pad: str | None,
    pooling: Pooling,
) -> RiskContext:
    """What the history, read at ``at.t``, says about a launch of ``vehicle`` then."""
    veh = at.vehicle(vehicle)
    fam = at.family(family)
    global_rate = at.global_rate()
    new_rate = at.new_vehicle_rate()
    # A family with little history leans on the new-vehicle prior, an established one on its own.
    family_prior = new_rate if fam.flights == 0 else global_rate
    family_rate = pooled_rate(fam.failures, fam.flights, family_prior, pooling.family_strength)
    vehicle_prior = new_rate if veh.flights == 0 and fam.flights == 0 else family_rate
    vehicle_rate = pooled_rate(veh.failures, veh.flights, vehicle_prior, pooling.vehicle_strength)
    if provider is None:
        provider_rate, provider_flights = global_rate, 0
    else:
        provider_rate, provider_flights = at.provider_rate(provider)
    days_since = None if fam.last_failure_day is None else max(at.t - fam.last_failure_day, 0.0)
    pad_record = None
    if site is not None and pad is not None:
        pad_record = at.pad(site, pad)
    return RiskContext(
        vehicle_flights=veh.flights,
        vehicle_failures=veh.failures,
        family=family,
        family_flights=fam.flights,
        family_failures=fam.failures,
        family_flights_since_failure=fam.flights_since_failure,
        days_since_family_failure=days_since,
        family_failures_recent=at.family_failures_recent(family),
        provider_rate=provider_rate,
        provider_flights=provider_flights,
        pad_flights=0 if pad_record is None else pad_record.flights,
        era_rate=at.era_rate(),
        family_rate=family_rate,
        vehicle_rate=vehicle_rate,
        new_vehicle_rate=new_rate,
        global_rate=global_rate,
    )


# Days-since-failure for a family that never failed: as if its last failure were long ago.
NEVER_FAILED_DAYS: Final = 20 * 365.25


def feature_vector(ctx: RiskContext) -> list[float]:
    """The model's inputs, in :data:`FEATURE_NAMES` order."""
    days_since = (
        NEVER_FAILED_DAYS
        if ctx.days_since_family_failure is None
        else (min(ctx.days_since_family_failure, NEVER_FAILED_DAYS))
    )
    return [
        1.0 if ctx.vehicle_flights == 0 else 0.0,
        1.0 / (1.0 + ctx.vehicle_flights),
        1.0 / (1.0 + ctx.family_flights),
        logit(ctx.vehicle_rate),
        logit(ctx.family_rate),
        float(ctx.family_failures_recent),
        math.log1p(ctx.family_flights_since_failure),
        math.log1p(days_since),
        logit(ctx.provider_rate),
        logit(ctx.era_rate),
        pad_feature(ctx.pad_flights),
    ]


def pad_feature(pad_flights: int) -> float:
    """The pad term of :func:`feature_vector`: 1 for a new pad, shrinking with its launches."""
    return 1.0 / (1.0 + pad_flights)
