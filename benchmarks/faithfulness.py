"""Faithfulness under drift: what reaches a briefing when a model's answers drift.

The real pipeline (openai engine, through the openai SDK) runs against the fake server on
127.0.0.1 answered by `briefing.testing.drift.Drift`, which plants every kind of drift in
every pack: exact quotes, quotes with a word dropped, quotes lower-cased in straight quote
marks, invented quotes, real quotes cited under another source of the pack, claim texts
with an invented number, figures with an invented value, and an invented summary bullet.

    .venv/bin/python benchmarks/faithfulness.py [--stories DIR ...] [--verify-sizes 1000 10000]

1. On the nine corpus stories (or `--stories`), per kind: how many were planted, shipped
   as verbatim spans of the sources they cite, repaired, re-cited, dropped, shipped under a
   source that does not hold them, and inventions that shipped (must be 0).
2. On synthetic sets of `--verify-sizes` articles (`corpus.synthetic_set`, the throughput
   benchmark's; 0 to skip): the verify stage's CPU time three ways, rounds taken in turn:
   as filed (`briefing/verify.py` of commit BEFORE_REPAIR, read from git, run as the
   pipeline ran it then: no repair, no re-citing, no grounding of claim texts), verbatim
   only (today's verify with its lookup reduced to a verbatim match in the cited source, so
   without repair and re-citing, grounding kept), and today's, on two sets of answers for
   the same packs: the drifting model's and the offline engine's (every quote exact).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
import types
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import corpus
from report import machine, publish, table

from briefing import build
from briefing import verify as verify_module
from briefing.config import Options
from briefing.engines.offline import OfflineEngine
from briefing.engines.openai import OpenAIEngine
from briefing.memory import cycle_collector_paused
from briefing.pipeline import PackResult, extract_all, prepare, read_articles
from briefing.schema import Article
from briefing.spans import Span
from briefing.testing.drift import INVENTIONS, KINDS, Drift, Verdict, judge
from briefing.testing.fake_openai import FakeOpenAI
from briefing.verify import SourceTexts, cite_carriers, verify

EXACT_TARGET = 0.95
DRIFTED_TARGET = 0.80
DRIFTED = ("dropped_word", "marks_case")
TIMING_ROUNDS = 2
# Main just before quote repair and the grounding of claim texts landed (a404311).
BEFORE_REPAIR = "09b239991ef6cbe606d09e0a274f9b7785557d19"
SERVER_LIFETIME = 3_600.0


def _options(server: FakeOpenAI) -> Options:
    return Options(engine="openai", base_url=server.base_url, use_cache=False)


def judge_story(folder: Path) -> list[tuple[str, Verdict]]:
    """Brief one story against the drifting model; each planted item's kind and verdict."""
    drift = Drift()
    with FakeOpenAI(then=drift.reply, lifetime=SERVER_LIFETIME) as server:
        briefing = build([folder], _options(server))
    articles, _ = read_articles([folder], Options(engine="offline"))
    texts = SourceTexts(articles)
    return [(item.kind, judge(item, briefing, texts)) for item in drift.items]


def _share(part: int, whole: int) -> str:
    return f"{part} ({part / whole:.0%})" if whole else "0"


def kind_rows(verdicts: list[tuple[str, Verdict]]) -> list[list[object]]:
    """One row per kind: planted, verbatim, repaired, re-cited, dropped, under a wrong
    source, inventions shipped."""
    rows: list[list[object]] = []
    for kind in KINDS:
        mine = [verdict for name, verdict in verdicts if name == kind]
        planted = len(mine)
        shipped = sum(verdict.shipped for verdict in mine)
        if kind in INVENTIONS:
            rows.append([kind, planted, "—", "—", "—", planted - shipped, "—", shipped])
            continue
        rows.append(
            [
                kind,
                planted,
                _share(sum(verdict.verbatim for verdict in mine), planted),
                sum(verdict.repaired for verdict in mine),
                sum(verdict.recited for verdict in mine),
                planted - shipped,
                sum(verdict.shipped and not verdict.verbatim for verdict in mine),
                "—",
            ]
        )
    return rows


