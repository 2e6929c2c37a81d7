"""Find quotes in their sources: exact lookups and fuzzy alignment, linear in text size.

A source's text is compared after `normalize_for_match` (quotes, dashes and whitespace
folded), paragraph by paragraph, joined by single spaces. Long sources get one index,
built once in linear time: every word (lower-cased, edge punctuation stripped) maps to the
offsets where it occurs, all held in one sorted numpy array. An exact lookup checks only
the starts that the quote's two rarest inner words agree on, so its cost follows how often
those words occur, not the size of the source; short sources are simply scanned.

Fuzzy alignment (for quotes a model copied with a word dropped, case or quote marks
changed) first tries two cheap lookups in a short source: the quote with case aside, and a
span from its first words to its last words close enough to it. Otherwise it votes with
the quote's indexed words for where it would start (a short source is one window), aligns
the quote inside the best few candidate windows only (`rapidfuzz.fuzz.partial_ratio_alignment`,
whose span is as long as the quote), then moves the span's ends to the word edges near
it that give the best case-insensitive `fuzz.ratio` to the quote: the true span is
longer when a word was dropped, shorter when one was added. A global edit alignment
cannot find those ends: it places the source's extra characters anywhere at equal cost.
Whatever is found is returned as a span of the source's own text: verbatim by construction.
"""

from __future__ import annotations

import bisect
import itertools
import re
import string
from functools import cached_property, lru_cache
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from briefing.text import fold_with_offsets, normalize_for_match

# Sources shorter than this (normalised characters) are scanned instead of indexed.
INDEX_MIN_CHARS = 20_000
# The index is built this many characters at a time, to bound the memory it takes.
INDEX_CHUNK_CHARS = 1_000_000
# A quote's rarest words, up to this many, vote for where it starts.
VOTING_WORDS = 6
# At most this many candidate windows are aligned per quote and source.
MAX_WINDOWS = 3
EDGE_PUNCTUATION = string.punctuation + "“”‘’«»…–—"
_WORD_CHAR = re.compile(r"\w")
# How much more a span's covering the quote counts than its holding nothing else (F-beta).
RECALL_WEIGHT = 2.0
# How far around its estimated place a span's own characters are looked for.
RAW_SEARCH_MARGIN = 256
# A quote of a short source is first looked for between its first and last words, this
# many each, before it is aligned with the whole text.
ANCHOR_WORDS = 2
# At most this many places of a quote's first words are tried.
MAX_ANCHORS = 8
# Quotes are normalised by verify, by the checks of claim texts, and again to cite them for
# every carrier: the last few thousand are kept.
NORMALIZED_CACHED = 8192
normalized = lru_cache(maxsize=NORMALIZED_CACHED)(normalize_for_match)


def word_key(token: str) -> str:
    """How a word is indexed: lower-cased, without punctuation at its edges."""
    return token.lower().strip(EDGE_PUNCTUATION)


_EDGE_RUN = f"[{re.escape(EDGE_PUNCTUATION)}]+"
_WORD_EDGES = re.compile(rf"(?<!\S){_EDGE_RUN}|{_EDGE_RUN}(?!\S)")


def word_keys(text: str) -> list[str]:
    """The `word_key` of each word of normalised text, in order, empty ones left out."""
    return [key for key in (word.strip(EDGE_PUNCTUATION) for word in text.lower().split()) if key]


class Span(NamedTuple):
    """Where a quote was found in a source's normalised text, and how closely it matched."""

    start: int
    end: int
    score: float


def _tokens_with_offsets(text: str, base: int = 0) -> list[tuple[int, str]]:
    """The space-separated tokens of normalised text, each with its character offset."""
    found: list[tuple[int, str]] = []
    offset = base
    for token in text.split(" "):
        found.append((offset, token))
        offset += len(token) + 1
    return found


