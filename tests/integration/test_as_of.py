"""As of any date, exactly: answers about a date read only the launches before it.

On the real mirrored record and the champions trained on it: the features the service reads for
a past launch are the ones training computed for it; a vehicle before its first flight is a
maiden flight; a date after the record is read at its end and says how stale that is; a
question with no pad answers for the vehicle's pads; names GCAT lists before they fly are
answered, flagged.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from tests import asof_reference as reference

from tminus.app import create_app
from tminus.data import schema as S
from tminus.data.tables import load_table
from tminus.features.risk import Pooling, feature_vector
from tminus.predictors.launch_failure import LaunchFailurePredictor, LaunchQuery
from tminus.predictors.timing import (
    FailureQuery,
    PadQuery,
    PadTurnaroundPredictor,
    ReturnToFlightPredictor,
)
from tminus.registry.store import Registry
from tminus.settings import Settings
from tminus.training import launch_failure, timing
from tminus.training.frames import walk_launches

UTC = dt.UTC
SAMPLE = 200


@pytest.fixture(scope="module")
def client(champion_registry: Path) -> Iterator[TestClient]:
    settings = Settings(models_dir=champion_registry, reload_interval_s=3600)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def launches(processed_dir: Path) -> pd.DataFrame:
    return launch_failure.risk_launches(load_table(S.LAUNCHES, processed_dir))


def served(champion_registry: Path, model: str) -> Any:
    return Registry(champion_registry).load_alias(model, "champion").predictor


def post(client: TestClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def sample(frame: pd.DataFrame, n: int, *, seed: int) -> list[int]:
    rows = list(frame.index[frame[S.LAUNCH_TIME].dt.year >= 2000])
    return sorted(random.Random(seed).sample(rows, min(n, len(rows))))


def test_falcon_9_before_and_after_its_first_flight(client: TestClient) -> None:
    before = post(client, "/v1/launch-failure", {"vehicle": "Falcon 9", "date": "2010-06-01"})
    assert before["context"]["vehicle_flights"] == 0
    assert before["flags"]["maiden_flight"]
    assert before["days_past_cutoff"] == 0 and before["as_of"].startswith("2010-06-01")
    after = post(client, "/v1/launch-failure", {"vehicle": "Falcon 9", "date": "2010-06-05"})
    assert (after["context"]["vehicle_flights"], after["context"]["vehicle_failures"]) == (1, 0)
    assert not after["flags"]["maiden_flight"]


def test_a_pad_on_a_past_date_reads_its_gap_up_to_then(
    client: TestClient, launches: pd.DataFrame
) -> None:
    lc40 = launches[(launches[S.SITE] == "CC") & (launches[S.PAD] == "LC40")]
    when = pd.Timestamp("2020-01-01", tz="UTC")
    previous = lc40[lc40[S.LAUNCH_TIME] < when][S.LAUNCH_TIME].max()
    answer = post(client, "/v1/pad-turnaround", {"pad": "LC40", "site": "CC", "date": "2020-01-01"})
    expected = (when - previous) / pd.Timedelta(days=1)
    assert answer["context"]["days_since_previous_pad_launch"] == pytest.approx(expected)
    assert expected > 1


def test_the_service_reads_the_features_training_computed(
    champion_registry: Path, launches: pd.DataFrame
) -> None:
    """200 launches drawn at random since 2000: the served predictors' features for that
    vehicle, pad and moment equal the training rows' features for that launch."""
    predictor = served(champion_registry, "launch_failure")
    assert isinstance(predictor, LaunchFailurePredictor)
    X = launch_failure.build_rows(launches).design(Pooling(**predictor.to_state()["pooling"]))
    checked = 0
    for i in sample(launches, SAMPLE, seed=13):
        launch = launches.loc[i]
        if pd.isna(launch[S.PAD]):
            continue
        query = LaunchQuery(
            vehicle=launch[S.VEHICLE],
            date=launch[S.LAUNCH_TIME].to_pydatetime(),
            site=launch[S.SITE],
            pad=launch[S.PAD],
        )
        served_x = predictor.feature_vector(query)
        np.testing.assert_allclose(served_x, X[i], rtol=0, atol=1e-12, err_msg=str(query))
        checked += 1
    assert checked >= SAMPLE * 0.9


