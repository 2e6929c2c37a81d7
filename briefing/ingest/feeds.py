"""RSS and Atom feeds through feedparser: one draft per item.

feedparser is lenient on purpose and so are we: a feed it flags as "bozo" (not well-formed,
wrong encoding declaration, blank line before the XML declaration) is still read when it has
items, and the problem is noted on each article.

Per item: the title; the outlet from the feed title; the link (FeedBurner's original link
when the item link is a ``feedproxy``/``~r`` redirect; tracking parameters removed); the
date as written by the publisher (see `briefing.ingest.dates`); and the text of whichever of
``content:encoded``/Atom content and description/summary is longer, HTML turned into
paragraphs. An item whose text is a short summary is marked as a teaser.
"""

from __future__ import annotations

import re
import time
from typing import Any

from briefing.ingest.dates import parse_date
from briefing.ingest.decode import MOJIBAKE_NOTE, readable_text
from briefing.ingest.html import Converted, ends_as_excerpt, fragment_to_paragraphs, text_line
from briefing.ingest.models import Draft, Unusable
from briefing.ingest.plain import split_paragraphs
from briefing.ingest.urls import clean_url, host_of
from briefing.schema import Skipped

# Items whose text is shorter than this are summaries, not articles (RSS descriptions run
# one to three sentences; the shortest complete news briefs run longer).
TEASER_MAX_CHARS = 1000
_REDIRECTING_HOSTS = ("feedproxy.google.com", "feeds.feedburner.com", "feedburner.com")
_TITLE_SEPARATORS = re.compile(r"\s+(?:[-–—|:>»·]|&gt;)\s+")
_NON_LETTERS = re.compile(r"[^a-z0-9]")


def parse_feed(data: bytes, *, path: str) -> list[Draft | Skipped]:
    """Read an RSS/Atom feed; one `Draft` per item, or a `Skipped` for an item with no content.

    Raises `Unusable` when `data` is not a feed or the feed has no items.
    """
    import feedparser

    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=True)
    feed = parsed.get("feed", {})
    feed_title = text_line(feed.get("title"))
    if not parsed.entries:
        raise Unusable(_why_no_items(parsed, feed_title))
    outlet = outlet_from_title(feed_title, feed.get("link")) or host_of(feed.get("link"))
    notes = _bozo_notes(parsed)
    is_atom = str(parsed.get("version", "")).startswith("atom")
    return [
        _item_to_draft(entry, f"{path}#{position}", outlet, notes, is_atom=is_atom)
        for position, entry in enumerate(parsed.entries, start=1)
    ]


def outlet_from_title(title: str | None, link: str | None) -> str | None:
    """The outlet's name from a feed title such as ``Latest articles - The Japan Times``.

    Feed titles combine the outlet with a section (``BBC News - News front page``, ``News :
    NPR``, ``NYT > Top Stories``); the part that matches the site's domain is the outlet. With
    no such part the whole title is used.
    """
    return outlet_part(title, link) or title


def outlet_part(title: str | None, link: str | None) -> str | None:
    """The part of `title` (split at `` - ``, `` | ``, `` : ``, `` > `` …) naming `link`'s site."""
    host = host_of(link)
    if not title or not host:
        return None
    domain_label = _domain_label(host)
    return next(
        (p.strip() for p in _TITLE_SEPARATORS.split(title) if _names_domain(p, domain_label)), None
    )


def is_teaser(text_length: int, converted: Converted) -> bool:
    """True for a summary rather than an article: cut with "continue reading…" or "[…]", or
    short."""
    return (
        converted.read_more_removed or converted.ends_as_excerpt or text_length < TEASER_MAX_CHARS
    )


def item_body(title: str | None, converted: Converted) -> tuple[list[str], list[str]] | None:
    """A feed or API item's paragraphs and notes on how they were read; its title stands in
    when it has no text. None when it has neither."""
    notes = [MOJIBAKE_NOTE] if converted.repaired else []
    if converted.paragraphs:
        return converted.paragraphs, notes
    if not title:
        return None
    return [title], ["the item has no text; its title stands in for it", *notes]


