"""The launch history read as of a moment sees only what came before it."""

from __future__ import annotations

import json

import pytest

from tminus.features.history import HistoryAt, LaunchHistory, LaunchLog, Record

DAY = 1.0


def history_of(*launches: tuple[float, str, str, str, bool]) -> LaunchHistory:
    """Launches as (day, vehicle, family, pad, failed), at one site 'S' by provider 'P'."""
    history = LaunchHistory()
    for day, vehicle, family, pad, failed in launches:
        history.record(
            day=day,
            vehicle=vehicle,
            family=family,
            provider="P",
            site="S",
            pad=pad,
            failed=failed,
        )
    return history


HISTORY = history_of(
    (100.0, "V1", "F", "A", True),
    (110.5, "V1", "F", "A", False),
    (120.0, "V2", "F", "B", False),
    (130.0, "V1", "F", "A", True),
    (140.25, "V1", "F", "B", False),
    (150.0, "V1", "F", "A", False),
)


def test_a_record_at_a_moment_counts_only_earlier_launches() -> None:
    v1 = HISTORY.vehicles["V1"]
    assert v1.at(100.0).flights == 0  # the launch at that very moment is not yet known
    before_second_failure = v1.at(130.0)
    assert (before_second_failure.flights, before_second_failure.failures) == (2, 1)
    assert before_second_failure.last_failure_day == 100.0
    assert before_second_failure.flights_since_failure == 1
    after = v1.at(1e9)
    assert (after.flights, after.failures, after.flights_since_failure) == (5, 2, 2)
    assert after.first_day == 100.0 and after.last_day == 150.0


def test_windows_end_at_the_moment_read() -> None:
    at = HISTORY.at(131.0)
    assert at.family_failures_recent("F", days=31.5) == 2
    assert at.family_failures_recent("F", days=30.0) == 1
    assert at.family_launches_last_year("F") == 4
    assert at.all_launches_last_year() == 4
    assert HISTORY.at(100.0).all_launches_last_year() == 0


def test_a_pad_read_at_a_moment_knows_its_gaps_up_to_then() -> None:
    pad = HistoryAt(HISTORY, 145.0).pad("S", "A")
    assert pad is not None
    assert (pad.flights, pad.last_day, pad.gaps) == (3, 130.0, (10.5, 19.5))
    assert HistoryAt(HISTORY, 50.0).pad("S", "A") == pad.__class__(site="S", pad="A")
    assert HISTORY.at(145.0).pad("S", "Z") is None
    assert HISTORY.pads["S/A"].vehicles_at(145.0) == [("V1", 3)]


def test_the_provider_record_is_its_last_launches_before_the_moment() -> None:
    assert HISTORY.at(105.0).provider_record("P", operational=False) == (1, 1)
    assert HISTORY.at(1e9).provider_record("P", operational=False) == (6, 2)
    # every launch of family F is one of its first 20: a development launch
    assert HISTORY.at(1e9).provider_record("P", operational=True) == (0, 0)
    assert HISTORY.at(1e9).provider_record("nobody", operational=False) == (0, 0)


def _mature_and_testing() -> LaunchHistory:
    """Provider P flies a mature family M (25 successes), then tests a new family T."""
    history = LaunchHistory()
    for i in range(25):
        history.record(
            day=float(i), vehicle="M1", family="M", provider="P", site="S", pad="A", failed=False
        )
    for i, failed in enumerate((True, True, False)):
        history.record(
            day=100.0 + i, vehicle="T1", family="T", provider="P", site="S", pad="B", failed=failed
        )
    return history


def test_development_launches_stay_out_of_the_operational_record() -> None:
    """A family's first 20 flights are development: they count for the provider's young
    families, never for what a mature family is read against."""
    history = _mature_and_testing()
    at = history.at(200.0)
    assert at.in_development("T") and not at.in_development("M")
    # M's first 20 flights were development too; its last 5 are operational
    assert at.provider_record("P", operational=True) == (5, 0)
    assert at.provider_record("P", operational=False) == (20, 2)
    assert history.operational.flights == 5 and history.operational.failures == 0
    assert at.trailing_rate() == pytest.approx(1 / 7)  # (0 + 1) / (5 + 2)
    assert at.trailing_rate(operational=False) == pytest.approx(3 / 30)  # (2 + 1) / (28 + 2)
    again = LaunchHistory.from_state(json.loads(json.dumps(history.to_state())))
    assert again.to_state() == history.to_state()


