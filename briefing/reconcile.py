"""Merge the extractions of all packs into one story: one actor per entity, one claim per
statement, and disputes where sources give different values for the same quantity.

Deterministic and engine-neutral: model output and offline output go through the same rules.

- Actors: names are folded (case, diacritics, punctuation, honorifics, initials, "Jr.").
  People merge on the same surname with similar first names ("Sergey"/"Sergei" Lavrov);
  a lone surname or "Mr Kim" joins the one full name it shortens; countries, institutions
  and outlets take the name the word lists give; an acronym joins the name it abbreviates.
- Claims and figures are renamed to the canonical actor, then near-identical claims by
  the same speaker merge their evidence, as do identical figures.
- Disputes: figures are grouped when they count the same thing (same head noun or
  synonym, compatible measure, no conflicting complement or year, shared context words),
  never putting two different values from one source together. A group is a dispute when
  two of its values, given by different sources, disagree.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel
from rapidfuzz import fuzz, process

from briefing.engines.lexicon import lexicon
from briefing.engines.offline_actors import known_actor, pick_role
from briefing.engines.offline_numbers import find_quantities, parse_quantity
from briefing.schema import Actor, Claim, Dispute, DisputeVersion, Evidence, Extraction, Figure
from briefing.text import words

FIRST_NAME_SIMILARITY = 80
SURNAME_SIMILARITY = 90
CLAIM_SIMILARITY = 90
SAME_TEXT_SIMILARITY = 95
MIN_CLAIM_OVERLAP = 0.6
# Another speaker's words count as the same statement only when both are longer than this.
MIN_SHARED_STATEMENT_CHARS = 40
MAX_BLOCK = 16
COMMON_CONTEXT_SHARE = 0.4
EQUAL_WITHIN = 0.005
# Two sources rarely disagree on one quantity by more than this factor; values further
# apart almost always count different things that share a noun.
MAX_DISAGREEMENT = 3.0
_KIND_ORDER = ("person", "organization", "media", "country", "other")
_ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "&", "on", "in", "de"})
_HEAD_STOPS = frozenset(
    {
        "of",
        "on",
        "in",
        "for",
        "to",
        "from",
        "by",
        "with",
        "at",
        "who",
        "that",
        "which",
        "per",
        "and",
    }
)
_COMPLEMENT = re.compile(r"\b(?:of|on|in|for|from)\s+(.+)$", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b|\b(?:this|last|next)\s+year\b", re.IGNORECASE)
_DOTTED_INITIALISM = re.compile(r"(?<!\S)(?:[A-Z]\.){2,}(?!\S)")
_MEASURE_NAMES = {"share": "share", "count": "count", "counter": "count", "money": "amount"}


class Reconciled(BaseModel):
    """The merged story: actors by importance, claims by speaker importance, disputes."""

    actors: list[Actor]
    claims: list[Claim]
    figures: list[Figure]
    disputes: list[Dispute]


@functools.lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Lower case without diacritics, curly quotes, full stops or a leading "the".

    Initialisms lose their full stops first, so "F.B.I." folds like "FBI".
    """
    text = _DOTTED_INITIALISM.sub(lambda m: m.group(0).replace(".", ""), text)
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[.\-_,]", " ", text)
    text = re.sub(r"'s\b", "", text)
    return re.sub(r"^the\s+", "", " ".join(text.split()))


def _name_tokens(name: str) -> list[str]:
    """A person's name words without honorifics, initials and generational suffixes."""
    return list(_name_words(name))


@functools.lru_cache(maxsize=65_536)
def _name_words(name: str) -> tuple[str, ...]:
    lx = lexicon()
    skip = {h.lower() for h in lx.honorifics} | {s.lower() for s in lx.name_suffixes}
    return tuple(t for t in fold(name).split() if t not in skip and len(t) > 1)


# ---------------------------------------------------------------- actors


