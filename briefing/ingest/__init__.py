"""Ingest: files, folders and stdin (text, Markdown, HTML, RSS/Atom, JSON) → `Article`s.

```python
from briefing.ingest import load
result = load(["corpus/wonsan-2025-07", "feeds/npr.xml"])
result.articles   # list[Article]
result.skipped    # list[Skipped]: inputs or items that could not be used, and why
```

Nothing in here raises for a bad input: it is skipped with a specific reason. Heavy parsers
(trafilatura, feedparser, lxml, charset-normalizer, rich) are imported only when needed, so
reading plain text stays cheap.
"""

from __future__ import annotations

from typing import BinaryIO

from briefing.ingest.core import DEFAULT_MAX_FILE_BYTES, run
from briefing.ingest.fetch import FetchOptions, read_url_list
from briefing.ingest.models import ArticleReport, IngestResult, InputReport, Paths
from briefing.ingest.report import render_inspect_table
from briefing.ingest.select import Selection

__all__ = [
    "DEFAULT_MAX_FILE_BYTES",
    "ArticleReport",
    "FetchOptions",
    "IngestResult",
    "InputReport",
    "Paths",
    "Selection",
    "describe",
    "load",
    "read_url_list",
    "render_inspect_table",
]


def load(
    paths: Paths,
    *,
    stdin: BinaryIO | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    max_articles: int | None = None,
    selection: Selection | None = None,
    fetch: FetchOptions | None = None,
) -> IngestResult:
    """Read articles from files, folders (recursively) and ``-`` (stdin, as bytes).

    `paths` may also be one path (a ``str`` or ``Path``). ``http(s)://`` URLs are fetched
    (concurrently, cached, per `fetch`; see `briefing.ingest.fetch`) and read like files.
    `selection` holds the ``--include``/``--exclude`` globs; by default files that are not
    articles (README, LICENSE, CHANGELOG, PROVENANCE, dotfiles) are skipped with that reason.

    Formats are recognised by extension and by content; gzip is decompressed transparently.
    A file larger than `max_file_bytes` is read only up to that size (noted in
    `Source.notes`). Articles beyond `max_articles` are skipped. The same story read twice
    (same canonical URL, or byte-identical files) becomes one article. Source ids are short
    slugs of file names (and of item URLs or titles inside feeds and JSON collections),
    unique within the run.
    """
    return run(
        paths,
        stdin=stdin,
        max_file_bytes=max_file_bytes,
        max_articles=max_articles,
        selection=selection,
        fetch=fetch,
    )


def describe(
    paths: Paths,
    *,
    stdin: BinaryIO | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    max_articles: int | None = None,
    selection: Selection | None = None,
    fetch: FetchOptions | None = None,
) -> list[InputReport]:
    """What ingest makes of each input — the data behind ``briefing inspect``.

    Runs exactly the same code as `load`; returns one `InputReport` per input.
    """
    result = run(
        paths,
        stdin=stdin,
        max_file_bytes=max_file_bytes,
        max_articles=max_articles,
        selection=selection,
        fetch=fetch,
    )
    return result.inputs