def targets(verdicts: list[tuple[str, Verdict]]) -> list[str]:
    """Each done-when line of issue 15 with its number, met or not."""

    def rate(kinds: tuple[str, ...]) -> float:
        mine = [verdict for name, verdict in verdicts if name in kinds]
        return sum(verdict.verbatim for verdict in mine) / len(mine) if mine else 0.0

    invented = sum(verdict.shipped for name, verdict in verdicts if name in INVENTIONS)
    misplaced = sum(
        verdict.shipped and not verdict.verbatim
        for name, verdict in verdicts
        if name == "wrong_source"
    )
    exact, drifted = rate(("exact",)), rate(DRIFTED)
    return [
        f"- inventions shipped: {invented} (target 0): {'met' if invented == 0 else 'NOT met'}",
        f"- exact quotes shipped as verbatim spans: {exact:.1%} (target ≥ {EXACT_TARGET:.0%}): "
        f"{'met' if exact >= EXACT_TARGET else 'NOT met'}",
        f"- drifted quotes ({', '.join(DRIFTED)}) shipped as verbatim spans: {drifted:.1%} "
        f"(target ≥ {DRIFTED_TARGET:.0%}): {'met' if drifted >= DRIFTED_TARGET else 'NOT met'}",
        f"- wrong-source quotes shipped under a source that does not hold them: {misplaced} "
        f"(target 0): {'met' if misplaced == 0 else 'NOT met'}",
    ]


def faithfulness(folders: list[Path]) -> str:
    """Part 1: per story and per kind, as Markdown."""
    verdicts: list[tuple[str, Verdict]] = []
    story_rows: list[list[object]] = []
    for folder in folders:
        mine = judge_story(folder)
        verdicts += mine
        wrong = [kind for kind, verdict in mine if not verdict.right(kind)]
        planted = Counter(kind for kind, _ in mine)
        story_rows.append([folder.name, sum(planted.values()), len(wrong), ", ".join(wrong)])
    header = [
        "kind",
        "planted",
        "shipped as verbatim spans",
        "repaired",
        "re-cited",
        "dropped",
        "under a wrong source",
        "inventions shipped",
    ]
    return (
        f"{table(header, kind_rows(verdicts))}\n\n"
        + "\n".join(targets(verdicts))
        + "\n\nPer story (an item is mishandled when an invention ships, or a real quote does "
        "not ship as a verbatim span of a source holding it):\n\n"
        + table(["story", "planted", "mishandled", "kinds mishandled"], story_rows)
    )


def _verbatim_in_cited(
    pack: verify_module._Pack, needle: str, cited: str
) -> verify_module._Located | None:
    """Verify's lookup as it was before repair and re-citing: verbatim in the cited source."""
    text = pack.texts.get(cited)
    found = text.find(needle) if text else None
    if found is None:
        return None
    return verify_module._Located(cited, [Span(found, found + len(needle), 100.0)], exact=True)


@contextmanager
def _without_repair() -> Iterator[None]:
    """Verify, while inside, with its lookup as it was before repair and re-citing."""
    original = verify_module._Pack._locate
    verify_module._Pack._locate = _verbatim_in_cited
    try:
        yield
    finally:
        verify_module._Pack._locate = original


def _verify_stage(results: list[PackResult], articles: list[Article]) -> None:
    """The pipeline's verify stage on these answers (as `pipeline.brief` runs it)."""
    texts = SourceTexts(articles)
    for result in results:
        if result.extraction is not None:
            cite_carriers(
                verify(result.extraction, texts, result.pack.source_ids, result.pack.owner_ids),
                result.pack,
                texts,
            )


def _verbatim_stage(results: list[PackResult], articles: list[Article]) -> None:
    with _without_repair():
        _verify_stage(results, articles)


