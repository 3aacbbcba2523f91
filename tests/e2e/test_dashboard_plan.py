"""The dashboard's Plan section in headless Chromium, against a real server on 127.0.0.1.

What the page shows is compared with the API's answer to the same request, fetched by the test
(the page records the request it sent): every option's numbers and versions, the exclusions by
reason, the chart's points; a retired vehicle is never an option; the API's 422s appear next to
the field they name.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from tests.e2e.page import (
    Screenshot,
    all_css,
    by_css,
    open_dashboard,
    pct,
    set_date,
    severe_console_errors,
    span,
    type_into,
    wait_until,
)

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement
    from tests.live_server import Server


# Statuses a planner cannot buy: never an option unless a request asks for history.
NOT_OFFERED = {"retired", "cancelled", "crew_only", "dedicated", "closed_to_new_customers"}


def js_round(x: float) -> int:
    """JavaScript's Math.round (halves up), which the page uses."""
    return math.floor(x + 0.5)


def kg(mass: float) -> str:
    return f"{js_round(mass):,} kg"


def share(fraction: float) -> str:
    return f"{js_round(fraction * 100):,}%"


def fill_plan(page: WebDriver, **fields: str) -> None:
    """Fill the plan form: earliest, latest (YYYY-MM-DD), mass, orbit, sites, risk (in %)."""
    for name in ("earliest", "latest"):
        if name in fields:
            set_date(page, fields[name], f"#p-{name}")
    for name in ("mass", "orbit", "sites", "risk"):
        if name in fields:
            type_into(page, f"#p-{name}", fields[name])


def submit(page: WebDriver, button: str = "#p-submit") -> str:
    """Press Plan (or Ask) and wait for the answer; return the result's state."""
    by_css(page, button).click()
    return str(
        wait_until(
            page,
            lambda d: (
                (state := by_css(d, "#plan-result").get_attribute("data-state")) != "loading"
                and state
            ),
            "the plan",
        )
    )


def sent(page: WebDriver) -> dict[str, Any]:
    """The request the page sent, as it records it."""
    request: dict[str, Any] = json.loads(by_css(page, "#plan-result").get_attribute("data-request"))
    return request


def cells(row: WebElement) -> dict[str, str]:
    return {c.get_attribute("data-field"): c.text for c in all_css(row, "[data-field]")}


def option_rows(page: WebDriver) -> list[WebElement]:
    return all_css(page, "#plan-options tbody tr[data-rank]")


def served_versions(api: Any) -> dict[str, str]:
    return {m["name"]: m["served"]["version"] for m in api.get("/v1/models").json()["models"]}


def test_the_plan_shows_the_api_options_exclusions_and_chart(
    page: WebDriver, live_server: Server, api: Any, screenshot: Screenshot
) -> None:
    open_dashboard(page, live_server)
    fill_plan(page, earliest="2026-03-01", latest="2026-05-31", mass="800", orbit="SSO")
    assert submit(page) == "answered"
    request = sent(page)
    assert request == {
        "earliest_date": "2026-03-01",
        "latest_date": "2026-05-31",
        "payload_mass_kg": 800,
        "orbit": "SSO",
        "rank_by": "risk",
        "max_options": 20,
    }
    answer = api.post("/v1/plan", json=request).json()
    options = answer["options"]
    assert len(options) == 20 < answer["options_total"]

    # Every option's numbers, as the API gives them.
    rows = option_rows(page)
    assert len(rows) == len(options)
    for row, option in zip(rows, options, strict=True):
        shown = cells(row)
        f = option["feasibility"]
        expected = {
            "rank": str(option["rank"]),
            "vehicle": option["vehicle"],
            "status": option["status"].replace("_", " "),
            "pad": f"{option['site']}/{option['pad']}",
            "date": option["date"][:10],
            "probability": pct(option["failure"]["probability"]),
            "interval": span(option["failure"]["interval"]),
            "margin-kg": kg(f["margin_kg"]),
            "margin-pct": share(f["margin_fraction"]),
            "basis": f["basis"],
            "pad-ready": option["pad_readiness"]["dates"]["p50"][:10],
        }
        if f["configuration"]:
            expected["configuration"] = f["configuration"]
        assert shown == expected, option["rank"]
        assert row.get_attribute("data-pareto") == str(option["pareto_optimal"]).lower()
    assert f"{answer['options_total']} options" in by_css(page, "[data-field=summary]").text
    # Why an option ranks where it does, with its sources, one click away.
    first = rows[0]
    by_css(first, "button.disclose").click()
    reasons = by_css(page, "#plan-options tr.why")
    assert reasons.is_displayed() and options[0]["reasons"][1] in reasons.text

    # Every number names the model version behind it: the served ones.
    served = served_versions(api)
    versions = {c.get_attribute("data-model"): c.text for c in all_css(page, "#plan-versions code")}
    assert versions == {
        "launch_failure": options[0]["failure"]["version"],
        "pad_turnaround": options[0]["pad_readiness"]["version"],
    }
    assert versions == {m: served[m] for m in versions}

    # The exclusions, grouped by reason, each with the API's count and the ones it lists (it
    # counts more than it lists); retired and not-offered vehicles are open, first, with the
    # API's message (their source).
    groups = {g.get_attribute("data-reason"): g for g in all_css(page, "#plan-excluded details")}
    assert list(groups)[:2] == ["retired", "not_offered"]
    assert set(groups) == set(answer["excluded_by_reason"])
    assert answer["excluded_total"] > len(answer["excluded"]), "a plan that lists all it counts"
    for reason, n in answer["excluded_by_reason"].items():
        group = groups[reason]
        assert by_css(group, "[data-field=count]").text == f"{n:,}"
        listed = [e for e in answer["excluded"] if e["reason"] == reason]
        items = all_css(group, "li[data-vehicle]")
        assert [i.get_attribute("data-vehicle") for i in items] == [e["vehicle"] for e in listed]
        unlisted = [u.get_attribute("textContent") for u in all_css(group, "[data-field=unlisted]")]
        assert unlisted == (
            [f"and {n - len(listed):,} more, counted but not listed in the answer."]
            if n > len(listed)
            else []
        )
    for reason in ("retired", "not_offered"):
        assert groups[reason].get_attribute("open") is not None
        items = all_css(groups[reason], "li[data-vehicle]")
        listed = [e for e in answer["excluded"] if e["reason"] == reason]
        assert items and [by_css(i, ".msg").text for i in items] == [e["message"] for e in listed]

    # The chart: one point per option (all have a margin here), the Pareto front filled.
    points = all_css(page, "#plan-chart g.option")
    assert sorted(int(p.get_attribute("data-rank")) for p in points) == [o["rank"] for o in options]
    front = {int(p.get_attribute("data-rank")) for p in all_css(page, "#plan-chart g.pareto")}
    assert front == {o["rank"] for o in options if o["pareto_optimal"]} != set()
    assert "capacity margin" in by_css(page, "#plan-chart figcaption").text
    assert severe_console_errors(page) == []
    screenshot(page, "dashboard-plan", element=by_css(page, "#plan"))


