"""The dashboard at ``/`` in headless Chromium, against a real server on 127.0.0.1.

Every number the page shows is checked against the JSON API's answer to the same question,
fetched by the test itself; every figure must name the model version that produced it; a bad
input or a service that is not ready must show a visible message, not a blank page. Screenshots
go to ``.build/screenshots/`` (git-ignored) and are listed at the end of the run.
"""

from __future__ import annotations

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
    from tests.live_server import Server


# What the vehicle table opens on: what a planner can buy today, or will soon.
OFFERED = ("active", "in_development")


def status_text(vehicle: dict[str, Any]) -> str:
    """A vehicle's status as the table prints it: "retired since 2023-07-05"."""
    since = f" since {vehicle['status_since']}" if vehicle["status_since"] else ""
    return f"{vehicle['status'].replace('_', ' ')}{since}"


def choose_status(driver: WebDriver, value: str) -> None:
    """Pick an entry of the vehicle table's status filter."""
    from selenium.webdriver.support.ui import Select

    Select(by_css(driver, "#vehicle-status")).select_by_value(value)


def submit_and_wait(driver: WebDriver, *cards: str) -> None:
    """Press Predict and wait until each card is answered, shows an error, or says why not."""
    by_css(driver, "#f-submit").click()
    for card in cards:
        wait_until(
            driver,
            lambda d, c=card: (
                by_css(d, c).get_attribute("data-state") in {"answered", "error", "idle"}
            ),
            f"{card} to show an answer",
        )


def test_the_page_loads_from_the_service_alone_and_says_it_is_ready(
    page: WebDriver, live_server: Server, api: Any, screenshot: Screenshot
) -> None:
    open_dashboard(page, live_server)
    assert by_css(page, "#status").text.startswith("ready")
    assert not by_css(page, "#banner").is_displayed()
    # Nothing comes from another origin (no CDN): the page works with the browser offline.
    loaded = page.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded, "the page fetched nothing from the API"
    assert all(url.startswith(f"{live_server.url}/") for url in loaded), loaded
    assert (
        page.execute_script("return document.querySelectorAll('link[href^=\"http\"]').length") == 0
    )
    # The table lists the vehicles on sale; every known vehicle is one choice away.
    total = api.get("/v1/vehicles", params={"limit": 5000}).json()["total"]
    offered = sum(
        api.get("/v1/vehicles", params={"status": s, "limit": 1}).json()["total"] for s in OFFERED
    )
    assert by_css(page, "#vehicle-count").text == f"{offered:,} of {total:,} vehicles"
    assert len(all_css(page, "#vehicle-table tbody tr")) == offered
    assert severe_console_errors(page) == []
    screenshot(page, "dashboard-loaded")
    choose_status(page, "all")
    assert by_css(page, "#vehicle-count").text == f"{total:,} vehicles"
    assert len(all_css(page, "#vehicle-table tbody tr")) == total


def test_search_shows_the_api_numbers_and_the_chart_of_the_chosen_vehicle(
    page: WebDriver, live_server: Server, api: Any, screenshot: Screenshot
) -> None:
    open_dashboard(page, live_server)
    search = by_css(page, "#vehicle-search")
    search.send_keys("electron")
    found = api.get("/v1/vehicles", params={"q": "electron"}).json()["vehicles"]
    expected = [v for v in found if v["status"] in OFFERED]
    assert expected, "the mirror has no Electron"
    rows = all_css(page, "#vehicle-table tbody tr")
    assert [r.get_attribute("data-vehicle") for r in rows] == [v["name"] for v in expected]
    assert by_css(page, "#vehicle-count").text.startswith(f"{len(expected)} of ")

    # The probabilities are the API's for a launch on the date the page names.
    on = by_css(page, "#vehicles-note").get_attribute("data-date")
    items = [{"vehicle": v["name"], "date": on} for v in expected]
    risk = api.post("/v1/launch-failure", json={"items": items}).json()
    assert risk["version"] in by_css(page, "#vehicles-note").text
    for row, vehicle, answer in zip(rows, expected, risk["items"], strict=True):
        cells = {c.get_attribute("data-field"): c.text for c in all_css(row, "td[data-field]")}
        assert cells == {
            "status": status_text(vehicle),
            "flights": f"{vehicle['flights']:,}",
            "failures": f"{vehicle['failures']:,}",
            "last_flight": vehicle["last_flight"][:10],
            "probability": pct(answer["probability"]),
            "interval": span(answer["interval"]),
        }, vehicle["name"]

    # Choosing a vehicle charts its history: flights by year and the risk of every flight.
    by_css(page, '#vehicle-table tbody tr[data-vehicle="Electron"]').click()
    wait_until(page, lambda d: by_css(d, "#chart-risk").is_displayed(), "the risk chart")
    history = api.get("/v1/vehicle-history", params={"vehicle": "Electron"}).json()
    assert by_css(page, "#history-title").text == "Electron"
    summary = by_css(page, "#history-summary").text
    assert f"{history['flights']} flights, {history['failures']} failed" in summary
    assert len(all_css(page, "#chart-risk circle.fail")) == history["failures"]
    failed_years = {f["date"][:4] for f in history["history"] if f["failed"]}
    assert len(all_css(page, "#chart-years rect.fail")) == len(failed_years)
    assert by_css(page, "#history-source code").text == history["version"]
    current = risk["items"][[v["name"] for v in expected].index("Electron")]
    readout = by_css(page, "#risk-readout").text
    assert f"{pct(current['probability'])}, 90% interval {span(current['interval'])}" in readout
    screenshot(page, "dashboard-vehicle-history", element=by_css(page, "#vehicles"))


