"""Find attributed statements: who said what, in which sentence.

A statement is a sentence with an attribution verb ("said", "warned", "told" …) outside
its quotations, or "according to X". The speaker is the name, pronoun or noun phrase next
to the verb: before it ("Lavrov said", "Choe Son Hui, the foreign minister, said") or, after
a quotation, behind it ("…,” said Mr. Quintanillo). "he"/"she" go to the latest person
before them in the article; "the Russian minister" to the latest person with that role; "a
NATO spokesperson" to NATO. A quotation that continues in the next sentence keeps its
speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefing.engines.offline_actors import Mention, confirm_speaker
from briefing.language.lexicon import lexicon
from briefing.language.sentences import Document, Sentence, opens_with_quote, tokenize
from briefing.text import balance_quotes

_PASSIVE = frozenset({"is", "are", "was", "were", "be", "been", "being"})
_QUOTED_AS = re.compile(r"\b(?:was|were|is|are)\s+quoted\s+(?:as\s+saying|by)\b")
_ACCORDING_TO = re.compile(r"\baccording\s+to\b", re.IGNORECASE)
_GAP = re.compile(
    r"(?:,?\s+(?:also|later|then|again|previously|earlier|further|separately|repeatedly"
    r"|publicly|directly|reportedly|recently|once|has|have|had|would|will|has\s+also"
    r"|himself|herself|itself|(?:on|last|this|late|early)\s+[A-Z]\w+|(?:on|in)\s+[A-Z]\w+"
    r"|last\s+(?:week|month|year|night)))*\s*$"
)
_PRONOUN = re.compile(
    r"(?:^|[,;:“”\"(]\s*|\b(?:and|but|while|when|where|after|before|because)\s+)"
    r"(?P<pronoun>he|she|He|She)\s*$"
)
_APPOSITION_GAP = re.compile(r"^\s*,(?:[^,“”\"]{1,140},){1,3}\s*$")
_NOT_SPEAKER_BEFORE = re.compile(
    r"\b(?:from|of|in|at|near|for|with|to|by|whom|who|which|that|as|than)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_PREPOSITION_START = re.compile(r"^(?:about|on|in|to|for|with|at|from|by|of|into|over)\b")
_DIRECT_GAP = re.compile(
    r"^\s*(?:\([^()]{1,40}\)|\s(?:of|at|from)\s+(?:the\s+)?[A-Z][\w.'’&-]*(?:\s+[A-Z][\w.'’&-]*){0,5})?"
    r"\s*,?\s*$"
)
_TRAILING_ATTRIBUTION = re.compile(
    r"(?:,\s+(?:[\w’'-]+\s+){0,7}|\s+(?:[\w’'-]+\s+){0,2})"
    r"(?:said|says|reported|reports)(?:\s+[\w’'-]+){0,6}\s*\.?$"
)
_SUBJECT_REACH = 40
_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "its", "their", "one", "another"})
_SPOKES = frozenset({"spokesperson", "spokesman", "spokeswoman", "official", "officials"})
_THAT = re.compile(r"^[^“”\"]{0,80}?\bthat\s+", re.IGNORECASE)
# "earlier this month", "last week", "later": when a statement was made, not what it says.
_RELATIVE_TIME = (
    r"(?:(?:earlier|later)\s+)?(?:this|last|that)\s+"
    r"(?:week|weekend|month|year|morning|afternoon|evening|night)\b"
)
_LEADING_ADJUNCT = re.compile(
    rf"^\s*(?:,\s*)?(?:(?:{_RELATIVE_TIME})\s*|(?:(?:on|last|late|early|this)\s+)?[A-Z]\w+day\b\s*"
    r"|(?:on|last|late|early)\s+[A-Z]\w+\s*|in\s+(?:a|an)\s+[\w\s]{1,40}?(?=,|\s+that\b)|,)*",
)
_TIME_AFTER_VERB = re.compile(
    rf"^\s*(?:{_RELATIVE_TIME}|(?:earlier|later)(?=\s*(?:[,.;]|$))"
    r"|(?:(?:on|last|late|early|this)\s+)?(?:[A-Z]\w+day\b|today\b|yesterday\b)?)"
)
_NO_STATEMENT_AFTER = re.compile(r"^(?:[,.;]|(?:after|before|during|while|at|in|on)\b)")
_PREPOSITION_WORD = re.compile(r"\b(?:of|for|at|with|from|in)\b")
_MIN_CLAIM_WORDS = 3
_AFTER_VERB_CHARS = 160
_ROLE_WORDS_BEFORE_SPEAKER = 6
_PRONOUN_REACH = 6  # sentences a pronoun may look back for its person


@dataclass
class Attribution:
    """A statement, who made it and the sentence that shows it."""

    sentence: Sentence
    index: int
    speaker: str
    text: str


@dataclass
class _Verb:
    start: int
    end: int
    word: str
    tags: frozenset[str]


@dataclass
class _Context:
    """What the sentences before the current one tell about who "he" or "she" is."""

    last_person: Mention | None = None
    last_person_index: int = -1
    last_speaker: str | None = None
    last_speaker_index: int = -10
    last_was_quotation: bool = False
    last_subject: Mention | None = None
    last_subject_index: int = -1


def _compile_verbs() -> re.Pattern[str]:
    verbs = sorted(lexicon().speech_verbs, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(v) for v in verbs) + r")\b")


_VERB = _compile_verbs()
_WORD_BEFORE = re.compile(r"(\w+)\s*$")


def _verbs(sentence: Sentence) -> list[_Verb]:
    verbs = lexicon().speech_verbs
    found = []
    text = sentence.text
    for match in _VERB.finditer(text):
        if sentence.in_quote(match.start()):
            continue
        before = _WORD_BEFORE.search(text, max(0, match.start() - 20), match.start())
        if before and before.group(1).lower() in _PASSIVE | _DETERMINERS:
            continue
        word = match.group(0)
        found.append(_Verb(match.start(), match.end(), word, verbs[word]))
    for match in _QUOTED_AS.finditer(sentence.text):
        if not sentence.in_quote(match.start()):
            found.append(_Verb(match.start(), match.end(), "said", frozenset({"say"})))
    return sorted(found, key=lambda verb: verb.start)


def _speaker_before(
    sentence: Sentence, verb: _Verb, mentions: list[Mention]
) -> tuple[Mention | None, str | None, int]:
    """The mention or pronoun that ends right before the verb, and where the speaker starts."""
    left = sentence.text[: verb.start]
    end = _GAP.search(left).start()  # type: ignore[union-attr]
    left = left[:end]
    for mention in sorted(mentions, key=lambda m: m.end, reverse=True):
        if mention.end > end or sentence.in_quote(mention.start):
            continue
        if _NOT_SPEAKER_BEFORE.search(left[: mention.start]):
            continue  # "Roberto Saravia from Los Angeles said": a place, not the speaker
        owner = _apposition_owner(left, mention, mentions)
        if owner is not None:
            return owner, None, owner.start
        between = left[mention.end :]
        if _DIRECT_GAP.match(between) or (
            _APPOSITION_GAP.match(between) and "noun" not in verb.tags
        ):
            return mention, None, mention.start
        break
    pronoun = _PRONOUN.search(left)
    if pronoun:
        return None, pronoun.group("pronoun").lower(), pronoun.start("pronoun")
    return None, None, end


def _apposition_owner(left: str, mention: Mention, mentions: list[Mention]) -> Mention | None:
    """ "Feng Zijian, former deputy director of China's Center for Disease Control, said": the
    organisation is part of the person's description, the person speaks."""
    comma = left.rfind(",", 0, mention.start)
    if comma < 0 or not _PREPOSITION_WORD.search(left[comma : mention.start]):
        return None
    return next(
        (
            candidate
            for candidate in mentions
            if candidate.kind == "person"
            and candidate.end <= comma
            and not left[candidate.end : comma].strip()
        ),
        None,
    )


