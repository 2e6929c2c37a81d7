"""Feed lists (`briefing daily --feeds`): OPML and text lists, fetched from 127.0.0.1."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.ingest.feedlist import FeedEntry, read_feed_list
from briefing.render import render
from briefing.schema import Daily
from briefing.testing.fake_openai import FakeOpenAI

from .corpus import SHARED
from .webserver import Route, WebServer

INGEST = SHARED / "ingest"
needs_ingest = pytest.mark.skipif(not INGEST.is_dir(), reason=f"{INGEST} is not available")
SAME_DAY_FEEDS = (
    "nytimes.com_2023-11-24_top-stories.rss.xml",
    "npr.org_2023-11-24_news.rss.xml",
    "japantimes.co.jp_2023-11-24_latest.rss.xml",
)


def opml(feeds: list[tuple[str, str]]) -> str:
    outlines = "".join(f'<outline text="{name}" type="rss" xmlUrl="{url}"/>' for name, url in feeds)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><opml version="2.0"><head><title>Desk</title>'
        f'</head><body><outline text="News">{outlines}</outline></body></opml>'
    )


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_an_opml_list_gives_each_feed_with_its_name_even_in_folders(tmp_path):
    listing = tmp_path / "feeds.opml"
    listing.write_text(
        opml([("Ledger", "https://ledger.example/rss"), ("Herald", "http://h.example/f")])
    )
    assert read_feed_list(listing) == [
        FeedEntry("https://ledger.example/rss", "Ledger"),
        FeedEntry("http://h.example/f", "Herald"),
    ]


def test_a_text_list_gives_one_feed_a_line(tmp_path):
    listing = tmp_path / "feeds.txt"
    listing.write_text("# morning desk\nhttps://ledger.example/rss\n\nhttp://h.example/f\n")
    assert [feed.url for feed in read_feed_list(listing)] == [
        "https://ledger.example/rss",
        "http://h.example/f",
    ]


def test_an_opml_file_without_feeds_is_a_usage_error_saying_so(tmp_path):
    listing = tmp_path / "feeds.opml"
    listing.write_text(opml([]))
    result = run("daily", "--feeds", str(listing))
    assert result.exit_code == 1
    assert "the OPML file lists no http(s) feed" in result.stderr


@needs_ingest
def test_daily_from_an_opml_list_builds_the_day_and_credits_each_feed(tmp_path):
    routes = {
        f"/{name}": Route((INGEST / "feeds" / name).read_bytes(), "application/rss+xml")
        for name in SAME_DAY_FEEDS
    }
    routes["/moved.xml"] = Route(status=404)
    with WebServer(routes) as web:
        names = ["The New York Times", "NPR", "The Japan Times", "Gone"]
        listing = tmp_path / "feeds.opml"
        listing.write_text(opml(list(zip(names, [web.url(path) for path in routes], strict=True))))
        result = run("daily", "--feeds", str(listing), "--format", "json")
    assert result.exit_code == 0, result.output
    day = Daily.model_validate_json(result.stdout)
    assert day.date == "2023-11-24" and len(day.stories) >= 3
    credits = {feed.title: (feed.articles, feed.problem) for feed in day.feeds}
    assert credits == {
        "The New York Times": (25, None),
        "NPR": (15, None),
        "The Japan Times": (credits["The Japan Times"][0], None),
        "Gone": (0, "HTTP 404 Not Found"),
    }
    assert credits["The Japan Times"][0] > 20
    markdown = render(day, "md")
    assert f"- [NPR](<{web.url('/' + SAME_DAY_FEEDS[1])}>): 15 articles" in markdown
    assert "not read (HTTP 404 Not Found)" in render(day, "html")


def _feed(base: str, outlet: str, items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>{base}/{outlet}/{n}</link><description>{text}"
        "</description><pubDate>Tue, 14 May 2024 08:00:00 GMT</pubDate></item>"
        for n, (title, text) in enumerate(items)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{outlet}'
        f"</title><link>{base}/{outlet}</link>{entries}</channel></rss>"
    ).encode()


BRIDGE = (
    "Mayor Ana Ruiz said the Harbour Bridge would reopen on Monday after three weeks of "
    "repairs. The council said the work cost about $2 million, and engineers said the deck "
    "had been strengthened."
)


def test_a_second_daily_run_asks_only_conditionally_and_makes_no_model_call(tmp_path):
    routes: dict[str, Route] = {}
    with WebServer(routes) as web, FakeOpenAI() as model:
        base = web.url("")
        for n, outlet in enumerate(("ledger", "herald")):
            routes[f"/{outlet}.xml"] = Route(
                _feed(base, outlet, [("Harbour Bridge to reopen", BRIDGE)]),
                "application/rss+xml",
                etag=f'"{outlet}-v1"',
                last_modified=f"Tue, 14 May 2024 0{n}:00:00 GMT",
            )
        listing = tmp_path / "feeds.txt"
        listing.write_text("\n".join(web.url(path) for path in routes))
        args = ["daily", "--feeds", str(listing), "--base-url", model.base_url, "--format", "json"]
        first = run(*args)
        calls = len(model.requests)
        second = run(*args)
    assert first.exit_code == 0 and second.exit_code == 0, second.output
    assert calls > 0 and len(model.requests) == calls
    assert Daily.model_validate_json(second.stdout).stats.calls == 0
    for path in routes:
        asked = web.requests_to(path)
        assert [(entry.conditional, entry.status) for entry in asked] == [(False, 200), (True, 304)]
