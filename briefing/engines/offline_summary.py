"""The offline summary: a headline and 3–5 bullets composed from the verified facts.

Each bullet is one aspect of the story, built only from a verified claim (its quote,
verbatim) or a dispute:

1. the event: the claim whose quote is most central to all the passages (TF-IDF cosine to
   their centroid), weighted up when several sources carry it;
2. the positions of the principal speakers: for each speaker in rank order (the brief
   stage's), their best-ranked claim, one bullet per speaker, so the main actor's
   position and the reactions to it (critics, other parties) each get one;
3. each dispute: the values side by side, with who gives them (a claim that states one
   of those values is left to the dispute's bullet).

A candidate that shares too many of its words with a bullet already chosen (names folded,
as the brief stage compares statements) is skipped, so no two bullets say the same thing.
Quotations, fragments and headings are not used as bullets. Each bullet cites the facts it
states and the sources that carry them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from briefing.brief import Names, StatementSpace, overlap
from briefing.engines.base import SummaryInput
from briefing.engines.lexicon import lexicon
from briefing.engines.offline_document import is_heading, opens_with_quote, sentences_of
from briefing.memory import cycle_collector_paused
from briefing.schema import Bullet, Claim, Dispute, Figure, Summary
from briefing.text import normalize_for_match, words

MAX_BULLETS = 5
MIN_BULLETS = 3
MAX_DISPUTE_BULLETS = 2
MIN_WORDS = 8
MAX_WORDS = 60
REDUNDANT = 0.4  # share of a candidate's words a chosen bullet has when it repeats it
HEADLINE_WORDS = 16
_ENDS_SENTENCE = re.compile(r"[.!?][”\"’')\]]*$")


@dataclass
class _Sentence:
    text: str
    terms: Counter[str]


@dataclass
class _Candidate:
    """A bullet drawn from one claim: its quote, verbatim, and the sources carrying it."""

    claim: Claim
    text: str
    source_ids: list[str]
    terms: Counter[str]


def _terms(text: str) -> Counter[str]:
    common = lexicon().common_words
    return Counter(w for w in words(text) if w not in common and not w.isdigit() and len(w) > 2)


def _is_usable(sentence: str) -> bool:
    count = len(sentence.split())
    if count < MIN_WORDS or count > MAX_WORDS or not _ENDS_SENTENCE.search(sentence):
        return False
    quoted = sum(len(q) for q in re.findall(r"“[^”]*”|\"[^\"]*\"", sentence))
    return not opens_with_quote(sentence) and quoted < len(sentence) / 2


def _sentences(story: SummaryInput) -> list[_Sentence]:
    """Every distinct sentence of the passages (headings left out), to weigh terms by."""
    found: dict[str, _Sentence] = {}
    for passage in story.passages:
        if is_heading(passage.text):
            continue
        for sentence in sentences_of(passage.text):
            found.setdefault(" ".join(words(sentence)), _Sentence(sentence, _terms(sentence)))
    return list(found.values())


def _weights(sentences: list[_Sentence]) -> dict[str, float]:
    frequency: Counter[str] = Counter()
    for sentence in sentences:
        frequency.update(set(sentence.terms))
    total = len(sentences) or 1
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


def _candidate(claim: Claim) -> _Candidate | None:
    """The claim as a bullet: its first quote that reads as a sentence of its own."""
    for evidence in claim.evidence:
        if _is_usable(evidence.quote):
            key = normalize_for_match(evidence.quote)
            carriers = [e.source_id for e in claim.evidence if normalize_for_match(e.quote) == key]
            return _Candidate(claim, evidence.quote, list(dict.fromkeys(carriers)), _terms(key))
    return None


def _figures_in(text: str, figures: list[Figure], source_ids: list[str]) -> list[str]:
    """Ids of the figures whose value the bullet states, from the sources it cites."""
    folded = normalize_for_match(text).casefold()
    return [
        f.id
        for f in figures
        if f.id
        and normalize_for_match(f.value).casefold() in folded
        and any(e.source_id in source_ids for e in f.evidence)
    ]


def _dispute_bullet(dispute: Dispute, figures: list[Figure]) -> Bullet:
    """The versions of a disputed figure side by side, with who gives each."""
    sides = [
        f"{v.value} ({v.attributed_to})" if v.attributed_to else v.value for v in dispute.versions
    ]
    subject = dispute.subject[:1].upper() + dispute.subject[1:]
    sources = list(dict.fromkeys(s for v in dispute.versions for s in v.source_ids))
    values = {v.value for v in dispute.versions}
    shown = [
        f.id
        for f in figures
        if f.id and f.value in values and any(e.source_id in sources for e in f.evidence)
    ]
    facts = [dispute.id] if dispute.id else []
    return Bullet(text=f"{subject}: {' vs '.join(sides)}.", facts=facts + shown, source_ids=sources)


def _states_dispute(text: str, disputes: list[Dispute]) -> bool:
    """Whether the sentence gives a value of a dispute that gets its own bullet."""
    folded = normalize_for_match(text).casefold()
    return any(
        normalize_for_match(v.value).casefold() in folded for d in disputes for v in d.versions
    )


class _Composer:
    """Picks the bullets one aspect at a time, never one too like a bullet already picked."""

    def __init__(self, story: SummaryInput) -> None:
        self.story = story
        self.space = StatementSpace(Names(story.actors), [c.text for c in story.claims])
        self.chosen: list[_Candidate] = []

    def fresh(self, candidate: _Candidate) -> bool:
        """Whether the candidate says something no chosen bullet says."""
        statement = self.space.statement(candidate.text)
        return all(
            overlap(statement, self.space.statement(other.text)) < REDUNDANT
            and normalize_for_match(other.text) != normalize_for_match(candidate.text)
            for other in self.chosen
        )

    def take(self, candidate: _Candidate) -> bool:
        """Choose the candidate if it is fresh; say whether it was."""
        if self.fresh(candidate):
            self.chosen.append(candidate)
            return True
        return False

    def bullet(self, candidate: _Candidate) -> Bullet:
        """The chosen candidate as a bullet citing its claim and the figures it states."""
        facts = [candidate.claim.id] if candidate.claim.id else []
        facts += _figures_in(candidate.text, self.story.figures, candidate.source_ids)
        return Bullet(text=candidate.text, facts=facts, source_ids=candidate.source_ids)


def _by_speaker(candidates: list[_Candidate]) -> dict[str | None, list[_Candidate]]:
    """Candidates per speaker, speakers in the order of their best-ranked claim."""
    ordered = sorted(candidates, key=lambda c: c.claim.rank or math.inf)
    groups: dict[str | None, list[_Candidate]] = {}
    for candidate in ordered:
        groups.setdefault(candidate.claim.speaker, []).append(candidate)
    return groups


@cycle_collector_paused()
def summarize_story(story: SummaryInput) -> Summary:
    """A headline and 3–5 bullets: the event, the principal speakers' positions, each
    dispute (see the module docstring)."""
    sentences = _sentences(story)
    weights = _weights(sentences)
    centroid = _Centroid([_vector(sentence.terms, weights) for sentence in sentences])
    disputes = story.disputes[:MAX_DISPUTE_BULLETS]
    candidates = [
        c
        for c in map(_candidate, story.claims)
        if c is not None and not _states_dispute(c.text, disputes)
    ]
    claim_slots = MAX_BULLETS - len(disputes)

    def central(candidate: _Candidate) -> float:
        centrality = centroid.cosine(_vector(candidate.terms, weights))
        return centrality * (1 + 0.25 * math.log(len(candidate.source_ids) or 1))

    composer = _Composer(story)
    if candidates:
        composer.take(max(candidates, key=central))
    for speaker, own in _by_speaker(candidates).items():
        if len(composer.chosen) >= claim_slots:
            break
        if any(c.claim.speaker == speaker for c in composer.chosen):
            continue
        next((c for c in own if composer.take(c)), None)
    for candidate in sorted(candidates, key=central, reverse=True):
        if len(composer.chosen) + len(disputes) >= MIN_BULLETS:
            break
        composer.take(candidate)
    bullets = [composer.bullet(c) for c in composer.chosen]
    bullets += [_dispute_bullet(d, story.figures) for d in disputes]
    best = composer.chosen[0].text if composer.chosen else None
    title = _headline(story, centroid, weights, best)
    return Summary(title=title, bullets=bullets)
