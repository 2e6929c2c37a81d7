"""Disputes between sources, from sentences written for these tests: which figures are one
quantity, when values agree (rounding, "about", other scales, ranges in words) and how a
dispute says they differ."""

from __future__ import annotations

import pytest

from briefing.engines.offline import extract_pack
from briefing.reconcile import reconcile
from briefing.schema import Dispute

from .test_engines_offline import pack_of


def disputes(*texts: str) -> list[Dispute]:
    """The disputes among articles, one source each ("a", "b", …)."""
    sources = "abcdefgh"
    extractions = [extract_pack(pack_of((sources[i], text))) for i, text in enumerate(texts)]
    return reconcile(extractions).disputes


def values(dispute: Dispute) -> set[str]:
    return {v.value for v in dispute.versions}


def test_two_prices_per_unit_of_one_commodity_are_a_dispute_of_other_value():
    (dispute,) = disputes(
        "Nickel was around $17,800 per tonne on the London exchange on Monday.",
        "The price of nickel jumped to $21,500 a tonne, traders said.",
    )
    assert values(dispute) == {"around $17,800 per tonne", "$21,500 a tonne"}
    assert dispute.note.startswith("other value:")


def test_a_price_and_a_price_rounded_within_about_are_no_dispute():
    assert (
        disputes(
            "Nickel was around $17,800 per tonne on Monday, brokers said.",
            "Nickel traded at $17,812 per tonne on Monday, brokers said.",
        )
        == []
    )


def test_a_price_per_unit_is_not_compared_with_an_amount_of_money():
    assert (
        disputes(
            "Nickel was around $17,800 per tonne as the mine closed.",
            "The mine closure will cost nickel buyers $2 billion.",
        )
        == []
    )


def test_money_taken_from_one_fund_by_two_verbs_is_one_quantity():
    (dispute,) = disputes(
        "The cabinet will divert $3.1bn from the pension reserve to pay for new rail lines.",
        "Ministers plan to tap $3.4 billion from the pension reserve for the rail lines.",
    )
    assert dispute.subject.startswith("money from the pension reserve")
    assert values(dispute) == {"$3.1bn", "$3.4 billion"}


def test_money_for_two_purposes_is_two_quantities():
    assert (
        disputes(
            "Parliament approved $900 million for school repairs in the city.",
            "Lawmakers set aside $2.5 billion for hospital beds in the city.",
        )
        == []
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("$1.375 billion", "$1.4 billion"),
        ("$900m", "$0.9 billion"),
        ("$2.5bn", "2,500 million dollars"),
        ("about 12 million dollars", "12.1 million dollars"),
    ],
)
def test_rounding_and_other_scales_are_no_dispute(first, second):
    assert (
        disputes(
            f"Parliament approved {first} for coastal defences after the floods.",
            f"Lawmakers set aside {second} for coastal defences after the floods.",
        )
        == []
    )


def test_about_does_not_cover_a_value_past_its_last_digit():
    (dispute,) = disputes(
        "The council set aside about $3.5bn for flood barriers along the coast.",
        "The council set aside $3.6bn for flood barriers along the coast.",
    )
    assert values(dispute) == {"about $3.5bn", "$3.6bn"}


def test_a_range_in_words_conflicts_with_a_value_well_outside_it():
    (dispute,) = disputes(
        "Tens of thousands of files were copied from the tax office servers.",
        "More than 400,000 files were copied from the tax office servers.",
    )
    assert values(dispute) == {"Tens of thousands", "More than 400,000"}
    assert dispute.note.startswith("range:")


def test_a_range_in_words_agrees_with_a_value_inside_it():
    assert (
        disputes(
            "Thousands of files were copied from the tax office servers.",
            "Some 6,000 files were copied from the tax office servers.",
        )
        == []
    )


def test_people_killed_and_people_briefed_are_not_one_quantity():
    assert (
        disputes(
            "The landslide killed 4 people in the valley, the mayor said.",
            "Two people briefed on the rescue said the valley road was closed.",
        )
        == []
    )


def test_people_killed_and_people_injured_are_not_one_quantity():
    assert (
        disputes(
            "At least 6 people were killed in the valley landslide.",
            "More than 30 people were injured in the valley landslide.",
        )
        == []
    )


def test_two_death_tolls_of_one_event_are_a_dispute():
    (dispute,) = disputes(
        "At least 6 people were killed in the valley landslide, rescuers said.",
        "The valley landslide killed 11 people, the regional governor said.",
    )
    assert dispute.subject == "people killed"
    assert values(dispute) == {"At least 6", "11"}


def test_a_shared_name_alone_does_not_make_one_quantity():
    assert (
        disputes(
            "Mayor Okafor said 250 homes were flooded.",
            "Mayor Okafor said 40 homes had lost power.",
        )
        == []
    )


def test_an_amount_is_never_named_after_the_person_who_asks_for_it():
    found = disputes(
        "Trump wants $5.7bn for a border wall, aides said.",
        "Trump has asked for $8bn in total, aides said.",
    )
    assert found == []
    subjects = {
        f.subject
        for f in extract_pack(pack_of(("a", "Trump wants $5.7bn for a border wall."))).figures
    }
    assert subjects == {"money for a border wall"}
