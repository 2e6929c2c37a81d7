"""Group passages into packs that each fit one model call.

Each article's passages form a unit (long articles are cut into several units at
paragraph, then sentence boundaries). Units are placed by a hash of their key into a
binary trie that splits only where a node is over capacity, so a pack's content depends
only on the units whose hashes share its prefix: adding an unrelated article changes at
most the one pack it lands in (or splits that pack in two), and every other pack keeps
its text and therefore its cache entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pydantic import BaseModel

from briefing.dedup import Passage
from briefing.text import split_sentences

# Room left per block for the delimiter lines that name its sources in the prompt.
BLOCK_OVERHEAD_TOKENS = 24
# How many characters a slice of an overlong sentence starts with per token of room, until
# the text's own ratio is known (English prose runs at about four).
FIRST_CHARS_PER_TOKEN = 4.0
HASH_BITS = 64

TokenCounter = Callable[[str], int]


class Block(BaseModel):
    """Consecutive paragraphs carried by the same sources; `source_ids[0]` owns them."""

    source_ids: list[str]
    paragraphs: list[str]


class Pack(BaseModel):
    """The passages one engine call sees."""

    blocks: list[Block]
    tokens: int

    @property
    def source_ids(self) -> list[str]:
        """Every source id cited in this pack, in first-seen order."""
        seen: dict[str, None] = {}
        for block in self.blocks:
            seen.update(dict.fromkeys(block.source_ids))
        return list(seen)

    @property
    def owner_ids(self) -> list[str]:
        """The articles whose own paragraphs are in this pack."""
        return list(dict.fromkeys(block.source_ids[0] for block in self.blocks))


@dataclass
class _Unit:
    key: str
    blocks: list[Block]
    tokens: int
    position: int = field(init=False)

    def __post_init__(self) -> None:
        digest = hashlib.sha1(self.key.encode()).digest()
        self.position = int.from_bytes(digest[: HASH_BITS // 8], "big")


def _split_long(text: str, capacity: int, count: TokenCounter) -> list[str]:
    """Cut a paragraph that exceeds `capacity` into pieces at sentence boundaries.

    Each sentence is counted once, and a piece's count is the sum of its sentences' counts
    plus one token for each space that joins them (tiktoken starts a token at each space
    before a word, so this sum is never below the joined text's count): cost stays linear
    in the paragraph's length. A single sentence longer than the capacity is cut into
    slices of characters (see `_cut_characters`).
    """
    # A paragraph that fits and is single-spaced would come out of the loop below as it
    # went in: skip splitting it into sentences.
    if text == " ".join(text.split()) and count(text) <= capacity:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    used = 0
    for sentence in split_sentences(text):
        size = count(sentence)
        if size > capacity:
            if current:
                pieces.append(" ".join(current))
            *whole, last = _cut_characters(sentence, capacity, count)
            pieces.extend(whole)
            current, used = [last], count(last)
            continue
        if current and used + 1 + size > capacity:
            pieces.append(" ".join(current))
            current, used = [], 0
        used += size + (1 if current else 0)
        current.append(sentence)
    if current:
        pieces.append(" ".join(current))
    return pieces


def _cut_characters(text: str, capacity: int, count: TokenCounter) -> list[str]:
    """Cut `text` into consecutive slices of at most `capacity` tokens.

    Only slices are counted, never the rest of the text: each is tried at the width the
    previous one had per token (at first `FIRST_CHARS_PER_TOKEN`) and narrowed in
    proportion until it fits, so a 10 MB run of letters costs time linear in its length.
    """
    pieces: list[str] = []
    start = 0
    chars_per_token = FIRST_CHARS_PER_TOKEN
    while start < len(text):
        end = min(len(text), start + max(1, int(capacity * chars_per_token)))
        tokens = count(text[start:end])
        while tokens > capacity:
            end = start + max(1, (end - start) * capacity // tokens)
            tokens = count(text[start:end])
        pieces.append(text[start:end])
        chars_per_token = (end - start) / max(1, tokens)
        start = end
    return pieces


def _units_for_article(
    article_id: str, passages: list[Passage], capacity: int, count: TokenCounter
) -> list[_Unit]:
    """Cut one article's passages into units that each fit `capacity` tokens."""
    units: list[_Unit] = []
    blocks: list[Block] = []
    tokens = 0
    for passage in passages:
        for piece in _split_long(passage.text, capacity - BLOCK_OVERHEAD_TOKENS, count):
            size = count(piece)
            same_block = bool(blocks) and blocks[-1].source_ids == passage.source_ids
            added = size + (0 if same_block else BLOCK_OVERHEAD_TOKENS)
            if blocks and tokens + added > capacity:
                units.append(_Unit(key=f"{article_id}#{len(units)}", blocks=blocks, tokens=tokens))
                blocks, tokens, same_block = [], 0, False
                added = size + BLOCK_OVERHEAD_TOKENS
            if same_block:
                blocks[-1].paragraphs.append(piece)
            else:
                blocks.append(Block(source_ids=list(passage.source_ids), paragraphs=[piece]))
            tokens += added
    if blocks:
        units.append(_Unit(key=f"{article_id}#{len(units)}", blocks=blocks, tokens=tokens))
    return units


def _trie_packs(units: list[_Unit], capacity: int, depth: int = 0) -> Iterable[list[_Unit]]:
    """Split hash-sorted units by successive hash bits until each group fits."""
    if sum(unit.tokens for unit in units) <= capacity or len(units) == 1 or depth >= HASH_BITS:
        yield units
        return
    bit = 1 << (HASH_BITS - 1 - depth)
    low = [unit for unit in units if not unit.position & bit]
    high = [unit for unit in units if unit.position & bit]
    for half in (low, high):
        if half:
            yield from _trie_packs(half, capacity, depth + 1)


def make_packs(passages: list[Passage], capacity: int, count: TokenCounter) -> list[Pack]:
    """Pack passages into groups of at most `capacity` tokens, stable under added articles."""
    by_owner: dict[str, list[Passage]] = {}
    for passage in passages:
        by_owner.setdefault(passage.owner, []).append(passage)
    units = [
        unit
        for owner, owned in by_owner.items()
        for unit in _units_for_article(owner, owned, capacity, count)
    ]
    units.sort(key=lambda unit: unit.position)
    return [
        Pack(
            blocks=[block for unit in group for block in unit.blocks],
            tokens=sum(unit.tokens for unit in group),
        )
        for group in _trie_packs(units, capacity)
    ]


def halves(pack: Pack) -> list[Pack]:
    """`pack` cut in two of about equal text, between paragraphs (or, for a pack of one
    paragraph, between sentences): for a pack too long for the model's context. Empty when
    the pack is a single sentence, which cannot be cut."""
    pieces = [(block.source_ids, text) for block in pack.blocks for text in block.paragraphs]
    if len(pieces) == 1:
        source_ids, text = pieces[0]
        pieces = [(source_ids, sentence) for sentence in split_sentences(text)]
    if len(pieces) < 2:
        return []
    sizes = [len(text) for _, text in pieces]
    total = sum(sizes)
    running = 0
    cut = 1
    for index, size in enumerate(sizes[:-1], 1):
        # Cut after the piece that brings the first half nearest to half of the text.
        if abs(total - 2 * (running + size)) > abs(total - 2 * running) and running:
            break
        running += size
        cut = index
    return [_pack_of(part, pack.tokens, total) for part in (pieces[:cut], pieces[cut:])]


def _pack_of(pieces: list[tuple[list[str], str]], tokens: int, characters: int) -> Pack:
    """A pack of consecutive paragraphs, each with its sources; its tokens estimated as its
    share of the characters of a pack of `tokens` tokens."""
    blocks: list[Block] = []
    for source_ids, text in pieces:
        if blocks and blocks[-1].source_ids == source_ids:
            blocks[-1].paragraphs.append(text)
        else:
            blocks.append(Block(source_ids=list(source_ids), paragraphs=[text]))
    share = sum(len(text) for _, text in pieces) / max(1, characters)
    return Pack(blocks=blocks, tokens=max(1, round(tokens * share)))
