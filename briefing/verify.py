"""Keep only evidence that is really there: every quote must occur in the source it cites.

This is the guard against invented claims and citations. A quote counts when it is a
substring of its source's cleaned text after quotes, dashes and whitespace are folded
(`briefing.text.normalize_for_match`); anything else is dropped and counted. Claims and
figures left without evidence are dropped; actors keep only source ids that exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from pydantic import BaseModel

from briefing.pack import Pack
from briefing.schema import Actor, Article, Claim, Evidence, Extraction, Figure
from briefing.text import normalize_for_match

MIN_QUOTE_CHARS = 8

EvidenceBacked = TypeVar("EvidenceBacked", Claim, Figure)


class SourceTexts:
    """Normalised text of each source, for quote lookups."""

    def __init__(self, articles: Iterable[Article]) -> None:
        self._texts: dict[str, str] = {
            article.id: normalize_for_match(" ".join(article.paragraphs)) for article in articles
        }

    def __contains__(self, source_id: object) -> bool:
        return source_id in self._texts

    def quotes(self, source_id: str, quote: str) -> bool:
        """True when `quote` occurs in the source `source_id`."""
        needle = normalize_for_match(quote)
        text = self._texts.get(source_id)
        return text is not None and len(needle) >= MIN_QUOTE_CHARS and needle in text


Shared = dict[str, list[tuple[str, list[str]]]]


def _shared_blocks(pack: Pack) -> Shared:
    """The pack's wire copy (blocks carried by several sources), normalised, by carrier."""
    shared: Shared = {}
    for block in pack.blocks:
        if len(block.source_ids) > 1:
            entry = (normalize_for_match(" ".join(block.paragraphs)), block.source_ids)
            for source_id in block.source_ids:
                shared.setdefault(source_id, []).append(entry)
    return shared


def _spread(evidence: list[Evidence], shared: Shared) -> list[Evidence]:
    spread = {(item.source_id, item.quote): item for item in evidence}
    quotes_spread: set[str] = set()
    for item in evidence:
        if item.quote in quotes_spread:
            continue  # an engine may already cite a wire quote for each carrier
        quotes_spread.add(item.quote)
        needle = normalize_for_match(item.quote)
        for text, carriers in shared.get(item.source_id, ()):
            if needle in text:
                for other in carriers:
                    spread.setdefault(
                        (other, item.quote), Evidence(source_id=other, quote=item.quote)
                    )
    return list(spread.values())


def _credited(actor: Actor, shared: Shared) -> Actor:
    names = [normalize_for_match(name) for name in (actor.name, *actor.aliases)]
    sources = dict.fromkeys(actor.sources)
    for source_id in actor.sources:
        for text, carriers in shared.get(source_id, ()):
            if any(name in text for name in names):
                sources.update(dict.fromkeys(carriers))
    return actor.model_copy(update={"sources": list(sources)})


def cite_every_carrier(extraction: Extraction, pack: Pack) -> Extraction:
    """The extraction with each quote also cited for every other source that carries the
    quoted passage word for word, and each actor credited to them too.

    Wire copy is shown to an engine once, under the article that owns it, so that a pack's
    prompt does not depend on which other articles repeat it; this puts the other outlets
    back. `verify` still checks every citation against its source.
    """
    shared = _shared_blocks(pack)
    if not shared:
        return extraction
    return Extraction(
        actors=[_credited(actor, shared) for actor in extraction.actors],
        claims=[
            c.model_copy(update={"evidence": _spread(c.evidence, shared)})
            for c in extraction.claims
        ],
        figures=[
            f.model_copy(update={"evidence": _spread(f.evidence, shared)})
            for f in extraction.figures
        ],
    )


class Verified(BaseModel):
    """An extraction reduced to what its sources support, and how much was dropped."""

    extraction: Extraction
    dropped: int
    dropped_claims: int = 0
    dropped_figures: int = 0


def _check(
    evidence: list[Evidence], texts: SourceTexts, allowed: Mapping[str, object]
) -> tuple[list[Evidence], int]:
    """The evidence that holds, without repeats, and how many items failed."""
    unique: dict[tuple[str, str], Evidence] = {}
    rejected = 0
    for item in evidence:
        if item.source_id in allowed and texts.quotes(item.source_id, item.quote):
            unique.setdefault((item.source_id, normalize_for_match(item.quote)), item)
        else:
            rejected += 1
    return list(unique.values()), rejected


def _verify_items(
    items: list[EvidenceBacked], texts: SourceTexts, allowed: Mapping[str, object]
) -> tuple[list[EvidenceBacked], int]:
    kept: list[EvidenceBacked] = []
    rejected = 0
    for item in items:
        evidence, failed = _check(item.evidence, texts, allowed)
        rejected += failed
        if evidence:
            kept.append(item.model_copy(update={"evidence": evidence}))
    return kept, rejected


def verify(extraction: Extraction, texts: SourceTexts, allowed_ids: Iterable[str]) -> Verified:
    """Drop evidence whose quote is not in its source or whose source was not given.

    `allowed_ids` are the sources the engine was shown; citing any other id is dropped.
    """
    allowed = dict.fromkeys(source_id for source_id in allowed_ids if source_id in texts)
    claims, rejected_claims = _verify_items(extraction.claims, texts, allowed)
    figures, rejected_figures = _verify_items(extraction.figures, texts, allowed)
    actors = [
        actor.model_copy(update={"sources": [s for s in actor.sources if s in allowed]})
        for actor in extraction.actors
    ]
    return Verified(
        extraction=Extraction(
            actors=[actor for actor in actors if actor.sources], claims=claims, figures=figures
        ),
        dropped=rejected_claims + rejected_figures,
        dropped_claims=len(extraction.claims) - len(claims),
        dropped_figures=len(extraction.figures) - len(figures),
    )
