"""Find who is named in a pack: people, organisations, countries and news outlets.

Names are runs of capitalised words. A run is split into a role ("Russian Foreign
Minister") and a name ("Sergey Lavrov"), classified from the word lists, and kept only
with evidence: a known country, organisation or outlet, an organisation or outlet word, an
acronym, or, for a person, a title, role, apposition, age, honorific, a surname used alone
elsewhere, or a statement attributed to it. Surnames and "Mr Kim" are linked to the full
name used in the same article, else in the pack.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from briefing.language.gender import Gender, compatible, first_name_gender, title_gender
from briefing.language.lexicon import lexicon
from briefing.language.names import KNOWN, KNOWN_PATTERN, known_actor, pick_role
from briefing.language.sentences import Document, Sentence, Token, last_tokens, tokenize
from briefing.schema import Actor

_CONNECTORS = frozenset({"of", "for", "and", "&", "the", "on"})
_ENDS_NAME = frozenset({"Inc.", "Ltd.", "Corp.", "Co.", "Inc", "Ltd", "Corp"})
_ACRONYM = re.compile(r"(?:[A-Z]\.){2,}|[A-Z][A-Z&]{1,5}")
_APPOSITION = re.compile(
    r"^\s*,\s*(?P<age>\d{1,3}\s*,\s*)?(?:(?:the|a|an)\s+)?"
    r"(?P<phrase>(?:[^,.;:()“”\"]|(?:(?<=Mr)|(?<=Mrs)|(?<=Ms)|(?<=Dr)|(?<=Jr)|(?<=St)|(?<=\b[A-Z]))\.){2,120}?)"
    r"(?=\s*(?:,|\.(?!\s+[A-Z])|;|:|\)|$|\s+(?:who|which|that|whose)\b))"
)
_AGE = re.compile(r"^\s*,\s*\d{1,3}\s*(?:,|\band\b)")
_COMMA_NEXT = re.compile(r"\s*,")
_OF_COUNTRY = re.compile(r"^\s+of\s+(?P<country>(?:[A-Z][\w.'’-]*\s?){1,3})")
_APPOSITION_STOP = frozenset({"who", "which", "that", "whose", "said", "says", "told"})
_PREPOSITIONS = frozenset({"of", "for", "at", "with", "in", "from", "to", "on"})
_MAX_ROLE_WORDS = 7
_MAX_ROLE_CHARS = 90
_ROLE_CONTEXT_CHARS = 120


@dataclass
class Mention:
    """A name as it occurs in one sentence of an article."""

    document: str
    index: int
    sentence: Sentence
    start: int
    end: int
    surface: str
    kind: str | None
    role: str | None = None
    evidence: bool = False
    key: str = ""
    tokens: tuple[str, ...] = field(default=())

    @property
    def confirmed(self) -> bool:
        """True once the mention is known to be an actor."""
        return self.kind is not None and bool(self.key)


# "I'm", "She'd", "They've": a pronoun with a contracted verb, never a name
_CONTRACTED_PRONOUN = re.compile(r"(?:I|He|She|We|They|You|It)['’](?:m|ve|ll|d|re)")
_PARTY_STATE = re.compile(r"[DRI]-[A-Z][A-Za-z.]*")  # "R-Utah", "D-N.Y.": a label, no name


def _is_name_word(token: Token) -> bool:
    lx = lexicon()
    word = token.bare
    if not word or not word[0].isupper() or len(word) == 1:
        return False
    if ("'" in word or "’" in word) and _CONTRACTED_PRONOUN.fullmatch(word):
        return False
    if token.text[1:2] == "-" and _PARTY_STATE.fullmatch(token.text):
        return False
    return word not in lx.calendar or len(word) > 3


def _compile_region() -> re.Pattern[str]:
    # Initials ("U.S.") or a capitalised word, written to open with a character class so that
    # the regex engine skips to the next capital instead of trying the pattern everywhere.
    capitalised = r"[A-Z\u00C0-\u00DE](?:(?<=[A-Z])\.(?:[A-Z]\.)+|[\w'’.-]*)"
    joiners = "|".join(sorted(lexicon().name_particles | _CONNECTORS, key=len, reverse=True))
    return re.compile(
        rf"(?:{capitalised})(?:[ \u00a0](?:{capitalised}|(?:{joiners})(?=[ \u00a0])))*"
    )


_REGION = _compile_region()


def _runs(sentence: Sentence, regions: list[re.Match[str]]) -> list[list[Token]]:
    """Runs of capitalised words, joined by name particles and connectors."""
    runs: list[list[Token]] = []
    for region in regions:
        tokens = tokenize(sentence.text, region.start(), region.end())
        runs.extend(tokens[first : last + 1] for first, last in _runs_in(sentence.text, tokens))
    return runs


def _is_weekday(word: str) -> bool:
    return word.endswith("day") and word in lexicon().calendar


def _runs_in(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    particles = lexicon().name_particles
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if not (_is_name_word(tokens[i]) or _given_name_like_a_month(text, tokens, i)):
            i += 1
            continue
        last = i
        k = i + 1
        while (
            k < len(tokens)
            and not tokens[k - 1].possessive
            and tokens[k - 1].text not in _ENDS_NAME
        ):
            gap = text[tokens[k - 1].end : tokens[k].start]
            if gap not in (" ", "\u00a0"):
                break
            word = tokens[k].text
            if k == len(tokens) - 1 and _is_weekday(word):
                break  # "Dana Ortiz Sunday night said": when, not a part of the name
            if _is_name_word(tokens[k]) or _surname_like_a_month(text, tokens[k]):
                last = k
            elif word.lower() not in particles and word not in _CONNECTORS:
                break
            k += 1
        runs.append((i, last))
        i = last + 1
    return runs


@functools.cache
def _month_abbreviations() -> frozenset[str]:
    """ "Jun", "Sep": a calendar word that shortens a longer one ("May" shortens none)."""
    calendar = lexicon().calendar
    return frozenset(
        word for word in calendar if any(o != word and o.startswith(word) for o in calendar)
    )


# what may follow a name: punctuation, or a verb in the third person or the past
_AFTER_A_NAME = re.compile(r"[,;:)’'.](?![ \u00a0]*\d)|[ \u00a0]+(?P<verb>[a-z]+)\b")


def _given_name_like_a_month(text: str, tokens: list[Token], position: int) -> bool:
    """ "Jun Tanaka", "Jan Brewer": a month's abbreviation with no full stop and no day after
    it, before a capitalised word, is a given name (dates write "Jun. 5" or "Jun 5")."""
    token = tokens[position]
    return (
        token.text in _month_abbreviations()
        and position + 1 < len(tokens)
        and text[token.end : tokens[position + 1].start] in (" ", "\u00a0")
        and _is_name_word(tokens[position + 1])
    )


def _surname_like_a_month(text: str, token: Token) -> bool:
    """ "Yin Myint May said": a short month name after a name's words ends the name when
    punctuation or a speech verb follows, not a day ("Ortiz May 5", "Ortiz Dec. 5") nor
    the verb a modal "may" takes ("Trump May be Aligning")."""
    if token.bare not in lexicon().calendar:
        return False
    after = _AFTER_A_NAME.match(text, token.end)
    return after is not None and (
        after.group("verb") is None or after.group("verb") in lexicon().speech_verbs
    )


def _has_organization_word(words: list[str]) -> bool:
    lx = lexicon()
    return any(word.rstrip(".") in lx.organization_words for word in words)


def _split_connectors(tokens: list[Token]) -> list[list[Token]]:
    """Split a run at "of", "and" …, keeping together what names one organisation:
    "Bank of America", "Center for Disease Control and Prevention", "Customs and Border
    Protection", but not "Neil Thomas and Laura Gloudeman of Eurasia Group"."""
    parts: list[list[Token]] = [[]]
    joiners: list[Token] = []
    for token in tokens:
        if token.text in _CONNECTORS:
            if parts[-1]:
                parts.append([])
                joiners.append(token)
            elif len(parts) > 1:
                parts[-1].append(token)  # "Institute for the Study of War"
        else:
            parts[-1].append(token)
    parts = [part for part in parts if part and part[0].text not in _CONNECTORS]
    merged = [parts[0]] if parts else []
    for joiner, part in zip(joiners, parts[1:], strict=False):
        left_is_organization = _has_organization_word([t.bare for t in merged[-1]])
        right_is_organization = _has_organization_word([t.bare for t in part])
        role_of = joiner.text in _ROLE_OF and _is_role(merged[-1][-1].bare.lower())
        if (
            left_is_organization
            or (joiner.text in {"and", "&"} and right_is_organization)
            or (role_of and _name_after_complement([t.bare for t in part]) > 0)
        ):
            merged[-1] = [*merged[-1], joiner, *part]
        else:
            merged.append(part)
    return [[t for t in part if t.text not in _CONNECTORS or t is not part[0]] for part in merged]