def test_the_familys_last_return_to_flight_is_read_as_of_the_moment() -> None:
    # F failed on day 100 and flew again on 110.5, failed again on 130, flew on 140.25
    assert HISTORY.at(105.0).family_last_return("F") is None  # not back yet on day 105
    assert HISTORY.at(120.0).family_last_return("F") == pytest.approx(10.5)
    assert HISTORY.at(135.0).family_last_return("F") == pytest.approx(10.5)
    assert HISTORY.at(141.0).family_last_return("F") == pytest.approx(10.25)
    assert HISTORY.at(141.0).family_last_return("nobody") is None


def test_the_new_vehicle_prior_counts_each_vehicles_first_flights_before_the_moment() -> None:
    # V1's first three flights (two failures) and V2's first; two of them before day 115
    assert HISTORY.early.flights == 4
    assert HISTORY.at(115.0).new_vehicle_rate() == pytest.approx((1 + 1) / (2 + 3))


def test_pad_mix_is_last_years_pads_then_all_pads_then_the_familys() -> None:
    at = HISTORY.at(151.0)
    assert at.pad_mix("V1", "F") == [("S/A", 0.8), ("S/B", 0.2)]
    assert at.pad_mix("V1", "F", site="T") == []
    assert at.pad_mix("V2", "F") == [("S/B", 1.0)]
    # a vehicle of the family that has not flown: the family's pads
    assert dict(at.pad_mix("V3", "F")) == pytest.approx({"S/A": 4 / 6, "S/B": 2 / 6})
    # a year and more later, the vehicle's pads of all time
    assert HISTORY.at(900.0).pad_mix("V2", "F") == [("S/B", 1.0)]
    assert HISTORY.at(151.0).pad_mix("New", "New family") == []


def test_questions_after_the_record_are_read_at_its_end() -> None:
    assert HISTORY.last_day == 150.0
    assert HISTORY.horizon == 151.0  # midnight after the last launch's day
    assert HISTORY.read_moment(120.0) == 120.0
    assert HISTORY.read_moment(400.0) == 151.0
    assert HISTORY.days_past_cutoff(150.5) == 0
    assert HISTORY.days_past_cutoff(151.0) == 1
    assert HISTORY.days_past_cutoff(400.0) == 250
    assert HISTORY.days_past_cutoff(10.0) == 0


def test_history_state_round_trips_and_refuses_disordered_days() -> None:
    state = json.loads(json.dumps(HISTORY.to_state()))
    assert state["format"] == LaunchLog.FORMAT  # the launches as columns
    again = LaunchHistory.from_state(state)
    assert again.to_state() == HISTORY.to_state()
    assert again.at(131.0).vehicle("V1") == HISTORY.at(131.0).vehicle("V1")
    with pytest.raises(ValueError, match="time order"):
        LaunchHistory.from_state({**state, "day": [3.0, 2.0, 1.0, 4.0, 5.0, 6.0]})
    with pytest.raises(TypeError, match="day"):
        LaunchHistory.from_state({**state, "day": ["soon"] * 6})
    with pytest.raises(ValueError, match="vehicle"):
        LaunchHistory.from_state({**state, "vehicle": [0, 0, 1, 0, 0, 7]})


def test_a_history_saved_per_key_by_earlier_versions_still_reads_the_same() -> None:
    """Artifacts written before the columnar form hold every record as its own lists."""
    legacy = LaunchHistory.from_state(HISTORY.to_state())
    legacy.log = None
    state = json.loads(json.dumps(legacy.to_state(), sort_keys=True))
    assert "vehicles" in state
    again = LaunchHistory.from_state(state)
    for t in (100.0, 131.0, 145.0, 1e9):
        assert again.at(t).vehicle("V1") == HISTORY.at(t).vehicle("V1")
        assert again.at(t).pad("S", "A") == HISTORY.at(t).pad("S", "A")
    state["vehicles"]["V1"]["launch_days"] = [3.0, 2.0, 1.0, 4.0, 5.0]
    with pytest.raises(ValueError, match="time order"):
        LaunchHistory.from_state(state)
    with pytest.raises(TypeError):
        Record.from_state({"launch_days": ["soon"], "failure_days": []})
