"""Small DataFrame helpers shared by the trainers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from tminus.data import schema as S
from tminus.features.history import LaunchHistory

_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")


def epoch_days(times: pd.Series) -> NDArray[np.float64]:
    """Aware UTC timestamps as float days since the epoch (as :func:`features.timebase.to_day`)."""
    days = (times - _EPOCH) / pd.Timedelta(days=1)
    return np.asarray(days, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Launch:
    """One row of the launches table as the history walkers need it (nulls as None)."""

    day: float
    vehicle: str
    family: str
    provider: str
    site: str | None
    pad: str | None
    failed: bool

    def record_into(self, history: LaunchHistory) -> None:
        """Add this launch to ``history`` (after reading what was known before it)."""
        history.record(
            day=self.day,
            vehicle=self.vehicle,
            family=self.family,
            provider=self.provider,
            site=self.site,
            pad=self.pad if self.site is not None else None,
            failed=self.failed,
        )


def walk_launches(frame: pd.DataFrame) -> Iterator[Launch]:
    """The launches of an already time-ordered table, one at a time."""
    days = epoch_days(frame[S.LAUNCH_TIME])
    columns = [S.VEHICLE, S.VEHICLE_FAMILY, S.AGENCY, S.SITE, S.PAD, S.FAILED]
    for day, (vehicle, family, agency, site, pad, failed) in zip(
        days, frame[columns].itertuples(index=False, name=None), strict=True
    ):
        yield Launch(
            day=float(day),
            vehicle=str(vehicle),
            family=str(family),
            provider=str(agency),
            site=None if pd.isna(site) else str(site),
            pad=None if pd.isna(pad) else str(pad),
            failed=bool(failed),
        )


def build_history(launches: list[Launch]) -> LaunchHistory:
    """Every launch recorded, in order: the history that every row reads as of its own moment."""
    history = LaunchHistory()
    for launch in launches:
        launch.record_into(history)
    return history
