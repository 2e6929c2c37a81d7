"""Figures: the quantities a document states, what each counts, and who gives it.

The subject is read from the sentence's structure around the number: "40% of its needed
ammunition", "10,000 soldiers", "retaliatory tariffs worth $3.5 billion", "duties on 2.8
billion euros of U.S. exports". The noun phrase before a linking verb is what the number
measures ("Imports tumbled 10.9%", "Brent crude was around $53 per barrel", "the fund, which
holds $3.2bn"); after a verb that acts on the number it is who acts, never the subject, and
neither is the verb itself ("The government will divert $2.7bn from the fund" → "money from
the fund"; "$1.4 billion for border security" → "money for border security"). People and
other generic nouns keep what happened to them ("12 people were killed" → "people killed").
A counter such as "rounds" takes the thing it counts from earlier in the sentence
("artillery ammunition … 12 million rounds"). A conversion in brackets ("€2.5 billion ($2.6
billion)") stays with the figure it converts. Numbers whose subject cannot be read are left
out: a figure without a subject cannot be compared.
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
_MONEY_PREPOSITION = re.compile(
    r"\s+(?P<prep>for|from|out\s+of|on|in|to|towards?)\s+", re.IGNORECASE
)
_BE = frozenset({"is", "are", "was", "were", "be", "been", "being", "'s"})
_AUXILIARIES = frozenset({"has", "have", "had", "may", "might", "could", "would", "will"})
_AUXILIARIES |= frozenset({"also", "reportedly", "get", "got", "not"})
_VERB_OPENERS = frozenset({"will", "would", "could", "can", "may", "might", "must", "should"})
_VERB_OPENERS |= frozenset({"shall", "to", "not", "did", "does", "do", "it", "they", "he"})
_VERB_OPENERS |= frozenset({"she", "we", "i", "you", "which", "that", "who", "has", "have"})
_EXPECTING = frozenset({"expected", "forecast", "estimated", "projected", "likely", "due"})
_PARTICLES = frozenset({"aside", "out", "up", "off", "back", "down", "away"})
_RELATIVES = frozenset({"which", "that", "who"})
_HOLDING = frozenset({"hold", "holds", "held", "contain", "contains", "contained"})
_JOINERS = frozenset({"of", "from", "in"})
_COST_WORDS = frozenset({"cost", "costs", "costing", "price", "budget", "spend", "spent"})
_MONEY_LINKS = frozenset({"worth", "of", "at", "cost"}) | _COST_WORDS
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


def _clause_start(text: str, end: int) -> int:
    """Where the words `_words_before(text, end)` begin: after the last punctuation mark."""
    marks = list(re.finditer(r"[,;:()“”\"—]|\.\s", text[:end]))
    return marks[-1].end() if marks else 0


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
    if count < len(words) - 1 and words[count].lower() in {"on", "of"}:
        complement = _noun_phrase(words[count + 1 :])
        if complement:
            return f"{phrase} {words[count].lower()} {complement}"
    return phrase


@dataclass
class _Before:
    """What stands before a number: the noun phrase, the first linking word skipped to reach
    it, and whether a verb that acts on the number (not one that links it) was crossed."""

    phrase: str | None
    link: str | None
    acting: bool
    linked: bool = False


def _is_verb(words: list[str], position: int) -> bool:
    """A verb by its form, the verb lists, or its place: after "will", "to", "it", "which"."""
    lx = lexicon()
    lowered = words[position].lower()
    further = words[position + 1].lower() if position + 1 < len(words) else ""
    if lowered in lx.roles or not lowered.isalpha():
        return False
    if lowered in lx.verbs or (lowered.endswith(("ed", "ing")) and len(lowered) > 4):
        return True
    if lowered in lx.change_verbs:
        return further not in _DETERMINERS
    nearer = words[position - 1].lower() if position else ""
    return further in _VERB_OPENERS or (further in _BE and nearer in {"at", "to", "by"})


def _is_linking(words: list[str], position: int) -> bool:
    """ "rose", "was", "is forecast", "was estimated": verbs that link a number to what is
    before them; a verb right after a form of "be" is passive and links too."""
    lowered = words[position].lower()
    further = words[position + 1].lower() if position + 1 < len(words) else ""
    lx = lexicon()
    return lowered in lx.change_verbs or further in _BE or lowered in _EXPECTING


@dataclass
class _Skipped:
    position: int
    link: str | None = None
    acting: bool = False
    linked: bool = False


def _skip_to_phrase(words: list[str]) -> _Skipped:
    """Skip linking words, qualifiers, verbs, adverbs and other numbers before a number,
    noting whether a verb that acts or one that links ("was", "rose to") was crossed."""
    lx = lexicon()
    skipped = _Skipped(0)
    while skipped.position < len(words):
        position = skipped.position
        lowered = words[position].lower()
        if lowered in _SKIP_BEFORE or lowered in lx.qualifiers or not lowered[:1].isalpha():
            skipped.linked = skipped.linked or lowered in lx.change_verbs
        elif lowered in _PARTICLES and position + 1 < len(words) and _is_verb(words, position + 1):
            skipped.acting = True  # "set aside", "paid out": a particle goes with a verb that acts
        elif lowered.endswith("ly") and lowered not in lx.roles:
            skipped.position += 1
            continue
        elif _is_verb(words, position):
            linking = _is_linking(words, position)
            skipped.acting = skipped.acting or not linking
            skipped.linked = skipped.linked or linking
        else:
            break
        skipped.link = skipped.link or lowered
        skipped.position += 1
    return skipped


def _phrase_before(words: list[str]) -> list[str]:
    """A noun phrase read backwards from the first word, in reading order; one "of",
    "from" or "in" may join it to a noun before ("Prices of arabica coffee")."""
    phrase: list[str] = []
    position = 0
    while position < len(words) and len(phrase) < _MAX_SUBJECT_WORDS - 1:
        word = words[position]
        lowered = word.lower()
        joins = (
            lowered in _JOINERS
            and phrase
            and position + 1 < len(words)
            and _is_content(words[position + 1])
            and (words[position + 1][0].islower() or position + 2 == len(words))
        )
        if joins:
            phrase.insert(0, word)
        elif not _is_content(word) or (
            phrase and lowered.endswith(("ing", "ed")) and lowered not in lexicon().roles
        ):
            break
        else:
            phrase.insert(0, word)
        position += 1
    while phrase and phrase[0].lower() in _JOINERS:
        phrase.pop(0)
    measured = len(phrase) > 2 and phrase[1].lower() == "of"
    if measured and phrase[0].lower() in lexicon().measure_nouns:
        phrase = phrase[2:]  # "a list of retaliatory tariffs worth $3.5 billion": the tariffs
    return [w for w in phrase if w.lower() not in _DETERMINERS]


def _before(text: str, start: int) -> _Before:
    """The noun phrase before a number, with how the words between link it to the number.

    A relative clause is crossed to its noun: "the fund, which holds $3.2 billion", "a
    caravan that once numbered about 1,200"."""
    words = _words_before(text, start)
    skipped = _skip_to_phrase(words)
    position, link = skipped.position, skipped.link
    if link in _COST_WORDS or (position < len(words) and words[position].lower() in _COST_WORDS):
        return _Before("cost", link, False, True)
    rest = words[position:]
    if rest and rest[0].lower() in _RELATIVES and position:
        crossed = len(rest) == 1
        rest = _words_before(text, _clause_start(text, start) - 1) if crossed else rest[1:]
    phrase = _phrase_before(rest)
    found = _Before(None, link, skipped.acting, skipped.linked)
    if not phrase:
        return found
    after_phrase = rest[len(phrase)].lower() if len(rest) > len(phrase) else ""
    preposition = after_phrase in lexicon().common_words and after_phrase not in _DETERMINERS
    if link == "of" and len(phrase) == 1 and preposition:
        return found  # "on behalf of", "in front of": a preposition, not a noun
    sentence_start = len(rest) == len(phrase)
    if phrase[0][0].isupper() and not sentence_start and len(phrase) == 1:
        return found
    found.phrase = " ".join(phrase)
    return found


