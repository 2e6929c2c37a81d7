"""The extractive summary: a headline and 3–5 bullets composed from the verified facts. The
offline engine's summary, and every engine's when its own summary call fails.

Each bullet is one aspect of the story, built only from a verified claim (its quote,
verbatim) or a dispute:

1. the event: the claim whose quote is most central to all the passages (TF-IDF cosine to
   their centroid), weighted up when several sources carry it;
2. the positions of the principal speakers: for each speaker in rank order (the brief
   stage's), their best-ranked claim, one bullet per speaker, so the main actor's
   position and the reactions to it (critics, other parties) each get one;
3. each dispute: the values side by side, with who gives them (a claim that states one
   of those values is left to the dispute's bullet).

A candidate whose statement shares too many words with a chosen bullet's (names folded, as
the brief stage compares statements), or whose sentence repeats a chosen statement, is
skipped, so no two bullets say the same thing.
Quotations, fragments and headings are not used as bullets. Each bullet cites the facts it
states and the sources that carry them. A story with no usable fact at all gets its most
central sentences instead, citing their sources only.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from briefing.brief import Names, Statement, StatementReader, contained, overlap
from briefing.dedup import Passage
from briefing.engines.base import SummaryInput
from briefing.language.lexicon import lexicon
from briefing.language.sentences import is_heading, opens_with_quote, sentences_of
from briefing.memory import cycle_collector_paused
from briefing.schema import Bullet, Claim, Dispute, Figure, Summary
from briefing.text import normalize_for_match, words

MAX_BULLETS = 5
MIN_BULLETS = 3
MAX_DISPUTE_BULLETS = 2
MIN_WORDS = 8
MAX_WORDS = 60
MAX_OVERLAP = 0.5  # word overlap (Jaccard) at which a central sentence repeats a chosen one
REDUNDANT = 0.4  # share of the smaller statement's words the other has when it repeats it
CONTAINED = 0.6  # share of a statement's words found in another bullet's sentence: repeated
HEADLINE_WORDS = 16
_ENDS_SENTENCE = re.compile(r"[.!?][”\"’')\]]*$")


@dataclass
class _Sentence:
    text: str
    terms: Counter[str]
    source_ids: list[str]
    position: int


@dataclass
class _Candidate:
    """A bullet drawn from one claim or figure: the sentence that holds its quote,
    verbatim, and the sources carrying it."""

    fact: Claim | Figure
    text: str
    source_ids: list[str]
    terms: Counter[str]

    @property
    def speaker(self) -> str | None:
        """Who states the fact."""
        return self.fact.speaker if isinstance(self.fact, Claim) else self.fact.attributed_to


def _terms(text: str) -> Counter[str]:
    return _terms_of(words(text))


def _terms_of(found: list[str]) -> Counter[str]:
    common = lexicon().common_words
    return Counter([w for w in found if len(w) > 2 and w not in common and not w.isdigit()])


def _is_usable(sentence: str) -> bool:
    count = len(sentence.split())
    if count < MIN_WORDS or count > MAX_WORDS or not _ENDS_SENTENCE.search(sentence):
        return False
    quoted = sum(len(q) for q in re.findall(r"“[^”]*”|\"[^\"]*\"", sentence))
    return not opens_with_quote(sentence) and quoted < len(sentence) / 2


def _sentences(passages: list[Passage]) -> list[_Sentence]:
    """Every distinct sentence of the passages (headings left out), in order."""
    found: dict[str, _Sentence] = {}
    for passage in passages:
        if is_heading(passage.text):
            continue
        for sentence in sentences_of(passage.text):
            found_words = words(sentence)
            key = " ".join(found_words)
            if key not in found:
                terms = _terms_of(found_words)
                found[key] = _Sentence(sentence, terms, passage.source_ids, len(found))
    return list(found.values())


class _SentenceIndex:
    """The passage sentences of each source, to find the whole sentence a quote is from:
    the sentences holding the quote's rarest inner word are the only ones looked at (a
    quote's inner words are whole words of the sentence it is from)."""

    def __init__(self, sentences: list[_Sentence]) -> None:
        self._by_source: dict[str, list[tuple[str, _Sentence]]] = {}
        self._holding: dict[str, defaultdict[str, list[int]]] = {}
        for sentence in sentences:
            folded = normalize_for_match(sentence.text).casefold()
            found = set(folded.split(" "))
            for source_id in sentence.source_ids:
                if source_id not in self._by_source:
                    self._by_source[source_id], self._holding[source_id] = [], defaultdict(list)
                own, holding = self._by_source[source_id], self._holding[source_id]
                for word in found:
                    holding[word].append(len(own))
                own.append((folded, sentence))

    def holding(self, quote: str, source_id: str) -> _Sentence | None:
        """The first sentence of `source_id` that holds `quote`, if one does."""
        folded = normalize_for_match(quote).casefold()
        own = self._by_source.get(source_id, [])
        holding: dict[str, list[int]] = self._holding.get(source_id, {})
        inner = folded.split(" ")[1:-1]
        candidates: Sequence[int] = (
            min((holding.get(word, []) for word in inner), key=len) if inner else range(len(own))
        )
        return next((own[i][1] for i in candidates if folded in own[i][0]), None)


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

    def __init__(self, sentences: list[_Sentence], weights: dict[str, float]) -> None:
        self.vector: dict[str, float] = {}
        for sentence in sentences:  # what summing each sentence's `_vector` adds up
            for term, count in sentence.terms.items():
                self.vector[term] = self.vector.get(term, 0.0) + count * weights.get(term, 0.0)
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


