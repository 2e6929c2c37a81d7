"""The ingest run: inputs → drafts → duplicates and limits settled → ids → articles and reports.

`load` and `describe` both call `run`, so ``briefing inspect`` shows exactly what ``build``
reads.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from briefing.ingest import feeds, html, jsonapi, plain, remote
from briefing.ingest.decode import MOJIBAKE_NOTE, decode_bytes, readable_text
from briefing.ingest.fetch import Fetched, FetchOptions
from briefing.ingest.ids import IdAllocator, file_slug, item_slug, url_slug
from briefing.ingest.inputs import STDIN_DISPLAY, InputRef, expand_arguments, read_input
from briefing.ingest.models import (
    ArticleReport,
    Draft,
    IngestResult,
    InputFormat,
    InputReport,
    Paths,
    Unusable,
)
from briefing.ingest.select import Selection
from briefing.ingest.sniff import declared_charset, detect_format, reject_binary
from briefing.ingest.urls import url_key
from briefing.parallel import map_in_processes
from briefing.schema import Article, Skipped, Source
from briefing.text import normalize_for_match

DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024
# What parsers raise on input they cannot read (besides lxml's own errors): bad syntax, bad
# encodings, broken gzip streams, nesting too deep to walk. Anything else (an ImportError
# from an incomplete install, a TypeError from a bug) is not the input's fault: it
# propagates and stops the run.
INPUT_ERRORS: tuple[type[Exception], ...] = (
    ValueError,
    OSError,
    EOFError,
    zlib.error,
    RecursionError,
    OverflowError,
)
# From this many files they are read and parsed by two processes (below it, starting them
# costs more than it saves), handed out this many at a time.
PARALLEL_READ_MIN_FILES = 2_000
READING_CHUNK = 100


@dataclass
class _Outcome:
    """What became of one input: its format and its drafts and skipped items, in order."""

    ref: InputRef
    format: InputFormat | None = None
    entries: list[Draft | Skipped] = field(default_factory=list)


@dataclass
class _Fate:
    """Decisions taken across inputs for one draft: its id, or why it is not used."""

    source_id: str | None = None
    duplicate_of: Draft | None = None


def run(
    paths: Paths,
    *,
    stdin: BinaryIO | None,
    max_file_bytes: int,
    max_articles: int | None,
    selection: Selection | None = None,
    fetch: FetchOptions | None = None,
) -> IngestResult:
    """Read every input and settle duplicates, the article limit and ids (see `load`)."""
    if isinstance(paths, str | Path):
        paths = [paths]  # one path given as a string is one input, not a string of characters
    if max_file_bytes <= 0:
        raise ValueError("max_file_bytes must be positive")
    if max_articles is not None and max_articles < 0:
        raise ValueError("max_articles must not be negative")
    fetch = fetch or FetchOptions(max_bytes=max_file_bytes)
    refs = expand_arguments(paths, selection, max_files=max_articles)
    fetched = remote.fetch_inputs(refs, fetch)
    read_ahead = _read_files_ahead(refs, max_file_bytes)
    seen_content: dict[str, str] = {}
    stdin_read = False
    outcomes: list[_Outcome] = []
    for ref in refs:
        if ref.is_stdin and stdin_read:
            ref = InputRef(ref.display, None, "standard input was already read")
        stdin_read |= ref.is_stdin
        got = fetched.get(ref.url) if ref.url else None
        read = read_ahead.get(ref) or _read(ref, stdin, max_file_bytes, got, seen_content)
        outcomes.append(_outcome(ref, read, seen_content))
    if fetch.follow:
        drafts = [entry for o in outcomes for entry in o.entries if isinstance(entry, Draft)]
        remote.follow_teasers(drafts, fetch, max_file_bytes)
    fates = _settle(outcomes, max_articles)
    return _assemble(outcomes, fates, max_articles)


@dataclass
class _Read:
    """One input read and parsed on its own, before the checks across inputs: its drafts and
    skipped items, its format once known, and its content's digest once read."""

    entries: list[Draft | Skipped]
    format: InputFormat | None = None
    digest: str | None = None


def _read_files_ahead(refs: list[InputRef], max_file_bytes: int) -> dict[InputRef, _Read]:
    """The files among `refs`, read and parsed by two processes when there are many
    (an input a worker could not read is left out: `_read` reads it again in order)."""
    files = [ref for ref in refs if ref.path is not None and ref.problem is None]
    if len(files) < PARALLEL_READ_MIN_FILES:
        return {}
    reader = functools.partial(_read_in_worker, max_file_bytes=max_file_bytes)
    done = map_in_processes(reader, files, chunksize=READING_CHUNK)
    return {ref: read for ref, read in zip(files, done, strict=True) if read is not None}


