"""Send each paragraph once: the same or near-same paragraph in several articles (wire copy)
becomes one passage tagged with every source that carries it.

Exact copies are found by hashing normalised text. Near copies are found by MinHash over
word shingles with locality-sensitive hashing (banding): a paragraph is compared only with
earlier passages that agree with it on a whole band of its signature, and merged with the
first whose shingle set overlaps its own (Jaccard) by the threshold. Shingle hashes and
signatures are computed for all paragraphs at once with numpy, so the work grows linearly
with the input. Every hash is derived from CRC-32 word ids and fixed constants, never from
Python's per-process salted string hashing, so the same input always gives the same passages.
"""

from __future__ import annotations

import hashlib
import zlib
from array import array
from collections.abc import Iterable, Iterator

import numpy as np
from pydantic import BaseModel

from briefing.memory import cycle_collector_paused
from briefing.schema import Article
from briefing.text import words

SHINGLE_WORDS = 3
NEAR_DUPLICATE_JACCARD = 0.7
MIN_WORDS_FOR_NEAR_MATCH = 12
# 8 bands of 4 rows: a pair at the 0.7 threshold shares a band with probability
# 1 - (1 - 0.7**4)**8 ≈ 0.89 (0.985 at 0.8), while paragraphs sharing a third of their
# shingles collide in about 7% of cases.
BANDS = 8
ROWS_PER_BAND = 4
NUM_PERM = BANDS * ROWS_PER_BAND
# A colliding pair is checked exactly only if at least this many of its 32 MinHash values
# agree (an estimated Jaccard of 0.44): a pair at 0.7 falls below it with probability
# under 0.1%, a pair at 0.33 passes it in about 14% of cases.
MIN_AGREEING_VALUES = 14
# A band value shared by this many passages stops taking more: on highly repetitive input
# (hundreds of variants of one paragraph) every newcomer would otherwise be checked
# against all of them. A variant still finds the earliest ones, through any of its bands.
MAX_BUCKET = 8
_BAND_BYTES = ROWS_PER_BAND * 8


def _constant(label: str) -> int:
    """A fixed pseudo-random 64-bit number: the same in every process and numpy version."""
    return int.from_bytes(hashlib.blake2b(label.encode(), digest_size=8).digest(), "big")


# Shingle hash: a polynomial over the word ids; MinHash functions h(x) = a·x + b with odd a.
# All arithmetic wraps modulo 2**64.
_WORD_WEIGHTS = np.array([_constant(f"w{i}") | 1 for i in range(SHINGLE_WORDS)], dtype=np.uint64)
_MULTIPLIERS = np.array([_constant(f"a{i}") | 1 for i in range(NUM_PERM)], dtype=np.uint64)
_OFFSETS = np.array([_constant(f"b{i}") for i in range(NUM_PERM)], dtype=np.uint64)


class Passage(BaseModel):
    """A paragraph as sent to an engine. `source_ids[0]` is the article it is packed with."""

    text: str
    source_ids: list[str]

    @property
    def owner(self) -> str:
        """The article this passage is packed with: the first source that carried it."""
        return self.source_ids[0]


def _fingerprint(tokens: list[str]) -> str:
    return hashlib.blake2b(" ".join(tokens).encode(), digest_size=12).hexdigest()


class _Shingles:
    """The word-shingle hashes of every paragraph, computed in one pass over all of them.

    Paragraphs arrive one at a time and only their word ids are kept (8 bytes a word), so
    the words themselves, several times the text's size as Python strings, never all exist
    at once.
    """

    def __init__(self, paragraphs: Iterable[list[str]]) -> None:
        vocabulary: dict[str, int] = {}
        word_ids = array("Q")
        lengths = array("q")
        for tokens in paragraphs:
            for word in set(tokens).difference(vocabulary):
                vocabulary[word] = zlib.crc32(word.encode())
            word_ids.extend(map(vocabulary.__getitem__, tokens))
            lengths.append(len(tokens))
        ids = np.frombuffer(word_ids, dtype=np.uint64)
        self.lengths = np.frombuffer(lengths, dtype=np.int64)
        count = max(0, len(ids) - SHINGLE_WORDS + 1)
        self.hashes = np.zeros(count, dtype=np.uint64)
        for offset, weight in enumerate(_WORD_WEIGHTS):
            self.hashes += ids[offset : offset + count] * weight
        self.ends = np.cumsum(self.lengths)
        self.starts = self.ends - self.lengths

    def of(self, paragraph: int) -> set[int]:
        """The shingle hashes of one paragraph (the shingles that do not cross its end)."""
        start, end = self.starts[paragraph], self.ends[paragraph] - SHINGLE_WORDS + 1
        return set(self.hashes[start:end].tolist())

    def signatures(self, paragraphs: list[int]) -> np.ndarray:
        """MinHash signatures of `paragraphs` (one row each; each has at least one shingle)."""
        if not paragraphs:
            return np.empty((0, NUM_PERM), dtype=np.uint64)
        return self._signatures(np.array(paragraphs))

    def _signatures(self, paragraphs: np.ndarray) -> np.ndarray:
        starts = self.starts[paragraphs]
        stops = self.ends[paragraphs] - SHINGLE_WORDS + 1
        # reduceat over [start, stop, start, stop, …] gives each paragraph's minimum at the
        # even positions; a final stop at the end of the array is implied.
        bounds = np.column_stack([starts, stops]).ravel()
        if bounds[-1] == len(self.hashes):
            bounds = bounds[:-1]
        signatures = np.empty((len(paragraphs), NUM_PERM), dtype=np.uint64)
        for column, (multiplier, offset) in enumerate(zip(_MULTIPLIERS, _OFFSETS, strict=True)):
            hashed = self.hashes * multiplier + offset
            signatures[:, column] = np.minimum.reduceat(hashed, bounds)[::2]
        return signatures


