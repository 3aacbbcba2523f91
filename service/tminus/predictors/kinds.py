"""The allow-list of predictor kinds an artifact may name; anything else is refused."""

from __future__ import annotations

from typing import Final

from tminus.predictors.base import Predictor
from tminus.predictors.booster_landing import BoosterLandingPredictor
from tminus.predictors.launch_failure import LaunchFailurePredictor
from tminus.predictors.names import MODEL_NAMES
from tminus.predictors.timing import PadTurnaroundPredictor, ReturnToFlightPredictor
from tminus.predictors.weather_scrub import WeatherScrubPredictor

PREDICTOR_KINDS: Final[dict[str, type[Predictor]]] = {
    cls.kind: cls
    for cls in (
        LaunchFailurePredictor,
        BoosterLandingPredictor,
        PadTurnaroundPredictor,
        ReturnToFlightPredictor,
        WeatherScrubPredictor,
    )
}
if tuple(cls.task for cls in PREDICTOR_KINDS.values()) != MODEL_NAMES:
    raise RuntimeError("every model name needs exactly one predictor kind, in the same order")