def _candidate(fact: Claim | Figure, index: _SentenceIndex) -> _Candidate | None:
    """The fact as a bullet: the first of its quotes that reads as a sentence of its own,
    or the first whole sentence holding one of its quotes."""
    for evidence in fact.evidence:
        if _is_usable(evidence.quote):
            text = evidence.quote
            break
        sentence = index.holding(evidence.quote, evidence.source_id)
        if sentence is not None and _is_usable(sentence.text):
            text = sentence.text
            break
    else:
        return None
    key = normalize_for_match(text)
    carriers = [e.source_id for e in fact.evidence if normalize_for_match(e.quote) in key]
    return _Candidate(fact, text, list(dict.fromkeys(carriers)), _terms(key))


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
    if not disputes:
        return False
    folded = normalize_for_match(text).casefold()
    return any(
        normalize_for_match(v.value).casefold() in folded for d in disputes for v in d.versions
    )


class _Composer:
    """Picks the bullets one aspect at a time, never one too like a bullet already picked."""

    def __init__(self, story: SummaryInput) -> None:
        self.story = story
        self.reader = StatementReader(Names(story.actors))
        self.chosen: list[_Candidate] = []

    def fresh(self, candidate: _Candidate) -> bool:
        """Whether the candidate says something no chosen bullet says: its statement (a
        claim's text, else its sentence) shares under `REDUNDANT` of its words with a chosen
        one's, and neither statement sits in the other's sentence (`CONTAINED`)."""
        core, whole = self._statements(candidate)
        for other in self.chosen:
            other_core, other_whole = self._statements(other)
            if (
                normalize_for_match(other.text) == normalize_for_match(candidate.text)
                or overlap(core, other_core) >= REDUNDANT
                or contained(core, other_whole) >= CONTAINED
                or contained(other_core, whole) >= CONTAINED
            ):
                return False
        return True

    def _statements(self, candidate: _Candidate) -> tuple[Statement, Statement]:
        whole = self.reader.statement(candidate.text)
        if isinstance(candidate.fact, Claim):
            return self.reader.statement(candidate.fact.text), whole
        return whole, whole

    def take(self, candidate: _Candidate) -> bool:
        """Choose the candidate if it is fresh; say whether it was."""
        if self.fresh(candidate):
            self.chosen.append(candidate)
            return True
        return False

    def bullet(self, candidate: _Candidate) -> Bullet:
        """The chosen candidate as a bullet citing its fact and the figures it states."""
        facts = [candidate.fact.id] if candidate.fact.id else []
        facts += _figures_in(candidate.text, self.story.figures, candidate.source_ids)
        return Bullet(
            text=candidate.text, facts=list(dict.fromkeys(facts)), source_ids=candidate.source_ids
        )


