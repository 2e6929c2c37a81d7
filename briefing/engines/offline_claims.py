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

import functools
import itertools
import re
from dataclasses import dataclass, field, replace

from briefing.engines.offline_actors import (
    Mention,
    confirm_speaker,
    follows_article,
    is_junk_name,
    names_members,
    one_name,
    opening_speech_verb,
    person_gender,
    principal_kind,
)
from briefing.language.gender import (
    PRONOUN_GENDER,
    Gender,
    compatible,
    first_name_gender,
    role_gender,
    title_gender,
)
from briefing.language.lexicon import lexicon
from briefing.language.sentences import (
    Document,
    Sentence,
    as_read,
    mend_quote_marks,
    opens_with_quote,
    quote_left_open,
    quote_spans,
    tokenize,
)
from briefing.text import balance_quotes, phrase_alternation

_PASSIVE = frozenset({"is", "are", "was", "were", "be", "been", "being"})
_QUOTED_AS = re.compile(r"\b(?:was|were|is|are)\s+quoted\s+(?:as\s+saying|by)\b")
_ACCORDING_TO = re.compile(r"\b(?:according\s+to|as\s+reported\s+(?:by|in))\b", re.IGNORECASE)
_GAP = re.compile(
    r"(?:,?\s+(?:also|later|then|again|previously|earlier|further|separately|repeatedly"
    r"|publicly|directly|reportedly|recently|once|has|have|had|would|will|has\s+also"
    r"|is|are|was|were|did|does|do|could|can|might|may|must|should|shall"
    r"|still|first|even|both|soon|often|always|sometimes|already"
    r"|(?:went|goes|go)\s+on\s+to|went\s+so\s+far\s+as\s+to"
    r"|(?:on\s+)?[A-Z]\w+day\s+(?:morning|afternoon|evening|night)"
    r"|himself|herself|itself|(?:on|last|this|late|early)\s+[A-Z]\w+|(?:on|in)\s+[A-Z]\w+"
    r"|(?:later|earlier)\s+(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
    r"|(?!(?:famil|assembl|all|rall|suppl|monopol|anomal|bell|bull|jell|homil)y\b)[a-z]{2,}ly"
    r"|today|yesterday|tonight|now"
    r"|however|though|meanwhile|instead|too|nonetheless|nevertheless|therefore"
    r"|last\s+(?:week|month|year|night)))*\s*$"
)
# Every character a `_GAP` can hold is a word character, a space or a comma, so it starts
# after the last other character: searching from there skips trying it at every space.
_GAP_BARRIER = re.compile(r"[^\w\s,][\w\s,]*\Z")
_SPEAKER_PRONOUNS = ("he", "she", "they", "it", "He", "She", "They", "It")
_PRONOUN_CONTRACTIONS = ("'s", "'d", "'ve", "’s", "’d", "’ve")  # "She's said"
_PRONOUN = re.compile(
    r"(?:^|[,;:“”\"(]\s*|\b(?i:and|but|while|when|where|after|before|because|which|who|whom"
    r"|that|then|so|yet|now|later)\s+)"
    rf"(?P<pronoun>{'|'.join(_SPEAKER_PRONOUNS)})(?:{'|'.join(_PRONOUN_CONTRACTIONS)})?\s*$"
)
# What a text ends with, spaces aside, when `_PRONOUN` matches it: a cheap test first.
_PRONOUN_ENDINGS = tuple(
    f"{pronoun}{contraction}"
    for pronoun in _SPEAKER_PRONOUNS
    for contraction in ("", *_PRONOUN_CONTRACTIONS)
)
_RELATIVE_SUBJECT = re.compile(r"\s*,\s*(?P<relative>who|which)")
_APPOSITION_GAP = re.compile(r"^\s*,(?:[^,“”\"]{1,140},){1,3}\s*$")
_NOT_SPEAKER_BEFORE = re.compile(
    r"\b(?:from|of|in|at|near|for|with|to|by|whom|who|which|that|as|than)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_OPENING_AS = re.compile(r"^\s*As\s+(?:the\s+)?$")  # "As Ortiz put it, …": the speaker
# "Quill nodded as Ortiz said", "but, as Ortiz put it,": "as" opening a clause whose subject
# speaks (not "such as", "as well as", "known as", "the same as")
_AS_CLAUSE = re.compile(
    r"(?:^|[^\w\s]\s*|\b(?!(?:such|well|known|same)\b)\w+\s+)[Aa]s\s+(?:the\s+)?$"
)
# "Senator Maria Ortiz of New Mexico said": a place after a preposition, even when the first
# words of its name ("New") were not read as part of it.
_PLACE_AFTER_PREPOSITION = re.compile(
    r"\b(?:from|of|in|at|near)\s+(?:the\s+)?(?:[A-Z][\w.'’-]*\s+){0,3}$"
)
_PREPOSITION_START = re.compile(r"^(?:about|on|in|to|for|with|at|from|by|of|into|over)\b")
_DIRECT_GAP = re.compile(
    r"^\s*(?:\([^()]{1,40}\)|\s(?:of|at|from)\s+(?:the\s+)?[A-Z][\w.'’&-]*(?:\s+[A-Z][\w.'’&-]*){0,5})?"
    r"\s*,?\s*$"
)
_TRAILING_VERBS = ("said", "says", "reported", "reports")
_TRAILING_ATTRIBUTION = re.compile(
    r"(?:,\s+(?:[\w’'-]+\s+){0,7}|\s+(?:[\w’'-]+\s+){0,2})"
    rf"(?:{'|'.join(_TRAILING_VERBS)})(?:\s+[\w’'-]+){{0,6}}\s*\.?$"
)
_TRAILING_SOURCE = re.compile(
    r",\s*(?:according\s+to|as\s+reported\s+(?:by|in))\s[^,;:“”\"]*$", re.IGNORECASE
)
_SUBJECT_REACH = 40
_ROLE_JOINERS = frozenset({"of", "for", "at"})
_SAID_OF = re.compile(r"^\s+(?:of|about)\s+[^:;“”\"]{1,60}:")  # "said of Sanders: …"
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
_PARENTHETICAL_END = re.compile(r"\s*(?:[,.;]|$)")  # "…, he said, …" / "…, he said."
_NO_STATEMENT_AFTER = re.compile(r"^(?:[,.;]|(?:after|before|during|while|at|in|on)\b)")
_PREPOSITION_WORD = re.compile(r"\b(?:of|for|at|with|from|in)\b")
_MIN_CLAIM_WORDS = 3
_AFTER_VERB_CHARS = 160
_ROLE_WORDS_BEFORE_SPEAKER = 6
_PRONOUN_REACH = 6  # sentences a pronoun may look back for its person
_GENDERED_PRONOUN_REACH = 15  # … for a person whose gender is known to agree
# Whom a statement was told to: a name ("CNN", "The Associated Press") or a pronoun or a noun
# with its determiner ("reporters", "the crowd"), and where ("in an interview").
_TOLD_OBJECT = re.compile(
    r"^\s*(?:(?:the|a|an|his|her|their|its)\s+)?"
    r"(?:[A-Z][\w.'’&-]*(?:\s+(?:of\s+)?[A-Z][\w.'’&-]*)*|[a-z]+)"
    r"(?:\s+(?:in|during|at)\s+(?:a|an|the)\s+[a-z]+(?:\s+[a-z]+)?)?(?=[\s,]|$)"
)
_GROUP_REACH = 2  # sentences "they" may look back for the group that spoke
_NOMINAL_REACH = 8  # sentences "the newspaper" may look back for the outlet
_DEFINITE_ROLE = re.compile(
    r"(?:^|(?<=[\s,;]))(?:[Tt]he|[Tt]his)\s+(?:[\w'’-]+\s+){0,3}"
    r"(?:and\s+(?:[\w'’-]+\s+){0,3})?(?P<head>[a-z]+)\s*$"  # "the senator and candidate"
)
_DEFINITE_NOUN = re.compile(r"(?:^|\s)(?P<determiner>[Tt]he|[Tt]his)\s+(?P<noun>[a-z]+)\s*$")
# "the poll", "the former governor", "this statement": a definite description in lower case
_DEFINITE_PHRASE = re.compile(r"(?:[Tt]he|[Tt]his)\s+(?:[a-z][\w'’-]*\s+){0,3}(?P<head>[a-z]+)")
_DEFINITE_PHRASE_BEFORE = re.compile(
    r"(?:^|(?<=[\s,;:—(]))(?:[Tt]he|[Tt]his)\s+(?:[a-z][\w'’-]*\s+){0,3}[a-z]+\s*$"
)


@dataclass
class Attribution:
    """A statement, who made it and the sentence that shows it."""

    sentence: Sentence
    index: int
    speaker: str | None  # None: a quotation whose speaker the text does not say here
    text: str
    named: bool = True  # False for a description ("local officials"), several actors or none
    more: list[Sentence] = field(default_factory=list)  # the sentences a quotation runs on into


@dataclass
class _Verb:
    start: int
    end: int
    word: str
    tags: frozenset[str]


@dataclass
class _Context:
    """What the sentences before the current one tell about who "he" or "she" is."""

    people: list[tuple[str, int]] = field(default_factory=list)  # (key, sentence), in order
    last_group: str | None = None
    last_group_index: int = -10
    members_subject: Mention | None = None  # "House Republicans met …": whom "they" may be
    last_speaker: str | None = None
    last_speaker_index: int = -10
    last_was_quotation: bool = False
    last_subject: str | None = None  # the person the sentence before is about
    last_subject_index: int = -1
    quote_open: bool = False  # the sentence before left a quotation open
    colon_speaker: str | None = None  # "Cruz continued:": who the next quotation is by
    colon_index: int = -10
    label_paragraph: int = -1  # the paragraph a transcript's "TAPPER:" line gives a speaker


def _compile_verbs() -> re.Pattern[str]:
    return re.compile(rf"\b(?:{phrase_alternation(lexicon().speech_verbs)})\b")


_VERB = _compile_verbs()
_WORD_BEFORE = re.compile(r"(\w+)\s*$")
_COMPOUND_BEFORE = re.compile(r"(?<![\w-])(?!(?:re|co)-)\w+-$", re.IGNORECASE)
_VERB_PREFIX = re.compile(r"(?<![\w-])(?:re|co)-$", re.IGNORECASE)
# A name or noun with a possessive "'s" (not "he's", "it's": those are "has" or "is").
_POSSESSIVE_BEFORE = re.compile(
    r"(?<![\w'’])(?!(?i:he|she|it|that|there|who|what|where|here)['’])[A-Za-z][\w-]*['’]s\s+$"
)
_CLOSING_MARK = re.compile(r"[”\"]")
# "He", "But she", "Recently he", "However, she", "For 12 years, he", "But on Sunday he": the
# pronoun that is the subject of a sentence's main clause, after an adverb or a fronted
# phrase of its own
_CONJUNCTION = r"(?:(?:[Tt]hen|[Bb]ut|[Aa]nd|[Ll]ater|[Yy]et|[Ss]o|[Nn]ow)\s+)?"
_OPENING_PRONOUN = re.compile(
    rf"^\s*{_CONJUNCTION}(?:[A-Za-z]*ly\s+|(?:[^,;:“”\"()]{{1,80}},\s+){{1,2}}"
    rf"|(?:[Oo]n|[Ii]n|[Ll]ast|[Tt]his|[Ee]arlier)\s+[\w’']+\s+)?{_CONJUNCTION}"
    r"([Hh]e|[Ss]he|[Tt]hey)\b"
)
_OPENING_DESCRIPTION = re.compile(r"^\s*The\s+(?:[a-zA-Z'’-]+\s+){0,3}?[a-z]+(?=\s)")
_COORDINATED = re.compile(r"(?:\band|,\s*but|\bbut)$")
_PERSONAL_PRONOUN = re.compile(r"\b(?:[Hh](?:e|is|im|er|ers)|[Ss]he)\b")


@functools.cache
def _document_mention() -> re.Pattern[str]:
    """ "the affidavit", "its statement", "a letter", "Thursday's memo": a text "it" may be."""
    nouns = phrase_alternation(lexicon().document_nouns)
    return re.compile(
        r"\b(?:[Tt]he|[Aa]n?|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|[Tt]his|\w+['’]s?)\s+"
        rf"(?:[a-z][\w-]*\s+){{0,2}}?(?P<noun>{nouns})s?\b"
    )


def _verbs(sentence: Sentence, quoted_until: int = 0) -> list[_Verb]:
    """The attribution verbs of a sentence outside its quotations (and before `quoted_until`,
    where a quotation carried on from the sentence before closes)."""
    verbs = lexicon().speech_verbs
    found = []
    text = sentence.view
    for match in _VERB.finditer(text, quoted_until):
        if sentence.in_quote(match.start()) or _COMPOUND_BEFORE.search(
            text, max(0, match.start() - 20), match.start()
        ):
            continue  # in a quotation, or the end of a compound ("so-called", not "re-tweeted")
        prefix = _VERB_PREFIX.search(text, max(0, match.start() - 3), match.start())
        start = prefix.start() if prefix else match.start()  # "re-tweeted" is one verb
        before = _WORD_BEFORE.search(text, max(0, start - 20), start)
        passive = before and before.group(1).lower() in _PASSIVE and not _progressive(match)
        if passive or (before and before.group(1).lower() in _DETERMINERS):
            continue
        word = match.group(0)
        if "noun" not in verbs[word] and _POSSESSIVE_BEFORE.search(
            text, max(0, match.start() - 30), match.start()
        ):
            continue  # "Mr Kim’s continued help" is no verb; "Trump’s claim that …" says
        found.append(_Verb(start, match.end(), word, verbs[word]))
    quoted_as = _QUOTED_AS.finditer(text) if "quoted" in text else ()
    for match in quoted_as:
        if not sentence.in_quote(match.start()):
            found.append(_Verb(match.start(), match.end(), "said", frozenset({"say"})))
    opening = opening_speech_verb(text)
    if opening is not None and opening.end("verb") > quoted_until:
        word = opening.group("verb").lower()
        found.append(_Verb(opening.start("verb"), opening.end("verb"), word, verbs[word]))
    return sorted(found, key=lambda verb: verb.start)


def _past_after_and(verb: _Verb, left: str) -> bool:
    """ "… read the plan and called it a gamble": a past form after "and"/"but" is the verb
    of a second clause, never the noun the word can also be."""
    return verb.word.endswith("ed") and bool(_COORDINATED.search(left))


def _progressive(match: re.Match[str]) -> bool:
    """ "is telling": a progressive, not a passive like "was told"."""
    return match.group(0).endswith("ing")


def _speaker_before(
    sentence: Sentence, verb: _Verb, mentions: list[Mention]
) -> tuple[list[Mention], str | None, int]:
    """The mentions (several for "Ortiz and Reyes said") or pronoun that end right before
    the verb, appositions skipped, and where the speaker starts."""
    left = sentence.view[: verb.start]
    end = _gap_start(left, len(left))
    end = _gap_start(left, _core_end(left[:end], mentions))
    left = left[:end]
    for mention in sorted(mentions, key=lambda m: m.end, reverse=True):
        if mention.end > end or sentence.in_quote(mention.start):
            continue
        relative = _RELATIVE_SUBJECT.fullmatch(left, mention.end)  # "for Sanders, who said"
        if (
            _NOT_SPEAKER_BEFORE.search(left[: mention.start])
            and not _AS_CLAUSE.search(left[: mention.start])
            and not relative
        ) or (
            mention.kind not in (None, "person")
            and _PLACE_AFTER_PREPOSITION.search(left[: mention.start])
        ):
            continue  # "Roberto Saravia from Los Angeles said": a place, not the speaker
        owner = _apposition_owner(left, mention, mentions)
        if owner is not None:
            return [owner], None, owner.start
        between = left[mention.end :]
        apposed = _APPOSITION_GAP.match(between) or (
            between.lstrip().startswith(",") and _is_role_apposition(between.strip(" ,"))
        )  # "Todd Lee, president of Acme Steel, a distributor, said": cut after "Steel"
        if relative:  # a statement before it ends at "who", not at the name it is about
            holder = _holder_before_preposition(left, mention, mentions)
            return [holder or mention], None, relative.start("relative")
        if _DIRECT_GAP.match(between) or (apposed and "noun" not in verb.tags):
            group = _joint_speakers(left, mention, mentions)
            return group, None, group[0].start
        break
    pronoun = _PRONOUN.search(left) if left.rstrip().endswith(_PRONOUN_ENDINGS) else None
    if pronoun:
        return [], pronoun.group("pronoun").lower(), pronoun.start("pronoun")
    return [], None, end


_HOLDER_PREPOSITION = re.compile(r"\s+(?:of|from|at)\s+(?:the\s+)?")


def _holder_before_preposition(
    left: str, mention: Mention, mentions: list[Mention]
) -> Mention | None:
    """ "Senator Ben Hollis of Vermont, who …": the name the mention only says where or which
    of, right before "of", "from" or "at"; the relative clause is about that one."""
    return next(
        (
            candidate
            for candidate in mentions
            if candidate.end < mention.start
            and _HOLDER_PREPOSITION.fullmatch(left, candidate.end, mention.start)
        ),
        None,
    )


def _gap_start(text: str, end: int) -> int:
    """Where the adverbs and auxiliaries between a speaker and the verb (`_GAP`) start
    in `text[:end]`."""
    barrier = _GAP_BARRIER.search(text, 0, end)
    gap = _GAP.search(text, barrier.start() + 1 if barrier else 0, end)
    return gap.start()  # type: ignore[union-attr]


def _opening_quote_speaker(
    sentence: Sentence, verb: _Verb, mentions: list[Mention]
) -> Mention | None:
    """`"…," Dana Ortiz of the Center for Public Integrity wrote`: the name that follows a
    sentence's opening quotation speaks when the words up to the verb attribute it."""
    if not _attributes_opening_quote(sentence, verb.start):
        return None
    name = _name_after(sentence, sentence.quotes[0][1], mentions)
    if name is None or name.end > verb.start or not _names_the_subject(name):
        return None  # "Nomura's economist Ting Lu said", "the Florida senator said"
    confirm_speaker(name)
    return name if name.confirmed else None


_TRAILING_PARENTHESIS = re.compile(
    r"\s*(?:\([^()]{1,60}\)|(?P<dash>[—–]|--)[^—–“”\"]{1,150}(?P=dash))\s*$"
)  # "Rep. Dana Holt (D-Ore.)", "Dana Wells — a nurse from Akron —"
_APPOSITIVE_START = re.compile(
    r"^(?:(?:who|whose|which|whom|a|an|the|his|her|its|their|former|then|now|also|once"
    r"|both|himself|herself|one\s+of|aged?|in|on|at|of|from|during|while|after|before|since)\b"
    r"|[DRI]-[A-Z][A-Za-z.]*$|\d{1,3}$|(?:later|again|still|[a-z]+ly)\s+[a-z]+ing\b"
    r"|[A-Z][\w.-]*['’]s\s+[a-z])",  # "Germany's largest bank"
    re.IGNORECASE,
)
_APPOSITIVE_MAX_WORDS = 25
_RELATIVE_APPOSITION = re.compile(r",\s*(?:who|whose)\s[^“”\"]{1,200},$")
_ADVERBIAL_MAX_WORDS = 5


def _is_appositive(segment: str) -> bool:
    """ ", the Democratic leader,", ", who ran the panel,", ", 45,", ", R-S.C.,", ", in a
    statement,": what stands between a speaker and the verb without being the speaker."""
    segment = segment.strip()
    words = segment.split()
    if not words or len(words) > _APPOSITIVE_MAX_WORDS or re.search(r"[“”\"]", segment):
        return False
    if _APPOSITIVE_START.match(segment) or (len(words) > 1 and words[0].endswith("ing")):
        return True  # ", speaking on condition of anonymity,"
    if len(words) <= _ADVERBIAL_MAX_WORDS and all(w[0].islower() for w in words):
        return True  # "however", "in a statement", "for his part"
    roles = lexicon().roles
    return any(w.lower().strip(".,") in roles for w in words[:6])


def _is_role_apposition(segment: str) -> bool:
    """ "president of Acme Steel", "the party's chairman": a role that describes the name
    before it."""
    roles = lexicon().roles
    words = [w.lower().strip(".,'’") for w in segment.split()]
    return (
        bool(words)
        and words[0] not in _GROUP_BOUNDARY - _DETERMINERS
        and any(w in roles for w in words[:4])
    )


def _core_end(left: str, mentions: list[Mention], anchored: bool = True) -> int:
    """Where the speaker's name ends in `left` once the appositions and parentheses after
    it are cut off: "Senator Maria Ortiz of New Mexico, the Democratic whip," → "… New
    Mexico"; "Marley Ortiz, 21, a student," → "Marley Ortiz"; "Rep. Dana Holt (D-Ore.)" →
    "Rep. Dana Holt". A cut counts only where a name ends, else `left` is kept whole; not
    `anchored`, every apposition is cut ("An Israeli official, speaking on condition of
    anonymity," → "An Israeli official")."""
    ends = {m.end for m in mentions}
    stripped = left.rstrip()
    parenthesis = _TRAILING_PARENTHESIS.search(stripped)
    if parenthesis and len(stripped[: parenthesis.start()].rstrip()) in ends:
        return parenthesis.start()
    if not stripped.endswith(","):
        return len(left)
    relative = _RELATIVE_APPOSITION.search(stripped)
    if relative and relative.start() in ends:
        return relative.start()  # "Ellen Hart, who served in Peru, Chile and Spain,"
    cut = len(stripped) - 1
    place_end = None  # "Senator Ortiz of New Mexico, the whip,": kept if nothing better
    while (comma := left.rfind(",", 0, cut)) >= 0 and (
        _is_appositive(left[comma + 1 : cut]) or _continues_place(left, comma, cut, mentions)
    ):
        cut = comma
        head = left[:cut].rstrip()
        parenthesis = _TRAILING_PARENTHESIS.search(head)
        if parenthesis:
            head = head[: parenthesis.start()].rstrip()
        if len(head) in ends and _ENDS_IN_PLACE.search(head):
            place_end = place_end or len(head)
        elif len(head) in ends and not _inside_apposition(head):
            return len(head)
    if place_end is not None:
        return place_end
    return len(left) if anchored or cut == len(stripped) - 1 else len(left[:cut].rstrip())


def _inside_apposition(head: str) -> bool:
    """ "Sen. Lindsey Graham, R-S.C.": a name that ends a segment which is itself an
    apposition of the name before it, not the speaker's name."""
    comma = head.rfind(",")
    return comma >= 0 and _is_appositive(head[comma + 1 :])


# "… in Aurora, Colorado,", "…, a Dayton, Ohio, lawyer": a place after a preposition or
# opening a description, its parts split by commas.
_ENDS_IN_PLACE = re.compile(
    r"(?:\b(?:in|at|from|near|of)\s+(?:the\s+)?|,\s*an?\s+)"
    r"(?:[A-Z][\w.'’-]*,?\s+){0,3}[A-Z][\w.'’-]*$"
)
_PLACE_PART = re.compile(r"\s*(?:[A-Z][\w.'’-]*\s*){1,3}")


def _continues_place(left: str, comma: int, cut: int, mentions: list[Mention]) -> bool:
    """ "Colorado" in "the shooting in Aurora, Colorado, in July, said": the rest of a place
    named after a preposition, not a speaker (nor a person's name: "the head of the Trade
    Office, Lena Park, said")."""
    person = any(m.kind == "person" and comma < m.start < cut for m in mentions)
    return (
        not person
        and bool(_PLACE_PART.fullmatch(left, comma + 1, cut))
        and bool(_ENDS_IN_PLACE.search(left, 0, comma))
    )


_JOINER = re.compile(r"(?:,\s*(?:and\s+)?|\s+(?:and|&)\s+)$")


def _joint_speakers(left: str, last: Mention, mentions: list[Mention]) -> list[Mention]:
    """ "Ortiz and Reyes said", "Ortiz, Reyes and Lee said": every name of the list, when
    the last two are joined by "and" and all are of one kind (people, or bodies); two names
    nothing shows to be actors are one name ("Procter and Gamble said")."""
    group = [last]
    cursor = last.start
    joined_by_and = False
    while True:
        joiner = _JOINER.search(left, 0, cursor)
        if joiner is None:
            break
        before = [m for m in mentions if m.end <= joiner.start()]
        previous = before[-1] if before else None
        if previous is None or left[previous.end : joiner.start()].strip():
            break
        if group == [last] and "," not in joiner.group(0) and one_name(previous, last):
            return [_joined_name(previous, last)]
        if (previous.kind == "person") != (last.kind == "person"):
            break
        joined_by_and = joined_by_and or "and" in joiner.group(0) or "&" in joiner.group(0)
        if not joined_by_and:
            break  # "In Ohio, Smith said": a comma alone joins no speakers
        group.insert(0, previous)
        cursor = previous.start
    return group


def _joined_name(previous: Mention, last: Mention) -> Mention:
    """One organisation named by `previous`, its joiner and `last`."""
    surface = previous.sentence.text[previous.start : last.end]
    return replace(
        previous,
        end=last.end,
        surface=surface,
        kind="organization",
        key=surface,
        tokens=tuple(surface.split()),
    )


_CLAUSE_OPENING_WORDS = 3
_APPOSITIONS_BEFORE_PARTICIPLE = 2
_LOWER_WORD = re.compile(r"\b[a-z]+\b")
_NEXT_WORD = re.compile(r"\s+([a-z]+)\b")


def _clause_before_participle(stripped: str) -> tuple[int, int]:
    """Where the clause before a participle's comma starts and ends, an apposition that ends
    right before the comma skipped ("… for Donald Trump, the party's front-runner, saying"),
    when what stands before it is a clause, not a name alone ("… body, FIFA, which …")."""
    end = len(stripped) - 1
    start = max(stripped.rfind(",", 0, end), stripped.rfind(";")) + 1
    for _ in range(_APPOSITIONS_BEFORE_PARTICIPLE):
        segment = stripped[start:end].strip()
        if start == 0 or stripped[start - 1] != "," or not _APPOSITIVE_START.match(segment):
            break
        before_end = start - 1
        before_start = max(stripped.rfind(",", 0, before_end), stripped.rfind(";", 0, before_end))
        if not _LOWER_WORD.search(stripped, before_start + 1, before_end):
            break
        start, end = before_start + 1, before_end
    return start, end


def _participle_subject(left: str, mentions: list[Mention]) -> Mention | None:
    """The name that opens the clause before a participle's comma, if one does; none when
    the clause opens with a pronoun ("She called Reyes a liar, saying …")."""
    clause_start, clause_end = _clause_before_participle(left.rstrip())
    for mention in mentions:
        if mention.start < clause_start or mention.end > clause_end:
            continue
        opening = left[clause_start : mention.start]
        words = opening.split()
        if (
            len(words) > _CLAUSE_OPENING_WORDS
            or (words and words[0].lower() in _SUBJECT_PRONOUNS)
            or _NOT_SPEAKER_BEFORE.search(opening)
            or _ends_in_verb(opening)
        ):
            return None
        return mention if _names_the_subject(mention) else None
    return None


# "by saying", "upon saying": a gerund whose subject is the clause's (not "for saying", "of
# saying": those say what the words were held against someone for)
_GERUND_AFTER = re.compile(r"\b(?:by|upon|after|before|while|in)\s+$")
_WITH_BEFORE = re.compile(r"\bwith\s+(?:the\s+)?$")


def _accompanying_subject(left: str, mentions: list[Mention]) -> Mention | None:
    """ "…, with Dana Ortiz noting that …": the name after "with" that a participle right
    after it (adverbs aside) has as its subject, once confirmed."""
    end = len(left[: _gap_start(left, len(left))].rstrip())
    for mention in mentions:
        if mention.end == end and _WITH_BEFORE.search(
            left, max(0, mention.start - 10), mention.start
        ):
            confirm_speaker(mention)
            return mention if mention.confirmed else None
    return None


def _is_owner(mention: Mention) -> bool:
    """True for a name followed by a possessive ("Marlow's lawyer")."""
    return mention.sentence.view.startswith(("'s", "’s"), mention.end)


def _names_the_subject(mention: Mention) -> bool:
    """False for a name that only says whose or which: an owner ("Holt's aides") or the
    word before a role ("The Florida senator …" says which senator)."""
    if _is_owner(mention):
        return False
    following = _NEXT_WORD.match(mention.sentence.view, mention.end)
    return not (following and following.group(1) in lexicon().roles)


def _describes_by_name(mention: Mention) -> bool:
    """ "the Wisconsin Republican, who …", "The Texas Democrat said": capitalised words after
    "the" that end in a party member's noun describe a person named before; people's names
    take no article. One word alone ("The Independent") may be a newspaper's name."""
    words = mention.surface.split()
    return (
        mention.kind is None
        and len(words) > 1
        and words[-1].lower() in lexicon().party_members
        and follows_article(mention)
    )


def _subject_before(verb: _Verb, mentions: list[Mention]) -> Mention | None:
    """ "Tracy Marlow, the father, issued a statement, saying …": the name the sentence opens
    with, for a participle whose own clause names nobody (not an owner: "Marlow's lawyer")."""
    subject = _sentence_subject([m for m in mentions if m.end <= verb.start])
    return None if subject is None or _is_owner(subject) else subject


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


_UNKNOWN_ROLE_WORDS = 2  # "said Democratic pollster Dana Whitfield": a job word not listed
_NOT_A_ROLE_WORD = frozenset(
    {"to", "of", "for", "at", "in", "on", "with", "from", "by", "about", "as", "and", "or", "but",
     "who", "whom", "whose", "which", "that", "while", "when", "after", "before", "during",
     "not", "also", "then"}
)  # fmt: skip


_ENDS_SENTENCE = re.compile(r"\s*(?:(?:on|late|early|last|this)\s+[A-Za-z]+\s*)?[.!]?\s*$")


def _trailing_speaker(sentence: Sentence, verb: _Verb, mentions: list[Mention]) -> Mention | None:
    """ "…, said Ortiz, the director, reports the Ostend Times.": a name after a verb that
    follows a comma and ends the sentence speaks; the name before the comma is what it
    reports (the apposition skipping that finds speakers before a verb would take it).
    After "told" the name is whom it was told to."""
    if "tell" in verb.tags or not sentence.view[: verb.start].rstrip().endswith(","):
        return None
    after = _speaker_after(sentence, verb, mentions)
    if after is None or not _ENDS_SENTENCE.match(sentence.view, after.end):
        return None
    confirm_speaker(after)
    return after if after.confirmed else None


def _speaker_after(sentence: Sentence, verb: _Verb, mentions: list[Mention]) -> Mention | None:
    """ "…,” said NATO spokesperson Oana Lungescu": the last name in the chain after the verb."""
    return _name_after(sentence, verb.end, mentions)


_DESCRIPTION_AFTER = re.compile(
    r"\s+((?:a|an|one|another|the)\s+[^,.;:“”\"()—–]{1,100}?)"
    r"(?=\s*(?:[,.;:—–(]|$)|\s+(?:who|whom|whose|which)\b)"
)


# "Quinnipiac University poll", "Gallup's new poll"
_OWNER_BEFORE_NOUN = re.compile(r"(?:['’]s?(?:\s+[a-z][\w-]*)?|(?:\s+[A-Z][\w/.&-]*){0,2})\s+")
_OWNER_AFTER_NOUN = re.compile(r"\s+(?:by|from|of)\s+(?:the\s+)?$")  # "a poll by Gallup"


def _owner_next_to(
    sentence: Sentence, noun: re.Match[str], mentions: list[Mention]
) -> Mention | None:
    """The name written with a text's noun: "a Quinnipiac University poll", "Gallup's new
    poll", "a statement from the Ostend FA"."""
    for mention in mentions:
        if sentence.in_quote(mention.start):
            continue
        if mention.end <= noun.start() and _OWNER_BEFORE_NOUN.fullmatch(
            sentence.view, mention.end, noun.start()
        ):
            return mention
        if mention.start >= noun.end() and _OWNER_AFTER_NOUN.fullmatch(
            sentence.view, noun.end(), mention.start
        ):
            return mention
    return None


def _description_after(sentence: Sentence, verb: _Verb) -> str | None:
    """ "…,” said a person close to the mayor": an unnamed speaker described after the verb."""
    match = _DESCRIPTION_AFTER.match(sentence.view, verb.end)
    if match is None or not _is_description(match.group(1)):
        return None
    return match.group(1)


def _name_after(sentence: Sentence, start: int, mentions: list[Mention]) -> Mention | None:
    """The last name in the chain of titles, roles and names that starts at `start`. A
    lower-case word or two the role list lacks may stand before the name ("said Democratic
    pollster Dana Whitfield"); a preposition or a clause word may not ("said a longtime
    adviser to the governor" names nobody)."""
    lx = lexicon()
    chosen = None
    position = start
    in_role = skip_next = False
    unknown = 0
    for token in tokenize(sentence.view, start, start + _AFTER_VERB_CHARS):
        between = sentence.view[position : token.start]
        if between == "-":
            position = token.end  # "Florida-based": the tail of a compound modifier
            continue
        if between.strip():
            break
        mention = next((m for m in mentions if m.start == token.start), None)
        lowered = token.text.lower()
        if mention and sentence.view.startswith("-", mention.end):
            position = mention.end  # "Florida-based strategist …": a modifier, not the name
            continue
        if mention:
            chosen = mention
            position = mention.end
            continue
        if token.start < position:
            continue
        if lowered in _DETERMINERS or lowered in lx.roles or lowered in lx.role_modifiers:
            position, in_role = token.end, True
            continue
        if token.capitalised and lowered not in lx.common_words:
            position = token.end
            continue
        if lowered == "and" and chosen is not None and _ends_in_title(chosen):
            position, chosen = token.end, None  # "said former Ohio Gov. and party chair Lee"
            continue
        if chosen is None and in_role and lowered in _ROLE_JOINERS:
            position, in_role = token.end, False  # "former secretary of state Hillary Clinton"
            skip_next = True
            continue
        if skip_next:
            position, skip_next = token.end, False
            continue
        if chosen is None and _unknown_role_word(token.text) and unknown < _UNKNOWN_ROLE_WORDS:
            position, unknown = token.end, unknown + 1
            continue
        break
    return chosen


def _ends_in_title(mention: Mention) -> bool:
    """ "Ohio Gov.": a capitalised phrase that ends in a title names no one by itself."""
    return mention.kind != "person" and mention.tokens[-1].rstrip(".") in lexicon().honorifics


def _unknown_role_word(word: str) -> bool:
    """A lower-case word that may be a job the role list lacks ("pollster", "organizer")."""
    return word.isalpha() and word.islower() and word not in _NOT_A_ROLE_WORD | lexicon().verbs


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


_DOCUMENT_PHRASE_WORDS = 10
# "a spokeswoman for Acme", "a lawyer for the company's founder"
_AGENT_FOR = re.compile(r"\b(?P<agent>[a-z]+)\s+(?:for|of|to)\s+(?:the\s+)?$")
# "’s campaign", " officials", "’s top advisers" after the name they belong to
_OWNED_AGENT = re.compile(r"(?:['’]s?)?(?:\s+[a-z][\w-]*){1,3}")
# "his aides", "her longtime advisers", "their campaign"
_OWNER_PRONOUN = re.compile(
    r"(?:^|(?<=[\s,;:(“\"]))(?P<pronoun>[Hh]is|[Hh]er|[Tt]heir)(?:\s+[a-z][\w-]*){1,3}$"
)
_PRONOUN_OF_POSSESSIVE = {"his": "he", "her": "she", "their": "they"}


def _document_owner(left: str, mentions: list[Mention]) -> Mention | None:
    """ "A statement from the Spanish FA said", "the Goldman report found", "an analysis by
    economists at Barclays showed": a text speaks for the body or person named in it."""
    start = _CLAUSE_START.search(left)
    if start is None:
        return None
    phrase = left[start.end() :]
    words = [w.lower().strip(",.'’") for w in phrase.split()]
    nouns = lexicon().document_nouns
    if not words or len(words) > _DOCUMENT_PHRASE_WORDS or not nouns & set(words):
        return None
    if re.search(r"[“”\"]", phrase) or any(w in _NOT_IN_SUBJECT for w in words):
        return None
    owners = [m for m in mentions if m.start >= start.end() and m.end <= len(left)]
    if not owners:
        return None
    confirm_speaker(owners[-1])
    return owners[-1] if owners[-1].confirmed else None


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
    head = words[-1].lower() if words else ""
    if head not in lx.group_speakers and head not in lx.organization_nouns:
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


def _names_a_person(noun: str) -> bool:
    """A singular noun that may describe a person ("senator", "tycoon"): a role, or no
    plural and no body, group, text or generic noun."""
    lx = lexicon()
    if noun in lx.roles:
        return True
    not_people = (
        lx.organization_nouns, lx.media_nouns, lx.group_speakers, lx.document_nouns,
        lx.generic_nouns, lx.common_words, lx.measure_nouns, lx.verbs,
    )  # fmt: skip
    return not noun.endswith("s") and not any(noun in listed for listed in not_people)


_SUBJECT_PHRASE_WORDS = 6
# the relative clause a speaker's description ends with, up to the verb
_RELATIVE_CLAUSE = re.compile(r"\s(?:who|whom|whose)\s[^,;:“”\"()]{1,150}$")
_NOT_IN_SUBJECT = frozenset(
    {"who", "whom", "whose", "which", "what", "that", "this", "it", "there", "here", "when",
     "where", "why", "how", "if", "not", "also", "i", "we", "you", "he", "she", "they"}
)  # fmt: skip
_CLAUSE_START = re.compile(
    r"(?:^|[,;:—(][”\"’]?\s*|\b(?:and|but|while|as|because|although|so)\s+)(?=[^,;:—(]*$)"
)


def _described_by_relative(left: str) -> tuple[str, int] | None:
    """ "A neighbor who lives across the street said": the description before a relative
    clause that runs up to the verb, when it reads as one (not "Even Republicans")."""
    relative = _RELATIVE_CLAUSE.search(left)
    if relative is None:
        return None
    head = left[: relative.start()]
    group = _group_phrase(head) or _subject_phrase(head)
    return group if group and shown_description(group[0]) else None


def _subject_phrase(left: str) -> tuple[str, int] | None:
    """ "Nearly half of the voters said", "some families said", "the report found": a short
    noun phrase that opens its clause and speaks without a name. Not a clause of its own
    (no verb, no relative or personal pronoun inside), and not a bare determiner."""
    start = _CLAUSE_START.search(left)
    if start is None:
        return None
    phrase = left[start.end() :].strip()
    words = phrase.split()
    if not words or len(words) > _SUBJECT_PHRASE_WORDS or re.search(r"[“”\"]", phrase):
        return None
    lx = lexicon()
    lowered = [w.lower().strip(".,'’") for w in words]
    if lowered[0] in _GROUP_BOUNDARY - _DETERMINERS or _PREPOSITION_START.match(lowered[0]):
        return None  # "and the delegates", "in three interviews": not where a subject starts
    if any(
        re.split(r"['’]", w)[0] in _NOT_IN_SUBJECT
        or w in lx.verbs
        or (w.endswith("ed") and w not in lx.role_modifiers)
        for w in lowered
    ):
        return None
    if lowered[-1] in _GROUP_BOUNDARY and (lowered[-1] not in _DETERMINERS or len(lowered) > 1):
        return None  # "another said" stands alone; "the", "and" end no subject
    capitalised = [w.strip(".,'’") for w in words if w[:1].isupper()]
    if len(capitalised) == len(words) and is_junk_name(capitalised):
        return None  # "Europe has promised …": a place does not speak
    if lowered[0] in _DETERMINERS or lowered[0] in lx.common_words:
        phrase = " ".join([words[0].lower(), *words[1:]])  # capitalised by its position
    return phrase, len(left.rstrip()) - len(" ".join(words))


# Words that open a noun phrase and count or pick out its members; other common words
# ("though", "given", "even") open no phrase that speaks.
_QUANTIFIERS = frozenset(
    {"a", "an", "the", "some", "many", "most", "all", "both", "each", "every", "several", "few",
     "other", "another", "only", "nearly", "almost", "about", "more", "less", "fewer", "just",
     "no", "any", "half", "these", "those", "this", "his", "her", "its", "their", "our"}
)  # fmt: skip
_SUBJECT_PRONOUNS = frozenset({"i", "we", "you", "he", "she", "it", "they"})
_RELATIVE_WORDS = frozenset({"who", "whom", "whose", "which", "that"})
_AUXILIARIES = frozenset(
    {"am", "are", "is", "was", "were", "be", "been", "can", "could", "did", "do", "does", "had",
     "has", "have", "may", "might", "must", "shall", "should", "will", "would"}
)  # fmt: skip
_DESCRIPTION_WORD = re.compile(r"[^\W\d_][\w'’&.-]*")
_SHARE = re.compile(r"\d+(?:\.\d+)?%?")


@functools.cache
def _speaker_nouns() -> frozenset[str]:
    """Nouns for people or bodies that speak: groups, roles, organisations, agents."""
    lx = lexicon()
    return lx.group_speakers | lx.roles | lx.organization_nouns | lx.agent_nouns


def shown_description(phrase: str) -> str | None:
    """An unnamed speaker as a reader is shown it: a common noun capitalised only because it
    opens the sentence is written in lower case ("Officials" → "officials"); a fragment of a
    clause is shown as no speaker (None)."""
    if not _is_description(phrase):
        return None
    first, _, rest = phrase.partition(" ")
    lowered = first.lower()
    if (
        first[:1].isupper()
        and not first.isupper()
        and (lowered in _speaker_nouns() or lowered.rstrip("s") in _speaker_nouns())
    ):
        return f"{lowered} {rest}" if rest else lowered
    return phrase


def _is_description(phrase: str) -> bool:
    """Whether a speaker no name stands for reads as a noun phrase a reader can be shown
    ("a Chinese official", "Twenty-four percent", "Aides to Clinton"), not a fragment the
    rules cut out of a clause ("though 32 percent", "Millennials still", "wouldn’t")."""
    words = [w.strip(",.;:") for w in phrase.split()]
    if not words or "(" in phrase or ")" in phrase or re.search(r"n['’]t\b", phrase):
        return False
    lx = lexicon()
    lowered = [w.lower() for w in words]
    first, head = lowered[0], lowered[-1]
    if first in lx.common_words and first not in _QUANTIFIERS and first not in lx.number_words:
        return False
    if words[0].islower() and first.endswith("ing"):
        return False  # "clarifying whether lawmakers": a clause
    if any(w in _SUBJECT_PRONOUNS or w.capitalize() in lx.calendar for w in lowered):
        return False
    before_relative = itertools.takewhile(lambda w: w not in _RELATIVE_WORDS, words[1:])
    if any(w in _AUXILIARIES for w in before_relative):
        return False  # "the candidate could be in a tight race": a clause
    if _SHARE.fullmatch(head):
        return head.endswith("%") or (len(words) > 2 and lowered[-2] in {"in", "of"})
    nouns = _speaker_nouns()
    if head in nouns or head.rstrip("s") in nouns:
        return True  # "Aides", "a staunch ally", "the family"
    if all(w[:1].isupper() for w in words) or not _DESCRIPTION_WORD.fullmatch(head):
        return False  # a name no actor stands for ("Right Wing Watch"), or no word
    return head not in lx.common_words and not (head.endswith("ly") and len(head) > 4)


_SOURCE_PHRASE = re.compile(
    r"\s+((?:(?:the|a|an|his|her|its|their)\s+)?[\w'’-]+(?:[ ](?![“”\"])[^\s,.;:“”\"]+){0,14})"
    r"(?=\s*(?:[,.;:]|$))"
)
_GROUP_AFTER = re.compile(r"\s+(?:(?:the|a|an)\s+)?((?:[\w.'’-]+\s+){0,3}[\w'’-]+)\s*(?=[,.;]|$)")


def _group_after(text: str, position: int) -> tuple[str, int] | None:
    """ "according to the city council": the group named after `position`, and its end."""
    match = _GROUP_AFTER.match(text, position)
    if match is None:
        return None
    found = _group_phrase(match.group(1))
    return (found[0], match.end(1)) if found else None


def _sentence_subject(mentions: list[Mention]) -> Mention | None:
    """The name a sentence opens with, roles and titles before it allowed, once confirmed."""
    first = _opening_name(mentions)
    return first if first is not None and first.confirmed else None


# a capitalised word alone opening a clause right before its verb
_SURNAME_BEFORE = re.compile(
    r"(?:^|[,;:”\"]\s*|\b(?:and|but|while|as)\s+)(?:(?:Mr|Mrs|Ms|Dr)\.?\s+)?"
    r"(?P<surname>[A-Z][a-z’'-]+)\s*$"
)
_AND = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)")


