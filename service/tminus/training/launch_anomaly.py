"""Train and backtest ``launch_anomaly``: P(failure or partial failure).

The same features, tuning, backtest, baselines, strata and interval as ``launch_failure``
(:func:`tminus.training.launch_failure.train_outcome`); the outcome counted is an anomaly: a
failure, or a success GCAT grades below 100% (``OS65``).
"""

from __future__ import annotations

from tminus.predictors.launch_anomaly import LaunchAnomalyPredictor
from tminus.training.launch_failure import OutcomeSpec, train_outcome
from tminus.training.reference import Tables
from tminus.training.result import TrainedModel

ANOMALY = OutcomeSpec(
    name="launch_anomaly",
    outcome="anomaly",
    predictor=LaunchAnomalyPredictor,
    summary=(
        "Probability that an orbital or deep-space launch attempt fails or partly fails: a "
        "failure (GCAT: second letter of Launch_Code is F) or a success graded below 100% "
        "(e.g. OS65, a wrong orbit), the outcome insurers count as a claim; from the same "
        "vehicle, family and provider record as launch_failure."
    ),
    notes=(
        "Partial failures are rare (about 30 since 1957, 16 since 2000), so this model is "
        "launch_failure's features refitted to a slightly more frequent outcome; its "
        "baselines count anomalies the same way.",
        "The features read the failure record (a partial failure is not a failure there), "
        "exactly as launch_failure does.",
    ),
)


def train(tables: Tables, *, random_state: int) -> TrainedModel:
    """Tune, backtest and fit ``launch_anomaly`` (``tables`` as ``launch_failure``'s)."""
    return train_outcome(ANOMALY, tables, random_state=random_state)
