"""launch_failure's memo and answer keys change speed only, never an answer."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from tests import asof_reference as reference

from tminus.features.timebase import from_day
from tminus.predictors import launch_failure as lf
from tminus.predictors.base import QueryError
from tminus.predictors.launch_failure import LaunchFailurePredictor, LaunchQuery
from tminus.training import launch_failure

from .synthetic import launch_tables

UTC = dt.UTC
QUERIES = [
    # allow_unseen: 'Gamma Heavy' and pad LC9 are names no table knows, answered from priors.
    LaunchQuery(vehicle=vehicle, date=when, site=site, pad=pad, allow_unseen=True)
    for vehicle, when, (site, pad) in itertools.product(
        ["Alpha 1", "alpha-2", "Beta", "Gamma Heavy"],
        [
            dt.datetime(2005, 6, 1, tzinfo=UTC),
            dt.datetime(2012, 3, 4, 5, 6, tzinfo=UTC),
            dt.datetime(2030, 1, 1, tzinfo=UTC),
            dt.datetime(2031, 7, 9, tzinfo=UTC),
        ],
        [(None, None), ("SYN", "LC1"), (None, "LC2"), ("SYN", "LC9")],
    )
]


@pytest.fixture(scope="module")
def trained() -> LaunchFailurePredictor:
    predictor = launch_failure.train(launch_tables(), random_state=0).predictor
    assert isinstance(predictor, LaunchFailurePredictor)
    return predictor


def fresh(predictor: LaunchFailurePredictor) -> LaunchFailurePredictor:
    """The same model with an empty memo."""
    return LaunchFailurePredictor.from_state(predictor.to_state())


def test_remembered_answers_equal_computed_ones(trained: LaunchFailurePredictor) -> None:
    warm = fresh(trained)
    first = [warm.predict(q) for q in QUERIES]
    second = [warm.predict(q) for q in QUERIES]  # every one from the memo now
    cold = [fresh(trained).predict(q) for q in QUERIES]  # every one computed
    assert first == second == cold
    assert len({p.probability for p in cold}) > 10  # the queries do differ


def test_an_answer_handed_out_cannot_change_the_next(trained: LaunchFailurePredictor) -> None:
    predictor = fresh(trained)
    query = QUERIES[5]
    answer = predictor.predict(query)
    expected = predictor.predict(query)
    answer.context["vehicle_flights"] = -1
    answer.flags["unseen_vehicle"] = True
    assert predictor.predict(query) == expected


def test_the_date_flags_follow_the_date_not_the_memo(trained: LaunchFailurePredictor) -> None:
    predictor = fresh(trained)
    horizon = predictor.history.horizon
    assert horizon is not None
    end = from_day(horizon)
    soon = predictor.predict(LaunchQuery(vehicle="Beta", date=end + dt.timedelta(days=30)))
    late = predictor.predict(LaunchQuery(vehicle="Beta", date=end + dt.timedelta(days=400)))
    at_end = predictor.predict(LaunchQuery(vehicle="Beta", date=end))
    assert soon.context["history_read_at_cutoff"] and late.context["history_read_at_cutoff"]
    assert not at_end.context["history_read_at_cutoff"]
    # every later date is read at the end of the record, and says how far past it it lies
    assert soon.probability == late.probability == at_end.probability
    assert soon.as_of == late.as_of == at_end.as_of == end
    assert (at_end.days_past_cutoff, soon.days_past_cutoff, late.days_past_cutoff) == (1, 31, 401)


def test_a_batch_answers_each_question_as_the_single_path_does(
    trained: LaunchFailurePredictor,
) -> None:
    """One call for every question (names resolved once each, one read per grouping): the
    probability to the bit, the interval to 1e-12, flags, context and name errors as one by one."""
    predictor = fresh(trained)
    unknown_site = LaunchQuery(vehicle="Alpha 1", date=QUERIES[0].date, site="SYX", pad="LC1")
    queries = [*QUERIES, unknown_site, *QUERIES[:3]]
    answers = reference.batch(predictor, queries)
    assert len(answers) == len(queries)
    for i, query in enumerate(queries):
        try:
            one = predictor.predict(query)
        except QueryError as exc:
            assert (answers.errors[i].field, answers.errors[i].message) == (exc.field, exc.message)
            continue
        got = answers.prediction(i)
        assert got.probability == one.probability
        assert got.interval == pytest.approx(one.interval, rel=0, abs=1e-12)
        assert list(got.context.items()) == list(one.context.items())
        assert (got.flags, got.as_of, got.days_past_cutoff) == (
            one.flags,
            one.as_of,
            one.days_past_cutoff,
        )
    assert list(answers.errors) == [len(QUERIES)]


def test_dates_past_the_cutoff_share_one_remembered_answer(
    trained: LaunchFailurePredictor,
) -> None:
    predictor = fresh(trained)
    future = [q for q in QUERIES if q.date.year >= 2030]
    asked = set()
    for query in future:
        try:
            predictor.predict(query)
        except QueryError:
            continue
        asked.add((query.vehicle, query.site, query.pad))
    assert len(asked) < len(future)
    assert len(predictor._memo) == len(asked)  # one computation per question, whatever the date


def test_bad_names_raise_every_time_and_are_not_remembered(
    trained: LaunchFailurePredictor,
) -> None:
    predictor = fresh(trained)
    query = LaunchQuery(vehicle="Alpha 1", date=QUERIES[0].date, site="SYX", pad="LC1")
    for _ in range(2):
        with pytest.raises(QueryError):
            predictor.predict(query)


def test_the_memo_stays_bounded(
    trained: LaunchFailurePredictor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lf, "MEMO_SIZE", 8)
    predictor = fresh(trained)
    start = dt.datetime(2003, 1, 1, tzinfo=UTC)
    for day in range(50):
        predictor.predict(LaunchQuery(vehicle="Beta", date=start + dt.timedelta(days=day)))
        assert len(predictor._memo) <= 8


def test_the_saved_state_is_the_same_with_a_full_memo(trained: LaunchFailurePredictor) -> None:
    predictor = fresh(trained)
    for query in QUERIES[:8]:
        predictor.predict(query)
    assert predictor._memo
    assert predictor.to_state() == fresh(trained).to_state()
