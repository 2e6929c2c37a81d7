"""Tokens billed, calls made and US dollars for the same articles by five ways of briefing them:

- naive: every article stuffed into one prompt with a briefing instruction (one call), a
  prose answer;
- stuff with schema: every article in one `chat.completions.parse` call whose response
  format is the same extraction schema briefing asks for (one call, structured answer);
- LangChain map-reduce: `load_summarize_chain(llm, chain_type="map_reduce")` with its
  default prompts, `langchain-openai`'s ChatOpenAI, one Document per file split by
  RecursiveCharacterTextSplitter's defaults, as its documentation shows (a prose answer);
- LangChain structured per chunk: the same chunks, each sent to
  `ChatOpenAI.with_structured_output(<the extraction schema>)` (one structured answer per
  chunk, nothing merged);
- briefing: `briefing build --engine openai --base-url <fake>` with default settings, priced
  at the standard rate (sync) and at the Batch API's half rate (batch, no cache discount).

All of them talk to the same counting fake model (benchmarks/fake_model.py), which counts
prompt, cached prompt and completion tokens with the same tokenizer; dollars are the
price table's rates for the model (`briefing.engines.pricing`). Each way runs in a process
of its own, against a model and server of its own (so from an empty prompt cache), side by
side with the others; LangChain's structured extraction per chunk runs in four, each on a
share of the files (its calls are independent, so its bill is the sum of the shares').
Also checked: the token floor (extraction prompt tokens ≤ 1.10 × unique tokens + the fixed
prefix per call) and packing (packs against the fewest packs that could hold the text at the
budget).

    .venv/bin/python benchmarks/tokens.py [--synthetic 1000 [10000 …]] [--no-stories]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import sys
import tempfile
import time
import warnings
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import corpus
from fake_model import CountingModel, Tally, serve
from report import machine, publish, table

from briefing import pipeline
from briefing.config import DEFAULT_MODEL, Options
from briefing.engines.openai import OpenAIEngine
from briefing.engines.pricing import cost_usd, price_of
from briefing.engines.prompting import compact_response_model
from briefing.schema import Extraction

NAIVE_INSTRUCTION = (
    "You are a news analyst. Below are {count} news articles from different outlets. Write a "
    "sourced briefing: a headline, a short summary of what happened, the key actors and their "
    "roles, who claims what (attributing each claim and citing the article number), and where "
    "the figures reported by the sources disagree."
)
# What a user would write to get the same structured extraction in one call or per chunk.
STUFF_INSTRUCTION = (
    "Extract the actors, the claims (who says what, with exact quotes) and the key figures "
    "from the news articles below, for a sourced briefing. Cite each quote's article number "
    "as its source_id."
)
CHUNK_INSTRUCTION = (
    "Extract the actors, the claims (who says what, with exact quotes) and the key figures "
    "from this news text, for a sourced briefing."
)
FLOOR_FACTOR = 1.10
TARGET_RATIO = 0.6
# The one-call baselines send every article in one prompt: on the larger sets the fake model
# takes minutes to read it on a loaded machine (the SDK's default timeout is 10 minutes).
ONE_CALL_TIMEOUT_SECONDS = 7_200.0
# 10,000 articles are over 30,000 fake calls: the server lives as long as a run may take.
SERVER_LIFETIME_SECONDS = 6 * 3_600.0
# The ways run side by side, each in a process of its own, and LangChain's structured
# extraction per chunk (the most calls) in this many, each sending the chunks of a share of
# the files: its calls are independent (no cached prefix, nothing merged), so its bill is
# the sum of the shares'.
STRUCTURED_SHARES = 4


@dataclass
class Rows:
    """One set's row of each table."""

    tokens: list[object]
    dollars: list[object]
    floor: list[object]
    target: list[object]


