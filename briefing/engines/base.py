"""The one small interface every engine implements."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol

from pydantic import BaseModel

from briefing.dedup import Passage
from briefing.pack import Pack
from briefing.schema import Actor, Claim, Dispute, Extraction, Figure, Summary, Usage

__all__ = ["Engine", "ExtractionFailed", "PackTooLong", "SummaryInput", "Usage"]


class SummaryInput(BaseModel):
    """What a summary is written from: the reconciled story and the passages it came from."""

    actors: list[Actor]
    claims: list[Claim]
    figures: list[Figure]
    disputes: list[Dispute]
    passages: list[Passage]
    titles: list[str]


class ExtractionFailed(Exception):
    """An engine could not extract a pack, after its retries. The message says why;
    `usage` is what the failed attempts cost."""

    def __init__(self, reason: str, usage: Usage | None = None) -> None:
        super().__init__(reason)
        self.usage = usage or Usage()


class PackTooLong(ExtractionFailed):
    """A pack whose prompt does not fit the model's context: it must be split to be read."""


class Engine(Protocol):
    """Turns packs into extractions and a reconciled story into a summary."""

    name: str
    # True when `summarize` asks a model to write (a call that costs and can fail), so a
    # caller may spend one on the day in brief; False when it picks sentences of the passages.
    writes_summaries: bool

    @property
    def model(self) -> str | None:
        """The model it asks, or None when it asks none."""
        ...

    def session(self) -> AbstractAsyncContextManager[object]:
        """Resources held for one run (HTTP client, cache, cassette), entered around it."""
        ...

    def prompt_overhead(self) -> int:
        """Tokens each extraction call spends before the pack text (instructions, schema)."""
        ...

    def prompt_budget(self, requested: int) -> int:
        """The most prompt tokens one extraction call may take: `requested` (--budget), or
        less when the model's context leaves less room beside its answer."""
        ...

    def estimate(self, packs: list[Pack]) -> Usage:
        """What extracting `packs` and one summary would cost, without calling anything."""
        ...

    async def extract(self, pack: Pack) -> tuple[Extraction, Usage]:
        """Extract actors, claims and figures from one pack; raise ExtractionFailed if it can't."""
        ...

    async def summarize(self, story: SummaryInput) -> tuple[Summary, Usage]:
        """Write a headline and bullets for the reconciled story."""
        ...