class _UnionFind:
    """Disjoint sets of actor indices."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(b)] = self.find(a)


def _canonical_known(name: str) -> tuple[str, str] | None:
    return known_actor(name) or known_actor(name.strip())


def _compatible_kinds(a: Actor, b: Actor) -> bool:
    kinds = {a.kind, b.kind}
    return len(kinds) == 1 or "other" in kinds or kinds == {"organization", "media"}


def _same_person(a: list[str], b: list[str]) -> bool:
    """Full names of one person: same surname, first names alike ("Sergey"/"Sergei")."""
    if len(a) < 2 or len(b) < 2:
        return False
    if fuzz.ratio(a[-1], b[-1]) < SURNAME_SIMILARITY:
        return False
    return fuzz.ratio(a[0], b[0]) >= FIRST_NAME_SIMILARITY or a[0][0] == b[0][0] == b[0]


def _acronyms(name: str) -> set[str]:
    """The initials of a name, without and with its small words ("BC" and "BOC" for "Bank
    of China"): organisations abbreviate both ways."""
    parts = [w for w in re.split(r"[\s-]+", name) if w and w[0].isalpha()]
    content = [w for w in parts if w.lower() not in _ACRONYM_SKIP]
    return {"".join(w[0] for w in words).upper() for words in (content, parts)}


def _without_owner(name: str) -> str:
    """ "U.S. Customs and Border Protection" → "customs and border protection"."""
    for length in (3, 2, 1):
        parts = name.split()
        owner = " ".join(parts[:length]).rstrip("'’s")
        if len(parts) > length + 1 and (_canonical_known(owner) or owner in lexicon().demonyms):
            return fold(" ".join(parts[length:]))
    return fold(name)


def _names_of(actor: Actor) -> list[str]:
    return [actor.name, *actor.aliases]


def _merge_groups(actors: list[Actor]) -> list[list[Actor]]:
    groups = _UnionFind(len(actors))
    by_fold: dict[str, int] = {}
    people: list[tuple[int, list[str]]] = []
    for index, actor in enumerate(actors):
        for name in _names_of(actor):
            known = _canonical_known(name)
            keys = [fold(name)] + ([fold(known[1])] if known else [])
            if actor.kind == "organization":
                keys.append(_without_owner(name))
            for key in keys:
                multiword = len(key.split()) > 1 or actor.kind != "person"
                if not multiword:
                    continue
                if key in by_fold and _compatible_kinds(actors[by_fold[key]], actor):
                    groups.union(by_fold[key], index)
                by_fold.setdefault(key, index)
        if actor.kind == "person":
            people.append((index, _name_tokens(actor.name)))
    _merge_people(actors, people, groups)
    _merge_acronyms(actors, groups)
    clusters: dict[int, list[Actor]] = defaultdict(list)
    for index, actor in enumerate(actors):
        clusters[groups.find(index)].append(actor)
    return list(clusters.values())


def _merge_people(
    actors: list[Actor], people: list[tuple[int, list[str]]], groups: _UnionFind
) -> None:
    full = [(i, tokens) for i, tokens in people if len(tokens) >= 2]
    by_name = _by_name(full)
    # The same full name is the same person: compare each spelling once, not each mention.
    for members in by_name.values():
        for j in members[1:]:
            groups.union(members[0], j)
    by_surname: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for name in by_name:
        by_surname[name[-1][:3]].append(name)
    for names in by_surname.values():
        for a, b in _similar_surnames(names):
            if _same_person(list(a), list(b)):
                groups.union(by_name[a][0], by_name[b][0])
    by_word = [_by_word(full, position) for position in (-1, 0)]
    for i, tokens in people:
        if len(tokens) == 1:
            _attach_short_name(i, tokens[0], by_word, groups)
    for i, _ in full:
        for alias in actors[i].aliases:
            alias_tokens = _name_tokens(alias)
            if len(alias_tokens) == 1:
                continue
            for j in by_name.get(tuple(alias_tokens), ()):
                if j != i:
                    groups.union(i, j)


def _similar_surnames(names: list[tuple[str, ...]]) -> list[tuple[tuple[str, ...], ...]]:
    """Pairs of names whose surnames are alike enough for `_same_person`, scored at C speed."""
    surnames = [name[-1] for name in names]
    scores = process.cdist(
        surnames, surnames, scorer=fuzz.ratio, score_cutoff=SURNAME_SIMILARITY, dtype=np.uint8
    )
    return [(names[i], names[j]) for i, j in zip(*np.nonzero(np.triu(scores, 1)), strict=True)]


def _by_name(full: list[tuple[int, list[str]]]) -> dict[tuple[str, ...], list[int]]:
    """Indices of the people with each full name (name words as a tuple), in order."""
    found: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, tokens in full:
        found[tuple(tokens)].append(i)
    return found


def _by_word(full: list[tuple[int, list[str]]], position: int) -> dict[str, list[int]]:
    """Indices of the people whose name has each word at `position` (0 first, -1 last)."""
    found: dict[str, list[int]] = defaultdict(list)
    for i, tokens in full:
        found[tokens[position]].append(i)
    return found


def _attach_short_name(
    index: int, word: str, by_word: list[dict[str, list[int]]], groups: _UnionFind
) -> None:
    """ "Lavrov" or "Mr Kim" joins the full name it shortens, if only one person fits.

    `by_word` indexes full names by their last word, then by their first."""
    for names in by_word:
        roots = {groups.find(i) for i in names.get(word, ())}
        if len(roots) == 1:
            groups.union(roots.pop(), index)
            return
        if roots:
            return


def _merge_acronyms(actors: list[Actor], groups: _UnionFind) -> None:
    expansions: dict[str, set[int]] = defaultdict(set)
    for index, actor in enumerate(actors):
        if actor.kind in {"organization", "media", "other"}:
            for name in _names_of(actor):
                if len(name.split()) >= 2:
                    for acronym in _acronyms(name):
                        expansions[acronym].add(index)
    for index, actor in enumerate(actors):
        for name in _names_of(actor):
            if re.fullmatch(r"[A-Z]{2,6}", name) and len(expansions.get(name, ())) == 1:
                other = next(iter(expansions[name]))
                if _compatible_kinds(actors[other], actor):
                    groups.union(other, index)


def _merged_actor(group: list[Actor]) -> Actor:
    kinds = Counter(actor.kind for actor in group)
    kind = min(kinds, key=lambda k: (-kinds[k], _KIND_ORDER.index(k)))
    known = [_canonical_known(n) for a in group for n in _names_of(a)]
    known_kinds = {k[0] for k in known if k}
    if kind != "person" and len(known_kinds) == 1:
        kind = known_kinds.pop()  # the word lists know what KCNA is
    sources: dict[str, None] = {}
    for actor in group:
        sources.update(dict.fromkeys(actor.sources))
    name = _canonical_name(group, kind)
    aliases: dict[str, str] = {}
    for actor in group:
        for alias in _names_of(actor):
            if fold(alias) != fold(name):
                aliases.setdefault(alias.replace("’", "'").strip(), alias)
    return Actor(
        name=name,
        aliases=sorted(aliases),
        kind=kind,  # type: ignore[arg-type]
        role=pick_role([actor.role for actor in group if actor.role for _ in actor.sources]),
        sources=list(sources),
    )


def _canonical_name(group: list[Actor], kind: str) -> str:
    for actor in group:
        known = _canonical_known(actor.name)
        if known and kind != "person":
            return known[1]
    support: Counter[str] = Counter()
    for actor in group:
        support[actor.name] += len(actor.sources)
    if kind == "person":
        return max(support, key=lambda n: (len(_name_tokens(n)) > 1, support[n], len(n)))
    return max(support, key=lambda n: (support[n], len(n)))


@dataclass
class _Names:
    """Maps every name and alias seen to its canonical actor."""

    by_fold: dict[str, str] = field(default_factory=dict)
    by_word: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, actor: Actor, originals: list[Actor]) -> None:
        """Map the merged actor's names, and those of the actors merged into it, to it."""
        for source in originals:
            for name in _names_of(source):
                self.by_fold.setdefault(fold(name), actor.name)
        for name in _names_of(actor):
            self.by_fold.setdefault(fold(name), actor.name)
            if actor.kind == "person":
                tokens = _name_tokens(name)
                if tokens:
                    self.by_word[tokens[-1]].add(actor.name)

    def canonical(self, name: str | None) -> str | None:
        """The canonical actor a speaker or attribution names, else the name as given."""
        if name is None:
            return None
        found = self.by_fold.get(fold(name))
        if found:
            return found
        known = _canonical_known(name)
        if known and fold(known[1]) in self.by_fold:
            return self.by_fold[fold(known[1])]
        tokens = _name_tokens(name)
        if tokens and len(self.by_word.get(tokens[-1], ())) == 1:
            return next(iter(self.by_word[tokens[-1]]))
        return name


