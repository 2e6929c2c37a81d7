"""The offline engine: rules and word lists instead of a model. No network, no key.

It reads a pack as articles of sentences, finds the actors named in them, the statements
attributed to them and the figures they give, and returns the same `Extraction` an LLM
engine returns. Evidence quotes are whole sentences of the passage, so they are verbatim,
and a passage carried by several sources gives evidence for each of them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from briefing.ahead import StoriesAhead, Story
from briefing.engines.base import SummaryInput, Usage
from briefing.engines.offline_actors import Mention, build_actors, document_mentions, resolve
from briefing.engines.offline_claims import Attribution, ClaimFinder, shown_description
from briefing.engines.offline_figures import FoundFigure, document_figures
from briefing.language.gender import load_name_list
from briefing.language.sentences import Document, Sentence, documents_of
from briefing.memory import cycle_collector_paused
from briefing.pack import Pack
from briefing.parallel import start_workers
from briefing.schema import Actor, Claim, Evidence, Extraction, Figure, Summary
from briefing.summary import summarize_story

# Packs are extracted by two worker processes when those beside the largest hold at least
# this many tokens (the work that can run next to it): below that, starting the workers
# costs about what they save.
PARALLEL_MIN_TOKENS = 10_000


class OfflineEngine:
    """Deterministic extraction and summary from rules; costs nothing and calls nothing."""

    name = "offline"
    model: str | None = None
    writes_summaries = False

    def __init__(self) -> None:
        self._workers: ProcessPoolExecutor | None = None
        # Extractions under way (as `_extract_as_dict` hands them back), by the pack's id;
        # holding the pack keeps its id its own.
        self._ahead: dict[int, tuple[Pack, Future[dict[str, Any]]]] = {}

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[object]:
        """No client, no cache, no cassette; worker processes that `extract_ahead` started
        are stopped at its end (extractions not yet started are dropped)."""
        try:
            yield self
        finally:
            self._ahead.clear()
            self._stop_workers(drop_waiting=True)

    def _stop_workers(self, *, drop_waiting: bool) -> None:
        """Let the workers end once the extractions they were given are done, or, with
        `drop_waiting`, once those they have started are."""
        if self._workers is not None:
            self._workers.shutdown(wait=False, cancel_futures=drop_waiting)
        self._workers = None

    def extract_ahead(self, packs: list[Pack]) -> None:
        """Start extracting `packs` in two worker processes, in their order, when they are
        enough work to gain from it; `extract` then waits for a pack's extraction instead
        of doing it. Call it inside `session`, before starting any other thread."""
        if not _worth_workers(packs):
            return
        if self._workers is None:
            load_name_list()
            self._workers = start_workers()
        if self._workers is None:
            return
        for pack in packs:
            self._ahead[id(pack)] = (pack, self._workers.submit(_extract_as_dict, pack))

    def prompt_overhead(self) -> int:
        """No prompt: nothing is spent before the pack text."""
        return 0

    def prompt_budget(self, requested: int) -> int:
        """No model context to fit: the budget asked for."""
        return requested

    def estimate(self, packs: list[Pack]) -> Usage:
        """Extraction by rule costs nothing."""
        return Usage()

    async def extract(self, pack: Pack) -> tuple[Extraction, Usage]:
        """Actors, claims and figures of one pack."""
        ahead = self._ahead.pop(id(pack), None)
        if ahead is None:
            return extract_pack(pack), Usage()
        if not self._ahead:  # the last pack asked for: its workers need not wait for more
            self._stop_workers(drop_waiting=False)
        return Extraction.model_validate(await asyncio.wrap_future(ahead[1])), Usage()

    def stories_ahead(self, stories: list[Story], packs: list[Pack]) -> StoriesAhead | None:
        """A process doing part of the stories' work beside the run's own, with the answers
        `summarize` and the brief would give (see `briefing.ahead`), when the `packs` are
        enough work to gain from it. Call it before starting any other thread."""
        return StoriesAhead.start(stories) if _worth_workers(packs) else None

    async def summarize(self, story: SummaryInput) -> tuple[Summary, Usage]:
        """A headline and central sentences of the story, verbatim."""
        return summarize_story(story), Usage()


def _worth_workers(packs: list[Pack]) -> bool:
    """Whether the packs beside the largest hold enough tokens to share them out."""
    sizes = [pack.tokens for pack in packs]
    return len(sizes) > 1 and sum(sizes) - max(sizes) >= PARALLEL_MIN_TOKENS


def _add_evidence(evidence: list[Evidence], sentence: Sentence) -> None:
    """Add the sentence as evidence for each of its sources, once."""
    seen = {(e.source_id, e.quote) for e in evidence}
    for source in sentence.source_ids:
        if (source, sentence.text) not in seen:
            evidence.append(Evidence(source_id=source, quote=sentence.text))


def _claims(attributions: list[Attribution]) -> list[Claim]:
    merged: dict[tuple[str | None, str], Claim] = {}
    for attribution in attributions:
        speaker = attribution.speaker
        if not attribution.named and speaker is not None:
            speaker = shown_description(speaker)
        key = (speaker, attribution.text)
        claim = merged.setdefault(key, Claim(speaker=speaker, text=attribution.text, evidence=[]))
        for sentence in (attribution.sentence, *attribution.more):
            _add_evidence(claim.evidence, sentence)
    return list(merged.values())


def _figures(found: list[FoundFigure]) -> list[Figure]:
    merged: dict[tuple[str, str, str | None], Figure] = {}
    for item in found:
        quantity = item.quantity
        key = (item.subject, quantity.value, item.speaker)
        figure = merged.setdefault(
            key,
            Figure(
                subject=item.subject,
                value=quantity.value,
                number=quantity.number,
                unit=quantity.unit,
                qualifier=quantity.qualifier,
                attributed_to=item.speaker,
                evidence=[],
            ),
        )
        _add_evidence(figure.evidence, item.sentence)
    return list(merged.values())


def _speaker_actors(attributions: list[Attribution], actors: list[Actor]) -> list[Actor]:
    """Unnamed organisations that speak ("South Korea's intelligence service") are actors too;
    descriptions ("local officials") and several actors speaking together are not."""
    known = {name for actor in actors for name in (actor.name, *actor.aliases)}
    sources: dict[str, dict[str, None]] = defaultdict(dict)
    for attribution in attributions:
        speaker = attribution.speaker
        if attribution.named and speaker is not None and speaker not in known:
            sources[speaker].update(dict.fromkeys(attribution.sentence.source_ids))
    return [
        Actor(name=name, aliases=[], kind="organization", role=None, sources=list(ids))
        for name, ids in sources.items()
    ]


def _analyse(
    documents: list[Document],
) -> tuple[list[Mention], list[Attribution], list[FoundFigure]]:
    mentions_by_document = {index: document_mentions(doc) for index, doc in enumerate(documents)}
    resolve(mentions_by_document)
    attributions: list[Attribution] = []
    figures: list[FoundFigure] = []
    for index, document in enumerate(documents):
        found = ClaimFinder(document, mentions_by_document[index]).attributions()
        speakers = {a.index: a.speaker for a in found if a.speaker is not None}
        attributions.extend(found)
        figures.extend(document_figures(document, speakers))
    mentions = [m for ms in mentions_by_document.values() for m in ms]
    return mentions, attributions, figures


def _extract_as_dict(pack: Pack) -> dict[str, Any]:
    """`extract_pack` as plain data, for a worker to hand back: the parent validates it
    into the model again in a quarter of the time unpickling the model itself takes."""
    return extract_pack(pack).model_dump()


@cycle_collector_paused()
def extract_pack(pack: Pack) -> Extraction:
    """Actors, claims and figures of one pack, by rule."""
    mentions, attributions, figures = _analyse(documents_of(pack))
    actors = build_actors(mentions, frozenset(a.speaker for a in attributions if a.speaker))
    actors += _speaker_actors(attributions, actors)
    return Extraction(actors=actors, claims=_claims(attributions), figures=_figures(figures))