def test_every_launch_on_record_is_answered_at_its_own_site_and_date(
    client: TestClient, launches: pd.DataFrame
) -> None:
    """A backtest's batch: each launch's vehicle, site and pad as GCAT records them, as of its
    day. Sites whose launches name no pad (Palmachim's Shavits, Bowen's Eris) are known too."""
    items = []
    for row in launches.itertuples():
        item = {"vehicle": row.vehicle, "date": row.launch_time.date().isoformat()}
        if isinstance(row.site, str):
            item["site"] = row.site
            if isinstance(row.pad, str):
                item["pad"] = row.pad
        items.append(item)
    answers = []
    for start in range(0, len(items), 5000):
        response = client.post("/v1/launch-failure", json={"items": items[start : start + 5000]})
        assert response.status_code == 200, response.text[:2000]
        answers += response.json()["items"]
    assert len(answers) == len(items) > 7000
    padless = [a for a, i in zip(answers, items, strict=True) if i.get("site") == "PALB"]
    assert padless and all(a["flags"]["pad_unspecified"] for a in padless)


def future_rows(launches: pd.DataFrame, n: int) -> list[LaunchQuery]:
    """``n`` questions about 2026-2027 drawn like the recent record: its vehicles, sites and
    pads (a tenth without the pad, a tenth without either), at any time of day."""
    rng = random.Random(22)
    last = launches[S.LAUNCH_TIME].max()
    recent = launches[launches[S.LAUNCH_TIME] > last - pd.Timedelta(days=730)]
    start = dt.datetime(2026, 1, 1, tzinfo=UTC)
    out = []
    for row in recent.sample(n, replace=True, random_state=22).itertuples():
        site = row.site if isinstance(row.site, str) else None
        pad = row.pad if isinstance(row.pad, str) and site is not None else None
        draw = rng.random()
        if draw < 0.1:
            pad = None
        elif draw < 0.2:
            site = pad = None
        when = start + dt.timedelta(seconds=rng.randrange(730 * 86_400))
        out.append(LaunchQuery(vehicle=row.vehicle, date=when, site=site, pad=pad))
    return out


@pytest.mark.parametrize("model", ["launch_failure", "launch_anomaly"])
def test_every_launch_and_ten_thousand_future_rows_answer_as_before_the_index(
    champion_registry: Path, launches: pd.DataFrame, model: str
) -> None:
    """Issue 22: the columnar index changed the cost of an answer, not the answer.

    Every launch on record at its own date (site and pad as GCAT records them) and 10,000
    questions about the future, answered by the batch path and one by one, against the
    launch-by-launch reads the service made before (``tests/asof_reference.py``): the
    probability to the bit, the interval to 1e-12 (to the bit one by one), flags, context, the
    moment read and the days past the cutoff equal.
    """
    predictor = served(champion_registry, model)
    assert isinstance(predictor, LaunchFailurePredictor)
    queries = [
        LaunchQuery(
            vehicle=row.vehicle,
            date=dt.datetime.combine(row.launch_time.date(), dt.time(), UTC),
            site=row.site if isinstance(row.site, str) else None,
            pad=row.pad if isinstance(row.pad, str) and isinstance(row.site, str) else None,
        )
        for row in launches.itertuples()
    ] + future_rows(launches, 10_000)
    batch = reference.batch(predictor, queries)
    assert not batch.errors
    for i, query in enumerate(queries):
        expected = reference.answer(predictor, query)
        one = predictor.predict(query)
        many = batch.prediction(i)
        assert one.probability == many.probability == expected.probability, query
        assert one.interval == expected.interval, query
        assert many.interval == pytest.approx(expected.interval, rel=0, abs=1e-12), query
        for got in (one, many):
            assert list(got.context.items()) == list(expected.context.items()), query
            assert (got.flags, got.as_of, got.days_past_cutoff) == (
                expected.flags,
                expected.as_of,
                expected.days_past_cutoff,
            ), query