def test_a_retired_vehicle_is_never_among_the_options(
    page: WebDriver, live_server: Server, api: Any
) -> None:
    """Checked against the statuses GET /v1/vehicles gives today, in the page's default window
    (from today): a vehicle retired or not sold today is not sold then either."""
    everything = api.get("/v1/vehicles", params={"limit": 5000}).json()["vehicles"]
    status = {v["name"]: v["status"] for v in everything}
    open_dashboard(page, live_server)
    for fields in ({"mass": "5000", "orbit": "GTO"}, {"mass": "", "orbit": ""}):
        fill_plan(page, **fields)
        assert submit(page) == "answered"
        answer = api.post("/v1/plan", json=sent(page)).json()
        rows = option_rows(page)
        assert len(rows) == len(answer["options"]) > 0
        for row in rows:
            vehicle = by_css(row, "[data-field=vehicle]").text
            assert status.get(vehicle, "unknown") not in NOT_OFFERED, vehicle
            assert by_css(row, "[data-field=status]").get_attribute("data-value") == status.get(
                vehicle, "unknown"
            )
        # Retired vehicles were candidates, and the page says why they are not options.
        retired = all_css(page, '#plan-excluded details[data-reason="retired"] li[data-vehicle]')
        assert retired
        assert all(status[r.get_attribute("data-vehicle")] in NOT_OFFERED for r in retired)
    # Asked for (the exclusion's message says how), retired vehicles are planned, not excluded.
    fill_plan(page, mass="5000", orbit="GTO")
    by_css(page, "#p-retired").click()
    assert submit(page) == "answered"
    assert sent(page)["include_retired"] is True
    answer = api.post("/v1/plan", json=sent(page)).json()
    assert "retired" not in answer["excluded_by_reason"]
    assert len(option_rows(page)) == len(answer["options"])