def _role_prefix_length(words: list[str]) -> int:
    """How many leading words form a title ("Russian Foreign Minister" in a longer run,
    "Secretary of State" before "Madeleine Albright")."""
    lx = lexicon()
    lowered = [word.lower().rstrip(".") for word in words]
    last_role = -1
    for index, word in enumerate(lowered[:-1]):
        if index and lowered[index - 1] in _CONNECTORS:
            continue  # "Office of Refugee Resettlement": a role word inside a name
        pair = f"{word} {lowered[index + 1]}" if index + 1 < len(lowered) - 1 else ""
        if pair in lx.roles:
            last_role = index + 1
        elif _is_role(word) or words[index].rstrip(".") in lx.honorifics:
            last_role = max(last_role, index)
        if last_role == index and lowered[index + 1] in _ROLE_OF:
            name = _name_after_complement(words[index + 2 :])
            if name > 0:
                return index + 2 + name
    return last_role + 1 if last_role >= 0 else _unknown_title_length(words)


_SURNAME_WORDS = 2
_TITLE_WORDS = 2


def _unknown_title_length(words: list[str]) -> int:
    """ "Maricopa County Recorder Helen Purcell": two or more capitalised words the role list
    lacks before a given name and its surname are a title, not part of the name (not when
    the word before is a given name too, "Anna Mary Ash", or one is an acronym)."""
    for index in range(len(words) - 1, _TITLE_WORDS - 1, -1):
        after = len(words) - index - 1
        if not 1 <= after <= _SURNAME_WORDS or not _is_given_name(words[index]):
            continue
        before = words[:index]
        if _is_given_name(before[-1]) or any(_is_acronym(w.rstrip(".")) for w in before):
            return 0
        return index if not _has_organization_word(words[index + 1 :]) else 0
    return 0


_ROLE_OF = frozenset({"of", "for"})


