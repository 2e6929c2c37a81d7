"""Ingest over the real inputs in ../shared (pages, feeds and API JSON as served; real articles).

Only the inputs are read, never the expected files. Skipped when ../shared is not there (CI).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing.ingest import IngestResult, load

SHARED = Path(__file__).resolve().parents[2] / "shared"
INGEST = SHARED / "ingest"
CORPUS = SHARED / "corpus"
MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|Â[\u0080-\u00bf]|â€|\ufffd")
TRACKING = re.compile(r"[?&](?:utm_|at_|wt_mc|CMP=|xtor)", re.IGNORECASE)
# Reasons ingest gives for real inputs; anything else (e.g. "could not be read") is a bug.
EXPECTED_SKIPS = re.compile(r"^(?:same content as |same story as )")

needs_ingest = pytest.mark.skipif(not INGEST.is_dir(), reason=f"{INGEST} is not available")
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is not available")


def _inputs(kind: str) -> list[Path]:
    return sorted(p for p in (INGEST / kind).iterdir() if ".expected" not in p.name)


@pytest.fixture(scope="module")
def shared_ingest() -> IngestResult:
    return load([path for kind in ("html", "feeds", "json") for path in _inputs(kind)])


@needs_ingest
def test_every_page_feed_item_and_json_item_is_an_article_or_a_specific_skip(shared_ingest):
    for report in shared_ingest.inputs:
        assert report.articles or report.skipped, report.path
        for skipped in report.skipped:
            assert EXPECTED_SKIPS.match(skipped.reason), (skipped.path, skipped.reason)


@needs_ingest
def test_every_html_page_yields_text_title_outlet_url_and_date(shared_ingest):
    pages = [r for r in shared_ingest.inputs if r.path.endswith(".html")]
    assert len(pages) == 12
    for report in pages:
        (article,) = report.articles
        assert article.title and article.outlet and article.url and article.published, article
        assert article.paragraphs >= 5 and article.characters > 1000, article.path


@needs_ingest
def test_no_mojibake_or_replacement_characters_in_any_title_or_text(shared_ingest):
    for article in shared_ingest.articles:
        visible = " ".join([article.source.title or "", article.source.outlet or "", article.text])
        assert not MOJIBAKE.search(visible), (article.id, MOJIBAKE.search(visible))


@needs_ingest
def test_iso_8859_1_and_late_charset_pages_decode_cleanly(shared_ingest):
    texts = {a.source.path: a for a in shared_ingest.articles}
    winfuture = texts["winfuture.de_2023-11-03_nasa-plus-streaming.html"]
    assert "Gebühren" in winfuture.source.title and "Überarbeitung" in winfuture.text
    fox13 = texts["fox13now.com_2013-12-30_new-year-new-laws.html"]  # late meta, cut at "</html"
    assert "Americans will be required to follow new laws in 2014" in fox13.text


@needs_ingest
def test_feed_item_counts_match_the_items_in_each_feed_file(shared_ingest):
    for feed in _inputs("feeds"):
        raw = feed.read_bytes()
        expected = len(re.findall(rb"<item[\s>]", raw)) + len(re.findall(rb"<entry[\s>]", raw))
        report = next(r for r in shared_ingest.inputs if r.path == feed.name)
        assert len(report.articles) + len(report.skipped) == expected, feed.name
        assert all(s.path.startswith(f"{feed.name}#") for s in report.skipped)


@needs_ingest
def test_feed_items_have_title_outlet_url_and_date(shared_ingest):
    for article in shared_ingest.articles:
        if ".rss.xml#" in article.source.path or ".atom.xml#" in article.source.path:
            source = article.source
            assert source.title and source.outlet and source.url and source.published, source


@needs_ingest
def test_guardian_and_json_feed_items_carry_title_url_and_date(shared_ingest):
    json_files = {p.name for p in _inputs("json")}
    json_articles = [a for a in shared_ingest.articles if a.source.path.split("#")[0] in json_files]
    assert len(json_articles) == 25 + 2 + 1
    for article in json_articles:
        assert article.source.title and article.source.url and article.source.published
    quinoa = next(a for a in json_articles if a.source.path.endswith("item-content.json"))
    assert quinoa.source.teaser is False and len(quinoa.paragraphs) > 5


@needs_ingest
def test_tracking_parameters_and_pixels_are_gone(shared_ingest):
    for article in shared_ingest.articles:
        assert not TRACKING.search(article.source.url or ""), article.source.url
        assert "npr-rss-pixel" not in article.text and "feeds.feedburner.com" not in article.text
        assert "Continue reading" not in article.text


@needs_ingest
def test_only_summary_items_are_marked_as_teasers(shared_ingest):
    by_feed: dict[str, list[bool]] = {}
    for article in shared_ingest.articles:
        by_feed.setdefault(article.source.path.split("#")[0], []).append(article.source.teaser)
    summary_feeds = [name for name in by_feed if name.endswith((".rss.xml", ".atom.xml"))]
    for feed in summary_feeds:
        if not feed.startswith("techcrunch"):
            assert all(by_feed[feed]), feed
    assert sum(by_feed["techcrunch.com_2011-11-02_feed.rss.xml"]) < 5  # full posts


@needs_ingest
def test_ids_are_unique_stable_and_free_of_paths(shared_ingest):
    ids = [a.id for a in shared_ingest.articles]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", i) for i in ids)
    again = load([path for kind in ("html", "feeds", "json") for path in _inputs(kind)])
    assert [a.id for a in again.articles] == ids


@needs_corpus
def test_wonsan_corpus_yields_five_articles_with_the_001_date_and_body():
    result = load([CORPUS / "wonsan-2025-07"])
    assert result.skipped == []
    assert [a.id for a in result.articles] == [
        "000-d4e32ca0a1cc28c4",
        "001-268191f0e664f62b",
        "002-5b5295c3499e7fe1",
        "003-95f36704ba18b9c9",
        "004-79f44b6b7335a042",
    ]
    second = result.articles[1]
    assert second.source.path == "wonsan-2025-07/001_268191f0e664f62b.txt"
    assert second.source.published == "2025-07-13"
    assert second.paragraphs[0].startswith("Russian foreign minister Sergey Lavrov on Saturday")
    disclaimer = next(p for p in result.articles[4].paragraphs if p.startswith("MENAFN provides"))
    assert disclaimer.endswith("kindly contact the provider above.")


@needs_corpus
def test_all_corpus_folders_load_with_headers_and_unique_ids():
    folders = sorted(p for p in CORPUS.iterdir() if p.is_dir() and p.name != "PROVENANCE")
    result = load(folders)
    assert result.skipped == []
    assert len({a.id for a in result.articles}) == len(result.articles)
    with_headers = [a for a in result.articles if not a.source.path.startswith("wonsan")]
    assert all(a.source.title and a.source.outlet for a in with_headers)
    nytimes = [a for a in result.articles if a.source.path.endswith("01_nytimes.txt")]
    assert len(nytimes) == 4 and all(
        a.source.url.startswith("https://www.nytimes.com/") for a in nytimes
    )
    assert all("?" not in a.source.url for a in nytimes)


@needs_corpus
def test_the_corpus_readme_and_provenance_are_skipped_as_not_articles():
    result = load([CORPUS])
    assert not any(
        a.source.path.startswith(("corpus/README", "corpus/PROVENANCE")) for a in result.articles
    )
    reasons = {s.path: s.reason for s in result.skipped}
    assert reasons["corpus/README.md"].startswith("not an article (README file)")
    assert reasons["corpus/PROVENANCE"].startswith("not an article (PROVENANCE folder)")
    assert len(result.articles) == sum(len(list(d.glob("*.txt"))) for d in CORPUS.glob("*-*/"))
