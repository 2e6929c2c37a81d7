"""Story clustering of `briefing daily`: quality on real articles, speed on many.

1. Quality: every story folder of the shared corpus (default ``../shared/corpus``) is copied
   into one folder and `briefing.daily.daily` (offline engine) runs over it; the stories it
   finds are scored against the folders with purity and the adjusted Rand index.
2. ECB+ (default ``../shared/clustering/ecbplus``): two real events of the same kind per
   topic, one folder per event. The files of the chosen topics are copied into one folder
   under names that carry no label, read as `briefing daily` reads them (ingest + clean) and
   clustered by `briefing.cluster.cluster`, the step `daily` takes next; every article left
   alone counts as its own story, as under "Other reports". Scored with purity, ARI and
   completeness on the odd topics (used to tune), the even ones (held out) and all; with
   ``--errors``, each split's stories that mix two events and events that come out in pieces.
3. Feeds: the three 2023-11-24 feed snapshots (``../shared/ingest/feeds``), listing the
   stories that more than one outlet covers.
4. Speed: `briefing.cluster.cluster` alone on synthetic days of 1,000 and 10,000 articles
   (Zipf-distributed filler words plus story-specific names and words, story sizes from a
   Pareto law capped at 200), with how many pairs it compared against all pairs; wall and
   CPU seconds (CPU time is the fairer number on a machine other jobs share).

Prints Markdown for benchmarks/README.md. Run from the repository root:

    .venv/bin/python benchmarks/cluster_quality.py [--corpus ../shared/corpus] [--ecbplus DIR]
        [--errors] [--sizes 1000 10000]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import briefing.cluster as clustering
from briefing.config import Options
from briefing.daily import daily
from briefing.pipeline import read_articles
from briefing.schema import Article, Source
from briefing.testing.clustering import adjusted_rand_index, found_stories, mix_corpus, purity

REPO = Path(__file__).resolve().parent.parent
FEEDS = [
    "nytimes.com_2023-11-24_top-stories.rss.xml",
    "npr.org_2023-11-24_news.rss.xml",
    "japantimes.co.jp_2023-11-24_latest.rss.xml",
]
SYNTHETIC_SIZES = (1_000, 10_000)


def corpus_quality(corpus: Path) -> list[str]:
    """Purity and ARI of the stories `daily` finds in the mixed corpus."""
    with tempfile.TemporaryDirectory() as folder:
        truth = mix_corpus(corpus, Path(folder))
        started = time.perf_counter()
        day = daily([folder], Options(engine="offline"))
        seconds = time.perf_counter() - started
    found = found_stories(day)
    names = sorted(truth)
    expected, predicted = [truth[n] for n in names], [found[n] for n in names]
    seeds = {found[n] for n in names if truth[n] == "wonsan-2025-07"}
    lines = [
        "| articles | true stories | stories found | other reports | purity | ARI | "
        "Wonsan seeds together | `daily` seconds |",
        "|---|---|---|---|---|---|---|---|",
        f"| {len(names)} | {len(set(expected))} | {len(day.stories)} | {len(day.other_reports)} "
        f"| {purity(expected, predicted):.3f} | {adjusted_rand_index(expected, predicted):.3f} "
        f"| {'yes' if len(seeds) == 1 else 'no'} | {seconds:.1f} |",
        "",
        "| story found | outlets | articles | from folders |",
        "|---|---|---|---|",
    ]
    for story in day.stories:
        folders = sorted({truth[Path(s.path).name] for s in story.sources})
        lines.append(
            f"| {story.title} | {len(story.coverage.outlets)} | {len(story.sources)} "
            f"| {', '.join(folders)} |"
        )
    return lines


ECB_SPLITS = {
    "odd topics (tuning)": lambda topic: topic % 2 == 1,
    "even topics (held out)": lambda topic: topic % 2 == 0,
    "all topics": lambda topic: True,
}
_ECB_FOLDER = re.compile(r"(\d+)ecb(?:plus)?")


def ecbplus_quality(folder: Path, topics: range = range(1, 36), errors: bool = False) -> list[str]:
    """Purity, ARI and completeness of the stories found in ECB+ topics, per split; with
    `errors`, then each split's mixed stories and events found in pieces."""
    with tempfile.TemporaryDirectory() as mixed:
        truth: dict[str, str] = {}
        for event in sorted(folder.iterdir()):
            match = _ECB_FOLDER.fullmatch(event.name)
            if not (event.is_dir() and match and int(match.group(1)) in topics):
                continue
            for article in sorted(event.glob("*.txt")):
                name = hashlib.blake2b(f"{event.name}/{article.name}".encode(), digest_size=8)
                shutil.copyfile(article, Path(mixed) / f"{name.hexdigest()}.txt")
                truth[f"{name.hexdigest()}.txt"] = event.name
        articles, _ = read_articles([mixed], Options(engine="offline"))
    lines = [
        "| topics | articles | events | stories found | purity | ARI | completeness | seconds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    listed: list[str] = []
    for split, chosen in ECB_SPLITS.items():
        subset = [a for a in articles if chosen(_ecb_topic(truth[Path(a.source.path).name]))]
        started = time.perf_counter()
        groups = clustering.cluster(subset)
        seconds = time.perf_counter() - started
        found = {article.id: number for number, group in enumerate(groups) for article in group}
        expected = [truth[Path(a.source.path).name] for a in subset]
        predicted = [found[a.id] for a in subset]
        lines.append(
            f"| {split} | {len(subset)} | {len(set(expected))} | {len(groups)} "
            f"| {purity(expected, predicted):.3f} | {adjusted_rand_index(expected, predicted):.3f} "
            f"| {purity(predicted, expected):.3f} | {seconds:.1f} |"
        )
        listed += [f"{split}:", *_ecb_errors(expected, predicted)]
    return [*lines, "", *listed] if errors else lines


def _ecb_errors(events: list[str], stories: list[int]) -> list[str]:
    """The stories holding articles of more than one event, and the events spread over more
    than one story (with their pieces' sizes), largest first."""
    by_story: defaultdict[int, Counter[str]] = defaultdict(Counter)
    by_event: defaultdict[str, Counter[int]] = defaultdict(Counter)
    for event, story in zip(events, stories, strict=True):
        by_story[story][event] += 1
        by_event[event][story] += 1
    mixed = [
        " + ".join(f"{event} {count}" for event, count in held.most_common())
        for held in sorted(by_story.values(), key=lambda held: -held.total())
        if len(held) > 1
    ]
    pieces = [
        f"{event} {' + '.join(str(count) for _, count in spread.most_common())}"
        for event, spread in sorted(by_event.items(), key=lambda item: -item[1].total())
        if len(spread) > 1
    ]
    return [f"- mixed: {'; '.join(mixed) or 'none'}", f"- in pieces: {'; '.join(pieces) or 'none'}"]


def _ecb_topic(event: str) -> int:
    match = _ECB_FOLDER.fullmatch(event)
    assert match is not None
    return int(match.group(1))


def feed_stories(feeds: Path) -> list[str]:
    """The stories that more than one outlet covers in the three feeds of one day."""
    day = daily([feeds / name for name in FEEDS], Options(engine="offline"))
    lines = ["| story | outlets | headlines |", "|---|---|---|"]
    for story in day.stories:
        if len(story.coverage.outlets) > 1:
            outlets = ", ".join(outlet.name for outlet in story.coverage.outlets)
            headlines = " / ".join(source.title or source.id for source in story.sources)
            lines.append(f"| {story.title} | {outlets} | {headlines} |")
    total = sum(len(s.sources) for s in day.stories) + len(day.other_reports)
    lines.append("")
    lines.append(
        f"{total} feed items: {len(day.stories)} stories of two or more items, "
        f"{len(day.other_reports)} other reports."
    )
    return lines


def synthetic_day(count: int, seed: int = 7) -> list[Article]:
    """`count` articles of made-up stories: filler words plus each story's own names/words."""
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3))

    vocabulary = [word() for _ in range(30_000)]
    weights = [1 / (rank + 1) ** 1.05 for rank in range(len(vocabulary))]
    articles: list[Article] = []
    story = 0
    while len(articles) < count:
        size = min(int(rng.paretovariate(1.2)), 200)
        names = [f"{word().capitalize()} {word().capitalize()}" for _ in range(4)]
        topic = rng.sample(vocabulary[2_000:], 25) + [word() + word() for _ in range(15)]
        for copy in range(size):
            paragraphs = []
            for _ in range(8):
                tokens = rng.choices(vocabulary, weights, k=30) + rng.sample(topic, 5)
                rng.shuffle(tokens)
                tokens.insert(rng.randrange(len(tokens)), rng.choice(names))
                paragraphs.append(" ".join(tokens) + ".")
            title = " ".join([*rng.sample(topic, 4), rng.choice(names)])
            source = Source(
                id=f"{story}-{copy}", title=title, outlet=f"Outlet {copy % 20}",
                published="2024-01-01", path=f"{story}/{copy}.txt",
            )  # fmt: skip
            articles.append(Article(source=source, paragraphs=paragraphs))
        story += 1
    return articles[:count]


