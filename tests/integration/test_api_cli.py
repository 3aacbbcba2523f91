"""``tminus predict``: the same answers as the service, readable or as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tminus.app import create_app
from tminus.cli import app
from tminus.registry.store import Registry
from tminus.settings import Settings

runner = CliRunner()


def _predict(champion_registry: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["predict", *args, "--models-dir", str(champion_registry)])
    return result.exit_code, result.stdout, result.stderr


def test_json_output_equals_the_service_answer(champion_registry: Path) -> None:
    code, out, _ = _predict(
        champion_registry,
        "launch_failure",
        "--vehicle",
        "Falcon 9",
        "--date",
        "2026-03-01",
        "--pad",
        "LC40",
        "--json",
    )
    assert code == 0
    with TestClient(create_app(Settings(models_dir=champion_registry))) as client:
        served = client.post(
            "/v1/launch-failure", json={"vehicle": "Falcon 9", "date": "2026-03-01", "pad": "LC40"}
        ).json()
    assert json.loads(out) == served


def test_readable_output_names_probability_interval_and_version(champion_registry: Path) -> None:
    version = Registry(champion_registry).resolve("booster_landing", "champion")
    code, out, _ = _predict(
        champion_registry,
        "booster-landing",
        "--date",
        "2026-03-01",
        "--landing-type",
        "ASDS",
        "--core-flight",
        "10",
    )
    assert code == 0
    assert f"version {version}" in out
    assert "probability" in out
    assert "90% interval" in out


def test_readable_timing_output_gives_days_and_dates(champion_registry: Path) -> None:
    code, out, _ = _predict(
        champion_registry, "pad_turnaround", "--pad", "LC39A", "--date", "2026-03-01"
    )
    assert code == 0
    assert "median" in out
    assert "days  (2026-" in out


def test_every_request_field_of_every_model_is_an_option() -> None:
    """The options are derived from the request schemas: a model's new input needs no CLI
    code, and every field of every served model has one."""
    from tminus.serving.commands import option_name
    from tminus.serving.models import MODELS

    text = runner.invoke(app, ["predict", "--help"], terminal_width=200).stdout
    for spec in MODELS:
        for field in spec.item.model_fields:
            assert option_name(field) in text, (spec.name, field)


def test_weather_values_are_passed_by_name(champion_registry: Path) -> None:
    calm = json.loads(
        _predict(champion_registry, "weather_scrub", "--date", "2026-03-01", "--json")[1]
    )
    stormy = json.loads(
        _predict(
            champion_registry,
            "weather_scrub",
            "--date",
            "2026-03-01",
            "--lightning-count",
            "500",
            "--max-peak-wind",
            "45",
            "--json",
        )[1]
    )
    assert calm["flags"]["inputs_filled"] is True
    assert "lightning_count" not in stormy["context"]["filled_inputs"]
    assert stormy["probability"] != calm["probability"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["launch_failure", "--vehicle", "Falcn 9", "--date", "2026-03-01"], "Falcon 9"),
        (["launch_failure", "--vehicle", "Falcon 9", "--date", "soon"], "--date"),
        (
            ["launch_failure", "--vehicle", "Falcon 9", "--date", "2026-03-01", "--block", "5"],
            "--block does not apply",
        ),
        (["rocket_science", "--date", "2026-03-01"], "unknown model"),
        (["weather_scrub", "--date", "2026-03-01", "--fog", "1"], "--fog"),
        (["weather_scrub", "--date", "2026-03-01", "--vehicle", "Falcon 9"], "does not apply"),
        (["booster_landing", "--date", "2026-03-01", "--landing-type", "Net"], "--landing-type"),
    ],
)
def test_bad_input_is_one_line_naming_the_option_and_exit_2(
    champion_registry: Path, args: list[str], says: str
) -> None:
    code, out, err = _predict(champion_registry, *args)
    assert code == 2
    assert out == ""
    assert says in err
    assert "Traceback" not in err


def test_no_champion_is_exit_1_with_a_hint(tmp_path: Path) -> None:
    code, _, err = _predict(
        tmp_path, "launch_failure", "--vehicle", "Falcon 9", "--date", "2026-03-01"
    )
    assert code == 1
    assert "tminus train" in err
