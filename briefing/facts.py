"""The facts of a briefing (claims, figures, disputes) by id: numbering them, looking them up.

Ids are assigned once the facts are final (after reconcile, and again after any later stage
that merges or reorders them): `c1, c2 …` for claims, `f1 …` for figures and `d1 …` for
disputes, in list order, so the same briefing always gets the same ids. Summary bullets
cite these ids; the sources a bullet links to are those of the facts it cites.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

from briefing.schema import Bullet, Claim, Dispute, Figure

CLAIM_PREFIX = "c"
FIGURE_PREFIX = "f"
DISPUTE_PREFIX = "d"

Fact = Claim | Figure | Dispute


class Facts(BaseModel):
    """A briefing's claims, figures and disputes, each with its id."""

    claims: list[Claim]
    figures: list[Figure]
    disputes: list[Dispute]

    def by_id(self) -> dict[str, Fact]:
        """Every fact under its id."""
        facts: dict[str, Fact] = {}
        every: list[Fact] = [*self.claims, *self.figures, *self.disputes]
        for fact in every:
            facts[fact.id] = fact
        return facts


def assign_ids(claims: list[Claim], figures: list[Figure], disputes: list[Dispute]) -> Facts:
    """Copies of the facts numbered in order: claims c1 …, figures f1 …, disputes d1 …"""
    return Facts(
        claims=[c.model_copy(update={"id": f"{CLAIM_PREFIX}{n}"}) for n, c in enumerate(claims, 1)],
        figures=[
            f.model_copy(update={"id": f"{FIGURE_PREFIX}{n}"}) for n, f in enumerate(figures, 1)
        ],
        disputes=[
            d.model_copy(update={"id": f"{DISPUTE_PREFIX}{n}"}) for n, d in enumerate(disputes, 1)
        ],
    )


def fact_sources(fact: Fact) -> list[str]:
    """The source ids a fact rests on, in order of first mention."""
    if isinstance(fact, Dispute):
        ids: Iterable[str] = (s for version in fact.versions for s in version.source_ids)
    else:
        ids = (item.source_id for item in fact.evidence)
    return list(dict.fromkeys(ids))


def with_fact_sources(bullet: Bullet, facts: dict[str, Fact]) -> Bullet:
    """The bullet citing only facts that exist, linked to their sources (and its own)."""
    cited = [fact_id for fact_id in dict.fromkeys(bullet.facts) if fact_id in facts]
    sources = dict.fromkeys(bullet.source_ids)
    for fact_id in cited:
        sources.update(dict.fromkeys(fact_sources(facts[fact_id])))
    return bullet.model_copy(update={"facts": cited, "source_ids": list(sources)})
