"""Grounding: the numbers and names a written text states must be in its evidence."""

from __future__ import annotations

import pytest

from briefing.grounding import stated_names, stated_numbers, unsupported


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Losses reached $1.4bn", "losses of $1.4 billion were booked"),
        ("1,400,000 residents", "some 1.4 million residents"),
        ("four dozen boats", "48 boats"),
        ("up to 40% of the shells", "it supplies up to 40 percent of its shells"),
        ("Russian officials said so", "officials in Russia said so"),
        ("NATO's chief spoke", "the chief of NATO spoke"),
        ("The figures were released in 2019", "figures released in 2019 show it"),
    ],
)
def test_a_text_restating_its_evidence_is_supported(text, evidence):
    assert unsupported(text, evidence) == []


@pytest.mark.parametrize(
    ("text", "evidence", "missing"),
    [
        ("4,321 people were affected", "many people were affected", ["4321"]),
        ("87 percent of funds vanished", "up to 40% of funds vanished", ["87"]),
        ("Kim Jong Un warned Seoul", "we warn our neighbours", ["Kim", "Jong", "Un", "Seoul"]),
        ("The US objected", "they objected", ["US"]),
        ("COVID-19 cases rose", "COVID cases rose", ["19"]),
    ],
)
def test_numbers_and_names_missing_from_the_evidence_are_listed(text, evidence, missing):
    assert unsupported(text, evidence) == missing


def test_the_speakers_own_name_and_role_are_exempt():
    text = "Foreign Minister Sergey Lavrov said Moscow backs Pyongyang"
    assert unsupported(text, "Moscow backs Pyongyang", exempt=["Sergey Lavrov"]) == []
    assert unsupported(text, "Moscow backs Pyongyang") == ["Sergey", "Lavrov"]


def test_sentence_openers_titles_and_pronouns_are_not_names():
    assert stated_names("The minister said He and Mr Brandt met. It rained. I left.") == ["Brandt"]


def test_stated_numbers_read_quantities_once_and_other_digits_as_written():
    assert stated_numbers("about 12 million rounds in 2024") == [12_000_000.0, 2024.0]


def test_a_seat_of_government_supports_its_country():
    assert unsupported("North Korea's help was welcome", "Pyongyang's help was welcome") == []


def test_the_speakers_own_country_is_exempt_through_the_role():
    text = "Lavrov said Russia respects the talks"
    assert unsupported(text, "we respect the talks", ["Lavrov", "Russian Foreign Minister"]) == []
    assert unsupported(text, "we respect the talks", ["Lavrov"]) == ["Russia"]


def test_a_run_of_the_evidence_words_holds_whatever_the_punctuation_around_them():
    evidence = 'She added: "The federation has chosen 4,321 coaches."'
    assert unsupported("the Federation has chosen 4,321 coaches", evidence) == []
    assert unsupported("The federation has chosen 4.321 coaches", evidence) == ["4.321"]


def test_each_quote_of_the_evidence_is_read_on_its_own():
    assert unsupported("25 people", ["they counted twenty", "five people came"]) == ["25"]


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Dana Ortiz hired 4,321 staff", '"Dana Ortiz hired 4,321 staff," she said in Lima.'),
        ('he wanted them "truly objective"', 'Reyes said he wanted them "truly objective."'),
        ("the board will meet Monday", 'Lima said:"The board will meet Monday"'),
    ],
)
def test_a_run_of_quoted_words_holds_next_to_the_quote_marks_around_it(text, evidence):
    assert unsupported(text, evidence) == []


@pytest.mark.parametrize(
    ("text", "evidence", "missing"),
    [
        ("Ortiz hired 432", 'she said:"Ortiz hired 4321"', ["432"]),
        ("they met Brandt", 'they met Brandtson"today"', ["Brandt"]),
        ("Lima hired 12 staff", '"Lima hired 1" and "2 staff"', ["12"]),
    ],
)
def test_part_of_a_word_next_to_a_quote_mark_is_not_a_run_of_words(text, evidence, missing):
    assert unsupported(text, evidence) == missing
