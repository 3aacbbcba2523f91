"""Timing features: pad cadence and a family's pace, read as of a launch or a failure.

Both are read from a :class:`~tminus.features.history.HistoryAt`, the history as it stood at
the moment asked about, by training and serving alike.
"""

from __future__ import annotations

import math
import statistics
from typing import Final

from tminus.features.history import PAD_GAP_WINDOW, RECENT_DAYS, YEAR_DAYS, HistoryAt

PAD_FEATURES: Final = (
    "first_from_pad",
    "log_gap_since_previous",
    "log_median_recent_gap",
    "log_pad_launches_last_year",
    "log_family_launches_last_year",
    "log_all_launches_last_year",
    "log_pad_flights",
)

RTF_FEATURES: Final = (
    "log_family_flights",
    "log_family_launches_last_year",
    "family_failures_last_2y",
    "new_vehicle",
    "log_all_launches_last_year",
    "log_days_since_previous_family_failure",
    "returned_before",
    "log_family_last_return_days",
)


def pad_features(
    at: HistoryAt, *, site: str, pad: str, family: str | None
) -> tuple[list[float], dict[str, float | int | None]]:
    """Features of "a launch from this pad at ``at.t``: how long until the next one?"

    Returns the feature vector (order :data:`PAD_FEATURES`) and the context behind it. A pad
    with no launch before ``at.t`` (a new pad) takes the "first from pad" values.
    """
    record = at.pad(site, pad)
    if record is None or record.last_day is None:
        gap, recent, flights, last_year = None, [], 0, 0
    else:
        gap = max(at.t - record.last_day, 0.0)
        recent = [*record.gaps, gap][-PAD_GAP_WINDOW:]
        flights = record.flights
        last_year = record.launches_last_year
    median_gap = statistics.median(recent) if recent else None
    fam_year = at.family_launches_last_year(family)
    all_year = at.all_launches_last_year()
    features = [
        1.0 if gap is None else 0.0,
        0.0 if gap is None else math.log1p(gap),
        0.0 if median_gap is None else math.log1p(median_gap),
        math.log1p(last_year + 1),
        math.log1p(fam_year),
        math.log1p(all_year),
        math.log1p(flights),
    ]
    context: dict[str, float | int | None] = {
        "pad_flights": flights,
        "days_since_previous_pad_launch": gap,
        "median_recent_pad_gap_days": median_gap,
        "pad_launches_last_year": last_year,
        "family_launches_last_year": fam_year,
    }
    return features, context


def rtf_features(
    at: HistoryAt, *, vehicle: str, family: str
) -> tuple[list[float], dict[str, float | int | None]]:
    """Features of "``family`` fails at ``at.t``: how long until it flies again?"

    Read before the failure itself is recorded; order :data:`RTF_FEATURES`.
    """
    fam = at.family(family)
    veh = at.vehicle(vehicle)
    fam_year = at.family_launches_last_year(family)
    recent_failures = at.family_failures_recent(family, RECENT_DAYS)
    since = None if fam.last_failure_day is None else max(at.t - fam.last_failure_day, 0.0)
    last_return = at.family_last_return(family)
    features = [
        math.log1p(fam.flights),
        math.log1p(fam_year),
        float(recent_failures),
        1.0 if veh.flights < 3 else 0.0,
        math.log1p(at.all_launches_last_year()),
        math.log1p(20 * YEAR_DAYS if since is None else min(since, 20 * YEAR_DAYS)),
        0.0 if last_return is None else 1.0,
        0.0 if last_return is None else math.log1p(last_return),
    ]
    context: dict[str, float | int | None] = {
        "family_flights": fam.flights,
        "family_launches_last_year": fam_year,
        "family_failures_last_2y": recent_failures,
        "vehicle_flights": veh.flights,
        "days_since_previous_family_failure": since,
        "family_last_return_days": last_return,
    }
    return features, context
