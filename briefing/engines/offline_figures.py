"""Figures: the quantities a document states, what each counts, and who gives it.

The subject is read around the number: "40% of its needed ammunition", "10,000 soldiers",
"retaliatory tariffs worth $3.5 billion", "duties on 2.8 billion euros of U.S. exports",
"Imports tumbled 10.9%". A counter such as "rounds" takes the thing it counts from earlier
in the sentence ("artillery ammunition … 12 million rounds"). A conversion in brackets
("€2.5 billion ($2.6 billion)") stays with the figure it converts. Numbers whose subject
cannot be read are left out: a figure without a subject cannot be compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefing.language.lexicon import lexicon
from briefing.language.numbers import Quantity, find_quantities
from briefing.language.sentences import Document, Sentence

_WORD = re.compile(r"[A-Za-z\u00C0-\u024F][\w'’.-]*")
_DETERMINERS = frozenset(
    {
        "the",
        "a",
        "an",
        "its",
        "their",
        "his",
        "her",
        "our",
        "my",
        "your",
        "this",
        "that",
        "these",
        "those",
        "all",
        "both",
        "each",
        "every",
        "some",
        "any",
        "own",
    }
)
_SKIP_BEFORE = frozenset(
    {
        "of",
        "by",
        "to",
        "at",
        "with",
        "from",
        "for",
        "on",
        "worth",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "will",
        "would",
        "could",
        "may",
        "might",
        "can",
        "has",
        "have",
        "had",
        "top",
        "total",
        "reach",
        "hit",
        "cut",
        "rose",
        "fell",
        "grew",
        "shrank",
        "another",
        "additional",
        "further",
        "once",
        "so",
        "far",
        "now",
        "still",
        "already",
        "just",
        "only",
        "even",
        "than",
        "and",
        "estimated",
        "nearly",
    }
)
_PREPOSITION = re.compile(r"^\s+(on|for|in|with|without)\s+")
_COST_WORDS = frozenset({"cost", "costs", "costing", "price", "budget", "spend", "spent"})
_MAX_SUBJECT_WORDS = 5
_SMALL = 10


@dataclass
class FoundFigure:
    """A figure found in one sentence, before it becomes a schema `Figure`."""

    sentence: Sentence
    quantity: Quantity
    subject: str
    speaker: str | None


def _words_after(text: str, start: int) -> list[re.Match[str]]:
    words = []
    position = start
    for match in _WORD.finditer(text, start):
        if text[position : match.start()].strip(" "):
            break
        words.append(match)
        position = match.end()
    return words


def _words_before(text: str, end: int) -> list[str]:
    """The words right before `end`, nearest first, up to the first punctuation mark."""
    chunk = re.split(r"[,;:()“”\"—]|\.\s", text[:end])[-1]
    return [w.strip("'’") for w in reversed(chunk.split()) if w.strip("'’")]


def _is_content(word: str) -> bool:
    lowered = word.lower()
    lx = lexicon()
    return (
        lowered not in lx.common_words and lowered not in _DETERMINERS and lowered not in lx.verbs
    )


def _noun_phrase(words: list[str]) -> str | None:
    """Collect a noun phrase from words in reading order; "and" may join two nouns."""
    phrase: list[str] = []
    for index, word in enumerate(words):
        lowered = word.lower().rstrip(".")
        if not phrase and lowered in _DETERMINERS:
            continue
        if lowered == "and" and phrase and index + 1 < len(words) and _is_content(words[index + 1]):
            phrase.append(word)
            continue
        if not _is_content(word) or len(phrase) >= _MAX_SUBJECT_WORDS:
            break
        if phrase and lowered.endswith(("ing", "ed")) and lowered not in lexicon().roles:
            break
        if word.endswith(("'s", "’s")):
            phrase = []  # "the caravan's members": the owner is not what is counted
            continue
        phrase.append(word)
    while phrase and phrase[-1].lower() == "and":
        phrase.pop()
    if not phrase or not any(word[0].islower() for word in phrase):
        return None
    return " ".join(phrase).rstrip(".")


def _of_phrase(text: str, start: int) -> str | None:
    """ "of its needed ammunition" → "needed ammunition"."""
    words = [m.group(0) for m in _words_after(text, start)]
    if not words or words[0].lower() != "of":
        return None
    return _noun_phrase(words[1:])


def _following_phrase(text: str, start: int) -> str | None:
    """The noun after a number, with an "on …" complement: "25% tariff on steel"."""
    found = _words_after(text, start)
    words = [m.group(0) for m in found]
    if words and words[0].lower() in {"of", "per", "a", "an"}:
        return None
    phrase = _noun_phrase(words)
    if phrase is None:
        return None
    count = len(phrase.split())
    if count < len(words) - 1 and words[count].lower() == "on":
        complement = _noun_phrase(words[count + 1 :])
        if complement:
            return f"{phrase} on {complement}"
    return phrase


def _preceding_phrase(text: str, start: int) -> tuple[str | None, str | None]:
    """The noun phrase before a number, and the linking word skipped to reach it."""
    words = _words_before(text, start)
    link = None
    position = 0
    while position < len(words):
        lowered = words[position].lower()
        is_verb = lowered.endswith(("ed", "ing", "ly")) and lowered not in lexicon().roles
        if lowered in _SKIP_BEFORE or is_verb or lowered in lexicon().qualifiers:
            link = link or lowered
            position += 1
            continue
        break
    if link in _COST_WORDS or (position < len(words) and words[position].lower() in _COST_WORDS):
        return "cost", link
    phrase: list[str] = []
    for word in words[position:]:
        lowered = word.lower()
        if not _is_content(word) or len(phrase) >= _MAX_SUBJECT_WORDS - 1:
            break
        if phrase and lowered.endswith(("ing", "ed")) and lowered not in lexicon().roles:
            break
        phrase.insert(0, word)
    phrase = [w for w in phrase if w.lower() not in _DETERMINERS]
    if not phrase:
        return None, link
    sentence_start = len(words) == position + len(phrase)
    if phrase[0][0].isupper() and not sentence_start and len(phrase) == 1:
        return None, link
    return " ".join(phrase), link


def _counted_thing(text: str, quantity: Quantity) -> str | None:
    """For a counter ("12 million rounds"): the thing it counts, named earlier."""
    counts = next(
        (u.counts for u in lexicon().units.values() if u.normalized == quantity.unit and u.counts),
        None,
    )
    if counts is None:
        return quantity.unit
    found = text.rfind(counts, 0, quantity.start)
    if found < 0:
        return quantity.unit
    before = [w for w in _words_before(text, found) if _is_content(w)][:1]
    modifier = before[0] if before and text[:found].rstrip().endswith(before[0]) else None
    return f"{modifier} {counts}" if modifier and modifier[0].islower() else counts


def subject_of(text: str, quantity: Quantity, previous: str | None) -> str | None:
    """What a quantity counts or measures, read from the words around it."""
    measure = quantity.measure
    if measure == "counter":
        return _counted_thing(text, quantity)
    of_phrase = _of_phrase(text, quantity.end)
    if measure == "money":
        before, link = _preceding_phrase(text, quantity.start)
        if of_phrase and before and link == "on":
            return f"{before} on {of_phrase}"
        if of_phrase:
            return of_phrase
        if before and link in {"worth", "of", "at", "cost"} | _COST_WORDS:
            return before
        return _following_phrase(text, quantity.end) or before
    if of_phrase:
        return of_phrase
    if measure == "time":
        return None  # a duration without "of …" is read too unreliably to compare
    following = _following_phrase(text, quantity.end) if measure in {"count", "share"} else None
    if following:
        return following
    prepositional = _prepositional(text, quantity, previous)
    if prepositional or measure == "count":
        return prepositional
    before, _ = _preceding_phrase(text, quantity.start)
    return before


def _prepositional(text: str, quantity: Quantity, previous: str | None) -> str | None:
    """ "tariffs of 25 percent on imported steel and 10 percent on imported aluminum": the
    noun before the number (or of the figure before it) with the phrase after it."""
    match = _PREPOSITION.match(text[quantity.end :])
    if not match:
        return None
    complement = _noun_phrase([m.group(0) for m in _words_after(text, quantity.end + match.end())])
    if not complement:
        return None
    before, link = _preceding_phrase(text, quantity.start)
    base = before if before and link == "of" else previous
    if not base:
        return None
    base = re.split(r"\s(?:on|of|for|in|with|without)\s", base, maxsplit=1)[0]
    return f"{base} {match.group(1)} {complement}"


def _is_weak(text: str, quantity: Quantity) -> bool:
    """A small spelled-out number after "the", "both", "its" … refers, it does not count."""
    if not quantity.spelled or quantity.number is None or quantity.number >= _SMALL:
        return False
    if quantity.unit is not None or quantity.scale > 1:
        return False
    before = _words_before(text, quantity.start)
    return bool(before) and before[0].lower() in _DETERMINERS | {"of", "than"}


def _fold_conversions(text: str, quantities: list[Quantity]) -> list[Quantity]:
    """ "€2.5 billion ($2.6 billion)": the bracketed amount restates the one before it."""
    kept: list[Quantity] = []
    for quantity in quantities:
        previous = kept[-1] if kept else None
        if (
            previous is not None
            and text[previous.end : quantity.start].strip() == "("
            and text[quantity.end : quantity.end + 1] == ")"
            and previous.measure == quantity.measure
        ):
            previous.value = text[previous.start : quantity.end + 1]
            previous.end = quantity.end + 1
            continue
        kept.append(quantity)
    return kept


def document_figures(document: Document, speakers: dict[int, str]) -> list[FoundFigure]:
    """Every figure with a readable subject, with the speaker of its sentence if any."""
    found = []
    for index, sentence in enumerate(document.sentences):
        if sentence.heading:
            continue
        text = sentence.text
        previous: str | None = None
        for quantity in _fold_conversions(text, find_quantities(text)):
            if _is_weak(text, quantity):
                continue
            subject = subject_of(text, quantity, previous)
            if not subject:
                continue
            previous = subject
            found.append(FoundFigure(sentence, quantity, subject, speakers.get(index)))
    return found