def _resolve_actors(actors: list[Actor]) -> tuple[list[Actor], _Names]:
    names = _Names()
    merged = []
    for group in _merge_groups(actors):
        actor = _merged_actor(group)
        names.add(actor, group)
        merged.append(actor)
    return merged, names


# ---------------------------------------------------------------- claims


def _evidence_union(items: list[list[Evidence]]) -> list[Evidence]:
    seen: dict[tuple[str, str], Evidence] = {}
    for evidence in items:
        for item in evidence:
            seen.setdefault((item.source_id, item.quote), item)
    return list(seen.values())


def _claim_key(text: str) -> str:
    return " ".join(words(text))


def _speaks_for(person: Actor | None, other: str | None, actors: dict[str, Actor]) -> bool:
    """A spokesperson's words are also the organisation's: "NATO spokesperson Oana Lungescu"."""
    if other is None:
        return True
    if person is None or not person.role or other not in actors:
        return False
    role = fold(person.role)
    return any(
        fold(name) in role.split() or fold(name) in role for name in _names_of(actors[other])
    )


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
        found: set[int] = set()
        for length in _length_classes(key, spread=1):
            for word in self._rarest(words_of):
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


def _merge_claims(claims: list[Claim], actors: dict[str, Actor]) -> list[Claim]:
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
        existing.evidence = _evidence_union([existing.evidence, claim.evidence])
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