def as_filed() -> types.ModuleType:
    """`briefing/verify.py` as it was at BEFORE_REPAIR, read from git (it runs on today's
    schema and text helpers)."""
    name = "verify_as_filed"
    source = subprocess.run(
        ["git", "show", f"{BEFORE_REPAIR}:briefing/verify.py"],
        cwd=Path(__file__).resolve().parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType(name)
    sys.modules[name] = module  # pydantic resolves the module's annotations through it
    exec(compile(source, f"{BEFORE_REPAIR[:7]}:briefing/verify.py", "exec"), module.__dict__)
    return module


def _as_filed_stage(
    old: types.ModuleType,
) -> Callable[[list[PackResult], list[Article]], None]:
    def stage(results: list[PackResult], articles: list[Article]) -> None:
        """The verify stage as `pipeline.brief` ran it at BEFORE_REPAIR."""
        texts = old.SourceTexts(articles)
        for result in results:
            if result.extraction is not None:
                extraction = old.cite_every_carrier(result.extraction, result.pack)
                old.verify(extraction, texts, result.pack.source_ids)

    return stage


def _cpu_seconds(
    stage: Callable[[list[PackResult], list[Article]], None],
    results: list[PackResult],
    articles: list[Article],
) -> float:
    with cycle_collector_paused():  # as `pipeline.extract_and_reconcile` runs the stage
        started = time.process_time()
        stage(results, articles)
        return time.process_time() - started


def answer_sets(folder: Path) -> tuple[list[Article], dict[str, list[PackResult]]]:
    """A set's articles, and two sets of answers for its packs (packed as for the openai
    engine): the drifting model's, through the SDK, and the offline engine's, whose
    quotes are all exact (a model that copies well)."""
    drift = Drift()
    with FakeOpenAI(then=drift.reply, max_requests=100_000, lifetime=SERVER_LIFETIME) as server:
        options = _options(server)
        engine = OpenAIEngine(options)
        articles, skipped = read_articles([folder], options)
        prepared = prepare(articles, skipped, engine, options)

        async def drifted() -> list[PackResult]:
            async with engine.session():
                return await extract_all(engine, prepared.packs, options.concurrency)

        answers = {"drifted": asyncio.run(drifted())}
    answers["exact"] = asyncio.run(extract_all(OfflineEngine(), prepared.packs, 1))
    return prepared.articles, answers


def timed(results: list[PackResult], articles: list[Article]) -> list[float]:
    """CPU seconds of the verify stage as filed, verbatim only and today's: the best of a
    few rounds, the three taken in turn so that the load of a shared machine weighs on
    each alike."""
    stages = [_as_filed_stage(as_filed()), _verbatim_stage, _verify_stage]
    rounds = [
        [_cpu_seconds(stage, results, articles) for stage in stages] for _ in range(TIMING_ROUNDS)
    ]
    return [min(seconds) for seconds in zip(*rounds, strict=True)]


def time_rows(
    size: int, articles: list[Article], answers: dict[str, list[PackResult]]
) -> list[list[object]]:
    """One row per set of answers: packs, quotes, CPU seconds three ways, the ratios."""
    rows: list[list[object]] = []
    for name, results in answers.items():
        filed, verbatim, today = timed(results, articles)
        quotes = sum(
            len(item.evidence)
            for result in results
            if result.extraction is not None
            for item in (*result.extraction.claims, *result.extraction.figures)
        )
        rows.append(
            [
                f"{size:,}",
                name,
                len(results),
                f"{quotes:,}",
                f"{filed:.2f}",
                f"{verbatim:.2f}",
                f"{today:.2f}",
                f"**{today / filed:.2f}×**",
                f"{today / verbatim:.2f}×",
                f"{1000 * today / size:.2f}",
            ]
        )
        print(" | ".join(map(str, rows[-1])), file=sys.stderr, flush=True)
    return rows


TIME_HEADER = [
    "articles",
    "answers",
    "packs",
    "quotes",
    f"CPU s, as filed ({BEFORE_REPAIR[:7]})",
    "CPU s, verbatim only",
    "CPU s, today",
    "today / as filed",
    "today / verbatim only",
    "CPU s per 1,000 articles, today",
]


def verify_times(sizes: list[int]) -> str:
    """Part 2: the verify stage's CPU time as filed, verbatim only and today, as Markdown."""
    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory() as scratch:
        for size in sizes:
            folder = corpus.synthetic_set(size, Path(scratch) / str(size))
            articles, answers = answer_sets(folder)
            rows += time_rows(size, articles, answers)
    return table(TIME_HEADER, rows)


def main() -> None:
    """Run both parts and print (and keep) their tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=Path, nargs="+", help="story folders (default: corpus)")
    parser.add_argument("--verify-sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--no-stories", action="store_true", help="only time verify")
    arguments = parser.parse_args()
    corpus.use_genuine_encoding()
    parts = [machine()]
    if not arguments.no_stories:
        parts.append(faithfulness(arguments.stories or corpus.clusters()))
    sizes = [size for size in arguments.verify_sizes if size > 0]
    if sizes:
        parts.append(verify_times(sizes))
    publish("faithfulness", "\n\n".join(parts))


if __name__ == "__main__":
    main()
