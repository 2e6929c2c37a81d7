"""What a figure counts, read from the sentence's structure. Every sentence here is written
for these tests, none is taken from the corpora."""

from __future__ import annotations

import pytest

from briefing.engines.offline import extract_pack
from briefing.schema import Figure

from .test_engines_offline import pack_of


def figures(text: str) -> list[Figure]:
    return extract_pack(pack_of(("a", text))).figures


def subject(text: str, value: str) -> str | None:
    found = [f.subject for f in figures(text) if f.value == value]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        (
            "Brent crude was around $61 per barrel on Monday.",
            "around $61 per barrel",
            "Brent crude",
        ),
        ("Palm oil stood at $980 a tonne, traders said.", "$980 a tonne", "Palm oil"),
        ("The price of wheat rose to $7.10 a bushel.", "$7.10 a bushel", "price of wheat"),
        ("Exports of rice fell 9% in March.", "9%", "Exports of rice"),
    ],
)
def test_the_noun_before_a_linking_verb_is_what_the_number_measures(text, value, expected):
    assert subject(text, value) == expected


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        (
            "Congress approved $2.2 billion for wildfire prevention.",
            "$2.2 billion",
            "money for wildfire prevention",
        ),
        (
            "The city will take $300 million from its pension fund.",
            "$300 million",
            "money from its pension fund",
        ),
        (
            "Officials plan to pull about $90m out of the road budget.",
            "about $90m",
            "money out of the road budget",
        ),
        ("The donors pledged $40 million in emergency aid.", "$40 million", "emergency aid"),
    ],
)
def test_money_is_named_by_what_it_is_for_or_comes_from(text, value, expected):
    assert subject(text, value) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The ministry will shift $80 million next year.",
        "Lawmakers voted to use $12 million quickly.",
        "The council would redirect $5m.",
    ],
)
def test_a_verb_or_whoever_acts_on_the_money_is_never_its_subject(text):
    subjects = {f.subject for f in figures(text)}
    assert not subjects & {"shift", "use", "redirect", "Lawmakers", "ministry", "council"}


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        (
            "The reserve fund, which holds about $4 billion, is shrinking.",
            "about $4 billion",
            "reserve fund",
        ),
        ("The march, which once numbered about 3,000, thinned out.", "about 3,000", "march"),
    ],
)
def test_a_relative_clause_gives_the_number_to_its_noun(text, value, expected):
    assert subject(text, value) == expected


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ("At least 7 people were killed in the blast.", "At least 7", "people killed"),
        ("The storm killed 5 people overnight.", "5", "people killed"),
        ("Three people briefed on the talks said so.", "Three", "people briefed"),
        ("More than 40 people were injured.", "More than 40", "people injured"),
    ],
)
def test_people_are_counted_with_what_happened_to_them(text, value, expected):
    assert subject(text, value) == expected


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ("Farmers expect a harvest of 48 million bags.", "48 million", "harvest"),
        ("The union acts on behalf of 2,000 nurses.", "2,000", "nurses"),
        ("She leaked a trove of 9,000 memos.", "9,000", "memos"),
        ("The file holds 300 pages of legal advice.", "300", "pages of legal advice"),
    ],
)
def test_n_of_x_counts_x_unless_x_only_holds_it(text, value, expected):
    assert subject(text, value) == expected


def test_counts_in_words_become_range_figures_of_their_noun():
    found = figures("Tens of thousands of records were exposed.")
    assert [(f.value, f.subject, f.number) for f in found] == [
        ("Tens of thousands", "records", None)
    ]