def _name_after_complement(words: list[str]) -> int:
    """Where the name starts in the words after a role's "of" ("State Madeleine Albright"
    → 1, "Homeland Security Jeh Johnson" → 2, "State Kerry" → 1): at its first given name,
    else at the last word; 0 when the words are the role's complement alone."""
    given = next((i for i, w in enumerate(words) if i and _is_given_name(w)), None)
    if given is not None:
        return given
    return len(words) - 1 if len(words) > 1 else 0


def _is_role(word: str) -> bool:
    roles = lexicon().roles
    return word in roles or (word.endswith("s") and word[:-1] in roles)


def _leading_common_words(tokens: list[Token], text: str) -> int:
    """How many common words open a run of capitals ("But", "Will"), a given name that is
    also a common word kept where the run stands as a speaker ("Will Doyle said")."""
    common = lexicon().common_words
    count = 0
    for token in tokens:
        if token.text.lower() not in common:
            break
        count += 1
    if count == 1 and len(tokens) > 1 and _is_named_speaker(tokens, text):
        return 0
    return count


_SPEECH_VERB_AFTER = re.compile(r"(?:,|\s+(?:said|says|told|added|wrote)\b)")
_SPEECH_VERB_BEFORE = re.compile(r"\b(?:said|says|told|added|wrote)\s+$")


def _is_named_speaker(tokens: list[Token], text: str) -> bool:
    """ "Will Doyle, the treasurer," / "said Rob Stone": a first name, then a surname, in the
    place where a speaker stands."""
    if tokens[0].text.lower() not in lexicon().common_given_names:
        return False
    surname = tokens[1].text.lower()
    if surname in lexicon().common_words or not tokens[1].capitalised:
        return False
    end = tokens[-1].end
    return bool(
        _SPEECH_VERB_AFTER.match(text, end) or _SPEECH_VERB_BEFORE.search(text, 0, tokens[0].start)
    )


def _role_before(sentence: Sentence, name_start: int) -> str | None:
    """A role written just before a name: "North Korean leader Kim Jong Un"."""
    lx = lexicon()
    text = sentence.text
    start = max(0, name_start - _ROLE_CONTEXT_CHARS)
    last = last_tokens(text, start, name_start, 1)  # most names have none: read one word first
    if not last or not _may_end_role(last[0], text, name_start):
        return None
    tokens = last_tokens(text, start, name_start, _MAX_ROLE_WORDS)  # all the walk can reach
    words: list[Token] = []
    j = len(tokens) - 1
    owner_seen = False
    while j >= 0 and len(words) < _MAX_ROLE_WORDS:
        token = tokens[j]
        if words and text[token.end : words[0].start].strip():
            break
        if owner_seen and not token.capitalised:
            break
        if token.possessive and not token.capitalised:
            break
        if token.possessive or _is_role_word(token):
            words.insert(0, token)
        else:
            break
        owner_seen = owner_seen or token.possessive
        j -= 1
    while words and words[-1].bare.lower() not in lx.roles:
        words.pop()
    while words and words[0].text.lower() in lx.common_words:
        words.pop(0)
    if not words:
        return None
    return text[words[0].start : words[-1].end]


def _may_end_role(token: Token, text: str, name_start: int) -> bool:
    """Whether the word right before a name may end a role: a role word, next to the name,
    or a role noun and a comma ("Ukraine's military intelligence chief, Kyrylo Budanov"),
    and not an owner ("President Obama's Affordable Care Act": the role is the owner's)."""
    gap = text[token.end : name_start].strip()
    if gap and (gap != "," or token.bare.lower() not in lexicon().roles):
        return False
    return not token.possessive and _is_role_word(token)


def _is_role_word(token: Token) -> bool:
    """A word a role before a name is made of: a role, a modifier of one, or a capitalised
    word that is not a common one ("Foreign")."""
    lx = lexicon()
    lowered = token.bare.lower()
    return (
        lowered in lx.roles
        or lowered in lx.role_modifiers
        or (token.capitalised and lowered not in lx.common_words)
    )


def _role_after(sentence: Sentence, end: int) -> tuple[str | None, bool]:
    """A role in apposition after a name ("Choe Son Hui, the North Korean foreign minister,"),
    and whether an age follows the name ("Mario Quintanillo, 30,")."""
    if not _COMMA_NEXT.match(sentence.view, end):
        return None, False  # both an apposition and an age open with a comma
    rest = sentence.view[end:]
    has_age = bool(_AGE.match(rest))
    match = _APPOSITION.match(rest)
    if not match or match.group("phrase").split()[0].lower() in {"and", "or", "but", "nor"}:
        return None, has_age
    role = _role_head(match.group("phrase"))
    return role, has_age or bool(match.group("age"))


def _role_head(phrase: str) -> str | None:
    """The role in an apposition: its head words up to the last role noun, plus an
    "of/for/at/with …" complement ("a lawyer for Wal-Mart")."""
    lx = lexicon()
    words = phrase.split()
    last_role = -1
    for index, word in enumerate(words):
        lowered = word.lower().strip("'’")
        if lowered in _APPOSITION_STOP or (
            index and lowered in lx.common_words and lowered != "and"
        ):
            break
        if lowered.endswith(("ing", "ed")) and not (
            lowered in lx.roles or lowered in lx.role_modifiers
        ):
            break
        pair = " ".join(words[index : index + 2]).lower()
        if pair in lx.roles:
            last_role = index + 1
        elif lowered in lx.roles:
            last_role = index
    if last_role < 0:
        return None
    head = words[: last_role + 1]
    rest = words[last_role + 1 :]
    if rest and rest[0].lower() in _PREPOSITIONS:
        head += rest
    role = " ".join(head)
    return role if len(role) <= _MAX_ROLE_CHARS else " ".join(words[: last_role + 1])


