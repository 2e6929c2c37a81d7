"""Strip what is not the story from an article: error pages, disclaimers, link lists,
comment widgets, credits and captions, and paragraphs repeated inside the article.

The rules look at the shape and vocabulary of page furniture, not at strings from any
one site: a paragraph is dropped when it is short and made of furniture words, or when
it opens with a furniture label ("Also read:", "Disclaimer:"). Long paragraphs of prose
are kept even when they mention such words.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from briefing.schema import Article
from briefing.text import split_sentences, words

# Paragraphs up to this many words can be page furniture; longer ones are prose.
FURNITURE_MAX_WORDS = 25
# Disclaimers run longer (the longest in ../shared's inputs has 54 words), but never to
# this: a longer paragraph is prose even when it opens with "Copyright" or holds
# disclaimer words, so a story scraped as one paragraph is never dropped whole.
DISCLAIMER_MAX_WORDS = 120
# Real paragraphs stay far below this (the longest in ../shared's inputs has 1,688
# characters). A longer one is a page that lost its breaks: it is cut at sentence ends
# into paragraphs of at most this size, so that no rule after clean (furniture, repeats,
# verify's look-back for a speaker) ever works on a whole article as one paragraph.
MAX_PARAGRAPH_CHARS = 5_000

_HTTP_STATUS = re.compile(r"^\s*(?:error\s*)?[1-5]\d\d\b[\s:.!-]*(?:[A-Za-z ]{0,40})$", re.I)
_ERROR_PAGE = re.compile(
    r"\b(?:page (?:you (?:were|are) looking for|not found|cannot be found|could not be found|"
    r"(?:does not|doesn't|no longer) exists?)|"
    r"(?:does not|doesn't|no longer) exists?|access (?:denied|forbidden)|forbidden|"
    r"not (?:be )?available in your (?:region|country)|something went wrong|"
    r"(?:an )?error (?:has )?occurred|enable javascript|javascript is disabled|"
    r"are you a robot|verify you are (?:a )?human|captcha)\b",
    re.I,
)
# The only letters re.IGNORECASE matches to ASCII ones whose str.lower() does not give that
# ASCII letter ("ſ" → "ſ", "ı" → "ı", "İ" → "i" plus a combining dot). A paragraph holding
# one skips the literal tests below, which read lower-cased text, and goes to the pattern.
_CASE_TWINS = ("\u017f", "\u0131", "\u0130")
# Every alternative of _ERROR_PAGE contains one of these.
_ERROR_PAGE_NEEDLES = (
    "page",
    "exist",
    "access",
    "forbidden",
    "available",
    "wrong",
    "error",
    "javascript",
    "robot",
    "human",
    "captcha",
)
_EXCLAMATION_ONLY = re.compile(r"^[\W\d_]*(?:sorry|oops|error|whoops|uh[- ]oh)[\W\d_]*$", re.I)

_LINK_LABEL = re.compile(
    r"^\s*(?:also read|read also|read more|more from|more on this|see also|"
    r"related(?: articles?| stories| coverage| news)?|"
    r"recommended(?: for you)?|you (?:may|might) also like|don'?t miss|must read|trending(?: now)?|"
    r"watch(?: now)?|listen|click here|more stories|top stories|further reading|latest news)"
    r"(?:\s[\w' ]{0,30}?)?\s*(?:[:|>\u00bb\u2013\u2014-]|$)",
    re.I,
)
_DISCLAIMER_LABEL = re.compile(
    r"^\s*(?:legal disclaimer|disclaimer|disclosure|copyright|editor'?s note|note to editors)"
    r"\b\s*:?",
    re.I,
)
_DISCLAIMER_WORDS = re.compile(
    r"\b(?:without warranty|as is|liab(?:le|ility)|all rights reserved|may not be (?:re)?published|"
    r"(?:re)?produced|redistributed|rewritten|copyright|terms of (?:use|service)|privacy policy|"
    r"cookie|views expressed|do not (?:necessarily )?reflect|not (?:be )?responsible for)\b",
    re.I,
)
# Disclaimers speak about the publication itself, which is what separates them from
# reporting about, say, a copyright lawsuit.
_SELF_REFERENCE = re.compile(
    r"\b(?:this (?:article|site|website|page|content|story)|the information|we|our)\b",
    re.I,
)
_SELF_REFERENCE_WORDS = frozenset({"this", "information", "we", "our"})
_WIDGET = re.compile(
    r"^\s*(?:\d+\s+)?(?:comments?|no comments?(?: yet)?|leave a (?:reply|comment)|"
    r"add (?:a )?comment|"
    r"post a comment|join the (?:conversation|discussion)|show comments|view comments|"
    r"share(?: this(?: article| story)?)?(?: on \w+)?|follow us(?: on \w+)?|subscribe(?: now)?|"
    r"sign up(?: for [\w ]+)?|newsletter|advertisement|sponsored(?: content)?|print|email|tweet|"
    r"log ?in|register|tags?|topics?)\s*[:.!]?\s*$",
    re.I,
)
_CREDIT_LINE = re.compile(
    r"^\s*\(?(?:with (?:\w+ ){0,2}(?:inputs?|wires?|agencies|agency reports)(?: from [\w ,&]+)?|"
    r"additional reporting by|reporting by|"
    r"(?:written|edited|compiled) by|editing by|writing by|photo(?:graph)?s?(?: by)?\s*:|"
    r"(?:image|picture|video|file photo)(?: credit)?s?\s*:|credits?\s*:|source\s*:)",
    re.I,
)
# A caption fused to the text: a sentence marking positions in a photo ("(C)", "(L)",
# "(left)") and/or ending in a credit such as "(AFP)", "(Reuters)", "(Photo: X/Getty)".
_POSITION_MARK = (
    r"\((?:[LCR]|[Ll]eft|[Rr]ight|[Cc]ent(?:re|er)|[Ff]ront|[Bb]ack|[Tt]op|[Bb]ottom)\)"
)
_CREDIT_TAIL = r"\.?\s*\((?:[A-Z][\w.&/ -]{0,30}|(?:[Pp]hoto|[Ii]mage|[Ff]ile)[^)]{0,60})\)\s*$"
_FUSED_CAPTION = re.compile(
    rf"(?<=[.!?\u201d\"])\s+[^.!?]*{_POSITION_MARK}[^.!?]*?(?:[.!?]|{_CREDIT_TAIL})\s*(?:{_CREDIT_TAIL})?$",
)
_HAS_POSITION_MARK = re.compile(_POSITION_MARK)
_CAPTION_ONLY = re.compile(rf"^[^.!?]*{_POSITION_MARK}.*$|^[^.!?]{{0,200}}{_CREDIT_TAIL}")
# A photographer's credit closing a caption: "REUTERS/Violeta Santos Moura",
# "AP Photo/Andy Wong", "AFP via Getty Images".
_PHOTO_CREDIT_TAIL = re.compile(
    r"(?:\b[A-Z]{2,}(?: Photo)?/[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}|\bvia Getty Images)\)?\s*$"
)


# A dateline before the first sentence: "BEIJING (AP) — ", "WASHINGTON, April 30 (Reuters) - ",
# "Washington (AFP) - ", "(MENAFN) ", "MENAFN - Daily News Egypt) ".
_DATELINE = re.compile(
    r"^(?:"
    r"[A-Z]{2,}\s*-\s*[^()\n]{1,40}\)\s*"
    r"|[A-Z][A-Z.'\u2019 -]{1,40}(?:,\s*[A-Z][\w.' ]{1,30})?(?:,\s*[A-Z][a-z]{2,8}\.? \d{1,2})?"
    r"\s*(?:\([A-Za-z.&/ ]{2,30}\))?\s*[\u2014\u2013:-]{1,2}\s+"
    r"|[A-Z][\w.' ]{1,40}\s*\([A-Za-z.&/ ]{2,30}\)\s*[\u2014\u2013-]{1,2}\s+"
    r"|\([A-Za-z][A-Za-z.&/ ]{1,30}\)\s*[\u2014\u2013-]?\s*"
    r")(?=[\"\u201c\u2018A-Z0-9])"
)
# Curly quotes are directional, so a letter glued to one is a missing space. (Both patterns
# open with the mark itself, so that `re` skips straight to the next one.)
_GLUED_OPENING_QUOTE = re.compile(r"\u201c(?<=[^\W\d_]\u201c)")
# a closing mark glued to the next word ("said:”Yes”and"); one that opens a paragraph or
# follows a space opens a quotation (`”Sorry,” she said`) and stays glued to its word
_GLUED_CLOSING_QUOTE = re.compile(r"\u201d(?<=\S\u201d)(?=[^\W\d_])")
DATELINE_REACH = 3
HEADLINE_MIN_WORDS = 3
HEADLINE_MAX_WORDS = 15


_LINK_TOKEN = re.compile(r"^(?:https?://|www\.|pic\.twitter\.com/|@\w)|\.\w{2,4}/\S")
_POST_SIGNATURE = re.compile(r"^\s*[\u2014\u2013-]\s*[^()]{1,60}\(@\w{1,30}\)")
_RIGHTS = re.compile(r"\u00a9|\(c\) \d{4}|\ball rights reserved\b", re.I)


def _is_link_debris(paragraph: str) -> bool:
    """Embedded-post leftovers: a paragraph that is mostly URLs and @handles, or the
    signature line of an embedded post ("— Name (@handle) Month D, YYYY")."""
    if _POST_SIGNATURE.match(paragraph):
        return True
    if "/" not in paragraph and "@" not in paragraph and "www." not in paragraph:
        return False  # no token can be a link: skip testing each one
    links = others = 0
    for token in paragraph.split():
        if _LINK_TOKEN.search(token):
            links += 1
        else:
            others += 1
            if others == 3:
                return False  # prose, however many links it holds: stop reading
    return links > 0


def _has_case_twins(paragraph: str) -> bool:
    return any(twin in paragraph for twin in _CASE_TWINS)


def _mentions_any(paragraph: str, needles: tuple[str, ...]) -> bool:
    """Whether a lower-cased needle occurs in the paragraph: a cheap test that lets a costly
    pattern be searched only in the few paragraphs where it could match."""
    if _has_case_twins(paragraph):
        return True
    lowered = paragraph.lower()
    return any(needle in lowered for needle in needles)


def _is_error_page(paragraph: str, word_count: int) -> bool:
    if word_count > FURNITURE_MAX_WORDS:
        return False
    return bool(
        _HTTP_STATUS.match(paragraph)
        or _EXCLAMATION_ONLY.match(paragraph)
        or (_mentions_any(paragraph, _ERROR_PAGE_NEEDLES) and _ERROR_PAGE.search(paragraph))
    )


def _is_disclaimer(paragraph: str, word_count: int) -> bool:
    if word_count > DISCLAIMER_MAX_WORDS:
        return False
    if _DISCLAIMER_LABEL.match(paragraph):
        return True
    if not _has_case_twins(paragraph) and _SELF_REFERENCE_WORDS.isdisjoint(_words_of(paragraph)):
        return False  # the cheapest test first: _SELF_REFERENCE needs one of these words
    if not _SELF_REFERENCE.search(paragraph):
        return False
    hits = {hit.lower() for hit in _DISCLAIMER_WORDS.findall(paragraph)}
    return len(hits) >= 2


def _is_widget_or_credit(paragraph: str, word_count: int) -> bool:
    if word_count > FURNITURE_MAX_WORDS:
        return False
    return bool(
        _WIDGET.match(paragraph) or _CREDIT_LINE.match(paragraph) or _RIGHTS.search(paragraph)
    )


def _is_caption(paragraph: str, word_count: int) -> bool:
    if word_count > 3 * FURNITURE_MAX_WORDS:
        return False
    # Both caption shapes need a bracket, and a photographer's credit a slash or Getty.
    if "(" in paragraph and _CAPTION_ONLY.match(paragraph):
        return True
    return ("/" in paragraph or "Getty" in paragraph) and bool(_PHOTO_CREDIT_TAIL.search(paragraph))


def _looks_like_headline(paragraph: str, word_count: int) -> bool:
    return word_count <= FURNITURE_MAX_WORDS and not re.search(r"[.!?\"\u201d]\s*$", paragraph)


@functools.lru_cache(maxsize=4096)
def _words_of(paragraph: str) -> tuple[str, ...]:
    """`words(paragraph)`, remembered: each rule below looks at the same paragraphs."""
    return tuple(words(paragraph))


def furniture_rule(paragraph: str) -> str | None:
    """The rule by which a paragraph is page furniture, or None when it is story text."""
    word_count = len(_words_of(paragraph))
    if word_count == 0:
        return "no words"
    if _is_error_page(paragraph, word_count):
        return "error page"
    if _is_disclaimer(paragraph, word_count):
        return "disclaimer"
    if _is_widget_or_credit(paragraph, word_count):
        return "widget or credit line"
    if _is_caption(paragraph, word_count):
        return "photo caption"
    if _is_link_debris(paragraph):
        return "links and handles"
    return None


def is_furniture(paragraph: str) -> bool:
    """True when a paragraph is page furniture rather than part of the story."""
    return furniture_rule(paragraph) is not None


def _drop_link_lists(paragraphs: list[str]) -> list[str]:
    """Drop "Also read:"-style labels, the headline they introduce, and links on their line."""
    kept: list[str] = []
    skip_headline = False
    for paragraph in paragraphs:
        word_count = len(_words_of(paragraph))
        if skip_headline and _looks_like_headline(paragraph, word_count):
            skip_headline = False
            continue
        skip_headline = False
        label = _LINK_LABEL.match(paragraph)
        if label and word_count <= FURNITURE_MAX_WORDS:
            skip_headline = not paragraph[label.end() :].strip()
            continue
        kept.append(paragraph)
    return kept


def _strip_fused_caption(paragraph: str) -> str:
    if "(" not in paragraph or not _HAS_POSITION_MARK.search(paragraph):
        return paragraph.rstrip()  # no position mark, so no fused caption
    return _FUSED_CAPTION.sub("", paragraph).rstrip()


def _drop_repeats(paragraphs: list[str]) -> list[str]:
    """Keep one of paragraphs that repeat inside one article (pasted-twice blocks): the first,
    except for a pull quote, a whole quotation shown early that the story quotes again
    later in context; there the later one is kept, where its speaker is."""
    keys = [_words_of(paragraph) for paragraph in paragraphs]
    first: dict[tuple[str, ...], int] = {}
    for index, key in enumerate(keys):
        first.setdefault(key, index)
    repeats = [first[key] != index for index, key in enumerate(keys)]
    kept_at = dict(first)
    for index, key in enumerate(keys):
        if repeats[index] and _pull_quote_repeated(paragraphs, repeats, first[key], index):
            kept_at[key] = index
    return [
        p
        for index, (p, key) in enumerate(zip(paragraphs, keys, strict=True))
        if kept_at[key] == index
    ]


_WHOLE_QUOTATION = re.compile(r"\s*[“\"][^“”\"]+[”\"]\s*")


def _pull_quote_repeated(
    paragraphs: list[str], repeats: list[bool], first: int, later: int
) -> bool:
    """A whole quotation repeated on its own, away from its first showing, with no pasted
    block around it (its neighbours are no repeats)."""
    neighbours = [n for n in (later - 1, later + 1) if 0 <= n < len(paragraphs)]
    return (
        later - first > 1
        and _WHOLE_QUOTATION.fullmatch(paragraphs[later]) is not None
        and not any(repeats[n] for n in neighbours)
    )


def _space_glued_quotes(paragraph: str) -> str:
    if "\u201c" not in paragraph and "\u201d" not in paragraph:
        return paragraph
    paragraph = _GLUED_OPENING_QUOTE.sub(" \u201c", paragraph)
    return _GLUED_CLOSING_QUOTE.sub("\u201d ", paragraph)


def _strip_dateline(paragraphs: list[str]) -> list[str]:
    """Remove the dateline from the paragraph that opens the report: usually the first,
    sometimes after an editor's note or a standfirst."""
    for index, paragraph in enumerate(paragraphs[:DATELINE_REACH]):
        stripped = _DATELINE.sub("", paragraph, count=1)
        if stripped != paragraph:
            return [*paragraphs[:index], stripped, *paragraphs[index + 1 :]]
    return paragraphs