def _speaker_after(sentence: Sentence, verb: _Verb, mentions: list[Mention]) -> Mention | None:
    """ "…,” said NATO spokesperson Oana Lungescu": the last name in the chain after the verb."""
    lx = lexicon()
    chosen = None
    position = verb.end
    for token in tokenize(sentence.text, verb.end, verb.end + _AFTER_VERB_CHARS):
        between = sentence.text[position : token.start]
        if between.strip():
            break
        mention = next((m for m in mentions if m.start == token.start), None)
        lowered = token.text.lower()
        if mention:
            chosen = mention
            position = mention.end
            continue
        if token.start < position:
            continue
        if lowered in _DETERMINERS or lowered in lx.roles or lowered in lx.role_modifiers:
            position = token.end
            continue
        if token.capitalised and lowered not in lx.common_words:
            position = token.end
            continue
        break
    return chosen


def _role_phrase_speaker(
    left: str, mentions: list[Mention], document_mentions: list[Mention], index: int
) -> tuple[str, int] | None:
    """ "the Russian minister" → the latest person with that role; "a NATO spokesperson" → NATO."""
    lx = lexicon()
    words = left.split()
    if not words:
        return None
    head = words[-1].lower().strip(",")
    if head not in lx.roles:
        return None
    phrase_words: list[str] = []
    for word in reversed(words[:-1]):
        if word.lower() in _DETERMINERS:
            break
        phrase_words.insert(0, word)
        if len(phrase_words) > 4:
            return None
    else:
        return None
    phrase_start = len(left) - len(" ".join([word, *phrase_words, words[-1]]))
    inside = [m for m in mentions if phrase_start <= m.start and m.end <= len(left) and m.confirmed]
    if head in _SPOKES and inside:
        return inside[-1].key, phrase_start
    if head in _SPOKES:
        return None
    modifiers = {w.lower().rstrip("'’s") for w in phrase_words}
    for mention in reversed(document_mentions):
        if mention.index > index or mention.kind != "person" or not mention.role:
            continue
        role_words = {w.lower().rstrip("'’s") for w in mention.role.split()}
        if head in role_words and modifiers <= role_words:
            return mention.key, phrase_start
    return None


