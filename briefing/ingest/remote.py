"""URL inputs: fetched bodies turned into the same raw input a file gives, and ``--follow``.

A fetched page or feed is read by exactly the code that reads files: its body goes through
the same gzip and size handling, its format is decided from its Content-Type (and its
content), and its charset comes from the ``Content-Type`` header first, then from the
document. A page that names no canonical URL gets the address it was fetched from, and its
host as outlet when the page names none.

``--follow`` fetches the page of every feed item that carries only a teaser and reads the
whole article from it; an item whose page cannot be had keeps its teaser, with a note saying
why.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from posixpath import basename
from urllib.parse import urlsplit

from briefing.ingest import html
from briefing.ingest.decode import decode_bytes, readable_text
from briefing.ingest.fetch import Fetched, FetchOptions, fetch_all
from briefing.ingest.inputs import InputRef, RawInput, read_stream
from briefing.ingest.models import Draft, Unusable
from briefing.ingest.sniff import declared_charset, reject_binary
from briefing.ingest.urls import clean_url, host_of
from briefing.schema import Skipped

# A file name whose extension tells ingest how to read a body of this media type.
_NAME_FOR_TYPE = {
    "text/html": "page.html",
    "application/xhtml+xml": "page.html",
    "application/rss+xml": "feed.xml",
    "application/atom+xml": "feed.xml",
    "application/rdf+xml": "feed.xml",
    "application/feed+json": "feed.json",
    "application/json": "data.json",
    "application/x-ndjson": "data.jsonl",
    "text/markdown": "text.md",
    "text/xml": "feed.xml",
    "application/xml": "feed.xml",
}


def fetch_inputs(refs: Sequence[InputRef], options: FetchOptions) -> dict[str, Fetched]:
    """Fetch every URL input (concurrently); results by URL."""
    return fetch_all([ref.url for ref in refs if ref.url and not ref.problem], options)


def raw_from_fetched(fetched: Fetched, max_bytes: int) -> tuple[RawInput, str]:
    """The body as a `RawInput` (gzip bodies unpacked, capped) and a name to sniff its format
    by; raises `Unusable` with the reason the URL could not be fetched."""
    if fetched.problem:
        raise Unusable(fetched.problem)
    raw = read_stream(io.BytesIO(fetched.data), max_bytes, None, check_head=reject_binary)
    raw.truncated |= fetched.truncated
    raw.notes[:0] = fetched.notes
    return raw, _sniff_name(fetched)


def charset_of(fetched: Fetched, data: bytes) -> str | None:
    """The charset to decode with: the response header's, else the one the document names.

    A header charset the bytes do not fit gives way to the document's own declaration
    (servers often label every page with their default charset).
    """
    named = declared_charset(data)
    if fetched.charset is None or named is None or _fits(data, fetched.charset):
        return fetched.charset or named
    return named


def _fits(data: bytes, charset: str) -> bool:
    try:
        data.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return False
    return True


def complete_from_response(entries: list[Draft | Skipped], fetched: Fetched) -> None:
    """Give a fetched page without a canonical URL the address it came from (and its host as
    outlet when it names none). Items of a fetched feed keep their own links."""
    address = clean_url(fetched.final_url or fetched.url)
    for entry in entries:
        if isinstance(entry, Draft) and not entry.in_collection:
            entry.url = entry.url or address
            entry.outlet = entry.outlet or host_of(entry.url)


def follow_teasers(drafts: Sequence[Draft], options: FetchOptions, max_bytes: int) -> None:
    """Replace each teaser's text by its page's article text (``--follow``), in place."""
    teasers = [draft for draft in drafts if draft.teaser and draft.url]
    fetched = fetch_all([draft.url for draft in teasers if draft.url], options)
    for draft in teasers:
        got = fetched[draft.url or ""]
        try:
            page = _page_draft(got, max_bytes)
        except Unusable as problem:
            draft.notes.append(f"--follow: its page could not be read ({problem.reason})")
            continue
        except Exception as error:
            if not _is_input_error(error):
                raise
            reason = f"{type(error).__name__}: {error}"
            draft.notes.append(f"--follow: its page could not be read ({reason})")
            continue
        if page.characters <= draft.characters:
            draft.notes.append("--follow: its page holds no more text than the feed")
            continue
        draft.paragraphs = page.paragraphs
        draft.teaser = False
        draft.published = draft.published or page.published
        draft.author = draft.author or page.author
        draft.notes.append(f"--follow: full text read from {got.final_url or got.url}")


def _is_input_error(error: Exception) -> bool:
    from briefing.ingest.core import _is_input_error as is_input_error  # core imports this module

    return is_input_error(error)


def _page_draft(fetched: Fetched, max_bytes: int) -> Draft:
    raw, _ = raw_from_fetched(fetched, max_bytes)
    decoded = decode_bytes(
        raw.data, declared=charset_of(fetched, raw.data), truncated=raw.truncated
    )
    text, _ = readable_text(decoded.text)
    if not html.looks_like_html(text):
        raise Unusable("not an HTML page")
    return html.page_to_draft(text, path=fetched.url)


def _sniff_name(fetched: Fetched) -> str:
    by_type = _NAME_FOR_TYPE.get(fetched.content_type or "")
    if by_type:
        return by_type
    path = urlsplit(fetched.final_url or fetched.url).path
    return basename(path.rstrip("/")) or "index"
