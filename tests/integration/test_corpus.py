"""Questions and plans in the words planners and insurers use, each judged as its asker would.

Every case names the property a correct answer has (the vehicles it is about, the kind of
answer, the tool it rests on, a status it must mention, a number it must read), never the
sentence the code happens to write. The corpus is the issue's: ordinary English words are
never read as rockets, names people write resolve as the catalogue's one rule says, insurers'
words reach the anomaly model, what T-Minus does not predict is said plainly, and no retired
or not-offered vehicle is planned. "Today" is pinned, so relative dates are deterministic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from tests.reporting import report_line

from tminus.serving.state import Snapshot
from tminus.tools.offline import answer_offline
from tminus.tools.planner import plan_mission
from tminus.tools.schemas import AskResponse, PlanRequest, PlanResponse

TODAY = dt.date(2026, 12, 4)
NOT_FOR_SALE = {"retired", "cancelled", "crew_only", "dedicated", "closed_to_new_customers"}


@dataclass(frozen=True)
class Q:
    """A question and the properties of a correct answer (None: not checked)."""

    question: str
    intent: str | None = None
    vehicles: list[str] | None = None  # exactly these, in order ([] = none)
    tool: str | None = None  # the first tool called
    args: dict[str, Any] = field(default_factory=dict)  # a subset of its arguments
    says: tuple[str, ...] = ()  # words the answer must contain (lower case)
    never: tuple[str, ...] = ()  # words it must not contain (lower case)
    mass_kg: float | None = None
    orbit: str | None = None
    site: str | None = None
    pad: tuple[str, str] | None = None
    calls: int | None = None  # tool calls made
    topic: str | None = None


QUESTIONS: list[Q] = [
    # ---- insurers: partial failures and claims go to launch_anomaly ----------------------
    Q(
        "What's the probability of a partial failure on Ariane 62 next March?",
        intent="launch_anomaly",
        vehicles=["Ariane 62"],
        tool="predict_launch_anomaly",
        args={"vehicle": "Ariane 62", "date": "2027-03-01"},
        says=("partial failure",),
    ),
    Q(
        "How likely is a claim on a Falcon 9 launch in May 2027?",
        intent="launch_anomaly",
        vehicles=["Falcon 9"],
        tool="predict_launch_anomaly",
    ),
    Q(
        "We insure a payload on Vega C in Q2 2027: what are the odds of a loss?",
        intent="launch_anomaly",
        vehicles=["Vega C"],
        tool="predict_launch_anomaly",
    ),
    Q(
        "Chance of an anomaly on the next PSLV flight",
        intent="launch_anomaly",
        vehicles=["PSLV"],
        tool="predict_launch_anomaly",
    ),
    Q(
        "Underwriting an Electron mission from Mahia next year: probability of a partial failure?",
        intent="launch_anomaly",
        vehicles=["Electron"],
        tool="predict_launch_anomaly",
        args={"site": "MAHIA"},
    ),
    Q(
        "Risk of a payload ending in a wrong orbit on Long March 3B",
        intent="launch_anomaly",
        vehicles=["Chang Zheng 3B"],
        tool="predict_launch_anomaly",
    ),
    Q("insurance odds for an LVM3 launch", intent="launch_anomaly", vehicles=["LVM3"]),
    Q(
        "What is the insurance premium for a Falcon 9 launch?",
        intent="not_predicted",
        topic="price",
        vehicles=["Falcon 9"],
        tool="predict_launch_anomaly",
        says=("does not predict", "partial failure"),
    ),
    Q(
        "How much does a Falcon 9 cost?",
        intent="not_predicted",
        topic="price",
        vehicles=["Falcon 9"],
        says=("does not predict",),
        never=("mu-3",),
    ),
    Q("price per kg on Electron", intent="not_predicted", topic="price", vehicles=["Electron"]),
    # ---- ordinary English words are never rockets ----------------------------------------
    Q("What is the risk of a partial failure?", vehicles=[], never=("sparta",)),
    Q(
        "Which launcher is most reliable for a 500 kg payload to SSO next year?",
        intent="plan",
        vehicles=[],
        mass_kg=500,
        orbit="SSO",
        never=("launcherone",),
    ),
    Q(
        "Is a heavy launcher needed for 6 tonnes to GTO?",
        intent="plan",
        vehicles=[],
        mass_kg=6000,
        orbit="GTO",
    ),
    Q(
        "a light payload of 80 kg to LEO next month",
        intent="plan",
        vehicles=[],
        mass_kg=80,
        orbit="LEO",
    ),
    Q(
        "next mission to the Moon with 1.5 t: what can carry it?",
        intent="plan",
        vehicles=[],
        mass_kg=1500,
        orbit="LUNAR",
    ),
    Q("much ado about launches", vehicles=[]),
    Q(
        "Start a plan for a 2 t satellite to GTO in 2027",
        intent="plan",
        vehicles=[],
        mass_kg=2000,
    ),
    Q(
        "the whole spectrum of options for 300 kg to SSO",
        intent="plan",
        vehicles=[],
        mass_kg=300,
    ),
    Q(
        "What's the delta between Falcon 9 and Electron risk?",
        intent="compare",
        vehicles=["Falcon 9", "Electron"],
    ),
    Q("Can an atlas of options be made for a 1 t LEO payload?", intent="plan", vehicles=[]),
    Q(
        "A titanic question: is Falcon Heavy safe next year?",
        intent="launch_risk",
        vehicles=["Falcon Heavy"],
    ),
    Q("How much can a rocket lift to orbit?", vehicles=[]),
    Q("Is the new mission cost effective?", intent="not_predicted", vehicles=[]),
    # ---- names people write, one rule for every face ---------------------------------------
    Q("risk of F9 next week", intent="launch_risk", vehicles=["Falcon 9"]),
    Q("FH failure odds in 2027", vehicles=["Falcon Heavy"]),
    Q("Falcon 9 Block 5 reliability", vehicles=["Falcon 9"]),
    Q("how reliable is the Falcon", vehicles=["Falcon 9"]),
    Q("risk of a Falcn 9 next month", vehicles=["Falcon 9"]),
    Q("GSLV Mk III risk next month", vehicles=["LVM3"], tool="predict_launch_failure"),
    Q("LVM3 vs GSLV Mk III", vehicles=["LVM3"]),
    Q(
        "Delta IV Heavy risk next summer",
        vehicles=["Delta 4H"],
        args={"date": "2027-06-01"},
        says=("retired",),
    ),
    Q(
        "Atlas V risk next year",
        vehicles=["Atlas V 551"],
        says=("closed to new customers",),
    ),
    Q(
        "Long March 2D from Taiyuan next month",
        vehicles=["Chang Zheng 2D"],
        site="TYSC",
    ),
    Q("CZ-5 failure odds from Wenchang in 2027", vehicles=["Chang Zheng 5"], site="WEN"),
    Q("Soyuz-2.1b risk from Plesetsk", vehicles=["Soyuz-2-1B"]),
    Q("Ceres-1 reliability next month", vehicles=["Gushenxing 1"]),
    Q("Kinetica-1 risk in 2027", vehicles=["Lijian-1"]),
    Q("Smart Dragon 3 launch odds", vehicles=["Jielong-3"]),
    Q("Gravity-1 failure chance next year", vehicles=["Yinli-1"]),
    Q("risk of an electron launch next month", vehicles=["Electron"]),
    Q("risk of electron next month", vehicles=["Electron"]),
    Q("compare electron, vega-c and falcon 9", vehicles=["Electron", "Vega C", "Falcon 9"]),
    Q(
        "New Glenn risk in H2 2027",
        vehicles=["New Glenn 7x2"],
        args={"date": "2027-07-01"},
    ),
    Q("H-2A failure probability in 2027", vehicles=["H-IIA 202"], says=("retired",)),
    Q("risk of Ariane 5 next year", vehicles=["Ariane 5ECA+"], says=("retired",)),
    Q("Vega risk next year", vehicles=["Vega"], says=("retired",)),
    Q("Is Starship safe to fly in mid-2027?", vehicles=["Starship V3"], says=("maiden",)),
    Q("How risky is an Ariane 64 in 2027?", vehicles=["Ariane 64"], says=("maiden",)),
    Q(
        "compare Delta IV Heavy and Falcon Heavy next year",
        intent="compare",
        vehicles=["Delta 4H", "Falcon Heavy"],
        says=("retired",),
    ),
    Q("H3 risk from Tanegashima next year", vehicles=["H3-22S"], site="TNSC"),
    Q(
        "Is Atlas V safer than Vulcan for GTO next year?",
        intent="plan",
        vehicles=["Atlas V 551", "Vulcan Centaur VC4S"],
        orbit="GTO",
        says=("not_offered",),
    ),
    # ---- pads and sites: when can they launch again ---------------------------------------
    Q(
        "How soon can Mahia launch again?",
        intent="pad_next",
        site="MAHIA",
        tool="predict_pad_turnaround",
        calls=2,
    ),
    Q("When can SLC-40 launch next?", intent="pad_next", pad=("CC", "LC40")),
    Q("how soon can Vandenberg launch again", intent="pad_next", site="VSFBS"),
    Q(
        "turnaround of pad 39A after a launch on 2026-03-01",
        intent="pad_next",
        pad=("KSC", "LC39A"),
        args={"date": "2026-03-01T00:00:00+00:00"},
    ),
    Q("when can Kourou launch again", intent="pad_next", site="CSG"),
    Q("next launch from LC-39A?", intent="pad_next", pad=("KSC", "LC39A")),
    # ---- what T-Minus does not predict, said plainly -----------------------------------------
    Q(
        "What's the weather forecast for the Cape on Tuesday?",
        intent="not_predicted",
        topic="weather_forecast",
        says=("scrub",),
        calls=0,
    ),
    Q("weather scrub odds at the Cape tomorrow", intent="weather_scrub"),
    Q(
        "Will the crew abort system work on Starliner?",
        intent="not_predicted",
        topic="crew_safety",
    ),
    Q("Is the launch going to be delayed?", intent="not_predicted", topic="schedule_slip"),
    Q(
        "Will the Falcon 9 launch slip to next week?",
        intent="not_predicted",
        topic="schedule_slip",
        vehicles=["Falcon 9"],
        tool="predict_launch_failure",
    ),
    # ---- booster landings: Falcon only ---------------------------------------------------
    Q(
        "Will the Starship booster catch succeed next month?",
        intent="booster_landing",
        says=("no landing model",),
        calls=0,
    ),
    Q("Starship booster landing odds", says=("no landing model",), calls=0),
    Q("New Glenn booster landing chance", says=("no landing model",), calls=0),
    Q(
        "Will a Falcon 9 booster land on the drone ship on its 20th flight?",
        intent="booster_landing",
        tool="predict_booster_landing",
        args={"core_flight": 20, "landing_type": "ASDS", "vehicle": "Falcon 9"},
    ),
    Q(
        "RTLS landing odds for a booster flown 10 times",
        tool="predict_booster_landing",
        args={"core_flight": 11, "landing_type": "RTLS"},
    ),
    # ---- masses, units and dates -----------------------------------------------------------
    Q(
        "Can a launcher put 2,5 t into SSO from Kourou next year?",
        intent="plan",
        vehicles=[],
        mass_kg=2500,
        orbit="SSO",
        site="CSG",
        says=("decimal comma",),
    ),
    Q("plan 1,500 kg to GTO in Q3 2027", mass_kg=1500, orbit="GTO"),
    Q("what can carry 4400 lb to LEO next year", mass_kg=1995.8, orbit="LEO"),
    Q("plan a 0,8 t payload to SSO in 2027", mass_kg=800, orbit="SSO"),
    Q(
        "risk of Falcon 9 on 3/4/2027",
        vehicles=["Falcon 9"],
        says=("2027-03-04", "2027-04-03", "reads two ways"),
    ),
    Q("risk of Electron on 13/4/2027", args={"date": "2027-04-13"}, never=("reads two ways",)),
    Q("plan 500 t to LEO next year", says=("more than any launch vehicle",)),
    Q("plan 3 tonnes to GEO between May and July 2027", mass_kg=3000, orbit="GEO"),
    # ---- plans in words ---------------------------------------------------------------------
    Q(
        "What can carry 500 kg to SSO from Vandenberg in early 2027?",
        intent="plan",
        tool="plan_mission",
        args={"payload_mass_kg": 500, "orbit": "SSO", "sites": ["VSFBS"]},
    ),
    Q(
        "1.5 t to the Moon on a Falcon 9 or Falcon Heavy in 2027",
        intent="plan",
        vehicles=["Falcon 9", "Falcon Heavy"],
        says=("can carry it",),
        never=("may carry it",),
    ),
    Q(
        "200 kg to SSO from Mahia on Electron next quarter",
        intent="plan",
        vehicles=["Electron"],
        says=("feasible",),
    ),
    Q("12 t to GEO next summer", intent="plan", mass_kg=12000, orbit="GEO"),
    Q(
        "which rocket for 9 tonnes to LEO in 2027 under 2% risk",
        intent="plan",
        args={"max_failure_probability": 0.02},
    ),
    Q(
        "best option for a 5.5 t GTO satellite from the Cape in H1 2027",
        intent="plan",
        args={"sites": ["CC"], "payload_mass_kg": 5500, "orbit": "GTO"},
    ),
    Q("plan a 1 t mission to Mars in 2027", intent="plan", mass_kg=1000, orbit="ESCAPE"),
    Q("list known rockets", intent="list_vehicles", args={"status": "active"}),
    Q("which pads does Electron use", intent="list_pads", vehicles=["Electron"]),
    Q("return to flight after a Falcon 9 failure", intent="return_to_flight"),
    Q("hello there", intent="unknown", vehicles=[], calls=0),
]


def _check(case: Q, answer: AskResponse) -> None:
    understood = answer.understood_as
    text = answer.answer.lower()
    if case.intent is not None:
        assert understood["intent"] == case.intent, understood
    if case.topic is not None:
        assert understood.get("topic") == case.topic, understood
    if case.vehicles is not None:
        names = [v["name"] for v in understood.get("vehicles", [])]
        assert names == case.vehicles, understood
    if case.mass_kg is not None:
        assert understood["payload_mass_kg"]["kg"] == pytest.approx(case.mass_kg, abs=0.1)
    if case.orbit is not None:
        assert understood["orbit"]["class"] == case.orbit, understood
    if case.site is not None:
        assert understood["site"]["site"] == case.site, understood
    if case.pad is not None:
        assert (understood["pad"]["site"], understood["pad"]["pad"]) == case.pad
    if case.calls is not None:
        assert len(answer.tool_calls) >= case.calls if case.calls else not answer.tool_calls
    if case.tool is not None or case.args:
        assert answer.tool_calls, answer.answer
        call = answer.tool_calls[0]
        if case.tool is not None:
            assert call.name == case.tool, call
        assert isinstance(call.arguments, dict)
        for key, value in case.args.items():
            assert call.arguments.get(key) == value, (key, call.arguments)
    for word in case.says:
        assert word in text, (word, answer.answer)
    for word in case.never:
        assert word not in text, (word, answer.answer)
    for call in answer.tool_calls:
        # A planned option is never a vehicle that is not for sale.
        if call.name == "plan_mission" and call.result is not None:
            assert not {o["status"] for o in call.result["options"]} & NOT_FOR_SALE


@pytest.mark.parametrize("case", QUESTIONS, ids=lambda c: c.question[:60])
def test_question(snapshot: Snapshot, case: Q) -> None:
    _check(case, answer_offline(case.question, snapshot, today=TODAY))


# ---- plans -----------------------------------------------------------------------------------
WINDOW = {"earliest_date": "2027-01-01", "latest_date": "2027-06-30", "max_options": 100}
OPEN = {
    "500 kg to SSO": {"payload_mass_kg": 500, "orbit": "SSO"},
    "5.5 t to GTO": {"payload_mass_kg": 5500, "orbit": "GTO"},
    "1.5 t to the Moon": {"payload_mass_kg": 1500, "orbit": "LUNAR"},
    "1 t to escape": {"payload_mass_kg": 1000, "orbit": "ESCAPE"},
    "9 t to LEO": {"payload_mass_kg": 9000, "orbit": "LEO"},
}


def run(snapshot: Snapshot, **fields: Any) -> PlanResponse:
    return plan_mission(snapshot, PlanRequest.model_validate(WINDOW | fields))


def options(answer: PlanResponse, vehicle: str) -> list[Any]:
    return [o for o in answer.options if o.vehicle == vehicle]


def reason(answer: PlanResponse, vehicle: str) -> set[str]:
    return {e.reason for e in answer.excluded if e.vehicle == vehicle}


@pytest.mark.parametrize("name", list(OPEN))
def test_an_open_plan_offers_nothing_that_is_not_for_sale(
    snapshot: Snapshot, name: str, request: pytest.FixtureRequest
) -> None:
    answer = run(snapshot, **OPEN[name])
    assert answer.options
    assert not {o.status for o in answer.options} & NOT_FOR_SALE
    for option in answer.options:
        assert option.status_source or option.status == "unknown", option.vehicle
        check = option.feasibility
        if check.status == "feasible":
            assert check.margin_kg is not None and check.margin_kg >= 0
            if check.basis == "reference":
                assert check.source and "checked" in check.source
    share = answer.options_unknown_capacity / answer.options_total
    report_line(
        request,
        "planner corpus",
        f"[open plan {name}] {answer.options_total} options, "
        f"{answer.options_unknown_capacity} of unknown capacity ({share:.0%}); "
        f"excluded {dict(sorted(answer.excluded_by_reason.items()))}",
    )


def test_falcon_9_and_falcon_heavy_carry_1_5_t_to_the_moon(snapshot: Snapshot) -> None:
    answer = run(snapshot, **OPEN["1.5 t to the Moon"])
    for vehicle in ("Falcon 9", "Falcon Heavy"):
        kept = options(answer, vehicle)
        assert kept and all(o.feasibility.status == "feasible" for o in kept), vehicle


def test_2t_to_sso_from_kourou_offers_no_ariane_5(snapshot: Snapshot) -> None:
    answer = run(
        snapshot,
        earliest_date="2027-07-01",
        latest_date="2027-12-31",
        payload_mass_kg=2000,
        orbit="SSO",
        sites=["Kourou"],
    )
    assert not options(answer, "Ariane 5ECA+") and "retired" in reason(answer, "Ariane 5ECA+")
    assert options(answer, "Ariane 62")[0].feasibility.basis == "reference"


def test_12t_to_geo_offers_no_delta_iv_heavy(snapshot: Snapshot) -> None:
    answer = run(
        snapshot,
        earliest_date="2027-06-01",
        latest_date="2027-08-31",
        payload_mass_kg=12000,
        orbit="GEO",
    )
    assert not options(answer, "Delta 4H") and reason(answer, "Delta 4H") == {"retired"}
    assert options(answer, "Falcon Heavy")[0].feasibility.status == "feasible"


def test_electron_carries_200_kg_to_sso_from_mahia(snapshot: Snapshot) -> None:
    answer = run(snapshot, payload_mass_kg=200, orbit="SSO", sites=["Mahia"])
    electron = options(answer, "Electron")
    assert electron and all(o.feasibility.status == "feasible" for o in electron)


def test_electron_carries_300_kg_to_leo_not_250_kg_to_sso(snapshot: Snapshot) -> None:
    leo = run(snapshot, vehicles=["Electron"], payload_mass_kg=300, orbit="LEO")
    assert options(leo, "Electron")[0].feasibility.status == "feasible"
    sso = run(snapshot, vehicles=["Electron"], payload_mass_kg=250, orbit="SSO")
    assert reason(sso, "Electron") == {"capacity_exceeded"}


def test_history_may_ask_for_retired_vehicles_and_gets_them_flagged(snapshot: Snapshot) -> None:
    answer = run(
        snapshot,
        vehicles=["Ariane 5ECA+", "Delta IV Heavy"],
        payload_mass_kg=5000,
        orbit="GTO",
        include_retired=True,
    )
    assert {o.vehicle for o in answer.options} == {"Ariane 5ECA+", "Delta 4H"}
    assert all(o.flags.get("retired") and o.status == "retired" for o in answer.options)


def test_a_heavy_falcon_9_payload_is_planned_expendable(snapshot: Snapshot) -> None:
    answer = run(snapshot, vehicles=["F9"], payload_mass_kg=7000, orbit="GTO")
    assert {o.feasibility.configuration for o in answer.options} == {"expendable"}


def test_crew_only_and_cancelled_configurations_are_not_offered(snapshot: Snapshot) -> None:
    answer = run(snapshot, vehicles=["Atlas V N22", "Falcon 9R", "Starship V1.0"])
    assert answer.options == []
    assert reason(answer, "Atlas V N22") == {"not_offered"}
    assert reason(answer, "Falcon 9R") == {"retired"}  # cancelled before it flew
    assert reason(answer, "Starship V1.0") == {"retired"}


def test_a_vehicle_retired_since_was_planned_as_it_flew_then(snapshot: Snapshot) -> None:
    then = run(
        snapshot, earliest_date="2024-01-01", latest_date="2024-06-30", vehicles=["H-IIA 202"]
    )
    assert options(then, "H-IIA 202") and then.options[0].status == "active"
    now = run(snapshot, vehicles=["H-IIA 202"])
    assert reason(now, "H-IIA 202") == {"retired"}


def test_other_names_of_one_rocket_are_planned_as_that_rocket(snapshot: Snapshot) -> None:
    answer = run(snapshot, vehicles=["GSLV Mk III", "LVM3"])
    assert {o.vehicle for o in answer.options} == {"LVM3"}
    assert any("Read 'GSLV Mk III' as LVM3" in n for n in answer.notes)


def test_an_open_plan_never_offers_a_concept_that_never_flew(snapshot: Snapshot) -> None:
    answer = run(snapshot, payload_mass_kg=2000, orbit="LEO")
    assert not options(answer, "Falcon 9R")
    assert not any(o.vehicle.startswith("Starship V1") for o in answer.options)


def test_ranked_by_margin_the_margins_fall(snapshot: Snapshot) -> None:
    answer = run(snapshot, payload_mass_kg=3000, orbit="GTO", rank_by="margin")
    feasible = [o.feasibility.margin_kg for o in answer.options if o.feasibility.margin_kg]
    assert feasible and feasible == sorted(feasible, reverse=True)


def test_the_pareto_front_is_what_no_other_option_beats(snapshot: Snapshot) -> None:
    answer = run(snapshot, payload_mass_kg=1000, orbit="SSO", sites=["Jiuquan"])
    assert answer.options
    for option in answer.options:
        margin = option.feasibility.margin_kg or -1
        beaten = any(
            o.failure.probability <= option.failure.probability
            and o.date <= option.date
            and (o.feasibility.margin_kg or -1) >= margin
            and (
                o.failure.probability < option.failure.probability
                or o.date < option.date
                or (o.feasibility.margin_kg or -1) > margin
            )
            for o in answer.options
        )
        assert option.pareto_optimal == (not beaten)


def test_vulcan_is_not_planned_on_gcats_one_rating_for_every_configuration(
    snapshot: Snapshot,
) -> None:
    answer = run(snapshot, vehicles=["Vulcan Centaur VC2S"], payload_mass_kg=4000, orbit="GTO")
    for option in answer.options:
        assert option.feasibility.capacity_kg != 15300


def test_a_provider_filter_keeps_its_vehicles_only(snapshot: Snapshot) -> None:
    answer = run(snapshot, providers=["SPX"], payload_mass_kg=1000, orbit="LEO")
    assert answer.options and {o.provider for o in answer.options} == {"SPX"}


def test_capacity_to_the_moon_is_bounded_by_physics(snapshot: Snapshot) -> None:
    answer = run(snapshot, vehicles=["Electron", "Vega C"], payload_mass_kg=1500, orbit="LUNAR")
    assert answer.options == []
    assert reason(answer, "Electron") == {"capacity_exceeded"}
    assert reason(answer, "Vega C") == {"capacity_exceeded"}