@dataclass
class Floor:
    """How close briefing's extraction prompts come to the unique text they must carry."""

    unique_tokens: int
    overhead: int
    packs: int
    fewest_packs: int
    fill: float
    extraction_prompt: int

    @property
    def bound(self) -> int:
        """1.10 × unique tokens + the fixed prefix of every extraction call."""
        return math.floor(FLOOR_FACTOR * self.unique_tokens) + self.overhead * self.packs

    @property
    def text_ratio(self) -> float:
        """Extraction prompt tokens beyond the fixed prefixes, per unique token."""
        return (self.extraction_prompt - self.overhead * self.packs) / self.unique_tokens


def _naive(files: list[Path], base_url: str) -> None:
    import openai

    articles = "\n\n".join(
        f"Article {number}:\n{path.read_text(encoding='utf-8')}"
        for number, path in enumerate(files, 1)
    )
    prompt = NAIVE_INSTRUCTION.format(count=len(files)) + "\n\n" + articles
    client = openai.OpenAI(
        base_url=base_url, api_key="not-needed", max_retries=0, timeout=ONE_CALL_TIMEOUT_SECONDS
    )
    client.chat.completions.create(
        model=DEFAULT_MODEL, messages=[{"role": "user", "content": prompt}]
    )


def _stuffed(files: list[Path], base_url: str) -> None:
    import openai

    articles = "\n\n".join(
        f"Article {number}:\n{path.read_text(encoding='utf-8')}"
        for number, path in enumerate(files, 1)
    )
    client = openai.OpenAI(
        base_url=base_url, api_key="not-needed", max_retries=0, timeout=ONE_CALL_TIMEOUT_SECONDS
    )
    client.chat.completions.parse(
        model=DEFAULT_MODEL,
        messages=[
            {"role": "system", "content": STUFF_INSTRUCTION},
            {"role": "user", "content": articles},
        ],
        response_format=compact_response_model(Extraction),
    )


def _chunks(files: list[Path]) -> list[Any]:
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    documents = [
        Document(page_content=path.read_text(encoding="utf-8"), metadata={"source": str(path)})
        for path in files
    ]
    return RecursiveCharacterTextSplitter().split_documents(documents)


def _langchain_structured(files: list[Path], base_url: str) -> None:
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(model=DEFAULT_MODEL, base_url=base_url, api_key="not-needed")
    extractor = llm.with_structured_output(compact_response_model(Extraction))
    prompts = [CHUNK_INSTRUCTION + "\n\n" + chunk.page_content for chunk in _chunks(files)]
    extractor.batch(prompts, config={"max_concurrency": 8})


def _langchain(files: list[Path], base_url: str) -> None:
    from langchain_classic.chains.summarize import load_summarize_chain
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(model=DEFAULT_MODEL, base_url=base_url, api_key="not-needed")
    chain = load_summarize_chain(llm, chain_type="map_reduce")
    chain.invoke({"input_documents": _chunks(files)})


async def _brief(prepared: pipeline.Prepared, engine: OpenAIEngine, options: Options) -> None:
    """What `pipeline.build` does once the articles are prepared (prepared once here, for
    the floor too: at 10,000 articles that is a minute of CPU)."""
    async with engine.session():
        await pipeline.brief_all([prepared], engine, options)


def _briefing(folders: list[Path], base_url: str) -> Floor:
    options = Options(engine="openai", base_url=base_url, use_cache=False)
    engine = OpenAIEngine(options)
    articles, skipped = pipeline.read_articles(folders, options)
    prepared = pipeline.prepare(articles, skipped, engine, options)
    asyncio.run(_brief(prepared, engine, options))
    capacity = options.budget - engine.prompt_overhead()
    packed = sum(pack.tokens for pack in prepared.packs)
    return Floor(
        unique_tokens=prepared.unique_tokens,
        overhead=engine.prompt_overhead(),
        packs=len(prepared.packs),
        fewest_packs=math.ceil(packed / capacity),
        fill=packed / (capacity * len(prepared.packs)),
        extraction_prompt=0,
    )


WAYS = {
    "naive": _naive,
    "stuffed": _stuffed,
    "langchain": _langchain,
    "structured": _langchain_structured,
    "briefing": _briefing,
}


