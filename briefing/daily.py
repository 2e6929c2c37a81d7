"""The daily briefing: a day's articles about many events, on one page.

read → (keep `--date`) → cluster into stories → per story: prepare + brief, all stories at
once under one engine session → coverage matrix per story → rank by outlets, then
articles → the day in brief → `Daily`.

Articles that no other article covers are not briefed: they are listed under "Other
reports" with their opening sentence. Calls are bounded across all stories together by
`--concurrency`, and a story's packs only hold that story's articles, so adding an article
to a day changes the packs of the one story it joins.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date as Date
from pathlib import Path
from typing import BinaryIO, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel

from briefing.cluster import cluster
from briefing.config import Options
from briefing.engines import (
    Engine,
    ExtractionFailed,
    SummaryInput,
    Usage,
    select_engine,
)
from briefing.errors import BriefingError, NothingUsable
from briefing.facts import Facts, assign_ids
from briefing.ingest import Paths
from briefing.ingest.feedlist import FeedEntry
from briefing.ingest.urls import host_of
from briefing.pack import Pack
from briefing.pipeline import (
    Prepared,
    Reporter,
    brief_all,
    check_cost,
    prepare,
    read_articles,
)
from briefing.render import index_sources, source_label
from briefing.schema import (
    Article,
    Briefing,
    Claim,
    Coverage,
    CoverageRow,
    Daily,
    Evidence,
    Extraction,
    FeedCredit,
    Figure,
    OtherReport,
    Outlet,
    Skipped,
    Source,
    Stats,
    Story,
    Summary,
)
from briefing.text import normalize_for_match, split_sentences
from briefing.verify import SourceTexts, ground_summary

log = logging.getLogger(__name__)

Backed = TypeVar("Backed", Claim, Figure)

MIN_DAY_BULLETS = 3
MAX_DAY_BULLETS = 7
# What the day's summary call is told about each of its top stories.
DAY_ACTORS_PER_STORY = 2
DAY_CLAIMS_PER_STORY = 2
DAY_FIGURES_PER_STORY = 1
DAY_DISPUTES_PER_STORY = 1
MAX_COVERAGE_CLAIMS = 5
MAX_COVERAGE_FIGURES = 5
MAX_LEDE_WORDS = 60


class DayPlan(BaseModel):
    """A day's input after the local stages: stories ready to brief, and the rest."""

    date: str | None
    stories: list[Prepared]
    others: list[Article]
    skipped: list[Skipped]

    @property
    def articles(self) -> int:
        """How many articles the day holds, in stories or not."""
        return sum(len(story.articles) for story in self.stories) + len(self.others)


def daily(
    paths: Paths,
    options: Options | None = None,
    *,
    date: str | None = None,
    stdin: BinaryIO | None = None,
    reporter: Reporter | None = None,
    feeds: Sequence[FeedEntry] = (),
) -> Daily:
    """Brief a day's articles from files, folders, URLs or stdin (`-`): one section per story.

    `date` (YYYY-MM-DD) keeps only articles published that day, plus those whose date is
    unknown; the others are listed as skipped. It also labels the page. `feeds` (from a feed
    list, `briefing.ingest.feedlist`) are fetched with the other inputs and each is credited
    on the page.
    """
    started = time.perf_counter()
    options = options or Options.from_env()
    engine = select_engine(options)
    inputs = with_feeds(paths, feeds)
    day = plan_day(inputs, options, engine, date=date, stdin=stdin)
    check_cost(estimate_day(day, engine), options)
    result = asyncio.run(_brief_day(day, engine, options, reporter))
    result.feeds = credit_feeds(feeds, result)
    result.stats.seconds = round(time.perf_counter() - started, 3)
    return result


def with_feeds(paths: Paths, feeds: Sequence[FeedEntry]) -> list[str | Path]:
    """The inputs and the feed URLs of a feed list, as one list of inputs."""
    listed = [paths] if isinstance(paths, str | Path) else list(paths)
    return [*listed, *(feed.url for feed in feeds)]


