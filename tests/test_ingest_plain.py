"""Plain text and Markdown ingest: header lines, front matter, paragraphs, verbatim text."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from briefing.ingest import load
from briefing.ingest.plain import split_markdown_paragraphs, split_paragraphs

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def _load_text(tmp_path: Path, text: str, name: str = "story.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = load([path])
    assert not result.skipped, result.skipped
    return result.articles[0]


def test_header_lines_give_title_outlet_url_and_date_and_crlf_is_normalised():
    article = load([FIXTURES / "header_lines_crlf.txt"]).articles[0]
    source = article.source
    assert source.title == "Spain sack Luis Enrique after World Cup exit"
    assert source.outlet == "News24"
    assert source.url == "https://www.news24.com/sport/spain-sack-luis-enrique"
    assert source.published == "2022-12-08"
    assert article.paragraphs[0].startswith("Spain sacked coach Luis Enrique on Thursday")
    assert not any("\r" in p for p in article.paragraphs)


def test_date_header_on_the_same_line_as_body_text_is_split_off(tmp_path):
    article = _load_text(
        tmp_path, " date 2025-07-13 Russian foreign minister Sergey Lavrov warned.\n\nMore.\n"
    )
    assert article.source.published == "2025-07-13"
    assert article.paragraphs == ["Russian foreign minister Sergey Lavrov warned.", "More."]


def test_url_header_followed_by_body_text_on_the_same_line_is_split_off(tmp_path):
    article = _load_text(tmp_path, "url https://example.com/a?utm_source=x Body starts here.\n")
    assert article.source.url == "https://example.com/a"
    assert article.paragraphs == ["Body starts here."]


def test_capitalised_header_word_without_colon_is_prose_not_a_header(tmp_path):
    article = _load_text(tmp_path, "Source close to the talks said nothing was agreed.\n")
    assert article.source.outlet is None
    assert article.paragraphs == ["Source close to the talks said nothing was agreed."]


def test_colon_headers_are_read_in_any_case_and_dates_in_words(tmp_path):
    article = _load_text(tmp_path, "Title: Storm hits coast\nDate: 13 July 2025\n\nWinds rose.\n")
    assert article.source.title == "Storm hits coast"
    assert article.source.published == "2025-07-13"
    assert article.paragraphs == ["Winds rose."]


def test_date_header_that_is_not_a_date_stays_in_the_body(tmp_path):
    article = _load_text(tmp_path, "date night plans were cancelled by the storm.\n")
    assert article.source.published is None
    assert article.paragraphs == ["date night plans were cancelled by the storm."]


def test_paragraph_repeating_the_title_is_dropped(tmp_path):
    article = _load_text(
        tmp_path, "title Caravan reaches border.\n\nCaravan reaches border.\n\nText."
    )
    assert article.paragraphs == ["Text."]


def test_lines_are_paragraphs_unless_hard_wrapped_prose():
    text = (
        "403\nSorry!!\nLegal Disclaimer:\nMENAFN provides the\n"
        "information “as is” without warranty of any kind. We do not accept\n"
        "any responsibility for the accuracy, content, images,\nvideos or licenses.\n"
        "Comments\nNo comment"
    )
    assert split_paragraphs(text) == [
        "403",
        "Sorry!!",
        "Legal Disclaimer:",
        "MENAFN provides the information “as is” without warranty of any kind. We do not "
        "accept any responsibility for the accuracy, content, images, videos or licenses.",
        "Comments",
        "No comment",
    ]


def test_hyphenated_line_break_is_joined_without_a_space():
    assert split_paragraphs("a well-\nknown fact") == ["a well-known fact"]


def test_control_and_zero_width_characters_are_removed_and_the_rest_kept_verbatim(tmp_path):
    raw = "Zero\u200bwidth\u2060 and bell\x07 “quotes” stay\u00a0— verbatim.\u202e\n"
    article = _load_text(tmp_path, raw)
    assert article.paragraphs == ["Zerowidth and bell “quotes” stay\u00a0— verbatim."]


def test_markdown_front_matter_heading_images_and_soft_wraps():
    article = load([FIXTURES / "front_matter.md"]).articles[0]
    assert article.source.title == "Hydrogen pipeline between Spain and France to be ready by 2030"
    assert article.source.outlet == "RFI"
    assert article.source.url == "https://www.rfi.fr/en/europe/20221209-hydrogen-pipeline"
    assert article.source.published == "2022-12-09"
    assert article.paragraphs == [
        "Alicante (Spain) (AFP) – An ambitious underwater pipeline to bring green hydrogen "
        "from the Iberian Peninsula to the rest of Europe will be completed by 2030, the "
        "leaders of France, Spain and Portugal said Friday.",
        "The H2Med project will cost some 2.5 billion euros.",
    ]


def test_markdown_first_heading_becomes_the_title_without_front_matter(tmp_path):
    article = _load_text(tmp_path, "# Big news\n\nSome text\nwrapped.\n\n- a point\n", "n.md")
    assert article.source.title == "Big news"
    assert article.paragraphs == ["Some text wrapped.", "- a point"]


def test_markdown_list_items_and_quotes_start_their_own_paragraphs():
    assert split_markdown_paragraphs("intro\n- one\n- two\n> quoted") == [
        "intro",
        "- one",
        "- two",
        "> quoted",
    ]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_paragraph_splitting_never_loses_or_reorders_visible_characters(text):
    visible = "".join(text.split())
    assert "".join("".join(split_paragraphs(text)).split()) == visible