def _joint_subject(mentions: list[Mention]) -> list[Mention]:
    """The people a sentence opens with when it opens with several joined by "and" ("Ortiz
    and Reyes met …"), whom a "they" after it may stand for; empty otherwise."""
    first = _opening_subject(mentions)
    if first is None or first.kind != "person" or first.sentence.in_quote(first.start):
        return []
    group, view = [first], first.sentence.view
    for mention in mentions:
        if mention.start <= group[-1].end:
            continue
        joiner = _AND.fullmatch(view, group[-1].end, mention.start)
        if joiner is None or mention.kind != "person":
            break
        group.append(mention)
        if "and" in joiner.group(0):
            return group
    return []


def _members_subject(mentions: list[Mention]) -> Mention | None:
    """The group of members a sentence opens with as its subject ("House Republicans met
    …"), if it opens with one."""
    first = _opening_subject(mentions)
    if first is None or first.kind not in (None, "organization") or not names_members(first):
        return None
    return None if first.sentence.in_quote(first.start) else first


def _opening_subject(mentions: list[Mention]) -> Mention | None:
    """The name a sentence opens with, when it is the subject: not an owner ("Holt's aides")
    nor a word saying which one ("The Ostend mayor")."""
    first = _opening_name(mentions)
    return first if first is not None and _names_the_subject(first) else None


