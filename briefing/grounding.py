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
from collections.abc import Iterable
from functools import cache

from briefing.language.lexicon import lexicon
from briefing.language.numbers import find_quantities
from briefing.text import normalize_for_match, phrase_alternation

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"\b[A-Z][\w'’.-]*[\w]|\b[A-Z]\b")
_WORD = re.compile(r"[\w'’-]+")
_POSSESSIVE = re.compile(r"['’]s?$")
_NAME_PARTS = re.compile(r"[-.]")
SIGNIFICANT_DIGITS = 9


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


def _held_numbers(text: str) -> set[float]:
    """Every number a text can be said to hold: its quantities and all its digits."""
    held = set(stated_numbers(text))
    for match in _DIGITS.finditer(text):
        value = _digit_value(match.group())
        if value is not None:
            held.add(_rounded(value))
    return held


@cache
def not_name_words() -> frozenset[str]:
    """Lower-cased words that are not names even when capitalised: common words, roles,
    role modifiers and honorifics."""
    lx = lexicon()
    return frozenset(
        word.lower() for word in (*lx.common_words, *lx.roles, *lx.role_modifiers, *lx.honorifics)
    )


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


def _countries_in(text: str) -> dict[str, str]:
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
    exempt_text = " ".join(exempt)
    not_names = not_name_words()
    exempt_words = {name_key(word) for word in _WORD.findall(exempt_text)}
    exempt_countries = set(_countries_in(exempt_text).values())
    in_countries = _countries_in(text)
    acronyms_not_names = {word.lower() for word in lexicon().acronym_stoplist}
    names = []
    for match in _NAME.finditer(text):
        for word in _NAME_PARTS.split(match.group()):
            key = name_key(word)
            acronym = len(key) > 1 and _POSSESSIVE.sub("", word).isupper()
            if acronym:
                common = key in acronyms_not_names
            else:
                common = key in not_names or key in exempt_words
            if in_countries.get(key) in exempt_countries:
                common = True  # the speaker's own country ("Russia" for a Russian minister)
            if key and not common and not key.isdigit():
                names.append(word)
    return list(dict.fromkeys(names))


def _held_names(text: str) -> set[str]:
    """The name keys a text holds, and for each country it mentions in any form, the words
    of the country's name and a `country:` key."""
    keys = {name_key(word) for word in _WORD.findall(text)}
    keys |= {
        part
        for key in list(keys)
        if "-" in key or "." in key
        for part in _NAME_PARTS.split(key)
        if part
    }
    for country in set(_countries_in(text).values()):
        keys |= {name_key(word) for word in _WORD.findall(country)} | {f"country:{country}"}
    return keys


def _words_within(text: str, evidence: str) -> bool:
    """True when `text` is a run of whole words of `evidence` (case and quote marks aside):
    it then states nothing the evidence lacks, and the checks below need not run."""
    needle = normalize_for_match(text).casefold()
    return bool(needle) and f" {needle} " in f" {normalize_for_match(evidence).casefold()} "


def unsupported(text: str, evidence: str, exempt: Iterable[str] = ()) -> list[str]:
    """The numbers and names `text` states that `evidence` does not hold (as written)."""
    if _words_within(text, evidence):
        return []
    missing: list[str] = []
    stated = stated_numbers(text)
    if stated:  # what the evidence holds is read only when the text states something
        numbers = _held_numbers(evidence)
        missing += [f"{value:g}" for value in stated if value not in numbers]
    named = stated_names(text, exempt)
    if named:
        names = _held_names(evidence)
        countries = _countries_in(text)
        for word in named:
            key = name_key(word)
            if key not in names and f"country:{countries.get(key)}" not in names:
                missing.append(word)
    return missing
