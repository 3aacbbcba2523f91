"""The served models, each described once: everything else about a model is derived from here.

One :class:`ModelSpec` per model: its request item schema, how an item becomes its predictor's
query, its route, its one-line summary, what the LLM tool says about it, and examples. The
REST routes and the fast path, the OpenAPI examples, the CLI's ``tminus predict``, the LLM
tools (REST, MCP and OpenAI-style) and the model list are generated from :data:`MODELS`.

Adding a model: its predictor module (and its entry in ``tminus.predictors.kinds``), its
trainer (an entry in ``tminus.training.trainers``), and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final

from tminus.predictors.base import Output
from tminus.predictors.booster_landing import LandingQuery
from tminus.predictors.kinds import MODEL_NAMES, predictor_class
from tminus.predictors.launch_failure import LaunchQuery
from tminus.predictors.timing import FailureQuery, PadQuery
from tminus.predictors.weather_scrub import WeatherQuery
from tminus.serving import predict
from tminus.serving.schemas import (
    FailureItem,
    LandingItem,
    LaunchItem,
    PadItem,
    ProbabilityAnswer,
    ProbabilityBatchAnswer,
    QuantileAnswer,
    QuantileBatchAnswer,
    RequestSchema,
    WeatherItem,
    batch_of,
    body_of,
)
from tminus.serving.state import Snapshot


@dataclass(frozen=True)
class ModelSpec:
    """One served model, described once.

    Parameters
    ----------
    name
        The model name (a key of ``tminus.predictors.kinds.PREDICTORS``).
    item
        The request schema of one item; the batch and the route body are derived from it.
    to_query
        An item (validated) to the predictor's query.
    path
        The REST route, ``/v1/...``.
    summary
        One line: the route's summary and the CLI's help.
    tool_title, tool_description
        What the LLM is told the tool does (the citation rule is appended).
    examples
        Two valid items: the first is the single example, both make the batch example.
    title, card_note
        The model's name for people and what its card on the dashboard says before it is used
        (``GET /v1/models`` serves them to the page).
    question_words
        A regular expression (lower case) of the words that ask this model's question in
        plain language, for the offline question parser (``tools/vocabulary.py``); empty when
        the parser finds the model's questions otherwise.
    catalogue_rank
        Whether the model's artifact answers catalogue questions (known vehicles, pads, the
        planner's reference), and in which order of preference (1 first); None: it does not.
    to_columns
        Items to the keyword columns of the predictor's batch entry point, for a model whose
        predictor answers a batch at once (``predict_batch``); what ``to_query`` reads of an
        item, a column each.
    """

    name: str
    item: type[RequestSchema]
    to_query: Callable[[Any], Any]
    path: str
    summary: str
    tool_description: str
    examples: tuple[dict[str, Any], dict[str, Any]]
    tool_title: str
    title: str
    card_note: str
    question_words: str = ""
    catalogue_rank: int | None = None
    to_columns: predict.Columns | None = None

    @property
    def output(self) -> Output:
        """``probability`` or ``quantiles``: the predictor's kind of answer."""
        return predictor_class(self.name).output

    @property
    def tool_name(self) -> str:
        """The LLM tool's name: ``predict_<model>``."""
        return f"predict_{self.name}"

    @cached_property
    def batch(self) -> type[RequestSchema]:
        """The batch schema, ``{"items": [...]}``."""
        return batch_of(self.item)

    @cached_property
    def body(self) -> Any:
        """The route's body: one item or a batch."""
        return body_of(self.item)

    @property
    def answer(self) -> type[ProbabilityAnswer] | type[QuantileAnswer]:
        """The response schema of one item."""
        return ProbabilityAnswer if self.output == "probability" else QuantileAnswer

    @property
    def batch_answer(self) -> type[ProbabilityBatchAnswer] | type[QuantileBatchAnswer]:
        """The response schema of a batch."""
        return ProbabilityBatchAnswer if self.output == "probability" else QuantileBatchAnswer

    def run(
        self, snapshot: Snapshot, body: Any
    ) -> predict.ProbabilityResponse | predict.QuantileResponse:
        """Answer a validated body (one item or a batch) from ``snapshot``."""
        if isinstance(body, self.item):
            return predict.predict(snapshot, self.name, [body], self.to_query, batch=False)
        return predict.predict(
            snapshot, self.name, body.items, self.to_query, batch=True, to_columns=self.to_columns
        )

    def render(self, snapshot: Snapshot, body: Any) -> bytes:
        """:meth:`run`'s answer as JSON bytes (``model_dump_json``'s), written faster."""
        if isinstance(body, self.item):
            return predict.render(snapshot, self.name, [body], self.to_query, batch=False)
        return predict.render(
            snapshot, self.name, body.items, self.to_query, batch=True, to_columns=self.to_columns
        )

    def run_many(
        self, snapshot: Snapshot, items: Sequence[Any]
    ) -> ProbabilityBatchAnswer | QuantileBatchAnswer:
        """Answer many validated items in one batch, however many (the planner scores every
        vehicle, pad and date of a plan this way); equal questions are answered once."""
        answer = predict.predict(
            snapshot, self.name, items, self.to_query, batch=True, to_columns=self.to_columns
        )
        assert isinstance(answer, ProbabilityBatchAnswer | QuantileBatchAnswer)
        return answer

    def run_one(self, snapshot: Snapshot, item: Any) -> ProbabilityAnswer | QuantileAnswer:
        """Answer one item (what the LLM tools and the CLI ask)."""
        answer = predict.predict(snapshot, self.name, [item], self.to_query, batch=False)
        assert isinstance(answer, ProbabilityAnswer | QuantileAnswer)
        return answer


