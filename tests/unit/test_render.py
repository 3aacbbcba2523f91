"""Answers written straight from the predictor's columns are the response models' bytes."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from tests import asof_reference as reference

from tminus.predictors.launch_failure import LaunchFailurePredictor, LaunchQuery
from tminus.serving import render as write
from tminus.serving.predict import probability_item
from tminus.serving.schemas import ProbabilityAnswer, ProbabilityBatchAnswer, Provenance
from tminus.training import launch_failure

from .synthetic import launch_tables

UTC = dt.UTC
PROVENANCE = Provenance(
    model="launch_failure",
    version="20261204T000000000000Z-abcd",
    data_cutoff=dt.date(2019, 12, 30),
    attribution=["Data from GCAT (J. McDowell), CC BY 4.0", 'ünïcode "quoted" source'],
)
QUERIES = [
    # allow_unseen: 'Gamma Heavy' and pad LC9 are names no table knows, answered from priors.
    LaunchQuery(vehicle=vehicle, date=when, site=site, pad=pad, allow_unseen=True)
    for vehicle, when, (site, pad) in itertools.product(
        ["Alpha 1", "alpha-2", "Alpha", "Beta", "Gamma Heavy", "Alpha 3"],
        [
            dt.datetime(2001, 6, 1, tzinfo=UTC),
            dt.datetime(2012, 3, 4, 5, 6, 7, 891011, tzinfo=UTC),
            dt.datetime(2030, 1, 1, tzinfo=UTC),
            dt.datetime(2031, 7, 9, 22, tzinfo=UTC),
        ],
        [(None, None), ("SYN", "LC1"), (None, "LC2"), ("SYN", "LC9"), ("SYN", None)],
    )
]


@pytest.fixture(scope="module")
def predictor() -> LaunchFailurePredictor:
    trained = launch_failure.train(launch_tables(), random_state=0).predictor
    assert isinstance(trained, LaunchFailurePredictor)
    return trained


def test_the_layout_written_is_the_response_schemas() -> None:
    assert write.LAYOUT_MATCHES


def test_a_batch_is_written_as_the_batch_answer_dumps(predictor: LaunchFailurePredictor) -> None:
    """Shared answers, family names read as their latest variant, unknown names and pads,
    mixes of pads, dates before, at and after the cutoff, fractions of a second."""
    queries = QUERIES * 2  # rows sharing an answer
    answers = reference.batch(predictor, queries)
    assert not answers.errors
    items = [probability_item(answers.prediction(i)) for i in range(len(answers))]
    expected = ProbabilityBatchAnswer.model_construct(**dict(PROVENANCE), items=items)
    written = write.batch(write.provenance_head(PROVENANCE), answers)
    assert written == expected.model_dump_json().encode()
    contexts = [item.context for item in ProbabilityBatchAnswer.model_validate_json(written).items]
    assert {"pad_mix", "pad", "resolved_from"} <= {key for c in contexts for key in c}


def test_one_answer_is_written_as_the_answer_dumps(predictor: LaunchFailurePredictor) -> None:
    for query in QUERIES[::7]:
        prediction = predictor.predict(query)
        item = probability_item(prediction)
        expected = ProbabilityAnswer.model_construct(**dict(PROVENANCE), **dict(item))
        written = write.single(write.provenance_head(PROVENANCE), prediction)
        assert written == expected.model_dump_json().encode()


def test_a_batch_with_a_name_error_is_not_written(predictor: LaunchFailurePredictor) -> None:
    answers = predictor.predict_batch(["Alpha 1", "Alpah 1"], [QUERIES[0].date] * 2)
    assert list(answers.errors) == [1]
    with pytest.raises(ValueError, match="errors"):
        write.batch(write.provenance_head(PROVENANCE), answers)
