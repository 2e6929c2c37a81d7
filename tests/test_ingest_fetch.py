"""URL inputs: pages and feeds fetched from a local server on 127.0.0.1, read like files."""

from __future__ import annotations

import asyncio
import gzip
import json

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.ingest import FetchOptions, load, read_url_list
from briefing.ingest.fetch import _Hosts
from briefing.render import render
from briefing.schema import Briefing
from briefing.testing.fake_openai import FakeOpenAI

from .corpus import SHARED
from .webserver import Route, WebServer

INGEST = SHARED / "ingest"
needs_ingest = pytest.mark.skipif(not INGEST.is_dir(), reason=f"{INGEST} is not available")
PLAGUE_PAGES = (
    "nypost.com_2019-11-18_bubonic-plague-hunter-rabbit.html",
    "thesun.co.uk_2019-11-18_bubonic-plague-hunter-rabbit.html",
    "express.co.uk_2019-11-19_bubonic-plague-china.html.gz",
)
STORY = (
    "<html><head><title>{title}</title><meta property='og:site_name' content='{outlet}'>"
    "</head><body><article><h1>{title}</h1><p>{body}</p><p>The mayor said the bridge would "
    "reopen on Monday after three weeks of repairs costing about $2 million.</p>"
    "</article></body></html>"
)


def page(title: str, outlet: str = "Ledger", body: str = "Repairs went on all night.") -> bytes:
    return STORY.format(title=title, outlet=outlet, body=body).encode()


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def _plague_routes() -> dict[str, Route]:
    routes = {}
    for name in PLAGUE_PAGES:
        data = (INGEST / "html" / name).read_bytes()
        headers = {"Content-Encoding": "gzip"} if name.endswith(".gz") else {}
        routes[f"/{name.removesuffix('.gz')}"] = Route(data, "text/html", headers=headers)
    return routes


@needs_ingest
def test_build_of_three_page_urls_names_each_outlet_and_links_each_page():
    with WebServer(_plague_routes()) as web:
        urls = [web.url(f"/{name.removesuffix('.gz')}") for name in PLAGUE_PAGES]
        result = run("build", *urls, "--format", "json")
    assert result.exit_code == 0, result.output
    briefing = Briefing.model_validate_json(result.stdout)
    assert len(briefing.sources) == 3 and briefing.skipped == []
    assert all(source.outlet and source.url and source.title for source in briefing.sources)
    assert {source.path for source in briefing.sources} == set(urls)
    markdown = render(briefing, "md")
    for source in briefing.sources:
        assert f"**{source.outlet} #" in markdown and f"](<{source.url}>)" in markdown


def test_failed_urls_are_skipped_with_their_reason_and_the_rest_is_briefed(tmp_path):
    routes = {
        "/good": Route(page("Bridge to reopen")),
        "/gone": Route(b"<h1>Not here</h1>", status=404),
        "/broken": Route(b"<h1>Oops</h1>", status=500),
        "/slow": Route(hold=True),
        "/loop-a": Route(status=302, headers={"Location": "/loop-b"}),
        "/loop-b": Route(status=302, headers={"Location": "/loop-a"}),
        "/picture": Route(b"\x89PNG\r\n\x1a\n", "image/png"),
    }
    with WebServer(routes) as web:
        urls = [web.url(path) for path in routes if path != "/loop-b"]
        # Long enough for every answering route on a loaded machine: only /slow times out.
        result = run("build", *urls, "--fetch-timeout", "3", "--format", "json")
    assert result.exit_code == 0, result.output
    briefing = Briefing.model_validate_json(result.stdout)
    assert [source.path for source in briefing.sources] == [web.url("/good")]
    reasons = {item.path.rsplit("/", 1)[1]: item.reason for item in briefing.skipped}
    assert reasons == {
        "gone": "HTTP 404 Not Found",
        "broken": "HTTP 500 Internal Server Error",
        "slow": "timed out after 3 s",
        "loop-a": "too many redirects (more than 5)",
        "picture": "not HTML, a feed or text (Content-Type image/png)",
    }
    assert "skipped 5 input(s):" in result.stderr


def test_a_charset_header_that_lies_does_not_garble_the_text():
    text = "Café owners said the “new rules” would cost €2 million."
    routes = {
        "/cp1252": Route(
            f"<meta charset='windows-1252'><p>{text}</p>".encode("cp1252"),
            "text/html; charset=utf-8",
        ),
        "/utf8": Route(f"<p>{text}</p>".encode(), "text/html; charset=iso-8859-1"),
        "/latin1": Route(
            "<p>Der Bürgermeister sagte, die Brücke öffne am Montag.</p>".encode("latin-1"),
            "text/html; charset=iso-8859-1",
        ),
    }
    with WebServer(routes) as web:
        result = load([web.url(path) for path in routes])
    texts = [article.text for article in result.articles]
    assert texts == [text, text, "Der Bürgermeister sagte, die Brücke öffne am Montag."]


