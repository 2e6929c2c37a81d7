"""Main-text extraction quality of `briefing.ingest` on real pages with gold extractions.

For every page ``<stem>.html`` in the ingest corpus (default ``../shared/ingest/html``):

* with ``<stem>.expected.txt``: token-level precision, recall and F1 of the text ingest
  extracts against the gold text. Tokens are lower-cased words (``\\w+``) after the
  quote/dash/whitespace folding `briefing.text.normalize_for_match` does; both sides are bags
  of tokens (order ignored, repeats counted). Gold files disagree on the headline (fundus gold
  starts with it, scrapinghub gold does not) and ingest keeps the headline in
  `Source.title`, not in the text, so a leading gold paragraph equal to the title is dropped;
* with ``<stem>.expected-snippets.json``: how many "with" snippets occur in the extracted
  text and how many "without" (boilerplate) snippets do not.

Prints a Markdown table. Run from the repository root:

    .venv/bin/python benchmarks/extraction_quality.py [--data ../shared/ingest/html]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from briefing.ingest import load
from briefing.text import normalize_for_match, words

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "ingest" / "html"


@dataclass
class PageScore:
    page: str
    gold: str
    extracted_tokens: int
    gold_tokens: int | None
    precision: float | None
    recall: float | None
    f1: float | None
    snippets: str
    milliseconds: float


def token_scores(extracted: str, gold: str) -> tuple[float, float, float]:
    """Bag-of-tokens precision, recall and F1 of `extracted` against `gold`."""
    got = Counter(words(normalize_for_match(extracted)))
    want = Counter(words(normalize_for_match(gold)))
    overlap = sum((got & want).values())
    precision = overlap / sum(got.values()) if got else 0.0
    recall = overlap / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def gold_body(gold_text: str, titles: list[str]) -> str:
    """The gold text without a leading paragraph that repeats the headline."""
    paragraphs = [p for p in gold_text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    folded_titles = {normalize_for_match(t).casefold() for t in titles if t}
    if paragraphs and normalize_for_match(paragraphs[0]).casefold() in folded_titles:
        paragraphs = paragraphs[1:]
    return "\n\n".join(paragraphs)


def gold_titles(folder: Path, stem: str) -> list[str]:
    """Headlines named by the page's gold metadata files, if any."""
    titles = []
    for suffix in (".expected.json", ".expected-metadata.json"):
        path = folder / f"{stem}{suffix}"
        if path.exists():
            title = json.loads(path.read_text(encoding="utf-8")).get("title")
            if isinstance(title, str):
                titles.append(title)
    return titles


def snippet_checks(extracted: str, snippets_file: Path) -> str:
    """``with a/b, without c/d``: gold snippets found, boilerplate snippets absent."""
    entry = next(iter(json.loads(snippets_file.read_text(encoding="utf-8")).values()))
    text = normalize_for_match(extracted)
    present = [s for s in entry.get("with", []) if normalize_for_match(s) in text]
    absent = [s for s in entry.get("without", []) if normalize_for_match(s) not in text]
    return (
        f"with {len(present)}/{len(entry.get('with', []))}, "
        f"without {len(absent)}/{len(entry.get('without', []))}"
    )


def score_page(page: Path) -> PageScore:
    """Ingest one page and score it against whatever gold exists next to it."""
    stem = page.name.removesuffix(".html")
    started = time.perf_counter()
    result = load([page])
    milliseconds = (time.perf_counter() - started) * 1000
    article = result.articles[0] if result.articles else None
    extracted = article.text if article else ""
    gold_file = page.with_name(f"{stem}.expected.txt")
    snippets_file = page.with_name(f"{stem}.expected-snippets.json")
    precision = recall = f1 = None
    gold_tokens = None
    gold = "snippets" if snippets_file.exists() else "none"
    if gold_file.exists():
        titles = gold_titles(page.parent, stem) + ([article.source.title] if article else [])
        body = gold_body(gold_file.read_text(encoding="utf-8"), [t for t in titles if t])
        precision, recall, f1 = token_scores(extracted, body)
        gold_tokens = len(words(normalize_for_match(body)))
        gold = "full text"
    return PageScore(
        page=stem,
        gold=gold,
        extracted_tokens=len(words(normalize_for_match(extracted))),
        gold_tokens=gold_tokens,
        precision=precision,
        recall=recall,
        f1=f1,
        snippets=snippet_checks(extracted, snippets_file) if snippets_file.exists() else "—",
        milliseconds=milliseconds,
    )


def markdown_table(scores: list[PageScore]) -> str:
    """The scores as a Markdown table, with the mean over full-text pages last."""
    lines = [
        "| page | gold | tokens (extracted / gold) | precision | recall | F1 | snippets | ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        tokens = (
            f"{s.extracted_tokens} / {s.gold_tokens}" if s.gold_tokens else str(s.extracted_tokens)
        )
        lines.append(
            f"| {s.page} | {s.gold} | {tokens} | {_fmt(s.precision)} | {_fmt(s.recall)} "
            f"| {_fmt(s.f1)} | {s.snippets} | {s.milliseconds:.0f} |"
        )
    full = [s for s in scores if s.f1 is not None]
    if full:
        mean = {
            name: sum(getattr(s, name) for s in full) / len(full)
            for name in ("precision", "recall", "f1")
        }
        lines.append(
            f"| **mean of {len(full)} full-text pages** | | | {_fmt(mean['precision'])} "
            f"| {_fmt(mean['recall'])} | {_fmt(mean['f1'])} | | |"
        )
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return f"{value:.3f}" if value is not None else "—"


def main() -> int:
    """Score every page in the data folder and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of pages")
    arguments = parser.parse_args()
    folder = arguments.data.resolve()
    if not folder.is_dir():
        print(f"no pages: {folder} is not a folder", file=sys.stderr)
        return 1
    pages = sorted(p for p in folder.glob("*.html") if not p.name.endswith(".expected.html"))
    import trafilatura  # noqa: F401 - imported up front so the first row's time is comparable

    print(markdown_table([score_page(page) for page in pages]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
