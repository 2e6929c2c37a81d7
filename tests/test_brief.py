"""The brief stage: paraphrases merged, items ranked, the key section selected."""

from __future__ import annotations

import pytest

from briefing.brief import (
    MAX_KEY_ACTORS,
    MAX_KEY_CLAIMS,
    Names,
    Statement,
    StatementSpace,
    _values_in,
    brief_story,
    merge_paraphrases,
    rank_claims,
    same_statement,
    similarity,
    word_budget,
)
from briefing.reconcile import Reconciled
from briefing.schema import Actor, Claim, Dispute, DisputeVersion, Evidence, Figure, Source

SOURCES = [
    Source(id="a", outlet="Daily Planet", path="a.txt"),
    Source(id="b", outlet="Evening Star", path="b.txt"),
    Source(id="c", outlet="Morning Post", path="c.txt", author="Lois Lane"),
]


def actor(name, kind="person", role=None, sources=("a",), aliases=()):
    return Actor(name=name, aliases=list(aliases), kind=kind, role=role, sources=list(sources))


def claim(speaker, text, *sources, quote=None):
    return Claim(
        speaker=speaker,
        text=text,
        evidence=[Evidence(source_id=s, quote=quote or f"{speaker} said {text}.") for s in sources],
    )


def figure(subject, value, number, source, attributed_to=None):
    return Figure(
        subject=subject,
        value=value,
        number=number,
        unit=None,
        qualifier=None,
        attributed_to=attributed_to,
        evidence=[Evidence(source_id=source, quote=f"there were {value} {subject}")],
    )


MAYOR = actor("Ann Ruiz", role="mayor of Port Lane", sources=("a", "b"), aliases=["Ruiz"])
UNION = actor("Dock Workers Union", kind="organization", sources=("a", "b", "c"))
PORT_LANE = actor("Port Lane", kind="other", sources=("a", "b", "c"))


def space_for(claims, actors=(MAYOR, UNION, PORT_LANE)):
    return StatementSpace(Names(actors), [c.text for c in claims])


def test_a_paraphrase_of_one_speaker_merges_with_all_its_evidence():
    claims = [
        claim("Ann Ruiz", "the harbour will reopen to ships on Monday after the repairs", "a"),
        claim("Ann Ruiz", "the harbour reopens to ships Monday once repairs end", "b"),
    ]
    merged = merge_paraphrases(claims, space_for(claims))
    assert len(merged) == 1
    assert {e.source_id for e in merged[0].evidence} == {"a", "b"}


def test_different_statements_of_one_speaker_stay_apart():
    claims = [
        claim("Ann Ruiz", "the harbour will reopen to ships on Monday", "a"),
        claim("Ann Ruiz", "the city budget cannot pay for a second bridge", "b"),
    ]
    assert len(merge_paraphrases(claims, space_for(claims))) == 2


def test_the_same_words_from_two_speakers_stay_two_claims():
    claims = [
        claim("Ann Ruiz", "the harbour will reopen to ships on Monday", "a"),
        claim("Dock Workers Union", "the harbour will reopen to ships on Monday", "b"),
    ]
    assert len(merge_paraphrases(claims, space_for(claims))) == 2


def test_statements_giving_other_numbers_count_as_less_alike():
    claims = [
        claim("Ann Ruiz", "repairs to the harbour wall will cost 40 million", "a"),
        claim("Ann Ruiz", "repairs to the harbour wall will cost 90 million", "b"),
        claim("Ann Ruiz", "repairs to the harbour wall will cost 40 million dollars", "c"),
    ]
    space = space_for(claims)
    forty, ninety, forty_again = (space.statement(c.text) for c in claims)
    assert similarity(forty, ninety) < similarity(forty, forty_again)
    assert not same_statement(forty, ninety)


