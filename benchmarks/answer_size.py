"""Completion tokens per answer-budget item, for `--dry-run`'s completion estimate.

Builds the extraction packs of a synthetic set exactly as `briefing build --engine openai`
would, asks the counting fake model (`fake_model`) for each pack's answer in-process, and
fits completion tokens = per call + per item × (claims + figures of the pack's BUDGET line).

    .venv/bin/python benchmarks/answer_size.py [--synthetic 1000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import corpus
from fake_model import answer_content
from openai.lib import type_to_response_format_param

from briefing import pipeline
from briefing.config import Options
from briefing.engines.openai import OpenAIEngine
from briefing.engines.prompting import compact_response_model, extract_prompt, pack_budget
from briefing.schema import Extraction
from briefing.tokens import count_tokens


def _samples(folder: Path) -> list[tuple[int, int]]:
    """(budget items, completion tokens) of each pack's fake-model answer."""
    options = Options(engine="openai", base_url="http://127.0.0.1:9/v1", use_cache=False)
    engine = OpenAIEngine(options)
    articles, skipped = pipeline.read_articles([folder], options)
    prepared = pipeline.prepare(articles, skipped, engine, options)
    response_format = type_to_response_format_param(compact_response_model(Extraction))
    samples = []
    for pack in prepared.packs:
        budget = pack_budget(pack)
        request = {
            "messages": extract_prompt(pack).messages,
            "response_format": response_format,
        }
        answer = answer_content(request)
        samples.append((budget.claims + budget.figures, count_tokens(answer, options.model)))
    return samples


def _fit(samples: list[tuple[int, int]]) -> tuple[float, float]:
    """Least-squares intercept and slope of tokens over items."""
    n = len(samples)
    mean_x = sum(x for x, _ in samples) / n
    mean_y = sum(y for _, y in samples) / n
    spread = sum((x - mean_x) ** 2 for x, _ in samples)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in samples) / spread if spread else 0.0
    return mean_y - slope * mean_x, slope


def main() -> None:
    """Print the fit and the totals it rests on."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synthetic", type=int, default=1000)
    arguments = parser.parse_args()
    corpus.use_genuine_encoding()
    with tempfile.TemporaryDirectory() as scratch:
        folder = corpus.synthetic_set(arguments.synthetic, Path(scratch) / "set")
        samples = _samples(folder)
    items = sum(x for x, _ in samples)
    tokens = sum(y for _, y in samples)
    intercept, slope = _fit(samples)
    print(
        json.dumps(
            {
                "articles": arguments.synthetic,
                "packs": len(samples),
                "budget_items": items,
                "completion_tokens": tokens,
                "tokens_per_item": round(tokens / items, 1),
                "fit_per_call": round(intercept, 1),
                "fit_per_item": round(slope, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
