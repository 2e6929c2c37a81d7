"""RSS and Atom feeds: one article per item, lenient parsing, links, dates, teasers."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.ingest import load
from briefing.ingest.feeds import outlet_from_title

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def test_latin1_feed_without_xml_declaration_parses_with_portuguese_dates():
    result = load([FIXTURES / "latin1_no_declaration.rss"])
    first, second = result.articles
    assert first.source.title == "Eleição: candidatos disputam o 2º turno em São Paulo"
    assert first.source.outlet == "Notícias do Dia"
    assert first.source.published == "2018-09-24"
    assert second.source.published == "2018-09-25"
    assert first.source.url == (
        "https://noticias.example.com.br/politica/2018/09/24/eleicao-segundo-turno.htm"
    )
    assert first.paragraphs == [
        "Os candidatos à prefeitura de São Paulo disputam o segundo turno, segundo a pesquisa "
        "divulgada nesta segunda-feira."
    ]
    assert any("windows-1252" in note for note in first.source.notes)


def test_feed_with_a_blank_line_before_its_declaration_is_read_and_the_problem_noted():
    article = load([FIXTURES / "blank_line_before_declaration.rss.xml"]).articles[0]
    assert article.source.title == "Startup Launches Ad Platform For Publishers"
    assert any("not well-formed" in note for note in article.source.notes)


def test_feedburner_redirect_gives_way_to_the_original_link_and_pixels_and_flares_go():
    article = load([FIXTURES / "blank_line_before_declaration.rss.xml"]).articles[0]
    assert article.source.url == (
        "http://gadgetdaily.example.com/2011/11/02/startup-launches-ad-platform/"
    )
    assert len(article.paragraphs) == 6
    assert "feedburner" not in article.text and "~r" not in article.text
    assert article.source.teaser is False  # the full content:encoded text is there


def test_continue_reading_and_related_links_are_removed_and_the_item_is_a_teaser():
    truce = load([FIXTURES / "teasers.atom"]).articles[0]
    assert truce.paragraphs == [
        "The first group of hostages crossed into Egypt on Friday as a four-day truce took hold."
    ]
    assert truce.source.teaser is True
    assert (
        truce.source.url == "https://www.exampleworld.com/news/2023/11/24/truce-hostages-released"
    )


def test_item_date_is_the_publishers_calendar_date_not_utc():
    truce = load([FIXTURES / "teasers.atom"]).articles[0]
    assert truce.source.published == "2023-11-25"  # 02:06 +09:00 is still the 24th in UTC


def test_item_without_text_keeps_its_title_as_text_and_is_marked_teaser():
    riot = load([FIXTURES / "teasers.atom"]).articles[1]
    assert riot.paragraphs == ["Dublin riot after knife attack near school"]
    assert riot.source.teaser is True
    assert riot.source.outlet == "Example World"
    assert riot.source.url == "https://www.exampleworld.com/news/2023/11/24/dublin-riot"


def test_feed_items_have_container_ids_and_paths():
    result = load([FIXTURES / "teasers.atom"])
    assert [a.id for a in result.articles] == [
        "teasers-truce-hostages-released",
        "teasers-dublin-riot",
    ]
    assert [a.source.path for a in result.articles] == ["teasers.atom#1", "teasers.atom#2"]


def test_feed_without_items_is_skipped_with_its_title_in_the_reason():
    result = load([FIXTURES / "empty_channel.rss"])
    assert result.articles == []
    assert result.skipped[0].reason == "feed 'Quiet Gazette' has no items"


def test_xml_that_is_not_a_feed_is_skipped_with_a_reason(tmp_path):
    path = tmp_path / "settings.xml"
    path.write_text('<?xml version="1.0"?><config><option name="a">1</option></config>')
    result = load([path])
    assert result.articles == []
    assert result.skipped[0].reason.startswith("not an RSS or Atom feed")


@pytest.mark.parametrize(
    ("title", "link", "outlet"),
    [
        ("BBC News - News front page", "https://www.bbc.co.uk/news/", "BBC News"),
        ("Latest articles - The Japan Times", "https://www.japantimes.co.jp/", "The Japan Times"),
        ("News : NPR", "https://www.npr.org/templates/story/story.php?storyId=1001", "NPR"),
        ("NYT > Top Stories", "https://www.nytimes.com", "NYT"),
        ("The Guardian", "https://www.theguardian.com/us", "The Guardian"),
        ("heise developer neueste Meldungen", "http://www.heise.de/developer/", None),
    ],
)
def test_outlet_is_the_part_of_the_feed_title_that_names_the_site(title, link, outlet):
    assert outlet_from_title(title, link) == (outlet or title)
