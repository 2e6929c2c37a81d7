"""Fetching URLs of pages and feeds: concurrent, polite, capped, cached with conditional GET.

```python
from briefing.ingest.fetch import FetchOptions, fetch_all
fetched = fetch_all(["https://example.com/story"], FetchOptions(cache_dir=Path("cache")))
fetched["https://example.com/story"].data   # the body (decompressed), or .problem says why not
```

Requests go out concurrently (`concurrency` in all), at most `per_host` at a time to one host
and with at least `host_delay` seconds between two request starts to the same host. Each
request has an overall deadline (`timeout`, so a server trickling bytes cannot hold a run),
follows at most `max_redirects` redirects, and reads at most `max_bytes` of the body after
gzip/deflate/brotli decoding. Only HTML, feeds, JSON and text are kept; anything else is a
problem ("not HTML, a feed or text"). Nothing here raises for a bad URL: each result carries
either the body or the reason it could not be had.

With a cache folder, every 200 answer is stored with its ``ETag`` and ``Last-Modified``; the
next fetch of that URL asks conditionally (``If-None-Match`` / ``If-Modified-Since``) and a
``304 Not Modified`` reuses the stored body, so a daily run refetches only what changed.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
import zlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import httpx2

DEFAULT_FETCH_TIMEOUT = 20.0
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_FETCH_CONCURRENCY = 8
DEFAULT_PER_HOST = 2
DEFAULT_HOST_DELAY = 0.2
CACHE_FILE = "pages.sqlite3"
_KEPT_TYPES = frozenset(
    {
        "application/xhtml+xml", "application/xml", "application/rss+xml",
        "application/atom+xml", "application/rdf+xml", "application/json",
        "application/feed+json", "application/x-ndjson", "application/gzip",
        "application/x-gzip",
    }
)  # fmt: skip


def _user_agent() -> str:
    try:
        own = version("briefing")
    except PackageNotFoundError:
        own = "dev"
    return f"briefing/{own} (news briefing tool; fetches pages and feeds named by its user)"


USER_AGENT = _user_agent()


@dataclass(frozen=True)
class FetchOptions:
    """How URLs are fetched (see the module docstring); `cache_dir` None means no cache."""

    timeout: float = DEFAULT_FETCH_TIMEOUT
    max_bytes: int = 20 * 1024 * 1024
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    concurrency: int = DEFAULT_FETCH_CONCURRENCY
    per_host: int = DEFAULT_PER_HOST
    host_delay: float = DEFAULT_HOST_DELAY
    cache_dir: Path | None = None
    user_agent: str = USER_AGENT
    follow: bool = False  # fetch the page of each feed item that carries only a teaser


@dataclass
class Fetched:
    """One URL's answer: its body and how to read it, or the `problem` that stopped it."""

    url: str
    final_url: str | None = None
    data: bytes = b""
    content_type: str | None = None
    charset: str | None = None
    truncated: bool = False
    revalidated: bool = False  # a 304 said the cached body is still current
    problem: str | None = None
    notes: list[str] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None


def is_url(argument: object) -> bool:
    """True for an ``http://`` or ``https://`` argument (a URL to fetch, not a path)."""
    return isinstance(argument, str) and argument[:8].lower().startswith(("http://", "https://"))


def read_url_list(path: Path) -> list[str]:
    """The URLs in a text file: one per line; blank lines and ``#`` comments are ignored.

    Raises `ValueError` naming the first line that is not an http(s) URL.
    """
    urls: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        text = line.split(" #", 1)[0].strip()
        if not text or text.startswith("#"):
            continue
        if not is_url(text):
            raise ValueError(f"{path}, line {number}: {text!r} is not an http(s) URL")
        urls.append(text)
    return urls


def fetch_all(urls: Sequence[str], options: FetchOptions) -> dict[str, Fetched]:
    """Fetch every distinct URL once, concurrently; results keyed by the URL as given."""
    unique = list(dict.fromkeys(urls))
    if not unique:
        return {}
    return asyncio.run(_fetch_all(unique, options))


async def _fetch_all(urls: list[str], options: FetchOptions) -> dict[str, Fetched]:
    import httpx2  # imported when a URL is fetched: reading files stays light

    cache = PageCache.open(options.cache_dir)
    hosts = _Hosts(options.per_host, options.host_delay)
    limit = asyncio.Semaphore(options.concurrency)
    client = httpx2.AsyncClient(
        headers={"User-Agent": options.user_agent, "Accept-Encoding": "gzip, deflate"},
        follow_redirects=True,
        max_redirects=options.max_redirects,
        timeout=httpx2.Timeout(options.timeout),
        limits=httpx2.Limits(max_connections=options.concurrency),
    )
    try:
        async with client:
            results = await asyncio.gather(
                *(_fetch_polite(client, url, options, cache, hosts, limit) for url in urls)
            )
    finally:
        if cache is not None:
            cache.close()
    return {result.url: result for result in results}


async def _fetch_polite(
    client: httpx2.AsyncClient,
    url: str,
    options: FetchOptions,
    cache: PageCache | None,
    hosts: _Hosts,
    limit: asyncio.Semaphore,
) -> Fetched:
    import httpx2

    cached = cache.get(url) if cache is not None else None
    async with limit, hosts.turn(urlsplit(url).hostname or ""):
        try:
            async with asyncio.timeout(options.timeout):
                result = await _fetch_one(client, url, options, cached)
        except TimeoutError:
            return Fetched(url, problem=f"timed out after {options.timeout:g} s")
        except httpx2.TooManyRedirects:
            return Fetched(url, problem=f"too many redirects (more than {options.max_redirects})")
        except httpx2.DecodingError as error:
            return Fetched(url, problem=f"the response could not be decoded ({error})")
        except httpx2.ConnectError as error:
            return Fetched(url, problem=f"could not connect ({error})")
        except (httpx2.HTTPError, httpx2.InvalidURL) as error:
            return Fetched(url, problem=f"could not fetch ({type(error).__name__}: {error})")
    if cache is not None and result.problem is None and not result.revalidated:
        cache.put(result)
    return result