def credit_feeds(feeds: Sequence[FeedEntry], day: Daily) -> list[FeedCredit]:
    """Each feed of the list with the number of the day's articles it gave, or its problem."""
    sources = [s for story in day.stories for s in story.sources]
    sources += [report.source for report in day.other_reports]
    problems = {item.path: item.reason for item in day.skipped}
    credits: list[FeedCredit] = []
    for feed in feeds:
        own = [source for source in sources if source.path.startswith(f"{feed.url}#")]
        named = feed.title or next((s.outlet for s in own if s.outlet), None) or host_of(feed.url)
        credits.append(
            FeedCredit(url=feed.url, title=named, articles=len(own), problem=problems.get(feed.url))
        )
    return credits


def plan_daily(
    paths: Paths,
    options: Options,
    *,
    date: str | None = None,
    stdin: BinaryIO | None = None,
    feeds: Sequence[FeedEntry] = (),
) -> Stats:
    """What a daily briefing of `paths` would do and cost, calling nothing (`--dry-run`)."""
    options = options.model_copy(update={"dry_run": True})
    engine = select_engine(options)
    day = plan_day(with_feeds(paths, feeds), options, engine, date=date, stdin=stdin)
    return estimate_day(day, engine)


def plan_day(
    paths: Paths,
    options: Options,
    engine: Engine,
    *,
    date: str | None = None,
    stdin: BinaryIO | None = None,
) -> DayPlan:
    """Read the inputs, keep the day's articles, cluster them and pack each story."""
    articles, skipped = read_articles(paths, options, stdin)
    articles, off_day = published_on(articles, date)
    skipped = skipped + off_day
    if not articles:
        raise NothingUsable(skipped)
    groups = cluster(articles)
    return DayPlan(
        date=date or usual_day(articles),
        stories=[prepare(group, [], engine, options) for group in groups if len(group) > 1],
        others=[group[0] for group in groups if len(group) == 1],
        skipped=skipped,
    )


def published_on(articles: list[Article], day: str | None) -> tuple[list[Article], list[Skipped]]:
    """The articles published on `day` or of unknown date, and the others as skipped."""
    if day is None:
        return articles, []
    try:
        Date.fromisoformat(day)
    except ValueError:
        raise BriefingError(f"--date {day!r} is not a date: use YYYY-MM-DD.") from None
    kept: list[Article] = []
    skipped: list[Skipped] = []
    on_day = 0
    for article in articles:
        published = (article.source.published or "")[:10]
        if not published or published == day:
            kept.append(article)
            on_day += published == day
        else:
            reason = f"published {published}, not on {day} (--date)"
            skipped.append(Skipped(path=article.source.path, reason=reason))
    if kept and not on_day:
        raise NoArticleOnDay(day, undated=len(kept), other_days=len(skipped))
    return kept, skipped


class NoArticleOnDay(NothingUsable):
    """``--date D`` and no article is dated D: undated ones alone are not that day's news."""

    def __init__(self, day: str, *, undated: int, other_days: int) -> None:
        super().__init__([])
        self.args = (
            f"no article is dated {day} ({undated} have no date, {other_days} are dated other "
            "days); pick another --date, or drop --date to brief them all",
        )


def usual_day(articles: Sequence[Article]) -> str | None:
    """The publication day of at least half of the dated articles, if there is one."""
    days = Counter(a.source.published[:10] for a in articles if a.source.published)
    if not days:
        return None
    day, count = max(days.items(), key=lambda item: (item[1], item[0]))
    return day if 2 * count >= days.total() else None


def estimate_day(day: DayPlan, engine: Engine) -> Stats:
    """Calls, tokens and cost of briefing every story plus the day in brief."""
    usages = [engine.estimate(story.packs) for story in day.stories]
    if day.stories and engine.writes_summaries:
        usages.append(engine.estimate([]))  # the day in brief: one summary call
    return Stats(
        engine=engine.name,
        model=engine.model,
        packs=sum(len(story.packs) for story in day.stories),
        articles=day.articles,
        unique_tokens=sum(story.unique_tokens for story in day.stories),
        **sum(usages, Usage()).model_dump(),
    )


