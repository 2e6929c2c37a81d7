"""Names the word lists know, for every stage that reads them: the countries, institutions
and outlets (with their canonical names and kinds), and which of several roles tells most.
"""

from __future__ import annotations

import re
from collections import Counter

from briefing.language.lexicon import lexicon
from briefing.text import phrase_alternation


def _known_pattern() -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    lx = lexicon()
    known: dict[str, tuple[str, str]] = {}
    for surface, country in {**lx.country_names, **lx.seats}.items():
        known[surface] = ("country", country)
    for surface, name in lx.institutions.items():
        known[surface] = ("organization", name)
    for surface, name in lx.media.items():
        known[surface] = ("media", name)
    alternatives = phrase_alternation(known).replace("'", "['’]")
    pattern = re.compile(r"(?<![\w-])(?:" + alternatives + r")(?![\w])")
    return pattern, known


# Every surface form the lists know → (kind, canonical name), and a pattern finding them.
KNOWN_PATTERN, KNOWN = _known_pattern()


def known_actor(surface: str) -> tuple[str, str] | None:
    """(kind, canonical name) of a country, institution or outlet the word lists know."""
    return KNOWN.get(surface.replace("’", "'"))


def pick_role(roles: list[str]) -> str | None:
    """The most telling role: several words if any, then the most frequent, then the longest."""
    if not roles:
        return None
    counts = Counter(roles)
    return max(counts, key=lambda role: (len(role.split()) > 1, counts[role], len(role)))
