"""Engines turn packs into extractions. `select_engine` picks one from the options."""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefing.config import Options
from briefing.engines.base import Engine, ExtractionFailed, PackTooLong, SummaryInput, Usage
from briefing.engines.batch import BatchOutcome
from briefing.errors import BriefingError
from briefing.pack import Pack

if TYPE_CHECKING:
    from briefing.ahead import StoriesAhead, Story
    from briefing.engines.openai import OpenAIEngine

__all__ = [
    "Engine",
    "ExtractionFailed",
    "PackTooLong",
    "SummaryInput",
    "Usage",
    "batch_status",
    "extract_ahead",
    "extract_by_batch",
    "resume_batch",
    "select_engine",
    "stories_ahead",
    "summarize_by_batch",
]


def select_engine(options: Options) -> Engine:
    """The engine the options ask for (`auto`: openai with a key or base URL, else offline)."""
    if options.resolved_engine == "openai":
        from briefing.engines.openai import OpenAIEngine

        return OpenAIEngine(options)
    from briefing.engines.offline import OfflineEngine

    return OfflineEngine()


def extract_ahead(engine: Engine, packs: list[Pack]) -> None:
    """Let the offline engine start on the run's packs in worker processes, inside its
    session, so that the run then finds them under way; an engine that asks a model takes
    each pack as the run asks for it."""
    from briefing.engines.offline import OfflineEngine

    if isinstance(engine, OfflineEngine):
        engine.extract_ahead(packs)


def stories_ahead(engine: Engine, stories: list[Story], packs: list[Pack]) -> StoriesAhead | None:
    """With the offline engine, whose summary picks sentences of the passages, a process
    doing part of the stories' work beside the run's own (see `briefing.ahead`), when the
    run's `packs` are enough work to gain from it; start it before any thread."""
    from briefing.engines.offline import OfflineEngine

    return engine.stories_ahead(stories, packs) if isinstance(engine, OfflineEngine) else None


async def extract_by_batch(engine: Engine, packs: list[Pack]) -> None:
    """With `--batch`: ask for the packs' extractions as one Batch API batch first, inside
    the engine's session, so the run then finds them answered (see `briefing.engines.batch`)."""
    await _batch_engine(engine).extract_by_batch(packs)


async def summarize_by_batch(engine: Engine, stories: list[SummaryInput]) -> None:
    """With `--batch`: ask for the stories' summaries as a second batch, once their facts are
    reconciled, so the run then finds them answered."""
    await _batch_engine(engine).summarize_by_batch(stories)


def _batch_engine(engine: Engine) -> OpenAIEngine:
    from briefing.engines.openai import OpenAIEngine

    if not isinstance(engine, OpenAIEngine):
        raise BriefingError("--batch needs the openai engine: the Batch API is OpenAI's")
    return engine


async def batch_status(options: Options, batch_id: str) -> str:
    """Where a batch started by an earlier `--batch` run stands, on one line."""
    from briefing.engines.openai import OpenAIEngine

    engine = OpenAIEngine(options.model_copy(update={"engine": "openai"}))
    async with engine.session():
        return await engine.batch_status(batch_id)


async def resume_batch(options: Options, batch_id: str) -> BatchOutcome:
    """Wait for a batch started by an earlier `--batch` run and keep its answers in the
    response cache, so the same command run again finds them."""
    from briefing.engines.openai import OpenAIEngine

    engine = OpenAIEngine(options.model_copy(update={"engine": "openai"}))
    async with engine.session():
        return await engine.resume_batch(batch_id)
