"""Brevity of the brief layout, and the paraphrase merge's precision and recall.

1. Per story of the shared corpus (default ``../shared/corpus``), offline engine: the words
   of the input articles (after cleaning), the words of the Markdown briefing before its
   "All extracted facts" appendix (the key section, counted as whitespace-separated tokens
   of the Markdown source, links and markup included), their ratio, claims before and
   after the paraphrase merge, and key actors shown of all actors found.
2. The paraphrase merge on `benchmarks/data/paraphrase_pairs.jsonl`: claim pairs of one
   speaker from the corpus, labelled by hand as the same statement or not. The threshold
   was tuned on the "tune" split (five stories) only; the "held-out" split (four other
   stories) was scored once with the tuned setting. Each pair is scored in its story's
   context (its actors' names and aliases, the token weights of its claims), as the brief
   stage scores it.

Prints Markdown for benchmarks/README.md. Run from the repository root:

    .venv/bin/python benchmarks/brevity.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from briefing.brief import Names, StatementSpace, same_statement
from briefing.config import Options
from briefing.pipeline import build, read_articles
from briefing.render import APPENDIX_HEADING, render
from briefing.schema import Briefing

REPO = Path(__file__).resolve().parent.parent
PAIRS = REPO / "benchmarks" / "data" / "paraphrase_pairs.jsonl"
MAX_RATIO = 0.35
MAX_KEY_WORDS = 900


def key_words(markdown: str) -> int:
    """Words of a Markdown briefing before its appendix."""
    return len(markdown.split(f"## {APPENDIX_HEADING}", 1)[0].split())


def story_folders(corpus: Path) -> list[Path]:
    """The story folders of the corpus (PROVENANCE is not a story)."""
    return sorted(p for p in corpus.iterdir() if p.is_dir() and p.name != "PROVENANCE")


def brevity_table(folders: list[Path]) -> tuple[list[str], dict[str, Briefing]]:
    """One row per story, and the briefings (their actors and claims score the pairs)."""
    options = Options(engine="offline")
    rows = [
        "| story | input words | key-section words | ratio | claims before → after merge | "
        "actors shown / found |",
        "|---|---|---|---|---|---|",
    ]
    briefings = {}
    for folder in folders:
        articles, _ = read_articles([folder], options)
        words = sum(len(article.text.split()) for article in articles)
        briefing = build([folder], options)
        briefings[folder.name] = briefing
        shown = key_words(render(briefing, "md"))
        ratio = shown / words if words else 0.0
        flag = "" if ratio <= MAX_RATIO and shown <= MAX_KEY_WORDS else " ✗"
        before = len(briefing.claims) + briefing.stats.merged_claims
        key_actors = sum(actor.key for actor in briefing.actors)
        rows.append(
            f"| {folder.name} | {words:,} | {shown:,} | {ratio:.2f}{flag} | "
            f"{before} → {len(briefing.claims)} | {key_actors} / {len(briefing.actors)} |"
        )
    return rows, briefings


def merge_quality(briefings: dict[str, Briefing]) -> list[str]:
    """Precision and recall of `same_statement` on the labelled pairs, per split."""
    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]
    spaces = {
        name: StatementSpace(Names(b.actors), [c.text for c in b.claims])
        for name, b in briefings.items()
    }
    rows = [
        "| split | pairs (same / different) | precision | recall | merged wrongly | missed |",
        "|---|---|---|---|---|---|",
    ]
    for split in ("tune", "held-out"):
        chosen = [p for p in pairs if p["split"] == split and p["story"] in spaces]
        true_pos = false_pos = false_neg = 0
        for pair in chosen:
            space = spaces[pair["story"]]
            said = same_statement(space.statement(pair["a"]), space.statement(pair["b"]))
            true_pos += said and pair["same"]
            false_pos += said and not pair["same"]
            false_neg += not said and pair["same"]
        same = sum(p["same"] for p in chosen)
        precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 0.0
        recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else 0.0
        rows.append(
            f"| {split} | {len(chosen)} ({same} / {len(chosen) - same}) | {precision:.2f} | "
            f"{recall:.2f} | {false_pos} | {false_neg} |"
        )
    return rows


def main() -> None:
    """Print both tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    args = parser.parse_args()
    rows, briefings = brevity_table(story_folders(args.corpus))
    print("\n".join(rows))
    print()
    print("\n".join(merge_quality(briefings)))


if __name__ == "__main__":
    main()
