"""Fact ids: numbered in order after reconcile; bullets link to the sources of their facts."""

from __future__ import annotations

import asyncio

from briefing.dedup import Passage
from briefing.engines import SummaryInput
from briefing.engines.offline import OfflineEngine
from briefing.facts import assign_ids, with_fact_sources
from briefing.schema import Bullet, Claim, Dispute, DisputeVersion, Evidence


def claim(text: str, *sources: str) -> Claim:
    evidence = [Evidence(source_id=s, quote=f"{text} said the mayor") for s in sources]
    return Claim(speaker="Mayor Brandt", text=text, evidence=evidence)


def dispute(*sources: str) -> Dispute:
    versions = [
        DisputeVersion(value=str(n), number=n, attributed_to=None, source_ids=[s])
        for n, s in enumerate(sources, 400)
    ]
    return Dispute(subject="residents evacuated", versions=versions, note="")


def test_ids_number_claims_figures_and_disputes_in_order_each_with_its_own_prefix(
    evacuation_figure,
):
    facts = assign_ids(
        [claim("The dam held", "a"), claim("The river peaked", "b")],
        [evacuation_figure("400")],
        [dispute("a", "b")],
    )
    assert [c.id for c in facts.claims] == ["c1", "c2"]
    assert [f.id for f in facts.figures] == ["f1"]
    assert [d.id for d in facts.disputes] == ["d1"]
    assert set(facts.by_id()) == {"c1", "c2", "f1", "d1"}


def test_assigning_again_after_a_merge_renumbers_from_the_start():
    first = assign_ids([claim("The dam held", "a"), claim("The river peaked", "b")], [], [])
    again = assign_ids(first.claims[1:], [], [])
    assert [c.id for c in again.claims] == ["c1"]
    assert again.claims[0].text == "The river peaked"


def test_a_bullet_links_to_the_sources_of_the_facts_it_cites_and_forgets_unknown_ids(
    evacuation_figure,
):
    facts = assign_ids(
        [claim("The dam held", "a", "b")], [evacuation_figure("400", source="c")], [dispute("d")]
    )
    bullet = Bullet(text="The dam held.", facts=["c1", "f1", "x9", "c1", "d1"], source_ids=[])
    linked = with_fact_sources(bullet, facts.by_id())
    assert linked.facts == ["c1", "f1", "d1"]
    assert linked.source_ids == ["a", "b", "c", "d"]


def test_offline_bullets_cite_the_claims_quoted_in_their_sentence():
    sentence = "The dam held through the night, said the mayor of the flooded river town."
    quoted = Claim(
        speaker="Mayor Brandt",
        text="The dam held",
        evidence=[Evidence(source_id="a", quote="The dam held through the night")],
    )
    other = Claim(
        speaker="Mayor Brandt",
        text="Schools close",
        evidence=[Evidence(source_id="a", quote="schools will stay closed")],
    )
    facts = assign_ids([other, quoted], [], [])
    story = SummaryInput(
        actors=[],
        claims=facts.claims,
        figures=[],
        disputes=[],
        passages=[Passage(text=sentence, source_ids=["a"])],
        titles=[],
    )
    summary, _ = asyncio.run(OfflineEngine().summarize(story))
    assert [(b.text, b.facts, b.source_ids) for b in summary.bullets] == [(sentence, ["c2"], ["a"])]