_FRONTED_PHRASE = re.compile(
    r"^\s*(?P<first>[A-Z][a-z]*)\b(?:\s+(?P<next>[a-z]+)\b)?[^,;:“”\"()]{0,60},\s+"
)


def _opens_adjunct(fronted: re.Match[str]) -> bool:
    """ "At", "Last", "However", "Recently", "Speaking in …", "Asked whether …": a
    sentence's first word that opens a phrase before its subject, not a name ("Ewing told
    …", "Ted said …" are names)."""
    first, following = fronted.group("first"), fronted.group("next")
    common = lexicon().common_words
    participle = (
        first.endswith(("ing", "ed"))
        and following is not None
        and following in common
        and first_name_gender(first) is None
    )
    return first.lower() in common or first.endswith("ly") or participle


def _ends_in_verb(opening: str) -> bool:
    """ "The former senator mocked ": words before a name that end in a verb, whose object
    the name is."""
    words = opening.split()
    return len(words) > 1 and words[-1] in lexicon().verbs


_LONG_FRONTED_CHARS = 200
_OPENING_WORD = re.compile(r"\s*(?P<first>[A-Z][a-z]+)\b(?:\s+(?P<next>[a-z]+)\b)?")
_AFTER_SUBJECT = re.compile(r"\s+(?P<word>[a-z]+)\b")


