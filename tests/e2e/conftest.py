"""Fixtures of the browser tests: real ``tminus serve`` processes and one headless Chromium.

Chromium and its WebDriver come from Debian (``chromium``, ``chromium-driver``; ``make
browser-deps`` installs them). Selenium is given the driver's path, so Selenium Manager never
downloads anything. Without them the tests are skipped with the reason, except when ``CI`` is
set: there a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from tests.live_server import Server, serve
from tests.reporting import report_line

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / ".build" / "screenshots"
WINDOW = (1400, 1000)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    f"--window-size={WINDOW[0]},{WINDOW[1]}",
    "--lang=en-US",
)


def _missing(reason: str) -> None:
    """Fail in CI, skip elsewhere: a missing browser must not pass silently in CI."""
    message = f"{reason}; install them with `make browser-deps` (Debian chromium, chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(f"CI is set and {message}", pytrace=False)
    pytest.skip(message)


@dataclass(frozen=True)
class Browser:
    """Where Debian's Chromium and its WebDriver are."""

    chromium: str
    chromedriver: str


@pytest.fixture(scope="session")
def browser_paths() -> Browser:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if chromium is None or chromedriver is None:
        _missing("chromium and chromedriver are not both on PATH")
    try:
        import selenium  # noqa: F401
    except ImportError:
        _missing("selenium is not installed (it is in the dev extra)")
    assert chromium is not None and chromedriver is not None
    return Browser(chromium=chromium, chromedriver=chromedriver)


@pytest.fixture(scope="session")
def live_server(
    champion_registry: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The service on the champions trained on the mirror (it only reads them)."""
    with serve(champion_registry, tmp_path_factory.mktemp("live")) as server:
        yield server


@pytest.fixture(scope="module")
def api(live_server: Server) -> Iterator[Any]:
    """A client of the live server's JSON API: the answers the page must show."""
    with live_server.api() as client:
        yield client


@pytest.fixture(scope="session")
def empty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The service on an empty registry: alive, never ready (every model answers 503)."""
    workdir = tmp_path_factory.mktemp("empty")
    models = workdir / "models"
    models.mkdir()
    with serve(models, workdir, wait_for="/healthz") as server:
        yield server


@pytest.fixture(scope="session")
def chrome(browser_paths: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """One headless Chromium for the session, on a fresh profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser_paths.chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(browser_paths.chromedriver), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(chrome: WebDriver) -> Iterator[WebDriver]:
    """The session's browser, reset to its window size and with its console log emptied."""
    chrome.set_window_size(*WINDOW)
    chrome.get_log("browser")
    yield chrome


def _save_screenshot(driver: WebDriver, name: str, *, element: Any = None) -> Path:
    """Save a PNG of the page (grown to its full height) or of one element; return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # As wide as the test made the window, and tall enough for the whole element or page.
    size = driver.get_window_size()
    if element is not None:
        height = driver.execute_script(
            "return arguments[0].getBoundingClientRect().height", element
        )
    else:
        height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(size["width"], max(size["height"], min(int(height) + 160, 12_000)))
    if element is not None:
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", element)
        element.screenshot(str(path))
    else:
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(str(path))
    driver.set_window_size(size["width"], size["height"])
    print(f"screenshot: {path}")
    return path


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Any:
    """``screenshot(driver, name, element=None)``: save a PNG under .build/screenshots.

    The paths are listed in a "dashboard screenshots" section at the end of the run.
    """

    def save(driver: WebDriver, name: str, *, element: Any = None) -> Path:
        path = _save_screenshot(driver, name, element=element)
        report_line(request, "dashboard screenshots", str(path))
        return path

    return save