def test_an_alias_and_the_name_it_stands_for_count_as_the_same_word():
    claims = [
        claim("Dock Workers Union", "Ruiz ignored the safety report on cranes", "a"),
        claim("Dock Workers Union", "Ann Ruiz ignored the safety report on cranes", "b"),
    ]
    space = space_for(claims)
    assert similarity(*(space.statement(c.text) for c in claims)) == pytest.approx(1.0)


def story(actors, claims, figures=(), disputes=()):
    return Reconciled(
        actors=list(actors), claims=list(claims), figures=list(figures), disputes=list(disputes)
    )


TEXTS = [
    "Ann Ruiz said the harbour will reopen. Ruiz spoke at the Dock Workers Union hall. "
    "The Dock Workers Union disagreed. Lois Lane reported from Port Lane. " * 30
]


def test_unnamed_groups_bylines_and_places_named_once_rank_after_those_who_speak():
    actors = [
        actor("officials", kind="organization", sources=("a", "b", "c")),
        actor("Lois Lane", sources=("a", "b", "c")),
        actor("Atlantis", kind="country", sources=("a", "b", "c")),
        UNION,
        MAYOR,
    ]
    claims = [
        claim("Ann Ruiz", "the harbour will reopen to ships on Monday", "a", "b"),
        claim("Dock Workers Union", "the cranes are not safe to use yet", "c"),
    ]
    briefed, _ = brief_story(story(actors, claims), SOURCES, TEXTS)
    order = [a.name for a in briefed.actors]
    assert order[:2] == ["Ann Ruiz", "Dock Workers Union"]
    assert set(order[2:]) == {"officials", "Lois Lane", "Atlantis"}
    assert [a.rank for a in briefed.actors] == [1, 2, 3, 4, 5]
    assert [a.key for a in briefed.actors] == [True, True, False, False, False]


def test_claims_carried_by_more_outlets_and_principal_speakers_rank_first():
    claims = [
        claim("officials", "the cranes were inspected last year by engineers", "c"),
        claim("Ann Ruiz", "the harbour will reopen to ships on Monday morning", "a", "b", "c"),
    ]
    actors = [MAYOR, actor("officials", kind="organization", sources=("c",))]
    briefed, _ = brief_story(story(actors, claims), SOURCES, TEXTS)
    assert [c.speaker for c in briefed.claims] == ["Ann Ruiz", "officials"]


def test_a_claim_like_one_already_ranked_yields_to_a_new_one():
    claims = [
        claim("Ann Ruiz", "the harbour will reopen to cargo ships on Monday morning", "a", "b"),
        claim("Bo Chen", "the harbour will reopen to cargo ships on Monday", "a", "b"),
        claim("Cy Park", "the second bridge needs money the city budget lacks", "c"),
    ]
    ranked = rank_claims(claims, [], [], SOURCES, space_for(claims), word_budget=500)
    assert [c.speaker for c in ranked.claims] == ["Ann Ruiz", "Cy Park", "Bo Chen"]


def test_a_claim_like_an_early_pick_yields_when_it_first_comes_near_the_top_picks_later():
    claims = [
        claim(
            "Ann Ruiz", "the harbour will reopen to cargo ships on Monday morning", "a", "b", "c"
        ),
        claim("Bo Chen", "the second bridge needs money the city budget lacks", "a", "b"),
        claim("Cy Park", "the harbour will reopen to cargo ships on Monday", "c"),
        claim("Di Wong", "teachers want smaller classes in every school", "c"),
    ]
    ranked = rank_claims(claims, [], [], SOURCES, space_for(claims), word_budget=500)
    assert [c.speaker for c in ranked.claims] == ["Ann Ruiz", "Bo Chen", "Di Wong", "Cy Park"]