def _organization_phrase(left: str) -> tuple[str, int] | None:
    """ "South Korea's intelligence service": an unnamed organisation with an owner."""
    lx = lexicon()
    words = left.split()
    for size in (2, 1):
        head = " ".join(words[-size:]).lower()
        if head in lx.organization_nouns:
            break
    else:
        return None
    phrase = words[-size:]
    for word in reversed(words[:-size]):
        if word.lower() in _DETERMINERS or len(phrase) >= 7 or word.endswith((",", ".")):
            break
        phrase.insert(0, word)
    has_owner = any(w[0].isupper() or w.endswith(("'s", "’s")) for w in phrase[:-size])
    name = " ".join(phrase)
    return (name, len(left) - len(name)) if has_owner else None


_GROUP_MODIFIER = re.compile(r"^(?:[a-z][a-z-]*|[A-Z][\w.'’-]*|\d+)$")
_GROUP_BOUNDARY = frozenset(
    {"and", "but", "while", "as", "after", "before", "when", "since", "because", "although", "if",
     "who", "whose", "which", "that", *_DETERMINERS}
)  # fmt: skip


def _group_phrase(left: str) -> tuple[str, int] | None:
    """ "…, police said", "local officials said", "the city council said": an unnamed group
    or body speaking, as a noun phrase that starts the clause (at most three words before
    the head). Returns the phrase without its determiner, and where it starts."""
    lx = lexicon()
    words = left.split()
    if not words or words[-1].lower() not in lx.group_speakers | lx.organization_nouns:
        return None
    phrase = words[-1:]
    for word in reversed(words[:-1]):
        if word.lower() in _GROUP_BOUNDARY or word.endswith((",", ";", ":")):
            break
        if len(phrase) > 3 or not _GROUP_MODIFIER.match(word) or word.lower() in lx.verbs:
            return None
        phrase.insert(0, word)
    else:
        if len(phrase) > 3:
            return None
    name = " ".join(phrase)
    return name, len(left) - len(name)


_GROUP_AFTER = re.compile(r"\s+(?:(?:the|a|an)\s+)?((?:[\w.'’-]+\s+){0,3}[\w'’-]+)\s*(?=[,.;]|$)")


def _group_after(text: str, position: int) -> tuple[str, int] | None:
    """ "according to the city council": the group named after `position`, and its end."""
    match = _GROUP_AFTER.match(text, position)
    if match is None:
        return None
    found = _group_phrase(match.group(1))
    return (found[0], match.end(1)) if found else None


def _sentence_subject(mentions: list[Mention]) -> Mention | None:
    """The name a sentence opens with, roles and titles before it allowed."""
    if not mentions:
        return None
    first = mentions[0]
    opening = first.sentence.text[: first.start]
    if len(opening) > _SUBJECT_REACH or re.search(r"[,;:“\"]", opening):
        return None
    return first if first.confirmed else None


def _quoted_text(sentence: Sentence, spans: list[tuple[int, int]] | None = None) -> str:
    """The quotations of a sentence (or the given spans of it), without their marks."""
    parts = [
        sentence.text[start + 1 : end - 1 if end - start > 2 else end]
        for start, end in (sentence.quotes if spans is None else spans)
    ]
    return " … ".join(part.strip(" ,") for part in parts if part.strip(" ,"))


