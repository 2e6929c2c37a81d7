"""Run the stages in order: ingest → clean → dedup → pack → extract → verify → reconcile →
brief → summarise, and assemble the `Briefing`.

Each extraction is verified as soon as it arrives, against the sources its pack showed
the engine, so reconcile only ever merges evidence that is really in the articles.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from pydantic import BaseModel

from briefing.ahead import Story, StoryAhead
from briefing.brief import brief_story
from briefing.clean import clean, clean_paragraphs, why_dropped, with_story
from briefing.config import Options
from briefing.dedup import Passage, dedup
from briefing.engines import (
    Engine,
    ExtractionFailed,
    PackTooLong,
    SummaryInput,
    Usage,
    extract_ahead,
    extract_by_batch,
    select_engine,
    stories_ahead,
    summarize_by_batch,
)
from briefing.errors import BriefingError, NothingUsable
from briefing.facts import Fact, Facts, assign_ids, with_fact_sources
from briefing.ingest import FetchOptions, Paths, Selection, load
from briefing.memory import cycle_collector_paused
from briefing.pack import Pack, halves, make_packs
from briefing.parallel import map_in_processes
from briefing.reconcile import Reconciled, reconcile
from briefing.schema import Article, Briefing, Extraction, Skipped, Stats, Summary
from briefing.summary import summarize_story
from briefing.tokens import count_tokens, count_tokens_each
from briefing.verify import SourceTexts, Verified, cite_carriers, ground_summary, verify

log = logging.getLogger(__name__)

NOT_COVERED = "not covered"  # opens the reason of every article an engine failed to read
# From this many articles cleaning is shared by two processes (below it, starting them costs
# more than it saves), handed out this many articles at a time.
PARALLEL_CLEAN_MIN_ARTICLES = 5_000
CLEANING_CHUNK = 250


class Reporter(Protocol):
    """Hears about progress, e.g. to draw a progress bar."""

    def packs_planned(self, total: int) -> None:
        """`total` packs are about to be extracted."""
        ...

    def pack_done(self) -> None:
        """One more pack finished (extracted or failed)."""
        ...


class Prepared(BaseModel):
    """The input after the local stages: clean articles, their passages and packs."""

    articles: list[Article]
    skipped: list[Skipped]
    passages: list[Passage]
    packs: list[Pack]
    unique_tokens: int


class PackResult(BaseModel):
    """One pack's extraction, or why it failed."""

    pack: Pack
    extraction: Extraction | None
    error: str | None
    usage: Usage


def fetch_options(options: Options) -> FetchOptions:
    """How the run fetches URL inputs: its timeout, size cap, cache and ``--follow``."""
    return FetchOptions(
        timeout=options.fetch_timeout,
        max_bytes=options.max_file_bytes,
        cache_dir=options.fetch_cache_dir,
        follow=options.follow,
    )


def clean_all(articles: list[Article]) -> list[Article]:
    """`clean` of each article, in order; many articles are cleaned by two processes."""
    if len(articles) < PARALLEL_CLEAN_MIN_ARTICLES:
        return list(map(clean, articles))
    # Workers get and return plain paragraph lists: cheaper to pass than the models.
    texts = [article.paragraphs for article in articles]
    stories = map_in_processes(clean_paragraphs, texts, chunksize=CLEANING_CHUNK)
    return list(map(with_story, articles, stories))


@cycle_collector_paused()
def read_articles(
    paths: Paths, options: Options, stdin: BinaryIO | None = None
) -> tuple[list[Article], list[Skipped]]:
    """Ingest and clean the inputs. Articles with nothing left after cleaning are skipped."""
    ingested = load(
        paths,
        stdin=stdin,
        max_file_bytes=options.max_file_bytes,
        max_articles=options.max_articles,
        selection=Selection.of(options.include, options.exclude),
        fetch=fetch_options(options),
    )
    articles: list[Article] = []
    skipped = list(ingested.skipped)
    for read, article in zip(ingested.articles, clean_all(ingested.articles), strict=True):
        if article.paragraphs:
            articles.append(article)
        else:
            reason = f"no article text left after removing page furniture ({why_dropped(read)})"
            skipped.append(Skipped(path=article.source.path, reason=reason))
    log.info("read %d articles; %d inputs or articles skipped", len(articles), len(skipped))
    return articles, skipped