def _long_fronted_phrase_end(view: str, mentions: list[Mention]) -> int:
    """Where a long phrase before the subject ends, commas inside it ("Asked whether the
    campaign would apologize, Lamb shot back", "Speaking in Concord, which votes first,
    Ellis praised"): after the comma that the first name followed by a verb-like word
    stands after; 0 when the sentence does not open with such a phrase."""
    opening = _OPENING_WORD.match(view)
    if opening is None:
        return 0
    if not _opens_adjunct(opening):
        return 0
    for mention in mentions:
        if mention.start > _LONG_FRONTED_CHARS or re.search(r"[“”\"]", view[: mention.start]):
            break
        following = _AFTER_SUBJECT.match(view, mention.end)
        if (
            view[: mention.start].rstrip().endswith(",")
            and following is not None
            and following.group("word") not in _GROUP_BOUNDARY | _ROLE_JOINERS
        ):
            return mention.start
    return 0


def _opening_name(mentions: list[Mention]) -> Mention | None:
    """The name a sentence opens with ("Christie, the governor, repeated …"), roles and
    titles before it allowed, after a phrase before the subject ("On Friday, Christie …")."""
    if not mentions:
        return None
    view = mentions[0].sentence.view
    fronted = _FRONTED_PHRASE.match(view)  # "At the time, Trump seemed …"
    start = fronted.end() if fronted and _opens_adjunct(fronted) else 0
    first = next((m for m in mentions if m.start >= start), None)
    if first is not None and "," in view[start : first.start]:
        start = _long_fronted_phrase_end(view, mentions) or start
        first = next((m for m in mentions if m.start >= start), None)
    if first is None:
        return None
    opening = view[start : first.start]
    if len(opening) > _SUBJECT_REACH or re.search(r"[,;:“\"]", opening):
        return None
    if _OPENING_PRONOUN.match(opening):
        return None  # "He denounced the United Nations": the name is the object
    lx = lexicon()
    if any(word in lx.verbs or word in lx.speech_verbs for word in opening.lower().split()):
        return None  # "The judge also asked Mr. Bell …": the name is the object
    if _NOT_SPEAKER_BEFORE.search(opening) and not _OPENING_AS.match(opening):
        return None  # "When it came to the U.S. pledge, …": a preposition's object
    return first


