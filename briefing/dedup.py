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
# Each long paragraph also keeps how many of its shingle hashes fall in each of this many
# ranges (by their top bits, capped at PART_COUNT_CAP): two paragraphs can share at most the
# smaller count of each range, a bound that rules out most colliding pairs below the
# threshold before their shingle sets are compared.
PARTS = 64
PART_COUNT_CAP = 255
# Rows whose pairs are tested at once (see `_NearIndex`); a block ends early rather than
# hold more than this many rows with the same band value still taking rows, so a block
# never tests more than this many pairs per row and band.
NEAR_BLOCK = 4096
MAX_RUN = 32
# Paragraphs are hashed about this many characters at a time, so the word ids and
# intermediate hashes of the whole input never exist at once; from this many characters
# (a few thousand articles, or one huge one), by two processes.
HASHING_BATCH_CHARS = 1_000_000
PARALLEL_HASHING_MIN_CHARS = 4_000_000


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
    parts: bytes  # PARTS uint8 per long paragraph: its shingle hashes per range, capped


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
        parts=_part_counts(shingles, counts).tobytes(),
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


def _part_counts(shingles: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """How many of each paragraph's shingle hashes (following one another in `shingles`,
    `counts[i]` each) fall in each of PARTS ranges of their top bits, capped at
    PART_COUNT_CAP (one row each)."""
    paragraph_of = np.repeat(np.arange(len(counts)), counts)
    part = (shingles >> np.uint64(64 - PARTS.bit_length() + 1)).astype(np.int64)
    tally = np.bincount(paragraph_of * PARTS + part, minlength=len(counts) * PARTS)
    return np.minimum(tally, PART_COUNT_CAP).astype(np.uint8).reshape(-1, PARTS)


class _Shingles:
    """Every paragraph's fingerprint; every long paragraph's distinct shingle hashes and
    MinHash signature (its row). Neither the words nor their ids outlive a batch."""

    def __init__(self, batches: Iterable[_Hashed]) -> None:
        fingerprints = bytearray()
        long_enough = bytearray()
        counts = array("q")
        shingles = array("Q")
        signatures = array("Q")
        parts = bytearray()
        for batch in batches:
            fingerprints += batch.fingerprints
            long_enough += batch.long_enough
            counts.frombytes(batch.counts)
            shingles.frombytes(batch.shingles)
            signatures.frombytes(batch.signatures)
            parts += batch.parts
        self.fingerprints = bytes(fingerprints)
        self.long_enough = bytes(long_enough)
        self.hashes = np.frombuffer(shingles, dtype=np.uint64)
        self.signatures = np.frombuffer(signatures, dtype=np.uint64).reshape(-1, NUM_PERM)
        self.parts = np.frombuffer(parts, dtype=np.uint8).reshape(-1, PARTS)
        # A row with a capped count: its bound could fall short of a pair's real overlap.
        self.capped = self.parts.max(axis=1, initial=0) == PART_COUNT_CAP
        sizes = np.frombuffer(counts, dtype=np.int64)
        self.size_array = sizes
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
    the same band and value, counting from 0 without gaps), or -1 where no other row has
    that value in that band: such a value can never make two paragraphs candidates, so it
    need not be indexed."""
    groups = np.full((len(signatures), BANDS), -1, dtype=np.int32)
    named = 0
    for band in range(BANDS):
        values = signatures[:, band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND]
        value_of_row, counts = _distinct_rows(values)
        shared_values = counts > 1
        number_of_value = np.cumsum(shared_values) - 1 + named
        shared = shared_values[value_of_row]
        groups[shared, band] = number_of_value[value_of_row[shared]]
        named += int(np.count_nonzero(shared_values))
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
    rows in ascending order are passages in order. A paragraph is compared with the passages
    indexed under its band values, at most MAX_BUCKET each. Rows are asked about in
    ascending order; for a block of NEAR_BLOCK rows at a time, every pair they may be
    compared with (the indexed passages as they stand, and each other) goes through the
    cheap tests at once, and only the pairs that pass are compared one by one, in order.
    """

    def __init__(self, shingles: _Shingles) -> None:
        self._shingles = shingles
        self._bands = _shared_band_values(shingles.signatures)
        # At least one value: a row without any still looks value 0 up (and ignores it).
        values = max(int(self._bands.max(initial=-1)) + 1, 1)
        # Rows indexed under each band value, in order; -1 for a free place.
        self._slots = np.full((values, MAX_BUCKET), -1, dtype=np.int32)
        self._filled = np.zeros(values, dtype=np.int32)
        # Indexed row → its passage (-1 for a row not indexed): 4 bytes a row, where a dict
        # of a million rows' passages would hold about 100 MB at the memory peak.
        self._passage_of = array("i", [-1]) * len(shingles.signatures)
        self._block = _Block(first=0, stop=0, values=[], pairs={}, filled={})
        self._placed: list[tuple[int, int, int]] = []  # (value, place, row) in this block
        self._entered: dict[int, int] = {}  # this block's indexed rows → bands they entered

    def find_or_add(self, passage: int, row: int) -> int | None:
        """The earlier passage the long paragraph at `row` nearly repeats, or None after
        indexing it as `passage`. Candidates are checked in passage order, so the earliest
        match wins."""
        if row >= self._block.stop:
            self._start_block(row)
        block = self._block
        values = block.values[row - block.first]
        if max(values) < 0:
            return None  # nothing earlier or later shares a band value with it
        match = self._first_overlapping(block.pairs.get(row, ()), row)
        if match is not None:
            return self._passage_of[match]
        self._index(row, values)
        self._passage_of[row] = passage
        return None

    def _first_overlapping(self, pairs: Iterable[tuple[int, int]], row: int) -> int | None:
        """The first earlier row, of those paired with `row` by the cheap tests, that is
        indexed under a band value it shares with `row` and whose shingle set overlaps the
        one at `row`'s (Jaccard) by the threshold."""
        block, entered, own = self._block, self._entered, None
        shingles = self._shingles
        for candidate, shared_bands in pairs:
            if candidate >= block.first and not shared_bands & entered.get(candidate, 0):
                continue
            if own is None:
                own = set(shingles.of(row))
            other = shingles.of(candidate)
            shared = len(own.intersection(other))
            if shared / (len(own) + len(other) - shared) >= NEAR_DUPLICATE_JACCARD:
                return candidate
        return None

    def _index(self, row: int, values: list[int]) -> None:
        filled, entered_bands = self._block.filled, 0
        for band, value in enumerate(values):
            if value < 0:
                continue
            place = filled[value]
            if place < MAX_BUCKET:
                filled[value] = place + 1
                entered_bands |= 1 << band
                self._placed.append((value, place, row))
        self._entered[row] = entered_bands

    def _start_block(self, first: int) -> None:
        """Record the last block's indexed rows, and pair the next block's rows."""
        if self._placed:
            value, place, row = np.array(self._placed, dtype=np.int64).T
            self._slots[value, place] = row
            np.maximum.at(self._filled, value, place + 1)
        self._placed, self._entered = [], {}
        values = self._bands[first : first + NEAR_BLOCK]
        values = values[: _rows_before_long_run(values, self._filled)]
        stop = first + len(values)
        used = values[values >= 0]
        earlier, later = _pairs_to_test(values, first, self._slots, self._filled)
        self._block = _Block(
            first=first,
            stop=stop,
            values=values.tolist(),
            pairs=self._likely_pairs(earlier, later),
            filled=dict(zip(used.tolist(), self._filled[used].tolist(), strict=True)),
        )

    def _likely_pairs(
        self, earlier: np.ndarray, later: np.ndarray
    ) -> dict[int, list[tuple[int, int]]]:
        """Per later row, the earlier rows (ascending) that pass the cheap tests with it,
        each with the bands whose values the two share (one bit per band)."""
        shingles = self._shingles
        sizes = shingles.size_array
        similar = (sizes[earlier] >= NEAR_DUPLICATE_JACCARD * sizes[later]) & (
            NEAR_DUPLICATE_JACCARD * sizes[earlier] <= sizes[later]
        )
        earlier, later = earlier[similar], later[similar]
        parts = shingles.parts
        bound = np.add.reduce(np.minimum(parts[earlier], parts[later]), axis=1)
        union = sizes[earlier] + sizes[later] - bound
        # A capped count can understate what two rows share: no bound for those rows.
        possible = (bound / union >= NEAR_DUPLICATE_JACCARD) | shingles.capped[later]
        earlier, later = earlier[possible], later[possible]
        signatures = shingles.signatures
        agreeing = np.add.reduce(signatures[earlier] == signatures[later], axis=1)
        likely = agreeing >= MIN_AGREEING_VALUES
        earlier, later = earlier[likely], later[likely]
        bands = self._bands
        same = (bands[earlier] == bands[later]) & (bands[later] >= 0)
        shared_bands = same.astype(np.int64) @ (1 << np.arange(BANDS, dtype=np.int64))
        pairs: dict[int, list[tuple[int, int]]] = {}
        for first, second, common in zip(
            earlier.tolist(), later.tolist(), shared_bands.tolist(), strict=True
        ):
            pairs.setdefault(second, []).append((first, common))
        return pairs


