"""Scoring story clustering against known clusters, for tests and benchmarks.

`mix_corpus` copies every story folder of a corpus (such as `../shared/corpus/`) into one
folder, so `briefing daily` sees a single pile of articles; the folder a file came from is
its true story. `purity` and `adjusted_rand_index` compare that with the stories found.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Hashable, Sequence
from pathlib import Path

from briefing.schema import Daily

SEPARATOR = "__"


def story_folders(corpus: Path) -> list[Path]:
    """The corpus's story folders: every folder holding `.txt` articles."""
    return sorted(path for path in corpus.iterdir() if path.is_dir() and any(path.glob("*.txt")))


def mix_corpus(corpus: Path, into: Path) -> dict[str, str]:
    """Copy every story's articles into `into` as `<story>__<file>`; return file → story."""
    into.mkdir(parents=True, exist_ok=True)
    truth: dict[str, str] = {}
    for folder in story_folders(corpus):
        for article in sorted(folder.glob("*.txt")):
            name = f"{folder.name}{SEPARATOR}{article.name}"
            shutil.copyfile(article, into / name)
            truth[name] = folder.name
    return truth


def found_stories(day: Daily) -> dict[str, int]:
    """File name → the story `briefing daily` put it in (each other report is its own)."""
    found: dict[str, int] = {}
    for number, story in enumerate(day.stories):
        for source in story.sources:
            found[Path(source.path).name] = number
    for number, other in enumerate(day.other_reports, start=len(day.stories)):
        found[Path(other.source.path).name] = number
    return found


def purity(truth: Sequence[Hashable], found: Sequence[Hashable]) -> float:
    """Share of items that belong to the true story most common in the group they were put in."""
    largest: dict[Hashable, int] = {}
    for (group, _), count in Counter(zip(found, truth, strict=True)).items():
        largest[group] = max(largest.get(group, 0), count)
    return sum(largest.values()) / len(truth)


def adjusted_rand_index(truth: Sequence[Hashable], found: Sequence[Hashable]) -> float:
    """Agreement of two partitions over all pairs of items, corrected for chance (1 = same)."""

    def pairs(count: int) -> float:
        return count * (count - 1) / 2

    together = sum(pairs(n) for n in Counter(zip(truth, found, strict=True)).values())
    true_pairs = sum(pairs(n) for n in Counter(truth).values())
    found_pairs = sum(pairs(n) for n in Counter(found).values())
    expected = true_pairs * found_pairs / pairs(len(truth))
    best = (true_pairs + found_pairs) / 2
    return 1.0 if best == expected else (together - expected) / (best - expected)