def _quoted_text(sentence: Sentence, spans: list[tuple[int, int]] | None = None) -> str:
    """The quotations of a sentence (or the given spans of it), without their marks."""
    parts = [
        sentence.view[start + 1 : end - 1 if end - start > 2 else end]
        for start, end in (sentence.quotes if spans is None else spans)
    ]
    return " … ".join(part.strip(" ,") for part in parts if part.strip(" ,"))


def _continued_text(sentence: Sentence) -> str:
    """What a sentence that carries on a quotation quotes: its quotations when it opens one,
    else its words up to where the open quotation closes."""
    if opens_with_quote(sentence.view):
        return _quoted_text(sentence)
    close = _CLOSING_MARK.search(sentence.view)
    return sentence.view[: close.start() if close else len(sentence.view)]


def _outside_quotes(sentence: Sentence, text_start: int, text_end: int) -> str:
    """The part of a sentence between two offsets with the quotations cut out."""
    pieces = []
    position = text_start
    for start, end in sentence.quotes:
        if end <= text_start or start >= text_end:
            continue
        pieces.append(sentence.view[position:start])
        position = end
    pieces.append(sentence.view[position:text_end])
    return "".join(pieces)


def _content(sentence: Sentence, verb: _Verb, speaker_start: int, inverted: bool, end: int) -> str:
    """The statement: the quotation next to the attribution, else the clause it introduces
    (up to `end`, where the sentence's next speaker starts)."""
    text = sentence.view
    if sentence.quotes:
        spanned = _quotation_before(sentence, speaker_start)
        if spanned:
            return spanned
        before = _outside_quotes(sentence, 0, speaker_start).strip(" ,.:;—-")
        first_start = sentence.quotes[0][0]
        quote_before = not before and first_start < speaker_start
        after_verb = _SAID_OF.sub("", text[verb.end :])
        after_verb = re.sub(r"^[\s,:]*(?:that\s+)?", "", after_verb)
        verb_opens = not text[: verb.start].strip()  # `Said Ortiz, the engineer, "…"`
        if (
            quote_before
            or verb_opens
            or (opens_with_quote(after_verb) and not _quote_opens_clause(after_verb))
        ):
            quoted = _quoted_text(sentence)
            if quoted:
                return quoted
    before = text[:speaker_start].rstrip()
    if inverted:
        return before.strip(" ,")
    clause = _clause_before(before, text[verb.end :])
    if clause:
        return clause
    parenthetical = _around_parenthetical(before, text[verb.end : end])
    if parenthetical:
        return parenthetical
    after = _SAID_OF.sub("", text[verb.end : end])
    if any(word in after for word in _TRAILING_VERBS):
        after = _TRAILING_ATTRIBUTION.sub("", after)
    after = _TRAILING_SOURCE.sub("", after)  # whose report it is, not what was said
    that = _THAT.match(after)
    if that and ("act" in verb.tags or not _another_verb_before_that(after[: that.end()])):
        return after[that.end() :]
    if "tell" in verb.tags:
        after = _TOLD_OBJECT.sub("", after)  # "told reporters on Friday the plant would close"
    after = _LEADING_ADJUNCT.sub("", after)
    if "act" in verb.tags:
        return f"{verb.word} {after.strip()}"
    return after


def _another_verb_before_that(skipped: str) -> bool:
    """ "said the bridge was too dear, adding that …": the "that" belongs to a second speech
    verb, so the words before it are a statement too, not a time or place to skip (after
    an act, "opposed the plan, arguing that …", or right after the first verb, "agreed,
    saying that …", the second verb's clause is the statement)."""
    for verb in _VERB.finditer(skipped):
        if verb.group().split()[0].endswith(("ing", "ed")):
            return len(skipped[: verb.start()].split()) >= _MIN_CLAIM_WORDS
    return False


_CLAUSE_GOES_ON = re.compile(r"\s+[a-z]")
_QUOTED_PHRASE_WORDS = 2


def _quote_opens_clause(text: str) -> bool:
    """`"local forces" must lead the way`: a quoted word or two that opens a clause going
    on after it (no comma or stop inside its closing mark, a lower-case word after it), so
    the statement is the clause, not the quoted words alone."""
    spans = quote_spans(as_read(text))
    if not spans:
        return False
    start, end = spans[0]
    return (
        len(text[start:end].split()) <= _QUOTED_PHRASE_WORDS
        and text[end - 2 : end - 1] not in ",.?!"
        and bool(_CLAUSE_GOES_ON.match(text, end))
    )


_NEXT_TO_QUOTE_WORDS = 6
_QUOTE_MARKS = re.compile(r"[“”\"]")
_COLON_QUOTE = re.compile(r":\s*(?=[“\"])")


def _quotes_next_to(sentence: Sentence, verb: _Verb) -> bool:
    """Whether the verb's statement quotes someone: a quotation ends within a few words
    before the verb (`"…," says the ad's narrator`) or comes after it (`he added, "…"`,
    `saying the judge was "biased" against him`), or the sentence opens with a quotation
    that the words up to the verb attribute."""
    text = sentence.view
    return _attributes_opening_quote(sentence, verb.start) or any(
        len(text[end : verb.start].split()) <= _NEXT_TO_QUOTE_WORDS
        if end <= verb.start
        else start >= verb.end
        for start, end in sentence.quotes
    )


_QUOTE_RIGHT_AFTER = re.compile(r"[\s,:]*[“\"]")


def _beside_quote(sentence: Sentence, verb: _Verb) -> bool:
    """Whether a quotation stands right by the verb: it ends a few words before it, opens
    right after it, or opens the sentence the words up to the verb attribute."""
    text = sentence.view
    return (
        any(
            end <= verb.start and len(text[end : verb.start].split()) <= _NEXT_TO_QUOTE_WORDS
            for _, end in sentence.quotes
        )
        or bool(_QUOTE_RIGHT_AFTER.match(as_read(text), verb.end))
        or _attributes_opening_quote(sentence, verb.start)
    )


_TAIL_MAX_WORDS = 16
_UTTERANCE_END = re.compile(r"[,?!—–-]\s*[”\"]$")
_TAIL_BREAK = re.compile(r"[“”\";:()]|[.?!]\s")


def _attributes_opening_quote(sentence: Sentence, position: int) -> bool:
    """`"We have a deal," Dana Ortiz of the Center for Public Integrity, a watchdog, wrote`:
    in a sentence that opens with a quotation closed as speech is (a comma, question or
    exclamation mark before the closing mark), the words up to `position` are its
    attribution, however long the speaker's description, when they hold no other
    quotation and no new sentence or clause break."""
    if not sentence.quotes or not opens_with_quote(sentence.view):
        return False
    start, end = sentence.quotes[0]
    text = sentence.view
    if start != len(text) - len(text.lstrip()) or end > position:
        return False
    tail = text[end:position]
    return (
        bool(_UTTERANCE_END.search(text, start, end))
        and len(tail.split()) <= _TAIL_MAX_WORDS
        and not _TAIL_BREAK.search(tail)
    )


def _quotation_before(sentence: Sentence, speaker_start: int) -> str | None:
    """`"We will "never" give up," he said`: a sentence that opens with a quotation whose
    last closing mark comes just before the speaker. The whole span is the statement, with
    any quotation marks nested inside it, rather than the pieces between them; a quotation
    resumed after the speaker (`…," he said, "…"`) follows after an ellipsis."""
    text = sentence.view
    ends = [end for _, end in sentence.quotes if end <= speaker_start]
    if not ends or not opens_with_quote(text):
        return None
    if len(
        text[ends[-1] : speaker_start].split()
    ) > _ROLE_WORDS_BEFORE_SPEAKER and not _attributes_opening_quote(sentence, speaker_start):
        return None
    resumed = [
        (start, end)
        for start, end in sentence.quotes
        if start >= speaker_start and text[:start].rstrip().endswith((",", ":"))
    ]
    return _quoted_text(sentence, [(sentence.quotes[0][0], ends[-1]), *resumed])


def _around_parenthetical(before: str, after: str) -> str | None:
    """ "The new bridge, he said, would cost millions": an attribution set between commas
    inside the statement; the statement is both sides of it, joined by an ellipsis."""
    rest = _TIME_AFTER_VERB.sub("", after, count=1).lstrip()
    if not before.endswith(",") or not rest.startswith(","):
        return None
    head, tail = before[:-1].strip(), rest[1:].strip()
    if not head or not tail[:1].islower() or _PREPOSITION_START.match(tail):
        return None
    return f"{head} … {tail}"


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


# and articles: a statement cut before the next speaker ("…, the Times reported") ends in one
_TRAILING_CONJUNCTIONS = ("and", "but", "while", "whereas", "as", "although", "the", "a", "an")
_TRAILING_CONJUNCTION = re.compile(rf"[\s,;]+(?:{'|'.join(_TRAILING_CONJUNCTIONS)})$")


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,;:—-")
    if text.endswith(_TRAILING_CONJUNCTIONS):  # (`_clean`ed text has no final newline)
        text = _TRAILING_CONJUNCTION.sub("", text)
    text = text.strip("“”\"‘’'").strip(" ,;:")
    if text.endswith((".", ",")) and not text.endswith(("..", "…")):
        text = text[:-1]
    return balance_quotes(mend_quote_marks(text.strip()))


_SPOKEN_END = re.compile(r"[,.?!…]\s*[”\"]$")


def _is_reply(attribution: Attribution) -> bool:
    """`"Absolutely not," she said.`: a short statement that is a whole quotation closed as
    speech is (a comma, stop, question or exclamation mark inside the closing mark), said by
    someone named. A quoted word inside a sentence (a title, a scare quote) is none."""
    if attribution.speaker is None or not attribution.named:
        return False
    view = attribution.sentence.view
    return any(
        view[start + 1 : end].strip(' ,.?!…”"') == attribution.text
        and _SPOKEN_END.search(view, start, end)
        for start, end in attribution.sentence.quotes
    )


_TRAILING_TAIL_WORDS = 3  # "…, the Ledger said on Monday."
_COMMA_BEFORE = re.compile(r",\s+(?:[Tt]he\s+)?$")
# "― Dana Ortiz", "- Ortiz.", "— Dana Ortiz, a nurse from Tulsa": a dash signing a quotation
# `HOLT: …`, and `"HOLT: …` where a story quotes a transcript paragraph by paragraph
_TRANSCRIPT_TURNS = 3
_LABEL = re.compile(r"[“\"]?(?P<name>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}):\s+(?=\S)")
_SIGNATURE = re.compile(r"\s*[-―—–]{1,2}\s*(?P<name>[A-Z][^.!?;:“”\"]{0,80}?)\s*\.?\s*$")


def _label_names_a_person(mentions: list[Mention], start: int, end: int) -> None:
    """A transcript's label in capitals ("HOLT:") names one of its speakers: a person,
    though a word in capitals alone reads as an acronym."""
    for mention in mentions:
        if (mention.start, mention.end) == (start, end) and mention.kind == "organization":
            mention.kind = "person"