class _NearIndex:
    """Finds an earlier passage whose word shingles overlap a new one by the threshold."""

    def __init__(self, shingles: _Shingles, rows: dict[int, int], signatures: np.ndarray) -> None:
        self._shingles = shingles
        self._rows = rows  # paragraph → its row in `signatures`
        self._signatures = signatures
        self._bands: list[list[bytes]] = signatures.view(f"V{_BAND_BYTES}").tolist()
        # Per band: value → passage, or passages once several share it. Plain ints for the
        # usual unshared value keep millions of small lists away from the garbage collector.
        self._buckets: list[dict[bytes, int | list[int]]] = [{} for _ in range(BANDS)]
        self._paragraph_of: dict[int, int] = {}

    def find_or_add(self, passage: int, paragraph: int) -> int | None:
        """The earlier passage `paragraph` nearly repeats, or None after indexing it as
        `passage`. Candidates are checked in passage order, so the earliest match wins."""
        row = self._rows[paragraph]
        bands = self._bands[row]
        candidates = self._likely(self._colliding(bands), self._signatures[row])
        if candidates:
            shingles = self._shingles.of(paragraph)
            for candidate in candidates:
                earlier = self._shingles.of(self._paragraph_of[candidate])
                if _jaccard(shingles, earlier) >= NEAR_DUPLICATE_JACCARD:
                    return candidate
        self._index(passage, bands)
        self._paragraph_of[passage] = paragraph
        return None

    def _colliding(self, bands: list[bytes]) -> list[int]:
        """Earlier passages that share a band value with `bands`, in passage order."""
        found: set[int] = set()
        for bucket, value in zip(self._buckets, bands, strict=True):
            entry = bucket.get(value)
            if isinstance(entry, int):
                found.add(entry)
            elif entry is not None:
                found.update(entry)
        return sorted(found)

    def _index(self, passage: int, bands: list[bytes]) -> None:
        for bucket, value in zip(self._buckets, bands, strict=True):
            entry = bucket.get(value)
            if entry is None:
                bucket[value] = passage
            elif isinstance(entry, int):
                bucket[value] = [entry, passage]
            elif len(entry) < MAX_BUCKET:
                entry.append(passage)

    def _likely(self, candidates: list[int], signature: np.ndarray) -> list[int]:
        """The candidates whose signatures agree with `signature` in enough values."""
        if not candidates:
            return candidates
        rows = [self._rows[self._paragraph_of[candidate]] for candidate in candidates]
        agreeing = np.count_nonzero(self._signatures[rows] == signature, axis=1)
        return [
            c for c, count in zip(candidates, agreeing, strict=True) if count >= MIN_AGREEING_VALUES
        ]


def _jaccard(first: set[int], second: set[int]) -> float:
    shared = len(first & second)
    return shared / (len(first) + len(second) - shared)


@cycle_collector_paused()
def dedup(articles: list[Article]) -> list[Passage]:
    """Merge repeated paragraphs across articles into passages, in article order."""
    paragraphs = [(article.id, text) for article in articles for text in article.paragraphs]
    fingerprints: list[str] = []

    def tokenised() -> Iterator[list[str]]:
        for _, text in paragraphs:
            tokens = words(text)
            fingerprints.append(_fingerprint(tokens))
            yield tokens

    shingles = _Shingles(tokenised())
    lengths = shingles.lengths.tolist()
    long_enough = [i for i, length in enumerate(lengths) if length >= MIN_WORDS_FOR_NEAR_MATCH]
    rows = {paragraph: row for row, paragraph in enumerate(long_enough)}
    near = _NearIndex(shingles, rows, shingles.signatures(long_enough))
    passages: list[Passage] = []
    exact: dict[str, int] = {}
    for position, (source_id, text) in enumerate(paragraphs):
        fingerprint = fingerprints[position]
        match = exact.get(fingerprint)
        if match is None and position in rows:
            match = near.find_or_add(len(passages), position)
        if match is None:
            exact[fingerprint] = len(passages)
            passages.append(Passage(text=text, source_ids=[source_id]))
        elif source_id not in passages[match].source_ids:
            passages[match].source_ids.append(source_id)
    return passages