class _SharedLimit:
    """The engine, with at most `limit` of its calls in flight across all stories at once."""

    def __init__(self, engine: Engine, limit: int) -> None:
        self._engine = engine
        self._limit = asyncio.Semaphore(limit)
        self.name = engine.name
        self.model = engine.model
        self.writes_summaries = engine.writes_summaries

    def session(self) -> AbstractAsyncContextManager[object]:
        return self._engine.session()

    def prompt_overhead(self) -> int:
        return self._engine.prompt_overhead()

    def prompt_budget(self, requested: int) -> int:
        return self._engine.prompt_budget(requested)

    def estimate(self, packs: list[Pack]) -> Usage:
        return self._engine.estimate(packs)

    async def extract(self, pack: Pack) -> tuple[Extraction, Usage]:
        async with self._limit:
            return await self._engine.extract(pack)

    async def summarize(self, story: SummaryInput) -> tuple[Summary, Usage]:
        async with self._limit:
            return await self._engine.summarize(story)


class _DayProgress:
    """Reports the day's packs to `reporter` as one total, however many stories run."""

    def __init__(self, reporter: Reporter | None, total: int) -> None:
        self._reporter = reporter
        self._total: int | None = total

    def packs_planned(self, total: int) -> None:
        """Each story announces its own packs; the first announces the day's total instead
        (only then, once the offline engine's workers are forked, may a progress bar start
        its thread)."""
        if self._reporter and self._total is not None:
            self._reporter.packs_planned(self._total)
        self._total = None

    def pack_done(self) -> None:
        if self._reporter:
            self._reporter.pack_done()


async def _brief_day(
    day: DayPlan, engine: Engine, options: Options, reporter: Reporter | None
) -> Daily:
    limited = _SharedLimit(engine, options.concurrency)
    progress = _DayProgress(reporter, sum(len(story.packs) for story in day.stories))
    async with engine.session():
        briefings = await brief_all(day.stories, engine, options, progress, calls=limited)
        stories = rank(
            [
                with_coverage(briefing, story.articles)
                for briefing, story in zip(briefings, day.stories, strict=True)
            ]
        )
        others = [other_report(article) for article in day.others]
        in_brief = await day_in_brief(engine, stories, others)
    return Daily(
        date=day.date,
        title=f"Daily briefing: {day.date}" if day.date else "Daily briefing",
        summary=in_brief.bullets,
        stories=stories,
        skipped=day.skipped + [item for story in stories for item in story.skipped],
        stats=_day_stats(engine, stories, in_brief, day.articles),
        other_reports=others,
    )


def _day_stats(engine: Engine, stories: list[Story], in_brief: DayInBrief, articles: int) -> Stats:
    """The stories' stats added up, plus the day-in-brief call and the bullets it dropped."""
    summed = Counter(in_brief.usage.model_dump())
    summed["dropped_bullets"] += in_brief.dropped_bullets
    for story in stories:
        summed.update(story.stats.model_dump(exclude={"engine", "model", "seconds", "articles"}))
    return Stats(engine=engine.name, model=engine.model, articles=articles, **summed)


def rank(stories: list[Story]) -> list[Story]:
    """Stories covered by the most outlets first, then by the most articles (stable)."""
    return sorted(stories, key=lambda story: (-len(story.coverage.outlets), -len(story.sources)))


def outlets_of(sources: list[Source]) -> list[Outlet]:
    """The outlets behind `sources`, most articles first. A source whose outlet is unknown
    (no outlet, no URL) stands alone, named by its number in the story: "Source #4"."""
    outlets: dict[tuple[bool, str], Outlet] = {}
    numbered = index_sources(sources)
    for source in sources:
        name = outlet_name(source)
        key = (True, name.casefold()) if name else (False, source.id)
        label = name or source_label(numbered[source.id])
        outlet = outlets.setdefault(key, Outlet(name=label, named=bool(name), source_ids=[]))
        outlet.source_ids.append(source.id)
    return sorted(outlets.values(), key=lambda o: (-len(o.source_ids), not o.named, o.name))


