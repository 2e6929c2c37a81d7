"""JSON inputs: JSON Feed, Guardian Content API, news-API shapes, JSON Lines, bad JSON."""

from __future__ import annotations

import json
from pathlib import Path

from briefing.ingest import load

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def _load_json(tmp_path: Path, document: object, name: str = "data.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return load([path])


def test_json_feed_items_carry_title_url_date_and_the_feed_authors_name_as_outlet():
    drones, telescope = load([FIXTURES / "jsonfeed.json"]).articles
    assert drones.source.title == "How can delivery drones save lives?"
    assert drones.source.url == (
        "https://www.example.org/2021/10/29/1050315385/delivery-drones-save-lives"
    )
    assert drones.source.published == "2021-10-29"
    assert drones.source.outlet == "Example Public Radio"
    assert drones.paragraphs == [
        "In rural areas, basic health care can be out of reach. A delivery company uses drones "
        "to bring medical supplies within hours."
    ]
    assert drones.source.teaser is True
    assert telescope.paragraphs[1].startswith("A balloon can lift a telescope")


def test_guardian_search_results_become_teasers_with_headline_url_and_date():
    syria, a4e = load([FIXTURES / "guardian_search.json"]).articles
    assert syria.source.title == "Journalists reported killed in Syria –\u00a0live updates"
    assert syria.source.url == (
        "http://www.guardian.co.uk/world/middle-east-live/2012/feb/22/syria-yemen"
    )
    assert syria.source.published == "2012-02-22"
    assert syria.source.outlet == "The Guardian"
    assert syria.paragraphs == [
        "Claim of 500 defectors joining Free Syrian Army",
        "Last day of Mubarak's trial in Egypt",
    ]
    assert syria.source.teaser and a4e.source.teaser
    assert syria.source.path == "guardian_search.json#1"


def test_guardian_single_item_body_html_becomes_paragraphs_without_captions():
    result = load([FIXTURES / "guardian_item.json"])
    article = result.articles[0]
    assert article.id == "guardian-item"
    assert article.source.path == "guardian_item.json"
    assert article.source.title == "Can vegans stomach the unpalatable truth about quinoa?"
    assert article.source.published == "2013-01-16"
    assert len(article.paragraphs) == 4
    assert "Photograph" not in article.text
    assert article.source.teaser is False
    assert result.inputs[0].articles[0].author == "Joanna Blythman"


def test_news_api_shape_with_truncated_content_and_epoch_date():
    pistorius, black_friday = load([FIXTURES / "newsapi.json"]).articles
    assert pistorius.source.outlet == "BBC News"
    assert pistorius.source.url == "https://www.bbc.co.uk/news/world-africa-67512345"
    assert pistorius.paragraphs[0].endswith("He has served half of his 13-year sentence")
    assert pistorius.source.teaser is True
    assert black_friday.source.published == "2023-11-24"
    assert black_friday.source.outlet == "Example Herald"


def test_wordpress_rendered_fields_are_unwrapped_and_entities_decoded():
    result = load([FIXTURES / "wordpress.json"])
    article = result.articles[0]
    assert article.source.title == "A Primavera Feminista – o que vem a seguir"
    assert article.paragraphs == [
        "Milhares de mulheres foram às ruas neste fim de semana.",
        "Os protestos ocorreram em mais de cem cidades do país.",
    ]
    assert result.skipped[0].path == "wordpress.json#2"
    assert result.skipped[0].reason == "top-level array entry 2 is a string, not an article object"


def test_json_lines_bad_line_is_skipped_alone_with_its_line_number():
    result = load([FIXTURES / "articles.jsonl"])
    assert [a.source.title for a in result.articles] == [
        "Spain names De la Fuente as coach",
        "Hydrogen pipeline agreed",
    ]
    assert result.articles[0].source.url == "https://sport.example.com/spain-coach"
    assert result.articles[1].source.published == "2022-12-09"
    assert [(s.path, s.reason) for s in result.skipped] == [
        ("articles.jsonl#2", "line 2: Expecting value")
    ]


def test_unknown_json_shape_is_skipped_with_a_reason_naming_its_keys():
    result = load([FIXTURES / "unknown_shape.json"])
    assert result.articles == []
    assert "keys weather, generated, version" in result.skipped[0].reason


def test_malformed_json_is_skipped_with_the_parsers_position(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"title": "x", "text": }')
    reason = load([path]).skipped[0].reason
    assert reason == "malformed JSON: Expecting value (line 1, column 24)"


def test_array_of_non_objects_is_skipped_with_a_reason(tmp_path):
    result = _load_json(tmp_path, [1, 2, 3])
    assert [s.reason for s in result.skipped] == [
        f"top-level array entry {n} is a number, not an article object" for n in (1, 2, 3)
    ]


def test_nested_collections_and_wrapped_values_of_common_apis_are_found(tmp_path):
    nyt_search = {
        "status": "OK",
        "response": {
            "docs": [
                {
                    "headline": {"main": "Migrant caravan reaches the border"},
                    "web_url": "https://www.nytimes.com/2018/04/29/caravan.html?smid=tw-share",
                    "pub_date": "2018-04-29T12:00:00+0000",
                    "abstract": "Migrants reached Tijuana.",
                    "lead_paragraph": "More than 150 migrants reached the border on Sunday.",
                }
            ]
        },
    }
    article = _load_json(tmp_path, nyt_search).articles[0]
    assert article.source.title == "Migrant caravan reaches the border"
    assert article.source.url == "https://www.nytimes.com/2018/04/29/caravan.html"
    assert article.paragraphs == ["More than 150 migrants reached the border on Sunday."]


def test_elasticsearch_hits_are_unwrapped_from_source(tmp_path):
    hits = {"hits": {"hits": [{"_id": "1", "_source": {"title": "T", "body": "Body text."}}]}}
    article = _load_json(tmp_path, hits).articles[0]
    assert (article.source.title, article.paragraphs) == ("T", ["Body text."])


def test_single_article_object_is_one_article_with_the_file_id(tmp_path):
    story = {"headline": "Pipeline agreed", "url": "https://e.com/h2", "content": "Text."}
    article = _load_json(tmp_path, story, name="story.json").articles[0]
    assert (article.id, article.source.path) == ("story", "story.json")


def test_item_without_title_or_text_is_skipped_with_its_keys(tmp_path):
    result = _load_json(tmp_path, {"articles": [{"title": "Ok", "text": "x"}, {"id": 7}]})
    assert result.skipped[0].reason == "item has neither a title nor any text (keys: id)"


def test_other_apis_with_response_results_are_not_taken_for_the_guardian(tmp_path):
    api = {"response": {"results": [{"title": "X", "url": "https://e.com/x", "text": "Body."}]}}
    article = _load_json(tmp_path, api).articles[0]
    assert (article.source.title, article.source.outlet) == ("X", None)
