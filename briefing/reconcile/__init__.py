"""Merge the extractions of all packs into one story: one actor per entity, one claim per
statement, and disputes where sources give different values for the same quantity.

Deterministic and engine-neutral: model output and offline output go through the same rules.

- Actors: names are folded (case, diacritics, punctuation, honorifics, initials, "Jr.").
  People merge on the same surname with similar first names ("Sergey"/"Sergei" Lavrov);
  a lone surname or "Mr Kim" joins the one full name it shortens; countries, institutions
  and outlets take the name the word lists give; an acronym joins the name it abbreviates.
- Claims and figures are renamed to the canonical actor, then near-identical claims by
  the same speaker merge their evidence, as do identical figures.
- Disputes: figures are grouped when they count the same thing (same head noun or
  synonym, compatible measure, no conflicting complement or year, shared context words),
  never putting two different values from one source together. A group is a dispute when
  two of its values, given by different sources, disagree.
"""

from __future__ import annotations

from pydantic import BaseModel

from briefing.reconcile.actors import by_importance, resolve_actors
from briefing.reconcile.claims import merge_claims
from briefing.reconcile.common import fold
from briefing.reconcile.figures import find_disputes, merge_figures, same_number
from briefing.schema import Actor, Claim, Dispute, Extraction, Figure

__all__ = ["Reconciled", "fold", "reconcile", "same_number"]


class Reconciled(BaseModel):
    """The merged story: actors by importance, claims by speaker importance, disputes."""

    actors: list[Actor]
    claims: list[Claim]
    figures: list[Figure]
    disputes: list[Dispute]


def reconcile(extractions: list[Extraction]) -> Reconciled:
    """Merge extractions into one story with canonical actors, merged claims and disputes."""
    actors, names = resolve_actors([a for e in extractions for a in e.actors])
    claims = [
        claim.model_copy(update={"speaker": names.canonical(claim.speaker)})
        for e in extractions
        for claim in e.claims
    ]
    figures = [
        figure.model_copy(update={"attributed_to": names.canonical(figure.attributed_to)})
        for e in extractions
        for figure in e.figures
    ]
    by_name = {actor.name: actor for actor in actors}
    claims = merge_claims(claims, by_name)
    actors = by_importance(actors, claims)
    rank = {actor.name: position for position, actor in enumerate(actors)}
    claims.sort(key=lambda c: (rank.get(c.speaker or "", len(rank)), -len(c.evidence)))
    figures = merge_figures(figures)
    disputes = find_disputes(figures)
    return Reconciled(actors=actors, claims=claims, figures=figures, disputes=disputes)