def _usd(tally: Tally, tier: str = "default") -> float:
    """What `tally`'s tokens cost at the price table's rates (a batch gets no cache discount)."""
    cached = 0 if tier == "batch" else tally.cached_prompt_tokens
    return cost_usd(DEFAULT_MODEL, tally.prompt_tokens, cached, tally.completion_tokens, tier=tier)


def _billed(tally: Tally) -> str:
    cached = f" ({tally.cached_prompt_tokens:,} cached)" if tally.cached_prompt_tokens else ""
    return f"{tally.prompt_tokens:,}{cached} + {tally.completion_tokens:,}"


def _brief_one_way(way: str, targets: list[Path]) -> dict[str, Any]:
    """Brief `targets` (files, or for briefing its folders) one `way`, against a counting
    model of its own (so from an empty prompt cache) on a server of its own: what each kind
    of call billed, and briefing's floor."""
    warnings.filterwarnings("ignore", module="langchain_openai")  # usage-type notices
    started = time.process_time()
    model = CountingModel()
    with serve(model, SERVER_LIFETIME_SECONDS) as server:
        floor = WAYS[way](targets, server.base_url)
    seconds = time.process_time() - started
    print(f"{way}: {len(targets)} inputs, {seconds:.0f} CPU s", file=sys.stderr, flush=True)
    return {"tallies": dict(model.tallies), "total": model.total(), "floor": floor}


def _shares(files: list[Path], count: int) -> list[list[Path]]:
    """`files` in `count` runs of consecutive files, as even as can be."""
    size = math.ceil(len(files) / count)
    return [files[start : start + size] for start in range(0, len(files), size)]


def _tasks(files: list[Path], folders: list[Path]) -> list[tuple[str, list[Path]]]:
    """What each process is given: a way and its inputs (files, or briefing's folders)."""
    tasks = [("briefing", folders)]
    tasks += [("structured", share) for share in _shares(files, STRUCTURED_SHARES)]
    return tasks + [(way, files) for way in WAYS if way not in ("briefing", "structured")]


def _run_all(files: list[Path], folders: list[Path], pool: Executor):
    """Every way of briefing the files, each in a process of `pool` (the ways run side by
    side: each is CPU-bound, the fake model's answers most of all): what each billed."""
    running = [
        (way, pool.submit(_brief_one_way, way, part)) for way, part in _tasks(files, folders)
    ]
    billed = [(way, future.result()) for way, future in running]
    results = {way: sum((b["total"] for w, b in billed if w == way), Tally()) for way in WAYS}
    ours = next(b for way, b in billed if way == "briefing")
    floor = ours["floor"]
    floor.extraction_prompt = ours["tallies"]["Extraction"].prompt_tokens
    return results, floor, ours["tallies"]["Summary"]


def _measure(name: str, folders: list[Path], pool: Executor) -> Rows:
    """One row of each table: tokens, dollars, floor and target."""
    files = [path for folder in folders for path in sorted(folder.glob("*.txt"))]
    results, floor, summary = _run_all(files, folders, pool)
    naive, chain, ours = results["naive"], results["langchain"], results["briefing"]
    stuffed, structured = results["stuffed"], results["structured"]
    tokens_row = [
        name,
        f"{len(files):,}",
        _billed(naive),
        _billed(stuffed),
        f"{_billed(chain)} ({chain.calls})",
        f"{_billed(structured)} ({structured.calls})",
        f"{_billed(ours)} ({ours.calls})",
        f"{ours.total_tokens / chain.total_tokens:.2f}",
    ]
    sync, batch = _usd(ours), _usd(ours, "batch")
    dollars_row = [
        name,
        f"{len(files):,}",
        f"{_usd(naive):.4f}",
        f"{_usd(stuffed):.4f}",
        f"{_usd(chain):.4f}",
        f"{_usd(structured):.4f}",
        f"{sync:.4f}",
        f"{batch:.4f}",
        f"**{sync / _usd(stuffed):.2f}**",
        f"{sync / _usd(chain):.2f}",
        f"**{sync / _usd(structured):.2f}** / {batch / _usd(structured):.2f}",
    ]
    floor_row = [
        name,
        f"{floor.unique_tokens:,}",
        f"{floor.extraction_prompt:,}",
        f"{floor.bound:,}",
        "yes" if floor.extraction_prompt <= floor.bound else "**no**",
        f"{floor.text_ratio:.3f}",
        f"{summary.prompt_tokens:,}",
        f"{floor.packs} + 1",
        f"{floor.fewest_packs} + 1",
        f"{floor.fill:.0%}",
    ]
    target = TARGET_RATIO * chain.total_tokens
    # What any run that shows the model every unique token once must send, before answers.
    sent_anyway = floor.unique_tokens + floor.overhead * floor.packs + summary.prompt_tokens
    target_row = [
        name,
        f"{naive.total_tokens / chain.total_tokens:.2f}",
        f"{target:,.0f}",
        f"{sent_anyway:,}",
        f"{target - sent_anyway:,.0f}",
        f"{ours.completion_tokens:,}",
    ]
    return Rows(tokens_row, dollars_row, floor_row, target_row)


