"""Source ids: short, readable, stable slugs derived from file names, item URLs or titles."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import unquote, urlsplit

_KNOWN_SUFFIXES = frozenset(
    {
        ".gz", ".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".shtml",
        ".json", ".jsonl", ".ndjson", ".xml", ".rss", ".atom", ".rdf",
    }
)  # fmt: skip
# Letters NFKD does not decompose to ASCII; apostrophes vanish ("Angie's" → "angies").
_TRANSLITERATE = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "đ": "d",
     "Đ": "D", "ð": "d", "þ": "th", "Þ": "Th", "ł": "l", "Ł": "L", "'": "", "’": ""}
)  # fmt: skip
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_HAS_LETTER = re.compile(r"[a-z]")
_MAX_FILE_SLUG = 80
_MAX_ITEM_WORDS = 5
_MAX_ITEM_SLUG = 40


def slugify(text: str, *, max_words: int | None = None, max_length: int = _MAX_FILE_SLUG) -> str:
    """Lower-case ASCII words of `text` joined by hyphens (accents folded), cut at a word end."""
    text = text.translate(_TRANSLITERATE)
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = [w for w in _NON_ALNUM.split(folded) if w]
    if max_words is not None:
        words = words[:max_words]
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or "-".join(words)[:max_length]


def file_stem(name: str) -> str:
    """The file name without its known extensions (``a.rss.xml`` → ``a``, ``b.html.gz`` → ``b``)."""
    stem = name
    while True:
        dot = stem.rfind(".")
        if dot <= 0 or stem[dot:].lower() not in _KNOWN_SUFFIXES:
            return stem
        stem = stem[:dot]


def file_slug(name: str) -> str:
    """Slug of a file name: ``01_nytimes.txt`` → ``01-nytimes``; never empty."""
    stem = file_stem(name)
    return slugify(stem) or f"file-{_short_hash(name)}"


def item_slug(url: str | None, title: str | None, position: int) -> str:
    """Short slug for an item inside a feed or collection: from its URL path, else its title.

    The last URL path segment with letters in it is used (``/2023/11/24/1215084865/oscar-
    pistorius-parole`` → ``oscar-pistorius-parole``); failing that the first words of the
    title; failing that the item's position.
    """
    for candidate in (_slug_from_url(url), _slug_from_text(title)):
        if candidate:
            return candidate
    return f"item-{position}"


def url_slug(url: str) -> str:
    """Slug of a fetched URL: its last telling path segment, else its host; never empty."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return _slug_from_url(url) or slugify(host) or f"url-{_short_hash(url)}"


class IdAllocator:
    """Hands out ids unique within one run; a repeated slug gets a suffix derived from its path.

    The suffix is a hash of the display path rather than a counter, so an article keeps its id
    when other inputs are added to the run (ids are part of cached prompts).
    """

    def __init__(self) -> None:
        self._used: set[str] = set()

    def allocate(self, slug: str, path: str) -> str:
        """Return `slug`, or `slug` with a stable suffix if it is already taken."""
        candidate = slug
        if candidate in self._used:
            candidate = f"{slug}-{_short_hash(path)}"
        counter = 2
        while candidate in self._used:
            candidate = f"{slug}-{_short_hash(path)}-{counter}"
            counter += 1
        self._used.add(candidate)
        return candidate


def _slug_from_url(url: str | None) -> str:
    if not url:
        return ""
    segments = [unquote(s) for s in urlsplit(url).path.split("/") if s]
    for segment in reversed(segments):
        slug = slugify(file_stem(segment), max_words=_MAX_ITEM_WORDS, max_length=_MAX_ITEM_SLUG)
        if _HAS_LETTER.search(slug) and not _looks_like_index(slug):
            return slug
    return ""


def _slug_from_text(text: str | None) -> str:
    if not text:
        return ""
    return slugify(text, max_words=_MAX_ITEM_WORDS, max_length=_MAX_ITEM_SLUG)


def _looks_like_index(slug: str) -> bool:
    return slug in {"index", "default", "article", "story", "news", "amp"} or len(slug) < 3


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]
