"""Send each paragraph once: the same or near-same paragraph in several articles (wire copy)
becomes one passage tagged with every source that carries it.

Exact copies are found by hashing normalised text. Near copies are found by MinHash over
word shingles with locality-sensitive hashing (banding): a paragraph is compared only with
earlier passages that agree with it on a whole band of its signature, and merged with the
first whose shingle set overlaps its own (Jaccard) by the threshold. Shingle hashes and
signatures are computed with numpy a chunk of paragraphs at a time, so the work grows
linearly with the input; only band values that several paragraphs share are indexed. Every
hash is derived from CRC-32 word ids and fixed constants, never from Python's per-process
salted string hashing, so the same input always gives the same passages.
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
_FINGERPRINT_BYTES = 12
# Paragraphs are hashed this many words at a time, so the word ids and intermediate hashes
# of the whole input never exist at once (about 8 MB per array at a time).
_CHUNK_WORDS = 1 << 20


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


def _fingerprint(tokens: list[str]) -> bytes:
    return hashlib.blake2b(" ".join(tokens).encode(), digest_size=_FINGERPRINT_BYTES).digest()


class _Shingles:
    """The word-shingle hashes and MinHash signatures of every paragraph.

    Paragraphs arrive one at a time and are hashed in chunks, so only their shingle hashes
    (8 bytes a word) and the signatures of the long ones (8 bytes a value) outlive a chunk:
    neither their words nor their word ids ever all exist at once.
    """

    def __init__(self, paragraphs: Iterable[list[str]]) -> None:
        hashes = array("Q")
        signatures = array("Q")
        lengths = array("q")
        chunk: list[list[str]] = []
        words_in_chunk = 0
        for tokens in paragraphs:
            chunk.append(tokens)
            words_in_chunk += len(tokens)
            if words_in_chunk >= _CHUNK_WORDS:
                self._hash_chunk(chunk, hashes, signatures, lengths)
                chunk, words_in_chunk = [], 0
        self._hash_chunk(chunk, hashes, signatures, lengths)
        self.hashes = np.frombuffer(hashes, dtype=np.uint64)
        self.lengths = np.frombuffer(lengths, dtype=np.int64)
        self.signatures = np.frombuffer(signatures, dtype=np.uint64).reshape(-1, NUM_PERM)
        self.ends = np.cumsum(self.lengths)
        self.starts = self.ends - self.lengths

    @staticmethod
    def _hash_chunk(
        chunk: list[list[str]], hashes: array[int], signatures: array[int], lengths: array[int]
    ) -> None:
        """Append a chunk's shingle hashes (one per word: the shingle starting there, zero
        where it would run past the chunk), its lengths and its long paragraphs' signatures."""
        vocabulary: dict[str, int] = {}
        word_ids = array("Q")
        for tokens in chunk:
            for word in set(tokens).difference(vocabulary):
                vocabulary[word] = zlib.crc32(word.encode())
            word_ids.extend(map(vocabulary.__getitem__, tokens))
        ids = np.frombuffer(word_ids, dtype=np.uint64)
        chunk_hashes = np.zeros(len(ids), dtype=np.uint64)
        count = max(0, len(ids) - SHINGLE_WORDS + 1)
        for offset, weight in enumerate(_WORD_WEIGHTS):
            chunk_hashes[:count] += ids[offset : offset + count] * weight
        chunk_lengths = np.fromiter(map(len, chunk), dtype=np.int64, count=len(chunk))
        ends = np.cumsum(chunk_lengths)
        long_enough = chunk_lengths >= MIN_WORDS_FOR_NEAR_MATCH
        chunk_signatures = _signatures(
            chunk_hashes, ends[long_enough] - chunk_lengths[long_enough], ends[long_enough]
        )
        hashes.frombytes(chunk_hashes.tobytes())
        lengths.frombytes(chunk_lengths.tobytes())
        signatures.frombytes(chunk_signatures.tobytes())

    def of(self, paragraph: int) -> set[int]:
        """The shingle hashes of one paragraph (the shingles that do not cross its end)."""
        start, end = self.starts[paragraph], self.ends[paragraph] - SHINGLE_WORDS + 1
        return set(self.hashes[start:end].tolist())


