"""Send each paragraph once: the same or near-same paragraph in several articles (wire copy)
becomes one passage tagged with every source that carries it.

Exact copies are found by hashing normalised text; near copies by MinHash over word
shingles with locality-sensitive hashing, so the work grows linearly with the input.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from pydantic import BaseModel

from briefing.schema import Article
from briefing.text import words

if TYPE_CHECKING:
    from datasketch import MinHashLSH

SHINGLE_WORDS = 3
NUM_PERM = 32
NEAR_DUPLICATE_JACCARD = 0.7
MIN_WORDS_FOR_NEAR_MATCH = 12


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


def _shingles(tokens: list[str]) -> list[bytes]:
    return [
        " ".join(tokens[i : i + SHINGLE_WORDS]).encode()
        for i in range(len(tokens) - SHINGLE_WORDS + 1)
    ]


class _NearIndex:
    """Finds an earlier passage whose word shingles overlap a new one by the threshold."""

    def __init__(self) -> None:
        from datasketch import MinHashLSH  # imports scipy: only pay for it when deduplicating

        self._lsh: MinHashLSH = MinHashLSH(threshold=NEAR_DUPLICATE_JACCARD, num_perm=NUM_PERM)
        self._shingles: dict[int, set[bytes]] = {}

    def find_or_add(self, index: int, tokens: list[str]) -> int | None:
        from datasketch import MinHash

        shingles = set(_shingles(tokens))
        signature = MinHash(num_perm=NUM_PERM)
        signature.update_batch(list(shingles))
        for candidate in self._lsh.query(signature):
            earlier = self._shingles[candidate]
            if len(shingles & earlier) / len(shingles | earlier) >= NEAR_DUPLICATE_JACCARD:
                return candidate
        self._lsh.insert(index, signature)
        self._shingles[index] = shingles
        return None


def dedup(articles: list[Article]) -> list[Passage]:
    """Merge repeated paragraphs across articles into passages, in article order."""
    passages: list[Passage] = []
    exact: dict[str, int] = {}
    near = _NearIndex()
    for article in articles:
        for paragraph in article.paragraphs:
            tokens = words(paragraph)
            key = _fingerprint(tokens)
            match = exact.get(key)
            if match is None and len(tokens) >= MIN_WORDS_FOR_NEAR_MATCH:
                match = near.find_or_add(len(passages), tokens)
            if match is None:
                exact[key] = len(passages)
                passages.append(Passage(text=paragraph, source_ids=[article.id]))
            elif article.id not in passages[match].source_ids:
                passages[match].source_ids.append(article.id)
    return passages
