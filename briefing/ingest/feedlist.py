"""Feed lists for ``briefing daily --feeds``: OPML (as every feed reader exports) or text.

An OPML file is read with listparser: each outline with an ``xmlUrl`` is a feed, named by its
``text``/``title``; nested folders are flattened. Anything else is a text list: one feed URL
per line, ``#`` comments and blank lines ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefing.ingest.fetch import is_url, read_url_list


@dataclass(frozen=True)
class FeedEntry:
    """One feed of a list: its URL and, from OPML, its name."""

    url: str
    title: str | None = None


def read_feed_list(path: Path) -> list[FeedEntry]:
    """The feeds listed in `path`; raises `ValueError` saying what is wrong with the list."""
    data = path.read_bytes()
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return [FeedEntry(url) for url in read_url_list(path)]
    import listparser

    parsed = listparser.parse(data)
    if parsed.bozo and not parsed.feeds:
        raise ValueError(f"{path}: not a readable OPML file ({parsed.bozo_exception})")
    feeds = [
        FeedEntry(feed.url, (feed.get("title") or "").strip() or None)
        for feed in parsed.feeds
        if is_url(feed.url)
    ]
    if not feeds:
        raise ValueError(f"{path}: the OPML file lists no http(s) feed (no outline with xmlUrl)")
    return list({feed.url: feed for feed in feeds}.values())