@functools.cache
def _media_noun_after() -> re.Pattern[str]:
    """Matches a media noun right after a name: "Yonhap news agency"."""
    nouns = sorted(lexicon().media_nouns)
    return re.compile(r"\s+(?:" + "|".join(map(re.escape, nouns)) + r")\b")


def _classify(words: list[str], following: str) -> str | None:
    """The kind a name's own words give it, or None when only context can tell."""
    lx = lexicon()
    stripped = [word.rstrip(".") for word in words]
    if any(word in lx.media_words for word in stripped):
        return "media"
    if _media_noun_after().match(following):
        return "media"
    if _has_organization_word(stripped):
        return "organization"
    if len(words) == 1 and _ACRONYM.fullmatch(words[0]) and words[0] not in lx.acronym_stoplist:
        return "organization"
    return None


def is_junk_name(words: list[str]) -> bool:
    """Capitalised words that name no actor: a demonym, a month, a region, a place ("Central
    Park"), a shouted heading or a bare title."""
    lx = lexicon()
    if " ".join(words) in lx.demonyms or all(
        w in lx.calendar or w in lx.demonyms or w in lx.regions for w in words
    ):
        return True
    if any(word.rstrip(".") in lx.place_words for word in words) and not (
        len(words) > 1 and first_name_gender(words[0])
    ):
        return True  # "Central Park", but not "Lina Park"
    if len(words) > 1 and all(word.isupper() for word in words):
        return True  # a heading or a shouted phrase
    lowered = [word.lower().rstrip(".") for word in words]
    return all(word in lx.roles or word in lx.role_modifiers for word in lowered)


def _mention(
    document: str, index: int, sentence: Sentence, tokens: list[Token], kind: str | None
) -> Mention:
    start, end = tokens[0].start, tokens[-1].end
    surface = sentence.text[start:end]
    if tokens[-1].possessive:
        surface = surface[: len(surface) - (len(tokens[-1].text) - len(tokens[-1].bare))]
        end = start + len(surface)
    return Mention(
        document=document,
        index=index,
        sentence=sentence,
        start=start,
        end=end,
        surface=surface,
        kind=kind,
        tokens=tuple(t.bare for t in tokens),
    )


def _known_mentions(
    document: str, index: int, sentence: Sentence, regions: list[re.Match[str]]
) -> list[Mention]:
    mentions = []
    matches = (
        match
        for region in regions
        for match in KNOWN_PATTERN.finditer(sentence.text, region.start(), region.end())
    )
    for match in matches:
        kind, name = KNOWN[match.group(0).replace("’", "'")]
        mention = Mention(
            document=document,
            index=index,
            sentence=sentence,
            start=match.start(),
            end=match.end(),
            surface=match.group(0),
            kind=kind,
            key=name,
            tokens=tuple(match.group(0).split()),
        )
        mentions.append(mention)
    return mentions


def _person_mention(
    document: str, index: int, sentence: Sentence, tokens: list[Token], role: str | None
) -> Mention | None:
    lx = lexicon()
    honorific = tokens[0].text.rstrip(".") in lx.honorifics and len(tokens) > 1
    name_tokens = tokens[1:] if honorific else tokens
    if len(name_tokens) == 1 and name_tokens[0].bare in lx.demonyms:
        # "Cuban said" after "Mark Cuban": a surname to link, never a name by itself
        return _mention(document, index, sentence, name_tokens, None)
    if not name_tokens or is_junk_name([t.bare for t in name_tokens]):
        return None
    if len(name_tokens) > 1 and _has_acronym([t.bare for t in name_tokens]):
        return None  # a shouted heading or a code, not a personal name
    mention = _mention(document, index, sentence, name_tokens, None)
    following = sentence.text[mention.end :]
    kind = _classify([t.bare for t in name_tokens], following)
    if kind:
        mention.kind, mention.key = kind, mention.surface
        return mention
    after_role, age = _role_after(sentence, mention.end)
    before_role = _role_before(sentence, name_tokens[0].start)
    of_country = _OF_COUNTRY.match(following)
    roles = [r for r in (role, before_role, after_role) if r]
    mention.role = roles[0] if roles else None
    if mention.role and of_country and known_actor(of_country.group("country").strip()):
        mention.role = f"{mention.role} of {of_country.group('country').strip()}"
    given_name = len(name_tokens) > 1 and _is_given_name(name_tokens[0].bare)
    mention.evidence = bool(roles) or age or honorific or given_name
    if honorific:
        mention.tokens = (tokens[0].text.rstrip("."), *mention.tokens)
    return mention


def _is_given_name(word: str) -> bool:
    """A first name the name list knows that is not also a month or a common word ("May",
    "March", "Will", "Grant")."""
    lx = lexicon()
    lowered = word.lower()
    if word in lx.calendar or lowered in lx.common_words or lowered in lx.verbs:
        return False
    return first_name_gender(word) is not None


def _institution_group(
    document: str, index: int, sentence: Sentence, tokens: list[Token], known: list[Mention]
) -> Mention | None:
    """ "Senate Democrats", "Pentagon Officials": an institution the lists know and one
    capitalised plural after it name one group of its members, not two actors."""
    if len(tokens) < 2:
        return None
    if not _is_member_plural(tokens[-1].bare):
        return None
    institution = [
        m
        for m in known
        if m.kind == "organization" and m.start == tokens[0].start and m.end == tokens[-2].end
    ]
    if not institution:
        return None
    mention = _mention(document, index, sentence, tokens, "organization")
    mention.kind, mention.key = "organization", mention.surface
    return mention


