"""Hostile article content rendered to HTML and opened in a real headless Chromium: nothing
runs, no dialog opens, no element carries an event handler, no link leaves the page except
to a plain web URL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing import Options, build, daily, render
from briefing.testing.browser import chromium, console_errors, serve, unavailable

from .corpus import EXAMPLE

pytestmark = pytest.mark.skipif(
    unavailable() is not None, reason=f"no headless Chromium here: {unavailable()}"
)

PAYLOADS = [
    "<script>document.title='pwned';alert(1)</script>",
    "<img src=x onerror=\"document.title='pwned';alert(2)\">",
    '"><svg onload=alert(3)>',
    "javascript:alert(4)",
    "</textarea></style><iframe src=javascript:alert(5)>",
]
BODY = (
    "Kim Jong Un met Sergei Lavrov in Wonsan on Saturday, state media said. "
    "Lavrov said Russia supported Pyongyang “unconditionally”, the ministry said."
)


def _hostile_inputs(folder: Path) -> None:
    """Articles carrying script payloads in every field ingest reads."""
    joined = " ".join(PAYLOADS)
    (folder / "plain.txt").write_text(
        f"title {PAYLOADS[0]} Lavrov in Wonsan\noutlet {PAYLOADS[1]}\nurl javascript:alert(6)\n"
        f"date 2025-07-12\n\n{BODY}\n\n{joined} Lavrov said this was {PAYLOADS[2]} true.\n",
        encoding="utf-8",
    )
    (folder / "page.html").write_text(
        f"<html><head><title>{PAYLOADS[1]}</title>"
        f'<meta property="og:site_name" content="&lt;script&gt;alert(7)&lt;/script&gt;">'
        f"</head><body><article><h1>Kim meets Lavrov</h1><p>{BODY}</p>"
        f"<p>Analysts said {PAYLOADS[4]} the talks mattered.</p>"
        f"<script>alert(8)</script></article></body></html>",
        encoding="utf-8",
    )
    items = [
        {
            "title": PAYLOADS[3],
            "url": "javascript:alert(9)",
            "date": "2025-07-12",
            "text": f"{BODY} {PAYLOADS[0]}",
            "source": PAYLOADS[2],
        },
    ]
    (folder / "items.json").write_text(json.dumps(items), encoding="utf-8")


def _assert_inert(driver) -> None:
    assert driver.execute_script("return document.title") != "pwned"
    assert driver.execute_script("return document.scripts.length") == 0
    assert driver.execute_script("return document.querySelectorAll('iframe, svg, img').length") == 0
    handlers = driver.execute_script(
        "return [...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
        ".map(a => a.name).filter(n => n.startsWith('on'))"
    )
    assert handlers == []
    hrefs = driver.execute_script("return [...document.links].map(a => a.getAttribute('href'))")
    assert all(href.startswith(("#", "http://", "https://")) for href in hrefs)
    shown = [
        link for link in driver.find_elements("css selector", "a[href^='#']") if link.is_displayed()
    ]
    for link in shown[:30]:  # links inside a closed <details> cannot be clicked
        link.click()
    assert driver.execute_script("return document.title") != "pwned"
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 - raises when no dialog is open
    assert console_errors(driver) == []


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    inputs = tmp_path_factory.mktemp("inputs")
    _hostile_inputs(inputs)
    site = tmp_path_factory.mktemp("site")
    options = Options(engine="offline")
    briefing = build([inputs], options)
    assert len(briefing.sources) == 3
    (site / "briefing.html").write_text(render(briefing, "html"), encoding="utf-8")
    (site / "daily.html").write_text(render(daily([inputs], options), "html"), encoding="utf-8")
    return site


@pytest.mark.parametrize("page", ["briefing.html", "daily.html"])
def test_hostile_articles_render_inert_in_a_real_browser(site, page):
    with serve(site) as base, chromium() as driver:
        driver.get(f"{base}/{page}")
        text = driver.find_element("tag name", "body").text
        assert "<script>" in text  # shown as text, not run
        _assert_inert(driver)


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory) -> Path:
    """The seed story's briefing as HTML, in the brief layout."""
    site = tmp_path_factory.mktemp("seed")
    briefing = build([EXAMPLE], Options(engine="offline"))
    (site / "briefing.html").write_text(render(briefing, "html"), encoding="utf-8")
    return site


def test_the_key_section_comes_first_and_the_appendix_is_collapsed(seed_site):
    with serve(seed_site) as base, chromium(1280, 900) as driver:
        driver.get(f"{base}/briefing.html")
        first_bullet, key_bottom, appendix_top, appendix_open, screen = driver.execute_script(
            "const key = document.querySelector('.key').getBoundingClientRect();"
            "const appendix = document.querySelector('details.appendix');"
            "return [document.querySelector('.summary li').getBoundingClientRect().top,"
            "  key.bottom, appendix.getBoundingClientRect().top, appendix.open,"
            "  window.innerHeight]"
        )
        assert first_bullet < screen  # the summary is on the first screen
        assert key_bottom <= appendix_top and not appendix_open
        collapsed = driver.execute_script("return document.documentElement.scrollHeight")
        driver.execute_script("document.querySelector('details.appendix').open = true")
        opened = driver.execute_script("return document.documentElement.scrollHeight")
        assert opened > collapsed  # the appendix really holds the rest
        assert console_errors(driver) == []


def test_the_briefing_fits_a_phone_with_the_appendix_open(seed_site):
    with serve(seed_site) as base, chromium(390, 844) as phone:
        phone.get(f"{base}/briefing.html")
        phone.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
        overflow = phone.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 1
