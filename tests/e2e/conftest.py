"""Fixtures for the real-browser tests: one Streamlit server and one Chromium per session.

The server is started exactly as Streamlit's own end-to-end suite starts it, on a free
port, with its output in artifacts/. Chromium is Debian's (/usr/bin/chromium): Playwright
cannot download browsers here. A missing Chromium FAILS the tests (CI installs it; a skip
would hide a broken setup).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 60.0  # seconds until /_stcore/health answers "ok"
VIEWPORT = {"width": 1440, "height": 1000}
APP_IDLE = (
    "[data-testid=stApp][data-test-connection-state=CONNECTED][data-test-script-state=notRunning]"
)
RERUN_TIMEOUT_MS = 30_000


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and response.read().decode().strip() == "ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _stop(process: subprocess.Popen) -> None:
    """Stop only the server this fixture started, by its PID."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _start_server(port: int, log_path: Path) -> subprocess.Popen | None:
    """Start the server; None if it lost the port to another process (try another)."""
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with open(log_path, "ab") as log:
        log.write(f"--- {' '.join(command)}\n".encode())
        log.flush()
        start = log.tell()  # this attempt's output begins here
        process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    health = f"http://127.0.0.1:{port}/_stcore/health"
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log_path.read_bytes()[start:].decode(errors="replace")
            if f"Port {port} is not available" in output:
                return None
            pytest.fail(
                f"streamlit exited with code {process.returncode} before it was healthy; "
                f"see {log_path}:\n{output[-3000:]}"
            )
        # Only our own server counts: until it says it listens, a health answer on this
        # port may come from somebody else's server (ours then exits: port taken).
        output = log_path.read_bytes()[start:].decode(errors="replace")
        if f"127.0.0.1:{port}" in output and _healthy(health):
            return process
        time.sleep(0.25)
    _stop(process)
    pytest.fail(f"streamlit not healthy after {SERVER_START_TIMEOUT:.0f} s; see {log_path}")


def start_on_a_free_port(log_path: Path) -> tuple[subprocess.Popen, int]:
    """Start the server on a free port, trying another if one is taken meanwhile."""
    for _attempt in range(3):
        port = _free_port()
        process = _start_server(port, log_path)
        if process is not None:
            return process, port
    pytest.fail(f"no free port for streamlit after 3 attempts; see {log_path}")


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """Start `streamlit run app.py` on a free port; yield its base URL; stop it."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / "e2e-streamlit.log"
    log_path.write_bytes(b"")
    process, port = start_on_a_free_port(log_path)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(process)


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