def _read_in_worker(ref: InputRef, *, max_file_bytes: int) -> _Read | None:
    """`_read` of one file; None where it raises (a bug, not the input's fault), so that the
    run raises it in order, as it would without workers."""
    try:
        return _read(ref, None, max_file_bytes)
    except Exception:
        return None


def _outcome(ref: InputRef, read: _Read, seen_content: dict[str, str]) -> _Outcome:
    """What becomes of an input in the run: skipped when an earlier input had the same
    content, else what reading it gave."""
    if read.digest is not None:
        if read.digest in seen_content:
            reason = f"same content as {seen_content[read.digest]}"
            return _Outcome(ref, entries=[Skipped(path=ref.display, reason=reason)])
        seen_content[read.digest] = ref.display
    return _Outcome(ref, read.format, read.entries)


def _read(
    ref: InputRef,
    stdin: BinaryIO | None,
    max_file_bytes: int,
    fetched: Fetched | None = None,
    seen_content: Container[str] = (),
) -> _Read:
    """Read and parse one input; one whose content's digest is in `seen_content` is not
    parsed (it will be skipped as a repeat)."""
    if ref.problem:
        return _Read([Skipped(path=ref.display, reason=ref.problem)])
    read = _Read([])
    try:
        if fetched is not None:
            raw, name = remote.raw_from_fetched(fetched, max_file_bytes)
        else:
            raw, name = read_input(ref, stdin, max_file_bytes, check_head=reject_binary), ref.name
        input_format = detect_format(name, raw.data)
        read.digest = hashlib.sha1(raw.data).hexdigest()
        if read.digest in seen_content:
            return read
        read.format = input_format
        declared = remote.charset_of(fetched, raw.data) if fetched is not None else None
        entries = _parse(input_format, raw.data, ref.display, raw.truncated, declared)
        if fetched is not None:
            remote.complete_from_response(entries, fetched)
    except Unusable as problem:
        read.entries.append(Skipped(path=ref.display, reason=problem.reason))
        return read
    except Exception as error:
        if not _is_input_error(error):
            raise
        # One file that a parser cannot read must not stop the run.
        reason = f"could not be read ({type(error).__name__}: {error})"
        read.entries.append(Skipped(path=ref.display, reason=reason))
        return read
    for entry in entries:
        if isinstance(entry, Draft):
            entry.notes[:0] = raw.notes
            _drop_repeated_title(entry)
    read.entries = entries
    return read


def _is_input_error(error: Exception) -> bool:
    """True for what a parser raises on unreadable input, false for a broken install or a bug."""
    if isinstance(error, INPUT_ERRORS):
        return True
    # lxml is imported only once a page or feed is parsed: ingest stays light to import.
    from lxml import etree

    return isinstance(error, etree.LxmlError)


def _parse(
    input_format: InputFormat,
    data: bytes,
    display: str,
    truncated: bool,
    declared: str | None = None,
) -> list[Draft | Skipped]:
    """Parse one input's bytes; `declared` is a charset given from outside (HTTP)."""
    if input_format == "feed":
        return list(feeds.parse_feed(data, path=display))
    if declared is None and input_format == "html":
        declared = declared_charset(data)
    decoded = decode_bytes(data, declared=declared, truncated=truncated)
    text, repaired = readable_text(decoded.text)
    notes = decoded.notes + ([MOJIBAKE_NOTE] if repaired else [])
    entries: list[Draft | Skipped]
    if input_format == "html":
        entries = [html.page_to_draft(text, path=display)]
    elif input_format == "json":
        entries = jsonapi.parse_json(text, path=display, truncated=truncated)
    elif input_format == "jsonl":
        entries = jsonapi.parse_jsonl(text, path=display, truncated=truncated)
    else:
        entries = [plain.text_to_draft(text, path=display, markdown=input_format == "markdown")]
    for entry in entries:
        if isinstance(entry, Draft):
            entry.notes[:0] = notes
    return entries