def test_training_reads_the_features_the_launch_by_launch_reads_gave(
    launches: pd.DataFrame,
) -> None:
    """Every training row, read for all launches at once, is the launch-by-launch read of
    that launch at its own moment: the design matrix to the bit."""
    rows = launch_failure.build_rows(launches)
    history = rows.history
    pooling = launch_failure.POOLINGS[0]
    X = rows.design(pooling)
    for i, launch in enumerate(walk_launches(launches)):
        at = history.at(launch.day)
        expected = reference.read_context(
            at,
            vehicle=launch.vehicle,
            family=launch.family,
            provider=at.provider_of(launch.vehicle, launch.family),
            site=launch.site,
            pad=launch.pad,
        )
        assert rows.columns.row(i, launch.family) == expected
        assert X[i].tolist() == feature_vector(expected, pooling)


def test_the_timing_models_read_the_features_training_computed(
    champion_registry: Path, launches: pd.DataFrame
) -> None:
    pads = served(champion_registry, "pad_turnaround")
    assert isinstance(pads, PadTurnaroundPredictor)
    pad_rows = timing.build_pad_rows(launches)
    with_pad = launches[launches[S.PAD].notna()].reset_index(drop=True)
    assert len(with_pad) == len(pad_rows.X)
    for i in sample(with_pad, SAMPLE, seed=14):
        launch = with_pad.loc[i]
        query = PadQuery(
            pad=launch[S.PAD],
            site=launch[S.SITE],
            vehicle=launch[S.VEHICLE],
            date=launch[S.LAUNCH_TIME].to_pydatetime(),
        )
        np.testing.assert_allclose(pads.feature_vector(query), pad_rows.X[i], atol=1e-12)
    rtf = served(champion_registry, "return_to_flight")
    assert isinstance(rtf, ReturnToFlightPredictor)
    rtf_rows = timing.build_rtf_rows(launches)
    failures = launches[launches[S.FAILED]].reset_index(drop=True)
    assert len(failures) == len(rtf_rows.X)
    for i in sample(failures, 60, seed=15):
        launch = failures.loc[i]
        query = FailureQuery(vehicle=launch[S.VEHICLE], date=launch[S.LAUNCH_TIME].to_pydatetime())
        np.testing.assert_allclose(rtf.feature_vector(query), rtf_rows.X[i], atol=1e-12)


def test_a_pads_remembered_read_answers_as_a_fresh_one(
    champion_registry: Path, launches: pd.DataFrame
) -> None:
    """The planner asks about a pad's last launch once for every vehicle that flies from it;
    pad_turnaround remembers a pad's read per moment and family, and a band per feature
    vector. Every answer given with those memos warm equals the one computed afresh."""
    pads = served(champion_registry, "pad_turnaround")
    assert isinstance(pads, PadTurnaroundPredictor)
    recent = launches[launches[S.PAD].notna()].tail(400)
    by_pad = recent.groupby([S.SITE, S.PAD])
    queries = [
        PadQuery(pad=pad, site=site, vehicle=vehicle, date=day)
        for (site, pad), rows in by_pad
        for day in (
            rows[S.LAUNCH_TIME].max().to_pydatetime(),
            dt.datetime(2027, 6, 1, tzinfo=dt.UTC),
        )
        for vehicle in [*rows[S.VEHICLE].unique(), "Falcon 9", None]
    ]
    assert len(queries) > 300
    warm = [pads.predict(q) for q in queries]
    assert len(pads._pads) < len(queries)  # reads were shared: the memo is what is tested
    for query, remembered in zip(queries, warm, strict=True):
        pads._pads.clear()
        pads._bands.clear()
        assert pads.predict(query) == remembered, query


