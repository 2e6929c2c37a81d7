"""A real headless Chromium looking at pages served from 127.0.0.1, for tests and screenshots.

Uses the system's Chromium and chromedriver (Debian `chromium`, `chromium-driver`) through
selenium; nothing is downloaded. `unavailable()` says why it cannot run on this machine.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import shutil
import tempfile
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CHROMIUM_NAMES = ("chromium", "chromium-browser")
CHROMEDRIVER_NAME = "chromedriver"
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)


def _chromium() -> str | None:
    return next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)


def unavailable() -> str | None:
    """Why a headless Chromium cannot be driven here, or None when it can."""
    if importlib.util.find_spec("selenium") is None:
        return "selenium is not installed (pip install -e '.[dev]')"
    if _chromium() is None:
        return "Chromium is not installed (Debian: apt-get install chromium chromium-driver)"
    if shutil.which(CHROMEDRIVER_NAME) is None:
        return "chromedriver is not installed (Debian: apt-get install chromium-driver)"
    return None


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No request log on stderr."""


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` over HTTP on 127.0.0.1 (a free port) while inside; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium(width: int = 1100, height: int = 1400) -> Iterator[Any]:
    """A headless Chromium with a fresh profile, driven by the system chromedriver; it keeps
    the page's console messages for `console_errors`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="briefing-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = _chromium() or CHROMIUM_NAMES[0]
        for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(shutil.which(CHROMEDRIVER_NAME) or CHROMEDRIVER_NAME)
        driver = webdriver.Chrome(service=service, options=options)
        _emulate_screen(driver, width, height)
        try:
            yield driver
        finally:
            driver.quit()


def console_errors(driver: Any) -> list[str]:
    """The page's console errors (including refused resources) since the last call."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def _emulate_screen(driver: Any, width: int, height: int) -> None:
    """Lay the page out for a `width` x `height` screen (a window is at least 500 px wide,
    so a phone's width needs emulating)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def page_screenshot(driver: Any, path: Path, *, height: int | None = None) -> Path:
    """Save a PNG of the page from its top: the whole page, or its first `height` pixels."""
    width, screen, full = driver.execute_script(
        "return [window.innerWidth, window.innerHeight, document.documentElement.scrollHeight]"
    )
    _emulate_screen(driver, width, min(full, height or full))
    driver.execute_script("window.scrollTo(0, 0)")
    path.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(path))
    _emulate_screen(driver, width, screen)
    return path