@cycle_collector_paused()
def prepare(
    articles: list[Article], skipped: list[Skipped], engine: Engine, options: Options
) -> Prepared:
    """Dedup and pack clean articles for `engine` under the options' token budget."""
    if not articles:
        raise NothingUsable(skipped)
    budget = engine.prompt_budget(options.budget)
    capacity = budget - engine.prompt_overhead()
    if capacity <= 0:
        limit = f"--budget {options.budget}" if budget == options.budget else "the model's context"
        raise BriefingError(
            f"{limit} leaves no room for article text: the instructions alone take "
            f"{engine.prompt_overhead()} tokens. Raise --budget, or use a larger context."
        )
    passages = dedup(articles)
    count = functools.partial(count_tokens, model=engine.model)
    # Packing counts each passage again: remember the passages' counts (only theirs, so
    # what is remembered is no larger than the input).
    texts = [passage.text for passage in passages]
    sizes = dict(zip(texts, count_tokens_each(texts, engine.model), strict=True))

    def counted(text: str) -> int:
        return sizes[text] if text in sizes else count(text)

    prepared = Prepared(
        articles=articles,
        skipped=skipped,
        passages=passages,
        packs=make_packs(passages, capacity, counted),
        unique_tokens=sum(sizes[passage.text] for passage in passages),
    )
    log.info(
        "%d passages after dedup, %d unique tokens, in %d packs of at most %d tokens",
        len(passages),
        prepared.unique_tokens,
        len(prepared.packs),
        capacity,
    )
    return prepared


async def _extract_one(
    engine: Engine, pack: Pack, limit: asyncio.Semaphore, reporter: Reporter | None
) -> list[PackResult]:
    results = await _extract_fitting(engine, pack, limit)
    if reporter:
        reporter.pack_done()
    return results


async def _extract_fitting(
    engine: Engine, pack: Pack, limit: asyncio.Semaphore
) -> list[PackResult]:
    """The pack's result; or, when it is too long for the model's context, the results of
    its halves (each split again while it does not fit)."""
    async with limit:
        try:
            extraction, usage = await engine.extract(pack)
            return [PackResult(pack=pack, extraction=extraction, error=None, usage=usage)]
        except ExtractionFailed as failure:
            parts = halves(pack) if isinstance(failure, PackTooLong) else []
            spent, problem = failure.usage, failure
    if not parts:
        log.warning("a pack of %d sources failed: %s", len(pack.source_ids), problem)
        failed = spent + Usage(failed_calls=1)
        return [PackResult(pack=pack, extraction=None, error=str(problem), usage=failed)]
    log.info(
        "a pack of %d sources is too long (%s); splitting it in two", len(pack.source_ids), problem
    )
    halves_done = await asyncio.gather(*(_extract_fitting(engine, part, limit) for part in parts))
    results = [result for done in halves_done for result in done]
    results[0].usage += spent
    return results


async def extracted(
    engine: Engine, packs: list[Pack], concurrency: int, reporter: Reporter | None = None
) -> AsyncGenerator[PackResult, None]:
    """Extract every pack, at most `concurrency` at a time, handing each result over in the
    packs' order as soon as it and those before it are in; failures are handed over, not
    raised. Close it (`contextlib.aclosing`) to stop the extractions not done yet."""
    if reporter:
        reporter.packs_planned(len(packs))
    limit = asyncio.Semaphore(concurrency)
    tasks = [asyncio.ensure_future(_extract_one(engine, p, limit, reporter)) for p in packs]
    try:
        for task in tasks:
            for result in await task:
                yield result
    finally:
        for task in tasks:
            task.cancel()


async def extract_all(
    engine: Engine, packs: list[Pack], concurrency: int, reporter: Reporter | None = None
) -> list[PackResult]:
    """Extract every pack, at most `concurrency` at a time; failures are returned, not raised."""
    async with contextlib.aclosing(extracted(engine, packs, concurrency, reporter)) as results:
        return [result async for result in results]


def _uncovered(prepared: Prepared, results: list[PackResult]) -> list[Skipped]:
    """Articles some of whose text was in a pack that failed, with the reason."""
    reasons: dict[str, str] = {}
    for result in results:
        if result.error is None:
            continue
        for source_id in result.pack.source_ids:
            reasons.setdefault(source_id, result.error)
    return [
        Skipped(
            path=article.source.path,
            reason=f"{NOT_COVERED}: extraction failed for its text ({reasons[article.id]})",
        )
        for article in prepared.articles
        if article.id in reasons
    ]


async def _summarize(
    engine: Engine, story: SummaryInput, ahead: StoryAhead | None
) -> tuple[Summary, Usage]:
    if ahead is not None:  # the offline engine's summary, which costs nothing
        return ahead.summary(story), Usage()
    try:
        return await engine.summarize(story)
    except ExtractionFailed as failure:
        log.warning("the summary call failed (%s); composing it from the facts instead", failure)
        return summarize_story(story), failure.usage + Usage(failed_calls=1)


