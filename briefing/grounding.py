"""Does a text state only numbers and names its evidence holds?

A claim's text, a figure's value and a summary bullet are written by an engine; their
evidence (quotes, or the facts a bullet cites) is checked text. `unsupported` lists what
the written text states that the evidence does not:

- **numbers**, compared by value with the project's number parsing
  (`briefing.language.numbers`): "$1.4bn" = "$1.4 billion" = "1,400 million dollars",
  "four dozen" = "48"; digits the parser does not take as a quantity (years, "COVID-19")
  must appear as the same number;
- **names**: capitalised words and acronyms ("US" too, though "us" is a common word),
  other than common words that open sentences, titles and role words ("Minister", "Mr")
  and the words the caller exempts (a claim's speaker); compared case-insensitively, a
  possessive "'s" ignored, a country's name, demonym and seat of government counted as
  one ("Russian" and "Moscow" support "Russia"), and the speaker's own country exempt.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache, lru_cache

from briefing.language.lexicon import lexicon
from briefing.language.numbers import find_quantities
from briefing.spans import EDGE_PUNCTUATION, normalized, word_keys
from briefing.text import phrase_alternation

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"\b[A-Z][\w'’.-]*[\w]|\b[A-Z]\b")
_WORD = re.compile(r"[\w'’-]+")
_POSSESSIVE = re.compile(r"['’]s?$")
_NAME_PARTS = re.compile(r"[-.]")
SIGNIFICANT_DIGITS = 9
# The same quotes are checked for many claims and figures of a pack, and wire copy for each
# of its carriers: what a text holds is read once while it is in use (texts at a time).
HOLDINGS_CACHED = 4096


def _rounded(value: float) -> float:
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, SIGNIFICANT_DIGITS - 1 - math.floor(math.log10(abs(value))))


def _digit_value(digits: str) -> float | None:
    """ "4,321" → 4321; "1.4" → 1.4; "1,4" (a decimal comma) → 14, which is never wrong
    for the comparison since the evidence is read the same way."""
    try:
        return float(digits.replace(",", ""))
    except ValueError:
        return None


def stated_numbers(text: str) -> list[float]:
    """The numbers a text states: each quantity's value (or range ends), then any digits
    the quantities do not cover."""
    values: list[float] = []
    covered: list[tuple[int, int]] = []
    for quantity in find_quantities(text):
        covered.append((quantity.start, quantity.end))
        values += [
            float(v) for v in (quantity.number, quantity.low, quantity.high) if v is not None
        ]
    for match in _DIGITS.finditer(text):
        if not any(low <= match.start() < high for low, high in covered):
            value = _digit_value(match.group())
            if value is not None:
                values.append(value)
    return list(dict.fromkeys(_rounded(value) for value in values))


@lru_cache(maxsize=HOLDINGS_CACHED)
def stated_values(text: str) -> tuple[float, ...]:
    """`stated_numbers`, read once while the text is in use (a figure's value is read to
    tell whether it has a number, then to check it)."""
    return tuple(stated_numbers(text))


@lru_cache(maxsize=HOLDINGS_CACHED)
def _digits_held(text: str) -> frozenset[float]:
    """The numbers a text's digits say as written (cheap: no quantity is read)."""
    values = (_digit_value(match.group()) for match in _DIGITS.finditer(text))
    return frozenset(_rounded(value) for value in values if value is not None)


@lru_cache(maxsize=HOLDINGS_CACHED)
def _quantities_held(text: str) -> frozenset[float]:
    return frozenset(stated_values(text))


def _holds_number(text: str, value: float) -> bool:
    """True when a text holds the number: as its digits say it, or as one of its quantities."""
    return value in _digits_held(text) or value in _quantities_held(text)


@cache
def not_name_words() -> frozenset[str]:
    """Lower-cased words that are not names even when capitalised: common words, roles,
    role modifiers and honorifics."""
    lx = lexicon()
    return frozenset(
        word.lower() for word in (*lx.common_words, *lx.roles, *lx.role_modifiers, *lx.honorifics)
    )


@cache
def _acronyms_not_names() -> frozenset[str]:
    return frozenset(word.lower() for word in lexicon().acronym_stoplist)


@cache
def _country_phrases() -> tuple[re.Pattern[str], dict[str, str]]:
    """A pattern finding country names, demonyms and seats of government ("North Korea",
    "Russian", "Pyongyang"), and each one, lower-cased, to its country, lower-cased."""
    lx = lexicon()
    countries = {
        phrase.lower(): country.lower()
        for table in (lx.country_names, lx.demonyms, lx.seats)
        for phrase, country in table.items()
    }
    return re.compile(rf"\b(?:{phrase_alternation(countries)})\b", re.IGNORECASE), countries


@lru_cache(maxsize=HOLDINGS_CACHED)
def _countries_in(text: str) -> Mapping[str, str]:
    """The words of every country phrase in `text` (lower-cased), each to its country."""
    pattern, countries = _country_phrases()
    found: dict[str, str] = {}
    for match in pattern.finditer(text):
        country = countries[match.group().lower()]
        for word in _WORD.findall(match.group()):
            found[name_key(word)] = country
    return found


def name_key(word: str) -> str:
    """How a name word is compared: lower-cased, without quote marks around it or a
    possessive ending."""
    word = word.strip("'’-")
    if "'" in word or "’" in word:
        word = _POSSESSIVE.sub("", word)
    return word.lower()


