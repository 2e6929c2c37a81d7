"""The brief layout on every story of the shared corpus (skipped when it is absent): short
enough to read, and summary bullets that are distinct, cited and grounded in their facts."""

from __future__ import annotations

import itertools
import re

import pytest
from rapidfuzz import fuzz

from briefing import Options, build, render
from briefing.language.lexicon import lexicon
from briefing.pipeline import read_articles
from briefing.render import APPENDIX_HEADING
from briefing.schema import Briefing, Claim, Dispute, Figure
from briefing.text import words

from .corpus import CORPUS

STORIES = sorted(p for p in CORPUS.glob("*/") if p.is_dir() and p.name != "PROVENANCE")
MAX_RATIO = 0.35
MAX_WORDS = 900
# Two bullets say the same thing when rapidfuzz's token-set ratio of their texts reaches
# SAME_WORDING, or their content words overlap (Jaccard) by SAME_CONTENT.
SAME_WORDING = 70
SAME_CONTENT = 0.3
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

pytestmark = pytest.mark.skipif(not STORIES, reason=f"no sample corpus at {CORPUS}")


@pytest.fixture(scope="module")
def briefings() -> dict[str, Briefing]:
    return {story.name: build([story], Options(engine="offline")) for story in STORIES}


@pytest.mark.parametrize("story", STORIES, ids=lambda p: p.name[:30])
def test_the_key_section_is_a_fraction_of_the_input(story, briefings):
    articles, _ = read_articles([story], Options(engine="offline"))
    input_words = sum(len(article.text.split()) for article in articles)
    markdown = render(briefings[story.name], "md")
    main = markdown.split(f"## {APPENDIX_HEADING}", 1)[0]
    assert len(main.split()) <= min(MAX_WORDS, MAX_RATIO * input_words)


def _content(text: str) -> set[str]:
    common = lexicon().common_words
    return {word for word in words(text) if word not in common}


def test_no_two_bullets_of_a_story_say_the_same_thing(briefings):
    for name, briefing in briefings.items():
        for a, b in itertools.combinations(briefing.bullets, 2):
            wording = fuzz.token_set_ratio(a.text.lower(), b.text.lower())
            first, second = _content(a.text), _content(b.text)
            content = len(first & second) / len(first | second)
            assert wording < SAME_WORDING, f"{name}: {a.text!r} ~ {b.text!r}"
            assert content < SAME_CONTENT, f"{name}: {a.text!r} ~ {b.text!r}"


def test_every_story_has_three_to_five_bullets_each_citing_a_source(briefings):
    for name, briefing in briefings.items():
        assert 3 <= len(briefing.bullets) <= 5, name
        assert all(bullet.source_ids and bullet.facts for bullet in briefing.bullets), name


def _fact_text(fact: Claim | Figure | Dispute) -> str:
    if isinstance(fact, Dispute):
        return " ".join(version.value for version in fact.versions)
    quotes = " ".join(evidence.quote for evidence in fact.evidence)
    own = fact.text if isinstance(fact, Claim) else fact.value
    return f"{own} {quotes}"


def test_every_number_in_a_bullet_occurs_in_a_fact_it_cites(briefings):
    for name, briefing in briefings.items():
        facts = {f.id: f for f in (*briefing.claims, *briefing.figures, *briefing.disputes)}
        for bullet in briefing.bullets:
            cited = " ".join(_fact_text(facts[i]) for i in bullet.facts)
            missing = set(_NUMBER.findall(bullet.text)) - set(_NUMBER.findall(cited))
            assert not missing, f"{name}: {bullet.text!r} states {missing} no cited fact has"