def outlet_name(source: Source) -> str | None:
    """The outlet's name, else the host of its URL, else None."""
    if source.outlet and source.outlet.strip():
        return source.outlet.strip()
    host = urlsplit(source.url or "").hostname
    return host.removeprefix("www.") if host else None


def with_coverage(story: Briefing, articles: list[Article]) -> Story:
    """The briefing with its coverage: its outlets, and who reports each disputed figure and
    the figures and claims most outlets report."""
    finder = _CoverageFinder(articles, outlets_of(story.sources))
    disputed = {version.value for dispute in story.disputes for version in dispute.versions}
    versions = [
        finder.row(
            "figure",
            f"{dispute.subject}: {version.value}",
            version.attributed_to,
            finder.carriers(version.source_ids, [], version.value),
        )
        for dispute in story.disputes
        for version in dispute.versions
    ]
    figures = [
        finder.row(
            "figure",
            f"{figure.subject}: {figure.value}",
            figure.attributed_to,
            finder.carriers(_cited(figure.evidence), _quotes(figure.evidence), figure.value),
        )
        for figure in story.figures
        if figure.value not in disputed
    ]
    claims = [
        finder.row(
            "claim",
            claim.text,
            claim.speaker,
            finder.carriers(_cited(claim.evidence), _quotes(claim.evidence), None),
        )
        for claim in story.claims
    ]
    rows = versions + _widest(figures, MAX_COVERAGE_FIGURES) + _widest(claims, MAX_COVERAGE_CLAIMS)
    return Story(**dict(story), coverage=Coverage(outlets=finder.outlets, rows=rows))


def _widest(rows: list[CoverageRow], limit: int) -> list[CoverageRow]:
    """The `limit` rows reported by the most outlets; ties keep their order."""
    return sorted(rows, key=lambda row: -len(row.reported_by))[:limit]


def _most_evidenced(items: Sequence[Backed]) -> list[Backed]:
    """Items cited from the most sources first; ties keep their order."""
    return sorted(items, key=lambda item: -len(_cited(item.evidence)))


def _cited(evidence: list[Evidence]) -> list[str]:
    return list(dict.fromkeys(item.source_id for item in evidence))


def _quotes(evidence: list[Evidence]) -> list[str]:
    return [item.quote for item in evidence]


class _CoverageFinder:
    """Finds which of a story's articles carry a claim or figure, and which outlets those are.

    An article carries an item when the item cites it, when it contains one of the item's
    evidence quotes (wire copy), or, for a figure, when it gives the same value as written.
    """

    def __init__(self, articles: list[Article], outlets: list[Outlet]) -> None:
        self.outlets = outlets
        self._order = [article.id for article in articles]
        self._texts = {article.id: normalize_for_match(article.text) for article in articles}

    def carriers(self, cited: list[str], quotes: list[str], value: str | None) -> list[str]:
        """The story's articles, in order, that carry the item."""
        needles = [normalize_for_match(quote) for quote in quotes]
        pattern = _value_pattern(value)
        return [
            source_id
            for source_id in self._order
            if source_id in cited
            or any(needle in self._texts[source_id] for needle in needles)
            or (pattern is not None and pattern.search(self._texts[source_id]))
        ]

    def row(
        self, kind: Literal["claim", "figure"], text: str, who: str | None, carriers: list[str]
    ) -> CoverageRow:
        """One line of the matrix: the item and the outlets that report it or leave it out."""
        carried = set(carriers)
        reporting = [o for o in self.outlets if carried.intersection(o.source_ids)]
        return CoverageRow(
            kind=kind,
            text=text,
            attributed_to=who,
            source_ids=carriers,
            reported_by=[outlet.name for outlet in reporting],
            left_out_by=[outlet.name for outlet in self.outlets if outlet not in reporting],
        )


def _value_pattern(value: str | None) -> re.Pattern[str] | None:
    """A figure's value as written, as a whole token ("12 million" but not "112 million")."""
    if not value or not any(character.isdigit() for character in value):
        return None
    escaped = re.escape(normalize_for_match(value))
    return re.compile(rf"(?<![\w.,]){escaped}(?![\w%]|[.,]\d)", re.IGNORECASE)