def _signatures(hashes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """MinHash signatures of the paragraphs at `starts`…`ends` of `hashes` (one row each;
    each has at least one shingle)."""
    signatures = np.empty((len(starts), NUM_PERM), dtype=np.uint64)
    if not len(starts):
        return signatures
    # reduceat over [start, stop, start, stop, …] gives each paragraph's minimum at the
    # even positions (every stop is inside `hashes`, which holds one hash per word).
    bounds = np.column_stack([starts, ends - SHINGLE_WORDS + 1]).ravel()
    for column, (multiplier, offset) in enumerate(zip(_MULTIPLIERS, _OFFSETS, strict=True)):
        hashed = hashes * multiplier + offset
        signatures[:, column] = np.minimum.reduceat(hashed, bounds)[::2]
    return signatures


def _shared_band_values(signatures: np.ndarray) -> np.ndarray:
    """Per signature row and band, a number naming the band's value (the same number for
    the same band and value), or -1 where no other row has that value in that band: such
    a value can never make two paragraphs candidates, so it need not be indexed."""
    groups = np.full((len(signatures), BANDS), -1, dtype=np.int64)
    named = 0
    for band in range(BANDS):
        values = signatures[:, band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND]
        value_of_row, counts = _distinct_rows(values)
        shared = counts[value_of_row] > 1
        groups[shared, band] = value_of_row[shared] + named
        named += len(counts)
    return groups


def _distinct_rows(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row of `values`, a number naming its distinct value, and how many rows
    have each value (what `np.unique(axis=0)` gives, through a cheaper lexsort)."""
    order = np.lexsort(values.T[::-1])
    ordered = values[order]
    starts_value = np.ones(len(values), dtype=bool)
    starts_value[1:] = np.any(ordered[1:] != ordered[:-1], axis=1)
    value_in_order = np.cumsum(starts_value) - 1
    value_of_row = np.empty(len(values), dtype=np.int64)
    value_of_row[order] = value_in_order
    return value_of_row, np.bincount(value_in_order, minlength=1)


class _NearIndex:
    """Finds an earlier passage whose word shingles overlap a new one by the threshold."""

    def __init__(self, shingles: _Shingles, rows: np.ndarray) -> None:
        self._shingles = shingles
        self._rows = rows  # paragraph → its row in the signatures, -1 if it has none
        self._signatures = shingles.signatures
        self._bands = _shared_band_values(shingles.signatures)
        # Band value → passage, or passages once several share it. Plain ints for the
        # usual unshared value keep many small lists away from the garbage collector.
        self._buckets: dict[int, int | list[int]] = {}
        self._paragraph_of: dict[int, int] = {}

    def find_or_add(self, passage: int, paragraph: int) -> int | None:
        """The earlier passage `paragraph` nearly repeats, or None after indexing it as
        `passage`. Candidates are checked in passage order, so the earliest match wins."""
        row = int(self._rows[paragraph])
        if row < 0:
            return None
        bands = [value for value in self._bands[row].tolist() if value >= 0]
        if not bands:
            return None  # nothing earlier or later shares a band value with it
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

    def _colliding(self, bands: list[int]) -> list[int]:
        """Earlier passages that share a band value with `bands`, in passage order."""
        found: set[int] = set()
        for value in bands:
            entry = self._buckets.get(value)
            if isinstance(entry, int):
                found.add(entry)
            elif entry is not None:
                found.update(entry)
        return sorted(found)

    def _index(self, passage: int, bands: list[int]) -> None:
        for value in bands:
            entry = self._buckets.get(value)
            if entry is None:
                self._buckets[value] = passage
            elif isinstance(entry, int):
                self._buckets[value] = [entry, passage]
            elif len(entry) < MAX_BUCKET:
                entry.append(passage)

    def _likely(self, candidates: list[int], signature: np.ndarray) -> list[int]:
        """The candidates whose signatures agree with `signature` in enough values."""
        if not candidates:
            return candidates
        rows = self._rows[[self._paragraph_of[candidate] for candidate in candidates]]
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
    fingerprints = bytearray()

    def tokenised() -> Iterator[list[str]]:
        for article in articles:
            for text in article.paragraphs:
                tokens = words(text)
                fingerprints.extend(_fingerprint(tokens))
                yield tokens

    shingles = _Shingles(tokenised())
    long_enough = shingles.lengths >= MIN_WORDS_FOR_NEAR_MATCH
    rows = np.full(len(long_enough), -1, dtype=np.int64)
    rows[long_enough] = np.arange(np.count_nonzero(long_enough))
    near = _NearIndex(shingles, rows)
    passages: list[Passage] = []
    exact: dict[bytes, int] = {}
    position = 0
    for article in articles:
        for text in article.paragraphs:
            fingerprint = bytes(
                fingerprints[position * _FINGERPRINT_BYTES : (position + 1) * _FINGERPRINT_BYTES]
            )
            match = exact.get(fingerprint)
            if match is None:
                match = near.find_or_add(len(passages), position)
            if match is None:
                exact[fingerprint] = len(passages)
                passages.append(Passage(text=text, source_ids=[article.id]))
            elif article.id not in passages[match].source_ids:
                passages[match].source_ids.append(article.id)
            position += 1
    return passages
