"""The extractive summary: a headline and a few central sentences, taken verbatim. The
offline engine's summary, and every engine's when its own summary call fails.

Sentences are scored by TF-IDF cosine to the centroid of all sentences, weighted up when
several sources carry them; quotations, headings and fragments are left out, and a
sentence too similar to one already chosen is skipped. Each bullet cites the sources that
carry its sentence and the claims and figures quoted in it (or quoting it).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from briefing.engines.base import SummaryInput
from briefing.language.lexicon import lexicon
from briefing.language.sentences import is_heading, opens_with_quote, sentences_of
from briefing.memory import cycle_collector_paused
from briefing.schema import Bullet, Claim, Figure, Summary
from briefing.text import normalize_for_match, words

MAX_BULLETS = 5
MIN_WORDS = 8
MAX_WORDS = 60
MAX_OVERLAP = 0.5
HEADLINE_WORDS = 16
_ENDS_SENTENCE = re.compile(r"[.!?][”\"’')\]]*$")


@dataclass
class _Candidate:
    text: str
    source_ids: list[str]
    position: int
    terms: Counter[str]

    @property
    def sources(self) -> int:
        """How many sources carry the sentence."""
        return len(self.source_ids)


def _terms(text: str) -> Counter[str]:
    common = lexicon().common_words
    return Counter(w for w in words(text) if w not in common and not w.isdigit() and len(w) > 2)


def _is_usable(sentence: str) -> bool:
    count = len(sentence.split())
    if count < MIN_WORDS or count > MAX_WORDS or not _ENDS_SENTENCE.search(sentence):
        return False
    quoted = sum(len(q) for q in re.findall(r"“[^”]*”|\"[^\"]*\"", sentence))
    return not opens_with_quote(sentence) and quoted < len(sentence) / 2


def _candidates(story: SummaryInput) -> list[_Candidate]:
    candidates: list[_Candidate] = []
    seen: set[str] = set()
    for passage in story.passages:
        if is_heading(passage.text):
            continue
        for sentence in sentences_of(passage.text):
            key = " ".join(words(sentence))
            if key in seen or not _is_usable(sentence):
                continue
            seen.add(key)
            terms = _terms(sentence)
            candidates.append(_Candidate(sentence, passage.source_ids, len(candidates), terms))
    return candidates


def _weights(candidates: list[_Candidate]) -> dict[str, float]:
    frequency: Counter[str] = Counter()
    for candidate in candidates:
        frequency.update(set(candidate.terms))
    total = len(candidates) or 1
    return {term: math.log(1 + total / count) for term, count in frequency.items()}


def _vector(terms: Counter[str], weights: dict[str, float]) -> dict[str, float]:
    return {term: count * weights.get(term, 0.0) for term, count in terms.items()}


def _length(vector: dict[str, float]) -> float:
    return math.sqrt(sum(v * v for v in vector.values()))


class _Centroid:
    """The sum of all sentence vectors, with its length computed once (it has every term)."""

    def __init__(self, vectors: list[dict[str, float]]) -> None:
        self.vector: dict[str, float] = {}
        for vector in vectors:
            for term, value in vector.items():
                self.vector[term] = self.vector.get(term, 0.0) + value
        self.length = _length(self.vector)

    def cosine(self, vector: dict[str, float]) -> float:
        """Cosine similarity of `vector` to the centroid."""
        dot = sum(value * self.vector.get(term, 0.0) for term, value in vector.items())
        norm = _length(vector) * self.length
        return dot / norm if norm else 0.0


def _overlap(a: Counter[str], b: Counter[str]) -> float:
    union = set(a) | set(b)
    return len(set(a) & set(b)) / len(union) if union else 1.0


def _headline(
    story: SummaryInput, centroid: _Centroid, weights: dict[str, float], best: str | None
) -> str:
    titles = [title.strip() for title in story.titles if title and title.strip()]
    if titles:
        return max(titles, key=lambda t: centroid.cosine(_vector(_terms(t), weights)))
    if best is None:
        return "Briefing"
    clause = re.split(r"(?<=[a-z]),\s", best, maxsplit=1)[0]
    chosen = clause if len(clause.split()) >= MIN_WORDS // 2 else best
    cut = chosen.split()
    return " ".join(cut[:HEADLINE_WORDS]).rstrip(".,;:") + (
        "…" if len(cut) > HEADLINE_WORDS else ""
    )


def _quoted_facts(sentence: str, facts: list[Claim] | list[Figure]) -> list[str]:
    """Ids of the facts one of whose quotes lies within `sentence`, or holds it."""
    text = normalize_for_match(sentence)
    cited = []
    for fact in facts:
        quotes = [normalize_for_match(item.quote) for item in fact.evidence]
        if fact.id and any(q and (q in text or text in q) for q in quotes):
            cited.append(fact.id)
    return cited


def _bullet(candidate: _Candidate, story: SummaryInput) -> Bullet:
    facts = _quoted_facts(candidate.text, story.claims) + _quoted_facts(
        candidate.text, story.figures
    )
    return Bullet(text=candidate.text, facts=facts, source_ids=candidate.source_ids)


@cycle_collector_paused()
def summarize_story(story: SummaryInput) -> Summary:
    """A headline and up to five central sentences of the story's passages."""
    candidates = _candidates(story)
    weights = _weights(candidates)
    centroid = _Centroid([_vector(candidate.terms, weights) for candidate in candidates])

    def score(candidate: _Candidate) -> float:
        centrality = centroid.cosine(_vector(candidate.terms, weights))
        return centrality * (1 + 0.25 * math.log(candidate.sources)) - candidate.position * 1e-6

    chosen: list[_Candidate] = []
    for candidate in sorted(candidates, key=score, reverse=True):
        if all(_overlap(candidate.terms, other.terms) <= MAX_OVERLAP for other in chosen):
            chosen.append(candidate)
        if len(chosen) == MAX_BULLETS:
            break
    title = _headline(story, centroid, weights, chosen[0].text if chosen else None)
    return Summary(title=title, bullets=[_bullet(candidate, story) for candidate in chosen])