# ---------------------------------------------------------------- figures


def _figure_key(figure: Figure) -> tuple[str, str, float | None, str | None]:
    return (fold(figure.subject), fold(figure.value), figure.number, figure.unit)


def _merge_figures(figures: list[Figure]) -> list[Figure]:
    merged: dict[tuple[str, str, float | None, str | None], Figure] = {}
    for figure in figures:
        key = _figure_key(figure)
        if key not in merged:
            merged[key] = figure.model_copy(deep=True)
            continue
        existing = merged[key]
        existing.evidence = _evidence_union([existing.evidence, figure.evidence])
        existing.attributed_to = existing.attributed_to or figure.attributed_to
    return list(merged.values())


def _stem(word: str) -> str:
    for ending, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)] + replacement
    return word


def _concept(word: str) -> str:
    synonyms = lexicon().synonyms
    lowered = word.lower()
    return synonyms.get(lowered) or synonyms.get(_stem(lowered)) or _stem(lowered)


def _head(subject: str) -> str:
    """The counted noun: "artillery ammunition" → ammunition, "troops and arms" → soldier,
    "share of Russia's ammunition" → ammunition."""
    head = ""
    tokens = words(subject)
    for position, word in enumerate(tokens):
        if word in _HEAD_STOPS or (position and word.endswith(("ed", "ing"))):
            if word == "of" and head in lexicon().measure_nouns:
                return _head(" ".join(tokens[position + 1 :]))
            break
        if word not in lexicon().common_words and len(word) > 1:
            head = word
    return _concept(head) if head else ""


def _complement(subject: str) -> set[str]:
    match = _COMPLEMENT.search(subject)
    if not match:
        return set()
    common = lexicon().common_words
    return {_stem(w) for w in words(match.group(1)) if w not in common}


@dataclass
class _Quantity:
    """A figure with what comparing it needs: measure, bounds, head noun, context words."""

    figure: Figure
    sources: frozenset[str]
    measure: str
    unit: str | None
    low: float | None
    high: float | None
    kind: str | None
    head: str
    complement: set[str]
    context: set[str]
    years: set[str]
    order: int


