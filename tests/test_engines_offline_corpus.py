"""Who speaks in each story of the shared corpus, briefed offline (skipped when the corpus is
absent): no speaker is a place, a date, a pronoun or a fragment of a sentence, and no body or
person is listed as two actors.

Found on these stories before issue 21's rules, now one actor each: "Spanish FA", "RFEF" and
"Spanish Football Federation" (the text gives "RFEF" after two of them); "EU Commission"
and "European Commission"; "Europe Union" (a slip of the text) and "European Union". Speakers
that were wrong: "a statement from the Spanish FA" (now the Spanish FA), "Nato today" (NATO),
"Trump officials initially" (Trump officials), "president of Majestic Steel USA" (Todd
Leebow, whose role it is), "Europe" (a place; "Europe has promised …" no longer speaks).
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from briefing import Options, build
from briefing.language.lexicon import lexicon
from briefing.reconcile.common import fold
from briefing.schema import Actor, Briefing

from .corpus import CORPUS

STORIES = sorted(p for p in CORPUS.glob("*/") if p.is_dir() and p.name != "PROVENANCE")
PRONOUNS = frozenset(
    {"i", "i'm", "we", "you", "he", "she", "it", "they", "him", "her", "them", "this", "who"}
)
# The same actor under two names, as the stories write them: each pair must be one actor.
SAME_ACTOR = {
    "spain-luis-enrique-replaced-after-world-cup-exit-2022-12-08": [
        ("Spanish FA", "Spanish Football Federation"),
        ("RFEF", "Royal Spanish Football Federation"),
    ],
    "h2med-iberian-green-hydrogen-pipeline-agreed-2022-12-09": [
        ("EU Commission", "European Commission"),
    ],
    "us-delays-steel-aluminum-tariffs-eu-canada-mexico-2018-04-30": [
        ("Europe Union", "European Union"),
        ("Commerce Department", "U.S. Department of Commerce"),
    ],
    "mueller-questions-for-trump-revealed-2018-04-30": [
        ("Justice Department", "Department of Justice"),
    ],
    "walmart-sex-discrimination-case-supreme-court-2011-03-29": [
        ("Wal-Mart Stores", "Wal-Mart Stores Inc."),
    ],
    "migrant-caravan-reaches-us-mexico-border-2018-04-29": [
        ("CBP", "U.S. Customs and Border Protection"),
    ],
}
_JOINT = re.compile(r",\s*|\s+and\s+")
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")

pytestmark = pytest.mark.skipif(not STORIES, reason=f"no sample corpus at {CORPUS}")


@pytest.fixture(scope="module")
def briefings() -> dict[str, Briefing]:
    return {story.name: build([story], Options(engine="offline")) for story in STORIES}


def _names(actors: list[Actor]) -> dict[str, Actor]:
    return {fold(name): actor for actor in actors for name in (actor.name, *actor.aliases)}


def speaker_faults(speaker: str, names: dict[str, Actor]) -> list[str]:
    """What is wrong with a speaker: a pronoun, a date, a place or a fragment."""
    lx = lexicon()
    words = speaker.split()
    bare = [w.strip(",.") for w in words]
    actor = fold(speaker) in names
    faults = []
    if words[0].lower() in PRONOUNS:
        faults.append("pronoun")
    if any(w in lx.calendar for w in bare) or _YEAR.search(speaker):
        faults.append("date")
    places = [w in lx.place_words or w in lx.regions for w in bare]
    # "Western governments", "European officials": people or bodies a place word describes
    nouns = lx.group_speakers | lx.organization_nouns
    of_place = bare[-1].lower() in nouns or bare[-1].lower().rstrip("s") in nouns
    if all(places) or (any(places) and not actor and not of_place):
        faults.append("place")
    last = words[-1]
    if last.islower() and (last.endswith("ly") or last in {"today", "yesterday", "now"}):
        faults.append("fragment: ends on an adverb")
    if words[0].lower() in lx.roles and len(words) > 1 and words[1] in {"of", "at", "for"}:
        faults.append("fragment: a role, not its holder")
    named = all(w[:1].isupper() for w in words if w not in {"and", "of", "the", "for", "&"})
    parts = [part for part in _JOINT.split(speaker) if part]
    if named and not actor and not all(fold(part) in names for part in parts):
        faults.append("fragment: a name that is no actor")
    return faults


@pytest.mark.parametrize("story", STORIES, ids=lambda p: p.name[:30])
def test_no_speaker_is_a_place_a_date_a_pronoun_or_a_fragment(story, briefings):
    briefing = briefings[story.name]
    names = _names(briefing.actors)
    speakers = {claim.speaker for claim in briefing.claims if claim.speaker}
    faults = {s: f for s in speakers if (f := speaker_faults(s, names))}
    assert not faults


def _duplicates(actors: list[Actor]) -> list[tuple[str, str]]:
    """Actors that share a name, or a person whose surname and first initial another has."""
    seen: dict[str, str] = {}
    found = []
    people: dict[tuple[str, str], list[str]] = defaultdict(list)
    for actor in actors:
        for name in {fold(n) for n in (actor.name, *actor.aliases)}:
            if name in seen and seen[name] != actor.name:
                found.append((seen[name], actor.name))
            seen.setdefault(name, actor.name)
        words = fold(actor.name).split()
        if actor.kind == "person" and len(words) > 1:
            people[(words[-1], words[0][0])].append(actor.name)
    found.extend((names[0], other) for names in people.values() for other in names[1:])
    return found


@pytest.mark.parametrize("story", STORIES, ids=lambda p: p.name[:30])
def test_no_body_or_person_is_listed_as_two_actors(story, briefings):
    actors = briefings[story.name].actors
    assert not _duplicates(actors)
    names = _names(actors)
    for first, second in SAME_ACTOR.get(story.name, []):
        if fold(first) in names and fold(second) in names:
            assert names[fold(first)] is names[fold(second)], (first, second)
