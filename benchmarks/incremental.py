"""Incremental runs with the real response cache (BRIEFING_CACHE_DIR in a temporary folder).

A day of 50 articles is briefed once with an empty cache, then again unchanged, then with
one more article, for each of several different extra articles (each time starting from
the cache the day left). Calls are counted by the fake model.

    .venv/bin/python benchmarks/incremental.py [--day 50] [--trials 10]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import corpus
from fake_model import CountingModel, serve
from report import machine, publish, table

from briefing import pipeline
from briefing.config import Options
from briefing.schema import Briefing


def _run(
    files: list[Path], cache: Path, model: CountingModel, base_url: str
) -> tuple[Briefing, int, int]:
    """One build: the briefing, and the extraction and summary calls it made."""
    model.reset()
    options = Options(engine="openai", base_url=base_url, cache_dir=cache)
    briefing = pipeline.build(files, options)
    return briefing, model.tallies["Extraction"].calls, model.tallies["Summary"].calls


def _row(name: str, files: list[Path], outcome: tuple[Briefing, int, int]) -> list[object]:
    briefing, extractions, summaries = outcome
    return [
        name,
        len(files),
        briefing.stats.packs,
        extractions,
        summaries,
        f"**{extractions + summaries}**",
        briefing.stats.cached_calls,
    ]


def main() -> None:
    """Brief the day cold, warm, and with one more article per trial."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--day", type=int, default=50)
    parser.add_argument("--trials", type=int, default=10)
    arguments = parser.parse_args()
    corpus.use_genuine_encoding()
    model = CountingModel()
    rows = []
    with tempfile.TemporaryDirectory() as scratch, serve(model) as server:
        folder = corpus.synthetic_set(arguments.day + arguments.trials, Path(scratch) / "in")
        files = sorted(folder.glob("*.txt"))
        day, extras = files[: arguments.day], files[arguments.day :]
        cache = Path(scratch) / "cache"
        rows.append(_row("the day, empty cache", day, _run(day, cache, model, server.base_url)))
        rows.append(_row("the same day again", day, _run(day, cache, model, server.base_url)))
        for number, extra in enumerate(extras, 1):
            trial_cache = Path(scratch) / f"cache-{number}"
            shutil.copytree(cache, trial_cache)
            outcome = _run([*day, extra], trial_cache, model, server.base_url)
            rows.append(_row(f"the day + article {extra.name}", [*day, extra], outcome))
    result = table(
        [
            "run",
            "articles",
            "packs",
            "extraction calls",
            "summary calls",
            "calls",
            "answers from the cache",
        ],
        rows,
    )
    publish("incremental", f"{machine()}\n\n{result}")


if __name__ == "__main__":
    main()
