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
CORPUS = REPO.parent / "shared" / "corpus"
CORPUS_STORIES = (
    sorted(p for p in CORPUS.iterdir() if p.is_dir() and p.name != "PROVENANCE")
    if CORPUS.is_dir()
    else []
)

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
    page.find_element(By.CSS_SELECTOR, "#story-1 details.coverage-box > summary").click()
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


def test_the_day_in_brief_links_each_bullet_to_its_story(page):
    from selenium.webdriver.common.by import By

    links = page.find_elements(By.CSS_SELECTOR, "#day-in-brief a.to-story")
    assert len(links) == len(page.find_elements(By.CSS_SELECTOR, "#day-in-brief li"))
    page.execute_script("window.scrollTo(0, 0)")
    target = links[-1].get_attribute("href").split("#", 1)[1]
    links[-1].click()
    assert in_view(page, target)


def test_each_story_shows_its_key_section_with_the_rest_collapsed(page):
    page.get(page.current_url.split("#", 1)[0])  # as first loaded: nothing opened yet
    stories = page.execute_script(
        "return [...document.querySelectorAll('article.story')].map(s => ["
        "  s.querySelector('.key') !== null,"
        "  [...s.querySelectorAll('details')].every(d => !d.open),"
        "  s.querySelectorAll('details').length])"
    )
    assert stories and all(key and closed and count >= 1 for key, closed, count in stories)


def _overflow(driver) -> int:
    """How far the page is wider than the screen with every <details> opened."""
    driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    return driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")


def test_nothing_overflows_a_phone_even_with_every_section_opened(site):
    with serve(site) as base, chromium(*PHONE) as phone:
        phone.get(f"{base}/daily.html")
        assert _overflow(phone) <= 1
        boxes = phone.execute_script(
            "return [...document.querySelectorAll('.scroll')].map(b => b.clientWidth)"
        )
        assert boxes and max(boxes) <= PHONE[0]


def _height(folder: Path, name: str) -> int:
    with serve(folder) as base, chromium(1280, 900) as desktop:
        desktop.get(f"{base}/{name}")
        return desktop.execute_script("return document.documentElement.scrollHeight")


@pytest.mark.skipif(not CORPUS_STORIES, reason="no sample corpus in ../shared/corpus")
def test_the_mixed_corpus_daily_page_is_three_times_shorter_than_the_full_one(tmp_path):
    day = daily(CORPUS_STORIES, Options(engine="offline"))
    (tmp_path / "brief.html").write_text(render(day, "html"), encoding="utf-8")
    (tmp_path / "full.html").write_text(render(day, "html", detail="full"), encoding="utf-8")
    assert _height(tmp_path, "full.html") >= 3 * _height(tmp_path, "brief.html")
