"""Find the quantities a sentence states: numbers with their qualifier, scale, unit and range.

"up to 40%", "about 12 million rounds", "€2.5 billion ($2.6 billion)", "four dozen",
"between 150 and 200", "$2.40 a pound", "2 million tonnes per year" and "tens of thousands"
(a range: 10,000 to just under 100,000) are quantities; dates, years, times, ages, scores, ordinals,
phone numbers and digits glued to words ("COVID-19", "G7") are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefing.language.lexicon import Unit, lexicon
from briefing.text import phrase_alternation

_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ONES = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS: tuple[str, ...] = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen")
_TEENS += ("seventeen", "eighteen", "nineteen")
_CURRENCY_SYMBOLS = ("US$", "$", "€", "£", "¥")
_SHORT_SCALES = {"m": 1_000_000, "bn": 1_000_000_000, "k": 1_000}
_VAGUE = {
    "dozens": 12,
    "scores": 20,
    "hundreds": 100,
    "thousands": 1000,
    "millions": 10**6,
    "billions": 10**9,
}
_VAGUE_MULTIPLIERS = {"tens": 10, "dozens": 12, "scores": 20, "hundreds": 100}
_FEW = ("several", "a few", "a couple of")
_BELOW_NEXT_ORDER = 0.999  # "hundreds" stops short of a thousand
_FEW_SCALES = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
# "per barrel", "a day", "/tonne": the thing a rate is counted per. After "a"/"an" only a unit
# or one of these nouns is a rate ("$5 a share"), not any noun ("$3bn a fund").
_RATE_NOUNS = frozenset({"head", "share", "person", "piece", "capita", "unit", "household"})
_RATE = re.compile(r"\s?(?:(?P<link>per|a|an)\s+|/)(?P<per>[A-Za-z][a-z-]*)\b")
_TIME_RELATIVE = re.compile(r"\s*(?:ago|later|earlier|before|after|old|since|from now)\b")
_TIME_WINDOW = re.compile(r"\b(?:past|last|next|previous|coming|first|final|recent|within)\s*$")
_NUMBER_SPLIT = re.compile(r"\s|-")
# What tells a number that is no quantity, matched right after it or at the end of the text
# before it. The text before is read only this far back: every pattern needs a word or two.
_LOOK_BEHIND_CHARS = 64
_YEAR = re.compile(r"1[89]\d\d|20\d\d")
_SCORE_OR_CODE = re.compile(r"[-–]\d+(?![\d%.,]|\s?(?:per|percent))")
_CLOCK_AFTER = re.compile(r":\d|\s*(?:a\.m\.|p\.m\.|am\b|pm\b|GMT|EST|local time)")
_NUMBERED_BEFORE = re.compile(r"\d\s*(?:-|–)$|\d:$|\b(?:No|no|Nos|#)\.?\s*$")
_DURATION_AFTER = re.compile(r"-(?:year|month|week|day|hour|minute)s?(?:-old)?\b", re.IGNORECASE)
_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)\b")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?\s*$")
_WORD_AFTER = re.compile(r"\s*([A-Za-z]+)")
_NAME_COMMA_BEFORE = re.compile(r"[A-Z][\w.]*,\s*$")
_COMMA_OR_AND_AFTER = re.compile(r"\s*(?:,|and\b)")
_AGED_BEFORE = re.compile(r"\baged?\s*$", re.IGNORECASE)


def _folded(text: str) -> str:
    """`text` in lower case, as the case-insensitive patterns read it: the letters outside
    ASCII that their case folding matches to an ASCII letter ("ſix" is "six", "bıllıon" is
    "billion") written as that letter (the fourth, the Kelvin sign, lower-cases to "k")."""
    if text.isascii():
        return text.lower()
    return text.replace("İ", "i").replace("ı", "i").replace("ſ", "s").lower()


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


def _compile() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    lx = lexicon()
    word_number = (
        rf"(?:(?:{'|'.join(_TENS)})(?:[\s-](?:{'|'.join(_ONES)}))?"
        rf"|{'|'.join(_TEENS)}|{'|'.join(_ONES)}|a(?=\s+(?:dozen|hundred|thousand|million|billion)\b))"
    )
    scales = _alternation(list(lx.scales))
    after_units = _alternation([u for u in lx.units if u not in _CURRENCY_SYMBOLS])
    atom = re.compile(
        rf"(?<![\w/@#.,$€£¥])(?<!\w-)"
        rf"(?P<cur>{_alternation(list(_CURRENCY_SYMBOLS))})?\s?"
        rf"(?:(?P<digits>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)|(?P<words>\b{word_number}\b))"
        rf"(?:(?:\s|-)?(?P<scale>{scales})\b|(?P<short>m|bn|k)\b)?"
        rf"(?:\s?(?P<unit>{after_units})(?![\w]))?"
        rf"(?![\w])",
        re.IGNORECASE,
    )
    qualifier = re.compile(rf"\b(?P<q>{_alternation(list(lx.qualifiers))})\s+$", re.IGNORECASE)
    vague = re.compile(
        rf"\b(?P<vague>(?:(?P<times>{'|'.join(_VAGUE_MULTIPLIERS)})\s+of\s+)?"
        rf"(?P<base>{'|'.join(_VAGUE)}))(?:\s+of\b(?!\s+(?:{'|'.join(_VAGUE)})\b)|\s*$)"
        rf"|\b(?P<few>{'|'.join(_FEW)})\s+(?P<scale>{'|'.join(_FEW_SCALES)})\b",
        re.IGNORECASE,
    )
    return atom, qualifier, vague


_ATOM, _QUALIFIER, _VAGUE_PATTERN = _compile()
# Words every number, and every vague amount, is written with; looked for in lower-cased
# text before the patterns above, which cost several times more to run.
_SCALE_WORDS = ("dozen", "hundred", "thousand", "million", "billion")
_DIGIT = re.compile(r"\d")
_NUMBER_WORD_HINT = re.compile(
    rf"\b(?:{phrase_alternation(_TENS + _ONES + _TEENS + _SCALE_WORDS)})"
)
_VAGUE_HINT = re.compile(rf"score|{'|'.join(_SCALE_WORDS)}")
_MONTHS = frozenset(m.lower() for m in lexicon().calendar)
_RANGE_JOINER = re.compile(r"^\s*(?:-|–|to|and)\s*$", re.IGNORECASE)
_RANGE_OPENER = re.compile(r"\b(?:between|from)\s+$", re.IGNORECASE)


@dataclass
class Quantity:
    """A number as a sentence states it, with character offsets into that sentence."""

    start: int
    end: int
    value: str
    number: float | None
    low: float | None
    high: float | None
    unit: str | None
    measure: str
    qualifier: str | None
    spelled: bool
    scale: int = 1
    per: str | None = None
    vague: bool = False


def word_number_value(text: str) -> int | None:
    """The value of a spelled-out number such as "four", "twenty-five" or "a"."""
    words = lexicon().number_words
    if text.lower() == "a":
        return 1
    total = 0
    for part in _NUMBER_SPLIT.split(_folded(text)):
        if part not in words:
            return None
        total += words[part]
    return total


def _unit_of(match: re.Match[str]) -> Unit | None:
    units = lexicon().units
    if match.group("cur"):
        return units[match.group("cur")]
    written = match.group("unit")
    if not written:
        return None
    return units.get(written) or units.get(_folded(written))


def _scale_of(match: re.Match[str]) -> int:
    if match.group("scale"):
        return lexicon().scales[_folded(match.group("scale"))]
    if match.group("short"):
        return _SHORT_SCALES[_folded(match.group("short"))]
    return 1


def _number_of(match: re.Match[str]) -> float | None:
    if match.group("digits"):
        return float(match.group("digits").replace(",", ""))
    return word_number_value(match.group("words"))


def _is_noise(sentence: str, match: re.Match[str], unit: Unit | None) -> bool:
    """Dates, years, times, ages, scores, ordinals, codes: numbers that are not quantities."""
    start, end = match.span()
    low = max(0, start - _LOOK_BEHIND_CHARS)
    digits = match.group("digits")
    bare = not (match.group("cur") or match.group("scale") or match.group("short") or unit)
    if match.group("short") and not match.group("cur"):
        return True
    if digits and bare and _YEAR.fullmatch(digits):
        return True  # a year
    if bare and _SCORE_OR_CODE.match(sentence, end):
        return True  # a score or a code: "3-0", "416-383-2300"
    if _CLOCK_AFTER.match(sentence, end):
        return True  # clock time
    if _NUMBERED_BEFORE.search(sentence, low, start):
        return True
    if _DURATION_AFTER.match(sentence, end) or _ORDINAL_AFTER.match(sentence, end):
        return True  # "61-year-old", "three-day visit", "21st"
    word_before = _WORD_BEFORE.search(sentence, low, start)
    if word_before and word_before.group(1).lower() in _MONTHS and bare:
        return True  # "July 12", "Dec. 15"
    word_after = _WORD_AFTER.match(sentence, end)
    if word_after and word_after.group(1).lower() in _MONTHS and bare:
        return True  # "12 December"
    if (
        bare
        and _NAME_COMMA_BEFORE.search(sentence, low, start)
        and _COMMA_OR_AND_AFTER.match(sentence, end)
    ):
        return True  # an age in apposition: "Mario Quintanillo, 30,"
    if _AGED_BEFORE.search(sentence, low, start):
        return True
    if unit is not None and unit.measure == "time":
        return bool(
            _TIME_RELATIVE.match(sentence, end) or _TIME_WINDOW.search(sentence, low, start)
        )
    return False


def _is_weak_word_number(match: re.Match[str], unit: Unit | None) -> bool:
    """ "one" on its own, and "a" without a scale, are words rather than figures."""
    words = match.group("words")
    if not words or match.group("scale") or unit is not None:
        return False
    return words.lower() in {"one", "a"}


def _rate(sentence: str, end: int, unit: Unit | None) -> re.Match[str] | None:
    """ "per barrel", "a day", "/tonne" right after a quantity: what it is counted per."""
    match = _RATE.match(sentence, end)
    if match is None:
        return None
    word = match.group("per").lower()
    units = lexicon().units
    if word in {"cent", "centum"} or (unit is not None and unit.measure == "time"):
        return None
    if match.group("link") in {"a", "an"} and word not in units and word not in _RATE_NOUNS:
        return None
    if _TIME_RELATIVE.match(sentence, match.end()):
        return None  # "a day after the vote" dates, it does not divide
    return match


def _atoms(sentence: str) -> list[Quantity]:
    quantities = []
    for match in _ATOM.finditer(sentence):
        unit = _unit_of(match)
        if _is_weak_word_number(match, unit) or _is_noise(sentence, match, unit):
            continue
        number = _number_of(match)
        if number is None:
            continue
        scale = _scale_of(match)
        number *= scale
        quantity = Quantity(
            start=match.start(),
            end=match.end(),
            value=match.group(0),
            number=number,
            low=number,
            high=number,
            unit=unit.normalized if unit else None,
            measure=unit.measure if unit else "count",
            qualifier=None,
            spelled=bool(match.group("words")),
            scale=scale,
        )
        quantities.append(_with_rate(sentence, quantity, _rate(sentence, match.end(), unit)))
    return quantities


def _with_rate(sentence: str, quantity: Quantity, rate: re.Match[str] | None) -> Quantity:
    """ "$2.40 a pound": the value runs on to the rate, and the unit says what it is per."""
    if rate is None:
        return quantity
    quantity.per = rate.group("per").lower()
    quantity.end = rate.end()
    quantity.value = sentence[quantity.start : quantity.end]
    quantity.unit = f"{quantity.unit or ''} per {quantity.per}".lstrip()
    return quantity


def _merge_range(sentence: str, first: Quantity, second: Quantity) -> Quantity | None:
    """ "between 150 and 200", "from 500,000 to 1.6 million", "10%-20%", "four to five"."""
    joiner = sentence[first.end : second.start]
    if not _RANGE_JOINER.match(joiner) or first.number is None or second.number is None:
        return None
    opener = _RANGE_OPENER.search(sentence, max(0, first.start - _LOOK_BEHIND_CHARS), first.start)
    if joiner.strip().lower() == "and" and not opener:
        return None
    if first.unit and first.unit != second.unit:
        return None  # "rose 12% to 3.1 million bags" is a change and a level, not a range
    low, high = first.number, second.number
    if first.scale == 1 and second.scale > 1 and low * second.scale <= high:
        low *= second.scale  # "between 2 and 3 million"
    if low >= high:
        return None
    start = opener.start() if opener else first.start
    return Quantity(
        start=start,
        end=second.end,
        value=sentence[start : second.end],
        number=None,
        low=low,
        high=high,
        unit=second.unit or first.unit,
        measure=second.measure if second.unit else first.measure,
        qualifier=None,
        spelled=first.spelled and second.spelled,
    )


def _with_ranges(sentence: str, atoms: list[Quantity]) -> list[Quantity]:
    merged: list[Quantity] = []
    for atom in atoms:
        previous = merged[-1] if merged else None
        combined = _merge_range(sentence, previous, atom) if previous else None
        if combined:
            merged[-1] = combined
        else:
            merged.append(atom)
    return merged


def _qualify(sentence: str, quantity: Quantity) -> Quantity:
    low = max(0, quantity.start - _LOOK_BEHIND_CHARS)
    match = _QUALIFIER.search(sentence, low, quantity.start)
    if match and quantity.number is not None:
        quantity.qualifier = match.group("q")
        quantity.start = match.start("q")
        quantity.value = sentence[quantity.start : quantity.end]
    return quantity


def _vague_bounds(match: re.Match[str]) -> tuple[float, float]:
    """ "hundreds" → 100 to 999, "tens of thousands" → 10,000 to 99,900, "a few hundred"
    → 100 to 999: from the order of magnitude the words name to just under ten times it."""
    if match.group("few"):
        low = _FEW_SCALES[_folded(match.group("scale"))]
    else:
        times = match.group("times")
        low = _VAGUE[_folded(match.group("base"))]
        low *= _VAGUE_MULTIPLIERS[_folded(times)] if times else 1
    return float(low), low * 10 * _BELOW_NEXT_ORDER


def _vague(sentence: str) -> list[Quantity]:
    """ "hundreds of migrants", "tens of thousands of files": a range without a number."""
    found = []
    for match in _VAGUE_PATTERN.finditer(sentence):
        start, end = match.span("vague") if match.group("vague") else match.span()
        low, high = _vague_bounds(match)
        found.append(
            Quantity(
                start=start,
                end=end,
                value=sentence[start:end],
                number=None,
                low=low,
                high=high,
                unit=None,
                measure="count",
                qualifier=None,
                spelled=True,
                vague=True,
            )
        )
    return found


def _hints(sentence: str) -> tuple[bool, bool]:
    """Whether the sentence may state a number, and a vague amount: it has the digits or
    words they are written with, read in lower case with every letter the patterns match
    to an ASCII letter written as that letter."""
    lowered = _folded(sentence)
    may_count = _DIGIT.search(sentence) or _NUMBER_WORD_HINT.search(lowered)
    return bool(may_count), bool(_VAGUE_HINT.search(lowered))


def find_quantities(sentence: str) -> list[Quantity]:
    """Every quantity the sentence states, in order, ranges and qualifiers included."""
    may_count, may_be_vague = _hints(sentence)
    atoms = _atoms(sentence) if may_count else []
    quantities = [_qualify(sentence, q) for q in _with_ranges(sentence, atoms)]
    quantities += _vague(sentence) if may_be_vague else []
    return sorted(quantities, key=lambda quantity: quantity.start)


def parse_quantity(value: str) -> Quantity | None:
    """The first quantity in a value string such as "about 12 million rounds"."""
    found = find_quantities(value)
    return found[0] if found else None