class _WordIndex:
    """Where each word of a text occurs: every token's character offset, sorted by the id
    of its word key, so that a key's offsets are one slice (a few bytes per token)."""

    def __init__(self, text: str) -> None:
        ids: dict[str, int] = {}
        numbers = itertools.count()  # a fresh id for each new key (ids need not be dense)
        id_chunks: list[np.ndarray] = []
        offsets: list[np.ndarray] = []
        for low, high in _chunks(text, INDEX_CHUNK_CHARS):
            tokens = text[low:high].split(" ")
            lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
            offsets.append(low + np.concatenate(([0], np.cumsum(lengths[:-1] + 1))))
            keys = [token.lower().strip(EDGE_PUNCTUATION) for token in tokens]
            found = map(ids.setdefault, keys, numbers)
            id_chunks.append(np.fromiter(found, dtype=np.int64, count=len(keys)))
        every_id = np.concatenate(id_chunks)
        order = np.argsort(every_id, kind="stable")
        self._offsets = np.concatenate(offsets)[order]
        sorted_ids = every_id[order]
        numbered = np.fromiter(ids.values(), dtype=np.int64, count=len(ids))
        lows = np.searchsorted(sorted_ids, numbered).tolist()
        highs = np.searchsorted(sorted_ids, numbered, side="right").tolist()
        # Each key's slice of the offsets, found for all keys at once.
        self._slices = dict(zip(ids, zip(lows, highs, strict=True), strict=True))

    def places(self, key: str) -> np.ndarray:
        """The ascending offsets of the tokens whose key is `key` (empty when none)."""
        low, high = self._slices.get(key, (0, 0)) if key else (0, 0)
        return self._offsets[low:high]


def _chunks(text: str, size: int) -> list[tuple[int, int]]:
    """[low, high) pieces of about `size` characters, each cut just before a space."""
    pieces: list[tuple[int, int]] = []
    low = 0
    while True:
        cut = text.find(" ", low + size) if low + size < len(text) else -1
        high = len(text) if cut < 0 else cut
        pieces.append((low, high))
        if cut < 0:
            return pieces
        low = high + 1