def _is_member_plural(word: str) -> bool:
    """ "Democrats", "Republicans", "Officials": a capitalised plural for people of a party or
    a post, not a verb of a title-case headline ("Senate Votes")."""
    lx = lexicon()
    lowered = word.lower()
    if not word[:1].isupper() or not lowered.endswith("s") or lowered.endswith("ss"):
        return False
    single = lowered[:-1]
    people = (lx.roles, lx.role_modifiers, lx.agent_nouns)
    return _listed((single, f"{single}ic"), people) or lowered in lx.group_speakers


def names_members(mention: Mention) -> bool:
    """Whether a name ends in a plural for members of a party or body ("House Republicans",
    "Senate Democrats"): a group, that "they" may stand for."""
    words = _name_words(mention)
    return bool(words) and _is_member_plural(words[-1])


def _with_singular(word: str) -> tuple[str, str]:
    """A lower-case word and its form without a plural "s"."""
    return word, word[:-1] if word.endswith("s") else word


def _listed(forms: tuple[str, ...], word_lists: tuple[frozenset[str], ...]) -> bool:
    """Whether any of a word's forms is in any of the word lists."""
    return any(form in listed for form in forms for listed in word_lists)


def _split_at_known(
    tokens: list[Token], known: list[Mention]
) -> tuple[list[list[Token]], list[Mention]]:
    """Pieces of a run that are not known names, and the known names inside it."""
    inside = [m for m in known if tokens[0].start <= m.start and m.end <= tokens[-1].end]
    if not inside:
        return [tokens], []
    pieces: list[list[Token]] = [[]]
    for token in tokens:
        if any(m.start <= token.start < m.end for m in inside):
            if pieces[-1]:
                pieces.append([])
        else:
            pieces[-1].append(token)
    return [piece for piece in pieces if piece], inside


_OPENING_VERB = re.compile(r"^[\s“\"]*(?P<verb>[A-Z][a-z]+)\s+(?=[A-Z])")


def opening_speech_verb(text: str) -> re.Match[str] | None:
    """`Said Dana Ortiz, the city engineer, "…"`: a speech verb that opens a sentence,
    its speaker's name right after it."""
    match = _OPENING_VERB.match(text)
    if match is None:
        return None
    tags = lexicon().speech_verbs.get(match.group("verb").lower(), frozenset())
    return match if "say" in tags else None


def sentence_mentions(document: str, index: int, sentence: Sentence) -> list[Mention]:
    """Every name in one sentence, classified where its words allow."""
    regions = list(_REGION.finditer(sentence.text))
    known = _known_mentions(document, index, sentence, regions)
    found: list[Mention] = []
    used_known: set[int] = set()
    opening = opening_speech_verb(sentence.view)
    for run in _runs(sentence, regions):
        if opening is not None and run[0].start == opening.start("verb"):
            run = run[1:]  # "Said Dana Ortiz, …": the verb, not a part of the name
        run = run[_leading_common_words(run, sentence.text) :]
        if not run:
            continue
        exact = [m for m in known if m.start == run[0].start and m.end >= run[-1].end - 2]
        if exact and len(exact[0].surface) >= len(sentence.text[run[0].start : run[-1].end]) - 2:
            continue
        for part in _split_connectors(run):
            found.extend(_mentions_of_part(document, index, sentence, part, known, used_known))
    found.extend(m for m in known if id(m) not in used_known and not _inside_any(m, found))
    return sorted(found, key=lambda m: m.start)


def _inside_any(mention: Mention, others: list[Mention]) -> bool:
    return any(
        o.start <= mention.start and mention.end <= o.end and o is not mention for o in others
    )


def _is_acronym(word: str) -> bool:
    return bool(_ACRONYM.fullmatch(word)) and word not in lexicon().name_suffixes


_DOTTED_INITIALS = re.compile(r"(?:[A-Z]\.){2,3}")


def _personal_initials(words: list[str], position: int) -> bool:
    """ "G.K." of "G.K. Butterfield": dotted initials no word list knows (as it knows
    "U.S."), before a surname that is no organisation word ("D.C. Council"), are a
    person's, not an acronym."""
    word, following = words[position], words[position + 1 : position + 2]
    return (
        bool(_DOTTED_INITIALS.fullmatch(word))
        and known_actor(word) is None
        and bool(following)
        and not following[0].isupper()
        and following[0].rstrip(".") not in lexicon().organization_words
    )


def _has_acronym(words: list[str]) -> bool:
    """Whether a word of the name is an acronym, a person's initials not counted."""
    return any(
        _is_acronym(word) and not _personal_initials(words, position)
        for position, word in enumerate(words)
    )


def _outside_known(part: list[Token], known: list[Mention]) -> list[str]:
    return [t.bare for t in part if not any(m.start <= t.start < m.end for m in known)]


def _shouted_known(
    document: str, index: int, sentence: Sentence, part: list[Token]
) -> list[Mention] | None:
    """ "SPAIN coach", "DOHA, Qatar": a known name written in capitals."""
    if len(part) != 1 or not part[0].bare.isupper():
        return None
    found = known_actor(part[0].bare.title())
    if not found:
        return None
    mention = _mention(document, index, sentence, part, found[0])
    mention.key = found[1]
    return [mention]