def test_the_vehicle_table_opens_on_what_can_be_bought_and_hides_retired_ones(
    page: WebDriver, live_server: Server, api: Any, screenshot: Screenshot
) -> None:
    """Active vehicles first (most flown first, as the API lists them), then those in
    development; retired, not-offered and unlisted ones only through the status filter, however
    much they flew in the 1970s."""

    def listed(*statuses: str) -> list[str]:
        return [
            v["name"]
            for status in statuses
            for v in api.get("/v1/vehicles", params={"status": status, "limit": 5000}).json()[
                "vehicles"
            ]
        ]

    def shown() -> list[tuple[str, str]]:
        rows = all_css(page, "#vehicle-table tbody tr")
        return [(r.get_attribute("data-vehicle"), r.get_attribute("data-status")) for r in rows]

    open_dashboard(page, live_server)
    rows = shown()
    assert [name for name, _ in rows] == listed("active", "in_development")
    assert rows[0][1] == "active" and {status for _, status in rows} == set(OFFERED)
    retired = listed("retired", "cancelled")
    assert retired, "the reference lists no retired vehicle"
    assert not {name for name, _ in rows} & set(retired)
    # The most flown vehicles of all (Soyuz-U, 633 flights to 2004) are behind the filter.
    everything = api.get("/v1/vehicles", params={"limit": 5000}).json()["vehicles"]
    assert everything[0]["status"] not in OFFERED
    assert everything[0]["name"] not in {name for name, _ in rows}
    # Each status is shown with its source; the table's first row is on sale.
    first = by_css(page, "#vehicle-table tbody tr")
    assert by_css(first, "[data-field=status]").text == "active"
    assert by_css(first, "[data-field=status]").get_attribute("title")

    choose_status(page, "retired")
    assert [name for name, _ in shown()] == retired
    row = by_css(page, f'#vehicle-table tbody tr[data-vehicle="{retired[0]}"]')
    vehicle = next(v for v in everything if v["name"] == retired[0])
    assert by_css(row, "[data-field=status]").text == status_text(vehicle)
    screenshot(page, "dashboard-vehicles-retired", element=by_css(page, "#vehicles"))

    # A search finds only what is on sale, and says how many more match with other statuses.
    choose_status(page, "offered")
    by_css(page, "#vehicle-search").send_keys("ariane")  # (Escape would clear a search box)
    matching = api.get("/v1/vehicles", params={"q": "ariane"}).json()["vehicles"]
    on_sale = [v["name"] for v in matching if v["status"] in OFFERED]
    assert [name for name, _ in shown()] == on_sale
    more = by_css(page, "#vehicle-more")
    assert more.text == f"{len(matching) - len(on_sale)} more with other statuses"
    more.click()
    assert {name for name, _ in shown()} == {v["name"] for v in matching}


def test_no_section_is_wider_than_the_page_at_1280_px(
    page: WebDriver, live_server: Server, screenshot: Screenshot
) -> None:
    """At 1,280 px the page never scrolls sideways; a wide table scrolls in its own box."""
    page.set_window_size(1280, 1000)
    open_dashboard(page, live_server)
    # Fill every section: a plan with its table and chart, every model's backtest and plots.
    set_date(page, "2026-03-01", "#p-earliest")
    set_date(page, "2026-05-31", "#p-latest")
    type_into(page, "#p-mass", "800")
    type_into(page, "#p-orbit", "SSO")
    by_css(page, "#p-submit").click()
    wait_until(
        page,
        lambda d: by_css(d, "#plan-result").get_attribute("data-state") == "answered",
        "the plan",
    )
    models = all_css(page, "#models-list .model")
    assert models
    wait_until(
        page,
        lambda d: all(all_css(m, "table.metrics") and all_css(m, ".plots img") for m in models),
        "every model's backtest and plots",
    )
    widths = page.execute_script(
        """
        const root = document.documentElement;
        const sizes = {page: [root.scrollWidth, root.clientWidth]};
        for (const s of document.querySelectorAll('header, main > section, footer')) {
          sizes[s.id || s.tagName.toLowerCase()] = [s.scrollWidth, s.clientWidth];
        }
        return sizes;"""
    )
    assert {"plan", "vehicles", "whatif", "models"} <= set(widths)
    wider = {name: w for name, w in widths.items() if w[0] > w[1]}
    assert wider == {}, f"wider than the page (scrollWidth, clientWidth): {wider}"
    screenshot(page, "dashboard-1280px")