def _drop_repeated_title(draft: Draft) -> None:
    """Drop leading paragraphs that repeat the title: the title is kept in the source record."""
    if not draft.title or not draft.paragraphs:
        return
    # Cheap length test first: normalising every first paragraph would cost more than ingest.
    if abs(len(draft.paragraphs[0]) - len(draft.title)) > len(draft.title) // 4 + 4:
        return
    title = normalize_for_match(draft.title).casefold()
    while (
        len(draft.paragraphs) > 1 and normalize_for_match(draft.paragraphs[0]).casefold() == title
    ):
        draft.paragraphs.pop(0)


def _settle(outcomes: list[_Outcome], max_articles: int | None) -> dict[int, _Fate]:
    """Decide, across all inputs, which drafts are duplicates, over the limit, and their ids."""
    drafts = [
        (outcome, position, entry)
        for outcome in outcomes
        for position, entry in enumerate(outcome.entries, start=1)
        if isinstance(entry, Draft)
    ]
    fates = {id(draft): _Fate() for _, _, draft in drafts}
    by_url: dict[str, Draft] = {}
    for _, _, draft in drafts:
        if not draft.url:
            continue
        key = url_key(draft.url)
        kept = by_url.setdefault(key, draft)
        if kept is draft:
            continue
        winner, loser = (draft, kept) if _is_fuller(draft, kept) else (kept, draft)
        by_url[key] = winner
        fates[id(loser)].duplicate_of = winner
        winner.notes.append(f"the same URL was also read from {loser.path}")
    used = 0
    allocator = IdAllocator()
    for outcome, position, draft in drafts:
        fate = fates[id(draft)]
        if fate.duplicate_of is not None:
            continue
        if max_articles is not None and used >= max_articles:
            continue  # no id: reported as over the limit
        used += 1
        fate.source_id = allocator.allocate(_slug_for(outcome, draft, position), draft.path)
    return fates


def _is_fuller(candidate: Draft, kept: Draft) -> bool:
    return (not candidate.teaser, candidate.characters) > (not kept.teaser, kept.characters)


def _slug_for(outcome: _Outcome, draft: Draft, position: int) -> str:
    if outcome.ref.url is not None:
        container = url_slug(outcome.ref.url)
    elif outcome.ref.path is not None:
        container = file_slug(outcome.ref.name)
    else:
        container = STDIN_DISPLAY
    if not draft.in_collection:
        return container
    return f"{container}-{item_slug(draft.url, draft.title, position)}"


def _assemble(
    outcomes: list[_Outcome], fates: dict[int, _Fate], max_articles: int | None
) -> IngestResult:
    articles: list[Article] = []
    skipped: list[Skipped] = []
    reports: list[InputReport] = []
    for outcome in outcomes:
        report = InputReport(
            path=outcome.ref.display, format=outcome.format, articles=[], skipped=[]
        )
        for entry in outcome.entries:
            if isinstance(entry, Skipped):
                report.skipped.append(entry)
                continue
            fate = fates[id(entry)]
            if fate.source_id is None:
                report.skipped.append(_why_not_used(entry, fate, fates, max_articles))
                continue
            article = _to_article(entry, fate.source_id)
            articles.append(article)
            report.articles.append(_to_report(article))
        skipped.extend(report.skipped)
        reports.append(report)
    return IngestResult(articles=articles, skipped=skipped, inputs=reports)


def _why_not_used(
    draft: Draft, fate: _Fate, fates: dict[int, _Fate], max_articles: int | None
) -> Skipped:
    if fate.duplicate_of is not None:
        winner, later = fate.duplicate_of, fates[id(fate.duplicate_of)].duplicate_of
        while later is not None:
            winner, later = later, fates[id(later)].duplicate_of
        winner_id = fates[id(winner)].source_id or winner.path
        reason = f"same story as {winner_id} (same URL {winner.url}); that copy was kept"
        return Skipped(path=draft.path, reason=reason)
    return Skipped(
        path=draft.path, reason=f"over the limit of {max_articles} articles (max_articles)"
    )


def _to_article(draft: Draft, source_id: str) -> Article:
    source = Source(
        id=source_id,
        title=draft.title,
        outlet=draft.outlet,
        url=draft.url,
        published=draft.published,
        author=draft.author,
        path=draft.path,
        teaser=draft.teaser,
        notes=draft.notes,
    )
    return Article(source=source, paragraphs=draft.paragraphs)


def _to_report(article: Article) -> ArticleReport:
    return ArticleReport(
        **article.source.model_dump(),
        characters=len(article.text),
        paragraphs=len(article.paragraphs),
    )
