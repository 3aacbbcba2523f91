"""How the browser tests read and drive the dashboard: selectors, waits, typing, and the
page's number formats (to compare what it shows with the API's answers)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement
    from tests.live_server import Server

WAIT_S = 30.0
Screenshot = Callable[..., Path]


def pct(p: float) -> str:
    """A probability as the page prints it."""
    return f"{p * 100:.2f}%"


def span(interval: list[float]) -> str:
    """A 90% interval as the page prints it."""
    return f"{pct(interval[0])} – {pct(interval[1])}"


def by_css(root: WebDriver | WebElement, selector: str) -> WebElement:
    from selenium.webdriver.common.by import By

    return root.find_element(By.CSS_SELECTOR, selector)


def all_css(root: WebDriver | WebElement, selector: str) -> list[WebElement]:
    from selenium.webdriver.common.by import By

    return root.find_elements(By.CSS_SELECTOR, selector)


def wait_until(driver: WebDriver, condition: Callable[[WebDriver], Any], what: str) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_S).until(condition, message=f"timed out waiting for {what}")


def open_dashboard(driver: WebDriver, server: Server) -> None:
    """Load ``/`` and wait until the page has asked the API for everything it shows."""
    driver.get(f"{server.url}/")
    wait_until(
        driver,
        lambda d: by_css(d, "body").get_attribute("data-loaded") == "true",
        "the dashboard to load",
    )


def severe_console_errors(driver: WebDriver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def type_into(driver: WebDriver, selector: str, text: str) -> None:
    """Type into a field; Escape closes a datalist's suggestions so they hide nothing."""
    from selenium.webdriver.common.keys import Keys

    field = by_css(driver, selector)
    field.clear()
    field.send_keys(text, Keys.ESCAPE)


def set_date(driver: WebDriver, value: str, field: str = "#f-date") -> None:
    """Set a date input (YYYY-MM-DD) as a date picker would: typing depends on the locale."""
    driver.execute_script(
        "const f = document.querySelector(arguments[1]); f.value = arguments[0];"
        "f.dispatchEvent(new Event('input', {bubbles: true}));",
        value,
        field,
    )
