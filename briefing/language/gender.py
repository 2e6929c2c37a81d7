"""Grammatical gender of a person's name, for matching "he" and "she" and "Mr" and "Ms".

A courtesy title says it outright ("Mr", "Mrs", "Ms", "Miss", "Sir", "Dame" …), and so does
a gendered role ("congresswoman", "queen", "his wife"); otherwise the first
name is looked up in gender-guesser's list of given names (about 40,000 names of many
countries, shipped inside the package). Names the list calls androgynous, only
"mostly" one gender, or does not know have no gender: they are compatible with either
pronoun, so an unknown name never blocks a resolution.
"""

from __future__ import annotations

import functools
from typing import Literal

Gender = Literal["male", "female"]

_TITLE_GENDER: dict[str, Gender] = {
    "mr": "male",
    "sir": "male",
    "lord": "male",
    "mrs": "female",
    "ms": "female",
    "miss": "female",
    "dame": "female",
    "lady": "female",
}
# Nouns for people that are of one gender whatever the person's name
_MALE_NOUNS = frozenset(
    {"king", "prince", "duke", "emperor", "father", "son", "brother", "husband", "widower"}
    | {"grandfather", "uncle", "nephew", "monk"}
)
_FEMALE_NOUNS = frozenset(
    {"queen", "princess", "duchess", "empress", "mother", "daughter", "sister", "wife", "widow"}
    | {"grandmother", "aunt", "niece", "nun", "actress"}
)
PRONOUN_GENDER: dict[str, Gender] = {"he": "male", "him": "male", "his": "male", "she": "female"}
PRONOUN_GENDER |= {"her": "female", "hers": "female"}


@functools.cache
def _detector() -> object:
    import gender_guesser.detector as detector  # loaded on first use: it reads its list

    return detector.Detector(case_sensitive=False)


def load_name_list() -> None:
    """Read the list of given names now rather than at the first lookup: before forking
    worker processes, which would otherwise each read it."""
    _detector()


def title_gender(title: str) -> Gender | None:
    """The gender a courtesy title gives ("Mr." → male), if any."""
    return _TITLE_GENDER.get(title.rstrip(".").lower())


def role_gender(role: str | None) -> Gender | None:
    """The gender a role gives: one of its words is a noun of one gender ("queen", "his
    wife") or a compound in "-woman" ("assemblywoman"). A compound in "-man" gives none:
    news copy calls women "spokesman" and "chairman" too."""
    for word in (role or "").lower().replace("-", " ").split():
        word = word.strip(".,'’")
        if word in _FEMALE_NOUNS or word.endswith(("woman", "women")):
            return "female"
        if word in _MALE_NOUNS:
            return "male"
    return None


@functools.lru_cache(maxsize=4096)
def first_name_gender(name: str) -> Gender | None:
    """The gender of a given name when the name list is sure of it, else None."""
    if len(name) < 2 or not name[0].isupper() or name.isupper():
        return None
    found = _detector().get_gender(name)  # type: ignore[attr-defined]
    return found if found in ("male", "female") else None


def compatible(first: Gender | None, second: Gender | None) -> bool:
    """Unknown is compatible with everything; known genders must agree."""
    return first is None or second is None or first == second
