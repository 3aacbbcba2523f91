"""``launch_anomaly``: probability that a launch fails or partly fails (the insurer's outcome).

A partial failure is a launch GCAT counts as a success below 100% (``OS65``: the payload
reached a wrong or short orbit); insurers count these as claims. The model reads the same
as-of features from the same launch history as ``launch_failure`` and answers the same
questions; only its coefficients, fitted to this outcome, differ.
"""

from __future__ import annotations

from typing import ClassVar

from tminus.predictors.launch_failure import LaunchFailurePredictor


class LaunchAnomalyPredictor(LaunchFailurePredictor):
    """:class:`LaunchFailurePredictor`'s features and answers, fitted to failure or partial."""

    kind: ClassVar[str] = "tminus.launch_anomaly.v1"
    model: ClassVar[str] = "launch_anomaly"
    outcome: ClassVar[str] = "failure or partial failure"
