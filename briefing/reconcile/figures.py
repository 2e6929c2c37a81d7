"""Figures and disputes: identical figures merge; figures about the same quantity with
different values become disputes. Figures are grouped when they count the same thing (same
head noun or synonym, or for a price the same rate and a shared subject word; compatible
measure; no conflicting complement, event or year; shared context words that are not names),
never putting two different values from one source together. People and other generic
nouns are one quantity only when the same thing happened to them ("people killed" is not
"people briefed"). An approximate value ("about $3.5bn") agrees with values within half a
unit of its last digit (at most 10% of it) or 1.5% of it, whichever is more; a range ("tens
of thousands") agrees with the values inside it, and a range in words with values up to
twice as far out ("hundreds" is loose). A group is a dispute when two of its values, given
by different sources, disagree; its note says how: other value, other measure or range.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from briefing.language.lexicon import lexicon
from briefing.language.numbers import find_quantities, parse_quantity
from briefing.reconcile.common import evidence_union, fold
from briefing.schema import Dispute, DisputeVersion, Figure
from briefing.text import words

COMMON_CONTEXT_SHARE = 0.4
EQUAL_WITHIN = 0.005
# Two sources rarely disagree on one quantity by more than this factor; values further
# apart almost always count different things that share a noun. Crowds and leaks are
# estimated far apart, so a specific noun allows more than a generic one ("people").
MAX_DISAGREEMENT = 10.0
MAX_GENERIC_DISAGREEMENT = 3.0
# An approximate value agrees with another within this share of it, or within half a unit
# of its last written digit when that is more ("about 12 million" covers 12.1 million), but
# a round number's last digit stretches at most this far ("about 200" is not 150).
APPROXIMATE_SHARE = 0.015
# A range in words ("hundreds": 100 to 999) agrees with values this factor beyond its ends.
VAGUE_MARGIN = 2.0
ROUND_NUMBER_SHARE = 0.1
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
# Context words are the lower-case ones: names ("Trump", "Ortiz") link stories, not quantities.
_LOWER_WORD = re.compile(r"(?<![\w'’])[a-z][a-z'’-]*[a-z]")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b|\b(?:this|last|next)\s+year\b", re.IGNORECASE)
_MEASURE_NAMES = {"share": "a share", "count": "a count", "counter": "a count"}
_MEASURE_NAMES |= {"money": "an amount"}


def _figure_key(figure: Figure) -> tuple[str, str, float | None, str | None]:
    return (fold(figure.subject), fold(figure.value), figure.number, figure.unit)


def merge_figures(figures: list[Figure]) -> list[Figure]:
    """Identical figures (same subject, value, number, unit) merged, their evidence united."""
    merged: dict[tuple[str, str, float | None, str | None], Figure] = {}
    for figure in figures:
        key = _figure_key(figure)
        if key not in merged:
            merged[key] = figure.model_copy(deep=True)
            continue
        existing = merged[key]
        existing.evidence = evidence_union([existing.evidence, figure.evidence])
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
    singular = lowered[:-1] if lowered.endswith("s") else lowered
    return (
        synonyms.get(lowered)
        or synonyms.get(singular)
        or synonyms.get(_stem(lowered))
        or _stem(lowered)
    )


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


def _event(subject: str) -> str:
    """What happened to what a subject counts: "people killed" → "kill", "" when nothing."""
    for word in words(subject)[1:]:
        if word in _HEAD_STOPS:
            break
        if word.endswith("ed"):
            return _stem(word)
    return ""


def _subject_words(subject: str) -> set[str]:
    """The informative words of a subject, stemmed: neither common, generic nor "money"."""
    lx = lexicon()
    skip = lx.common_words | lx.generic_nouns | {"people", "money"}
    return {_stem(w) for w in words(subject) if w not in skip and len(w) > 1}


def _is_generic(head: str) -> bool:
    return head in lexicon().generic_nouns or head in {"people", "money"}


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
    event: str = ""
    subject_words: set[str] = field(default_factory=set)
    vague: bool = False

    @property
    def rate(self) -> bool:
        """A price or other rate: "USD per barrel", "per day"."""
        return self.unit is not None and (self.unit.startswith("per ") or " per " in self.unit)


def _measure(figure: Figure) -> tuple[str, str | None]:
    """The measure and normalised unit; a rate keeps what it is per: "money per barrel"."""
    if figure.unit is None:
        return "count", None
    base, per = figure.unit, ""
    if base.startswith("per "):
        base, per = "", base
    elif " per " in base:
        base, rest = base.split(" per ", 1)
        per = f"per {rest}"
    measure, unit = "count", base or None
    for candidate in lexicon().units.values():
        if base in (candidate.normalized, candidate.written):
            measure, unit = candidate.measure, candidate.normalized
            break
    if not per:
        return measure, unit
    return f"{measure} {per}", f"{unit} {per}" if unit else per


def _bounds(figure: Figure) -> tuple[float | None, float | None]:
    parsed = parse_quantity(figure.value)
    if parsed is not None and parsed.low is not None and parsed.number is None:
        return parsed.low, parsed.high
    if figure.number is not None:
        return figure.number, figure.number
    if parsed is not None:
        return parsed.low, parsed.high
    return None, None


def _is_vague(figure: Figure) -> bool:
    """A range in words: "hundreds", "tens of thousands", "a few hundred"."""
    parsed = parse_quantity(figure.value)
    return parsed is not None and parsed.vague


def _quantities(figures: list[Figure]) -> list[_Quantity]:
    common = lexicon().common_words | lexicon().verbs
    quantities = []
    for order, figure in enumerate(figures):
        measure, unit = _measure(figure)
        low, high = _bounds(figure)
        quote = " ".join(e.quote for e in figure.evidence[:1])
        context = {
            _stem(w.lower())
            for w in _LOWER_WORD.findall(quote)
            if w.lower() not in common and len(w) > 1
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
                event=_event(figure.subject),
                subject_words=_subject_words(figure.subject),
                vague=_is_vague(figure),
            )
        )
    return quantities


def _significant(number: float) -> int:
    """Significant digits as written: 1.375e9 → 4, 1.4e9 → 2, 150 → 2."""
    mantissa = f"{abs(number):.6e}".split("e")[0]
    return max(1, len(mantissa.replace(".", "").rstrip("0")))


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


def _last_digit(number: float) -> float:
    """The value of the last significant digit: 3.5e9 → 1e8, 12e6 → 1e6, 150 → 10."""
    if number == 0:
        return 1.0
    return 10.0 ** (math.floor(math.log10(abs(number))) - _significant(number) + 1)


def _tolerance(quantity: _Quantity, number: float) -> float:
    """How far from `number` an approximate value still agrees with it."""
    if quantity.kind != "approx":
        return 0.0
    written = min(_last_digit(number) / 2, ROUND_NUMBER_SHARE * abs(number))
    return max(written, APPROXIMATE_SHARE * abs(number))


def _agree(a: _Quantity, a_number: float, b: _Quantity, b_number: float) -> bool:
    """Equal as written, or within the tolerance of either value's "about"."""
    if same_number(a_number, b_number):
        return True
    gap = abs(a_number - b_number)
    return gap <= max(_tolerance(a, a_number), _tolerance(b, b_number))


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
                if a.unit and b.unit and a.number and b.number:
                    found[(a.unit, b.unit)].append(b.number / a.number)
        rates = {}
        for (first, second), values in found.items():
            rate = sorted(values)[len(values) // 2]
            rates[(first, second)], rates[(second, first)] = rate, 1 / rate
        return cls(rates)

    def convert(self, amount: float, unit: str | None, target: str | None) -> float | None:
        """The amount in the target currency, or None when no rate is known."""
        if unit == target:
            return amount
        rate = self.rates.get((unit or "", target or ""))
        return amount * rate if rate else None


def _conflict(a: _Quantity, b: _Quantity, rates: _Rates) -> str | None:
    """How two figures about one quantity disagree (other measure, other value, range), or
    None when they agree: rounding, "about", a range that holds the value, the same amount
    in another scale or, at the sources' own rate, another currency."""
    if a.low is None or b.low is None or a.high is None or b.high is None:
        return None
    values = f"{a.figure.value} vs {b.figure.value}"
    if a.measure != b.measure:
        first, second = (_MEASURE_NAMES.get(m, m) for m in (a.measure, b.measure))
        return (
            f"other measure: {first} ({a.figure.value}) vs {second} ({b.figure.value}), "
            "so the values cannot be set side by side directly"
        )
    low, high = b.low, b.high
    converted = ""
    if a.measure == "money" and a.unit != b.unit:
        converted_low = rates.convert(b.low, b.unit, a.unit)
        if converted_low is None:
            return f"other currency: {values}, and no rate between {a.unit} and {b.unit} given"
        low, high = converted_low, rates.convert(b.high, b.unit, a.unit) or converted_low
        converted = f", after converting {b.unit} to {a.unit} at the rate the sources give"
    elif a.unit != b.unit:
        return None
    a_point, b_point = a.low == a.high, low == high
    if a_point and b_point:
        if _agree(a, a.low, b, low):
            if {a.kind, b.kind} == {"min", "max"}:
                return (
                    "same number, qualified differently: "
                    f"{a.figure.qualifier} vs {b.figure.qualifier}"
                )
            return None
        return f"other value: {values} ({_difference(a.low, low)}% apart{converted})"
    a_low, a_high = a.low, a.high
    if a.vague and not b.vague:
        a_low, a_high = a_low / VAGUE_MARGIN, a_high * VAGUE_MARGIN
    elif b.vague and not a.vague:
        low, high = low / VAGUE_MARGIN, high * VAGUE_MARGIN
    if (a_low <= high and low <= a_high) or _agree(a, a.low, b, high) or _agree(a, a.high, b, low):
        return None
    return f"range: {values}, which do not overlap{converted}"


def _difference(a: float, b: float) -> int:
    return round(abs(a - b) / max(abs(a), abs(b)) * 100)


def _far_apart(a: _Quantity, b: _Quantity) -> bool:
    """Too far apart to be one quantity: the gap between the two (ranges or values) is
    more than the disagreement two sources plausibly have."""
    if a.measure != b.measure or a.unit != b.unit:
        return False
    lower, upper = sorted((a, b), key=lambda q: q.low or 0.0)
    top, bottom = abs(upper.low or 0.0), abs(lower.high or lower.low or 0.0)
    if top <= bottom:
        return False
    limit = MAX_GENERIC_DISAGREEMENT if _is_generic(a.head) else MAX_DISAGREEMENT
    return bottom == 0 or top / bottom > limit


def _share_and_amount(a: _Quantity, b: _Quantity) -> bool:
    """ "40% of its ammunition" and "12 million rounds" measure one supply two ways; "90
    percent of the stores" and "4,300 stores" do not disagree: a share only compares with
    an amount counted in units."""
    share, other = (a, b) if a.measure == "share" else (b, a)
    return share.measure == "share" and other.measure == "count" and other.unit is not None


def _same_thing(a: _Quantity, b: _Quantity) -> bool:
    """Same counted noun; for two prices per one unit, a shared word of their subjects
    ("Arabica coffee futures" and "price of arabica coffee")."""
    if a.rate and a.unit == b.unit and a.subject_words & b.subject_words:
        return True
    return bool(a.head) and a.head == b.head


def _same_quantity(a: _Quantity, b: _Quantity) -> bool:
    """Same counted noun, compatible measure, complement, event and year."""
    if not _same_thing(a, b):
        return False
    if a.measure != b.measure and not _share_and_amount(a, b):
        return False
    if a.complement and b.complement and not a.complement & b.complement:
        return False
    if _is_generic(a.head) and a.event != b.event:
        return False
    return not (a.years and b.years and not a.years & b.years)


def _shares_context(a: _Quantity, b: _Quantity, frequent: set[str]) -> bool:
    """Two disagreeing figures about one quantity share an informative context word (names
    do not count, not even a shared speaker: they are context of everything in a story);
    two for a generic noun ("people", "money") unless what happened to it or its complement
    already matches."""
    shared = ((a.context & b.context) | (a.complement & b.complement)) - frequent
    needed = 2 if _is_generic(a.head) and not a.event else 1
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

    Agreeing figures need only the same noun; a disagreeing one must not be far from any
    member it disagrees with, and must share context with at least one of them."""
    conflicting = []
    for member in group:
        conflict = _conflict(candidate, member, rates)
        if conflict and candidate.sources & member.sources:
            return None  # one source giving two values is talking about two quantities
        if not _same_quantity(candidate, member) or (conflict and _far_apart(candidate, member)):
            return None
        if conflict:
            conflicting.append(member)
    if not conflicting:
        return True
    if any(_shares_context(candidate, member, frequent) for member in conflicting):
        return False
    return None


def _groups(quantities: list[_Quantity], rates: _Rates) -> list[list[_Quantity]]:
    frequent = _frequent_words(quantities)
    by_head: dict[str, list[_Quantity]] = defaultdict(list)
    for quantity in quantities:
        if quantity.rate:
            by_head[quantity.unit or ""].append(quantity)
        elif quantity.head:
            by_head[quantity.head].append(quantity)
    groups: list[list[_Quantity]] = []
    for bucket in by_head.values():
        bucket_groups: list[list[_Quantity]] = []
        for quantity in sorted(bucket, key=lambda q: (-len(q.sources), q.order)):
            fits = [(_fits(quantity, g, frequent, rates), g) for g in bucket_groups]
            agreeing = [g for fit, g in fits if fit]
            disagreeing = [g for fit, g in fits if fit is False]
            target = next(iter(agreeing or disagreeing), None)
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
                and _same_value(v[0], quantity)
            ),
            None,
        )
        if same is None:
            versions.append([quantity])
        else:
            same.append(quantity)
    return versions


def _same_value(a: _Quantity, b: _Quantity) -> bool:
    """One version: the same value or the same range, up to rounding and "about"."""
    if None in (a.low, a.high, b.low, b.high) or (a.low == a.high) != (b.low == b.high):
        return False
    return _agree(a, a.low, b, b.low) and _agree(a, a.high, b, b.high)  # type: ignore[arg-type]


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


def find_disputes(figures: list[Figure]) -> list[Dispute]:
    """The disputes among the figures: groups about one quantity whose values disagree."""
    rates = _Rates.from_figures(figures)
    quantities = [q for q in _quantities(figures) if q.low is not None]
    disputes = [_dispute(group, rates) for group in _groups(quantities, rates)]
    return [d for d in disputes if d is not None]
