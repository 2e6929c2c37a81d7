"""The brief stage, between reconcile and render: merge paraphrases, rank, select the key
section a reader sees first.

- **Paraphrases.** Claims of one speaker are compared as bags of content words, with every
  name the story knows (an actor's name or alias, a country, its capital or demonym) folded
  to one token, and weighted by how rare each token is among the story's claims. Two claims
  are the same statement when their weighted overlap reaches `SAME_STATEMENT` and the
  numbers they state do not contradict each other; each merged claim keeps all its
  evidence. The threshold was tuned on labelled claim pairs from five corpus stories and
  checked on pairs from four others (`benchmarks/brevity.py`).
- **Rank.** Actors by the outlets that name them, how often the articles do, the claims
  they make and the figures they give; unnamed groups, bylines, media that only report,
  and places named in passing rank after everyone else. Claims by the outlets that carry
  them, their speaker's rank and whether they concern a disputed figure, picked in the
  manner of maximal marginal relevance (a claim too like one already picked, or one more
  claim of a speaker already heard, counts less). Figures that a claim or a dispute uses
  come first, the others last.
- **Select.** `key` marks what the key section shows: at most `MAX_KEY_ACTORS` actors,
  `MAX_KEY_CLAIMS` claims and `MAX_KEY_FIGURES` figures, within a word budget that shrinks
  with the input (a briefing is much shorter than its articles). Every dispute is key.

Nothing is dropped: every actor, claim and figure keeps its place in the output, ordered by
`rank` (1 = first), so library users can make their own selection.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from briefing.language.lexicon import lexicon
from briefing.language.numbers import find_quantities
from briefing.memory import cycle_collector_paused
from briefing.reconcile import Reconciled
from briefing.schema import Actor, Claim, Dispute, Evidence, Figure, Source
from briefing.text import Phrases, normalize_for_match, phrase_alternation

SAME_STATEMENT = 0.4
MAX_KEY_ACTORS = 8
MAX_KEY_CLAIMS = 12
MAX_KEY_FIGURES = 5
MAX_WORDS = 900
WORDS_PER_INPUT_WORD = 0.3
# What the key section spends outside claims: the headline, the bullets, actor lines,
# disputes and the source list, in words (an estimate; benchmarks/brevity.py measures).
WORDS_PER_BULLET = 30
WORDS_PER_ACTOR = 9
WORDS_PER_SOURCE = 12
WORDS_PER_VERSION = 10
REDUNDANCY = 0.8  # MMR: how much likeness to a claim already picked counts against one
SPEAKER_REPEAT = 0.12  # how much each claim already picked from the same speaker counts
STEM_LENGTH = 6
COMMON_TOKEN = 64  # a token in more claims than this is too common to find paraphrases by
MMR_DEPTH = 36  # claims picked by MMR (three times the key ones); the rest by relevance
MIN_CLAIM_WORDS = 5
_POINTING_BACK = frozenset({"this", "these", "that", "those", "such", "it", "they"})
NUMBER_WEIGHT = 1.0  # a shared number counts as much as a word found in every claim
SMALL_SIDE = 0.7  # likeness: this share from the smaller side's overlap, the rest from the larger's
_ENTITY = "@"
_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")
_TOKEN = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?|@\d+")
_SUFFIXES = ("ing", "ed", "es", "s", "ly")


@functools.lru_cache(maxsize=65_536)
def _stem(word: str) -> str:
    """A crude stem: possessive and one inflection off, then at most STEM_LENGTH letters, so
    "warned"/"warns", "alliance"/"alliances", "trade"/"trading" meet."""
    word = word.lower().replace("’", "'").removesuffix("'s").strip("'-")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word.removesuffix("e")[:STEM_LENGTH]


class Names:
    """Every name the story knows, each folded to one token per actor or country."""

    def __init__(self, actors: Iterable[Actor]) -> None:
        known: dict[str, int] = {}
        lex = lexicon()
        countries: dict[str, int] = {}
        for names in (lex.country_names, lex.seats, lex.demonyms):
            for name, country in names.items():
                known.setdefault(name, countries.setdefault(country, len(countries)))
        for actor in actors:
            spellings = [actor.name, *actor.aliases]
            token = next(
                (known[s] for s in spellings if s in known), len(countries) + len(known) + 1
            )
            for spelling in spellings:
                if len(spelling) > 1:
                    known.setdefault(spelling, token)
        self._token = known
        self._phrases = Phrases(known)

    def fold(self, text: str) -> str:
        """`text` with each known name replaced by its token (`@12`)."""
        return self._phrases.sub(lambda name: f" {_ENTITY}{self._token[name]} ", text)


@dataclass
class Statement:
    """A claim as compared: its weighted content tokens and the numbers it states."""

    tokens: frozenset[str]
    numbers: frozenset[float]
    weights: dict[str, float] = field(default_factory=dict)

    def weight(self, tokens: Iterable[str]) -> float:
        """Total weight of `tokens`, the same whatever order a set gives them in (a plain
        float sum follows the order, which follows string hashing)."""
        return math.fsum(map(self.weights.get, tokens, itertools.repeat(1.0)))

    @cached_property
    def size(self) -> float:
        """The weight of all its tokens, each number counting `NUMBER_WEIGHT`."""
        return self.weight(self.tokens) + NUMBER_WEIGHT * len(self.numbers)


class StatementReader:
    """Reads claim texts as unweighted `Statement`s: content tokens (names folded, words
    stemmed) and numbers. Enough to tell how much of one statement another repeats."""

    def __init__(self, names: Names) -> None:
        self._names = names
        lex = lexicon()
        self._skip = lex.common_words | {
            v for v, kinds in lex.speech_verbs.items() if "say" in kinds
        }
        self._statements: dict[str, Statement] = {}

    def _tokens(self, text: str) -> frozenset[str]:
        """The content tokens of `text`: its names folded, its other words stemmed."""
        folded = self._names.fold(normalize_for_match(text))
        tokens = set()
        for word in _TOKEN.findall(folded):
            if word.startswith(_ENTITY):
                tokens.add(word)
            elif len(word) > 2 and word.lower() not in self._skip:
                tokens.add(_stem(word))
        return frozenset(tokens)

    def statement(self, text: str) -> Statement:
        """The tokens and numbers of one text, every token weighing 1."""
        if text not in self._statements:
            self._statements[text] = Statement(self._tokens(text), _numbers(text))
        return self._statements[text]


class StatementSpace:
    """Turns claim texts into `Statement`s; token weights come from the story's claims."""

    def __init__(self, names: Names, texts: Sequence[str]) -> None:
        self._reader = StatementReader(names)
        read = [self._reader.statement(text) for text in texts]
        frequency = Counter(token for statement in read for token in statement.tokens)
        total = len(read) + 1
        self._weights = {token: math.log(1 + total / count) for token, count in frequency.items()}
        self._default = math.log(1 + total)
        # Merging and ranking compare the same claim texts.
        self._statements: dict[str, Statement] = {}

    def statement(self, text: str) -> Statement:
        """The comparable form of one claim text."""
        if text not in self._statements:
            read = self._reader.statement(text)
            weights = {token: self._weights.get(token, self._default) for token in read.tokens}
            self._statements[text] = Statement(read.tokens, read.numbers, weights)
        return self._statements[text]


