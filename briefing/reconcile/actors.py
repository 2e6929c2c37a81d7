"""Actors: one per entity, under its canonical name.

Names are folded (case, diacritics, punctuation, honorifics, initials, "Jr.").
People merge on the same surname with similar first names ("Sergey"/"Sergei" Lavrov);
a lone surname or "Mr Kim" joins the one full name it shortens; countries, institutions
and outlets take the name the word lists give; an acronym joins the name it abbreviates.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from briefing.language.gender import first_name_gender
from briefing.language.lexicon import lexicon
from briefing.language.names import known_actor, pick_role
from briefing.reconcile.common import fold, name_tokens
from briefing.schema import Actor, Claim

FIRST_NAME_SIMILARITY = 80
SURNAME_SIMILARITY = 90
_KIND_ORDER = ("person", "organization", "media", "country", "other")
_ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "&", "on", "in", "de"})


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
    if fuzz.ratio(a[0], b[0]) >= FIRST_NAME_SIMILARITY or a[0][0] == b[0][0] == b[0]:
        return True
    return a[-1] == b[-1] and _short_first_name(a[0], b[0])


def _short_first_name(a: str, b: str) -> bool:
    """ "Rudy" and "Rudolph", "Dan" and "Daniel": one first name starts like the other and
    the name list gives both the same gender ("Dan" is not "Danielle"; "Chris", of no known
    gender, joins nobody this way)."""
    if len(a) < 3 or len(b) < 3 or a[:3] != b[:3]:
        return False
    first, second = first_name_gender(a.title()), first_name_gender(b.title())
    return first is not None and first == second


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


_LEGAL_SUFFIXES = frozenset(
    {"inc", "incorporated", "ltd", "limited", "corp", "corporation", "co", "llc", "plc", "lp",
     "sa", "ag", "nv", "gmbh", "spa"}
)  # fmt: skip
_INNER_ACRONYM = re.compile(r"(?:[A-Z]\.){2,}|[A-Z]{2,5}")
_DEPARTMENT_OF = re.compile(
    r"^(?P<head>department|ministry|office|bureau) (?:of|for) (?P<rest>.+)$"
)


def _body_forms(name: str) -> list[str]:
    """Other ways to write an organisation's name that fold to one key: without its legal
    suffix ("Wal-Mart Stores Inc." = "Wal-Mart Stores"), and "Department of Justice" as
    "Justice Department" (also owned: "U.S. Department of Justice")."""
    forms = []
    words = fold(name).split()
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words = words[:-1]
    forms.append(" ".join(words))
    for folded in (" ".join(words), _without_owner(name)):
        match = _DEPARTMENT_OF.match(re.sub(r"^the ", "", folded.replace(" the ", " ")))
        if match:
            forms.append(f"{match.group('rest')} {match.group('head')}")
    forms.extend(_spelled_out(name))
    forms.append(" ".join(_place_form(word) for word in words))
    return [form for form in forms if form != fold(name)]


def _place_form(word: str) -> str:
    """ "european" → "europe", "russian" → "russia": the place an adjective in "-an" is made
    from, so "Europe Union" (a slip the text makes) folds like "European Union"."""
    if word.endswith("an") and len(word) > 5:
        if word[-3] == "e":
            return word[:-2]
        if word[-3] in "ai":
            return word[:-1]
    return word


def _spelled_out(name: str) -> list[str]:
    """ "EU Commission" as "European Union Commission" and "European Commission": an acronym
    inside a longer name spelled out, whole or by its first word, the way an adjective stands
    for it ("EU" for "European", "UN" for "United Nations")."""
    parts = name.split()
    if len(parts) < 2:
        return []
    forms = []
    for index, part in enumerate(parts):
        known = _canonical_known(part) if _INNER_ACRONYM.fullmatch(part) else None
        if known is None or len(known[1].split()) < 2:
            continue
        for expansion in (known[1], known[1].split()[0]):
            forms.append(fold(" ".join([*parts[:index], expansion, *parts[index + 1 :]])))
    return forms


def names_of(actor: Actor) -> list[str]:
    """The actor's name followed by its aliases."""
    return [actor.name, *actor.aliases]


def _merge_groups(actors: list[Actor]) -> list[list[Actor]]:
    groups = _UnionFind(len(actors))
    by_fold: dict[str, int] = {}
    people: list[tuple[int, list[str]]] = []
    for index, actor in enumerate(actors):
        for name in names_of(actor):
            known = _canonical_known(name)
            keys = [fold(name)] + ([fold(known[1])] if known else [])
            if actor.kind == "organization":
                keys.append(_without_owner(name))
            if actor.kind != "person":
                keys.extend(_body_forms(name))
            for key in keys:
                multiword = len(key.split()) > 1 or actor.kind != "person"
                if not multiword:
                    continue
                if key in by_fold and _compatible_kinds(actors[by_fold[key]], actor):
                    groups.union(by_fold[key], index)
                by_fold.setdefault(key, index)
        if actor.kind == "person":
            people.append((index, name_tokens(actor.name)))
    _merge_people(actors, people, groups)
    _merge_acronyms(actors, groups)
    _merge_short_forms(actors, groups)
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
            alias_tokens = name_tokens(alias)
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
            for name in names_of(actor):
                if len(name.split()) >= 2:
                    for acronym in _acronyms(name):
                        expansions[acronym].add(index)
    for index, actor in enumerate(actors):
        for name in names_of(actor):
            if re.fullmatch(r"[A-Z]{2,6}", name) and len(expansions.get(name, ())) == 1:
                other = next(iter(expansions[name]))
                if _compatible_kinds(actors[other], actor):
                    groups.union(other, index)