def test_a_date_after_the_record_is_read_at_its_end_and_says_how_far(
    client: TestClient,
) -> None:
    answers = [
        post(client, "/v1/launch-failure", {"vehicle": "Falcon 9", "date": day})
        for day in ("2026-06-01", "2026-12-01")
    ]
    cutoff = dt.date.fromisoformat(answers[0]["data_cutoff"])
    assert answers[0]["probability"] == answers[1]["probability"]
    assert answers[0]["as_of"] == answers[1]["as_of"]
    assert dt.date.fromisoformat(answers[0]["as_of"][:10]) == cutoff + dt.timedelta(days=1)
    assert answers[0]["days_past_cutoff"] == (dt.date(2026, 6, 1) - cutoff).days
    assert answers[1]["days_past_cutoff"] == (dt.date(2026, 12, 1) - cutoff).days
    assert answers[0]["context"]["history_read_at_cutoff"]
    pad = post(client, "/v1/pad-turnaround", {"pad": "LC39A", "date": "2026-12-01"})
    assert pad["days_past_cutoff"] == answers[1]["days_past_cutoff"]


def test_no_pad_is_the_vehicles_pad_mix_not_a_new_pad(client: TestClient) -> None:
    unspecified = post(client, "/v1/launch-failure", {"vehicle": "Falcon 9", "date": "2026-06-01"})
    assert unspecified["flags"]["pad_unspecified"] and not unspecified["flags"]["new_pad"]
    mix = unspecified["context"]["pad_mix"]
    assert len(mix) >= 2 and sum(mix.values()) == pytest.approx(1.0, abs=1e-3)
    per_pad = []
    for key in mix:
        site, pad = key.split("/")
        answer = post(
            client,
            "/v1/launch-failure",
            {"vehicle": "Falcon 9", "date": "2026-06-01", "site": site, "pad": pad},
        )
        assert not answer["flags"]["pad_unspecified"]
        per_pad.append(answer["probability"])
    assert min(per_pad) - 1e-12 <= unspecified["probability"] <= max(per_pad) + 1e-12


@pytest.mark.parametrize(
    ("asked", "vehicle", "flag"),
    [
        ("Ariane 64", "Ariane 64", "maiden_flight"),
        ("Starship V3", "Starship V3", "maiden_flight"),
        ("Vulcan Centaur VC6S", "Vulcan Centaur VC6S", "maiden_flight"),
        ("New Glenn 9x4", "New Glenn 9x4", "maiden_flight"),
        ("Neutron", "Neutron", "maiden_flight"),
    ],
)
def test_a_variant_gcat_lists_before_it_flies_is_a_maiden_flight(
    client: TestClient, asked: str, vehicle: str, flag: str
) -> None:
    answer = post(client, "/v1/launch-failure", {"vehicle": asked, "date": "2026-06-01"})
    assert answer["flags"][flag] and not answer["flags"]["unseen_vehicle"]
    assert answer["context"]["vehicle"] == vehicle
    assert answer["context"]["vehicle_flights"] == 0
    assert answer["context"]["vehicle_state"] == "not yet flown"


@pytest.mark.parametrize(
    ("family", "date", "variants"),
    [
        ("Starship", "2025-03-01", {"Starship V2"}),
        ("Vulcan", "2026-06-01", {"Vulcan Centaur VC2S", "Vulcan Centaur VC4S"}),
        ("New Glenn", "2026-06-01", {"New Glenn", "New Glenn 7x2"}),
        ("Ariane 6", "2026-06-01", {"Ariane 62", "Ariane 64"}),
    ],
)
def test_a_family_name_is_answered_for_its_variant_flying_on_the_day(
    client: TestClient, family: str, date: str, variants: set[str]
) -> None:
    answer = post(client, "/v1/launch-failure", {"vehicle": family, "date": date})
    assert answer["context"]["vehicle"] in variants
    assert answer["context"]["vehicle_flights"] > 0
    assert answer["context"]["resolved_from"] == family
    assert family in answer["context"]["resolved_as"]


