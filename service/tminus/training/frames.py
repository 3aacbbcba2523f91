"""Small DataFrame helpers shared by the trainers."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")


def epoch_days(times: pd.Series) -> NDArray[np.float64]:
    """Aware UTC timestamps as float days since the epoch (as :func:`features.timebase.to_day`)."""
    days = (times - _EPOCH) / pd.Timedelta(days=1)
    return np.asarray(days, dtype=np.float64)