def test_the_plan_forms_errors_show_next_to_their_field(
    page: WebDriver, live_server: Server, api: Any, screenshot: Screenshot
) -> None:
    open_dashboard(page, live_server)

    def error_at(field: str) -> WebElement:
        return by_css(page, f'#plan-form .field-error[data-field="{field}"]')

    def refusal(request: dict[str, Any]) -> dict[str, dict[str, Any]]:
        response = api.post("/v1/plan", json=request)
        assert response.status_code == 422
        problems = response.json()["detail"]
        return {str(p["loc"][1]) if len(p["loc"]) > 1 else "": p for p in problems}

    # The latest date before the earliest, a negative mass, a risk tolerance above 100%.
    fill_plan(page, earliest="2026-05-01", latest="2026-04-01", mass="-5", risk="150")
    assert submit(page) == "error"
    problems = refusal(sent(page))
    assert set(problems) == {"latest_date", "payload_mass_kg", "max_failure_probability"}
    for field, selector in (
        ("latest_date", "#p-latest"),
        ("payload_mass_kg", "#p-mass"),
        ("max_failure_probability", "#p-risk"),
    ):
        note = error_at(field)
        assert note.is_displayed() and problems[field]["msg"] in note.text
        assert by_css(page, selector).get_attribute("aria-invalid") == "true"
        # The note sits in the field's own label, under its input.
        label = by_css(page, selector).find_element("xpath", "./ancestor::label")
        assert note in all_css(label, ".field-error")
    assert "before earliest_date" in error_at("latest_date").text
    assert "5% is 0.05" in error_at("max_failure_probability").text
    assert not all_css(page, '#plan-form .field-error[data-field="earliest_date"]')
    assert "refused the fields marked" in by_css(page, "#plan-result").text
    screenshot(page, "dashboard-plan-errors", element=by_css(page, "#plan"))

    # An unknown site: named with its place in the list, and the closest codes one click away.
    fill_plan(
        page, earliest="2026-03-01", latest="2026-05-31", mass="", risk="", sites="Kourou, Kuru"
    )
    assert submit(page) == "error"
    problem = refusal(sent(page))["sites"]
    assert not all_css(page, '#plan-form .field-error[data-field="latest_date"]')
    note = error_at("sites")
    assert problem["msg"] in note.text and "(item 2)" in note.text
    buttons = [b.text for b in all_css(note, "button.suggestion")]
    assert buttons and buttons == problem["suggestions"][: len(buttons)]
    all_css(note, "button.suggestion")[0].click()
    wait_until(
        page,
        lambda d: by_css(d, "#plan-result").get_attribute("data-state") in {"answered", "empty"},
        "the plan with the suggested site",
    )
    assert by_css(page, "#p-sites").get_attribute("value") == f"Kourou, {buttons[0]}"
    assert not all_css(page, "#plan-form .field-error")

    # A problem with the whole request names its field in words: shown at that field.
    type_into(page, "#p-sites", "")
    from selenium.webdriver.support.ui import Select

    Select(by_css(page, "#p-rank")).select_by_value("margin")
    assert submit(page) == "error"
    assert "needs payload_mass_kg" in refusal(sent(page))[""]["msg"]
    assert "needs payload_mass_kg" in error_at("rank_by").text


def test_an_empty_plan_says_so_plainly(page: WebDriver, live_server: Server, api: Any) -> None:
    open_dashboard(page, live_server)
    fill_plan(page, mass="50000", orbit="GEO", sites="Kourou")
    assert submit(page) == "empty"
    answer = api.post("/v1/plan", json=sent(page)).json()
    assert answer["options"] == [] and answer["excluded_total"] > 0
    empty = by_css(page, "[data-field=empty]")
    assert empty.text.startswith("No option meets the requirements")
    assert f"all {answer['excluded_total']} were excluded" in empty.text
    assert not all_css(page, "#plan-options") and not all_css(page, "#plan-chart")
    for reason, n in answer["excluded_by_reason"].items():
        group = by_css(page, f'#plan-excluded details[data-reason="{reason}"]')
        assert by_css(group, "[data-field=count]").text == f"{n:,}"
    # Still, the versions the plan was made with are named.
    versions = {c.text for c in all_css(page, "#plan-versions code")}
    assert versions == {s["version"] for s in answer["sources"]}


def test_a_question_in_words_shows_its_plan_or_its_answer(
    page: WebDriver, live_server: Server, api: Any, screenshot: Screenshot
) -> None:
    open_dashboard(page, live_server)
    question = "800 kg to SSO between March and May 2026"
    type_into(page, "#p-question", question)
    assert submit(page, "#p-ask") == "answered"
    answer = api.post("/v1/ask", json={"question": question}).json()
    (call,) = [c for c in answer["tool_calls"] if c["name"] == "plan_mission"]
    assert sent(page) == call["arguments"]
    options = call["result"]["options"]
    rows = option_rows(page)
    assert [(cells(r)["vehicle"], cells(r)["probability"]) for r in rows] == [
        (o["vehicle"], pct(o["failure"]["probability"])) for o in options
    ]
    # What the question was read as fills the form, ready to adjust.
    assert by_css(page, "#p-earliest").get_attribute("value") == "2026-03-01"
    assert by_css(page, "#p-latest").get_attribute("value") == "2026-05-31"
    assert by_css(page, "#p-mass").get_attribute("value") == "800"
    assert by_css(page, "#p-orbit").get_attribute("value") == "SSO"
    screenshot(page, "dashboard-plan-question", element=by_css(page, "#plan"))

    # A question that is not a plan gets the answer in words, and the versions behind it.
    question = "How much does a Falcon 9 cost?"
    type_into(page, "#p-question", question)
    assert submit(page, "#p-ask") == "answered"
    answer = api.post("/v1/ask", json={"question": question}).json()
    assert not any(c["name"] == "plan_mission" for c in answer["tool_calls"])
    shown = by_css(page, "[data-field=answer]")
    assert answer["answer"].split("\n\n")[0] in shown.text
    assert {c.text for c in all_css(shown, "[data-field=version]")} == {
        s["version"] for s in answer["sources"]
    }

    # A question too short to read is refused at the question field.
    type_into(page, "#p-question", "hi")
    assert submit(page, "#p-ask") == "error"
    note = by_css(page, '#ask-form .field-error[data-field="question"]')
    assert "at least 3 characters" in note.text
