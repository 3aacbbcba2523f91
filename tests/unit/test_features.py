"""As-of features never look ahead, and the history state survives a round trip."""

from __future__ import annotations

import numpy as np
import pytest

from tminus.features.history import LaunchHistory
from tminus.features.risk import Pooling
from tminus.training import launch_failure, timing

from .synthetic import launches


def test_failure_features_ignore_everything_after_the_launch() -> None:
    table = launches(400)
    full = launch_failure.build_rows(table)
    # change the future: flip every outcome after row 250 and drop the last 100 launches
    future = table.copy()
    future.loc[250:, "failed"] = ~future.loc[250:, "failed"]
    cut = launch_failure.build_rows(future.iloc[:300])
    for pooling in (Pooling(), Pooling(family_strength=20.0, vehicle_strength=2.0)):
        np.testing.assert_array_equal(full.design(pooling)[:251], cut.design(pooling)[:251])
    for name in full.baselines:
        np.testing.assert_array_equal(full.baselines[name][:251], cut.baselines[name][:251])


def test_pad_features_ignore_later_launches() -> None:
    table = launches(300)
    full = timing.build_pad_rows(table)
    cut = timing.build_pad_rows(table.iloc[:200])
    np.testing.assert_array_equal(full.X[:200], cut.X[:200])


def test_history_must_be_fed_in_time_order() -> None:
    history = LaunchHistory()
    kwargs = {"vehicle": "V", "family": "F", "provider": "P", "site": "S", "pad": "P1"}
    history.record(day=100.0, failed=False, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="time order"):
        history.record(day=50.0, failed=False, **kwargs)  # type: ignore[arg-type]


def test_history_round_trips_through_json_state() -> None:
    import json

    rows = launch_failure.build_rows(launches(200))
    state = json.loads(json.dumps(rows.history.to_state()))
    again = LaunchHistory.from_state(state)
    assert again.to_state() == rows.history.to_state()
