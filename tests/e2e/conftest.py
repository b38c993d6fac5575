"""Fixtures for the real-browser tests: one Streamlit server and one Chromium per session.

The server is started exactly as Streamlit's own end-to-end suite starts it, on a free
port, with its output in artifacts/ (the launcher is tests/support/server.py, which bench/
can use too). Chromium is Debian's (/usr/bin/chromium): Playwright cannot download
browsers here. A missing Chromium FAILS the tests (CI installs it; a skip would hide a
broken setup).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import ServerError, StreamlitServer, start_server

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
SERVER_LOG = ARTIFACTS / "e2e-streamlit.log"  # the session's server (app_url)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 1000}
APP_IDLE = (
    "[data-testid=stApp][data-test-connection-state=CONNECTED][data-test-script-state=notRunning]"
)
RERUN_TIMEOUT_MS = 30_000


def start_or_fail(log_path: Path, **options) -> StreamlitServer:
    """tests.support.server.start_server, a failed start failing the test (not erroring
    somewhere inside the launcher)."""
    try:
        return start_server(log_path, **options)
    except ServerError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """Start `streamlit run app.py` on a free port; yield its base URL; stop it."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    SERVER_LOG.write_bytes(b"")
    with start_or_fail(SERVER_LOG) as server:
        yield server.url


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session (sync Playwright API)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the e2e tests need Debian's Chromium "
            "(apt-get install -y chromium); `playwright install` cannot download browsers "
            "here. Failing rather than skipping so a broken CI setup is visible."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh context (own cookies, own Streamlit session) and page per test."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def wait_for_rerun(page, timeout_ms: int = RERUN_TIMEOUT_MS) -> None:
    """Wait out the widget debounce, then until the script has finished and is connected."""
    page.wait_for_timeout(150)
    page.wait_for_selector(APP_IDLE, state="attached", timeout=timeout_ms)


def lesson_pill(page, name: str):
    """A lesson's pill in the row under the charts, by its label in the page's language."""
    return page.locator(".st-key-lesson_tab").get_by_role("radio", name=name, exact=True)


def open_lesson(page, name: str, timeout_ms: int = RERUN_TIMEOUT_MS) -> None:
    """Click a lesson's pill (its label in the page's language)."""
    lesson_pill(page, name).click(timeout=timeout_ms)


def chosen_lesson(page) -> str:
    """The label of the lesson whose pill is chosen."""
    return page.locator(".st-key-lesson_tab [role=radio][aria-checked=true]").first.text_content()
