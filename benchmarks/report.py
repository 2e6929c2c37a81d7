"""What every benchmark prints with its numbers: the machine, and a Markdown table."""

from __future__ import annotations

import datetime
import os
import platform
import resource
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def cpu_seconds() -> float:
    """User + system time of this process and of the worker processes it has waited for
    (reading, cleaning, counting tokens and the offline engine's extraction run in them)."""
    own, workers = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, or the platform's processor string."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _uname() -> str:
    """What `uname -a` prints, or the platform's summary where there is no uname."""
    try:
        return subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return " ".join(platform.uname()).strip()


def machine() -> str:
    """One Markdown paragraph: uname -a, CPU, cores, Python version and the date."""
    uname = _uname()
    cores = os.cpu_count()
    today = datetime.date.today().isoformat()
    return (
        f"**Machine.** `{uname}`; CPU {cpu_model()}, {cores} cores; "
        f"Python {platform.python_version()}; run on {today}."
    )


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def publish(name: str, markdown: str) -> None:
    """Print the result and keep it in benchmarks/results/NAME.md for the README."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.md").write_text(markdown + "\n", encoding="utf-8")
    sys.stdout.write(markdown + "\n")
