import pytest

from briefing.clean import (
    MAX_PARAGRAPH_CHARS,
    clean,
    clean_paragraphs,
    is_furniture,
    why_dropped,
)
from briefing.schema import Article, Source

STORY = "Lavrov said Moscow and Pyongyang's cooperation contributes to stability on the peninsula."


def test_error_page_lines_are_dropped_in_any_wording():
    paragraphs = [
        "403",
        "Sorry!!",
        "Error! We're sorry, but the page you were looking for doesn't exist.",
        "404 Not Found",
        "Oops, something went wrong.",
        "Access denied",
        STORY,
    ]
    assert clean_paragraphs(paragraphs) == [STORY]


@pytest.mark.parametrize(
    "furniture",
    [
        "Access denied",
        "ACCESS DENIED — please enable JavaScript",
        "Sorry, acceſs denied.",  # re.IGNORECASE reads "ſ" as "s"; str.lower() does not
        "javascrıpt is disabled",
        "This article is provided as is, without warranty; all rights reserved.",
        "Thiſ article is provided as is, without warranty; all rights reserved.",
    ],
)
def test_the_cheap_tests_before_the_patterns_never_hide_a_match(furniture):
    assert is_furniture(furniture)


def test_legal_disclaimer_with_label_and_body_is_dropped():
    paragraphs = [
        STORY,
        "Legal Disclaimer:",
        "The publisher provides the information “as is” without warranty of any kind. We do not "
        "accept any responsibility or liability for the accuracy of this article.",
        "Disclaimer: views expressed in this article do not necessarily reflect our position.",
    ]
    assert clean_paragraphs(paragraphs) == [STORY]


def test_reporting_about_copyright_is_not_mistaken_for_a_disclaimer():
    paragraph = (
        "The court said the company was liable for copyright infringement after it reproduced "
        "thousands of photographs without permission, a ruling lawyers called a landmark."
    )
    assert not is_furniture(paragraph)


def test_also_read_links_and_the_headline_after_a_bare_label_are_dropped():
    paragraphs = [
        STORY,
        "Also Read: What Are Gaza Ceasefire Talks Faltering Over? A Report Offers Clues",
        "READ MORE",
        "Spain seeks EU cash to link up its 'energy island'",
        "ALSO READ | Russia will bomb any country if Putin gets arrested, says Medvedev",
        "Related coverage: markets slide as rates rise",
        "The pipeline will carry two million tonnes of hydrogen per year.",
    ]
    assert clean_paragraphs(paragraphs) == [
        STORY,
        "The pipeline will carry two million tonnes of hydrogen per year.",
    ]


def test_a_sentence_that_starts_with_a_link_word_is_kept():
    sentence = "Listen to the people of this town and you will hear anger about the closures."
    assert clean_paragraphs([sentence]) == [sentence]


def test_comment_widgets_and_share_buttons_are_dropped():
    paragraphs = [
        STORY,
        "Comments",
        "No comment",
        "Leave a Reply",
        "Share this article",
        "12 comments",
    ]
    assert clean_paragraphs(paragraphs) == [STORY]


def test_credit_lines_and_captions_are_dropped():
    paragraphs = [
        STORY,
        "With AP inputs",
        "(Reporting by Foo Yun Chee; Editing by Elaine Hardcastle)",
        "Residents line up outside the fever clinic of a hospital in Beijing (AP)",
        "Photo: Reuters",
    ]
    assert clean_paragraphs(paragraphs) == [STORY]


def test_caption_fused_to_the_end_of_a_paragraph_is_cut_off():
    paragraph = (
        "Lavrov warned the United States against forming a security alliance. "
        "Russian Foreign Minister Sergei Lavrov (C) shaking hands with North Korean leader "
        "Kim Jong Un (L) in Wonsan on July 12, 2025.(AFP)"
    )
    assert clean_paragraphs([paragraph]) == [
        "Lavrov warned the United States against forming a security alliance."
    ]


def test_a_pull_quote_repeated_later_in_context_is_kept_where_its_speaker_is():
    pull = "“We have never seen the river this high in forty years.”"
    paragraphs = [
        "The mayor spoke at the hearing on Monday about the flooded district.",
        pull,
        "The water rose by two metres overnight and closed four roads.",
        "Dana Ortiz, the city engineer, spoke after the hearing. “It came fast,” she said.",
        pull,
        "Pumps were brought in from two nearby towns.",
    ]
    assert clean_paragraphs(paragraphs) == [paragraphs[0], *paragraphs[2:]]


def test_block_pasted_twice_inside_an_article_is_kept_once():
    block = [STORY, "He condemned NATO's growing footprint in the Asia-Pacific."]
    assert clean_paragraphs(block + block) == block


