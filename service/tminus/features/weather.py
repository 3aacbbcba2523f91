"""Weather-scrub features: a few of the event's sensor summaries, missing values filled."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

from tminus.data import schema as S

# The summaries the model reads, and how each is transformed (heavy tails are logged).
WEATHER_INPUTS: Final = (
    S.WX_MAX_PEAK_WIND,
    S.WX_MAX_ABS_FIELD_MILL,
    S.WX_LIGHTNING_COUNT,
    S.WX_PRECIP_WATER,
    S.WX_MAX_PROFILER_WIND,
    S.WX_MAX_PROFILER_SHEAR,
)
LOGGED: Final = frozenset({S.WX_MAX_ABS_FIELD_MILL, S.WX_LIGHTNING_COUNT})
WEATHER_FEATURES: Final = tuple(
    f"log_{name}" if name in LOGGED else name for name in WEATHER_INPUTS
)


def weather_features(
    values: Mapping[str, float | None], fill: Mapping[str, float]
) -> tuple[list[float], list[str]]:
    """Feature vector (order :data:`WEATHER_FEATURES`) and the inputs that were filled in."""
    out: list[float] = []
    filled: list[str] = []
    for name in WEATHER_INPUTS:
        value = values.get(name)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            value = fill[name]
            filled.append(name)
        out.append(math.log1p(max(value, 0.0)) if name in LOGGED else float(value))
    return out, filled