class SourceText:
    """One source's normalised text, its paragraphs' offsets, and (when long) its index."""

    def __init__(self, paragraphs: list[str], index_min_chars: int = INDEX_MIN_CHARS) -> None:
        self.raw = paragraphs
        self.paragraphs = [normalize_for_match(p) for p in paragraphs]
        self.starts: list[int] = []
        offset = 0
        for paragraph in self.paragraphs:
            self.starts.append(offset)
            offset += len(paragraph) + 1
        self.text = " ".join(self.paragraphs)
        self.index = _WordIndex(self.text) if len(self.text) >= index_min_chars else None

    @cached_property
    def lowered(self) -> str:
        """The normalised text lower-cased."""
        return self.text.lower()

    @cached_property
    def case_folded(self) -> bool:
        """True when the lower-cased text has the normalised text's offsets (a few letters
        lower to two), so that it can be compared case-insensitively."""
        return len(self.lowered) == len(self.text)

    @cached_property
    def folded(self) -> str:
        """The text to compare case-insensitively: lower-cased when `case_folded`."""
        return self.lowered if self.case_folded else self.text

    # -- exact -------------------------------------------------------------------------

    def find(self, needle: str, start: int = 0) -> int | None:
        """Where the normalised `needle` first occurs at or after `start`, or None."""
        if not needle:
            return None
        candidates = self._candidates(needle) if self.index is not None else None
        if candidates is None:
            found = self.text.find(needle, start)
            return found if found >= 0 else None
        later = candidates[np.searchsorted(candidates, start) :]
        return next((int(c) for c in later if self.text.startswith(needle, int(c))), None)

    def _candidates(self, needle: str) -> np.ndarray | None:
        """Where `needle` may start, ascending: the starts its two rarest inner words agree
        on (the first and last word may be cut mid-word), or None if it has no inner word."""
        assert self.index is not None
        anchors = sorted(
            (
                (self.index.places(key), offset)
                for offset, token in _tokens_with_offsets(needle)[1:-1]
                if (key := word_key(token))
            ),
            key=lambda anchor: len(anchor[0]),
        )[:2]
        if not anchors:
            return None
        starts = anchors[0][0] - anchors[0][1]
        for places, offset in anchors[1:]:
            starts = np.intersect1d(starts, places - offset, assume_unique=True)
        return starts

    # -- fuzzy -------------------------------------------------------------------------

    def align(self, quote: str, cutoff: float, start: int = 0) -> Span | None:
        """The span at or after `start` that matches the normalised `quote` best, if its
        case-insensitive `fuzz.ratio` to the quote is at least `cutoff`."""
        if not quote:
            return None
        needle = quote.lower() if self.case_folded else quote
        found = self.folded.find(needle, start) if self.index is None else -1
        if found >= 0:  # only case differs: the span is the quote's own length
            return Span(found, found + len(needle), 100.0)
        anchored = self._anchored(needle, cutoff, start) if self.index is None else None
        if anchored is not None:
            return anchored
        best: Span | None = None
        for low, high in self._windows(quote, start):
            span = self._align_in(needle, low, high, cutoff)
            if span is not None and (best is None or span.score > best.score):
                best = span
        return best

    def _anchored(self, needle: str, cutoff: float, start: int) -> Span | None:
        """A span from a place of the quote's first words to the next place of its last
        words, close enough to the quote: a model that dropped or changed a word inside a
        quote kept its ends, and this costs two lookups instead of an alignment."""
        words = needle.split(" ")
        if len(words) < 2 * ANCHOR_WORDS + 1:
            return None
        head, tail = " ".join(words[:ANCHOR_WORDS]), " ".join(words[-ANCHOR_WORDS:])
        reach = len(needle) + len(needle) // 4 + 16
        begin = self.folded.find(head, start)
        for _ in range(MAX_ANCHORS):
            if begin < 0:
                return None
            last = self.folded.find(tail, begin + len(head), begin + reach)
            if last >= 0:
                end = last + len(tail)
                score = fuzz.ratio(needle, self.folded[begin:end])
                if score >= cutoff:
                    return Span(begin, end, score)
            begin = self.folded.find(head, begin + 1)
        return None

    def holds_words(self, words: set[str], share: float) -> bool:
        """True when at least `share` of `words` (a normalised quote's distinct words,
        lower-cased, punctuation and all) are words of the text."""
        if self.index is not None:
            present = sum(len(self.index.places(word_key(word))) > 0 for word in words)
            return present >= share * len(words)
        needed = share * len(words)
        present = missing = 0
        # The longest words first: they are the rarest, so a text without them fails soon.
        for word in sorted(words, key=len, reverse=True):
            if self._has_word(word):
                present += 1
                if present >= needed:
                    return True
            else:
                missing += 1
                if len(words) - missing < needed:
                    return False
        return present >= needed

    def _has_word(self, word: str) -> bool:
        """True when `word` is one of the lower-cased text's space-separated words (a few
        lookups: cheaper than the set of a text's words, read for one quote or two)."""
        text = self.lowered
        return word in text and (
            f" {word} " in text
            or text.startswith(f"{word} ")
            or text.endswith(f" {word}")
            or text == word
        )

    def _windows(self, quote: str, start: int) -> list[tuple[int, int]]:
        """Stretches of the text (from `start` on) where the quote may lie: the places of
        its rarest word where most of its next-rarest words are also where they would be."""
        if self.index is None:
            return [(start, len(self.text))] if start < len(self.text) else []
        anchors = sorted(
            (
                (places, offset)
                for offset, token in _tokens_with_offsets(quote)
                if len(places := self.index.places(word_key(token)))
            ),
            key=lambda anchor: len(anchor[0]),
        )[:VOTING_WORDS]
        if not anchors:
            return []
        begins = anchors[0][0] - anchors[0][1]
        begins = begins[begins + len(quote) >= start]
        slack = len(quote) // 4 + 16
        support = np.zeros(len(begins), dtype=np.int64)
        for places, offset in anchors[1:]:
            expected = begins + offset
            low = np.searchsorted(places, expected - slack)
            high = np.searchsorted(places, expected + slack, side="right")
            support += high > low
        best = np.argsort(-support, kind="stable")[:MAX_WINDOWS]
        return [
            (
                max(start, int(begins[n]) - slack),
                min(len(self.text), int(begins[n]) + len(quote) + slack),
            )
            for n in best
        ]

    def _align_in(self, needle: str, low: int, high: int, cutoff: float) -> Span | None:
        window = self.folded[low:high]
        rough = fuzz.partial_ratio_alignment(needle, window, score_cutoff=cutoff * 0.8)
        if rough is None:
            return None
        if len(needle) > len(window):  # rapidfuzz aligned the window inside the quote
            rough_start, rough_end = low, high
        else:
            rough_start, rough_end = low + rough.dest_start, low + rough.dest_end
        margin = len(needle) // 4 + 8
        starts = self._boundaries(max(low, rough_start - margin), rough_start + margin)
        ends = self._boundaries(rough_end - margin, min(high, rough_end + margin))
        if not starts or not ends:
            return None
        begin = min(starts, key=lambda offset: abs(offset - rough_start))
        end = min(ends, key=lambda offset: abs(offset - rough_end))
        for _ in range(2):  # the best end for this start, then the best start for that end
            end = max(ends, key=lambda e: self._fit(needle, begin, e))
            begin = max(starts, key=lambda b: self._fit(needle, b, end))
        while begin < end and self.text[begin] == " ":
            begin += 1
        while end > begin and self.text[end - 1] == " ":
            end -= 1
        score = self._ratio(needle, begin, end)
        return Span(begin, end, score) if score >= cutoff else None

    def _ratio(self, needle: str, begin: int, end: int) -> float:
        if end - begin < len(needle) // 2:
            return 0.0
        return fuzz.ratio(needle, self.folded[begin:end])

    def _fit(self, needle: str, begin: int, end: int) -> float:
        """How well the span [begin, end) stands for the quote: the F-score of the
        characters they share in order, recall (the quote's characters the span holds)
        weighted over precision. `fuzz.ratio` weighs both alike, so it would rather cut
        the quote's first words than take in a word the quote dropped."""
        if end - begin < len(needle) // 2:
            return 0.0
        shared = LCSseq.similarity(needle, self.folded[begin:end])
        if not shared:
            return 0.0
        recall, precision = shared / len(needle), shared / (end - begin)
        weight = RECALL_WEIGHT**2
        return (1 + weight) * precision * recall / (weight * precision + recall)

    def _boundaries(self, low: int, high: int) -> list[int]:
        """Offsets in [low, high] where a span may start or end: the edges of words and of
        the spaces between them."""
        text = self.text
        low, high = max(0, low), min(len(text), high)
        return [
            offset
            for offset in range(low, high + 1)
            if offset in (0, len(text))
            or text[offset] == " "
            or text[offset - 1] == " "
            or _is_word(text[offset - 1]) != _is_word(text[offset])
        ]

    # -- the source's own characters ----------------------------------------------------

    def paragraph_at(self, offset: int) -> int:
        """The number of the paragraph holding the normalised text's `offset`."""
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def original(self, start: int, end: int) -> str:
        """The source's own characters behind the normalised span [start, end): the span
        itself when they cannot be told (it then still matches after normalisation)."""
        span = self.text[start:end]
        number = self.paragraph_at(start)
        normalised, raw = self.paragraphs[number], self.raw[number]
        if end > self.starts[number] + len(normalised) or normalised == raw:
            # Across paragraphs the normalised form is all there is; a paragraph the fold
            # left as it was holds the span as it is.
            return span
        scale = len(raw) / max(1, len(normalised))
        local = start - self.starts[number]
        margin = RAW_SEARCH_MARGIN + len(span)
        low = max(0, int(local * scale) - margin)
        high = min(len(raw), int((local + len(span)) * scale) + margin)
        if raw.find(span, low, high) >= 0:
            return span  # the source's characters are the normalised ones: nothing to fold
        folded, where = fold_with_offsets(raw[low:high])
        found = folded.find(span)
        if found < 0:
            return span
        candidate = raw[low + where[found] : low + where[found + len(span) - 1] + 1]
        return candidate if normalize_for_match(candidate) == span else span


def _is_word(char: str) -> bool:
    return bool(_WORD_CHAR.match(char))
