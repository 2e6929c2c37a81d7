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
from typing import NamedTuple

import numpy as np
from pydantic import BaseModel

from briefing.memory import cycle_collector_paused
from briefing.parallel import results_in_processes
from briefing.schema import Article
from briefing.text import encoded_words

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
# Paragraphs are hashed this many articles at a time, so the word ids and intermediate
# hashes of the whole input never exist at once; from this many articles, by two processes.
HASHING_BATCH = 200
PARALLEL_HASHING_MIN_ARTICLES = 2_000


def _constant(label: str) -> int:
    """A fixed pseudo-random 64-bit number: the same in every process and numpy version."""
    return int.from_bytes(hashlib.blake2b(label.encode(), digest_size=8).digest(), "big")


# Shingle hash: a polynomial over the word ids; MinHash functions h(x) = a·x + b with odd a.
# All arithmetic wraps modulo 2**64.
_WORD_WEIGHTS = np.array([_constant(f"w{i}") | 1 for i in range(SHINGLE_WORDS)], dtype=np.uint64)
_MULTIPLIERS = np.array([_constant(f"a{i}") | 1 for i in range(NUM_PERM)], dtype=np.uint64)
_OFFSETS = np.array([_constant(f"b{i}") for i in range(NUM_PERM)], dtype=np.uint64)
_ROW_MIXERS = np.array([_constant(f"m{i}") | 1 for i in range(ROWS_PER_BAND)], dtype=np.uint64)


class Passage(BaseModel):
    """A paragraph as sent to an engine. `source_ids[0]` is the article it is packed with."""

    text: str
    source_ids: list[str]

    @property
    def owner(self) -> str:
        """The article this passage is packed with: the first source that carried it."""
        return self.source_ids[0]


class _Hashed(NamedTuple):
    """The hashes of a batch of paragraphs, as bytes (cheap to pass between processes)."""

    fingerprints: bytes  # _FINGERPRINT_BYTES per paragraph
    long_enough: bytes  # one byte per paragraph: 1 if it has words enough for a near match
    counts: bytes  # int64 per long paragraph: how many distinct shingles it has
    shingles: bytes  # uint64: each long paragraph's distinct shingle hashes, ascending
    signatures: bytes  # NUM_PERM uint64 per long paragraph


def _hash_paragraphs(paragraphs: list[str]) -> _Hashed:
    """The fingerprints of `paragraphs`, and the distinct shingle hashes and MinHash
    signatures of the long ones."""
    fingerprints = bytearray()
    vocabulary: dict[bytes, int] = {}
    word_ids = array("Q")
    lengths = array("q")
    for text in paragraphs:
        tokens = encoded_words(text)
        fingerprints += hashlib.blake2b(b" ".join(tokens), digest_size=_FINGERPRINT_BYTES).digest()
        for word in set(tokens).difference(vocabulary):
            vocabulary[word] = zlib.crc32(word)
        word_ids.extend(map(vocabulary.__getitem__, tokens))
        lengths.append(len(tokens))
    ids = np.frombuffer(word_ids, dtype=np.uint64)
    # One hash per word: the shingle starting there (those that run into the next
    # paragraph, or past the batch's end, are never read).
    hashes = np.zeros(len(ids), dtype=np.uint64)
    count = max(0, len(ids) - SHINGLE_WORDS + 1)
    for offset, weight in enumerate(_WORD_WEIGHTS):
        hashes[:count] += ids[offset : offset + count] * weight
    words_each = np.frombuffer(lengths, dtype=np.int64)
    long_enough = words_each >= MIN_WORDS_FOR_NEAR_MATCH
    ends = np.cumsum(words_each)[long_enough]
    starts = ends - words_each[long_enough]
    shingles, counts = _distinct_shingles(hashes, starts, ends - SHINGLE_WORDS + 1)
    return _Hashed(
        fingerprints=bytes(fingerprints),
        long_enough=long_enough.tobytes(),
        counts=counts.tobytes(),
        shingles=shingles.tobytes(),
        signatures=_signatures(shingles, counts).tobytes(),
    )