def _launch(item: LaunchItem) -> LaunchQuery:
    return LaunchQuery(
        vehicle=item.vehicle,
        date=item.date,
        site=item.site,
        pad=item.pad,
        orbit=item.orbit,
        payload_mass_kg=item.payload_mass_kg,
        allow_unseen=item.allow_unseen,
    )


def _launch_columns(items: Sequence[LaunchItem]) -> dict[str, list[Any]]:
    """What :func:`_launch` reads of each item, as the columns of ``predict_batch`` (orbit and
    payload mass are not used by the launch models)."""
    return {
        "vehicle": [item.vehicle for item in items],
        "date": [item.date for item in items],
        "site": [item.site for item in items],
        "pad": [item.pad for item in items],
        "allow_unseen": [item.allow_unseen for item in items],
    }


def _landing(item: LandingItem) -> LandingQuery:
    return LandingQuery(
        date=item.date,
        landing_type=item.landing_type,
        core_flight=item.core_flight,
        block=item.block,
        payload_mass_kg=item.payload_mass_kg,
        orbit=item.orbit,
        vehicle=item.vehicle,
    )


def _pad(item: PadItem) -> PadQuery:
    return PadQuery(
        pad=item.pad,
        date=item.date,
        site=item.site,
        vehicle=item.vehicle,
        allow_unseen=item.allow_unseen,
    )


def _failure(item: FailureItem) -> FailureQuery:
    return FailureQuery(vehicle=item.vehicle, date=item.date, allow_unseen=item.allow_unseen)


def _weather(item: WeatherItem) -> WeatherQuery:
    return WeatherQuery(date=item.date, values=item.values())