def _measure(figure: Figure) -> tuple[str, str | None]:
    units = lexicon().units
    unit = figure.unit
    if unit is None:
        return "count", None
    for candidate in units.values():
        if unit in (candidate.normalized, candidate.written):
            return candidate.measure, candidate.normalized
    return "count", unit


def _bounds(figure: Figure) -> tuple[float | None, float | None]:
    parsed = parse_quantity(figure.value)
    if parsed is not None and parsed.low is not None and parsed.number is None:
        return parsed.low, parsed.high
    if figure.number is not None:
        return figure.number, figure.number
    if parsed is not None:
        return parsed.low, parsed.high
    return None, None


def _quantities(figures: list[Figure]) -> list[_Quantity]:
    common = lexicon().common_words
    quantities = []
    for order, figure in enumerate(figures):
        measure, unit = _measure(figure)
        low, high = _bounds(figure)
        quote = " ".join(e.quote for e in figure.evidence[:1])
        context = {
            _stem(w) for w in words(quote) if w not in common and len(w) > 1 and not w.isdigit()
        }
        qualifier = figure.qualifier.lower() if figure.qualifier else None
        quantities.append(
            _Quantity(
                figure=figure,
                sources=frozenset(e.source_id for e in figure.evidence),
                measure="count" if measure == "counter" else measure,
                unit=unit,
                low=low,
                high=high,
                kind=lexicon().qualifiers.get(qualifier) if qualifier else None,
                head=_head(figure.subject) if measure != "counter" else _concept(unit or ""),
                complement=_complement(figure.subject),
                context=context - {_stem(w) for w in words(figure.subject)},
                years={y.lower() for y in _YEAR.findall(quote)},
                order=order,
            )
        )
    return quantities


def _significant(number: float) -> int:
    digits = f"{abs(number):.6g}".replace(".", "").lstrip("0").rstrip("0")
    return max(1, len(digits))


def _round(number: float, digits: int) -> float:
    if number == 0:
        return 0.0
    return round(number, digits - 1 - math.floor(math.log10(abs(number))))


def same_number(a: float, b: float) -> bool:
    """Equal as written: "282" and "280" agree, "1.5 million" and "1.6 million" do not."""
    if a == b or abs(a - b) <= EQUAL_WITHIN * max(abs(a), abs(b)):
        return True
    precision = min(_significant(a), _significant(b))
    return precision >= 2 and _round(a, precision) == _round(b, precision)


