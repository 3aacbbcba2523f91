"""The models T-Minus has, and the allow-list of predictor kinds an artifact may name.

One entry per model: its name and the predictor class that serves it, named by import path so
that reading the names loads nothing heavy. An artifact naming any other kind is refused.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import Final

from tminus.predictors.base import Predictor

# Model name -> "module:Class" of its predictor, in the order models are trained and listed.
PREDICTORS: Final[dict[str, str]] = {
    "launch_failure": "tminus.predictors.launch_failure:LaunchFailurePredictor",
    "booster_landing": "tminus.predictors.booster_landing:BoosterLandingPredictor",
    "pad_turnaround": "tminus.predictors.timing:PadTurnaroundPredictor",
    "return_to_flight": "tminus.predictors.timing:ReturnToFlightPredictor",
    "weather_scrub": "tminus.predictors.weather_scrub:WeatherScrubPredictor",
    "launch_anomaly": "tminus.predictors.launch_anomaly:LaunchAnomalyPredictor",
}
MODEL_NAMES: Final = tuple(PREDICTORS)


def predictor_class(model: str) -> type[Predictor]:
    """The predictor class of ``model``; :class:`KeyError` for an unknown model."""
    return _classes()[model]


@cache
def _classes() -> dict[str, type[Predictor]]:
    out: dict[str, type[Predictor]] = {}
    for model, path in PREDICTORS.items():
        module, _, name = path.partition(":")
        cls = getattr(import_module(module), name)
        if not (isinstance(cls, type) and issubclass(cls, Predictor)) or cls.model != model:
            raise RuntimeError(f"{path} is not the predictor of {model}")
        out[model] = cls
    return out


@cache
def predictor_kinds() -> dict[str, type[Predictor]]:
    """Allowed artifact kind -> predictor class (imports every predictor module once)."""
    return {cls.kind: cls for cls in _classes().values()}