def other_report(article: Article) -> OtherReport:
    """An article listed under "Other reports": its source and opening sentence."""
    opening = split_sentences(article.paragraphs[0])[0] if article.paragraphs else ""
    cut = opening.split()
    lede = " ".join(cut[:MAX_LEDE_WORDS]) + (" …" if len(cut) > MAX_LEDE_WORDS else "")
    return OtherReport(source=article.source, lede=lede)


class DayInBrief(BaseModel):
    """The day's bullets, what writing them cost, and how many of the call's bullets the
    facts they cite did not support (dropped)."""

    bullets: list[str]
    usage: Usage
    dropped_bullets: int = 0


async def day_in_brief(
    engine: Engine, stories: list[Story], others: list[OtherReport]
) -> DayInBrief:
    """3 to 7 bullets across the top stories.

    An engine that does not write summaries gets each top story's most central sentence
    (its first bullet, already checked against its story's facts); one that does writes
    them in one call from the top stories' structured data, each bullet citing the ids of
    the facts it states and checked against them like a story's bullets (a bullet stating
    a number or name its facts lack is dropped and counted), topped up with those
    sentences if fewer than 3 are left, or replaced by them if the call fails.
    """
    if not stories:
        return DayInBrief(
            bullets=[o.lede for o in others[:MAX_DAY_BULLETS] if o.lede], usage=Usage()
        )
    leads = lead_sentences(stories)
    if not engine.writes_summaries:
        return DayInBrief(bullets=leads, usage=Usage())
    facts = day_facts(stories[:MAX_DAY_BULLETS])
    try:
        summary, usage = await engine.summarize(facts)
    except ExtractionFailed as failure:
        log.warning("the day-in-brief call failed (%s); using lead sentences instead", failure)
        return DayInBrief(bullets=leads, usage=Usage(failed_calls=1))
    by_id = Facts(claims=facts.claims, figures=facts.figures, disputes=facts.disputes).by_id()
    # The call's bullets cite facts, not sources: no source text is needed to check them.
    checked = ground_summary(summary, by_id, SourceTexts([]))
    bullets = [bullet.text for bullet in checked.summary.bullets[:MAX_DAY_BULLETS]]
    missing = MIN_DAY_BULLETS - len(bullets)
    if missing > 0:
        bullets += [lead for lead in leads if lead not in bullets][:missing]
    return DayInBrief(bullets=bullets, usage=usage, dropped_bullets=checked.dropped_bullets)


def lead_sentences(stories: list[Story]) -> list[str]:
    """Each top story's first bullet, then their second ones, until there are enough."""
    bullets: list[str] = []
    for depth in range(max(len(story.summary) for story in stories)):
        for story in stories[:MAX_DAY_BULLETS]:
            if depth < len(story.summary) and story.summary[depth] not in bullets:
                bullets.append(story.summary[depth])
        if len(bullets) >= MIN_DAY_BULLETS:
            break
    return bullets[:MAX_DAY_BULLETS]


def day_facts(stories: list[Story]) -> SummaryInput:
    """What the day's summary call is given: the titles and a few top facts of each story,
    numbered anew across the day (each story numbers its own facts from 1)."""
    facts = assign_ids(
        [
            claim
            for story in stories
            for claim in _most_evidenced(story.claims)[:DAY_CLAIMS_PER_STORY]
        ],
        [
            figure
            for story in stories
            for figure in _most_evidenced(story.figures)[:DAY_FIGURES_PER_STORY]
        ],
        [dispute for story in stories for dispute in story.disputes[:DAY_DISPUTES_PER_STORY]],
    )
    return SummaryInput(
        titles=[story.title for story in stories],
        actors=[
            actor
            for story in stories
            for actor in sorted(story.actors, key=lambda a: -len(a.sources))[:DAY_ACTORS_PER_STORY]
        ],
        claims=facts.claims,
        figures=facts.figures,
        disputes=facts.disputes,
        passages=[],
    )
