"""Gender of names for pronoun and title matching: titles, first names, unknown names."""

from __future__ import annotations

from briefing.language.gender import compatible, first_name_gender, role_gender, title_gender


def test_courtesy_titles_give_a_gender_and_other_titles_none():
    assert [title_gender(t) for t in ("Mr.", "Ms", "Mrs.", "Miss", "Sen.", "Dr")] == [
        "male",
        "female",
        "female",
        "female",
        None,
        None,
    ]


def test_first_names_the_list_is_sure_of_have_a_gender_others_none():
    assert first_name_gender("George") == "male"
    assert first_name_gender("Maria") == "female"
    assert first_name_gender("Zxqwv") is None  # not a given name the list knows
    assert first_name_gender("NATO") is None  # an acronym is never a first name


def test_unknown_gender_is_compatible_with_both():
    assert compatible(None, "male") and compatible("female", None) and compatible(None, None)
    assert compatible("male", "male") and not compatible("male", "female")


def test_gendered_roles_give_a_gender_and_other_roles_and_surnames_none():
    assert role_gender("Assemblywoman") == "female"
    assert role_gender("her father") == "male"
    assert role_gender("the campaign's spokesman") is None
    assert role_gender("his wife") == "female"
    assert role_gender("Queen") == "female"
    assert role_gender("treasurer") is None
    assert role_gender("Goldman analyst") is None
    assert role_gender(None) is None
