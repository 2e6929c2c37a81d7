"""Claims: renamed to the canonical actor, near-identical claims by the same speaker (or
by an organisation and its spokesperson) merge their evidence."""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Callable

from rapidfuzz import fuzz

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
MAX_CANDIDATES = 16


def _claim_key(text: str) -> str:
    return " ".join(words(text))


def _name_words(text: str) -> tuple[str, ...]:
    """`text` folded to its words."""
    return tuple(words(fold(text)))


class _Speakers:
    """Whose words can be one statement: a spokesperson's are also the organisation's
    ("NATO spokesperson Oana Lungescu"), and a claim with no speaker may be anyone's.

    An organisation is in a role when one of its names is whole words of the role ("UN" is
    not in "fund manager"). Each role is read once, for every name it holds (looked up by
    its runs of words), the first time its speaker is asked about: a speaker is compared
    with thousands of others on a huge input, most of them met only once."""

    def __init__(self, actors: dict[str, Actor]) -> None:
        self._roles = {
            name: _name_words(actor.role) for name, actor in actors.items() if actor.role
        }
        self._named: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for name, actor in actors.items():
            for alias in names_of(actor):
                self._named[_name_words(alias)].append(name)
        self._longest = max(map(len, self._named), default=0)
        self._spoken_for: dict[str, frozenset[str]] = {}

    def speaks_for(self, speaker: str | None, other: str | None) -> bool:
        """Whether `speaker`'s words are also `other`'s."""
        return other is None or (speaker is not None and self._in_role(speaker, other))

    def related(self, speaker: str | None, other: str | None) -> bool:
        """Whether either speaker's words are also the other's."""
        if speaker is None or other is None:
            return True
        return self._in_role(speaker, other) or self._in_role(other, speaker)

    def _in_role(self, speaker: str, other: str) -> bool:
        role = self._roles.get(speaker)
        if role is None:
            return False
        if speaker not in self._spoken_for:
            self._spoken_for[speaker] = self._named_in(role)
        return other in self._spoken_for[speaker]

    def _named_in(self, role: tuple[str, ...]) -> frozenset[str]:
        """The actors one of whose names is whole words of `role`."""
        if not role:
            return frozenset(self._named.get(role, ()))
        runs = (
            role[start:end]
            for start in range(len(role))
            for end in range(start + 1, min(len(role), start + self._longest) + 1)
        )
        return frozenset(actor for run in runs for actor in self._named.get(run, ()))


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

    A claim is compared with at most MAX_CANDIDATES of the claims found: those found under
    most of its words. A repeat shares nearly all its words, so it is among them unless
    that many other claims share as many; on a huge input of similar statements a claim
    would otherwise be compared with hundreds, and the merge would cost more per claim the
    longer the input. Of candidates found under as many words, the earliest are kept.
    """

    def __init__(self, keys: list[str]) -> None:
        frequency = Counter(word for key in keys for word in set(key.split()))
        ordered = sorted(frequency, key=lambda word: (frequency[word], word))
        self._rarity = {word: rank for rank, word in enumerate(ordered)}
        # Length class → word → claim positions (looked up by `map`, several words at once).
        self._by_word: dict[int, dict[str, list[int]]] = defaultdict(dict)
        self._by_rare_word: dict[int, dict[str, list[int]]] = defaultdict(dict)

    def _rarest(self, words_of: set[str]) -> list[str]:
        ordered = sorted(words_of, key=self._rarity.__getitem__)
        return ordered[: len(ordered) // 3 + 1]

    def candidates(self, key: str) -> list[int]:
        """Positions of merged claims that could match `key`, in order."""
        words_of = set(key.split())
        rarest = self._rarest(words_of)
        blocks: list[list[int] | None] = []
        for length in _length_classes(key, spread=1):
            if length in self._by_word:
                blocks += map(self._by_word[length].get, rarest)
                blocks += map(self._by_rare_word[length].get, words_of)
        return _most_shared(Counter(itertools.chain.from_iterable(filter(None, blocks))))

    def add(self, position: int, key: str) -> None:
        """List the merged claim at `position` under the words of `key`."""
        words_of = set(key.split())
        (length,) = _length_classes(key, spread=0)
        by_word, by_rare_word = self._by_word[length], self._by_rare_word[length]
        for word in words_of:
            _add_to_block(by_word.setdefault(word, []), position)
        for word in self._rarest(words_of):
            _add_to_block(by_rare_word.setdefault(word, []), position)


def _most_shared(found: Counter[int]) -> list[int]:
    """The positions of at most MAX_CANDIDATES candidates, in order: those found under most
    words, and of those found under as many, the earliest. A tie never goes by the order a
    set of words happened to be read in, which changes with the hash seed."""
    if len(found) <= MAX_CANDIDATES:
        return sorted(found)
    # How many words the last candidate kept is found under.
    fewest = sorted(found.values(), reverse=True)[MAX_CANDIDATES - 1]
    kept = [position for position, shared in found.items() if shared > fewest]
    tied = sorted(position for position, shared in found.items() if shared == fewest)
    return sorted(kept + tied[: MAX_CANDIDATES - len(kept)])


def _add_to_block(block: list[int], position: int) -> None:
    if len(block) < MAX_BLOCK:
        block.append(position)


def _length_classes(key: str, spread: int) -> range:
    """The class of `key`'s length, with `spread` neighbours on each side: lengths whose
    ratio is at least MIN_CLAIM_OVERLAP fall in the same or neighbouring classes."""
    length = int(math.log(max(len(key), 1)) / -math.log(MIN_CLAIM_OVERLAP))
    return range(length - spread, length + spread + 1)


def _repeated(
    key: str,
    speaker: str | None,
    candidates: list[int],
    merged: list[Claim],
    keys: list[str],
    related: Callable[[str | None, str | None], bool],
) -> int | None:
    """The first candidate (in order) a claim repeats: by the same speaker scoring
    CLAIM_SIMILARITY, by a `related` speaker SAME_TEXT_SIMILARITY when both statements
    are longer than MIN_SHARED_STATEMENT_CHARS. Speakers and lengths are checked before
    scoring (a few words of a long statement are not the same statement), and the scan
    stops at the first match: scoring is the cost, and on a huge input most candidates
    are another speaker's similar words."""
    length = len(key)
    for position in candidates:
        other_length = len(keys[position])
        if other_length < MIN_CLAIM_OVERLAP * length or length < MIN_CLAIM_OVERLAP * other_length:
            continue
        other_speaker = merged[position].speaker
        if other_speaker == speaker:
            cutoff = CLAIM_SIMILARITY
        elif min(length, other_length) > MIN_SHARED_STATEMENT_CHARS and related(
            other_speaker, speaker
        ):
            cutoff = SAME_TEXT_SIMILARITY
        else:
            continue
        if fuzz.token_set_ratio(key, keys[position], score_cutoff=cutoff):
            return position
    return None


def merge_claims(claims: list[Claim], actors: dict[str, Actor]) -> list[Claim]:
    """Claims with near-identical statements by one speaker (or a spokesperson and the body
    they speak for) merged into one, their evidence united; first-seen order."""
    merged: list[Claim] = []
    keys: list[str] = []
    claim_keys = [_claim_key(claim.text) for claim in claims]
    index = _ClaimIndex(claim_keys)
    exact: dict[str, int] = {}  # key → the merged claim that has it

    speakers = _Speakers(actors)
    for claim, key in zip(claims, claim_keys, strict=True):
        target = _repeated(
            key, claim.speaker, index.candidates(key), merged, keys, speakers.related
        )
        if target is not None and not (
            merged[target].speaker == claim.speaker
            or speakers.speaks_for(merged[target].speaker, claim.speaker)
        ):
            merged[target].speaker = claim.speaker
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
