"""The columnar as-of index reads what the launch-by-launch reads of the history read, exactly.

A random record with the awkward cases on purpose (launches at the same moment, failures on a
day of several launches, vehicles that change hands, families whose members last flew on the
same day, launches with a site but no pad), read at every launch's own moment, between
launches, before the first and after the last: the index (one row at a time and all rows at
once) gives the counts, the provider, the pad mix and the features that
:class:`~tminus.features.history.HistoryAt` gives.
"""

from __future__ import annotations

import random
from itertools import pairwise

import numpy as np
import pytest
from tests.asof_reference import read_context as reference_context

from tminus.features.asof_index import AsOfIndex
from tminus.features.history import PROVIDER_WINDOW, HistoryAt, LaunchHistory, pad_key
from tminus.features.risk import (
    Pooling,
    feature_matrix,
    feature_vector,
    read_context,
    read_contexts,
)

VEHICLES = {f"V{i}": f"F{i % 4}" for i in range(12)}


def random_history(seed: int, n: int = 900) -> LaunchHistory:
    rng = random.Random(seed)
    history = LaunchHistory()
    day = 0.0
    for _ in range(n):
        day += rng.choice([0.0, 0.0, 0.5, 1.0, 3.25, 10.0])  # ties on purpose
        vehicle = rng.choice(list(VEHICLES))
        site = rng.choice(["S1", "S2", "S3", None])
        pad = None if site is None or rng.random() < 0.1 else rng.choice(["A", "B", "C"])
        history.record(
            day=day,
            vehicle=vehicle,
            family=VEHICLES[vehicle],
            provider=rng.choice(["P1", "P2", "P3"]) if rng.random() < 0.3 else "P1",
            site=site,
            pad=pad,
            failed=rng.random() < 0.15,
        )
    return history


@pytest.fixture(scope="module", params=[1, 2])
def history(request: pytest.FixtureRequest) -> LaunchHistory:
    return random_history(request.param)


def moments(history: LaunchHistory) -> list[float]:
    days = history.everything.launch_days
    between = [(a + b) / 2 for a, b in pairwise(days)]
    return sorted({*days, *between, days[0] - 1.0, days[-1] + 0.25, days[-1] + 5000.0})


def test_every_record_counts_what_bisection_counts(history: LaunchHistory) -> None:
    index = AsOfIndex(history)
    ts = np.array(moments(history))
    ranks = index.rank(ts)
    groupings = [
        (index.vehicles, history.vehicles),
        (index.families, history.families),
        (index.providers, history.providers),
        (index.provider_operational, history.provider_operational),
        (index.sites, history.sites),
    ]
    for grouping, records in groupings:
        for name, record in records.items():
            code = grouping.code(name)
            many = grouping.at(np.full(len(ts), code), ranks)
            for i, t in enumerate(ts.tolist()):
                expected = record.at(t)
                one = grouping.at_one(code, int(ranks[i]))
                assert one == (
                    expected.flights,
                    expected.failures,
                    expected.last_failure_day,
                    expected.flights_since_failure,
                )
                assert int(many.flights[i]) == expected.flights
                assert int(many.failures[i]) == expected.failures
                assert int(many.flights_since_failure[i]) == expected.flights_since_failure
                last = float(many.last_failure_day[i])
                assert (None if np.isnan(last) else last) == expected.last_failure_day
        assert grouping.at_one(grouping.none, int(ranks[-1]))[:2] == (0, 0)


def test_windows_and_the_providers_recent_record(history: LaunchHistory) -> None:
    index = AsOfIndex(history)
    for t in moments(history):
        at = HistoryAt(history, t)
        rank = index.rank_one(t)
        for operational in (False, True):
            grouping = index.provider_operational if operational else index.providers
            for name in ("P1", "P2", "P3", "nobody"):
                expected = at.provider_record(name, operational=operational)
                code = grouping.code(name)
                assert grouping.recent_one(code, rank, PROVIDER_WINDOW) == expected
                many = grouping.recent(np.array([code]), np.array([rank]), PROVIDER_WINDOW)
                assert (int(many[0][0]), int(many[1][0])) == expected
        start = index.rank_one(t - 30.0)
        assert index.operational.between_one(0, start, rank) == (
            history.operational.launches_between(t - 30.0, t),
            history.operational.failures_between(t - 30.0, t),
        )


def test_who_launches_and_where_a_launch_without_pad_goes(history: LaunchHistory) -> None:
    index = AsOfIndex(history)
    families = [*VEHICLES.values(), "F9", "nobody"]
    for t in moments(history)[::7]:
        at = HistoryAt(history, t)
        rank = index.rank_one(t)
        for vehicle in [*VEHICLES, "V99"]:
            for family in families[:2] + families[-2:]:
                for maker in (None, "P2", "P7"):
                    expected = at.provider_of(vehicle, family, manufacturer=maker)
                    code = index.provider_one(index.vehicles.code(vehicle), family, maker, rank)
                    assert (None if code < 0 else index.provider_names[code]) == expected
            for site in (None, "S1", "S4"):
                assert index.pad_mix(vehicle, VEHICLES.get(vehicle, "F1"), site, t) == (
                    at.pad_mix(vehicle, VEHICLES.get(vehicle, "F1"), site=site)
                )


def test_read_contexts_and_the_features_are_the_launch_by_launch_ones(
    history: LaunchHistory,
) -> None:
    """Every launch at its own moment, from its own pad (training's rows), and the same
    questions after the record: counts equal, features equal to the bit."""
    index = AsOfIndex(history)
    rows = []
    for vehicle, record in history.vehicles.items():
        for day, key, provider in zip(
            record.launch_days,
            history.vehicle_pads[vehicle],
            history.vehicle_providers[vehicle],
            strict=True,
        ):
            site, pad = (None, None) if key is None else key.split("/")
            rows += [(vehicle, day, provider, site, pad), (vehicle, day + 9e3, None, site, pad)]
    t = np.array([row[1] for row in rows])
    columns = read_contexts(
        index,
        t,
        vehicle=index.vehicles.code_array(row[0] for row in rows),
        family=index.families.code_array(VEHICLES[row[0]] for row in rows),
        provider=np.array(
            [-1 if row[2] is None else index.provider_names.index(row[2]) for row in rows]
        ),
        pad=index.pads.code_array(
            None if row[4] is None else pad_key(row[3], row[4]) for row in rows
        ),
    )
    pooling = Pooling(family_strength=12.0, vehicle_strength=3.0)
    X = feature_matrix(columns, pooling)
    for i, (vehicle, day, provider, site, pad) in enumerate(rows):
        expected = reference_context(
            HistoryAt(history, day),
            vehicle=vehicle,
            family=VEHICLES[vehicle],
            provider=provider,
            site=site,
            pad=pad,
        )
        assert columns.row(i, VEHICLES[vehicle]) == expected
        one = read_context(
            index,
            day,
            vehicle=vehicle,
            family=VEHICLES[vehicle],
            provider=-1 if provider is None else index.provider_names.index(provider),
            pad=index.pads.code(None if pad is None else pad_key(site, pad)),
        )
        assert one == expected
        assert X[i].tolist() == feature_vector(expected, pooling)