class ClaimFinder:
    """Walks one document's sentences and finds attributed statements."""

    def __init__(self, document: Document, mentions: list[Mention]) -> None:
        self.document = document
        self.mentions = mentions
        self.by_sentence: dict[int, list[Mention]] = {}
        for mention in mentions:
            self.by_sentence.setdefault(mention.index, []).append(mention)
        self.context = _Context()
        self.unnamed: set[str] = set()  # speakers that are descriptions or several actors
        self.people: set[str] = set()  # keys of the people named so far
        self.genders: dict[str, Gender | None] = {}
        # People the text shows to be people (a role, a title, an age, or they speak), whom
        # "he" and "she" may stand for; a capitalised phrase read as a name may not be one.
        self.evidenced: set[str] = set()
        honorifics = lexicon().honorifics
        for mention in mentions:
            if mention.kind != "person":
                continue
            title = mention.tokens[0].rstrip(".") if mention.tokens else ""
            gender = title_gender(title) if title in honorifics else role_gender(mention.role)
            if gender:
                self.genders.setdefault(mention.key, gender)
            if mention.role or mention.evidence:
                self.evidenced.add(mention.key)

    def attributions(self) -> list[Attribution]:
        """Every attributed statement in the document, in order. A quotation that runs on
        into the next sentences or paragraphs is one statement over all of them."""
        found: list[Attribution] = []
        for index, sentence in enumerate(self.document.sentences):
            if sentence.heading:
                continue
            here = self.by_sentence.get(index, [])
            continues = bool(found) and self._continues(index, sentence)
            inside = continues and self._carried_quote_end(sentence) > 0
            attributions = self._attribution(index, sentence, here)
            signed = self._signed_quote(index, sentence)
            # a transcript's turn goes on to the end of the paragraph its label opens
            turn = bool(found) and sentence.paragraph == self.context.label_paragraph
            if signed is not None:
                found.append(signed)
            elif (turn and not attributions) or (
                continues
                and (
                    (not attributions and (inside or not _verbs(sentence)))
                    or (inside and [a.speaker for a in attributions] == [found[-1].speaker])
                )
            ):
                self._extend(found[-1], index, sentence)
            elif not attributions:
                introduced = self._introduced_quote(index, sentence)
                found.extend([introduced] if introduced else [])
            else:
                found.extend(attributions)
            self._remember_people(index, sentence, here)
            following = self.document.sentences[index + 1 : index + 2]
            # a quotation left open ends with its paragraph: news copy opens the next
            # paragraph with a quotation mark when the quotation goes on
            self.context.quote_open = self._quote_still_open(sentence) and (
                not following or following[0].paragraph == sentence.paragraph
            )
        return [a for a in found if len(a.text.split()) >= _MIN_CLAIM_WORDS or _is_reply(a)]

    def _remember_people(self, index: int, sentence: Sentence, mentions: list[Mention]) -> None:
        subject = self._subject_person(index, sentence, mentions)
        for mention in mentions:
            if mention.kind == "person" and not mention.sentence.in_quote(mention.start):
                self.context.people.append((mention.key, index))
                self.people.add(mention.key)
        if subject is not None:
            self.context.last_subject = subject
            self.context.last_subject_index = index
        joint = _joint_subject(mentions)
        if joint:
            self._named(joint)  # "Ortiz and Reyes met the governor. They said …"
        members = _members_subject(mentions)
        if members is not None:
            self.context.members_subject = members

    def _subject_person(
        self, index: int, sentence: Sentence, mentions: list[Mention]
    ) -> str | None:
        """The person a sentence is about: the name it opens with, else whom the "he" or
        "she" or the description by role ("The former ambassador") it opens with stands for
        ("He later met Petrov." is still about the one "he" was before, not about Petrov)."""
        subject = _sentence_subject(mentions)
        if subject is not None:
            return subject.key if subject.kind == "person" else None
        pronoun = _OPENING_PRONOUN.match(sentence.view)
        if pronoun is not None and pronoun.group(1).lower() == "they":
            return None
        unnamed = self._unnamed_subject(index, sentence, mentions)
        return unnamed if unnamed in self.people else None

    def _attribution(
        self, index: int, sentence: Sentence, mentions: list[Mention]
    ) -> list[Attribution]:
        """The statements of one sentence: one per attribution verb whose speaker differs
        ("Ortiz said …, while Reyes argued …"), each cut before the next speaker."""
        labelled = self._labelled_line(index, sentence, mentions)
        if labelled is not None:
            return [labelled]
        found: list[tuple[_Verb, str | None, int, bool]] = []
        unknown: tuple[_Verb, str | None, int, bool] | None = None
        for verb in _verbs(sentence, self._carried_quote_end(sentence)):
            if found and verb.start < found[-1][0].end:
                continue
            if "quote" in verb.tags and not _beside_quote(sentence, verb):
                continue  # "she read the report": no statement
            speaker, start, inverted = self._speaker(index, sentence, verb, mentions)
            if speaker is not None and all(speaker != other for _, other, _, _ in found):
                found.append((verb, speaker, start, inverted))
            elif speaker is None and unknown is None and _quotes_next_to(sentence, verb):
                unknown = (verb, None, start, inverted)
        found = self._reported_whole(sentence, found)
        # "According to the Ledger, Ortiz said …": the outlet reports what Ortiz said, so
        # both are speakers (a quotation stays only its speaker's); the outlet's claim comes
        # first, so that "he" later is Ortiz
        stated = found or unknown is not None
        reporter = self._according_to(index, sentence, mentions) if stated else None
        if not found and unknown is not None:
            if reporter is not None:
                return [reporter]  # "According to Acme, the sign read “…”": Acme's
            found = [unknown]  # "…," said a longtime adviser: a statement all the same
        attributions: list[Attribution] = []
        for position, (verb, speaker, start, inverted) in enumerate(found):
            following = [s for v, _, s, _ in found[position + 1 :] if s > verb.end]
            end = following[0] if following else len(sentence.view)
            text = _clean(_content(sentence, verb, start, inverted, end))
            if (
                following
                and not inverted
                and len(text.split()) < _MIN_CLAIM_WORDS
                and "," not in sentence.view[verb.end : end]
            ):
                # nothing of its own before the next speaker: "Reyes noted that the Ledger's
                # Bell had said …" reports Bell's words, which are Reyes's statement too; not
                # past a comma ("Bell threatened to quit, a step the board will discuss"),
                # where the next speaker's clause is about the first's, not what it said
                text = _clean(_content(sentence, verb, start, inverted, len(sentence.view)))
            said_that = not inverted and _THAT.match(sentence.view[verb.end : end])
            # a short quotation ("“It's mind-boggling,” Greenberg said.") is kept for now: the
            # next sentence may go on quoting; it is left out at the end if it does not
            short = len(text.split()) < _MIN_CLAIM_WORDS and not (
                text and text in _quoted_text(sentence)
            )
            if not said_that and _PREPOSITION_START.match(text) and _QUOTE_MARKS.search(text):
                text = f"{verb.word} {text}"  # "boasted of his will to spend “whatever it takes”"
            if short or (not said_that and _PREPOSITION_START.match(text)):
                self._note_colon(index, sentence, speaker, said_nothing=True)
                continue  # "told reporters on Friday": where, not what
            if inverted and any(text == other.text for other in attributions):
                continue  # "“…,” said Ortiz, reports the Times": the words stay Ortiz's
            attributions.append(self._found(index, sentence, speaker, text))
        if reporter is not None and all(
            reporter.speaker != a.speaker and reporter.text != a.text for a in attributions
        ):
            attributions.insert(0, reporter)
        elif not attributions:
            according = self._according_to(index, sentence, mentions)
            introduced = according or self._colon_quote(index, sentence, mentions)
            attributions = [introduced] if introduced else []
        if not found:
            self._note_colon(index, sentence, self._colon_subject(index, sentence, mentions))
        return attributions

    def _reported_whole(
        self, sentence: Sentence, found: list[tuple[_Verb, str | None, int, bool]]
    ) -> list[tuple[_Verb, str | None, int, bool]]:
        """ "The files show that Reyes met the builder, the Ledger said.": a named speaker
        after a comma at the end of the sentence reports all of it; a description inside
        ("the files") speaks no words of its own there (a name, "Reyes said …", still does)."""
        if len(found) < 2:
            return found
        verb, last, start, _ = found[-1]
        named = {m.key for m in self.mentions if m.confirmed}
        tail = sentence.view[verb.end :].split()
        if (
            last not in named
            or not _COMMA_BEFORE.search(sentence.view, 0, start)
            or len(tail) > _TRAILING_TAIL_WORDS
        ):
            return found
        return [entry for entry in found[:-1] if entry[1] in named] + found[-1:]

    def _labelled_line(
        self, index: int, sentence: Sentence, mentions: list[Mention]
    ) -> Attribution | None:
        """`TAPPER: Take a listen.`, `Ortiz: Farm Aid Must Go On.`: a paragraph that opens with
        a name and a colon is that person's (or body's) words, as transcripts and headlines
        write them; a name in capitals stands for the person of that surname named before."""
        label = _LABEL.match(sentence.view)
        previous = self.document.sentences[index - 1] if index else None
        if label is None or (previous is not None and previous.paragraph == sentence.paragraph):
            return None
        text = _clean(sentence.view[label.end() :])
        if len(text.split()) < _MIN_CLAIM_WORDS:
            return None
        spanning = [
            m.key for m in mentions if m.start == label.start("name") and m.end == label.end("name")
        ]
        speaker = self._label_speaker(label.group("name"), spanning)
        if speaker is None:
            return None
        if speaker in self._transcript_labels:
            _label_names_a_person(mentions, label.start("name"), label.end("name"))
        self.context.label_paragraph = sentence.paragraph
        return self._found(index, sentence, speaker, text)

    def _label_speaker(self, label: str, keys: list[str]) -> str | None:
        """Whom a line's label (read as the names `keys`) names: a person or body the article
        names so ("Ortiz", "AP"), or whose surname it is ("TRUMP" → "Donald Trump"); people
        before bodies. A word the article never shows to be someone ("Update", "Ukraine")
        names no one."""
        words = label.lower().split()
        for kinds in ({"person"}, {"organization", "media"}):
            for mention in self.mentions:
                key = mention.key.lower().split()
                if mention.kind in kinds and (
                    key == words or mention.key in keys or (len(words) == 1 and key[-1:] == words)
                ):
                    return mention.key
        return label if label in self._transcript_labels else None

    @functools.cached_property
    def _transcript_labels(self) -> frozenset[str]:
        """Labels in capitals ("WALLACE") that open two paragraphs or more of an article where
        three paragraphs or more open so: a transcript, whose labels name its speakers even
        when the article never gives their full names."""
        opening: dict[str, int] = {}
        previous = None
        for sentence in self.document.sentences:
            label = _LABEL.match(sentence.view) if sentence.paragraph != previous else None
            previous = sentence.paragraph
            name = label.group("name") if label else ""
            if len(name) > 1 and name.isupper():
                opening[name] = opening.get(name, 0) + 1
        if sum(opening.values()) < _TRANSCRIPT_TURNS:
            return frozenset()
        return frozenset(name for name, count in opening.items() if count > 1)

    def _carried_quote_end(self, sentence: Sentence) -> int:
        """Where a quotation left open by the sentence before closes in this one (0 if none)."""
        if not self.context.quote_open or opens_with_quote(sentence.view):
            return 0
        close = _CLOSING_MARK.search(sentence.view)
        return close.end() if close else len(sentence.view)

    def _quote_still_open(self, sentence: Sentence) -> bool:
        """Whether a quotation is open at the end of the sentence: one carried in that does
        not close here, or one opened after it closes."""
        carried_end = self._carried_quote_end(sentence)
        if carried_end == len(sentence.view) and carried_end:
            return not _CLOSING_MARK.search(sentence.view)
        return quote_left_open(sentence.view[carried_end:])

    def _unnamed_subject(
        self, index: int, sentence: Sentence, mentions: list[Mention]
    ) -> str | None:
        """Who a sentence opening with "He", "She" or a description ("The Florida senator")
        is about, for a verb further on that shares its subject."""
        pronoun = _OPENING_PRONOUN.match(sentence.view)
        if pronoun is not None:
            return self._pronoun(index, mentions, pronoun.end(), pronoun.group(1).lower())
        opening = _OPENING_DESCRIPTION.match(sentence.view)
        if opening is None:
            return None
        described = self._described_person(opening.group(0), index)
        return described[0] if described else None

    def _colon_quote(
        self, index: int, sentence: Sentence, mentions: list[Mention]
    ) -> Attribution | None:
        """`Bush: "The mission is …"`, `As Cornyn put it: "…"`: a quotation that a colon
        introduces is the statement of the name just before the colon, else of the name or
        pronoun the sentence opens with, else of someone the text does not name here."""
        colon = next(
            (
                match
                for match in _COLON_QUOTE.finditer(sentence.view)
                if not sentence.in_quote(match.start())
            ),
            None,
        )
        if colon is None:
            return None
        quotes = [span for span in sentence.quotes if span[0] >= colon.end()]
        text = _clean(_quoted_text(sentence, quotes))
        if len(text.split()) < _MIN_CLAIM_WORDS:
            return None
        left = sentence.view[: colon.start()]
        named = [m for m in mentions if m.end <= colon.start() and not left[m.end :].strip()]
        for mention in named:
            confirm_speaker(mention)
        if named and named[-1].confirmed:
            speaker: str | None = self._named(named[-1:])
        else:
            speaker = self._colon_subject(index, sentence, mentions, colon.start())
        return self._found(index, sentence, speaker, text)

    def _note_colon(
        self, index: int, sentence: Sentence, speaker: str | None, said_nothing: bool = False
    ) -> None:
        """A sentence that ends on a colon after its speaker introduces what follows; so does
        one whose verb says nothing itself ("Holt agreed.", "Holt said in a statement.") when
        a quotation opens the next sentence of its paragraph."""
        if speaker is None:
            return
        if sentence.view.rstrip().endswith(":") or (
            said_nothing and self._quotation_follows(index, sentence)
        ):
            self.context.colon_speaker, self.context.colon_index = speaker, index

    def _quotation_follows(self, index: int, sentence: Sentence) -> bool:
        """Whether a quotation opens the next sentence, in this paragraph or (this sentence
        ending its own) as the next paragraph: "Ortiz spoke after the vote.¶“We cannot …”"."""
        following = self.document.sentences[index + 1 : index + 2]
        return (
            bool(following)
            and following[0].paragraph in (sentence.paragraph, sentence.paragraph + 1)
            and opens_with_quote(following[0].view)
        )

    def _colon_subject(
        self, index: int, sentence: Sentence, mentions: list[Mention], colon: int | None = None
    ) -> str | None:
        """ "He then listed the qualities he wanted:": the name or pronoun the sentence opens
        with, when it ends on a colon and quotes nothing itself (or, given the `colon` that
        introduces a quotation in the sentence, when the name opens the text before it)."""
        if colon is None and (sentence.quotes or not sentence.view.rstrip().endswith(":")):
            return None
        mentions = [m for m in mentions if colon is None or m.end <= colon]
        subject = _sentence_subject(mentions)
        if subject is not None:
            return self._named([subject])
        pronoun = _OPENING_PRONOUN.match(sentence.view)
        if pronoun is None:
            return None
        return self._pronoun(index, mentions, pronoun.end(), pronoun.group(1).lower())

    def _found(self, index: int, sentence: Sentence, speaker: str | None, text: str) -> Attribution:
        self.context.last_speaker = speaker
        self.context.last_speaker_index = index
        if speaker is not None:
            self.evidenced.add(speaker)
        self.context.last_was_quotation = bool(sentence.quotes) and text in _quoted_text(sentence)
        named = speaker is not None and speaker not in self.unnamed
        return Attribution(sentence, index, speaker, text, named=named)

    def _speaker(
        self, index: int, sentence: Sentence, verb: _Verb, mentions: list[Mention]
    ) -> tuple[str | None, int, bool]:
        left = sentence.view[: verb.start]
        clause = left.rstrip().rstrip('”"')  # "… called the “Golden Week,” saying …"
        participle_verb = verb.word.split()[0].endswith("ing")  # "noting", "pointing out"
        gerund = _GERUND_AFTER.search(left) if participle_verb else None
        if gerund is not None:
            clause = left[: gerund.start()]  # "Ortiz angered the crowd by saying …"
        accompanying = _accompanying_subject(left, mentions) if participle_verb else None
        if accompanying is not None:
            return self._named([accompanying]), accompanying.start, False
        if participle_verb and (clause.endswith(",") or gerund is not None):
            # "…, Trump hewed to Obama's line, noting that …": the clause's subject speaks,
            # never the name that happens to stand before the comma
            participle = _participle_subject(clause, mentions) or _opening_subject(mentions)
            if participle is not None:
                confirm_speaker(participle)
            if participle is None:
                participle = _subject_before(verb, mentions)
            if participle is None or not participle.confirmed:
                return self._unnamed_subject(index, sentence, mentions), verb.start, False
            return self._named([participle]), participle.start, False
        trailing = _trailing_speaker(sentence, verb, mentions)
        if trailing is not None:
            return self._named([trailing]), verb.start, True  # "…, reports the Ostend Times."
        found, pronoun, start = _speaker_before(sentence, verb, mentions)
        if len(found) == 1 and _describes_by_name(found[0]):
            return self._story_person(index), found[0].start, False
        for mention in found:
            confirm_speaker(mention)
        if found and all(m.confirmed for m in found):
            return self._named(found), found[0].start, False
        if pronoun:
            # "…a falsehood by Mr. Trump, he said, becomes hopeless": the names before a
            # pronoun that attributes the words around it are what it said, not who said it
            inside = sentence.view[:start].rstrip().endswith(",") and _PARENTHETICAL_END.match(
                sentence.view, verb.end
            )
            candidates = [] if inside else mentions
            return self._pronoun(index, candidates, verb.start, pronoun), start, False
        surname = None if found else self._known_surname(sentence.view[:start])
        if surname is not None:
            return surname[0], surname[1], False
        quoted_by = _opening_quote_speaker(sentence, verb, mentions) if not found else None
        if quoted_by is not None:
            return self._named([quoted_by]), quoted_by.start, False
        if found:
            start = found[-1].end  # "Aides said": a capitalised noun, read as a description
        left = sentence.view[: _core_end(sentence.view[:start], mentions, anchored=False)]
        left = left.rstrip()
        if (
            "noun" in verb.tags
            and not _DEFINITE_NOUN.search(left)
            and not _past_after_and(verb, left)
        ):
            return None, start, False  # "the claims …", but "the ad claims …" is a verb
        if not left or left.endswith((",", "”", '"', ":", "“")):  # `here,“ said Lee`
            after = _speaker_after(sentence, verb, mentions)
            if after is not None:
                confirm_speaker(after)
                if after.confirmed:
                    return self._named([after]), verb.start, True
            described_after = _description_after(sentence, verb)
            if described_after is not None:
                referent = self._definite_referent(described_after, index, verb.start)
                if referent is not None:
                    return referent, verb.start, True  # "…," said the agency
                self.unnamed.add(described_after)  # "…," said a person close to the mayor
                return described_after, verb.start, True
        if _COORDINATED.search(left):
            # "Lavrov spoke to the media … and said", "She did not name him, but told …"
            subject = _sentence_subject(mentions)
            if subject is not None and subject.confirmed:
                return self._named([subject]), subject.start, False
            opener = self._unnamed_subject(index, sentence, mentions)
            if opener is not None:
                return opener, 0, False
        owner = _document_owner(left, mentions)
        if owner is not None:
            return self._named([owner]), owner.start, False
        principal = self._principal(left, index, mentions)
        if principal is not None:
            return principal[0], principal[1], False
        nominal = self._nominal(left, index)
        if nominal:
            return nominal
        for phrase in (
            _role_phrase_speaker(left, mentions, self.mentions, index),
            _organization_phrase(left),
        ):
            if phrase:
                return phrase[0], phrase[1], False
        described = self._described_person(left, index)
        if described:
            return described
        definite = _DEFINITE_PHRASE_BEFORE.search(left)
        referent = definite and self._definite_referent(
            definite.group(0).strip(), index, definite.start()
        )
        if definite and referent:
            return referent, definite.start(), False  # "the poll found", "the agency said"
        group = _group_phrase(left) or _subject_phrase(left) or _described_by_relative(left)
        if group:
            self.unnamed.add(group[0])
            self.context.last_group, self.context.last_group_index = group[0], index
            return group[0], group[1], False
        return None, start, False

    def _principal(self, left: str, index: int, mentions: list[Mention]) -> tuple[str, int] | None:
        """ "Clinton's campaign", "his aides", "Acme officials", "a spokeswoman for Acme": who
        the people speaking for someone speak for, and where the phrase starts."""
        stripped = left.rstrip()
        agents = lexicon().agent_nouns
        before = [m for m in mentions if m.end <= len(stripped)]
        last = before[-1] if before else None
        if last is not None and last.end == len(stripped):
            agent = _AGENT_FOR.search(stripped, 0, last.start)
            if agent and agent.group("agent") in agents:
                confirm_speaker(last, principal_kind(last))
                return (self._named([last]), agent.start("agent")) if last.confirmed else None
        words = stripped.split()
        if not words or words[-1].lower() not in agents:
            return None
        if last is not None and _OWNED_AGENT.fullmatch(stripped, last.end):
            confirm_speaker(last, principal_kind(last))
            return (self._named([last]), last.start) if last.confirmed else None
        owner = _OWNER_PRONOUN.search(stripped)
        if owner is None:
            return None
        pronoun = _PRONOUN_OF_POSSESSIVE[owner.group("pronoun").lower()]
        speaker = self._pronoun(index, mentions, owner.start(), pronoun)
        return (speaker, owner.start()) if speaker else None

    def _known_surname(self, left: str) -> tuple[str, int] | None:
        """ "King says …" after "Sarah Jean King": a capitalised word alone opening the clause
        before the verb that no name was read from here (it is also a role word: "King",
        "Bishop", "Judge") stands for the one person named before with it as surname; and
        where it starts."""
        match = _SURNAME_BEFORE.search(left)
        if match is None:
            return None
        word = match.group("surname")
        people = {key for key in self.people if " " in key and key.split()[-1] == word}
        return (people.pop(), match.start("surname")) if len(people) == 1 else None

    def _named(self, mentions: list[Mention]) -> str:
        """The speaker's name; for several ("Ortiz and Reyes") their names joined, a group
        that "they" may stand for later."""
        keys = list(dict.fromkeys(m.key for m in mentions))
        if len(keys) == 1:
            if mentions[0].kind != "person":
                self.context.last_group = keys[0]
                self.context.last_group_index = mentions[0].index
            return keys[0]
        joint = f"{', '.join(keys[:-1])} and {keys[-1]}"
        self.unnamed.add(joint)
        self.context.last_group, self.context.last_group_index = joint, mentions[0].index
        return joint

    def _described_person(self, left: str, index: int) -> tuple[str, int, bool] | None:
        """ "The former three-term governor said": a definite description by role with no
        person of that role named, read as the person the story is on: the speaker or
        subject of the sentence before."""
        match = _DEFINITE_ROLE.search(left)
        if match is None or not _names_a_person(match.group("head").lower()):
            return None
        person = self._story_person(index)
        return (person, match.start(), False) if person is not None else None

    def _story_person(self, index: int) -> str | None:
        """The person the story is on at sentence `index`: the speaker or else the subject
        of this sentence or the one before."""
        context = self.context
        if context.last_speaker in self.people and index - context.last_speaker_index <= 1:
            return context.last_speaker
        subject = context.last_subject
        return subject if subject is not None and index - context.last_subject_index <= 1 else None

    def _gender(self, key: str) -> Gender | None:
        """What the article's titles ("Ms. Baxter") or the first name say of a person."""
        if key not in self.genders:
            self.genders[key] = person_gender(key)
        return self.genders[key]

    def _nominal(self, left: str, index: int) -> tuple[str, int, bool] | None:
        """ "the newspaper said", "the agency said": the latest outlet or organisation named
        before (see `_organization_before`)."""
        match = _DEFINITE_NOUN.search(left)
        if match is None:
            return None
        found = self._organization_before(match.group("noun").lower(), index, match.start())
        return (
            (self._body_speaks(found, index), match.start("determiner"), False) if found else None
        )

    def _organization_before(self, noun: str, index: int, position: int) -> str | None:
        """The latest outlet ("the newspaper") or organisation ("the agency") named before
        `position` of sentence `index`, one whose name holds the noun first ("the
        federation" → "Spanish Football Federation")."""
        lx = lexicon()
        if noun in lx.organization_nouns:  # "the agency": a news agency or any other
            kinds = {"organization", "media"}
        elif noun in lx.media_nouns:
            kinds = {"media"}
        else:
            return None
        candidates = [
            m
            for m in self.mentions
            if m.kind in kinds
            and m.confirmed
            and index - _NOMINAL_REACH <= m.index <= index
            and (m.index < index or m.end <= position)
        ]
        named = [m for m in candidates if noun in m.key.lower().split()]
        pool = named or candidates
        body = None if named else self._speaking_body(index)
        if body is not None and (not pool or pool[-1].index <= self.context.last_speaker_index):
            return body  # "Twitter acknowledged that …. “…,” the company said"
        return pool[-1].key if pool else None

    def _speaking_body(self, index: int) -> str | None:
        """The speaker of this sentence or the one before, when nothing shows it to be a
        person (no title, role, given name or gender): a body that "the company" may be,
        though the name alone did not tell its kind ("Twitter", "Monsanto")."""
        key = self.context.last_speaker
        if key is None or key in self.unnamed or index - self.context.last_speaker_index > 1:
            return None
        mention = next((m for m in reversed(self.mentions) if m.key == key), None)
        if mention is None or mention.role or self._gender(key) is not None:
            return None
        return key if principal_kind(mention) == "organization" else None

    def _body_speaks(self, body: str, index: int) -> str:
        """Note that the organisation `body` speaks in sentence `index` ("the company said"),
        so that "it" may stand for it next ("It added …"); return it."""
        self.context.last_group, self.context.last_group_index = body, index
        return body

    def _definite_referent(self, phrase: str, index: int, position: int) -> str | None:
        """Who a definite description in lower case that speaks stands for, when the text
        named them before: "the poll" the body named with a poll ("a Quinnipiac poll"), else
        the last named speaker; "the agency" the latest organisation; "the businessman" the
        person "he" would be. Not when the text brought in an unnamed one before ("a man
        shouted … the man said"), nor for several ("the officials")."""
        match = _DEFINITE_PHRASE.fullmatch(phrase)
        if match is None:
            return None
        head = match.group("head")
        lx = lexicon()
        if head in lx.document_nouns:
            owner = self._document_named_before(head, index, position)
            if owner is not None:
                return owner
        introduced = self._introduced_before(head, index, position)
        if head in lx.document_nouns:  # "Acme issued a statement. … the statement said"
            if introduced is None:
                return self._recent_named_speaker(index)
            subject = _sentence_subject(self.by_sentence.get(introduced, []))
            return subject.key if subject is not None else None
        if introduced is not None or head in lx.agent_nouns:
            return None  # "the spokesman", "the campaign": someone's, not who they are
        if head in lx.media_nouns or head in lx.organization_nouns:
            body = self._organization_before(head, index, position)
            return self._body_speaks(body, index) if body is not None else None
        if head not in lx.roles:
            return None
        # a name of its own sentence is someone else: "Holt said the mayor wanted …"
        return self._person_before(index, [], position, role_gender(head))

    def _document_named_before(self, noun: str, index: int, position: int) -> str | None:
        """The body or person a text of that kind was named with before ("a Quinnipiac
        University poll", "a statement from the Ostend FA"), in this sentence or the ones
        before."""
        pattern = re.compile(rf"\b{re.escape(noun)}s?\b", re.IGNORECASE)
        for back in range(index, max(-1, index - _NOMINAL_REACH), -1):
            sentence = self.document.sentences[back]
            here = [m for m in self.by_sentence.get(back, []) if m.sentence is sentence]
            limit = position if back == index else len(sentence.view)
            for occurrence in reversed(list(pattern.finditer(sentence.view, 0, limit))):
                owner = _owner_next_to(sentence, occurrence, here)
                if owner is not None:
                    confirm_speaker(owner, principal_kind(owner))
                    if owner.confirmed:
                        return owner.key
        return None

    def _introduced_before(self, noun: str, index: int, position: int) -> int | None:
        """The sentence where an indefinite phrase with the same noun ("a man in the crowd",
        "issued a statement") came before, if one did: "the man" then stands for that one."""
        pattern = re.compile(
            rf"\b(?:[Aa]n?|[Oo]ne|[Aa]nother)\s+(?:[\w'’-]+\s+){{0,3}}?{re.escape(noun)}\b"
        )
        for back in range(index, max(-1, index - _NOMINAL_REACH), -1):
            sentence = self.document.sentences[back]
            limit = position if back == index else len(sentence.view)
            found = pattern.finditer(sentence.view, 0, limit)
            if any(not sentence.in_quote(match.start()) for match in found):
                return back
        return None

    def _recent_named_speaker(self, index: int) -> str | None:
        """The speaker named in this sentence or the two before, if any."""
        context = self.context
        speaker = context.last_speaker
        if speaker is None or speaker in self.unnamed:
            return None
        return speaker if index - context.last_speaker_index <= _GROUP_REACH else None

    def _pronoun(
        self, index: int, mentions: list[Mention], position: int, pronoun: str
    ) -> str | None:
        """The person "he" or "she" stands for, of a compatible gender: in the same sentence,
        else the speaker or subject of the sentence before (the one whose gender is known to
        agree, else the speaker), else the latest person named;
        "they" and "it" stand for the latest group or body that spoke."""
        context = self.context
        if pronoun in {"they", "it"}:
            group = context.last_group
            if group is None or index - context.last_group_index > _GROUP_REACH:
                if pronoun == "they":
                    return self._members_before(index, position)
                return self._document_author(index, position)
            return group if pronoun == "they" or group not in self.unnamed else None
        gender = PRONOUN_GENDER.get(pronoun)
        position = self._first_same_pronoun(index, position, gender)
        return self._person_before(index, mentions, position, gender)

    def _person_before(
        self, index: int, mentions: list[Mention], position: int, gender: Gender | None
    ) -> str | None:
        """The person of a compatible gender that "he", "she" or "the businessman" at
        `position` stands for (see `_pronoun`)."""
        context = self.context

        def fits(key: str | None) -> bool:
            return key is not None and key in self.people and compatible(gender, self._gender(key))

        def human(key: str) -> bool:
            return key in self.evidenced or self._gender(key) is not None

        here = [
            m
            for m in mentions
            if m.kind == "person"
            and m.end <= position
            and not m.sentence.in_quote(m.start)
            and human(m.key)
        ]
        for mention in reversed(here):
            if compatible(gender, self._gender(mention.key)):
                return mention.key
        recent = [
            key
            for key, seen in (
                (context.last_speaker, context.last_speaker_index),
                (context.last_subject, context.last_subject_index),
            )
            if index - seen <= 1 and fits(key)
        ]
        agreeing = [key for key in recent if key and self._gender(key) == gender]
        if recent:
            return (agreeing or recent)[0]  # the speaker, unless only the subject is a "she"
        for key, seen in reversed(context.people):
            if index - seen > _PRONOUN_REACH:
                break
            if fits(key) and human(key):
                return key
        if gender is None:
            return None
        # further back, only a person known to be of the pronoun's gender: "she" after a
        # long quotation of hers, when only men were named in between
        for key, seen in reversed(context.people):
            if index - seen > _GENDERED_PRONOUN_REACH:
                break
            if key in self.people and self._gender(key) == gender:
                return key
        return None

    def _members_before(self, index: int, position: int) -> str | None:
        """The group of members that "they" stands for when no group spoke: the one this
        sentence opens with ("Senate Democrats blocked the bill because they said …"), else
        the one a sentence just before opened with ("House Republicans met on Monday.")."""
        here = _members_subject(self.by_sentence.get(index, []))
        members = here if here is not None and here.end <= position else None
        earlier = self.context.members_subject
        if members is None and earlier is not None and index - earlier.index <= _GROUP_REACH:
            members = earlier
        if members is None:
            return None
        confirm_speaker(members, "organization")
        return self._named([members]) if members.confirmed else None

    def _document_author(self, index: int, position: int) -> str | None:
        """Whom "it" speaks for when it stands for a text named just before: the speaker who
        wrote it ("Reyes wrote in the affidavit. It continued: …"), else the body or person
        named with it ("a memo from the panel … “…,” it stated")."""
        for back in (index, index - 1):
            if back < 0:
                break
            sentence = self.document.sentences[back]
            limit = position if back == index else len(sentence.view)
            found = [
                match.group("noun")
                for match in _document_mention().finditer(sentence.view, 0, limit)
                if not sentence.in_quote(match.start())
            ]
            if not found:
                continue
            speaker = self.context.last_speaker
            if self.context.last_speaker_index == back and speaker not in self.unnamed:
                return speaker  # the text is where the speaker of its sentence wrote
            return self._document_named_before(found[-1], index, position)
        return None

    def _first_same_pronoun(self, index: int, position: int, gender: Gender | None) -> int:
        """Where the first "he" (or "his", "him"; "she", "her") of the sentence stands before
        `position`, outside quotations: a later one stands for the same person, not for a
        name between them ("When he arrived after Petrov's welcome, he said")."""
        if gender is None:
            return position
        sentence = self.document.sentences[index]
        for match in _PERSONAL_PRONOUN.finditer(sentence.view, 0, position):
            same = PRONOUN_GENDER.get(match.group(0).lower()) == gender
            if same and not sentence.in_quote(match.start()):
                return match.start()
        return position

    def _continues(self, index: int, sentence: Sentence) -> bool:
        """A sentence right after a statement that goes on quoting: it opens a quotation, or
        the quotation of the sentence before is still open."""
        context = self.context
        if index - context.last_speaker_index != 1:
            return False
        if context.quote_open and context.last_was_quotation:
            return True
        return opens_with_quote(sentence.view)

    def _extend(self, attribution: Attribution, index: int, sentence: Sentence) -> None:
        """Add the sentence a quotation runs on into to the statement it continues."""
        text = _clean(_continued_text(sentence))
        if text:
            stop = "" if attribution.text.endswith((".", "?", "!", "…")) else "."
            attribution.text = f"{attribution.text}{stop} {text}"
            attribution.more.append(sentence)
        self.context.last_speaker_index = index
        self.context.last_was_quotation = True

    def _signed_quote(self, index: int, sentence: Sentence) -> Attribution | None:
        """`"We have waited long enough." ― Dana Ortiz`: a quotation signed with a dash and a
        name after it, at the end of its paragraph or alone in the next one (`- Ortiz.`), as
        lists of readers' or voters' comments and fact checks quote."""
        if not sentence.quotes or not opens_with_quote(sentence.view):
            return None
        signing, start = sentence, sentence.quotes[-1][1]
        signature = _SIGNATURE.match(sentence.view, start)
        following = self.document.sentences[index + 1 : index + 2]
        if signature is None and not sentence.view[start:].strip() and following:
            signing, start = following[0], 0
            next_paragraph = signing.paragraph == sentence.paragraph + 1
            signature = _SIGNATURE.match(signing.view) if next_paragraph else None
        text = _clean(_quoted_text(sentence))
        if signature is None or len(text.split()) < _MIN_CLAIM_WORDS:
            return None
        names = [
            m
            for m in self.by_sentence.get(self.document.sentences.index(signing), [])
            if m.sentence is signing and m.start >= signature.start("name")
        ]
        for mention in names[:1]:
            confirm_speaker(mention)
        speaker = self._named(names[:1]) if names and names[0].confirmed else None
        attribution = self._found(index, sentence, speaker, text)
        if signing is not sentence:
            attribution.more.append(signing)
        return attribution

    def _introduced_quote(self, index: int, sentence: Sentence) -> Attribution | None:
        """ "Cruz continued:" and then a quotation: the quotation is the speaker's."""
        speaker = self.context.colon_speaker
        if speaker is None or self.context.colon_index != index - 1:
            return None
        if not opens_with_quote(sentence.view):
            return None
        text = _clean(_continued_text(sentence))
        if len(text.split()) < _MIN_CLAIM_WORDS:
            return None
        return self._found(index, sentence, speaker, text)

    def _source_phrase(
        self, sentence: Sentence, mentions: list[Mention], start: int
    ) -> tuple[str, int] | None:
        """ "according to a study by economists at Duke University", "according to exit
        polls": the body named in the source, else the source itself as a description."""
        phrase = _SOURCE_PHRASE.match(sentence.view, start)
        if phrase is None or sentence.in_quote(phrase.start(1)):
            return None
        inside = [m for m in mentions if phrase.start(1) <= m.start and m.end <= phrase.end(1)]
        for mention in inside:
            confirm_speaker(mention)
        named = [m for m in inside if m.confirmed]
        if named:
            return self._named(named[-1:]), phrase.end(1)
        self.unnamed.add(phrase.group(1))
        return phrase.group(1), phrase.end(1)

    def _according_to(
        self, index: int, sentence: Sentence, mentions: list[Mention]
    ) -> Attribution | None:
        match = _ACCORDING_TO.search(sentence.view)
        if not match or sentence.in_quote(match.start()):
            return None
        source = next(
            (
                m
                for m in mentions
                if m.confirmed
                and match.end() <= m.start <= match.end() + 30
                and not sentence.view[match.end() : m.start].count(",")
                and sentence.view[m.end : m.end + 1] != "-"
                and not sentence.view[m.end : m.end + 2].startswith(("'", "’"))
            ),
            None,
        )
        speaker = (
            (source.key, source.end)
            if source
            else _group_after(sentence.view, match.end())
            or self._source_phrase(sentence, mentions, match.end())
        )
        if speaker is None:
            return None
        clause_start = sentence.view.rfind(",", 0, match.start())
        head = sentence.view[: clause_start if clause_start > 0 else match.start()]
        if match.start() < 3:
            tail_start = sentence.view.find(",", speaker[1])
            head = sentence.view[tail_start + 1 :] if tail_start > 0 else ""
        text = _clean(_quoted_text(sentence) if opens_with_quote(head) else head)
        if len(text.split()) < _MIN_CLAIM_WORDS:
            return None
        return self._found(index, sentence, speaker[0], text)
