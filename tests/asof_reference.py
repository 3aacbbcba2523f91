"""The launch_failure answer as it was computed before the columnar index (pinned reference).

Until issue 22 every answer read the history launch by launch through
:class:`~tminus.features.history.HistoryAt` (bisection of per-key lists) and evaluated the
posterior one row at a time. This module keeps that computation, line for line, so tests can
hold the columnar reads, the batch path and the single path to it: the probability to the bit,
the interval to 1e-12 (a batch multiplies every row by the draws at once, in another order).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tminus.features.history import HistoryAt, in_development, pad_key
from tminus.features.risk import (
    PAD_FEATURE,
    RiskContext,
    feature_vector,
    pad_feature,
    pooled_rates,
)
from tminus.features.timebase import from_day, to_day
from tminus.predictors.asof import cutoff_context
from tminus.predictors.base import ProbabilityPrediction, QueryError
from tminus.predictors.launch_failure import LaunchAnswers, LaunchFailurePredictor, LaunchQuery
from tminus.predictors.logistic import interval_of


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


def _answer_for_pads(
    predictor: LaunchFailurePredictor,
    at: HistoryAt,
    ctx: RiskContext,
    mix: list[tuple[str, float]] | None,
) -> tuple[float, tuple[float, float]]:
    x = feature_vector(ctx, predictor.pooling)
    post = predictor.posterior
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
        x[PAD_FEATURE] = pad_feature(predictor.history.pads[key].at(at.t).flights)
        p_mix += share * post.point(x)
        draws_mix += share * post.draws(x)
    return p_mix, interval_of(draws_mix, p_mix)


def answer(predictor: LaunchFailurePredictor, query: LaunchQuery) -> ProbabilityPrediction:
    """The answer to ``query`` as the code before the columnar index gave it."""
    catalogue, history = predictor.catalogue, predictor.history
    day = to_day(query.date)
    t = history.read_moment(day)
    vehicle = catalogue.resolve_vehicle(query.vehicle, at=t, allow_unseen=query.allow_unseen)
    at = history.at(t)
    flags = {
        "unseen_vehicle": not vehicle.known,
        "maiden_flight": False,
        "unseen_pad": False,
        "new_pad": False,
        "pad_unspecified": query.pad is None,
    }
    site = None if query.site is None else catalogue.resolve_site(query.site)
    pad: str | None = None
    mix: list[tuple[str, float]] | None = None
    if query.pad is not None:
        match = catalogue.resolve_pad(query.pad, site)
        if match is None and not query.allow_unseen:
            raise QueryError(
                "pad",
                f"unknown pad {query.pad!r}: no launch record or GCAT list knows it; GET "
                "/v1/pads lists the known pads (set allow_unseen to answer it as a pad "
                "never seen, from a prior)",
                suggestions=catalogue.suggest_pads(query.pad, site),
                unknown_name=True,
            )
        if match is None:
            flags["unseen_pad"] = True
        else:
            site, pad = match.site, match.pad
            flags["new_pad"] = at.pad_flights(site, pad) == 0
    else:
        mix = at.pad_mix(vehicle.name, vehicle.family, site=site)
    ctx = read_context(
        at,
        vehicle=vehicle.name,
        family=vehicle.family,
        provider=vehicle.provider,
        site=site,
        pad=pad,
    )
    flags["maiden_flight"] = vehicle.known and ctx.vehicle_flights == 0
    probability, interval = _answer_for_pads(predictor, at, ctx, mix)
    family_rate, vehicle_rate = pooled_rates(ctx, predictor.pooling)
    context: dict[str, Any] = {
        "outcome": predictor.outcome,
        "vehicle": vehicle.name,
        "family": vehicle.family,
        "provider": vehicle.provider,
        "vehicle_state": catalogue.vehicle_state(vehicle.name),
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
            f"{vehicle.asked!r} read as {vehicle.name}, the {vehicle.family} family's variant "
            "flying on the date (the most recently flown one not retired by then, else the "
            "next one)"
        )
    elif vehicle.matched == "alias":
        context["resolved_from"] = vehicle.asked
        context["resolved_as"] = f"{vehicle.asked!r} read as {vehicle.name}"
    if pad is not None and site is not None:
        context["pad"] = pad_key(site, pad)
        context["pad_flights"] = ctx.pad_flights
    if mix is not None:
        context["pad_mix"] = {key: round(share, 4) for key, share in mix}
    context.update(cutoff_context(history, day))
    status = catalogue.status_at(str(context["vehicle"]), at=day)
    flags["retired_vehicle"] = status.ended
    context["vehicle_status"] = status.status
    context["vehicle_status_since"] = status.since or status.retires
    context["vehicle_status_source"] = None if status.source is None else status.source.cite()
    return ProbabilityPrediction(
        probability=probability,
        interval=interval,
        flags=flags,
        context=context,
        as_of=from_day(t),
        days_past_cutoff=history.days_past_cutoff(day),
    )


def batch(predictor: LaunchFailurePredictor, queries: list[LaunchQuery]) -> LaunchAnswers:
    """``queries`` answered in one call of the batch path (the path under test, not the pinned
    reference: here so that every test hands it the same columns)."""
    return predictor.predict_batch(
        [q.vehicle for q in queries],
        [q.date for q in queries],
        [q.site for q in queries],
        [q.pad for q in queries],
        [q.allow_unseen for q in queries],
    )