def _grounded(
    summary: Summary, story: SummaryInput, facts: dict[str, Fact], texts: SourceTexts
) -> tuple[Summary, int]:
    """The summary with only the bullets its facts support, and how many were dropped; if
    none is left, the bullets composed from the facts stand in for them."""
    checked = ground_summary(summary, facts, texts)
    if checked.summary.bullets:
        return checked.summary, checked.dropped_bullets
    composed = ground_summary(summarize_story(story), facts, texts).summary
    return summary.model_copy(update={"bullets": composed.bullets}), checked.dropped_bullets


def _total(usages: Sequence[Usage]) -> Usage:
    return sum(usages, Usage())


@dataclass
class Gathered:
    """A story between its extractions and its summary: the pack results, their verified
    extractions reconciled into facts, and the summary's input."""

    results: list[PackResult]
    verified: list[Verified]
    story: Reconciled
    merged_claims: int
    facts: Facts
    texts: SourceTexts
    summary_input: SummaryInput
    ahead: StoryAhead | None = None


async def brief(
    prepared: Prepared,
    engine: Engine,
    options: Options,
    reporter: Reporter | None = None,
    ahead: StoryAhead | None = None,
) -> Briefing:
    """Extract, verify, reconcile and summarise prepared articles into a briefing; with
    `ahead`, part of the work is done in its process (see `briefing.ahead`)."""
    gathered = await extract_and_reconcile(prepared, engine, options, reporter, ahead)
    return await summarize_and_assemble(prepared, engine, gathered)


async def brief_all(
    stories: list[Prepared],
    engine: Engine,
    options: Options,
    reporter: Reporter | None = None,
    *,
    calls: Engine | None = None,
) -> list[Briefing]:
    """Brief each story inside `engine`'s open session, asking through `calls` (default
    `engine`). With `--batch`, every story's extractions go to the Batch API as one batch,
    and once they are verified and reconciled, every story's summary as a second one."""
    calls = calls or engine
    if not options.batch:
        packs = [pack for story in stories for pack in story.packs]
        known = [Story(story.passages, story.articles) for story in stories]
        beside = stories_ahead(engine, known, packs)
        try:
            extract_ahead(engine, packs)
            return list(
                await asyncio.gather(
                    *(
                        brief(s, calls, options, reporter, beside.story(i) if beside else None)
                        for i, s in enumerate(stories)
                    )
                )
            )
        finally:
            if beside:
                beside.stop()
    await extract_by_batch(engine, [pack for story in stories for pack in story.packs])
    gathered = await asyncio.gather(
        *(extract_and_reconcile(story, calls, options, reporter) for story in stories)
    )
    await summarize_by_batch(engine, [story.summary_input for story in gathered])
    return list(
        await asyncio.gather(
            *(
                summarize_and_assemble(story, calls, done)
                for story, done in zip(stories, gathered, strict=True)
            )
        )
    )


@cycle_collector_paused()
def _verified(extraction: Extraction, pack: Pack, texts: SourceTexts) -> Verified:
    """An extraction's evidence checked against the sources its pack showed."""
    return cite_carriers(verify(extraction, texts, pack.source_ids, pack.owner_ids), pack, texts)


async def extract_and_reconcile(
    prepared: Prepared,
    engine: Engine,
    options: Options,
    reporter: Reporter | None = None,
    ahead: StoryAhead | None = None,
) -> Gathered:
    """Extract every pack, verify each extraction as it comes in (in the packs' order) and
    reconcile them into a story's facts; `ahead` reads the passages meanwhile, and counts
    the actors' mentions while the facts are briefed."""
    with cycle_collector_paused():
        texts = SourceTexts(prepared.articles)
    results: list[PackResult] = []
    verified: list[Verified] = []
    packs = extracted(engine, prepared.packs, options.concurrency, reporter)
    async with contextlib.aclosing(packs):
        async for result in packs:
            results.append(result)
            if result.extraction is not None:
                verified.append(_verified(result.extraction, result.pack, texts))
    if ahead is not None:
        ahead.read()
    with cycle_collector_paused():
        reconciled = reconcile([item.extraction for item in verified])
        story, merged_claims = brief_story(
            reconciled,
            [article.source for article in prepared.articles],
            [article.text for article in prepared.articles],
            ahead.count_mentions(reconciled.actors) if ahead else None,
        )
        facts = assign_ids(story.claims, story.figures, story.disputes)
    log.info(
        "%d of %d packs extracted; verify dropped %d quotes; %d actors, %d claims, %d figures, "
        "%d disputes",
        len(verified),
        len(results),
        sum(item.dropped for item in verified),
        len(story.actors),
        len(facts.claims),
        len(facts.figures),
        len(facts.disputes),
    )
    summary_input = SummaryInput(
        actors=story.actors,
        claims=facts.claims,
        figures=facts.figures,
        disputes=facts.disputes,
        passages=prepared.passages,
        titles=[a.source.title for a in prepared.articles if a.source.title],
    )
    return Gathered(results, verified, story, merged_claims, facts, texts, summary_input, ahead)