class _Block(NamedTuple):
    """The rows `first`..`stop` being asked about, with what was computed for them at once."""

    first: int
    stop: int
    values: list[list[int]]  # per row: its band values, -1 where not shared
    pairs: dict[int, list[tuple[int, int]]]  # row → (earlier row, shared bands) to compare
    filled: dict[int, int]  # band value → how many rows are indexed under it


def _open_runs(column: np.ndarray, filled: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions of `column` holding a band value that still takes rows, ordered by
    value and then position, and the values at those positions."""
    open_rows = np.flatnonzero((column >= 0) & (filled[np.maximum(column, 0)] < MAX_BUCKET))
    order = open_rows[np.argsort(column[open_rows], kind="stable")]
    return order, column[order]


def _rows_before_long_run(values: np.ndarray, filled: np.ndarray) -> int:
    """How many of the rows (band values `values`) come before the first that would make
    MAX_RUN + 1 rows with the same band value still taking rows (all of them, if none)."""
    stop = len(values)
    for band in range(BANDS):
        order, keys = _open_runs(values[:, band], filled)
        if len(keys) > MAX_RUN:
            same = keys[MAX_RUN:] == keys[:-MAX_RUN]
            if same.any():
                stop = min(stop, int(order[MAX_RUN:][same].min()))
    return stop


def _pairs_to_test(
    values: np.ndarray, first: int, slots: np.ndarray, filled: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (earlier, later row) that a block of rows, with band values `values` from
    row `first`, may be compared in: each row with the rows indexed under its values before
    the block, and with the block's earlier rows sharing a value still taking rows. Sorted by
    later row, then earlier, without repeats."""
    rows = np.arange(first, first + len(values))
    shared = values >= 0
    indexed = slots[np.where(shared, values, 0)]
    indexed[~shared] = -1
    later = [np.repeat(rows, BANDS * MAX_BUCKET)]
    earlier = [indexed.ravel()]
    for band in range(BANDS):
        order, keys = _open_runs(values[:, band], filled)
        before, after = _pairs_within_runs(keys)
        earlier.append(rows[order[before]])
        later.append(rows[order[after]])
    earlier_rows, later_rows = np.concatenate(earlier), np.concatenate(later)
    keep = earlier_rows >= 0
    end = first + len(values)
    keys = np.sort((later_rows[keep] - first) * end + earlier_rows[keep])
    distinct = np.ones(len(keys), dtype=bool)
    distinct[1:] = keys[1:] != keys[:-1]
    keys = keys[distinct]
    return keys % end, keys // end + first


def _pairs_within_runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of positions (i < j) of `keys` (sorted) holding the same key."""
    starts_run = np.ones(len(keys), dtype=bool)
    starts_run[1:] = keys[1:] != keys[:-1]
    run_start = np.flatnonzero(starts_run)[np.cumsum(starts_run) - 1]
    pairs_each = np.arange(len(keys)) - run_start
    after = np.repeat(np.arange(len(keys)), pairs_each)
    before = np.repeat(run_start, pairs_each) + (
        np.arange(len(after)) - np.repeat(np.cumsum(pairs_each) - pairs_each, pairs_each)
    )
    return before, after


def _hashed_batches(articles: list[Article]) -> Iterator[_Hashed]:
    """`_hash_paragraphs` of the articles' paragraphs, a batch at a time (a shingle never
    runs from one paragraph into the next, so where batches end changes nothing); on much
    text, by two processes."""
    batches: list[list[str]] = []
    size = total = 0
    for text in (text for article in articles for text in article.paragraphs):
        if not batches or size >= HASHING_BATCH_CHARS:
            batches.append([])
            total, size = total + size, 0
        batches[-1].append(text)
        size += len(text)
    if total + size < PARALLEL_HASHING_MIN_CHARS:
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