def _mentions_of_part(
    document: str,
    index: int,
    sentence: Sentence,
    part: list[Token],
    known: list[Mention],
    used_known: set[int],
) -> list[Mention]:
    lx = lexicon()
    words = [t.bare for t in part]
    shouted = _shouted_known(document, index, sentence, part)
    if shouted is not None:
        return shouted
    if any(w in lx.acronym_stoplist for w in words):
        return []
    own_words = _outside_known(part, known)
    prefix = _role_prefix_length(words)
    named_organization = _has_organization_word(own_words) and (
        not prefix or _has_organization_word(words[prefix:])
    )
    if (
        len(words) > 1
        and _has_acronym(own_words)
        and not prefix
        and not all(w.isupper() for w in words)
        and not is_junk_name(own_words)
    ):
        named_organization = True  # "Spanish FA", "UN Security Council"
    if len(words) == 1 and words[0] in lx.organization_words:
        return []  # "Army", "Group": a common noun, not a name
    if named_organization:
        mention = _mention(document, index, sentence, part, "organization")
        kind = _classify(words, sentence.text[mention.end :]) or "organization"
        mention.kind, mention.key = kind, mention.surface
        used_known.update(id(m) for m in known if mention.start <= m.start and m.end <= mention.end)
        return [mention]
    if prefix and words[prefix - 1].rstrip(".") in lexicon().honorifics:
        prefix -= 1  # "Mr" stays with the name it introduces
    role_text = sentence.text[part[0].start : part[prefix - 1].end] if prefix else None
    group = _institution_group(document, index, sentence, part[prefix:], known)
    if group is not None:
        used_known.update(id(m) for m in known if group.start <= m.start and m.end <= group.end)
        return [group]
    pieces, inside = _split_at_known(part[prefix:], known)
    mentions = list(inside)
    used_known.update(id(m) for m in inside)
    for piece in pieces:
        # "… the U.S. While Clinton has …": a sentence the splitter left joined after an
        # abbreviation opens a piece with its conjunction
        piece = piece[_leading_common_words(piece, sentence.text) :]
        if not piece:
            continue
        person = _person_mention(document, index, sentence, piece, role_text)
        if person:
            mentions.append(person)
    return mentions


def _name_words(mention: Mention) -> list[str]:
    return list(_name_words_of(mention.tokens))