async def summarize_and_assemble(
    prepared: Prepared, engine: Engine, gathered: Gathered
) -> Briefing:
    """Write the story's summary, check its bullets against the facts, and assemble the
    briefing."""
    story_input, facts, verified = gathered.summary_input, gathered.facts, gathered.verified
    story, results = gathered.story, gathered.results
    summary, summary_usage = await _summarize(engine, story_input, gathered.ahead)
    by_id = facts.by_id()
    summary, dropped_bullets = _grounded(summary, story_input, by_id, gathered.texts)
    bullets = [with_fact_sources(bullet, by_id) for bullet in summary.bullets]
    usage = _total([result.usage for result in results] + [summary_usage])
    uncovered = _uncovered(prepared, results)
    return Briefing(
        title=summary.title,
        summary=[bullet.text for bullet in bullets],
        bullets=bullets,
        actors=story.actors,
        claims=facts.claims,
        figures=facts.figures,
        disputes=facts.disputes,
        sources=[article.source for article in prepared.articles],
        skipped=prepared.skipped + uncovered,
        stats=Stats(
            engine=engine.name,
            model=engine.model,
            packs=len(prepared.packs),
            articles=len(prepared.articles),
            unique_tokens=prepared.unique_tokens,
            dropped_evidence=sum(item.dropped for item in verified),
            repaired_evidence=sum(item.repaired for item in verified),
            recited_evidence=sum(item.recited for item in verified),
            dropped_claims=sum(item.dropped_claims for item in verified),
            dropped_figures=sum(item.dropped_figures for item in verified),
            rewritten_claims=sum(item.rewritten_claims for item in verified),
            unattributed_claims=sum(item.unattributed_claims for item in verified),
            uncovered_articles=len(uncovered),
            merged_claims=gathered.merged_claims,
            dropped_bullets=dropped_bullets,
            **usage.model_dump(),
        ),
    )


async def _brief_in_session(
    prepared: Prepared, engine: Engine, options: Options, reporter: Reporter | None
) -> Briefing:
    async with engine.session():
        [briefing] = await brief_all([prepared], engine, options, reporter)
        return briefing


def estimate(prepared: Prepared, engine: Engine) -> Stats:
    """What a run would do and cost, without calling anything (`--dry-run`)."""
    usage = engine.estimate(prepared.packs)
    return Stats(
        engine=engine.name,
        model=engine.model,
        packs=len(prepared.packs),
        articles=len(prepared.articles),
        unique_tokens=prepared.unique_tokens,
        **usage.model_dump(),
    )


def check_cost(planned: Stats, options: Options) -> None:
    """Refuse to start a run whose estimated cost is above `--max-cost`."""
    if options.max_cost is not None and planned.cost_usd > options.max_cost:
        raise BriefingError(
            f"this run is estimated at ${planned.cost_usd:.4f} ({planned.calls} calls, "
            f"{planned.prompt_tokens} prompt tokens), above --max-cost ${options.max_cost:.4f}. "
            "Raise --max-cost, or shrink the input or --budget."
        )


def plan(paths: Paths, options: Options, *, stdin: BinaryIO | None = None) -> Stats:
    """What building a briefing of `paths` would do and cost, calling nothing (`--dry-run`)."""
    options = options.model_copy(update={"dry_run": True})
    engine = select_engine(options)
    articles, skipped = read_articles(paths, options, stdin)
    return estimate(prepare(articles, skipped, engine, options), engine)


def build(
    paths: Paths,
    options: Options | None = None,
    *,
    stdin: BinaryIO | None = None,
    reporter: Reporter | None = None,
) -> Briefing:
    """Build a briefing from files, folders or stdin (`-`). The main library entry point."""
    started = time.perf_counter()
    options = options or Options.from_env()
    engine = select_engine(options)
    articles, skipped = read_articles(paths, options, stdin)
    prepared = prepare(articles, skipped, engine, options)
    if options.max_cost is not None:  # the estimate renders and counts every prompt again
        check_cost(estimate(prepared, engine), options)
    briefing = asyncio.run(_brief_in_session(prepared, engine, options, reporter))
    briefing.stats.seconds = round(time.perf_counter() - started, 3)
    return briefing