def speed(sizes: tuple[int, ...] = SYNTHETIC_SIZES) -> list[str]:
    """Wall and CPU time of `cluster` on synthetic days, and pairs compared against all pairs."""
    lines = [
        "| articles | stories (2+ articles) | seconds | CPU seconds | articles/CPU s "
        "| pairs compared | all pairs |",
        "|---|---|---|---|---|---|---|",
    ]
    similarity = clustering._similarity
    for count in sizes:
        articles = synthetic_day(count)
        compared = 0

        def counting(first: object, second: object) -> float:
            nonlocal compared
            compared += 1
            return similarity(first, second)  # type: ignore[arg-type]

        clustering._similarity = counting  # type: ignore[assignment]
        started, cpu_started = time.perf_counter(), time.process_time()
        groups = clustering.cluster(articles)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        clustering._similarity = similarity
        stories = sum(len(group) > 1 for group in groups)
        lines.append(
            f"| {count:,} | {stories:,} | {seconds:.1f} | {cpu:.1f} | {count / cpu:,.0f} "
            f"| {compared:,} | {count * (count - 1) // 2:,} |"
        )
    return lines


def main() -> None:
    """Print the tables (ECB+ only where its folder exists)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument(
        "--ecbplus", type=Path, default=REPO.parent / "shared" / "clustering" / "ecbplus"
    )
    parser.add_argument("--feeds", type=Path, default=REPO.parent / "shared" / "ingest" / "feeds")
    parser.add_argument(
        "--errors", action="store_true", help="list ECB+ stories that mix events, and events split"
    )
    parser.add_argument(
        "--sizes", type=int, nargs="*", default=SYNTHETIC_SIZES, help="synthetic day sizes"
    )
    arguments = parser.parse_args()
    print("\n".join(corpus_quality(arguments.corpus)), end="\n\n")
    if arguments.ecbplus.is_dir():
        print("\n".join(ecbplus_quality(arguments.ecbplus, errors=arguments.errors)), end="\n\n")
    print("\n".join(feed_stories(arguments.feeds)), end="\n\n")
    print("\n".join(speed(tuple(arguments.sizes))))


if __name__ == "__main__":
    main()