def _sets(sizes: list[int], scratch: Path, stories: bool) -> list[tuple[str, list[Path]]]:
    clusters = corpus.clusters()
    sets = [(folder.name, [folder]) for folder in clusters] if stories else []
    if stories and len(clusters) > 1:
        sets.append((f"all {len(clusters)} clusters together", clusters))
    for size in sizes:
        folder = corpus.synthetic_set(size, scratch / f"synthetic-{size}")
        sets.append((f"{size:,} articles made from the corpus", [folder]))
    return sets


def main() -> None:
    """Run every set and print (and keep) the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--synthetic", type=int, nargs="*", default=[1000], help="sizes of the larger sets"
    )
    parser.add_argument(
        "--no-stories", action="store_true", help="only the larger sets, not the corpus stories"
    )
    arguments = parser.parse_args()
    corpus.use_genuine_encoding()
    rows: list[Rows] = []
    processes = len(WAYS) - 1 + STRUCTURED_SHARES
    spawn = multiprocessing.get_context("spawn")  # the ways start threads: no forking
    with (
        tempfile.TemporaryDirectory() as scratch,
        ProcessPoolExecutor(processes, mp_context=spawn) as pool,
    ):
        for name, folders in _sets(arguments.synthetic, Path(scratch), not arguments.no_stories):
            rows.append(_measure(name, folders, pool))
            print(" | ".join(map(str, rows[-1].dollars)), file=sys.stderr, flush=True)
    tokens = table(
        [
            "set",
            "articles",
            "naive: prompt + completion",
            "stuff with schema",
            "LangChain map-reduce (calls)",
            "LangChain structured per chunk (calls)",
            "briefing (calls)",
            "briefing / LangChain map-reduce, total tokens",
        ],
        [row.tokens for row in rows],
    )
    dollars = table(
        [
            "set",
            "articles",
            "naive $",
            "stuff with schema $",
            "LangChain map-reduce $",
            "LangChain structured per chunk $",
            "briefing sync $",
            "briefing batch $",
            "sync / stuff",
            "sync / map-reduce",
            "sync / structured per chunk (batch / …)",
        ],
        [row.dollars for row in rows],
    )
    floor = table(
        [
            "set",
            "unique tokens",
            "extraction prompt tokens",
            "floor: 1.10 × unique + prefix × packs",
            "within",
            "(prompt − prefixes) / unique",
            "summary prompt tokens",
            "calls",
            "fewest packs at the budget + 1",
            "pack fill",
        ],
        [row.floor for row in rows],
    )
    target = table(
        [
            "set",
            "naive / LangChain, total",
            f"{TARGET_RATIO} × LangChain's total",
            "unique tokens + prefixes + summary prompt",
            "left for every answer",
            "briefing's answers",
        ],
        [row.target for row in rows],
    )
    prices = price_of(DEFAULT_MODEL)
    rates = f"Prices ({DEFAULT_MODEL}, USD per 1M tokens): {prices}." if prices else ""
    publish(
        "tokens",
        f"{machine()}\n\n{tokens}\n\n{rates}\n\n{dollars}\n\n{floor}\n\n{target}",
    )


if __name__ == "__main__":
    main()