@functools.lru_cache(maxsize=4096)
def _name_words_of(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """A name's words without honorifics, generational suffixes and initials."""
    lx = lexicon()
    return tuple(
        w
        for w in tokens
        if w.rstrip(".") not in lx.honorifics
        and w.rstrip(".") not in lx.name_suffixes
        and not (len(w) == 2 and w[1] == "." and w[0].isupper())
    )


def document_mentions(document: Document) -> list[Mention]:
    """All mentions in a document's sentences, headings left out."""
    mentions: list[Mention] = []
    for index, sentence in enumerate(document.sentences):
        if not sentence.heading:
            mentions.extend(sentence_mentions(document.owner, index, sentence))
    return mentions


def _short_forms(words: list[str]) -> list[str]:
    """What a full name may be shortened to: surnames ("Lavrov", "de la Fuente") and,
    for names written family name first, the first word ("Kim" of "Kim Jong Un")."""
    forms = [" ".join(words[-size:]).lower() for size in range(1, len(words))]
    return [*forms, words[0].lower()]


def resolve(mentions_by_document: dict[int, list[Mention]]) -> None:
    """Give person mentions a key: the full name they stand for in the article, else in
    the pack. A short name goes to the latest full name before it that it shortens."""
    confirmed: Counter[str] = Counter()
    for mentions in mentions_by_document.values():
        _confirm_full_names(mentions)
    for mentions in mentions_by_document.values():
        confirmed.update(m.key for m in mentions if m.kind == "person" and len(_name_words(m)) > 1)
    pack_forms: dict[str, Counter[str]] = defaultdict(Counter)
    for key, count in confirmed.items():
        for form in _short_forms(key.split()):
            pack_forms[form][key] += count
    for mentions in mentions_by_document.values():
        _link_document(mentions, confirmed, pack_forms)


def _opens_sentence(mention: Mention) -> bool:
    return not mention.sentence.text[: mention.start].strip(" “\"'‘(—-")


def _confirm_full_names(mentions: list[Mention]) -> None:
    """A multi-word name is a person with evidence, or when it is also used shortened
    (a capitalised word opening a sentence does not count as a shortened name)."""
    short = {
        " ".join(_name_words(m)).lower()
        for m in mentions
        if len(_name_words(m)) == 1 and (m.evidence or not _opens_sentence(m))
    }
    for mention in mentions:
        words = _name_words(mention)
        if mention.kind is not None or len(words) < 2:
            continue
        if mention.evidence or any(form in short for form in _short_forms(words)):
            mention.kind, mention.key = "person", " ".join(words)


def _link_document(
    mentions: list[Mention], confirmed: Counter[str], pack_forms: dict[str, Counter[str]]
) -> None:
    latest: dict[str, list[str]] = defaultdict(list)
    later: dict[str, list[str]] = defaultdict(list)
    counts = Counter(" ".join(_name_words(m)) for m in mentions)
    for mention in reversed(mentions):
        if mention.kind == "person" and len(_name_words(mention)) > 1:
            for form in _short_forms(_name_words(mention)):
                later[form].append(mention.key)
    for mention in mentions:
        words = _name_words(mention)
        if mention.kind is None and len(words) > 1 and " ".join(words) in confirmed:
            mention.kind, mention.key = "person", " ".join(words)
        if mention.kind == "person" and len(words) > 1:
            for form in _short_forms(words):
                latest[form].append(mention.key)
        elif mention.kind is None and words:
            repeated = counts[" ".join(words)] > 1
            _link_short_name(mention, words, latest, later, pack_forms, repeated)
        elif _shouted_word(mention, words):
            _link_shouted_surname(mention, words[0].lower(), latest, later)


def _shouted_word(mention: Mention, words: list[str]) -> bool:
    """One word in capitals that was read as an acronym ("REYES", "HOLT")."""
    return (
        len(words) == 1
        and words[0].isupper()
        and words[0].isalpha()
        and mention.kind == "organization"
        and mention.key == words[0]
    )


def _link_shouted_surname(
    mention: Mention, form: str, latest: dict[str, list[str]], later: dict[str, list[str]]
) -> None:
    """ "REYES: …" after "Tom Reyes": a surname in capitals, as transcripts label their
    speakers, is the person of the article with that surname, not an organisation."""
    for keys in (latest.get(form, []), later.get(form, [])):
        surnamed = [key for key in keys if key.split()[-1].lower() == form]
        if surnamed:
            mention.kind, mention.key = "person", surnamed[-1]
            return


def person_gender(key: str) -> Gender | None:
    """The gender a person's full name gives through its first name, if the list knows it;
    a first name spelt like a month ("Jan", "Jun") gives none: the list reads it as one
    country's name of one gender, while it is given to both."""
    words = key.split()
    if len(words) < 2 or words[0] in lexicon().calendar:
        return None
    return first_name_gender(words[0])


def _latest_compatible(keys: list[str], gender: Gender | None) -> str | None:
    """The last of `keys` whose gender agrees with `gender` (unknown agrees with all)."""
    return next((k for k in reversed(keys) if compatible(gender, person_gender(k))), None)


def _link_short_name(
    mention: Mention,
    words: list[str],
    latest: dict[str, list[str]],
    later: dict[str, list[str]],
    pack_forms: dict[str, Counter[str]],
    repeated: bool,
) -> None:
    """Link "Baxter" or "Ms. Baxter" to the full name it shortens: the latest one before it,
    else the next one after it, else the pack's most frequent; a title's gender must agree
    with the full name's first name ("Ms. Baxter" is not "George Baxter")."""
    form = " ".join(words).lower()
    title = mention.tokens[0].rstrip(".")
    honorific = title in lexicon().honorifics
    gender = title_gender(title) if honorific else None
    key = _latest_compatible(latest.get(form, []), gender) or _latest_compatible(
        later.get(form, []), gender
    )
    if key is None and form in pack_forms:
        ranked = [k for k, _ in pack_forms[form].most_common()]
        key = next((k for k in ranked if compatible(gender, person_gender(k))), None)
    if key is None and mention.evidence and len(words) == 1 and (honorific or repeated):
        key = words[0]
    if key:
        mention.kind, mention.key = "person", key


def confirm_speaker(mention: Mention, kind: str = "person") -> None:
    """A name that a statement is attributed to is an actor even without other evidence,
    of `kind` when nothing else tells it (a name ending in a plural for members, "House
    Republicans", is a group: an organisation); a lone capitalised noun such as "Officials"
    is not a name."""
    if mention.kind is not None or not _may_name_someone(mention):
        return
    words = _name_words(mention)
    if kind == "person" and (_is_member_plural(words[-1]) or _named_with_article(mention)):
        kind = "organization"
    mention.kind, mention.key = kind, " ".join(words)


_ARTICLE_BEFORE = re.compile(r"\b[Tt]he\s+$")


def follows_article(mention: Mention) -> bool:
    """Whether "the" stands right before a mention ("the Intercept", "“the Texas Democrat")."""
    view, start = mention.sentence.view, mention.start
    return _ARTICLE_BEFORE.search(view, max(0, start - 5), start) is not None


def _named_with_article(mention: Mention) -> bool:
    """ "The Federalist reported", "the Intercept said": a one-word name after "the" is a
    title, never a person's name."""
    return len(mention.tokens) == 1 and follows_article(mention)


def _may_name_someone(mention: Mention) -> bool:
    """Whether a capitalised phrase can be a name: not junk ("Central Park", "Monday") nor a
    lone capitalised noun ("Officials", "Aides")."""
    words = _name_words(mention)
    if not words or is_junk_name(words):
        return False
    lx = lexicon()
    nouns = (lx.roles, lx.organization_nouns, lx.generic_nouns, lx.common_words)
    return len(words) > 1 or not _listed(_with_singular(words[0].lower()), nouns)


def one_name(first: Mention, second: Mention) -> bool:
    """ "Procter and Gamble said": two capitalised names joined by "and", neither shown by the
    text to be an actor nor a group of members ("Democrats"), are one name."""
    return all(
        mention.kind is None
        and _may_name_someone(mention)
        and not _is_member_plural(_name_words(mention)[-1])
        for mention in (first, second)
    )


def principal_kind(mention: Mention) -> str:
    """The kind of a name others speak for ("Acme officials", "a spokeswoman for Acme"), when
    nothing else tells it: a person for a given name and a surname, else an organisation."""
    words = _name_words(mention)
    return "person" if len(words) > 1 and _is_given_name(words[0]) else "organization"


def build_actors(mentions: list[Mention], speakers: frozenset[str] = frozenset()) -> list[Actor]:
    """One actor per resolved key, with every surface form, its role and its sources.

    An actor needs evidence: a lone all-caps token named once that never speaks ("ICU",
    "ET") is left out; a person-looking name that people work at ("economists at Goldman
    Sachs") is an organisation; an acronym the text gives in brackets after a name ("the
    Royal Spanish Football Federation (RFEF)") is one of its names."""
    grouped: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        if mention.confirmed:
            grouped[mention.key].append(mention)
    for acronym, keys in _acronym_expansions(mentions, grouped).items():
        names = [key for key in keys if key in grouped and key != acronym]
        for other in [acronym, *names[1:]] if names else []:
            if other in grouped:
                grouped[names[0]].extend(grouped.pop(other))
    actors = []
    for key, group in grouped.items():
        if _stray_acronym(key, group, speakers):
            continue
        kinds = Counter(m.kind for m in group)
        kind = kinds.most_common(1)[0][0]
        if (
            kind == "person"
            and not any(m.role or m.evidence for m in group)
            and any(_works_at(m) or _body_context(m) for m in group)
        ):
            kind = "organization"
        sources: dict[str, None] = {}
        for m in group:
            sources.update(dict.fromkeys(m.sentence.source_ids))
        aliases = {alias for m in group if (alias := _alias(m, key)) and alias != key}
        actors.append(
            Actor(
                name=key,
                aliases=sorted(aliases),
                kind=kind,  # type: ignore[arg-type]
                role=pick_role([m.role for m in group if m.role]),
                sources=list(sources),
            )
        )
    return actors


_LONE_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,4}")
_AT = re.compile(r"(?P<noun>[a-z]+)\s+at\s+(?:the\s+)?$")


