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
