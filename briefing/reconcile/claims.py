"""Claims: renamed to the canonical actor, near-identical claims by the same speaker (or
by an organisation and its spokesperson) merge their evidence."""

from __future__ import annotations

import functools
import math
from collections import Counter, defaultdict

from rapidfuzz import fuzz, process

from briefing.reconcile.actors import names_of
from briefing.reconcile.common import evidence_union, fold
from briefing.schema import Actor, Claim
from briefing.text import words

CLAIM_SIMILARITY = 90
SAME_TEXT_SIMILARITY = 95
MIN_CLAIM_OVERLAP = 0.6
# Another speaker's words count as the same statement only when both are longer than this.
MIN_SHARED_STATEMENT_CHARS = 40
MAX_BLOCK = 16


def _claim_key(text: str) -> str:
    return " ".join(words(text))


def _speaks_for(person: Actor | None, other: str | None, actors: dict[str, Actor]) -> bool:
    """A spokesperson's words are also the organisation's: "NATO spokesperson Oana Lungescu"."""
    if other is None:
        return True
    if person is None or not person.role or other not in actors:
        return False
    role = fold(person.role)
    return any(fold(name) in role.split() or fold(name) in role for name in names_of(actors[other]))


class _ClaimIndex:
    """Finds the merged claims a new claim could repeat, without comparing every pair.

    Two claims can only score CLAIM_SIMILARITY when most of their words are shared, so one
    of them shares a word from the other's rarest third (rarest across all claims): each
    merged claim is listed under all its words and under its rarest third, and a new claim
    looks up its rarest third in the first list and all its words in the second. Only
    claims misspelling nearly every word of each other are out of reach. Lists are kept
    per length class, as claims whose lengths differ by more than MIN_CLAIM_OVERLAP are
    never compared, and stop growing at MAX_BLOCK claims ("block purging"): a word shared
    by that many different statements of one length says little about which one a new
    claim repeats, and comparing with all of them would make the merge quadratic.
    """

    def __init__(self, keys: list[str]) -> None:
        self._frequency = Counter(word for key in keys for word in set(key.split()))
        self._by_word: dict[tuple[str, int], list[int]] = defaultdict(list)
        self._by_rare_word: dict[tuple[str, int], list[int]] = defaultdict(list)

    def _rarest(self, words_of: set[str]) -> list[str]:
        ordered = sorted(words_of, key=lambda word: (self._frequency[word], word))
        return ordered[: len(ordered) // 3 + 1]

    def candidates(self, key: str) -> list[int]:
        """Positions of merged claims that could match `key`, in order."""
        words_of = set(key.split())
        rarest = self._rarest(words_of)
        found: set[int] = set()
        for length in _length_classes(key, spread=1):
            for word in rarest:
                found.update(self._by_word.get((word, length), ()))
            for word in words_of:
                found.update(self._by_rare_word.get((word, length), ()))
        return sorted(found)

    def add(self, position: int, key: str) -> None:
        """List the merged claim at `position` under the words of `key`."""
        words_of = set(key.split())
        (length,) = _length_classes(key, spread=0)
        for word in words_of:
            _add_to_block(self._by_word[word, length], position)
        for word in self._rarest(words_of):
            _add_to_block(self._by_rare_word[word, length], position)


def _add_to_block(block: list[int], position: int) -> None:
    if len(block) < MAX_BLOCK:
        block.append(position)


def _length_classes(key: str, spread: int) -> range:
    """The class of `key`'s length, with `spread` neighbours on each side: lengths whose
    ratio is at least MIN_CLAIM_OVERLAP fall in the same or neighbouring classes."""
    length = int(math.log(max(len(key), 1)) / -math.log(MIN_CLAIM_OVERLAP))
    return range(length - spread, length + spread + 1)


def _similar(
    key: str, speaker: str | None, candidates: list[int], merged: list[Claim], keys: list[str]
) -> list[int]:
    """The candidates a claim merges with if their speakers allow, in order: those by the
    same speaker scoring CLAIM_SIMILARITY, others SAME_TEXT_SIMILARITY when both statements
    are longer than MIN_SHARED_STATEMENT_CHARS. Lengths are checked before scoring (a few
    words of a long statement are not the same statement), and rapidfuzz scores each group
    at C speed."""
    length = len(key)
    same: list[int] = []
    others: list[int] = []
    for position in candidates:
        shorter, longer = sorted((length, len(keys[position])))
        if shorter < MIN_CLAIM_OVERLAP * longer:
            continue
        if merged[position].speaker == speaker:
            same.append(position)
        elif shorter > MIN_SHARED_STATEMENT_CHARS:
            others.append(position)
    found = _scored(key, same, keys, CLAIM_SIMILARITY)
    found += _scored(key, others, keys, SAME_TEXT_SIMILARITY)
    return sorted(found)


def _scored(key: str, positions: list[int], keys: list[str], cutoff: float) -> list[int]:
    if not positions:
        return []
    choices = [keys[position] for position in positions]
    scored = process.extract(
        key, choices, scorer=fuzz.token_set_ratio, score_cutoff=cutoff, limit=None
    )
    return [positions[found] for _, _, found in scored]


def merge_claims(claims: list[Claim], actors: dict[str, Actor]) -> list[Claim]:
    """Claims with near-identical statements by one speaker (or a spokesperson and the body
    they speak for) merged into one, their evidence united; first-seen order."""
    merged: list[Claim] = []
    keys: list[str] = []
    claim_keys = [_claim_key(claim.text) for claim in claims]
    index = _ClaimIndex(claim_keys)
    exact: dict[str, int] = {}  # key → the merged claim that has it

    @functools.cache
    def speaks_for(speaker: str | None, other: str | None) -> bool:
        return _speaks_for(actors.get(speaker or ""), other, actors)

    for claim, key in zip(claims, claim_keys, strict=True):
        target = None
        for position in _similar(key, claim.speaker, index.candidates(key), merged, keys):
            other = merged[position]
            if other.speaker == claim.speaker or speaks_for(other.speaker, claim.speaker):
                target = position
                break
            if speaks_for(claim.speaker, other.speaker):
                other.speaker = claim.speaker
                target = position
                break
        if target is None:
            target = _same_statement(exact.get(key), claim, key, merged, keys)
        if target is None:
            merged.append(
                Claim(speaker=claim.speaker, text=claim.text, evidence=list(claim.evidence))
            )
            keys.append(key)
            exact[key] = len(merged) - 1
            index.add(len(merged) - 1, key)
            continue
        existing = merged[target]
        existing.evidence = evidence_union([existing.evidence, claim.evidence])
        if len(claim.text) > len(existing.text):
            existing.text, keys[target] = claim.text, key
            exact[key] = target
            index.add(target, key)
    return merged


def _same_statement(
    position: int | None, claim: Claim, key: str, merged: list[Claim], keys: list[str]
) -> int | None:
    """`position` if the merged claim there is word for word this claim by its speaker:
    the one match the index may have purged (see `_ClaimIndex`) and must never miss."""
    if position is None or keys[position] != key or merged[position].speaker != claim.speaker:
        return None
    return position
