"""Huge inputs: time and peak memory of `briefing build --engine offline` on one enormous article.

    .venv/bin/python benchmarks/huge_inputs.py            # 1, 10 and 20 MB of prose, 10 MB token
    .venv/bin/python benchmarks/huge_inputs.py --sizes 1 2

Each case is one file holding one single-line article (no paragraph breaks, as a page
scraped without its markup arrives): real news prose from ../shared/corpus (examples/
where that is absent), its paragraphs joined by spaces, then varied copies of it up to the
size (see `prose_copies`); and
one "token" of 10 MB, letters without a space or a sentence end. Each case runs in its own
process, so the peak resident memory (ru_maxrss) is that case's alone (its worker processes'
largest is given apart; CPU time counts theirs too). Time and memory
should grow linearly with the size: the table gives both per MB.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from corpus import TIKTOKEN_FILES, _Vocabulary, corpus_files, variant_text
from report import cpu_seconds, machine, publish, table

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
MB = 1_000_000
HEADER = "title A very long article\noutlet Benchmark\ndate 2025-07-13\n\n"


def prose_copies() -> Iterator[str]:
    """The body text of corpus articles, one article at a time on one line: the files as
    found, then endless copies made into new stories by `corpus.variant_text` (sentences
    shuffled, names renamed), so that no stretch of the article repeats another and clean
    or dedup cannot make the input smaller. From examples/ where the corpus is absent."""
    from briefing.ingest.plain import text_to_draft

    files = corpus_files() or sorted(EXAMPLES.rglob("*.txt"))
    vocabulary = _Vocabulary(files)
    for copy in itertools.count():
        for path in files:
            text = path.read_text("utf-8") if copy == 0 else variant_text(path, copy, vocabulary)
            yield " ".join(text_to_draft(text, path=path.name, markdown=False).paragraphs)


def single_line_article(size: int) -> str:
    """Corpus prose (see `prose_copies`) up to `size` characters, on one line."""
    parts: list[str] = []
    length = 0
    for body in prose_copies():
        parts.append(body)
        length += len(body) + 1
        if length >= size:
            break
    return HEADER + " ".join(parts)[:size].rsplit(" ", 1)[0] + "\n"


def single_token(size: int) -> str:
    """`size` pseudo-random letters: no space, no sentence end, no paragraph break."""
    rng = random.Random(20)
    return HEADER + "".join(rng.choices(string.ascii_lowercase, k=size)) + "\n"


def run_case(path: Path) -> dict[str, object]:
    """Build a briefing of `path` in this process; its time, peak memory and outcome."""
    import os

    if TIKTOKEN_FILES.is_dir():
        os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(TIKTOKEN_FILES))
    from briefing import Options, build

    cpu_before = cpu_seconds()
    started = time.perf_counter()
    briefing = build([path], Options(engine="offline", use_cache=False, max_file_bytes=30 * MB))
    seconds = time.perf_counter() - started
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds() - cpu_before, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "worker_peak_mb": round(workers.ru_maxrss / 1024, 1),
        "packs": briefing.stats.packs,
        "unique_tokens": briefing.stats.unique_tokens,
        "claims": len(briefing.claims),
        "skipped": [item.reason for item in briefing.skipped],
    }


def measure(label: str, text: str, folder: Path) -> dict[str, object]:
    """Write `text` to a file and brief it in a fresh process."""
    path = folder / f"{label.replace(' ', '-')}.txt"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, __file__, "--one", str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent,
    )
    path.unlink()
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["label"], result["mb"] = label, len(text.encode()) / MB
    return result


def main() -> None:
    """Measure each size and publish the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="*", default=[1, 10, 20])
    parser.add_argument("--token-size", type=float, default=10)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        print(json.dumps(run_case(arguments.one)))
        return
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        for size in arguments.sizes:
            label = f"{size:g} MB single-line prose"
            results.append(measure(label, single_line_article(int(size * MB)), Path(scratch)))
            print(results[-1], file=sys.stderr, flush=True)
        if arguments.token_size:
            label = f"{arguments.token_size:g} MB single token"
            text = single_token(int(arguments.token_size * MB))
            results.append(measure(label, text, Path(scratch)))
            print(results[-1], file=sys.stderr, flush=True)
    rows = [
        (
            r["label"],
            f"{r['mb']:.1f}",
            r["seconds"],
            r["cpu_seconds"],
            f"{r['cpu_seconds'] / r['mb']:.2f}",
            r["peak_mb"],
            f"{r['peak_mb'] / r['mb']:.0f}",
            r["worker_peak_mb"],
            r["packs"],
            r["claims"],
            "; ".join(r["skipped"]) or "none",
        )
        for r in results
    ]
    header = ("input", "MB", "wall s", "CPU s", "CPU s/MB", "peak MB", "peak MB/MB", "worker MB")
    header += ("packs", "claims", "skipped")
    publish(
        "huge_inputs",
        f"{machine()}\n\n`benchmarks/huge_inputs.py`: `briefing build --engine offline` of one "
        "file, each case in its own process (peak = its ru_maxrss; worker = the largest ru_maxrss "
        "of the worker processes it started; CPU = its and its workers' user + system "
        "time, which a machine shared with other jobs inflates less than wall time).\n\n"
        + table(header, rows),
    )


if __name__ == "__main__":
    main()