def test_the_what_if_form_shows_the_api_answers_and_their_versions(
    page: WebDriver, live_server: Server, api: Any, screenshot: Screenshot
) -> None:
    open_dashboard(page, live_server)
    type_into(page, "#f-vehicle", "Falcon 9")
    type_into(page, "#f-pad", "CC/LC40")
    set_date(page, "2026-03-01")
    type_into(page, "#f-orbit", "LEO")
    type_into(page, "#f-mass", "15000")
    submit_and_wait(page, "#card-failure", "#card-anomaly", "#card-landing", "#card-turnaround")

    launch = {"vehicle": "Falcon 9", "date": "2026-03-01", "site": "CC", "pad": "LC40"}
    extra = {"orbit": "LEO", "payload_mass_kg": 15000}
    failure = api.post("/v1/launch-failure", json={**launch, **extra}).json()
    anomaly = api.post("/v1/launch-anomaly", json={**launch, **extra}).json()
    landing = api.post(
        "/v1/booster-landing",
        json={"date": "2026-03-01", "landing_type": "ASDS", "vehicle": "Falcon 9", **extra},
    ).json()
    turnaround = api.post(
        "/v1/pad-turnaround",
        json={"site": "CC", "pad": "LC40", "date": "2026-03-01", "vehicle": "Falcon 9"},
    ).json()
    served = {m["name"]: m["served"]["version"] for m in api.get("/v1/models").json()["models"]}

    card = by_css(page, "#card-failure")
    assert card.get_attribute("data-state") == "answered"
    assert by_css(card, "[data-field=probability]").text == pct(failure["probability"])
    assert by_css(card, "[data-field=interval]").text == span(failure["interval"])
    assert by_css(card, "[data-field=version]").text == failure["version"]
    assert failure["version"] == served["launch_failure"]
    # 2026 lies after the record: the headline says how stale the record is, not only a chip
    stale = by_css(card, ".figure [data-field=staleness]")
    assert failure["days_past_cutoff"] > 0
    assert stale.get_attribute("data-value") == str(failure["days_past_cutoff"])
    assert f"{failure['days_past_cutoff']:,} days" in stale.text

    # the insurer's outcome: failure or partial failure, from its own model and version
    card = by_css(page, "#card-anomaly")
    assert card.get_attribute("data-state") == "answered"
    assert by_css(card, "[data-field=probability]").text == pct(anomaly["probability"])
    assert by_css(card, "[data-field=interval]").text == span(anomaly["interval"])
    assert by_css(card, "[data-field=version]").text == served["launch_anomaly"]
    assert anomaly["context"]["outcome"] == "failure or partial failure"
    assert "insurers" in card.text

    card = by_css(page, "#card-landing")
    assert card.get_attribute("data-state") == "answered"
    assert by_css(card, "[data-field=probability]").text == pct(landing["probability"])
    assert by_css(card, "[data-field=interval]").text == span(landing["interval"])
    assert by_css(card, "[data-field=version]").text == served["booster_landing"]

    card = by_css(page, "#card-turnaround")
    assert card.get_attribute("data-state") == "answered"
    assert by_css(card, "[data-field=p50-date]").text == turnaround["dates"]["p50"][:10]
    assert by_css(card, "[data-field=p10-date]").text == turnaround["dates"]["p10"][:10]
    assert by_css(card, "[data-field=p90-date]").text == turnaround["dates"]["p90"][:10]
    assert by_css(card, "[data-field=version]").text == served["pad_turnaround"]
    assert severe_console_errors(page) == []
    screenshot(page, "dashboard-what-if", element=by_css(page, "#whatif"))


def test_a_vehicle_without_a_booster_model_says_so(page: WebDriver, live_server: Server) -> None:
    open_dashboard(page, live_server)
    type_into(page, "#f-vehicle", "Electron")
    type_into(page, "#f-pad", "")
    set_date(page, "2026-03-01")
    submit_and_wait(page, "#card-failure", "#card-anomaly", "#card-landing", "#card-turnaround")
    assert by_css(page, "#card-failure").get_attribute("data-state") == "answered"
    assert by_css(page, "#card-anomaly").get_attribute("data-state") == "answered"
    assert "Does not apply" in by_css(page, "#card-landing").text
    assert "Enter a pad" in by_css(page, "#card-turnaround").text


