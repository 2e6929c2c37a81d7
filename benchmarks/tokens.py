"""Tokens billed and calls made for the same articles by three ways of briefing them:

- naive: every article stuffed into one prompt with a briefing instruction (one call);
- LangChain: `load_summarize_chain(llm, chain_type="map_reduce")` with its default prompts,
  `langchain-openai`'s ChatOpenAI, one Document per file split by
  RecursiveCharacterTextSplitter's defaults, as its documentation shows;
- briefing: `briefing build --engine openai --base-url <fake>` with default settings.

All three talk to the same counting fake model (benchmarks/fake_model.py), which counts
prompt and completion tokens with the same tokenizer. Also checked: the token floor
(extraction prompt tokens ≤ 1.10 × unique tokens + the fixed prefix per call) and packing
(packs against the fewest packs that could hold the text at the budget).

    .venv/bin/python benchmarks/tokens.py [--synthetic 1000]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import corpus
from fake_model import CountingModel, Tally, serve
from report import machine, publish, table

from briefing import pipeline
from briefing.config import DEFAULT_MODEL, Options
from briefing.engines.openai import OpenAIEngine

NAIVE_INSTRUCTION = (
    "You are a news analyst. Below are {count} news articles from different outlets. Write a "
    "sourced briefing: a headline, a short summary of what happened, the key actors and their "
    "roles, who claims what (attributing each claim and citing the article number), and where "
    "the figures reported by the sources disagree."
)
FLOOR_FACTOR = 1.10
TARGET_RATIO = 0.6


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
    client = openai.OpenAI(base_url=base_url, api_key="not-needed", max_retries=0)
    client.chat.completions.create(
        model=DEFAULT_MODEL, messages=[{"role": "user", "content": prompt}]
    )


def _langchain(files: list[Path], base_url: str) -> None:
    from langchain_classic.chains.summarize import load_summarize_chain
    from langchain_core.documents import Document
    from langchain_openai import ChatOpenAI
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    llm = ChatOpenAI(model=DEFAULT_MODEL, base_url=base_url, api_key="not-needed")
    documents = [
        Document(page_content=path.read_text(encoding="utf-8"), metadata={"source": str(path)})
        for path in files
    ]
    chunks = RecursiveCharacterTextSplitter().split_documents(documents)
    load_summarize_chain(llm, chain_type="map_reduce").invoke({"input_documents": chunks})


def _briefing(folders: list[Path], base_url: str) -> Floor:
    options = Options(engine="openai", base_url=base_url, use_cache=False)
    engine = OpenAIEngine(options)
    articles, skipped = pipeline.read_articles(folders, options)
    prepared = pipeline.prepare(articles, skipped, engine, options)
    pipeline.build(folders, options)
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


def _measure(
    name: str, folders: list[Path], model: CountingModel, base_url: str
) -> tuple[list[object], list[object], list[object]]:
    """One row of the token table, one of the floor table and one of the target table."""
    files = [path for folder in folders for path in sorted(folder.glob("*.txt"))]
    results: dict[str, Tally] = {}
    model.reset()
    _naive(files, base_url)
    results["naive"] = model.total()
    model.reset()
    _langchain(files, base_url)
    results["langchain"] = model.total()
    model.reset()
    floor = _briefing(folders, base_url)
    results["briefing"] = model.total()
    floor.extraction_prompt = model.tallies["Extraction"].prompt_tokens
    summary = model.tallies["Summary"]
    naive, chain, ours = results["naive"], results["langchain"], results["briefing"]
    tokens_row = [
        name,
        f"{len(files):,}",
        f"{naive.prompt_tokens:,} + {naive.completion_tokens:,} = {naive.total_tokens:,}",
        f"{chain.prompt_tokens:,} + {chain.completion_tokens:,} = {chain.total_tokens:,}",
        chain.calls,
        f"{ours.prompt_tokens:,} + {ours.completion_tokens:,} = {ours.total_tokens:,}",
        ours.calls,
        f"{ours.prompt_tokens / chain.prompt_tokens:.2f}",
        f"**{ours.total_tokens / chain.total_tokens:.2f}**",
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
    return tokens_row, floor_row, target_row


def _sets(synthetic: int, scratch: Path) -> list[tuple[str, list[Path]]]:
    clusters = corpus.clusters()
    sets = [(folder.name, [folder]) for folder in clusters]
    if len(clusters) > 1:
        sets.append((f"all {len(clusters)} clusters together", clusters))
    if synthetic:
        folder = corpus.synthetic_set(synthetic, scratch / f"synthetic-{synthetic}")
        sets.append((f"{synthetic:,} articles made from the corpus", [folder]))
    return sets


def main() -> None:
    """Run every set and print (and keep) the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synthetic", type=int, default=1000, help="size of the larger set")
    arguments = parser.parse_args()
    corpus.use_genuine_encoding()
    warnings.filterwarnings("ignore", module="langchain_openai")  # usage-type notices
    model = CountingModel()
    token_rows, floor_rows, target_rows = [], [], []
    with tempfile.TemporaryDirectory() as scratch, serve(model) as server:
        for name, folders in _sets(arguments.synthetic, Path(scratch)):
            tokens_row, floor_row, target_row = _measure(name, folders, model, server.base_url)
            token_rows.append(tokens_row)
            floor_rows.append(floor_row)
            target_rows.append(target_row)
    tokens = table(
        [
            "set",
            "articles",
            "naive: prompt + completion",
            "LangChain map-reduce: prompt + completion",
            "calls",
            "briefing: prompt + completion",
            "calls",
            "briefing / LangChain, prompt",
            "briefing / LangChain, total",
        ],
        token_rows,
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
        floor_rows,
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
        target_rows,
    )
    publish("tokens", f"{machine()}\n\n{tokens}\n\n{floor}\n\n{target}")


if __name__ == "__main__":
    main()