def _outside_quotes(sentence: Sentence, text_start: int, text_end: int) -> str:
    """The part of a sentence between two offsets with the quotations cut out."""
    pieces = []
    position = text_start
    for start, end in sentence.quotes:
        if end <= text_start or start >= text_end:
            continue
        pieces.append(sentence.text[position:start])
        position = end
    pieces.append(sentence.text[position:text_end])
    return "".join(pieces)


def _content(sentence: Sentence, verb: _Verb, speaker_start: int, inverted: bool) -> str:
    """The statement: the quotation next to the attribution, else the clause it introduces."""
    text = sentence.text
    if sentence.quotes:
        spanned = _quotation_before(sentence, speaker_start)
        if spanned:
            return spanned
        before = _outside_quotes(sentence, 0, speaker_start).strip(" ,.:;—-")
        first_start = sentence.quotes[0][0]
        quote_before = not before and first_start < speaker_start
        after_verb = re.sub(r"^[\s,:]*(?:that\s+)?", "", text[verb.end :])
        if quote_before or opens_with_quote(after_verb):
            quoted = _quoted_text(sentence)
            if quoted:
                return quoted
    before = text[:speaker_start].rstrip()
    if inverted:
        return before.strip(" ,")
    clause = _clause_before(before, text[verb.end :])
    if clause:
        return clause
    after = text[verb.end :]
    after = _TRAILING_ATTRIBUTION.sub("", after)
    that = _THAT.match(after)
    if that:
        return after[that.end() :]
    after = _LEADING_ADJUNCT.sub("", after)
    if "act" in verb.tags:
        return f"{verb.word} {after.strip()}"
    return after


def _quotation_before(sentence: Sentence, speaker_start: int) -> str | None:
    """`"We will "never" give up," he said`: a sentence that opens with a quotation whose
    last closing mark comes just before the speaker. The whole span is the statement, with
    any quotation marks nested inside it, rather than the pieces between them; a quotation
    resumed after the speaker (`…," he said, "…"`) follows after an ellipsis."""
    text = sentence.text
    ends = [end for _, end in sentence.quotes if end <= speaker_start]
    if not ends or not opens_with_quote(text):
        return None
    if len(text[ends[-1] : speaker_start].split()) > _ROLE_WORDS_BEFORE_SPEAKER:
        return None
    resumed = [(start, end) for start, end in sentence.quotes if start >= speaker_start]
    return _quoted_text(sentence, [(sentence.quotes[0][0], ends[-1]), *resumed])


def _clause_before(before: str, after: str) -> str | None:
    """ "Russia will station weapons in Belarus, President Putin said on Saturday, marking …":
    when nothing but a time follows the verb, the statement is the clause before the speaker."""
    rest = _TIME_AFTER_VERB.sub("", after).strip()
    comma = before.rfind(",")
    if comma < 0 or (rest and not _NO_STATEMENT_AFTER.match(rest)):
        return None
    if rest and rest[0] not in ",.;" and _THAT.match(rest):
        return None
    if len(before[comma + 1 :].split()) > _ROLE_WORDS_BEFORE_SPEAKER:
        return None
    clause = before[:comma]
    return clause if len(clause.split()) > _MIN_CLAIM_WORDS else None


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,;:—-")
    text = text.strip("“”\"‘’'").strip(" ,;:")
    if text.endswith((".", ",")) and not text.endswith(("..", "…")):
        text = text[:-1]
    return balance_quotes(text.strip())