_ACRONYM_IN_BRACKETS = re.compile(r"\((?P<acronym>[A-Z][A-Z&.-]{1,7})\)")
_WORDS_BEFORE = re.compile(r"(?:[\w'’&.-]+\s+){0,5}[\w'’&.-]+\s*$")


def _acronym_expansions(
    mentions: list[Mention], grouped: dict[str, list[Mention]]
) -> dict[str, list[str]]:
    """The names each bracketed acronym is given for: "the Royal Spanish Football Federation
    (RFEF)", "the Spanish FA (RFEF)", even "the Spanish football federation (RFEF)" written
    in lower case. Every name one acronym spells out is the same body."""
    bodies = {key.lower(): key for key, group in grouped.items() if group[0].kind != "person"}
    expansions: dict[str, list[str]] = defaultdict(list)
    sentences = {id(m.sentence): m.sentence for m in mentions}
    for sentence in sentences.values():
        for match in _ACRONYM_IN_BRACKETS.finditer(sentence.view):
            before = _WORDS_BEFORE.search(sentence.view, 0, match.start())
            words = before.group(0).split() if before else []
            for size in range(min(len(words), 6), 1, -1):
                key = bodies.get(" ".join(words[-size:]).lower())
                if key and key not in expansions[match.group("acronym")]:
                    expansions[match.group("acronym")].append(key)
                    break
    return expansions


def _stray_acronym(key: str, group: list[Mention], speakers: frozenset[str]) -> bool:
    """A short all-caps token named once, never speaking, never spelled out: a code, a unit or
    an abbreviation ("ICU", "PVC", "ET"), not an actor the text shows."""
    if len(group) > 1 or key in speakers or not _LONE_ACRONYM.fullmatch(key):
        return False
    return known_actor(key) is None and group[0].surface == key


# What a body has or is that a person is not: "Goldman Sachs analysts", "a Goldman Sachs
# report", "the Sina Weibo platform", "Bluescope, which supplies …", "Acme, the retailer,".
_BODY_HAS = frozenset(
    {"analysts", "economists", "executives", "employees", "shareholders", "shares", "stock",
     "report", "platform", "subsidiary", "headquarters", "customers", "retailer", "brand"}
)  # fmt: skip
_BODY_AFTER = re.compile(
    r"\s*(?:,\s*(?P<which>which)\b|,\s*(?:the|a|an)\s+(?:[\w'’-]+\s+){0,4}?(?P<apposed>[a-z]+)"
    r"(?=\s*[,.;])|\s+(?P<noun>[a-z]+)\b)"
)


def _body_context(mention: Mention) -> bool:
    """The words after a name show a company or body, not a person."""
    match = _BODY_AFTER.match(mention.sentence.view, mention.end)
    if match is None:
        return False
    if match.group("which"):
        return True
    noun = match.group("apposed") or match.group("noun")
    return noun in _BODY_HAS or noun in lexicon().organization_nouns


def _works_at(mention: Mention) -> bool:
    """ "analysts at Goldman Sachs", "an economist at the Nomura": people work at a body."""
    before = mention.sentence.view[: mention.start]
    if not before.rstrip().endswith(("at", "the")):
        return False  # (what `_AT` needs, tested without trying it at every word)
    match = _AT.search(before)
    if match is None:
        return False
    lx = lexicon()
    return _listed(_with_singular(match.group("noun")), (lx.roles, lx.group_speakers))


def _alias(mention: Mention, key: str) -> str | None:
    """How the mention names the actor, unless it is only a title before the full name."""
    if mention.tokens and mention.tokens[0] in lexicon().honorifics:
        return None if " ".join(mention.tokens[1:]) == key else " ".join(mention.tokens)
    return mention.surface
