"""Model quality and behaviour on the real mirrored data (the champion of each model).

Quality: every model beats every baseline it is reported with, on the same backtest.
Behaviour (Made-With-ML tiers): invariance, direction and minimum cases a planner relies on.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tminus.cli import app
from tminus.features.timebase import to_day
from tminus.predictors.base import QueryError
from tminus.predictors.kinds import MODEL_NAMES
from tminus.predictors.launch_failure import LaunchFailurePredictor, LaunchQuery
from tminus.predictors.timing import PadQuery, PadTurnaroundPredictor
from tminus.registry.store import Registry

WHEN = datetime(2025, 6, 1, tzinfo=UTC)


def _metrics(registry: Path, model: str) -> dict[str, dict[str, Any]]:
    reg = Registry(registry)
    record = reg.get(model, reg.resolve(model, "champion"))
    metrics: dict[str, dict[str, Any]] = record.metadata["backtest"]["metrics"]
    return metrics


@pytest.fixture(scope="module")
def failure(champion_registry: Path) -> LaunchFailurePredictor:
    predictor = Registry(champion_registry).load_alias("launch_failure", "champion").predictor
    assert isinstance(predictor, LaunchFailurePredictor)
    return predictor


@pytest.mark.parametrize("model", MODEL_NAMES)
def test_every_model_beats_every_baseline_on_its_primary_metrics(
    champion_registry: Path, model: str
) -> None:
    reg = Registry(champion_registry)
    meta = reg.get(model, reg.resolve(model, "champion")).metadata
    metrics = meta["backtest"]["metrics"]
    baselines = meta["backtest"]["baselines"]
    assert len(baselines) >= 2, "a model is reported with at least two baselines"
    # references (the best constant in hindsight) are shown, but they are not forecasts
    assert not set(baselines) & set(meta["backtest"]["references"])
    for metric in meta["primary_metrics"]:
        for name in baselines:
            assert metrics["model"][metric] < metrics[name][metric], (model, metric, name)


def test_launch_failure_floors(champion_registry: Path) -> None:
    m = _metrics(champion_registry, "launch_failure")
    # 2000-2025 of the merged record: 2,813 launches, 132 failures
    assert 2700 <= m["model"]["n"] <= 2950 and 110 <= m["model"]["events"] <= 140
    # the fair baseline: the rate of the last ten years, not the all-time one since 1957
    assert m["trailing_rate_10y"]["log_loss"] == pytest.approx(0.190, abs=0.005)
    assert m["all_time_rate_since_1957"]["log_loss"] == pytest.approx(0.197, abs=0.005)
    assert m["model"]["log_loss"] <= 0.150
    assert m["model"]["brier"] <= 0.038
    assert m["model"]["ece"] < 0.02 and m["model"]["ece_equal_count"] < 0.02


def test_every_version_names_the_source_files_it_was_trained_on(champion_registry: Path) -> None:
    reg = Registry(champion_registry)
    for model in MODEL_NAMES:
        data = reg.get(model, reg.resolve(model, "champion")).metadata["data"]
        assert data["sources"], model
        for entry in data["sources"]:
            # GCAT's files from the mirror; T-Minus' own vehicle reference from the repository.
            origin = "repository" if entry["path"] == "reference/vehicles.toml" else "mirror"
            assert len(entry["sha256"]) == 64 and entry["origin"] == origin, (model, entry)
    data = reg.get("launch_failure", reg.resolve("launch_failure", "champion")).metadata["data"]
    by_path = {entry["path"]: entry for entry in data["sources"]}
    assert by_path["gcat/launchlog.tsv"]["gcat_stamp"] == "2025 Apr  4 1838:54"
    assert by_path["gcat_launch_recent/launch_2025.tsv"]["last_launch"] == "2025-12-30"
    assert data["cutoff"] == "2025-12-30"


def test_weather_scrub_reports_how_uncertain_it_is(champion_registry: Path) -> None:
    reg = Registry(champion_registry)
    meta = reg.get("weather_scrub", reg.resolve("weather_scrub", "champion")).metadata
    low, high = meta["backtest"]["uncertainty"]["log_loss"]
    assert low < meta["backtest"]["metrics"]["model"]["log_loss"] < high


# ---- behaviour ----------------------------------------------------------------------------


def test_inputs_the_model_does_not_use_never_change_risk(failure: LaunchFailurePredictor) -> None:
    base = failure.predict(LaunchQuery(vehicle="Falcon 9", date=WHEN))
    for orbit, mass in (("GTO", 6000.0), ("LEO", 15000.0), ("SSO", None)):
        other = failure.predict(
            LaunchQuery(vehicle="Falcon 9", date=WHEN, orbit=orbit, payload_mass_kg=mass)
        )
        assert other.probability == base.probability


def test_name_spelling_never_changes_risk(failure: LaunchFailurePredictor) -> None:
    ref = failure.predict(LaunchQuery(vehicle="Falcon 9", date=WHEN)).probability
    for spelling in ("falcon 9", "FALCON-9", "Falcon9"):
        assert failure.predict(LaunchQuery(vehicle=spelling, date=WHEN)).probability == ref
    cz = failure.predict(LaunchQuery(vehicle="Chang Zheng 2D", date=WHEN)).probability
    for spelling in ("Long March 2D", "CZ-2D"):
        assert failure.predict(LaunchQuery(vehicle=spelling, date=WHEN)).probability == cz


def _with_failure(
    predictor: LaunchFailurePredictor, vehicle: str, day: float
) -> LaunchFailurePredictor:
    """The same fitted model with one more (recent) failure of ``vehicle`` in its history."""
    state = copy.deepcopy(predictor.to_state())
    clone = LaunchFailurePredictor.from_state(state)
    family = clone.history.vehicle_family[vehicle]
    provider = clone.catalogue.provider_of(vehicle)
    assert provider is not None
    clone.history.record(
        day=day,
        vehicle=vehicle,
        family=family,
        provider=provider,
        site=None,
        pad=None,
        failed=True,
    )
    return clone


@pytest.mark.parametrize(
    "vehicle",
    ["Falcon 9", "Electron", "Chang Zheng 2D", "Soyuz-2-1B", "Ariane 5ECA", "Atlas V 401"],
)
def test_a_recent_failure_never_lowers_risk(failure: LaunchFailurePredictor, vehicle: str) -> None:
    assert vehicle in failure.history.vehicles
    cutoff = failure.history.last_day
    assert cutoff is not None
    worse = _with_failure(failure, vehicle, cutoff)
    for when in (WHEN, datetime(2026, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC)):
        q = LaunchQuery(vehicle=vehicle, date=when)
        assert worse.predict(q).probability >= failure.predict(q).probability


def test_maiden_flight_is_riskier_than_a_proven_vehicle(failure: LaunchFailurePredictor) -> None:
    maiden = failure.predict(
        LaunchQuery(vehicle="Zephyr Heavy Lifter", date=WHEN, allow_unseen=True)
    )
    assert maiden.flags["unseen_vehicle"]
    assert maiden.probability > 0.15
    for proven in ("Falcon 9", "Soyuz-2-1A", "Chang Zheng 4C"):
        assert failure.history.vehicles[proven].flights >= 50
        answer = failure.predict(LaunchQuery(vehicle=proven, date=WHEN))
        assert answer.probability < maiden.probability / 3
        low, high = answer.interval
        assert low <= answer.probability <= high
        # a proven vehicle's interval is narrower than a new one's
        assert high - low < maiden.interval[1] - maiden.interval[0]


def test_every_known_vehicle_is_answered_under_its_own_name(
    failure: LaunchFailurePredictor,
) -> None:
    """No two vehicles fold to one name ('Ariane 5G' and 'Ariane 5G+' are different rockets).

    Other GCAT names of one rocket are merged by T-Minus' reference: the launch log's 'New
    Glenn' flights are recorded as New Glenn 7x2's, 'GSLV Mk III' as LVM3's; those names are
    still read, as the rocket they name.
    """
    for vehicle in failure.history.vehicles:
        answer = failure.predict(LaunchQuery(vehicle=vehicle, date=WHEN))
        assert answer.context["vehicle"] == vehicle
    assert "New Glenn" not in failure.history.vehicles
    assert "GSLV Mk III" not in failure.history.vehicles
    for other, rocket in (("New Glenn", "New Glenn 7x2"), ("GSLV Mk III", "LVM3")):
        answer = failure.predict(LaunchQuery(vehicle=other, date=WHEN))
        assert (answer.context["vehicle"], answer.context["resolved_from"]) == (rocket, other)
    assert failure.history.vehicles["LVM3"].flights >= 8  # 2 flown as GSLV Mk III, 6 as LVM3
    plus = failure.predict(LaunchQuery(vehicle="ariane 5g plus", date=WHEN)).context["vehicle"]
    assert plus == "Ariane 5G+"


def test_near_miss_vehicle_names_are_refused_with_suggestions(
    failure: LaunchFailurePredictor,
) -> None:
    with pytest.raises(QueryError) as err:
        failure.predict(LaunchQuery(vehicle="Falcn 9", date=WHEN))
    assert err.value.field == "vehicle"
    assert "Falcon 9" in err.value.suggestions


def test_pad_turnaround_answers_from_the_pads_last_launch(champion_registry: Path) -> None:
    predictor = Registry(champion_registry).load_alias("pad_turnaround", "champion").predictor
    assert isinstance(predictor, PadTurnaroundPredictor)
    busy = predictor.predict(PadQuery(pad="SLC-40", date=WHEN))
    quiet = predictor.predict(PadQuery(pad="LC-39A", date=WHEN))
    assert 0 <= busy.p10 <= busy.p50 <= busy.p90
    assert busy.p50 < 30, "SLC-40 launched every few days in 2024-25"
    assert busy.context["pad"] == "CC/LC40", "SLC-40 means the pad SpaceX uses today"
    assert quiet.context["pad"] == "KSC/LC39A"
    with pytest.raises(QueryError):
        predictor.predict(PadQuery(pad="Pad That Never Was 77", date=WHEN))


# ---- the CLI on the same registry --------------------------------------------------------


def test_models_list_json_shows_backtests_beside_baselines(champion_registry: Path) -> None:
    result = CliRunner().invoke(
        app, ["models", "list", "--json", "--models-dir", str(champion_registry)]
    )
    assert result.exit_code == 0, result.output
    listing = json.loads(result.stdout)["models"]
    assert set(listing) == set(MODEL_NAMES)
    lf = listing["launch_failure"]
    champion = lf["aliases"]["champion"]
    [version] = [v for v in lf["versions"] if v["version"] == champion]
    assert set(version["backtest"]) >= {"model", "trailing_rate_10y", "laplace_vehicle"}
    assert set(version["backtest"]["model"]) == {
        "log_loss",
        "brier",
        "auc",
        "ece",
        "ece_equal_count",
    }
    pad = listing["pad_turnaround"]["versions"][-1]["backtest"]
    assert set(pad["model"]) == {"pinball_loss", "coverage_80"}


def test_model_cards_open_with_their_plots(champion_registry: Path) -> None:
    reg = Registry(champion_registry)
    for model in MODEL_NAMES:
        record = reg.get(model, reg.resolve(model, "champion"))
        card = (record.path / "MODEL_CARD.md").read_text()
        lines = [line for line in card.splitlines() if line.strip()]
        assert lines[0].startswith(f"# Model card: `{model}`")
        assert lines[1].startswith("![")
        for line in lines[1:3]:
            target = line[line.rindex("](") + 2 : -1]
            assert (record.path / target).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_promote_moves_the_champion_and_refuses_unknown_versions(registry_copy: Path) -> None:
    reg = Registry(registry_copy)
    current = reg.resolve("launch_failure", "champion")
    runner = CliRunner()
    bad = runner.invoke(
        app,
        [
            "promote",
            "launch_failure",
            "20200101T000000000000Z-abcd",
            "--models-dir",
            str(registry_copy),
        ],
    )
    assert bad.exit_code == 1 and "no version" in bad.stderr
    assert reg.resolve("launch_failure", "champion") == current
    ok = runner.invoke(
        app,
        [
            "promote",
            "launch_failure",
            current,
            "--alias",
            "challenger",
            "--models-dir",
            str(registry_copy),
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert reg.resolve("launch_failure", "challenger") == current
    assert to_day(WHEN) > 0


def test_questions_after_the_cutoff_do_not_treat_the_data_gap_as_quiet_time(
    failure: LaunchFailurePredictor, champion_registry: Path
) -> None:
    """No data after the cutoff is not the same as no failures or no launches after it."""
    later = [datetime(2026, 1, 1, tzinfo=UTC), datetime(2031, 6, 1, tzinfo=UTC)]
    risks = {failure.predict(LaunchQuery(vehicle="Falcon 9", date=w)).probability for w in later}
    assert len(risks) == 1
    pads = Registry(champion_registry).load_alias("pad_turnaround", "champion").predictor
    assert isinstance(pads, PadTurnaroundPredictor)
    answers = [pads.predict(PadQuery(pad="SLC-40", date=w)) for w in later]
    assert answers[0].p50 == answers[1].p50 < 30
    assert answers[0].context["history_read_at_cutoff"]


def test_require_champions_fails_when_a_champion_cannot_be_loaded(registry_copy: Path) -> None:
    """`make run` retrains unless every champion loads: a tampered one does not."""
    runner = CliRunner()
    args = ["models", "list", "--require-champions", "--models-dir", str(registry_copy)]
    assert runner.invoke(app, args).exit_code == 0
    reg = Registry(registry_copy)
    record = reg.get("weather_scrub", reg.resolve("weather_scrub", "champion"))
    artifact = record.path / "artifact.json"
    artifact.write_text(artifact.read_text().replace('"base_rate": 0', '"base_rate": 1', 1))
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "weather_scrub: no usable champion" in result.stderr