class ClaimFinder:
    """Walks one document's sentences and finds attributed statements."""

    def __init__(self, document: Document, mentions: list[Mention]) -> None:
        self.document = document
        self.mentions = mentions
        self.by_sentence: dict[int, list[Mention]] = {}
        for mention in mentions:
            self.by_sentence.setdefault(mention.index, []).append(mention)
        self.context = _Context()

    def attributions(self) -> list[Attribution]:
        """Every attributed statement in the document, in order."""
        found: list[Attribution] = []
        for index, sentence in enumerate(self.document.sentences):
            if sentence.heading:
                continue
            here = self.by_sentence.get(index, [])
            attribution = self._attribution(index, sentence, here)
            if attribution is None:
                attribution = self._continued_quote(index, sentence)
            if attribution is not None:
                found.append(attribution)
            self._remember_people(index, here)
        return found

    def _remember_people(self, index: int, mentions: list[Mention]) -> None:
        for mention in mentions:
            if mention.kind == "person" and not mention.sentence.in_quote(mention.start):
                self.context.last_person = mention
                self.context.last_person_index = index
        subject = _sentence_subject(mentions)
        if subject is not None and subject.kind == "person":
            self.context.last_subject = subject
            self.context.last_subject_index = index

    def _attribution(
        self, index: int, sentence: Sentence, mentions: list[Mention]
    ) -> Attribution | None:
        for verb in _verbs(sentence):
            speaker, start, inverted = self._speaker(index, sentence, verb, mentions)
            if speaker is None:
                continue
            text = _clean(_content(sentence, verb, start, inverted))
            if len(text.split()) < _MIN_CLAIM_WORDS or _PREPOSITION_START.match(text):
                continue
            return self._found(index, sentence, speaker, text)
        return self._according_to(index, sentence, mentions)

    def _found(self, index: int, sentence: Sentence, speaker: str, text: str) -> Attribution:
        self.context.last_speaker = speaker
        self.context.last_speaker_index = index
        self.context.last_was_quotation = bool(sentence.quotes) and text in _quoted_text(sentence)
        return Attribution(sentence, index, speaker, text)

    def _speaker(
        self, index: int, sentence: Sentence, verb: _Verb, mentions: list[Mention]
    ) -> tuple[str | None, int, bool]:
        mention, pronoun, start = _speaker_before(sentence, verb, mentions)
        if mention is not None:
            confirm_speaker(mention)
            if mention.confirmed:
                return mention.key, mention.start, False
        if pronoun:
            return self._pronoun(index, mentions, verb.start), start, False
        left = sentence.text[:start].rstrip()
        if "noun" in verb.tags:
            return None, start, False
        if not left or left.endswith((",", "”", '"', ":")):
            after = _speaker_after(sentence, verb, mentions)
            if after is not None:
                confirm_speaker(after)
                if after.confirmed:
                    return after.key, verb.start, True
        subject = _sentence_subject(mentions)
        if re.search(r"\band$", left) and subject is not None and subject.confirmed:
            return subject.key, subject.start, False  # "Lavrov spoke to the media … and said"
        for found in (
            _role_phrase_speaker(left, mentions, self.mentions, index),
            _organization_phrase(left),
            _group_phrase(left),
        ):
            if found:
                return found[0], found[1], False
        return None, start, False

    def _pronoun(self, index: int, mentions: list[Mention], position: int) -> str | None:
        here = [m for m in mentions if m.kind == "person" and m.end <= position]
        context = self.context
        if here:
            return here[-1].key
        if context.last_speaker and index - context.last_speaker_index <= 1:
            return context.last_speaker
        if context.last_subject and index - context.last_subject_index <= 1:
            return context.last_subject.key
        if context.last_person and index - context.last_person_index <= _PRONOUN_REACH:
            return context.last_person.key
        return None

    def _continued_quote(self, index: int, sentence: Sentence) -> Attribution | None:
        """A quotation standing alone right after an attributed one continues it."""
        context = self.context
        if not opens_with_quote(sentence.text) or not context.last_was_quotation:
            return None
        if context.last_speaker is None or index - context.last_speaker_index != 1:
            return None
        text = _clean(_quoted_text(sentence))
        if len(text.split()) < _MIN_CLAIM_WORDS:
            return None
        return self._found(index, sentence, context.last_speaker, text)

    def _according_to(
        self, index: int, sentence: Sentence, mentions: list[Mention]
    ) -> Attribution | None:
        match = _ACCORDING_TO.search(sentence.text)
        if not match or sentence.in_quote(match.start()):
            return None
        source = next(
            (
                m
                for m in mentions
                if m.confirmed
                and match.end() <= m.start <= match.end() + 30
                and not sentence.text[match.end() : m.start].count(",")
                and sentence.text[m.end : m.end + 1] != "-"
                and not sentence.text[m.end : m.end + 2].startswith(("'", "’"))
            ),
            None,
        )
        speaker = (source.key, source.end) if source else _group_after(sentence.text, match.end())
        if speaker is None:
            return None
        clause_start = sentence.text.rfind(",", 0, match.start())
        head = sentence.text[: clause_start if clause_start > 0 else match.start()]
        if match.start() < 3:
            tail_start = sentence.text.find(",", speaker[1])
            head = sentence.text[tail_start + 1 :] if tail_start > 0 else ""
        text = _clean(_quoted_text(sentence) if opens_with_quote(head) else head)
        if len(text.split()) < _MIN_CLAIM_WORDS:
            return None
        return self._found(index, sentence, speaker[0], text)
