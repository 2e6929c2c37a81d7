"""Local throughput: everything but the model, on 100, 1,000 and 10,000 articles.

Two runs per size, each in a fresh process (so peak memory is that run's own):

- without an engine: what a run does before its first model call, for the default openai
  engine: ingest, clean, dedup, pack (with o200k_base token counts);
- with the offline engine: `briefing build --engine offline` end to end, rendered to
  Markdown, HTML and JSON; stage times are taken by timing the pipeline's own functions.

    .venv/bin/python benchmarks/throughput.py [--sizes 100 1000 10000] [--profile 1000]

`--profile N` writes a pyinstrument report of the offline run on N articles to
benchmarks/results/profile-N.txt instead.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import corpus
from report import RESULTS, cpu_seconds, machine, publish, table

from briefing import pipeline
from briefing.config import Options
from briefing.engines.offline import OfflineEngine
from briefing.engines.openai import OpenAIEngine
from briefing.render import render

DEFAULT_SIZES = (100, 1000, 10_000)
FORMATS = ("md", "html", "json")
# The pipeline's own functions, timed where pipeline.py calls them.
STAGES = {
    "load": "ingest",
    "clean": "clean",
    "dedup": "dedup",
    "make_packs": "pack",
    "verify": "verify",
    "reconcile": "reconcile",
    "_summarize": "summary",
}


class StageClock:
    """Seconds spent in each stage, by timing the functions the pipeline module calls."""

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)

    @contextmanager
    def watching(self) -> Iterator[StageClock]:
        """Time calls to the pipeline's stage functions while inside."""
        originals = {name: getattr(pipeline, name) for name in STAGES}
        for name, original in originals.items():
            setattr(pipeline, name, self._timed(STAGES[name], original))
        try:
            yield self
        finally:
            for name, original in originals.items():
                setattr(pipeline, name, original)

    def _timed(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        if stage == "summary":  # a coroutine function

            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                result = await function(*args, **kwargs)
                self.seconds[stage] += time.perf_counter() - started
                return result

            return timed_async

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            result = function(*args, **kwargs)
            self.seconds[stage] += time.perf_counter() - started
            return result

        return timed

    def add(self, stage: str, seconds: float) -> None:
        """Count time measured outside the pipeline's functions."""
        self.seconds[stage] += seconds


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _without_engine(folder: Path) -> dict[str, Any]:
    options = Options(engine="openai", base_url="http://127.0.0.1:9/v1", use_cache=False)
    engine = OpenAIEngine(options)
    clock = StageClock()
    started = time.perf_counter()
    with clock.watching():
        articles, skipped = pipeline.read_articles([folder], options)
        prepared = pipeline.prepare(articles, skipped, engine, options)
    return {
        "seconds": time.perf_counter() - started,
        "stages": clock.seconds,
        "articles": len(articles),
        "packs": len(prepared.packs),
    }


def _with_offline_engine(folder: Path) -> dict[str, Any]:
    options = Options(engine="offline", use_cache=False)
    clock = StageClock()
    started = time.perf_counter()
    with clock.watching():
        engine = OfflineEngine()
        original_extract = engine.extract

        async def extract(pack: Any) -> Any:
            began = time.perf_counter()
            result = await original_extract(pack)
            clock.add("extract", time.perf_counter() - began)
            return result

        engine.extract = extract  # type: ignore[method-assign]
        articles, skipped = pipeline.read_articles([folder], options)
        prepared = pipeline.prepare(articles, skipped, engine, options)
        briefing = asyncio.run(pipeline.brief(prepared, engine, options))
        render_started = time.perf_counter()
        for output in FORMATS:
            render(briefing, output)
        clock.add("render", time.perf_counter() - render_started)
    return {
        "seconds": time.perf_counter() - started,
        "stages": clock.seconds,
        "articles": len(articles),
        "packs": briefing.stats.packs,
    }


def _one(mode: str, folder: Path) -> dict[str, Any]:
    """Run one mode in this process: the result with peak memory and CPU time."""
    corpus.use_genuine_encoding()
    pipeline.count_tokens("warm up the tokenizers", None)
    pipeline.count_tokens("warm up the tokenizers", Options().model)
    baseline = _peak_mib()
    cpu = cpu_seconds()
    result = (_without_engine if mode == "plain" else _with_offline_engine)(folder)
    result["cpu_seconds"] = cpu_seconds() - cpu
    result["peak_mib"] = _peak_mib()
    result["baseline_mib"] = baseline
    return result


def _run(mode: str, folder: Path) -> dict[str, Any]:
    """One mode in a fresh process, so that its peak memory is its own."""
    command = [sys.executable, __file__, "--one", mode, str(folder)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def _stage(result: dict[str, Any], *names: str) -> str:
    return f"{sum(result['stages'].get(name, 0.0) for name in names):.2f}"


def _rate(result: dict[str, Any]) -> str:
    return f"**{result['articles'] / result['seconds']:,.0f}**"


def _memory(result: dict[str, Any]) -> str:
    return f"{result['peak_mib']:,.0f} ({result['peak_mib'] - result['baseline_mib']:,.0f})"


def _tables(results: dict[int, dict[str, dict[str, Any]]]) -> str:
    plain_rows, offline_rows = [], []
    for size, by_mode in results.items():
        plain, offline = by_mode["plain"], by_mode["offline"]
        plain_rows.append(
            [
                f"{size:,}",
                plain["packs"],
                f"{plain['seconds']:.2f}",
                f"{plain['cpu_seconds']:.2f}",
                _rate(plain),
                _stage(plain, "ingest"),
                _stage(plain, "clean"),
                _stage(plain, "dedup"),
                _stage(plain, "pack"),
                _memory(plain),
            ]
        )
        offline_rows.append(
            [
                f"{size:,}",
                offline["packs"],
                f"{offline['seconds']:.2f}",
                f"{offline['cpu_seconds']:.2f}",
                _rate(offline),
                _stage(offline, "ingest", "clean"),
                _stage(offline, "dedup", "pack"),
                _stage(offline, "extract"),
                _stage(offline, "verify"),
                _stage(offline, "reconcile"),
                _stage(offline, "summary"),
                _stage(offline, "render"),
                _memory(offline),
            ]
        )
    plain_table = table(
        [
            "articles",
            "packs",
            "wall s",
            "CPU s",
            "articles/s",
            "ingest",
            "clean",
            "dedup",
            "pack",
            "peak MiB (growth)",
        ],
        plain_rows,
    )
    offline_table = table(
        [
            "articles",
            "packs",
            "wall s",
            "CPU s",
            "articles/s",
            "ingest + clean",
            "dedup + pack",
            "extract",
            "verify",
            "reconcile",
            "summary",
            "render",
            "peak MiB (growth)",
        ],
        offline_rows,
    )
    return (
        "Without an engine (everything before the first model call of an openai run):\n\n"
        f"{plain_table}\n\nWith the offline engine (`briefing build --engine offline`, "
        f"rendered to {', '.join(FORMATS)}):\n\n{offline_table}"
    )


def _profile(size: int, scratch: Path) -> None:
    from pyinstrument import Profiler

    folder = corpus.synthetic_set(size, scratch / str(size))
    corpus.use_genuine_encoding()
    profiler = Profiler()
    with profiler:
        _with_offline_engine(folder)
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / f"profile-{size}.txt"
    target.write_text(profiler.output_text(unicode=False, color=False), encoding="utf-8")
    print(f"profile written to {target}")


def main() -> None:
    """Build each set, run both modes on it in fresh processes, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--profile", type=int, help="profile the offline run on N articles")
    parser.add_argument("--one", nargs=2, metavar=("MODE", "FOLDER"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        mode, folder = arguments.one
        print(json.dumps(_one(mode, Path(folder))))
        return
    with tempfile.TemporaryDirectory() as scratch:
        if arguments.profile:
            _profile(arguments.profile, Path(scratch))
            return
        results = {}
        for size in arguments.sizes:
            folder = corpus.synthetic_set(size, Path(scratch) / str(size))
            results[size] = {mode: _run(mode, folder) for mode in ("plain", "offline")}
    publish("throughput", f"{machine()}\n\n{_tables(results)}")


if __name__ == "__main__":
    main()
