"""The daily HTML page in a real headless Chromium, served from 127.0.0.1.

The page must load without console errors (its Content-Security-Policy refuses scripts and
outside resources, so anything like that would show up here), every contents link must
bring its section into view, and it must fit a phone's width. Screenshots go to the test's
temporary folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.config import Options
from briefing.daily import daily
from briefing.render import render
from briefing.testing.browser import (
    chromium,
    console_errors,
    page_screenshot,
    serve,
    unavailable,
)

REPO = Path(__file__).resolve().parent.parent
PHONE = (390, 844)

pytestmark = pytest.mark.skipif(
    unavailable() is not None, reason=f"no headless Chromium here: {unavailable()}"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The daily page of the examples (three stories), written to a folder to serve."""
    examples = sorted(path for path in (REPO / "examples").iterdir() if path.is_dir())
    folder = tmp_path_factory.mktemp("site")
    day = daily(examples, Options(engine="offline"))
    (folder / "daily.html").write_text(render(day, "html"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def page(site):
    with serve(site) as base, chromium() as driver:
        driver.get(f"{base}/daily.html")
        yield driver


def in_view(driver, element_id: str) -> bool:
    return driver.execute_script(
        "const box = document.getElementById(arguments[0]).getBoundingClientRect();"
        "return box.top >= -1 && box.top < window.innerHeight;",
        element_id,
    )


def test_the_page_loads_without_console_errors(page):
    assert page.title.startswith("Daily briefing")
    assert page.find_element("css selector", "h1").text.startswith("Daily briefing")
    assert console_errors(page) == []


def test_every_contents_link_brings_its_section_into_view(page):
    from selenium.webdriver.common.by import By

    links = page.find_elements(By.CSS_SELECTOR, "nav.toc a")
    targets = [link.get_attribute("href").split("#", 1)[1] for link in links]
    assert {"story-1", "story-2", "story-3", "stats"} <= set(targets)
    for target in targets:
        page.execute_script("window.scrollTo(0, 0)")
        page.find_element(By.CSS_SELECTOR, f'nav.toc a[href="#{target}"]').click()
        assert page.current_url.endswith(f"#{target}")
        assert in_view(page, target), f"#{target} is not scrolled into view"
    assert console_errors(page) == []


def test_coverage_ticks_link_to_their_sources(page):
    from selenium.webdriver.common.by import By

    page.execute_script("window.scrollTo(0, 0)")
    tick = page.find_element(By.CSS_SELECTOR, "#story-1 table.coverage a.yes")
    target = tick.get_attribute("href").split("#", 1)[1]
    page.execute_script("arguments[0].scrollIntoView()", tick)
    tick.click()
    assert target.startswith("s1-src-")
    assert in_view(page, target)


def test_the_page_fits_a_phone_and_screenshots_are_made(site, tmp_path):
    with serve(site) as base, chromium(*PHONE) as phone:
        phone.get(f"{base}/daily.html")
        overflow = phone.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 1, f"the page is {overflow}px wider than a phone"
        small = page_screenshot(phone, tmp_path / "daily-phone.png", height=2400)
        assert console_errors(phone) == []
    with serve(site) as base, chromium() as desktop:
        desktop.get(f"{base}/daily.html")
        large = page_screenshot(desktop, tmp_path / "daily.png")
    for shot in (small, large):
        assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000