def test_a_second_run_asks_only_conditionally_and_makes_no_model_call(tmp_path):
    routes = {
        "/etag": Route(page("Bridge to reopen"), etag='"v1"'),
        "/dated": Route(
            page("Council approves repairs", "Herald", "The vote was close."),
            last_modified="Mon, 13 May 2024 08:00:00 GMT",
        ),
    }
    with WebServer(routes) as web, FakeOpenAI() as model:
        urls = [web.url(path) for path in routes]
        args = ["build", *urls, "--base-url", model.base_url, "--format", "json"]
        first = run(*args)
        calls_after_first = len(model.requests)
        second = run(*args)
    assert first.exit_code == 0 and second.exit_code == 0, second.output
    assert calls_after_first > 0 and len(model.requests) == calls_after_first
    for path in routes:
        asked = web.requests_to(path)
        assert [(entry.conditional, entry.status) for entry in asked] == [(False, 200), (True, 304)]
    again = Briefing.model_validate_json(second.stdout)
    assert [s.title for s in again.sources] == ["Bridge to reopen", "Council approves repairs"]
    assert all("(HTTP 304); the cached copy was used" in s.notes[0] for s in again.sources)
    assert again.stats.calls == 0


def test_no_cache_fetches_everything_again_without_validators():
    routes = {"/etag": Route(page("Bridge to reopen"), etag='"v1"')}
    with WebServer(routes) as web:
        for _ in range(2):
            assert run("inspect", web.url("/etag"), "--no-cache").exit_code == 0
    assert [entry.conditional for entry in web.requests_to("/etag")] == [False, False]


def test_requests_say_who_is_asking_and_a_redirect_lands_on_its_target():
    routes = {
        "/old": Route(status=301, headers={"Location": "/new"}),
        "/new": Route(page("Bridge to reopen")),
    }
    with WebServer(routes) as web:
        result = load([web.url("/old")])
    source = result.articles[0].source
    assert source.url == web.url("/new")
    assert f"redirected to {web.url('/new')}" in source.notes
    assert all(entry.user_agent.startswith("briefing/") for entry in web.log)


def test_a_body_over_the_size_cap_is_cut_and_the_cut_noted():
    routes = {"/long": Route(page("Long read", body="Word " * 4000))}
    with WebServer(routes) as web:
        result = load([web.url("/long")], max_file_bytes=5000)
    assert "read only the first 5,000 bytes (max_file_bytes)" in result.articles[0].source.notes


def test_a_gzip_body_without_content_encoding_is_unpacked_like_a_gz_file():
    routes = {"/story.html.gz": Route(gzip.compress(page("Packed story")), "application/gzip")}
    with WebServer(routes) as web:
        result = load([web.url("/story.html.gz")])
    assert result.articles[0].source.title == "Packed story"


def _feed(base: str, items: list[tuple[str, str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><description>{text}"
        f"</description><pubDate>Tue, 14 May 2024 08:00:00 GMT</pubDate></item>"
        for title, path, text in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Ledger</title>'
        f"<link>{base}/</link>{entries}</channel></rss>"
    ).encode()


def test_a_feed_url_yields_its_items_and_follow_fetches_each_teasers_page():
    routes: dict[str, Route] = {
        "/a": Route(page("Bridge to reopen", body="The full story of the bridge. " * 20)),
        "/b": Route(status=404),
    }
    with WebServer(routes) as web:
        base = web.url("")
        routes["/feed.xml"] = Route(
            _feed(base, [("Bridge to reopen", "/a", "Short."), ("Gone", "/b", "Brief.")]),
            "application/rss+xml",
        )
        plain = load([web.url("/feed.xml")])
        followed = load([web.url("/feed.xml")], fetch=FetchOptions(follow=True))
    assert [a.source.path for a in plain.articles] == [
        f"{web.url('/feed.xml')}#1",
        f"{web.url('/feed.xml')}#2",
    ]
    assert all(a.source.teaser for a in plain.articles)
    bridge, gone = followed.articles
    assert not bridge.source.teaser and "The full story of the bridge." in bridge.text
    assert bridge.source.published == "2024-05-14"
    assert gone.source.teaser
    assert "--follow: its page could not be read (HTTP 404 Not Found)" in gone.source.notes


def test_urls_file_lists_one_url_a_line_with_comments(tmp_path):
    listing = tmp_path / "tabs.txt"
    with WebServer({"/a": Route(page("Bridge to reopen"))}) as web:
        listing.write_text(f"# my tabs\n\n{web.url('/a')}  # the bridge\n")
        assert read_url_list(listing) == [web.url("/a")]
        result = run("inspect", "--urls", str(listing), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["articles"][0]["title"] == "Bridge to reopen"


def test_a_urls_file_with_a_line_that_is_not_a_url_is_a_usage_error(tmp_path):
    listing = tmp_path / "tabs.txt"
    listing.write_text("https://example.com/a\nnot a url\n")
    result = run("build", "--urls", str(listing))
    assert result.exit_code == 1
    assert "line 2: 'not a url' is not an http(s) URL" in result.stderr


def test_a_host_gets_at_most_its_share_of_requests_at_once():
    async def scenario() -> list[str]:
        hosts = _Hosts(per_host=2, delay=0)
        events: list[str] = []
        release = asyncio.Event()

        async def ask(name: str, host: str) -> None:
            async with hosts.turn(host):
                events.append(f"start {name}")
                await release.wait()

        tasks = [
            asyncio.create_task(ask(name, host))
            for name, host in (("a1", "a"), ("a2", "a"), ("a3", "a"), ("b1", "b"))
        ]
        while len(events) < 3:
            await asyncio.sleep(0)
        for _ in range(10):
            await asyncio.sleep(0)  # give a3 every chance to start too early
        started = list(events)
        release.set()
        await asyncio.gather(*tasks)
        return started

    assert sorted(asyncio.run(scenario())) == ["start a1", "start a2", "start b1"]