def test_figures_that_a_claim_or_dispute_uses_rank_before_trivia():
    claims = [
        claim("Ann Ruiz", "repairs cost 40 million", "a", quote="there were 40 million repairs")
    ]
    figures = [
        figure("pages", "1,768", 1768, "b"),
        figure("repairs", "40 million", 40e6, "a", attributed_to="Ann Ruiz"),
        figure("ships", "12", 12, "b"),
        figure("ships", "15", 15, "c"),
    ]
    dispute = Dispute(
        subject="ships",
        versions=[
            DisputeVersion(value="12", number=12, attributed_to=None, source_ids=["b"]),
            DisputeVersion(value="15", number=15, attributed_to=None, source_ids=["c"]),
        ],
        note="",
    )
    briefed, _ = brief_story(story([MAYOR], claims, figures, [dispute]), SOURCES, TEXTS)
    assert briefed.figures[-1].subject == "pages"
    assert [f.key for f in briefed.figures if f.subject == "repairs"] == [True]
    assert not any(f.key for f in briefed.figures if f.subject == "ships")  # in the dispute
    assert briefed.disputes == [dispute]


def test_the_key_section_keeps_to_its_limits_and_the_output_keeps_every_item():
    actors = [actor(f"Speaker {n} Smith", sources=("a", "b")) for n in range(20)]
    claims = [
        claim(f"Speaker {n} Smith", f"topic{n} matters because reason{n} holds for {n} people", "a")
        for n in range(20)
    ]
    briefed, _ = brief_story(story(actors, claims), SOURCES, TEXTS * 20)
    assert sum(a.key for a in briefed.actors) == MAX_KEY_ACTORS
    assert sum(c.key for c in briefed.claims) <= MAX_KEY_CLAIMS
    assert len(briefed.actors) == 20 and len(briefed.claims) == 20
    assert sorted(c.rank for c in briefed.claims) == list(range(1, 21))


def test_a_short_input_gets_a_smaller_key_section():
    claims = [
        claim("Ann Ruiz", f"point{n} about harbour{n} and crane{n} safety rules today", "a")
        for n in range(12)
    ]
    long, _ = brief_story(story([MAYOR], claims), SOURCES, ["word " * 5000])
    short, _ = brief_story(story([MAYOR], claims), SOURCES, ["word " * 800])
    assert sum(c.key for c in short.claims) < sum(c.key for c in long.claims)
    assert word_budget(800) < word_budget(5000) <= 900


def test_the_merge_count_is_reported():
    claims = [
        claim("Ann Ruiz", "the harbour will reopen to ships on Monday after the repairs", "a"),
        claim("Ann Ruiz", "the harbour reopens to ships Monday once repairs end", "b"),
    ]
    briefed, merged = brief_story(story([MAYOR], claims), SOURCES, TEXTS)
    assert merged == 1 and len(briefed.claims) == 1


def test_a_statements_weight_does_not_depend_on_the_order_of_its_tokens():
    # A set's order follows string hashing, which changes between runs: a plain float sum
    # over it gave 0.0 in one order and 1.0 in another, and so ranked ties differently.
    statement = Statement(frozenset(), frozenset(), {"a": 1e16, "b": 1.0, "c": -1e16})
    assert statement.weight(["a", "b", "c"]) == statement.weight(["a", "c", "b"]) == 1.0


def test_values_in_quotes_include_those_that_begin_a_longer_value_found_at_one_place():
    quotes = ["prices rose 40% to $2.5 billion", "a 140-page report"]
    values = {"40%", "40", "$2.5 billion", "$2.5", "140-page", "0-page", "41", "billion dollars"}
    assert _values_in(quotes, values) == values - {"41", "billion dollars"}


def test_a_quotation_over_several_sentences_costs_its_whole_text_in_the_word_budget():
    first = "We will reopen the harbour on Monday."
    rest = " ".join(["The cranes are ready and the crews have been trained for weeks."] * 4)
    long_quote = Claim(
        speaker="Ann Ruiz",
        text=f"{first} {rest}",
        evidence=[
            Evidence(source_id="a", quote=f'"{first}" Ruiz said.'),
            Evidence(source_id="a", quote=f'"{rest}"'),
        ],
    )
    ranked = rank_claims([long_quote], [], [], SOURCES, space_for([long_quote]), word_budget=30)
    assert ranked.picked == 0
