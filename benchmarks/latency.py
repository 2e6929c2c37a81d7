"""Wall time of a run against a model that takes a fixed time per call.

Packs are extracted concurrently, so a run should take about one round of latency per
level (the packs, then the summary), not one per call. The fake server answers every
request after `--latency` seconds with `auto_reply`'s valid, empty answer (so that no
answer takes CPU time from the client), one thread per connection. LangChain's
map-reduce chain on the same articles is timed for comparison, called as its
documentation shows (`invoke`, which runs the map calls one after another) and
with `ainvoke`.

    .venv/bin/python benchmarks/latency.py [--articles 100] [--latency 0.5]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import corpus
from fake_model import LIFETIME_SECONDS, MAX_REQUESTS
from report import machine, publish, table

from briefing import pipeline
from briefing.config import DEFAULT_CONCURRENCY, DEFAULT_MODEL, Options
from briefing.testing.fake_openai import FakeOpenAI, Reply, auto_reply

CONCURRENCIES = (1, 4, 8, 16)


def _timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _counted(server: FakeOpenAI, run: Callable[[], object]) -> tuple[float, int]:
    """Seconds `run` took and requests the server got meanwhile."""
    before = len(server.requests)
    seconds = _timed(run)
    return seconds, len(server.requests) - before


def _briefing_row(
    folder: Path, server: FakeOpenAI, concurrency: int, latency: float
) -> list[object]:
    options = Options(
        engine="openai", base_url=server.base_url, use_cache=False, concurrency=concurrency
    )
    seconds, calls = _counted(server, lambda: pipeline.build([folder], options))
    packs = calls - 1
    rounds = math.ceil(packs / concurrency) + 1
    return [
        f"briefing --concurrency {concurrency}"
        + (" (default)" if concurrency == DEFAULT_CONCURRENCY else ""),
        calls,
        f"{calls * latency:.1f}",
        f"{rounds} ({rounds * latency:.1f} s)",
        f"**{seconds:.1f}**",
    ]


def _langchain_rows(folder: Path, server: FakeOpenAI, latency: float) -> list[list[object]]:
    from langchain_classic.chains.summarize import load_summarize_chain
    from langchain_core.documents import Document
    from langchain_openai import ChatOpenAI
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    llm = ChatOpenAI(model=DEFAULT_MODEL, base_url=server.base_url, api_key="not-needed")
    documents = [
        Document(page_content=path.read_text(encoding="utf-8"), metadata={"source": str(path)})
        for path in sorted(folder.glob("*.txt"))
    ]
    chunks = RecursiveCharacterTextSplitter().split_documents(documents)
    chain = load_summarize_chain(llm, chain_type="map_reduce")
    rows = []
    for name, run in (
        ("LangChain map-reduce, invoke", lambda: chain.invoke({"input_documents": chunks})),
        (
            "LangChain map-reduce, ainvoke",
            lambda: asyncio.run(chain.ainvoke({"input_documents": chunks})),
        ),
    ):
        seconds, calls = _counted(server, run)
        rows.append([name, calls, f"{calls * latency:.1f}", "", f"{seconds:.1f}"])
    return rows


def main() -> None:
    """Time briefing at several concurrencies, and LangChain, on one synthetic set."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.5, help="seconds per call")
    arguments = parser.parse_args()
    corpus.use_genuine_encoding()
    warnings.filterwarnings("ignore", module="langchain_openai")

    def slow(request: dict[str, Any]) -> Reply:
        return replace(auto_reply(request), delay=arguments.latency)

    server = FakeOpenAI(then=slow, max_requests=MAX_REQUESTS, lifetime=LIFETIME_SECONDS)
    with tempfile.TemporaryDirectory() as scratch, server:
        folder = corpus.synthetic_set(arguments.articles, Path(scratch) / "articles")
        rows = [
            _briefing_row(folder, server, concurrency, arguments.latency)
            for concurrency in CONCURRENCIES
        ]
        rows += _langchain_rows(folder, server, arguments.latency)
    result = table(
        [
            f"{arguments.articles} articles, {arguments.latency * 1000:.0f} ms per call",
            "calls",
            "calls × latency (s)",
            "rounds: ⌈packs / concurrency⌉ + 1",
            "wall time (s)",
        ],
        rows,
    )
    publish("latency", f"{machine()}\n\n{result}")


if __name__ == "__main__":
    main()