def test_clean_returns_a_copy_with_the_same_source():
    source = Source(id="a", path="a.txt")
    article = Article(source=source, paragraphs=["403", STORY])
    cleaned = clean(article)
    assert cleaned.paragraphs == [STORY]
    assert cleaned.source == source
    assert article.paragraphs == ["403", STORY]


def test_wire_credits_rights_lines_and_link_debris_are_dropped():
    paragraphs = [
        STORY,
        "With Post wires",
        "The-CNN-Wire ™ & © 2013 Cable News Network, Inc., a Time Warner Company. "
        "All rights reserved.",
        "https://t.co/BAwgd5VZEY pic.twitter.com/tCdMxZX78i",
        "— Jane Doe (@janedoe) November 18, 2019 https://t.co/abc",
    ]
    assert clean_paragraphs(paragraphs) == [STORY]


def test_a_sentence_mentioning_a_website_is_kept():
    sentence = "The company said customers can read the recall notice at example.com/recall today."
    assert clean_paragraphs([sentence]) == [sentence]


def test_captions_closed_by_a_photographer_credit_are_dropped():
    caption = (
        "Leaders pose for a group photo ahead of the summit in Alicante, Spain, December 9, 2022. "
        "REUTERS/Violeta Santos Moura"
    )
    assert clean_paragraphs([caption, STORY]) == [STORY]


def test_dateline_is_removed_from_the_paragraph_that_opens_the_report():
    paragraphs = [
        "In an interview, the former director warned of an attack on the rule of law.",
        "WASHINGTON – Special counsel Robert Mueller has given a list of questions to lawyers.",
    ]
    assert clean_paragraphs(paragraphs)[1] == (
        "Special counsel Robert Mueller has given a list of questions to lawyers."
    )


@pytest.mark.parametrize(
    "opening",
    [
        "BEIJING (AP) — ",
        "DOHA, Qatar (AP) — ",
        "WASHINGTON, April 30 (Reuters) - ",
        "Washington (AFP) - ",
        "(MENAFN) ",
        "MENAFN - Daily News Egypt) ",
        "TIJUANA, Mexico — ",
    ],
)
def test_datelines_of_every_common_shape_are_removed(opening):
    assert clean_paragraphs([opening + STORY]) == [STORY]


@pytest.mark.parametrize(
    "opening", ["Kim Jong Un — the leader — said ", "Russia - which denies it - "]
)
def test_a_sentence_with_a_dash_is_not_mistaken_for_a_dateline(opening):
    assert clean_paragraphs([opening + STORY]) == [opening + STORY]


def test_a_whole_story_in_one_paragraph_is_kept_though_it_holds_disclaimer_words():
    # Pages scraped without breaks arrive as one paragraph; somewhere in a long story a
    # copyright dispute and a "we" are bound to turn up.
    story = " ".join(
        [STORY] * 20
        + [
            "We will not be intimidated, the publisher said, after the court found it liable "
            "for copyright infringement because it reproduced the photographs."
        ]
        + [STORY] * 20
    )
    assert clean_paragraphs([story]) == [story]


def test_a_long_paragraph_opening_with_a_disclaimer_label_is_prose():
    story = "Copyright: " + " ".join([STORY] * 10)
    assert clean_paragraphs([story]) == [story]


def test_an_article_dropped_whole_names_the_rules_that_fired():
    article = Article(
        source=Source(id="junk", path="junk.txt"),
        paragraphs=[
            "403 Forbidden",
            "Disclaimer: views expressed in this article do not necessarily reflect our position.",
            "Comments",
            "Also read:",
            "Ten things to know about the summit",
        ],
    )
    assert clean(article).paragraphs == []
    assert why_dropped(article) == (
        "5 paragraphs: 2 link list, 1 error page, 1 disclaimer, 1 widget or credit line"
    )


def test_a_page_that_lost_its_breaks_is_cut_into_paragraphs_of_whole_sentences():
    sentences = [f"Officials said on day {i} that the port would reopen soon." for i in range(400)]
    kept = clean_paragraphs([" ".join(sentences)])
    assert len(kept) > 1 and all(len(p) <= MAX_PARAGRAPH_CHARS for p in kept)
    assert " ".join(kept) == " ".join(sentences)  # cut between sentences, nothing lost


def test_a_paragraph_of_ordinary_length_is_never_cut():
    paragraph = " ".join([STORY] * 10)
    assert len(paragraph) < MAX_PARAGRAPH_CHARS and clean_paragraphs([paragraph]) == [paragraph]


def test_a_closing_mark_that_opens_a_paragraph_stays_on_its_word():
    paragraphs = [
        "”Sorry, we are closed for the holiday weekend,” the owner of the bakery said.",
        "The owner said the bakery “would reopen on Tuesday”and the crowd left.",
    ]
    assert clean_paragraphs(paragraphs) == [
        "”Sorry, we are closed for the holiday weekend,” the owner of the bakery said.",
        "The owner said the bakery “would reopen on Tuesday” and the crowd left.",
    ]