def _restore_breaks(paragraphs: list[str]) -> list[str]:
    """Paragraphs longer than MAX_PARAGRAPH_CHARS cut into runs of whole sentences of at
    most that size (a sentence longer than that stays whole)."""
    restored: list[str] = []
    for paragraph in paragraphs:
        if len(paragraph) <= MAX_PARAGRAPH_CHARS:
            restored.append(paragraph)
            continue
        run: list[str] = []
        size = 0
        for sentence in split_sentences(paragraph):
            if run and size + 1 + len(sentence) > MAX_PARAGRAPH_CHARS:
                restored.append(" ".join(run))
                run, size = [], -1
            run.append(sentence)
            size += 1 + len(sentence)
        if run:
            restored.append(" ".join(run))
    return restored


def _story_candidates(paragraphs: list[str]) -> list[str]:
    """The paragraphs left after link lists, fused captions and glued quotes are dealt with."""
    return [_space_glued_quotes(_strip_fused_caption(p)) for p in _drop_link_lists(paragraphs)]


def clean_paragraphs(paragraphs: list[str]) -> list[str]:
    """The story paragraphs of an article, furniture and internal repeats removed."""
    story = _story_candidates(_restore_breaks(paragraphs))
    kept = _strip_dateline(_drop_repeats([p for p in story if not is_furniture(p)]))
    _words_of.cache_clear()  # the cache serves one article's rules; keep no text beyond it
    return kept