async def _fetch_one(
    client: httpx2.AsyncClient, url: str, options: FetchOptions, cached: Fetched | None
) -> Fetched:
    async with client.stream("GET", url, headers=_conditional_headers(cached)) as response:
        final_url = str(response.url)
        status = response.status_code
        if status == 304 and cached is not None:
            return replace(cached, url=url, revalidated=True)
        if status != 200:
            reason = response.reason_phrase
            return Fetched(url, final_url, problem=f"HTTP {status}{' ' + reason if reason else ''}")
        media_type, charset = _content_type(response.headers.get("content-type"))
        if media_type and not _kept(media_type):
            return Fetched(
                url, final_url, problem=f"not HTML, a feed or text (Content-Type {media_type})"
            )
        data, truncated = await _read_capped(response.aiter_bytes(), options.max_bytes)
    if not data:
        return Fetched(url, final_url, problem="empty response (HTTP 200 without a body)")
    notes = [f"redirected to {final_url}"] if final_url != url else []
    if truncated:
        notes.append(f"read only the first {options.max_bytes:,} bytes (max_file_bytes)")
    return Fetched(
        url,
        final_url,
        data=data,
        content_type=media_type,
        charset=charset,
        truncated=truncated,
        notes=notes,
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
    )


async def _read_capped(chunks: AsyncIterator[bytes], max_bytes: int) -> tuple[bytes, bool]:
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > max_bytes:
            return bytes(body[:max_bytes]), True
    return bytes(body), False


def _content_type(header: str | None) -> tuple[str | None, str | None]:
    if not header:
        return None, None
    media_type, _, parameters = header.partition(";")
    charset = None
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip("\"'"):
            charset = value.strip().strip("\"'")
    return media_type.strip().lower() or None, charset


def _kept(media_type: str) -> bool:
    return (
        media_type.startswith("text/")
        or media_type in _KEPT_TYPES
        or media_type.endswith(("+xml", "+json"))
    )


def _conditional_headers(cached: Fetched | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if cached is not None and cached.etag:
        headers["If-None-Match"] = cached.etag
    if cached is not None and cached.last_modified:
        headers["If-Modified-Since"] = cached.last_modified
    return headers


class _Hosts:
    """Per-host politeness: a few requests at once, and a pause between their starts."""

    def __init__(self, per_host: int, delay: float) -> None:
        self._per_host = per_host
        self._delay = delay
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._next_start: dict[str, float] = {}

    @asynccontextmanager
    async def turn(self, host: str) -> AsyncIterator[None]:
        """Wait until `host` may be asked again, and hold one of its slots meanwhile."""
        slot = self._slots.setdefault(host, asyncio.Semaphore(self._per_host))
        async with slot:
            now = time.monotonic()
            start = max(now, self._next_start.get(host, now))
            self._next_start[host] = start + self._delay
            if start > now:
                await asyncio.sleep(start - now)
            yield


_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    final_url TEXT,
    etag TEXT,
    last_modified TEXT,
    content_type TEXT,
    charset TEXT,
    truncated INTEGER NOT NULL,
    body BLOB NOT NULL,
    stored_at REAL NOT NULL
) WITHOUT ROWID
"""


class PageCache:
    """Fetched bodies by URL in one SQLite file, with the validators of their answer."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=10, isolation_level=None)
        try:
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute(_SCHEMA)
        except sqlite3.Error:
            self._db.close()
            raise

    @classmethod
    def open(cls, folder: Path | None) -> PageCache | None:
        """The cache in `folder`, or None when there is no folder or it cannot be opened."""
        if folder is None:
            return None
        try:
            return cls(folder / CACHE_FILE)
        except (OSError, sqlite3.Error):
            return None  # a cache is an optimisation: without one, everything is refetched

    def get(self, url: str) -> Fetched | None:
        """The stored answer for `url`, if any."""
        row = self._db.execute(
            "SELECT final_url, etag, last_modified, content_type, charset, truncated, body "
            "FROM pages WHERE url = ?",
            (url,),
        ).fetchone()
        if row is None:
            return None
        final_url, etag, last_modified, content_type, charset, truncated, body = row
        return Fetched(
            url,
            final_url,
            data=zlib.decompress(body),
            content_type=content_type,
            charset=charset,
            truncated=bool(truncated),
            notes=["not modified since the last fetch (HTTP 304); the cached copy was used"],
            etag=etag,
            last_modified=last_modified,
        )

    def put(self, fetched: Fetched) -> None:
        """Store a fresh answer that carries validators (without, it could not be asked for
        conditionally, so it is not kept)."""
        if fetched.etag is None and fetched.last_modified is None:
            return
        self._db.execute(
            "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                fetched.url,
                fetched.final_url,
                fetched.etag,
                fetched.last_modified,
                fetched.content_type,
                fetched.charset,
                int(fetched.truncated),
                zlib.compress(fetched.data),
                time.time(),
            ),
        )

    def close(self) -> None:
        """Close the database."""
        self._db.close()