def stated_names(text: str, exempt: Iterable[str] = ()) -> list[str]:
    """The capitalised words of a text that name someone or something (see the module)."""
    capitalised = _NAME.findall(text)
    if not capitalised:
        return []  # the common case for a number's text: no exempt words need reading
    exempt_text = " ".join(exempt)
    exempt_keys = {name_key(word) for word in _WORD.findall(exempt_text)}
    exempt_countries = set(_countries_in(exempt_text).values()) if exempt_text else set()
    common_words = not_name_words()
    names = []
    for written in capitalised:
        for word in _NAME_PARTS.split(written):
            key = name_key(word)
            acronym = len(key) > 1 and _POSSESSIVE.sub("", word).isupper()
            if acronym:
                common = key in _acronyms_not_names()
            else:
                common = key in common_words or key in exempt_keys
            if exempt_countries and _countries_in(text).get(key) in exempt_countries:
                common = True  # the speaker's own country ("Russia" for a Russian minister)
            if key and not common and not key.isdigit():
                names.append(word)
    return list(dict.fromkeys(names))


@lru_cache(maxsize=HOLDINGS_CACHED)
def _held_words(text: str) -> frozenset[str]:
    """The name keys of a text's words, and of their parts between hyphens and dots."""
    keys = {name_key(word) for word in _WORD.findall(text)}
    keys |= {
        part
        for key in list(keys)
        if "-" in key or "." in key
        for part in _NAME_PARTS.split(key)
        if part
    }
    return frozenset(keys)


@lru_cache(maxsize=HOLDINGS_CACHED)
def _held_countries(text: str) -> frozenset[str]:
    """For each country a text mentions in any form, the name keys of the country's name
    and a `country:` key (read only for a name the text's own words do not hold)."""
    keys: set[str] = set()
    for country in set(_countries_in(text).values()):
        keys |= {name_key(word) for word in _WORD.findall(country)} | {f"country:{country}"}
    return frozenset(keys)


def _holds_name(texts: list[str], word: str, text: str) -> bool:
    """True when one of the texts holds the name `word` of `text`: as a word, or as (a
    form of) the country it names."""
    key = name_key(word)
    if any(key in _held_words(item) for item in texts):
        return True
    keys = (key, f"country:{_countries_in(text).get(key)}")
    return any(form in _held_countries(item) for item in texts for form in keys)


def _word_run(text: str) -> str:
    """The text's words, lower-cased, without the punctuation at their edges (quote marks
    split words too), one space apart."""
    return " ".join(word_keys(normalized(text).replace('"', " ")))


_evidence_words = lru_cache(maxsize=HOLDINGS_CACHED)(_word_run)
_AROUND_WORDS = EDGE_PUNCTUATION + " "


def _between_word_edges(needle: str, text: str) -> bool:
    """True when normalised `needle`, which holds a letter or digit, occurs in normalised
    `text` with only punctuation between it and a word edge on each side: a space, an end
    of the text, or a quote mark in that punctuation (normalising drops the space next to
    a quote mark, and `_word_run` splits words there). It is then a run of the text's
    whole words, as `_word_run` reads them."""
    start = text.find(needle)
    while start >= 0:
        end = start + len(needle)
        before = text[:start].rstrip(EDGE_PUNCTUATION)
        after = text[end:].lstrip(EDGE_PUNCTUATION)
        if _at_word_edge(before[-1:], text[len(before) : start]) and _at_word_edge(
            after[:1], text[end : len(text) - len(after)]
        ):
            return True
        start = text.find(needle, start + 1)
    return False


def _at_word_edge(beyond: str, punctuation: str) -> bool:
    """Whether punctuation next to a needle, and the character beyond it, end a word."""
    return beyond in ("", " ") or '"' in punctuation


def _words_within(text: str, evidence: list[str]) -> bool:
    """True when `text` is a run of whole words of the evidence (case and the punctuation
    around words aside): it then states nothing the evidence lacks, so nothing else need
    be read. Numbers keep their inner punctuation ("4,321" is not "4.321")."""
    # Punctuation and spaces at the text's ends are no part of its words.
    written = normalized(text).strip(_AROUND_WORDS)
    if any(map(str.isalnum, written)) and any(
        _between_word_edges(written, normalized(item)) for item in evidence
    ):
        return True  # the common case, found without reading words
    needle = _word_run(text)
    if not needle:
        return False
    # Each word of such a run is in a text of the evidence as written there, lower-cased: the
    # longest (the rarest) is looked for before the evidence's words are read.
    longest = max(needle.split(" "), key=len)
    if not any(longest in normalized(item).lower() for item in evidence):
        return False
    joined = " ".join(map(_evidence_words, evidence))
    return f" {needle} " in f" {joined} "


def unsupported(text: str, evidence: str | Sequence[str], exempt: Iterable[str] = ()) -> list[str]:
    """The numbers and names `text` states that its evidence (a text, or several such as a
    claim's quotes, each read on its own) does not hold, as written."""
    texts = [evidence] if isinstance(evidence, str) else list(evidence)
    if text in texts or _words_within(text, texts):
        return []  # most claims keep a quote as their text: it states nothing else
    missing: list[str] = []
    for value in stated_values(text):
        if not any(_holds_number(item, value) for item in texts):
            missing.append(f"{value:g}")
    missing += [word for word in stated_names(text, exempt) if not _holds_name(texts, word, text)]
    return missing