def _numbers(text: str) -> frozenset[float]:
    """The numbers a text states, as values ("two million" and "2 million" alike)."""
    text = normalize_for_match(text)
    found = {q.number for q in find_quantities(text) if q.number is not None}
    found.update(float(d.replace(",", "")) for d in _DIGITS.findall(text))
    return frozenset(found)


def similarity(a: Statement, b: Statement) -> float:
    """How much of the smaller statement the other one says too (weighted overlap
    coefficient, 0..1), averaged with how much of the larger one. Numbers count as tokens;
    when both state numbers and share none, the likeness is halved."""
    shared = a.tokens & b.tokens
    if not shared:
        return 0.0
    common = a.weight(shared) + NUMBER_WEIGHT * len(a.numbers & b.numbers)
    small, large = min(a.size, b.size), max(a.size, b.size)
    value = SMALL_SIDE * common / small + (1 - SMALL_SIDE) * common / large
    if a.numbers and b.numbers and not a.numbers & b.numbers:
        value *= 0.5
    return value


def overlap(a: Statement, b: Statement) -> float:
    """The share of the smaller statement's tokens (names folded, numbers included) that
    the other one has too, every token counting the same: how much one repeats the other,
    whether its words are rare in the story or not."""
    small = min(len(a.tokens) + len(a.numbers), len(b.tokens) + len(b.numbers))
    shared = len(a.tokens & b.tokens) + len(a.numbers & b.numbers)
    return shared / small if small else 0.0


