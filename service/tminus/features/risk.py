"""Launch-failure features and the reliability analyst's pooled estimates, read as of a moment.

Every function here reads a :class:`~tminus.features.history.HistoryAt`: the history as it
stood at the moment asked about, which holds only earlier launches; training and serving call
the same functions. :func:`read_context` reads the counts once; :func:`feature_vector` turns
them into the model's inputs for given pooling strengths (hyperparameters chosen in training),
so that trying several strengths does not read the history again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from tminus.features.history import HistoryAt, in_development, logit

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


def read_context(
    at: HistoryAt,
    *,
    vehicle: str,
    family: str,
    provider: str | None,
    site: str | None,
    pad: str | None,
) -> RiskContext:
    """What the history, read at ``at.t``, says about a launch of ``vehicle`` then."""
    veh = at.vehicle(vehicle)
    fam = at.family(family)
    developing = in_development(fam)
    if provider is None:
        provider_flights, provider_failures = 0, 0
    else:
        provider_flights, provider_failures = at.provider_record(
            provider, operational=not developing
        )
    days_since = None if fam.last_failure_day is None else max(at.t - fam.last_failure_day, 0.0)
    pad_flights = 0 if site is None or pad is None else at.pad_flights(site, pad)
    return RiskContext(
        vehicle_flights=veh.flights,
        vehicle_failures=veh.failures,
        family=family,
        family_flights=fam.flights,
        family_failures=fam.failures,
        family_flights_since_failure=fam.flights_since_failure,
        days_since_family_failure=days_since,
        family_in_development=developing,
        provider_flights=provider_flights,
        provider_failures=provider_failures,
        pad_flights=pad_flights,
        trailing_rate=at.trailing_rate(),
        era_rate=at.era_rate(),
        new_vehicle_rate=at.new_vehicle_rate(),
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
    family_rate, vehicle_rate = pooled_rates(ctx, pooling)
    return [
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


def pad_feature(pad_flights: int) -> float:
    """The pad term of :func:`feature_vector`: 1 for a new pad, shrinking with its launches."""
    return 1.0 / (1.0 + pad_flights)