def why_dropped(article: Article) -> str:
    """Which rules removed the paragraphs of an article that cleaning left empty, e.g.
    "2 paragraphs: 1 disclaimer, 1 error page"."""
    restored = _restore_breaks(article.paragraphs)
    candidates = _story_candidates(restored)
    rules = Counter(rule for rule in map(furniture_rule, candidates) if rule)
    if len(candidates) < len(restored):
        rules["link list"] += len(restored) - len(candidates)
    _words_of.cache_clear()
    total = len(restored)
    named = ", ".join(f"{n} {rule}" for rule, n in sorted(rules.items(), key=lambda r: -r[1]))
    return f"{total} paragraph{'s' if total != 1 else ''}: {named or 'no text'}"


def _leading_headline(paragraphs: list[str]) -> str | None:
    """The first paragraph when it is a headline over the story rather than its first line."""
    if len(paragraphs) < 2:
        return None
    first = paragraphs[0]
    count = len(words(first))
    if not HEADLINE_MIN_WORDS <= count <= HEADLINE_MAX_WORDS or not first[:1].isupper():
        return None
    return None if re.search(r"[.!?:;,\"\u201d]\s*$", first) else first


def clean(article: Article) -> Article:
    """A copy of `article` with only its story paragraphs.

    An untitled article that opens with a headline line gets that line as its title.
    """
    return with_story(article, clean_paragraphs(article.paragraphs))


def with_story(article: Article, paragraphs: list[str]) -> Article:
    """`article` with `paragraphs`, its `clean_paragraphs`, as its text (see `clean`)."""
    source = article.source
    headline = None if source.title else _leading_headline(paragraphs)
    if headline:
        source = source.model_copy(update={"title": headline})
        paragraphs = _strip_dateline(paragraphs[1:])
    return article.model_copy(update={"paragraphs": paragraphs, "source": source})