def contained(part: Statement, whole: Statement) -> float:
    """The share of `part`'s tokens (numbers included) that `whole` has too."""
    size = len(part.tokens) + len(part.numbers)
    shared = len(part.tokens & whole.tokens) + len(part.numbers & whole.numbers)
    return shared / size if size else 0.0


def centrality(statements: Sequence[Statement]) -> list[float]:
    """Each statement's cosine to the sum of all (0..1): how much it is about what the whole
    story is about."""
    total: Counter[str] = Counter()
    for statement in statements:
        total.update({token: statement.weights[token] for token in statement.tokens})
    norm = math.sqrt(math.fsum(v * v for v in total.values())) or 1.0
    result = []
    for statement in statements:
        dot = math.fsum(statement.weights[t] * total[t] for t in statement.tokens)
        length = math.sqrt(math.fsum(statement.weights[t] ** 2 for t in statement.tokens)) or 1.0
        result.append(dot / (norm * length))
    return result


def same_statement(a: Statement, b: Statement) -> bool:
    """Whether two statements of one speaker say the same thing."""
    return similarity(a, b) >= SAME_STATEMENT


def _evidence_union(claims: Iterable[Claim]) -> list[Evidence]:
    seen: dict[tuple[str, str], Evidence] = {}
    for claim in claims:
        for evidence in claim.evidence:
            seen.setdefault((evidence.source_id, evidence.quote), evidence)
    return list(seen.values())


def _representative(group: list[Claim]) -> Claim:
    """The claim whose text stands for a merged group: the most widely carried, then the
    one of the most usual length (neither a fragment nor a whole paragraph)."""

    def score(claim: Claim) -> tuple[int, float]:
        count = len(claim.text.split())
        return len({e.source_id for e in claim.evidence}), -abs(math.log((count + 1) / 20))

    return max(group, key=score)


