"""Scale: `briefing build --dry-run` and `briefing daily --dry-run` on 5,000, 20,000 and
50,000 synthetic articles (`corpus.synthetic_set`), each in a fresh process.

For each size and command: wall seconds, CPU seconds (user + system, which a loaded machine
does not inflate as much as wall time), peak resident memory, and memory per article above
the size of the input files.

    .venv/bin/python benchmarks/scale.py [--sizes 5000 20000 50000] [--commands build daily]
    .venv/bin/python benchmarks/scale.py --tracemalloc 5000 [--commands daily]

`--tracemalloc N` prints instead the 25 source lines holding the most memory at the peak
of an in-process dry run on N articles.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import corpus
from report import machine, table

from briefing.config import Options
from briefing.daily import plan_daily
from briefing.pipeline import plan

DEFAULT_SIZES = (5_000, 20_000, 50_000)
COMMANDS = ("build", "daily")
BRIEFING = Path(sys.executable).with_name("briefing")
KIB = 1024


def _input_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.iterdir())


def _dry_run(command: str, folder: Path) -> dict[str, float]:
    """One dry run in a child process: wall and CPU seconds, peak RSS in bytes."""
    articles = str(sum(1 for _ in folder.iterdir()))  # above the default cap of 20,000
    argv = [str(BRIEFING), command, str(folder), "--dry-run", "--engine", "openai"]
    argv += ["--max-articles", articles]
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed")
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_bytes": usage.ru_maxrss * KIB,
    }


def _baseline_bytes() -> int:
    """Peak RSS of the smallest dry run there is (one corpus story): the fixed cost."""
    return int(_dry_run("build", corpus.clusters()[0])["peak_bytes"])


def _row(command: str, size: int, folder: Path, baseline: int) -> list[str]:
    measured = _dry_run(command, folder)
    input_bytes = _input_bytes(folder)
    above_input = (measured["peak_bytes"] - baseline - input_bytes) / size
    return [
        f"`{command} --dry-run`",
        f"{size:,}",
        f"{input_bytes / KIB / size:.1f}",
        f"{measured['seconds']:.0f}",
        f"{measured['cpu_seconds']:.0f}",
        f"{measured['peak_bytes'] / KIB**2:,.0f}",
        f"{above_input / KIB:.1f}",
    ]


def _measure(sizes: list[int], commands: list[str], scratch: Path) -> str:
    baseline = _baseline_bytes()
    rows = []
    for size in sizes:
        folder = corpus.synthetic_set(size, scratch / f"synthetic-{size}")
        rows += [_row(command, size, folder, baseline) for command in commands]
    header = [
        "run",
        "articles",
        "input KiB/article",
        "wall s",
        "CPU s",
        "peak RSS MiB",
        "KiB/article above input",
    ]
    note = f"baseline (one corpus story's dry run): {baseline / KIB**2:.0f} MiB; {machine()}"
    return table(header, rows) + "\n\n" + note


def _trace(size: int, command: str, scratch: Path) -> None:
    folder = corpus.synthetic_set(size, scratch / f"synthetic-{size}")
    options = Options(engine="openai", base_url="http://127.0.0.1:9/v1", use_cache=False)
    tracemalloc.start(8)
    if command == "daily":
        plan_daily([folder], options)
    else:
        plan([folder], options)
    snapshot = tracemalloc.take_snapshot()
    _, peak = tracemalloc.get_traced_memory()
    print(f"traced peak {peak / KIB**2:.0f} MiB; held at the end, by line:")
    for stat in snapshot.statistics("lineno")[:25]:
        print(stat)


def main() -> None:
    """Measure, or trace one run's memory."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--commands", nargs="+", choices=COMMANDS, default=list(COMMANDS))
    parser.add_argument("--tracemalloc", type=int, metavar="N", help="trace a run on N articles")
    arguments = parser.parse_args()
    corpus.use_genuine_encoding()
    with tempfile.TemporaryDirectory() as scratch:
        if arguments.tracemalloc:
            _trace(arguments.tracemalloc, arguments.commands[-1], Path(scratch))
        else:
            print(_measure(arguments.sizes, arguments.commands, Path(scratch)))


if __name__ == "__main__":
    main()
