"""What code rebuilds of a model's extraction instead of asking the model to write it.

Answer tokens cost several times prompt tokens, so the model is not asked for what code
can find as well: an actor's `sources` are the sources of the pack whose text names it
(by its name or an alias, as whole words), and a figure's `number`, `unit` and
`qualifier` are read from its `value` ("up to 40%" → 40, "%", "up to") by the same
parser the offline engine uses. Those fields are `OUTPUT_ONLY` in `briefing.schema`, so
they are not in the schema the model is given.
"""

from __future__ import annotations

import re
from collections import defaultdict

from briefing.language.numbers import parse_quantity
from briefing.pack import Pack
from briefing.schema import Actor, Extraction, Figure
from briefing.text import normalize_for_match


def _texts_by_owner(pack: Pack) -> dict[str, str]:
    """Each article's paragraphs shown in the pack, as one normalised text."""
    parts: defaultdict[str, list[str]] = defaultdict(list)
    for block in pack.blocks:
        parts[block.source_ids[0]].extend(normalize_for_match(p) for p in block.paragraphs)
    return {owner: "\n".join(paragraphs) for owner, paragraphs in parts.items()}


def _name_pattern(actor: Actor) -> re.Pattern[str] | None:
    names = {normalize_for_match(name) for name in (actor.name, *actor.aliases)}
    names.discard("")
    if not names:
        return None
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _credited(actor: Actor, texts: dict[str, str]) -> Actor:
    """The actor with its sources: the pack's articles whose text names it."""
    pattern = _name_pattern(actor)
    sources = [owner for owner, text in texts.items() if pattern and pattern.search(text)]
    return actor.model_copy(update={"sources": sources})


def _read(figure: Figure) -> Figure:
    """The figure with its number, unit and qualifier read from its value."""
    quantity = parse_quantity(figure.value)
    if quantity is None:
        return figure.model_copy(update={"number": None, "unit": None, "qualifier": None})
    return figure.model_copy(
        update={
            "number": quantity.number,
            "unit": quantity.unit,
            "qualifier": quantity.qualifier,
        }
    )


def completed(extraction: Extraction, pack: Pack) -> Extraction:
    """The model's extraction of `pack` with the fields code fills filled in (sources are
    pack source ids, so call it after labels are mapped back to ids)."""
    texts = _texts_by_owner(pack)
    return Extraction(
        actors=[_credited(actor, texts) for actor in extraction.actors],
        claims=extraction.claims,
        figures=[_read(figure) for figure in extraction.figures],
    )