def merge_paraphrases(claims: list[Claim], space: StatementSpace) -> list[Claim]:
    """Claims with paraphrases of one speaker merged into one, keeping all their evidence.

    Each claim joins the group (of its speaker) whose members it is on average most alike,
    if that average reaches the threshold; the most widely carried claims are placed first.
    Only groups that share a token with the claim are compared, and tokens in more than
    `COMMON_TOKEN` claims (or a twentieth of them) are not looked up, so the work stays
    near linear however many claims there are.
    """
    order = sorted(
        range(len(claims)),
        key=lambda i: (-len({e.source_id for e in claims[i].evidence}), i),
    )
    statements = [space.statement(claim.text) for claim in claims]
    frequency = Counter(token for statement in statements for token in statement.tokens)
    common = max(COMMON_TOKEN, len(claims) // 20)
    groups: list[list[int]] = []
    index_of: dict[tuple[str | None, str], list[int]] = {}
    for position in order:
        speaker, statement = claims[position].speaker, statements[position]
        keys = [(speaker, t) for t in sorted(statement.tokens) if frequency[t] <= common]
        candidates = dict.fromkeys(g for key in keys for g in index_of.get(key, []))
        best, best_score = None, SAME_STATEMENT
        for group_index in candidates:
            members = groups[group_index]
            score = sum(similarity(statement, statements[m]) for m in members) / len(members)
            if score >= best_score:
                best, best_score = group_index, score
        if best is None:
            best = len(groups)
            groups.append([position])
        else:
            groups[best].append(position)
        for key in keys:
            if best not in index_of.setdefault(key, []):
                index_of[key].append(best)
    merged = []
    for group in sorted(groups, key=min):
        group_claims = [claims[i] for i in group]
        chosen = _representative(group_claims)
        merged.append(
            chosen.model_copy(update={"evidence": _evidence_union([chosen, *group_claims])})
        )
    return merged


class Outlets:
    """Which outlet each source belongs to; sources with no outlet named count alone."""

    def __init__(self, sources: Sequence[Source]) -> None:
        self._outlet = {s.id: (s.outlet or s.id).casefold() for s in sources}
        self.total = max(1, len(set(self._outlet.values())))

    def count(self, source_ids: Iterable[str]) -> int:
        """How many outlets the sources belong to."""
        return len({self._outlet.get(source_id, source_id) for source_id in source_ids})


def count_mentions(actors: Sequence[Actor], texts: Sequence[str]) -> Counter[str]:
    """How often the texts name each actor (by any of its names), in one pass per text."""
    owner: dict[str, str] = {}
    for actor in actors:
        for name in (actor.name, *actor.aliases):
            owner.setdefault(name, actor.name)
    counts: Counter[str] = Counter()
    phrases = Phrases(owner)
    for text in texts:
        counts.update(owner[name] for name in phrases.findall(text))
    return counts


def _is_unnamed(actor: Actor) -> bool:
    return not any(word[:1].isupper() for word in actor.name.split())


def _is_byline(actor: Actor, sources: Sequence[Source]) -> bool:
    authors = {s.author.casefold() for s in sources if s.author}
    return any(name.casefold() in authors for name in (actor.name, *actor.aliases))


@dataclass
class _ActorFacts:
    claims: Counter[str]
    figures: Counter[str]


def _actor_facts(
    claims: Sequence[Claim], figures: Sequence[Figure], disputes: Sequence[Dispute]
) -> _ActorFacts:
    spoken = Counter(c.speaker for c in claims if c.speaker)
    given = Counter(f.attributed_to for f in figures if f.attributed_to)
    given.update(v.attributed_to for d in disputes for v in d.versions if v.attributed_to)
    return _ActorFacts(spoken, given)


def _in_passing(actor: Actor, facts: _ActorFacts, mentions: int, sources: Sequence[Source]) -> bool:
    """Unnamed groups, bylines, media that only report, places named once or twice: ranked
    after everyone who acts or speaks in the story."""
    if _is_unnamed(actor) or _is_byline(actor, sources):
        return True
    speaks = facts.claims[actor.name] or facts.figures[actor.name]
    if actor.kind == "media" and not speaks:
        return True
    return actor.kind in ("country", "other") and not speaks and mentions <= 2


def rank_actors(
    actors: Sequence[Actor],
    claims: Sequence[Claim],
    figures: Sequence[Figure],
    disputes: Sequence[Dispute],
    sources: Sequence[Source],
    mentions: Counter[str],
) -> list[Actor]:
    """Actors in the order a reader needs them, each with its `rank` (1 = first); the first
    `MAX_KEY_ACTORS` of those not named in passing are `key`. `mentions` says how often the
    texts name each actor (`count_mentions`)."""
    outlets = Outlets(sources)
    facts = _actor_facts(claims, figures, disputes)
    most = max([*mentions.values(), 1])

    def score(actor: Actor) -> tuple[bool, float]:
        value = outlets.count(actor.sources) / outlets.total
        value += math.log1p(mentions[actor.name]) / math.log1p(most)
        value += 0.6 * math.log1p(facts.claims[actor.name]) + 0.8 * min(
            facts.figures[actor.name], 1
        )
        value += 0.5 * (actor.kind == "person") + 0.6 * bool(actor.role)
        return _in_passing(actor, facts, mentions[actor.name], sources), -value

    ordered = sorted(actors, key=score)
    return [
        actor.model_copy(update={"rank": i + 1, "key": i < MAX_KEY_ACTORS and not score(actor)[0]})
        for i, actor in enumerate(ordered)
    ]


def _needs_context(claim: Claim) -> bool:
    """A fragment, or a statement that opens by pointing back ("these actions …"): it reads
    as nothing on its own."""
    opening = claim.text.split()
    return len(opening) < MIN_CLAIM_WORDS or opening[0].lower() in _POINTING_BACK


def _claim_numbers(claim: Claim) -> set[float]:
    text = " ".join(e.quote for e in claim.evidence) or claim.text
    return {q.number for q in find_quantities(normalize_for_match(text)) if q.number is not None}


def _disputed_numbers(disputes: Sequence[Dispute]) -> set[float]:
    return {v.number for d in disputes for v in d.versions if v.number is not None}


def best_quote(claim: Claim) -> Evidence | None:
    """The evidence a claim is shown with: the shortest quote that holds the claim's text,
    else its first."""
    if len(claim.evidence) < 2:
        return claim.evidence[0] if claim.evidence else None
    holding = [e for e in claim.evidence if _holds(e, claim.text)]
    return min(holding, key=lambda e: len(e.quote)) if holding else claim.evidence[0]


def _holds(evidence: Evidence, text: str) -> bool:
    """Whether the quote holds the text (case, quote marks and spacing aside)."""
    return normalize_for_match(text).casefold() in normalize_for_match(evidence.quote).casefold()


def _shown_words(claim: Claim) -> int:
    """Words the key section shows for a claim: its best quote, and before it the claim's
    own text when the quote does not hold it (a quotation that runs over several
    sentences is shown in full before the first of them)."""
    quote = best_quote(claim)
    if quote is None:
        return len(claim.text.split())
    held = _holds(quote, claim.text)
    return len(quote.quote.split()) + (0 if held else len(claim.text.split()))


def _heading_words(claim: Claim, times_heard: int) -> int:
    """Words of the speaker's heading, which the key section shows above a speaker's first
    claim (a description such as "a person close to the mayor" is several)."""
    return len((claim.speaker or "Unattributed").split()) + 1 if times_heard == 1 else 0


def _with_best_quote_first(claim: Claim) -> Claim:
    best = best_quote(claim)
    if best is None:
        return claim
    rest = [e for e in claim.evidence if e is not best]
    return claim.model_copy(update={"evidence": [best, *rest]})


class _Marginal:
    """Maximal marginal relevance of every claim not yet picked: its relevance less
    `REDUNDANCY` times its greatest likeness to a picked claim and `SPEAKER_REPEAT` times
    the claims picked from its speaker. Kept in arrays, as each pick looks at every claim.

    A claim's likeness to the picks is brought up to date only when it comes out best:
    until then the likeness it has is a lower bound, so its value an upper bound (each
    penalty only grows). The claim best on values of which some are bounds, once up to
    date, is best on all true values, first of equals included (an earlier claim's bound,
    below its value, would be below the true one too). So only the few claims that come
    out on top are compared with the picks, not every claim sharing a word with one."""

    def __init__(
        self, relevance: list[float], speakers: list[str | None], statements: list[Statement]
    ) -> None:
        speaker_of = {speaker: number for number, speaker in enumerate(dict.fromkeys(speakers))}
        self._relevance = np.array(relevance, dtype=np.float64)
        self._speaker = np.array([speaker_of[s] for s in speakers], dtype=np.intp)
        self._heard = np.zeros(len(speaker_of), dtype=np.float64)
        self._statements = statements
        self._likeness = np.zeros(len(relevance), dtype=np.float64)
        self._compared = np.zeros(len(relevance), dtype=np.intp)  # picks its likeness holds
        self._picked = np.zeros(len(relevance), dtype=bool)
        self._picks: list[int] = []

    def best(self) -> int:
        """The claim not yet picked with the greatest marginal relevance (the first of equals)."""
        while True:
            penalty = REDUNDANCY * self._likeness + SPEAKER_REPEAT * self._heard[self._speaker]
            value = self._relevance - penalty
            value[self._picked] = -np.inf
            index = int(np.argmax(value))
            if self._compared[index] == len(self._picks):
                return index
            self._compare(index)

    def _compare(self, index: int) -> None:
        """Bring the claim's likeness up to date with the picks made since it last was."""
        statement = self._statements[index]
        for picked in self._picks[self._compared[index] :]:
            likeness = similarity(statement, self._statements[picked])
            self._likeness[index] = max(self._likeness[index], likeness)
        self._compared[index] = len(self._picks)

    def pick(self, index: int) -> int:
        """Mark the claim at `index` picked; its speaker is heard once more. How many
        claims picked so far are its speaker's."""
        self._picked[index] = True
        self._picks.append(index)
        self._heard[self._speaker[index]] += 1
        return int(self._heard[self._speaker[index]])


@dataclass
class RankedClaims:
    """Claims in rank order, and how many of the first ones are key."""

    claims: list[Claim]
    picked: int  # how many of the first claims the word budget lets the key section show


def rank_claims(
    claims: Sequence[Claim],
    actors: Sequence[Actor],
    disputes: Sequence[Dispute],
    sources: Sequence[Source],
    space: StatementSpace,
    word_budget: float,
) -> RankedClaims:
    """Claims picked one by one by relevance less redundancy (MMR), each with its rank."""
    outlets = Outlets(sources)
    standing = {a.name: a for a in actors}
    disputed = _disputed_numbers(disputes)
    statements = [space.statement(c.text) for c in claims]
    central = centrality(statements)
    most_central = max([*central, 1e-9])

    def relevance(index: int) -> float:
        claim = claims[index]
        value = outlets.count(e.source_id for e in claim.evidence) / outlets.total
        value += central[index] / most_central
        speaker = standing.get(claim.speaker or "")
        if speaker is not None and speaker.rank:
            value += 1.0 / math.sqrt(speaker.rank)
        if disputed and disputed & _claim_numbers(claim):
            value += 0.5
        if _needs_context(claim) or claim.speaker is None:
            value *= 0.5
        if speaker is not None and _is_unnamed(speaker):
            value *= 0.5
        return value

    base = [relevance(i) for i in range(len(claims))]
    left = set(range(len(claims)))
    order: list[int] = []
    mmr = _Marginal(base, [claim.speaker for claim in claims], statements)
    words = 0.0
    picked = 0
    while left and len(order) < MMR_DEPTH:
        chosen = mmr.best()
        left.remove(chosen)
        order.append(chosen)
        times_heard = mmr.pick(chosen)
        cost = _shown_words(claims[chosen]) + 4 + _heading_words(claims[chosen], times_heard)
        if picked == len(order) - 1 and picked < MAX_KEY_CLAIMS and words + cost <= word_budget:
            picked += 1
            words += cost
    order += sorted(left, key=lambda i: (-base[i], i))
    ranked = [
        _with_best_quote_first(claims[i]).model_copy(update={"rank": r + 1, "key": False})
        for r, i in enumerate(order)
    ]
    return RankedClaims(ranked, picked)


class _QuotedBy:
    """Which figure values the claims' quotes give, per source, to tell whether a claim
    uses a figure's value. Each source's quotes are read once for every value at each
    position (the longest value there, and the values that are its beginnings), not once
    per figure: a huge article has thousands of both."""

    def __init__(self, claims: Sequence[Claim], figures: Sequence[Figure]) -> None:
        quotes: dict[str, list[str]] = {}
        for claim in claims:
            for evidence in claim.evidence:
                quote = normalize_for_match(evidence.quote).casefold()
                quotes.setdefault(evidence.source_id, []).append(quote)
        values = {_folded_value(figure) for figure in figures}
        self._given = {source_id: _values_in(own, values) for source_id, own in quotes.items()}

    def states(self, figure: Figure) -> bool:
        """Whether a claim's quote, from one of the figure's sources, gives its value."""
        value = _folded_value(figure)
        return any(value in self._given.get(e.source_id, ()) for e in figure.evidence)


def _folded_value(figure: Figure) -> str:
    return normalize_for_match(figure.value).casefold()


def _values_in(quotes: list[str], values: set[str]) -> set[str]:
    """The `values` that some quote holds (values and quotes never span a line)."""
    if not values:
        return set()
    longest = re.compile(f"(?=({phrase_alternation(values)}))")
    text = "\n".join(quotes)
    found = {match.group(1) for match in longest.finditer(text)}
    return values.intersection(word[:end] for word in found for end in range(len(word) + 1))


def in_dispute(figure: Figure, disputes: Sequence[Dispute]) -> bool:
    """Whether one of the disputes shows this figure as a version."""
    sources = {e.source_id for e in figure.evidence}
    return any(
        v.value == figure.value and sources & set(v.source_ids)
        for d in disputes
        for v in d.versions
    )


def rank_figures(
    figures: Sequence[Figure],
    claims: Sequence[Claim],
    disputes: Sequence[Dispute],
    sources: Sequence[Source],
) -> list[Figure]:
    """Figures a dispute or a claim uses first (most outlets first), then the others."""
    outlets = Outlets(sources)
    quoted = _QuotedBy(claims, figures)

    def score(figure: Figure) -> tuple[bool, float]:
        used = in_dispute(figure, disputes) or quoted.states(figure)
        carried = outlets.count(e.source_id for e in figure.evidence)
        return not used, -(carried + 0.5 * bool(figure.attributed_to))

    ordered = sorted(figures, key=score)
    return [f.model_copy(update={"rank": i + 1, "key": False}) for i, f in enumerate(ordered)]


def _distinct(figures: list[Figure]) -> list[Figure]:
    """Figures less those that give a value already given, from the same sources (one
    number read twice, as "tariff on steel" and as "tariff")."""
    seen: list[tuple[str, set[str]]] = []
    kept = []
    for figure in figures:
        value = normalize_for_match(figure.value).casefold()
        sources = {e.source_id for e in figure.evidence}
        if not any(value == v and sources & s for v, s in seen):
            kept.append(figure)
        seen.append((value, sources))
    return kept


def word_budget(input_words: int) -> float:
    """Words the key section may take for input articles of `input_words` words."""
    return min(MAX_WORDS, WORDS_PER_INPUT_WORD * input_words)


def _fixed_words(actors: int, disputes: Sequence[Dispute], sources: int) -> float:
    versions = sum(len(d.versions) for d in disputes)
    bullets = min(5, 3 + len(disputes))
    return (
        20
        + WORDS_PER_BULLET * bullets
        + WORDS_PER_ACTOR * actors
        + WORDS_PER_VERSION * versions
        + WORDS_PER_SOURCE * sources
    )


@cycle_collector_paused()
def brief_story(
    story: Reconciled,
    sources: Sequence[Source],
    texts: Sequence[str],
    mentions: Callable[[], Counter[str]] | None = None,
) -> tuple[Reconciled, int]:
    """The story with paraphrases merged and every item ranked and marked `key` or not;
    also how many claims the paraphrase merge folded into others.

    `texts` are the article texts (to count how often each actor is named); their words
    set the key section's word budget. `mentions` gives those counts when they are
    counted elsewhere meanwhile (`count_mentions` of the story's actors and `texts`).
    """
    names = Names(story.actors)
    space = StatementSpace(names, [c.text for c in story.claims])
    claims = merge_paraphrases(story.claims, space)
    counted = mentions() if mentions else count_mentions(story.actors, texts)
    actors = rank_actors(story.actors, claims, story.figures, story.disputes, sources, counted)
    key_actors = sum(actor.key for actor in actors)
    budget = word_budget(sum(len(text.split()) for text in texts))
    budget -= _fixed_words(key_actors, story.disputes, len(sources))
    ranked = rank_claims(claims, actors, story.disputes, sources, space, budget)
    key_claims = ranked.claims[: ranked.picked]
    figures = rank_figures(story.figures, claims, story.disputes, sources)
    quoted = _QuotedBy(key_claims, figures)
    shown = [f for f in figures if not in_dispute(f, story.disputes) and quoted.states(f)]
    key_figures = {id(f) for f in _distinct(shown)[:MAX_KEY_FIGURES]}
    result = Reconciled(
        actors=actors,
        claims=[c.model_copy(update={"key": c.rank <= ranked.picked}) for c in ranked.claims],
        figures=[f.model_copy(update={"key": id(f) in key_figures}) for f in figures],
        disputes=story.disputes,
    )
    return result, len(story.claims) - len(claims)
