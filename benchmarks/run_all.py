"""Run every cost and speed benchmark and put their results into benchmarks/README.md.

    .venv/bin/python benchmarks/run_all.py        # what `make bench` runs

Each benchmark writes benchmarks/results/NAME.md; the README's text between
`<!-- results:NAME -->` and `<!-- /results:NAME -->` is replaced with it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from report import RESULTS

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
BENCHMARKS = ("tokens", "latency", "incremental", "throughput")


def _update_readme(name: str) -> None:
    result = (RESULTS / f"{name}.md").read_text(encoding="utf-8").strip()
    marked = re.compile(
        rf"(<!-- results:{name} -->\n)(?:.*?\n)?(<!-- /results:{name} -->)", re.DOTALL
    )
    text = README.read_text(encoding="utf-8")
    if not marked.search(text):
        print(f"README.md has no results:{name} markers; left as is", file=sys.stderr)
        return
    updated = marked.sub(lambda m: m.group(1) + result + "\n" + m.group(2), text)
    README.write_text(updated, encoding="utf-8")


def main() -> None:
    """Run the benchmarks one after another, each in its own process."""
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        subprocess.run([sys.executable, str(HERE / f"{name}.py")], check=True)
        _update_readme(name)


if __name__ == "__main__":
    main()