def _distinct_shingles(
    hashes: np.ndarray, starts: np.ndarray, stops: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of each slice `starts[i]:stops[i]` of `hashes` (each not empty),
    ascending, one slice after another, and how many each slice has."""
    sizes = stops - starts
    slice_of = np.repeat(np.arange(len(sizes)), sizes)
    first = np.cumsum(sizes) - sizes
    values = hashes[np.arange(len(slice_of)) + np.repeat(starts - first, sizes)]
    order = np.lexsort((values, slice_of))
    values = values[order]
    new = np.ones(len(values), dtype=bool)
    new[1:] = (values[1:] != values[:-1]) | (slice_of[1:] != slice_of[:-1])
    return values[new], np.bincount(slice_of[new], minlength=len(sizes))


def _signatures(shingles: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """MinHash signatures (one row each) of the paragraphs whose shingle hashes follow
    one another in `shingles`, `counts[i]` each (none zero)."""
    signatures = np.empty((len(counts), NUM_PERM), dtype=np.uint64)
    if not len(counts):
        return signatures
    starts = np.cumsum(counts) - counts
    for column, (multiplier, offset) in enumerate(zip(_MULTIPLIERS, _OFFSETS, strict=True)):
        signatures[:, column] = np.minimum.reduceat(shingles * multiplier + offset, starts)
    return signatures


class _Shingles:
    """Every paragraph's fingerprint; every long paragraph's distinct shingle hashes and
    MinHash signature (its row). Neither the words nor their ids outlive a batch."""

    def __init__(self, batches: Iterable[_Hashed]) -> None:
        fingerprints = bytearray()
        long_enough = bytearray()
        counts = array("q")
        shingles = array("Q")
        signatures = array("Q")
        for batch in batches:
            fingerprints += batch.fingerprints
            long_enough += batch.long_enough
            counts.frombytes(batch.counts)
            shingles.frombytes(batch.shingles)
            signatures.frombytes(batch.signatures)
        self.fingerprints = bytes(fingerprints)
        self.long_enough = bytes(long_enough)
        self.hashes = np.frombuffer(shingles, dtype=np.uint64)
        self.signatures = np.frombuffer(signatures, dtype=np.uint64).reshape(-1, NUM_PERM)
        sizes = np.frombuffer(counts, dtype=np.int64)
        # Plain ints: read one at a time, far more often than numpy scalars are cheap.
        self.starts: list[int] = (np.cumsum(sizes) - sizes).tolist()
        self.sizes: list[int] = sizes.tolist()

    def fingerprint(self, paragraph: int) -> bytes:
        """The fingerprint of a paragraph's normalised words."""
        return self.fingerprints[
            paragraph * _FINGERPRINT_BYTES : (paragraph + 1) * _FINGERPRINT_BYTES
        ]

    def of(self, row: int) -> list[int]:
        """The distinct shingle hashes of the long paragraph at `row`."""
        start = self.starts[row]
        return self.hashes[start : start + self.sizes[row]].tolist()


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
    have each value (what `np.unique(axis=0)` gives, without its cost: the rows are sorted
    by one mixed key, and by all their columns only if two different rows share a key)."""
    keys = np.zeros(len(values), dtype=np.uint64)
    for column, mixer in zip(values.T, _ROW_MIXERS, strict=True):
        keys ^= column * mixer
    order = np.argsort(keys)
    ordered, ordered_keys = values[order], keys[order]
    starts_value = np.ones(len(values), dtype=bool)
    starts_value[1:] = np.any(ordered[1:] != ordered[:-1], axis=1)
    if np.any(starts_value[1:] & (ordered_keys[1:] == ordered_keys[:-1])):
        order = np.lexsort(values.T[::-1])
        ordered = values[order]
        starts_value[1:] = np.any(ordered[1:] != ordered[:-1], axis=1)
    value_in_order = np.cumsum(starts_value) - 1
    value_of_row = np.empty(len(values), dtype=np.int64)
    value_of_row[order] = value_in_order
    return value_of_row, np.bincount(value_in_order, minlength=1)


class _NearIndex:
    """Finds an earlier passage whose word shingles overlap a new one by the threshold.

    Passages are indexed by their paragraph's row, which grows with the passage number, so
    rows in ascending order are passages in order.
    """

    def __init__(self, shingles: _Shingles) -> None:
        self._shingles = shingles
        self._signatures = shingles.signatures
        self._bands = _shared_band_values(shingles.signatures)
        # Band value → row, or rows once several share it. Plain ints for the usual
        # unshared value keep many small lists away from the garbage collector.
        self._buckets: dict[int, int | list[int]] = {}
        self._passage_of: dict[int, int] = {}  # indexed row → its passage

    def find_or_add(self, passage: int, row: int) -> int | None:
        """The earlier passage the long paragraph at `row` nearly repeats, or None after
        indexing it as `passage`. Candidates are checked in passage order, so the earliest
        match wins."""
        bands = [value for value in self._bands[row].tolist() if value >= 0]
        if not bands:
            return None  # nothing earlier or later shares a band value with it
        candidates = self._likely(self._of_similar_size(self._colliding(bands), row), row)
        if candidates:
            match = self._first_overlapping(candidates, row)
            if match is not None:
                return self._passage_of[match]
        self._index(row, bands)
        self._passage_of[row] = passage
        return None

    def _colliding(self, bands: list[int]) -> list[int]:
        """Rows of earlier passages that share a band value with `bands`, ascending."""
        found: set[int] = set()
        for value in bands:
            entry = self._buckets.get(value)
            if isinstance(entry, int):
                found.add(entry)
            elif entry is not None:
                found.update(entry)
        return sorted(found)

    def _index(self, row: int, bands: list[int]) -> None:
        for value in bands:
            entry = self._buckets.get(value)
            if entry is None:
                self._buckets[value] = row
            elif isinstance(entry, int):
                self._buckets[value] = [entry, row]
            elif len(entry) < MAX_BUCKET:
                entry.append(row)

    def _of_similar_size(self, candidates: list[int], row: int) -> list[int]:
        """The candidate rows whose number of shingles is within the threshold's ratio of the
        one at `row`'s: the overlap of two sets is at most the smaller over the larger."""
        sizes = self._shingles.sizes
        size = sizes[row]
        smallest = NEAR_DUPLICATE_JACCARD * size
        return [
            candidate
            for candidate in candidates
            if sizes[candidate] >= smallest and NEAR_DUPLICATE_JACCARD * sizes[candidate] <= size
        ]

    def _likely(self, candidates: list[int], row: int) -> list[int]:
        """The candidate rows whose signatures agree with the one at `row` in enough values."""
        if not candidates:
            return candidates
        signatures = self._signatures
        agreeing = np.add.reduce(signatures.take(candidates, axis=0) == signatures[row], axis=1)
        return [
            candidate
            for candidate, count in zip(candidates, agreeing.tolist(), strict=True)
            if count >= MIN_AGREEING_VALUES
        ]

    def _first_overlapping(self, candidates: list[int], row: int) -> int | None:
        """The first candidate row whose shingle set overlaps the one at `row`'s (Jaccard)
        by the threshold."""
        shingles = self._shingles
        hashes, starts, sizes = shingles.hashes, shingles.starts, shingles.sizes
        own = set(shingles.of(row))
        for candidate in candidates:
            start, size = starts[candidate], sizes[candidate]
            shared = len(own.intersection(hashes[start : start + size].tolist()))
            if shared / (len(own) + size - shared) >= NEAR_DUPLICATE_JACCARD:
                return candidate
        return None


def _hashed_batches(articles: list[Article]) -> Iterator[_Hashed]:
    """`_hash_paragraphs` of the articles' paragraphs, a batch of articles at a time; on
    many articles, by two processes."""
    batches = [
        [text for article in articles[start : start + HASHING_BATCH] for text in article.paragraphs]
        for start in range(0, len(articles), HASHING_BATCH)
    ]
    if len(articles) < PARALLEL_HASHING_MIN_ARTICLES:
        return map(_hash_paragraphs, batches)
    return results_in_processes(_hash_paragraphs, batches, chunksize=1)


@cycle_collector_paused()
def dedup(articles: list[Article]) -> list[Passage]:
    """Merge repeated paragraphs across articles into passages, in article order."""
    shingles = _Shingles(_hashed_batches(articles))
    near = _NearIndex(shingles)
    long_enough = shingles.long_enough
    passages: list[Passage] = []
    exact: dict[bytes, int] = {}
    position = row = 0
    for article in articles:
        source_id = article.id
        for text in article.paragraphs:
            fingerprint = shingles.fingerprint(position)
            match = exact.get(fingerprint)
            if long_enough[position]:
                if match is None:
                    match = near.find_or_add(len(passages), row)
                row += 1
            if match is None:
                exact[fingerprint] = len(passages)
                passages.append(Passage(text=text, source_ids=[source_id]))
            elif source_id not in passages[match].source_ids:
                passages[match].source_ids.append(source_id)
            position += 1
    return passages
