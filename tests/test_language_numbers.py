"""Quantities in a sentence: rates, scales, ranges in words, and what is not a quantity.
Every sentence here is written for these tests."""

from __future__ import annotations

import pytest

from briefing.language import numbers
from briefing.language.numbers import find_quantities


def only(text: str):
    found = find_quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("Brent crude traded at $61.20 per barrel.", "$61.20 per barrel", "USD per barrel"),
        ("Copper fell to $8,100 a tonne on Friday.", "$8,100 a tonne", "USD per tonne"),
        ("Shares closed at $14.75 a share.", "$14.75 a share", "USD per share"),
        ("Crude was quoted at $45/barrel.", "$45/barrel", "USD per barrel"),
        ("The field pumps 90,000 barrels a day.", "90,000 barrels a day", "bbl per day"),
        ("Cases could reach 2 million a day.", "2 million a day", "per day"),
        ("It will pump 3 million tonnes a year.", "3 million tonnes a year", "t per year"),
    ],
)
def test_a_rate_after_a_number_is_part_of_its_value_and_unit(text, value, unit):
    quantity = find_quantities(text)[0]
    assert quantity.unit == unit
    assert quantity.value.startswith(value)


@pytest.mark.parametrize(
    "text",
    [
        "Turnout rose 4 per cent.",
        "The talks lasted three days a week for a month.",
        "Officers detained 12 a day after the vote.",
        "Voters paid $300 a fund manager told them.",
    ],
)
def test_per_cent_time_spans_and_ordinary_nouns_after_a_are_not_rates(text):
    assert all(" per " not in (q.unit or "") for q in find_quantities(text))


@pytest.mark.parametrize(
    "text", ["It owes $1.4bn.", "It owes $1.4 billion.", "It owes 1,400 million dollars."]
)
def test_scales_written_three_ways_give_one_number(text):
    quantity = only(text)
    assert (quantity.number, quantity.unit) == (1.4e9, "USD")


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("Tens of thousands of files were copied.", 1e4, 99_900),
        ("Hundreds of thousands of pages leaked.", 1e5, 999_000),
        ("Dozens of villages were flooded.", 12, 119.88),
        ("A few hundred volunteers came.", 100, 999),
        ("Several thousand fans waited outside.", 1000, 9990),
    ],
)
def test_counts_in_words_are_ranges_of_one_order_of_magnitude(text, low, high):
    quantity = only(text)
    assert (quantity.number, quantity.low) == (None, low)
    assert quantity.high == pytest.approx(high)


def test_a_change_and_a_level_are_two_quantities_not_a_range():
    values = [q.value for q in find_quantities("Sales rose 8% to 2.5 million cars.")]
    assert values == ["8%", "2.5 million"]


@pytest.mark.parametrize(
    "text",
    [
        "The visitors won the final 2-1 after extra time.",
        "The court split in a 5-4 ruling on 3 March 2024.",
        "The strike began on May 2 and ended at 4:15 p.m.",
    ],
)
def test_scores_rulings_dates_and_times_are_not_quantities(text):
    assert find_quantities(text) == []


@pytest.mark.parametrize(
    ("text", "value", "low"),
    [
        ("Twenty-Five protesters came", "Twenty-Five", 25),
        ("SCORES OF people came", "SCORES", 20),
        ("A Hundred people came", "A Hundred", 100),
        ("Über 40 Menschen kamen", "40", 40),
        ("They hold 3 bıllıon in cash", "3 bıllıon", 3e9),
        ("ſcores of people came", "ſcores", 20),
    ],
)
def test_numbers_are_found_whatever_the_case_and_the_letters_around_them(text, value, low):
    [quantity] = find_quantities(text)
    assert (quantity.value, quantity.low) == (value, low)


def test_text_in_any_letters_without_digits_or_number_words_is_not_searched(monkeypatch):
    def searched(sentence):
        raise AssertionError(f"searched {sentence!r}")

    monkeypatch.setattr(numbers, "_atoms", searched)
    monkeypatch.setattr(numbers, "_vague", searched)
    assert find_quantities("Zürich und Genève blieben ruhig, sagte Müller.") == []