def _item_to_draft(
    entry: Any, path: str, outlet: str | None, feed_notes: list[str], *, is_atom: bool
) -> Draft | Skipped:
    title = text_line(entry.get("title"))
    converted = _item_text(entry, is_atom=is_atom)
    body = item_body(title, converted)
    if body is None:
        return Skipped(path=path, reason="feed item has neither a title nor any text")
    paragraphs, notes = body
    length = sum(len(p) for p in paragraphs)
    return Draft(
        path=path,
        paragraphs=paragraphs,
        title=title,
        outlet=outlet,
        url=_item_url(entry),
        published=_item_date(entry),
        author=text_line(entry.get("author")),
        teaser=is_teaser(length, converted),
        notes=[*feed_notes, *notes],
        in_collection=True,
    )


def _item_text(entry: Any, *, is_atom: bool) -> Converted:
    """The longer of the item's full content and its summary, as paragraphs."""
    candidates: list[Converted] = []
    for content in entry.get("content", []):
        # RSS has no plain-text content element: feedparser files media:description (an image
        # caption) under "content" as text/plain, so only HTML content counts for RSS.
        if is_atom or "html" in content.get("type", ""):
            candidates.append(_detail_to_paragraphs(content))
    if entry.get("summary"):
        candidates.append(_detail_to_paragraphs(entry.get("summary_detail") or entry))
    if not candidates:
        return Converted([])
    return max(candidates, key=lambda c: sum(len(p) for p in c.paragraphs))


def _detail_to_paragraphs(detail: Any) -> Converted:
    value = detail.get("value", detail.get("summary", ""))
    if "html" in detail.get("type", "text/html"):
        return fragment_to_paragraphs(value)
    text, repaired = readable_text(value)
    paragraphs = split_paragraphs(text)
    return Converted(paragraphs, ends_as_excerpt=ends_as_excerpt(paragraphs), repaired=repaired)


def _item_url(entry: Any) -> str | None:
    original = entry.get("feedburner_origlink")
    link = entry.get("link")
    guid = entry.get("id")
    if not original and host_of(link) in _REDIRECTING_HOSTS and entry.get("guidislink") is False:
        original = guid if clean_url(guid) else None
    return clean_url(original) or clean_url(link) or (clean_url(guid) if guid else None)


def _item_date(entry: Any) -> str | None:
    for key in ("published", "updated", "created"):
        date = parse_date(entry.get(key))
        if date:
            return date
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return time.strftime("%Y-%m-%d", parsed)
    return None


def _bozo_notes(parsed: Any) -> list[str]:
    if not parsed.get("bozo"):
        return []
    problem = parsed.get("bozo_exception")
    if type(problem).__name__ == "CharacterEncodingOverride":
        return [f"feed encoding: {problem}"]
    return [f"feed is not well-formed XML ({problem}); read leniently"]


def _why_no_items(parsed: Any, feed_title: str | None) -> str:
    if parsed.get("version"):
        named = f" {feed_title!r}" if feed_title else ""
        return f"feed{named} has no items"
    problem = parsed.get("bozo_exception")
    detail = f" ({problem})" if problem else ""
    return f"not an RSS or Atom feed{detail}"


def _domain_label(host: str) -> str:
    labels = host.split(".")
    # The registrable label: "bbc" in news.bbc.co.uk, "japantimes" in www.japantimes.co.jp.
    significant = [label for label in labels if label not in {"www", "co", "com", "org", "net"}]
    return (significant[-2] if len(significant) > 1 else significant[0]) if significant else host


def _names_domain(part: str, domain_label: str) -> bool:
    compact = _NON_LETTERS.sub("", part.lower())
    if not compact or not domain_label:
        return False
    if domain_label in compact or (len(compact) >= 3 and compact in domain_label):
        return True
    return _is_abbreviation(compact, domain_label)


def _is_abbreviation(short: str, long: str) -> bool:
    """``nyt`` abbreviates ``nytimes``: same first letter, letters in order."""
    if len(short) < 2 or short[0] != long[0]:
        return False
    position = 0
    for letter in short:
        position = long.find(letter, position) + 1
        if position == 0:
            return False
    return True