def test_a_bad_input_shows_the_api_error_and_its_suggestions(
    page: WebDriver, live_server: Server, api: Any, screenshot: Screenshot
) -> None:
    open_dashboard(page, live_server)
    type_into(page, "#f-vehicle", "Falcn 9")
    type_into(page, "#f-pad", "")
    set_date(page, "2026-03-01")
    submit_and_wait(page, "#card-failure")
    refused = api.post("/v1/launch-failure", json={"vehicle": "Falcn 9", "date": "2026-03-01"})
    assert refused.status_code == 422
    problem = refused.json()["detail"][0]

    card = by_css(page, "#card-failure")
    assert card.get_attribute("data-state") == "error"
    error = by_css(card, ".error")
    assert error.is_displayed()
    assert "Invalid input (HTTP 422)" in error.text
    assert problem["msg"] in error.text
    buttons = [b.text for b in all_css(error, "button.suggestion")]
    assert buttons == problem["suggestions"][: len(buttons)] and "Falcon 9" in buttons
    screenshot(page, "dashboard-bad-input", element=by_css(page, "#whatif"))

    # A suggestion is one click away from an answer.
    by_css(error, "button.suggestion").click()
    wait_until(
        page,
        lambda d: by_css(d, "#card-failure").get_attribute("data-state") == "answered",
        "the corrected answer",
    )
    assert by_css(page, "#f-vehicle").get_attribute("value") == problem["suggestions"][0]

    # An out-of-range number is named as the API names it, on every card that used it.
    type_into(page, "#f-vehicle", "Falcon 9")
    type_into(page, "#f-mass", "-5")
    submit_and_wait(page, "#card-failure", "#card-anomaly", "#card-landing")
    for card_id in ("#card-failure", "#card-anomaly", "#card-landing"):
        card = by_css(page, card_id)
        assert card.get_attribute("data-state") == "error"
        assert "payload_mass_kg" in card.text and "HTTP 422" in card.text


def test_models_show_backtests_beside_baselines_and_the_served_version(
    page: WebDriver, live_server: Server, api: Any, screenshot: Screenshot
) -> None:
    open_dashboard(page, live_server)
    models = api.get("/v1/models").json()["models"]
    for model in models:
        name = model["name"]
        detail = api.get(f"/v1/models/{name}").json()
        version = next(
            v for v in detail["version_history"] if v["version"] == model["served"]["version"]
        )
        node = by_css(page, f"#model-{name}")
        page.execute_script("arguments[0].scrollIntoView()", node)
        assert by_css(node, "[data-field=served-version]").text == model["served"]["version"]
        wait_until(page, lambda d, n=node: all_css(n, "table.metrics"), f"{name}'s backtest")
        shown = {r.get_attribute("data-scheme") for r in all_css(node, "table.metrics tbody tr")}
        assert shown == set(version["metrics"]), name
        primary = version["primary_metrics"][0]
        headers = [h.text.lower() for h in all_css(node, "table.metrics thead th")]
        cells = all_css(node, "table.metrics tr.is-model td")
        assert (
            cells[headers.index(primary) - 1].text == f"{version['metrics']['model'][primary]:.4f}"
        )
        # The model card's plots, as the API serves them.
        card = api.get(f"/v1/models/{name}/card").text
        expected_plots = card.count("](/v1/models/")
        wait_until(
            page,
            lambda d, n=node, k=expected_plots: (
                len(all_css(n, ".plots img")) == k
                and all(
                    d.execute_script("return arguments[0].naturalWidth", i) > 0
                    for i in all_css(n, ".plots img")
                )
            ),
            f"{name}'s plots",
        )
    screenshot(page, "dashboard-full-page")


def test_a_service_that_is_not_ready_shows_why_instead_of_a_blank_page(
    page: WebDriver, empty_server: Server, screenshot: Screenshot
) -> None:
    open_dashboard(page, empty_server)
    with empty_server.api() as client:
        unavailable = client.get("/v1/vehicles")
    assert unavailable.status_code == 503
    banner = by_css(page, "#banner")
    assert banner.is_displayed()
    assert "not ready (HTTP 503)" in banner.text and "launch_failure" in banner.text
    assert by_css(page, "#status").text == "not ready"
    error = by_css(page, "#vehicles-error")
    assert error.is_displayed() and "HTTP 503" in error.text
    assert unavailable.json()["detail"][0]["msg"] in error.text
    assert all("Not served" in n.text for n in all_css(page, "#models-list .model"))

    type_into(page, "#f-vehicle", "Falcon 9")
    set_date(page, "2026-03-01")
    submit_and_wait(page, "#card-failure", "#card-landing")
    for card_id in ("#card-failure", "#card-landing"):
        card = by_css(page, card_id)
        assert card.get_attribute("data-state") == "error"
        assert "The service is not ready (HTTP 503)" in card.text
    screenshot(page, "dashboard-not-ready")