@pytest.mark.parametrize("date", ["2025-11-15", "2026-06-01"])
def test_starship_after_v2_retired_is_a_v3_maiden_flight(client: TestClient, date: str) -> None:
    # The reference retires Starship V2 on 2025-10-13 (its last flight, SpaceX's word), so a
    # Starship flight after that is a V3 flight, a maiden flight until V3 has flown.
    answer = post(client, "/v1/launch-failure", {"vehicle": "Starship", "date": date})
    assert answer["context"]["vehicle"] == "Starship V3"
    assert answer["flags"]["maiden_flight"] and not answer["flags"]["unseen_vehicle"]
    assert answer["context"]["resolved_from"] == "Starship"


def test_a_name_no_table_knows_keeps_the_new_vehicle_prior(client: TestClient) -> None:
    answer = post(
        client,
        "/v1/launch-failure",
        {"vehicle": "Zephyr Ultra Heavy", "date": "2026-06-01", "allow_unseen": True},
    )
    assert answer["flags"]["unseen_vehicle"] and not answer["flags"]["maiden_flight"]


def test_a_listed_pad_that_never_launched_is_a_new_pad_not_a_422(client: TestClient) -> None:
    answer = post(
        client,
        "/v1/launch-failure",
        {"vehicle": "Starship V3", "date": "2026-06-01", "site": "STB", "pad": "OLP2"},
    )
    assert answer["flags"]["new_pad"] and answer["flags"]["maiden_flight"]
    turnaround = post(
        client, "/v1/pad-turnaround", {"pad": "OLP2", "site": "STB", "date": "2026-06-01"}
    )
    assert turnaround["flags"]["new_pad"]
    wrong = client.post(
        "/v1/launch-failure",
        json={"vehicle": "Falcon 9", "date": "2026-06-01", "site": "KSC", "pad": "LC40"},
    )
    assert wrong.status_code == 422
    message = wrong.json()["detail"][0]["msg"]
    assert "LC40" in message and "KSC" in message


def test_vehicles_and_pads_list_their_state(client: TestClient) -> None:
    vehicles = client.get("/v1/vehicles", params={"limit": 5000}).json()["vehicles"]
    state = {v["name"]: v["state"] for v in vehicles}
    assert state["Falcon 9"] == "flown"
    assert state["Ariane 64"] == state["Starship V3"] == "not yet flown"
    pads = client.get("/v1/pads", params={"q": "STB"}).json()["pads"]
    pad_state = {(p["site"], p["pad"]): p["state"] for p in pads}
    assert pad_state[("STB", "OLP1")] == "flown"
    assert pad_state[("STB", "OLP2")] == "not yet flown"


def test_the_landing_programme_is_read_as_of_the_date(client: TestClient) -> None:
    early = post(client, "/v1/booster-landing", {"date": "2016-01-01", "landing_type": "RTLS"})
    late = post(client, "/v1/booster-landing", {"date": "2026-06-01", "landing_type": "RTLS"})
    attempts = early["context"]["programme_landing_attempts"]
    assert 0 < attempts < late["context"]["programme_landing_attempts"]
    assert early["days_past_cutoff"] == 0 and early["as_of"].startswith("2016-01-01")
    cutoff = dt.date.fromisoformat(late["data_cutoff"])  # the SpaceX API stopped in 2022
    assert late["days_past_cutoff"] == (dt.date(2026, 6, 1) - cutoff).days > 1000
    assert late["context"]["history_read_at_cutoff"]