def _preceding_phrase(text: str, start: int) -> tuple[str | None, str | None]:
    """The noun phrase before a number, and the linking word skipped to reach it."""
    before = _before(text, start)
    return before.phrase, before.link


def _money_complement(text: str, end: int) -> str | None:
    """ "$1.4 billion for border security" → "money for border security"; "$2bn from the
    fund", "$2bn out of the fund"; "$5bn in military aid" → "military aid"."""
    match = _MONEY_PREPOSITION.match(text, end)
    if not match:
        return None
    found = _words_after(text, match.end())
    words = [m.group(0) for m in found]
    preposition = " ".join(match.group("prep").lower().split())
    if preposition == "in":
        return _noun_phrase(words) if words and words[0][0].islower() else None
    phrase = _noun_phrase(words)
    if not phrase:
        return None
    article = f"{words[0]} " if words[0].lower() in _DETERMINERS else ""
    return f"money {preposition} {article}{phrase}"


def _event(text: str, quantity: Quantity, noun: str) -> str | None:
    """What happened to the people a number counts: "12 people were killed" and "killed 9
    people" → "killed"; "two people briefed on the plan" → "briefed"."""
    after = text[quantity.end :]
    found = re.match(rf"\s+(?:\w+\s+)?{re.escape(noun)}\b", after)
    if found:
        words = [m.group(0) for m in _words_after(text, quantity.end + found.end())]
        for word in words[:4]:
            lowered = word.lower().rstrip(".")
            if lowered in _BE or lowered in _AUXILIARIES or lowered.endswith("ly"):
                continue
            if lowered.endswith("ed") or lowered in lexicon().verbs:
                return lowered
            break
    before = _words_before(text[: quantity.start], quantity.start)
    verb = before[0].lower() if before else ""
    return verb if verb.endswith("ed") and verb not in lexicon().roles else None


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
    """What a quantity counts or measures, read from the sentence's structure around it."""
    measure = quantity.measure
    if measure == "counter":
        return _counted_thing(text, quantity)
    of_phrase = _of_phrase(text, quantity.end)
    before = _before(text, quantity.start)
    if measure == "money":
        return _money_subject(text, quantity, before, of_phrase)
    if of_phrase:
        return of_phrase
    if measure == "time":
        return None  # a duration without "of …" is read too unreliably to compare
    linked = (before.linked or before.link == "of") and not before.acting
    linked = linked and before.link not in _HOLDING  # "the file holds 300 pages": pages
    if before.phrase and linked and measure != "share" and _is_linked_noun(before.phrase):
        return before.phrase
    following = _following_phrase(text, quantity.end) if measure in {"count", "share"} else None
    if following:
        noun = following.split()[0]
        event = _event(text, quantity, noun)
        if event and noun.lower() in lexicon().generic_nouns | {"people"}:
            return f"{noun} {event}"
        return following
    prepositional = _prepositional(text, quantity, previous)
    if prepositional or measure == "count":
        return prepositional
    return before.phrase


def _is_linked_noun(phrase: str) -> bool:
    """A noun a count can be read from when a linking verb joins them: not a generic one."""
    lx = lexicon()
    head = phrase.split()[-1].lower()
    return head not in lx.generic_nouns and head not in lx.measure_nouns and head != "people"


def _money_subject(
    text: str, quantity: Quantity, before: _Before, of_phrase: str | None
) -> str | None:
    """ "$150 billion of Chinese goods", "tariffs worth $3.5 billion", "Brent was $53 a
    barrel", "$1.4 billion for border security": a verb before the amount is never the
    subject, and neither is who acts on it ("The government will divert $2.7bn")."""
    if of_phrase and before.phrase and before.link == "on":
        return f"{before.phrase} on {of_phrase}"
    if of_phrase:
        return of_phrase
    complement = _money_complement(text, quantity.end)
    if complement and before.phrase == "cost":
        return complement  # "spent £3bn on the scheme": what it was spent on
    linked = before.link in _MONEY_LINKS or (before.linked and not before.acting)
    if before.phrase and linked:
        return before.phrase
    if complement:
        return complement
    following = _following_phrase(text, quantity.end)
    if following:
        return following
    return None if before.acting else before.phrase


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