@dataclass
class _Rates:
    """Exchange rates the sources themselves give: "6.4 billion euros ($7.7 billion)"."""

    rates: dict[tuple[str, str], float] = field(default_factory=dict)

    @classmethod
    def from_figures(cls, figures: list[Figure]) -> _Rates:
        """Rates from figures whose value carries a bracketed conversion."""
        found: dict[tuple[str, str], list[float]] = defaultdict(list)
        for figure in figures:
            parts = [q for q in find_quantities(figure.value) if q.measure == "money" and q.number]
            if len(parts) == 2 and parts[0].unit != parts[1].unit:
                a, b = parts
                found[(a.unit, b.unit)].append(b.number / a.number)  # type: ignore[operator]
        rates = {}
        for (a, b), values in found.items():
            rate = sorted(values)[len(values) // 2]
            rates[(a, b)], rates[(b, a)] = rate, 1 / rate
        return cls(rates)

    def convert(self, amount: float, unit: str | None, target: str | None) -> float | None:
        """The amount in the target currency, or None when no rate is known."""
        if unit == target:
            return amount
        rate = self.rates.get((unit or "", target or ""))
        return amount * rate if rate else None


def _conflict(a: _Quantity, b: _Quantity, rates: _Rates) -> str | None:
    """Why two figures about one quantity disagree, or None when they agree."""
    if a.low is None or b.low is None or a.high is None or b.high is None:
        return None
    if a.measure != b.measure:
        first, second = (_MEASURE_NAMES.get(m, m) for m in (a.measure, b.measure))
        return (
            f"measured differently ({first} vs {second}), so the values cannot be set "
            "side by side directly"
        )
    low, high = b.low, b.high
    note_prefix = ""
    if a.measure == "money" and a.unit != b.unit:
        converted_low = rates.convert(b.low, b.unit, a.unit)
        if converted_low is None:
            return f"different currencies: {a.unit} vs {b.unit}"
        low, high = converted_low, rates.convert(b.high, b.unit, a.unit) or converted_low
        note_prefix = f"after converting {b.unit} to {a.unit} at the rate the sources give, "
    elif a.unit != b.unit:
        return None
    a_point, b_point = a.low == a.high, low == high
    if a_point and b_point:
        if same_number(a.low, low):
            if {a.kind, b.kind} == {"min", "max"}:
                return (
                    "same number, qualified differently: "
                    f"{a.figure.qualifier} vs {b.figure.qualifier}"
                )
            return None
        return f"{note_prefix}values differ by {_difference(a.low, low)}%"
    if (a.low <= high and low <= a.high) or same_number(a.low, high) or same_number(low, a.high):
        return None
    return f"{note_prefix}ranges do not overlap"


def _difference(a: float, b: float) -> int:
    return round(abs(a - b) / max(abs(a), abs(b)) * 100)


def _middle(quantity: _Quantity) -> float:
    return ((quantity.low or 0.0) + (quantity.high or quantity.low or 0.0)) / 2


def _far_apart(a: _Quantity, b: _Quantity) -> bool:
    if a.measure != b.measure or a.unit != b.unit:
        return False
    low, high = sorted((abs(_middle(a)), abs(_middle(b))))
    return low == 0 or high / low > MAX_DISAGREEMENT


def _share_and_amount(a: _Quantity, b: _Quantity) -> bool:
    """ "40% of its ammunition" and "12 million rounds" measure one supply two ways; "90
    percent of the stores" and "4,300 stores" do not disagree: a share only compares with
    an amount counted in units."""
    share, other = (a, b) if a.measure == "share" else (b, a)
    return share.measure == "share" and other.measure == "count" and other.unit is not None


def _same_quantity(a: _Quantity, b: _Quantity, frequent: set[str] | None) -> bool:
    """Same counted noun, compatible measure, complement and year; with `frequent` given
    (the two disagree), also closeness in value and a shared informative context word."""
    if not a.head or a.head != b.head:
        return False
    if a.measure != b.measure and not _share_and_amount(a, b):
        return False
    if a.complement and b.complement and not a.complement & b.complement:
        return False
    if a.years and b.years and not a.years & b.years:
        return False
    if frequent is None:
        return True
    if _far_apart(a, b):
        return False
    shared = (a.context & b.context) - frequent
    needed = 2 if a.head in lexicon().generic_nouns else 1
    return len(shared) >= needed


def _frequent_words(quantities: list[_Quantity]) -> set[str]:
    counts: Counter[str] = Counter()
    for quantity in quantities:
        counts.update(quantity.context)
    limit = max(2, COMMON_CONTEXT_SHARE * len(quantities))
    return {word for word, count in counts.items() if count > limit}


def _fits(
    candidate: _Quantity, group: list[_Quantity], frequent: set[str], rates: _Rates
) -> bool | None:
    """None when the candidate cannot join the group; else whether it agrees with it.

    Agreeing figures need only the same noun; a disagreeing one must also share context."""
    agrees = True
    for member in group:
        conflict = _conflict(candidate, member, rates)
        if conflict and candidate.sources & member.sources:
            return None  # one source giving two values is talking about two quantities
        if not _same_quantity(candidate, member, frequent if conflict else None):
            return None
        agrees = agrees and not conflict
    return agrees


def _groups(quantities: list[_Quantity], rates: _Rates) -> list[list[_Quantity]]:
    frequent = _frequent_words(quantities)
    by_head: dict[str, list[_Quantity]] = defaultdict(list)
    for quantity in quantities:
        if quantity.head:
            by_head[quantity.head].append(quantity)
    groups: list[list[_Quantity]] = []
    for bucket in by_head.values():
        bucket_groups: list[list[_Quantity]] = []
        for quantity in sorted(bucket, key=lambda q: (-len(q.sources), q.order)):
            fits = [(_fits(quantity, g, frequent, rates), g) for g in bucket_groups]
            agreeing = [g for fit, g in fits if fit]
            disagreeing = [g for fit, g in fits if fit is False]
            target = (agreeing or disagreeing or [None])[0]
            if target is None:
                bucket_groups.append([quantity])
            else:
                target.append(quantity)
        groups.extend(g for g in bucket_groups if len(g) > 1)
    return groups


def _versions(group: list[_Quantity], rates: _Rates) -> list[list[_Quantity]]:
    versions: list[list[_Quantity]] = []
    for quantity in sorted(group, key=lambda q: q.order):
        same = next(
            (
                v
                for v in versions
                if v[0].kind == quantity.kind
                and v[0].measure == quantity.measure
                and v[0].unit == quantity.unit
                and _conflict(v[0], quantity, rates) is None
                and (v[0].low == v[0].high) == (quantity.low == quantity.high)
            ),
            None,
        )
        if same is None:
            versions.append([quantity])
        else:
            same.append(quantity)
    return versions


def _version(members: list[_Quantity]) -> DisputeVersion:
    sources: dict[str, None] = {}
    for member in members:
        sources.update(dict.fromkeys(e.source_id for e in member.figure.evidence))
    attributions = Counter(m.figure.attributed_to for m in members if m.figure.attributed_to)
    first = members[0].figure
    return DisputeVersion(
        value=first.value,
        number=first.number,
        attributed_to=attributions.most_common(1)[0][0] if attributions else None,
        source_ids=list(sources),
    )


def _dispute(group: list[_Quantity], rates: _Rates) -> Dispute | None:
    versions = _versions(group, rates)
    notes = []
    for position, first in enumerate(versions):
        for second in versions[position + 1 :]:
            first_sources = frozenset().union(*(m.sources for m in first))
            second_sources = frozenset().union(*(m.sources for m in second))
            if first_sources & second_sources:
                continue
            note = _conflict(first[0], second[0], rates)
            if note:
                notes.append(note)
    if not notes:
        return None
    subjects = Counter(m.figure.subject for m in group)
    subject = max(subjects, key=lambda s: (subjects[s], -len(s)))
    return Dispute(subject=subject, versions=[_version(v) for v in versions], note=notes[0])


def _disputes(figures: list[Figure]) -> list[Dispute]:
    rates = _Rates.from_figures(figures)
    quantities = [q for q in _quantities(figures) if q.low is not None]
    disputes = [_dispute(group, rates) for group in _groups(quantities, rates)]
    return [d for d in disputes if d is not None]


# ---------------------------------------------------------------- story


def _is_unnamed(actor: Actor) -> bool:
    """ "officials", "economists", "the company": a group or body the text does not name."""
    return not any(word[:1].isupper() for word in actor.name.split())


def _importance(actors: list[Actor], claims: list[Claim]) -> list[Actor]:
    """Named actors first, each side by sources and claims; unnamed groups after them."""
    spoken = Counter(claim.speaker for claim in claims)
    return sorted(
        actors,
        key=lambda a: (
            _is_unnamed(a),
            -(len(a.sources) + 0.5 * min(spoken[a.name], 6)),
            _KIND_ORDER.index(a.kind),
            a.name,
        ),
    )


def reconcile(extractions: list[Extraction]) -> Reconciled:
    """Merge extractions into one story with canonical actors, merged claims and disputes."""
    actors, names = _resolve_actors([a for e in extractions for a in e.actors])
    claims = [
        claim.model_copy(update={"speaker": names.canonical(claim.speaker)})
        for e in extractions
        for claim in e.claims
    ]
    figures = [
        figure.model_copy(update={"attributed_to": names.canonical(figure.attributed_to)})
        for e in extractions
        for figure in e.figures
    ]
    by_name = {actor.name: actor for actor in actors}
    claims = _merge_claims(claims, by_name)
    actors = _importance(actors, claims)
    rank = {actor.name: position for position, actor in enumerate(actors)}
    claims.sort(key=lambda c: (rank.get(c.speaker or "", len(rank)), -len(c.evidence)))
    figures = _merge_figures(figures)
    return Reconciled(actors=actors, claims=claims, figures=figures, disputes=_disputes(figures))