def _by_speaker(candidates: list[_Candidate]) -> dict[str | None, list[_Candidate]]:
    """Candidates per speaker, speakers in the order of their best-ranked claim."""
    ordered = sorted(candidates, key=lambda c: c.fact.rank or math.inf)
    groups: dict[str | None, list[_Candidate]] = {}
    for candidate in ordered:
        if isinstance(candidate.fact, Claim):
            groups.setdefault(candidate.speaker, []).append(candidate)
    return groups


def _jaccard(a: Counter[str], b: Counter[str]) -> float:
    union = set(a) | set(b)
    return len(set(a) & set(b)) / len(union) if union else 1.0


def _central_sentences(
    sentences: list[_Sentence], centroid: _Centroid, weights: dict[str, float]
) -> list[Bullet]:
    """For a story with no fact to build on: its most central sentences, verbatim."""

    def score(sentence: _Sentence) -> float:
        centrality = centroid.cosine(_vector(sentence.terms, weights))
        return centrality * (1 + 0.25 * math.log(len(sentence.source_ids) or 1)) - (
            sentence.position * 1e-6
        )

    chosen: list[_Sentence] = []
    for sentence in sorted(
        filter(lambda s: _is_usable(s.text), sentences), key=score, reverse=True
    ):
        if all(_jaccard(sentence.terms, other.terms) <= MAX_OVERLAP for other in chosen):
            chosen.append(sentence)
        if len(chosen) == MAX_BULLETS:
            break
    return [Bullet(text=s.text, facts=[], source_ids=list(s.source_ids)) for s in chosen]


@dataclass
class Reading:
    """What the summary reads from the passages alone, before any fact: their sentences, the
    terms' weights, the centroid and the sentence index."""

    sentences: list[_Sentence]
    weights: dict[str, float]
    centroid: _Centroid
    index: _SentenceIndex


@cycle_collector_paused()
def read_passages(passages: list[Passage]) -> Reading:
    """The passages read for a summary (see `Reading`); it needs no fact, so it can be done
    while the facts are still being found."""
    sentences = _sentences(passages)
    weights = _weights(sentences)
    return Reading(sentences, weights, _Centroid(sentences, weights), _SentenceIndex(sentences))


@cycle_collector_paused()
def summarize_story(story: SummaryInput, reading: Reading | None = None) -> Summary:
    """A headline and 3–5 bullets: the event, the principal speakers' positions, each
    dispute (see the module docstring). `reading` is `read_passages` of the story's
    passages, when it was read already."""
    reading = reading or read_passages(story.passages)
    weights, centroid = reading.weights, reading.centroid
    facts: list[Claim | Figure] = [*story.claims, *story.figures]
    disputes = story.disputes[:MAX_DISPUTE_BULLETS]
    candidates = [
        c
        for c in (_candidate(fact, reading.index) for fact in facts)
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
        if any(c.speaker == speaker for c in composer.chosen):
            continue
        next((c for c in own if composer.take(c)), None)
    for candidate in sorted(candidates, key=central, reverse=True):
        if len(composer.chosen) + len(disputes) >= MIN_BULLETS:
            break
        composer.take(candidate)
    bullets = [composer.bullet(c) for c in composer.chosen]
    bullets += [_dispute_bullet(d, story.figures) for d in disputes]
    if not bullets:
        bullets = _central_sentences(reading.sentences, centroid, weights)
    title = _headline(story, centroid, weights, bullets[0].text if bullets else None)
    return Summary(title=title, bullets=bullets)
