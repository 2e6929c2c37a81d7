"""The offline engine's sentences: quotation spans whatever the marks, attributions kept with
the quotation they close."""

from __future__ import annotations

import random

import pytest

from briefing.language.sentences import (
    Sentence,
    last_tokens,
    quote_spans,
    sentences_of,
    tokenize,
)


@pytest.mark.parametrize(
    "text",
    [
        '"Go home,” she said.',
        '“Go home," she said.',
        "''Go home,'' she said.",
        "``Go home,'' she said.",
    ],
)
def test_a_quotation_is_found_whatever_its_marks(text):
    sentence = Sentence(text, ["a"], 0, False)
    ((start, end),) = sentence.quotes
    assert sentence.view[start + 1 : end - 1].strip() == "Go home,"
    assert len(sentence.view) == len(text)


def test_a_stray_closing_mark_opens_nothing_and_an_open_quotation_runs_to_the_end():
    assert quote_spans("He left.” Then “we stayed") == [(15, 25)]


def test_a_long_attribution_whose_verb_comes_first_stays_with_its_question():
    paragraph = (
        '"Will we ever get along, who knows?" Trump told the station in an interview aired '
        "on Monday when asked about the remarks."
    )
    assert sentences_of(paragraph) == [paragraph]


def test_a_short_attribution_after_a_closing_question_stays_in_its_sentence():
    paragraph = 'It stalled. "Will it ever be finished?" Abbasov said. Work resumed in May.'
    assert sentences_of(paragraph) == [
        "It stalled.",
        '"Will it ever be finished?" Abbasov said.',
        "Work resumed in May.",
    ]


def test_the_last_words_of_a_span_are_its_words_read_from_its_start():
    rng = random.Random(20)
    pieces = ["Kim", "U.S.", "Mr.", "Jong-Un", "leader", "O'Neil's", " ", "  ", "-", "5", ",", "."]
    for _ in range(500):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 30)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        count = rng.randint(1, 8)
        assert last_tokens(text, start, end, count) == tokenize(text, start, end)[-count:]


def test_words_keep_initials_capitalised_hyphen_parts_and_the_stops_of_abbreviations():
    text = "U.S.-led talks with Wal-Mart's CEO, Mr. A. Smith of N-Korea, ended in 3rd place."
    words = [(token.text, token.bare, token.possessive) for token in tokenize(text)]
    assert words == [
        ("U.S.", "U.S.", False),
        ("led", "led", False),
        ("talks", "talks", False),
        ("with", "with", False),
        ("Wal-Mart's", "Wal-Mart", True),
        ("CEO", "CEO", False),
        ("Mr.", "Mr.", False),
        ("A.", "A.", False),
        ("Smith", "Smith", False),
        ("of", "of", False),
        ("N-Korea", "N-Korea", False),
        ("ended", "ended", False),
        ("in", "in", False),
        ("rd", "rd", False),
        ("place", "place", False),
    ]