MODELS: Final[tuple[ModelSpec, ...]] = (
    ModelSpec(
        name="launch_failure",
        item=LaunchItem,
        to_query=_launch,
        to_columns=_launch_columns,
        path="/v1/launch-failure",
        summary="Probability that a launch fails, with a 90% interval.",
        tool_title="Launch failure probability",
        tool_description=(
            "Probability (0-1) that one orbital launch of `vehicle` on `date` fails, with its "
            "90% interval, from the served launch_failure model, reading only the launches "
            "before `date`. The interval is the uncertainty of that probability given the "
            "data (the posterior of the model's coefficients at the vehicle's own record), "
            "not a range of outcomes; it is checked by simulation to hold the true probability "
            "about 90% of the time. `pad` (GCAT code, e.g. 'LC40'; 'SLC-40' and 'LC-39A' also "
            "work) and `site` (e.g. 'CC', 'KSC') are optional: without a pad the answer mixes "
            "the pads the vehicle used in the last year (flag pad_unspecified). A variant GCAT "
            "lists that has not flown is answered as a maiden flight (flag maiden_flight); a "
            "family name ('Starship') is read as its variant flying on the date. A misspelt "
            "vehicle or pad fails with suggestions; list_vehicles and list_pads give valid "
            "names. `context` holds the vehicle's record behind the number."
        ),
        examples=(
            {"vehicle": "Falcon 9", "date": "2026-03-01", "site": "CC", "pad": "LC40"},
            {"vehicle": "Electron", "date": "2026-03-15T04:00:00Z"},
        ),
        title="Launch failure",
        card_note="Fill in the form and press Predict.",
        catalogue_rank=1,
    ),
    ModelSpec(
        name="booster_landing",
        item=LandingItem,
        to_query=_landing,
        path="/v1/booster-landing",
        summary="Probability that a Falcon booster landing succeeds, with a 90% interval.",
        tool_title="Falcon booster landing probability",
        tool_description=(
            "Probability (0-1) that a SpaceX Falcon booster landing attempt succeeds, with its "
            "90% interval (the uncertainty of that probability given the data). `landing_type`: "
            "'ASDS' (drone ship), 'RTLS' (return to launch site) or 'Ocean'; `block` is optional "
            "(latest assumed, flagged). The model reads the landing type, block and the "
            "programme's record before `date`, and `core_flight`, payload mass and orbit when "
            "the served version's feature set includes them (chosen in training on past data "
            "only); `context.inputs_not_used` lists the inputs it ignored."
        ),
        examples=(
            {"date": "2026-03-01", "landing_type": "ASDS", "core_flight": 12, "orbit": "LEO"},
            {"date": "2026-03-01", "landing_type": "RTLS", "payload_mass_kg": 3000},
        ),
        title="Booster landing",
        card_note="For Falcon 9 and Falcon Heavy launches.",
        question_words=(
            r"\bbooster|\bland(?:s|ing|ed)?\b|drone\s*ship|\basds\b|\brtls\b|landing zone|come back"
            r"|\bcatch(?:es|ing)?\b|\bcaught\b|chopsticks"
        ),
    ),
    ModelSpec(
        name="pad_turnaround",
        item=PadItem,
        to_query=_pad,
        path="/v1/pad-turnaround",
        summary="Days until a pad's next launch after one on a date: 10/50/90% quantiles.",
        tool_title="Pad turnaround",
        tool_description=(
            "After a launch from `pad` on `date`, the days until that pad's next launch as "
            "10/50/90% quantiles, and the implied dates, from the pad's record as it stood on "
            "`date`. For 'when can this pad launch next', use the pad's last launch "
            "(list_pads gives `last_flight`) as `date`. A pad GCAT lists that has not launched "
            "is answered as a new pad (flag new_pad). `site` is needed only when a pad code "
            "is ambiguous."
        ),
        examples=(
            {"pad": "LC39A", "date": "2026-03-01", "site": "KSC"},
            {"pad": "LC40", "date": "2026-03-01", "vehicle": "Falcon 9"},
        ),
        title="Next launch from the pad",
        card_note="Needs a pad.",
        question_words=(
            r"when can|how soon|turnaround|next launch (?:from|at|of|on)|launch (?:again|next)"
            r"|(?:be )?(?:free|available|ready) again|\bnext from\b"
        ),
        catalogue_rank=2,
    ),
    ModelSpec(
        name="return_to_flight",
        item=FailureItem,
        to_query=_failure,
        path="/v1/return-to-flight",
        summary="Days from a failure until the vehicle's family flies again: 10/50/90% quantiles.",
        tool_title="Return to flight after a failure",
        tool_description=(
            "If `vehicle` fails on `date`, the days until its family launches again, as "
            "10/50/90% quantiles, and the implied dates."
        ),
        examples=(
            {"vehicle": "Falcon 9", "date": "2026-03-01"},
            {"vehicle": "Vega C", "date": "2026-03-01"},
        ),
        title="Return to flight",
        card_note="After a failure on the date: when the vehicle's family flies again.",
        question_words=(
            r"return(?:s|ing)?[\s-]+to[\s-]+flight|\bfl(?:y|ies)\s+again|back\s+(?:to\s+flight|flying)"
            r"|\bgrounded\b|\bafter\s+(?:a|an|the|its)?\s*(?:[\w-]+\s+){0,4}fail(?:ure|s|ed)?\b"
            r"|\bif\s+.*\bfails?\b"
        ),
        catalogue_rank=3,
    ),
    ModelSpec(
        name="weather_scrub",
        item=WeatherItem,
        to_query=_weather,
        path="/v1/weather-scrub",
        summary="Probability that weather scrubs a Cape launch attempt, with a 90% interval.",
        tool_title="Weather scrub probability (Cape)",
        tool_description=(
            "Probability (0-1) that weather scrubs a Cape Canaveral / KSC launch attempt, from "
            "sensor summaries over the ~4 hours before T-0 (peak wind in knots, field mill V/m, "
            "lightning count, ...), with its 90% interval (the uncertainty of that probability "
            "given the ~140 events it learned from). Omitted sensors are filled with typical "
            "values and flagged `inputs_filled`; say so when you use such an answer."
        ),
        examples=(
            {"date": "2026-03-01", "max_peak_wind": 18.0, "lightning_count": 0},
            {"date": "2026-07-15", "max_peak_wind": 32.0, "lightning_count": 40},
        ),
        title="Weather scrub (Cape)",
        card_note="From the sensor readings of the 4 hours before T-0.",
        question_words=(r"\bweather\b|\bscrub|\blightning\b|\bwinds?\b"),
    ),
    ModelSpec(
        name="launch_anomaly",
        item=LaunchItem,
        to_query=_launch,
        to_columns=_launch_columns,
        path="/v1/launch-anomaly",
        summary="Probability that a launch fails or partly fails (an insurance claim), with a "
        "90% interval.",
        tool_title="Launch anomaly probability (failure or partial failure)",
        tool_description=(
            "Probability (0-1) that one orbital launch of `vehicle` on `date` fails or partly "
            "fails: a failure, or a success GCAT grades below 100% such as a payload left in "
            "a wrong orbit (what insurers count as a claim), with its 90% interval (the "
            "uncertainty of that probability given the data). It takes the same arguments as "
            "predict_launch_failure and reads the same record; use it for insurance and "
            "mission-success questions, predict_launch_failure for outright failure."
        ),
        examples=(
            {"vehicle": "Ariane 62", "date": "2026-03-01"},
            {"vehicle": "Falcon 9", "date": "2026-03-01", "site": "CC", "pad": "LC40"},
        ),
        title="Failure or partial failure",
        card_note=(
            "What an insurer counts as a claim: a failure, or a payload left in a wrong orbit."
        ),
        question_words=(
            r"\bpartial(?:ly)?\b|\banomal(?:y|ies|ous)\b|\bclaims?\b|\binsur(?:e|ed|er|ers|ance|able"
            r"|ing)\b|\bunderwrit|\bwrong\s+orbit\b|\bmission\s+success\b|\bpayload\s+loss\b"
        ),
    ),
)
MODELS_BY_NAME: Final[dict[str, ModelSpec]] = {spec.name: spec for spec in MODELS}
if tuple(MODELS_BY_NAME) != MODEL_NAMES:
    raise RuntimeError(
        "every model in tminus.predictors.kinds needs exactly one ModelSpec, in the same order"
    )
