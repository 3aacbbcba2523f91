"""A served model is described once on each side, and every face is derived from that entry.

This walks the two tables (``serving/models.py`` and ``training/trainers.py``) and checks that
each entry reaches every face without code of its own: its REST route and its schema in the
OpenAPI document, the fast path, its ``tminus predict`` options, its LLM tool (REST, MCP and
OpenAI-style), its card on the dashboard (``GET /v1/models``), the offline parser's words, and
its trainer with the tables it reads. A model added to the tables with new inputs appears on
every face; one left out of a table fails here, by name.
"""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tminus.api.fastpath import fast_routes
from tminus.api.routes import predictions
from tminus.app import create_app
from tminus.cli import app as cli
from tminus.data import schema as S
from tminus.predictors.kinds import MODEL_NAMES, predictor_class
from tminus.serving.catalogue import CATALOGUE_MODELS
from tminus.serving.commands import option_name
from tminus.serving.models import MODELS, MODELS_BY_NAME, ModelSpec
from tminus.settings import Settings
from tminus.tools.toolbox import TOOLS, openai_tools
from tminus.training.trainers import TRAINERS

SPECS = {spec.name: spec for spec in MODELS}


@pytest.fixture(scope="module")
def openapi(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    app = create_app(Settings(models_dir=tmp_path_factory.mktemp("models")))
    document: dict[str, object] = app.openapi()
    return document


def test_the_two_tables_and_the_predictors_name_the_same_models() -> None:
    assert tuple(SPECS) == MODEL_NAMES == tuple(TRAINERS)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_each_model_reaches_every_face_from_its_entry(
    name: str, openapi: dict[str, object]
) -> None:
    spec: ModelSpec = SPECS[name]
    # REST: its route, taking its item or a batch of them, answering its output's shape.
    paths = openapi["paths"]
    assert isinstance(paths, dict) and spec.path in paths
    operation = paths[spec.path]["post"]
    assert operation["summary"] == spec.summary
    assert spec.item.__name__ in str(operation["requestBody"])
    assert spec.output == predictor_class(name).output
    # The fast path serves it.
    assert spec.path in fast_routes(predictions.router.routes)
    # The CLI: one option per field of its request schema.
    help_text = CliRunner().invoke(cli, ["predict", "--help"], terminal_width=200).stdout
    for field in spec.item.model_fields:
        assert option_name(field) in help_text, field
    # The LLM tool: its item schema as arguments, on REST, MCP and OpenAI-style.
    tool = next(t for t in TOOLS if t.name == spec.tool_name)
    assert tool.arguments is spec.item and spec.tool_description in tool.description
    assert spec.tool_name in {t.function.name for t in openai_tools()}
    # The dashboard's card and the offline parser's words.
    assert spec.title and spec.card_note
    if spec.question_words:
        re.compile(spec.question_words)
    # Its trainer reads tables the data layer builds.
    trainer = TRAINERS[name]
    assert set(trainer.tables) <= set(S.TABLES)
    assert callable(trainer.trainer())


def test_the_models_listing_serves_each_entrys_card() -> None:
    with TestClient(create_app(Settings())) as client:
        listed = {m["name"]: m for m in client.get("/v1/models").json()["models"]}
    for spec in MODELS:
        assert listed[spec.name]["title"] == spec.title
        assert listed[spec.name]["card_note"] == spec.card_note
        assert listed[spec.name]["path"] == spec.path


def test_the_dashboards_cards_carry_each_entrys_title_and_note() -> None:
    with TestClient(create_app(Settings())) as client:
        page = client.get("/").text
    cards = dict(re.findall(r'<article [^>]*data-model="(\w+)">(.*?)</article>', page, re.S))
    assert cards and set(cards) <= {spec.name for spec in MODELS}
    for name, card in cards.items():
        spec = MODELS_BY_NAME[name]
        assert f"<h3>{html.escape(spec.title)}</h3>" in card
        assert html.escape(spec.card_note) in card


def test_catalogue_questions_go_to_the_models_ranked_for_them() -> None:
    ranked = [s for s in MODELS if s.catalogue_rank is not None]
    assert tuple(s.name for s in sorted(ranked, key=lambda s: s.catalogue_rank)) == CATALOGUE_MODELS
    assert CATALOGUE_MODELS[0] == "launch_failure"
