"""Who is named: the offline engine's actors on sentences written here (issue 21)."""

from __future__ import annotations

import pytest

from .test_engines_offline_claims import extraction_of


@pytest.mark.parametrize(
    ("sentence", "name", "role"),
    [
        (
            "Former Secretary of State Nadia Brennan said the talks would resume in May.",
            "Nadia Brennan",
            "Former Secretary of State",
        ),
        (
            "Director of National Intelligence Paul Harlow warned that the threat was growing.",
            "Paul Harlow",
            "Director of National Intelligence",
        ),
        ("Secretary of State Brennan said the talks would resume soon.", "Brennan", None),
    ],
)
def test_a_title_with_of_before_a_name_is_the_role_not_part_of_the_name(sentence, name, role):
    extraction = extraction_of(sentence)
    actor = next(a for a in extraction.actors if a.kind == "person")
    assert actor.name == name
    assert role is None or actor.role == role
    assert extraction.claims[0].speaker == name


def test_a_title_before_an_owner_is_not_the_role_of_what_it_owns():
    extraction = extraction_of(
        "Senator Dana Holt wants to repeal President Ortiz's Clean Rivers Act by March."
    )
    assert all(a.role is None for a in extraction.actors if a.name == "Clean Rivers Act")


@pytest.mark.parametrize(
    "sentence",
    [
        "Will Doyle, the county treasurer, said the fund had run dry by the end of summer.",
        "The fund had run dry by the end of summer, said Will Doyle, the county treasurer.",
    ],
)
def test_a_given_name_that_is_also_a_common_word_stays_in_a_speakers_name(sentence):
    extraction = extraction_of(sentence)
    assert [a.name for a in extraction.actors] == ["Will Doyle"]
    assert extraction.claims[0].speaker == "Will Doyle"


def test_a_sentence_opening_modal_is_not_read_as_a_given_name():
    extraction = extraction_of("Will Congress pass the budget before the summer recess ends?")
    assert all(a.name != "Will Congress" for a in extraction.actors)


def test_an_institution_and_the_plural_for_its_members_are_one_group():
    extraction = extraction_of(
        "Senate Democrats said the bill would raise costs for millions of families."
    )
    assert [a.name for a in extraction.actors] == ["Senate Democrats"]
    assert extraction.claims[0].speaker == "Senate Democrats"


def test_a_speaking_name_ending_in_a_plural_for_members_is_a_group_not_a_person():
    extraction = extraction_of(
        "House Republicans said the ferry tax would be dropped before the summer."
    )
    actor = next(a for a in extraction.actors if a.name == "House Republicans")
    assert actor.kind == "organization"


def test_a_headline_verb_after_an_institution_does_not_join_its_name():
    extraction = extraction_of("Senate Votes To Extend Budget Talks\n\nThe talks went on.")
    assert all(a.name != "Senate Votes" for a in extraction.actors)


def test_a_weekday_after_a_name_is_not_part_of_it():
    extraction = extraction_of("Nadia Brennan Tuesday recounted how the talks had collapsed.")
    assert [a.name for a in extraction.actors] == ["Nadia Brennan"]


def test_capitalised_words_the_role_list_lacks_before_a_given_name_are_a_title():
    text = '"The ice came early," Ostend Harbour Warden Helen Brill said on Monday.'
    extraction = extraction_of(text)
    assert [a.name for a in extraction.actors] == ["Helen Brill"]
    assert extraction.claims[0].speaker == "Helen Brill"


@pytest.mark.parametrize(
    "sentence",
    [
        "Rep. T.J. Waller said the harbour would stay closed until the spring.",
        "“The harbour will stay closed,” said T.J. Waller, a Democrat.",
    ],
)
def test_dotted_initials_before_a_surname_are_a_persons_not_an_acronym(sentence):
    extraction = extraction_of(sentence)
    assert [(a.name, a.kind) for a in extraction.actors] == [("T.J. Waller", "person")]
    assert extraction.claims[0].speaker == "T.J. Waller"


def test_dotted_initials_a_word_list_knows_still_open_an_organisation():
    extraction = extraction_of("The U.S. Army said the harbour would stay closed.")
    assert [(a.name, a.kind) for a in extraction.actors] == [("U.S. Army", "organization")]


def test_a_one_word_name_after_the_is_a_title_not_a_person():
    extraction = extraction_of("The Ledgerist reported that the harbour would stay closed.")
    assert [(a.name, a.kind) for a in extraction.actors] == [("Ledgerist", "organization")]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Jun Tanaka, a trade official, said the tariffs would hurt exporters.", "Jun Tanaka"),
        ("Opposition leader Yin Myint May said the count had been rigged.", "Yin Myint May"),
    ],
)
def test_a_given_name_or_surname_spelt_like_a_month_stays_in_the_name(text, name):
    extraction = extraction_of(text)
    assert [a.name for a in extraction.actors] == [name]
    assert extraction.claims[0].speaker == name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Dana Ortiz May 5 said the count was rigged.", "Dana Ortiz"),
        ("In Jun. Dana Ortiz said the count was rigged.", "Dana Ortiz"),
        ("Ortiz May be Right, Dana Ortiz said of the count.", "Dana Ortiz"),
    ],
)
def test_a_month_before_a_day_a_full_stop_or_a_modal_verb_is_no_part_of_a_name(text, name):
    assert [a.name for a in extraction_of(text).actors] == [name]


def test_she_may_stand_for_a_woman_whose_given_name_is_spelt_like_a_month():
    text = (
        "Former governor Jan Holt spoke at the convention on Monday.\n\n"
        "She said the party would win the state in November."
    )
    assert extraction_of(text).claims[0].speaker == "Jan Holt"


def test_a_conjunction_after_an_abbreviation_is_no_part_of_the_next_name():
    text = (
        "Dana Ortiz wants to ban the trucks from the U.S. While Reyes has condemned the plan, "
        "the unions say they are worried."
    )
    names = [a.name for a in extraction_of(text).actors]
    assert "Reyes" in names
    assert not any(name.startswith("While") for name in names)