def _merge_short_forms(actors: list[Actor], groups: _UnionFind) -> None:
    """ "The Times" joins "The New York Times", "Football Federation" the "Royal Spanish
    Football Federation", "Wal-Mart" "Wal-Mart Stores Inc.": a body's name that ends another
    body's longer name of the same kind, or starts a company's, when only one such longer
    name is in the story (never "Post" with two Posts). An organisation's short form needs
    two words unless it starts a company name; "Commission" alone says too little."""
    bodies = [(i, a, fold(a.name).split()) for i, a in enumerate(actors) if a.kind != "person"]
    longer = _LongerNames(bodies)
    for index, actor in enumerate(actors):
        words = fold(actor.name).split()
        if actor.kind == "person" and len(actor.name.split()) == 1 and not actor.role:
            starts = {groups.find(j) for j in longer.companies_starting(words)}
            if len(starts) == 1:
                groups.union(starts.pop(), index)  # "Wal-Mart" said: the company speaks
    for index, actor, words in bodies:
        if actor.kind == "organization" and len(words) < 2 and not longer.companies_starting(words):
            continue
        roots = {groups.find(j) for j in longer.of_kind(actor.kind, words)}
        if len(roots) == 1:
            groups.union(roots.pop(), index)


class _LongerNames:
    """The bodies whose name is longer than a given run of words and ends with it (any
    body) or starts with it (a company): an index of every name's proper starts and ends,
    so that finding them costs the length of a name, not the number of bodies."""

    def __init__(self, bodies: list[tuple[int, Actor, list[str]]]) -> None:
        self._ending: dict[tuple[str, tuple[str, ...]], list[int]] = defaultdict(list)
        self._company_start: dict[tuple[str, ...], list[tuple[int, str]]] = defaultdict(list)
        for index, actor, words in bodies:
            for size in range(1, len(words)):
                self._ending[(actor.kind, tuple(words[-size:]))].append(index)
            if words and _names_a_company(words):
                for size in range(len(words)):
                    self._company_start[tuple(words[:size])].append((index, actor.kind))

    def companies_starting(self, words: list[str]) -> list[int]:
        """The companies whose longer name starts with `words`."""
        return [index for index, _ in self._company_start.get(tuple(words), ())]

    def of_kind(self, kind: str, words: list[str]) -> list[int]:
        """The bodies of `kind` whose longer name ends with `words`, or starts with them
        and names a company."""
        starting = [i for i, other in self._company_start.get(tuple(words), ()) if other == kind]
        return self._ending.get((kind, tuple(words)), []) + starting


def _names_a_company(words: list[str]) -> bool:
    """ "wal mart stores inc", "goldman sachs group": a company name, whose first word is
    what the text calls it for short ("Wal-Mart", "Goldman")."""
    return words[-1] in _LEGAL_SUFFIXES or words[-1] in {"group", "holdings", "stores"}


def _merged_actor(group: list[Actor]) -> Actor:
    kinds = Counter(actor.kind for actor in group)
    kind: str = min(kinds, key=lambda k: (-kinds[k], _KIND_ORDER.index(k)))
    if (
        kind == "person"
        and all(len(a.name.split()) == 1 for a in group if a.kind == "person")
        and any(a.kind == "organization" for a in group)
    ):
        kind = "organization"  # "Wal-Mart" the text let speak, and "Wal-Mart Stores Inc."
    known = [_canonical_known(n) for a in group for n in names_of(a)]
    known_kinds = {k[0] for k in known if k}
    if kind != "person" and len(known_kinds) == 1:
        kind = known_kinds.pop()  # the word lists know what KCNA is
    sources: dict[str, None] = {}
    for actor in group:
        sources.update(dict.fromkeys(actor.sources))
    name = _canonical_name(group, kind)
    aliases: dict[str, str] = {}
    for actor in group:
        for alias in names_of(actor):
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
        return max(support, key=lambda n: (len(name_tokens(n)) > 1, support[n], len(n)))
    return max(support, key=lambda n: (support[n], len(n)))


@dataclass
class Names:
    """Maps every name and alias seen to its canonical actor."""

    by_fold: dict[str, str] = field(default_factory=dict)
    by_word: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, actor: Actor, originals: list[Actor]) -> None:
        """Map the merged actor's names, and those of the actors merged into it, to it."""
        for source in originals:
            for name in names_of(source):
                self.by_fold.setdefault(fold(name), actor.name)
        for name in names_of(actor):
            self.by_fold.setdefault(fold(name), actor.name)
            if actor.kind == "person":
                tokens = name_tokens(name)
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
        tokens = name_tokens(name)
        if tokens and len(self.by_word.get(tokens[-1], ())) == 1:
            return next(iter(self.by_word[tokens[-1]]))
        return name


def resolve_actors(actors: list[Actor]) -> tuple[list[Actor], Names]:
    """One actor per entity, and the map from every name seen to its canonical actor."""
    names = Names()
    merged = []
    for group in _merge_groups(actors):
        actor = _merged_actor(group)
        names.add(actor, group)
        merged.append(actor)
    return merged, names


def _is_unnamed(actor: Actor) -> bool:
    """ "officials", "economists", "the company": a group or body the text does not name."""
    return not any(word[:1].isupper() for word in actor.name.split())


def by_importance(actors: list[Actor], claims: list[Claim]) -> list[Actor]:
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
