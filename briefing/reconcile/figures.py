"""Figures and disputes: identical figures merge; figures about the same quantity with
different values become disputes. Figures are grouped when they count the same thing (same
head noun or synonym, compatible measure, no conflicting complement or year, shared context words),
never putting two different values from one source together. A group is a dispute when
two of its values, given by different sources, disagree.
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
# apart almost always count different things that share a noun.
MAX_DISAGREEMENT = 3.0
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
_MEASURE_NAMES = {"share": "share", "count": "count", "counter": "count", "money": "amount"}


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


def find_disputes(figures: list[Figure]) -> list[Dispute]:
    """The disputes among the figures: groups about one quantity whose values disagree."""
    rates = _Rates.from_figures(figures)
    quantities = [q for q in _quantities(figures) if q.low is not None]
    disputes = [_dispute(group, rates) for group in _groups(quantities, rates)]
    return [d for d in disputes if d is not None]
