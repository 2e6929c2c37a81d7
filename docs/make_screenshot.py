"""Make docs/daily.png, the README's picture of the daily page, in a headless Chromium.

    .venv/bin/python docs/make_screenshot.py

The page is the one `make demo` writes: every story of ../shared/corpus mixed (examples/
when that is absent), briefed by the offline engine.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from briefing.config import Options
from briefing.daily import daily
from briefing.render import render
from briefing.testing.browser import chromium, page_screenshot, serve, unavailable
from briefing.testing.clustering import story_folders

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
WIDTH, HEIGHT = 1000, 1500


def main() -> int:
    """Render the demo daily page and save the top of it as docs/daily.png."""
    if reason := unavailable():
        print(f"cannot take the screenshot: {reason}", file=sys.stderr)
        return 1
    stories = story_folders(CORPUS) if CORPUS.is_dir() else story_folders(REPO / "examples")
    page = render(daily(stories, Options(engine="offline")), "html")
    with tempfile.TemporaryDirectory() as site:
        (Path(site) / "daily.html").write_text(page, encoding="utf-8")
        with serve(Path(site)) as base, chromium(WIDTH, HEIGHT) as driver:
            driver.get(f"{base}/daily.html")
            shot = page_screenshot(driver, REPO / "docs" / "daily.png", height=HEIGHT)
    print(f"wrote {shot.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
