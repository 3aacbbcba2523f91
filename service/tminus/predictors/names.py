"""Model names, used identically everywhere; importing this loads nothing heavy."""

from __future__ import annotations

from typing import Final

# In the order they are trained and listed.
MODEL_NAMES: Final = (
    "launch_failure",
    "booster_landing",
    "pad_turnaround",
    "return_to_flight",
    "weather_scrub",
)
