"""A pack's articles as ordered sentences, with tokens and quotes.

A pack holds blocks in article order; consecutive blocks owned by the same article form one
document, so that "he said" can look back at the sentences before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from briefing.language.lexicon import lexicon
from briefing.pack import Pack
from briefing.text import split_sentences

# A word starts with a letter; capitalised parts joined by hyphens stay one word
# ("Wal-Mart", "N-Korea"), a lower-case part after a hyphen starts a new one ("US-led");
# initials ("U.S.") are one word. Written to open with a character class, so that the
# regex engine skips to the next letter instead of trying the pattern everywhere.
_TOKEN = re.compile(r"[^\W\d_](?:(?<=[A-Z])\.(?:[A-Z]\.)+|[\w'’]*(?:-[A-Z][\w'’]*)*\.?)")
_INITIALS = re.compile(r"(?:[A-Z]\.)+")
_ABBREVIATIONS = frozenset({"Inc", "Ltd", "Co", "Corp", "St", "Ark", "Calif", "Gen", "Sen", "Rep"})
_OPEN_QUOTES = '“"'
# Double quotation marks as news copy writes them: curly, straight, or typed as two
# apostrophes or backticks (''like this'', ``like this''), or tripled by a scraper
# ('''like this'''). These forms are read as a straight mark and spaces, which keeps
# every offset.
_DOUBLED_QUOTE = re.compile(r"'''?|\"\"\"|``|‘‘|’’")
_QUOTE_MARK = re.compile(r"[“”\"]")
# Invisible format marks (left-to-right marks, bidi embeddings, zero-width spaces, a byte
# order mark) that pasted copy carries next to a quotation mark: read as a space, so that
# the quotation mark opens or closes where it would without them.
_FORMAT_MARK = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
# A sentence that ends on a closing quotation, and a short attribution after it that the
# splitter cut off: `"Will it ever be finished?" Abbasov said.`
_ENDS_ON_QUOTATION = re.compile(r"[.?!…,][’']?\s*(?:[”\"]|'')\s*$")
_ATTRIBUTION_TAIL_WORDS = 8
_TAIL_VERB_REACH = 4  # a longer tail still attributes when its verb comes this early
_QUOTE_AFTER_TAIL_VERB = 3  # words after a tail's verb where a quotation starts a statement
_POSSESSIVE_ENDINGS = ("'s", "’s", "s'", "s’")
_MAX_MERGED_SENTENCES = 6
_HEADING_MAX_WORDS = 12


class Token(NamedTuple):
    """A word of a sentence with its character offsets."""

    text: str
    start: int
    end: int
    bare: str
    possessive: bool
    capitalised: bool


def _bare(word: str) -> str:
    """The word without a possessive ending."""
    for ending in ("'s", "’s"):
        if word.endswith(ending):
            return word[: -len(ending)]
    return word.rstrip("'’")


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The words of `text[start:end]` with offsets into `text`; a full stop stays on
    initials and known abbreviations only."""
    tokens = []
    make = tuple.__new__  # what Token(...) does, without its keyword handling
    for match in _TOKEN.finditer(text, start, len(text) if end is None else end):
        word, end = match.group(), match.end()
        if word[-1] == "." and not _keeps_full_stop(word):
            word, end = word[:-1], end - 1
        if "'" in word or "’" in word:
            bare, possessive = _bare(word), word.endswith(_POSSESSIVE_ENDINGS)
        else:  # most words have no apostrophe, so nothing to strip
            bare, possessive = word, False
        tokens.append(make(Token, (word, match.start(), end, bare, possessive, word[0].isupper())))
    return tokens


def last_tokens(text: str, start: int, end: int, count: int) -> list[Token]:
    """The last `count` tokens of `tokenize(text, start, end)`, read from the `count + 1`th
    space before `end` when that holds enough of them (the first is often right at `end`):
    no word holds a space, so the words after a space are the same wherever reading starts
    before it."""
    cut = end
    for _ in range(count + 1):
        cut = text.rfind(" ", start, cut)
        if cut < 0:
            return tokenize(text, start, end)[-count:]
    tokens = tokenize(text, cut, end)
    return tokens[-count:] if len(tokens) >= count else tokenize(text, start, end)[-count:]


def _keeps_full_stop(word: str) -> bool:
    stem = word[:-1]
    lx = lexicon()
    return bool(
        _INITIALS.fullmatch(word)
        or stem in lx.honorifics
        or stem in lx.name_suffixes
        or stem in _ABBREVIATIONS
    )


@dataclass
class Sentence:
    """One sentence of an article, and the sources that carry the paragraph it is in."""

    text: str
    source_ids: list[str]
    paragraph: int
    heading: bool

    @cached_property
    def view(self) -> str:
        """The text as the rules read it: doubled apostrophes and backticks become a straight
        quotation mark and a space. Same length as `text`, so offsets hold for both."""
        return as_read(self.text)

    @cached_property
    def quotes(self) -> list[tuple[int, int]]:
        """Character spans of the double-quoted passages, quote marks included."""
        return [(start, end) for start, end in quote_spans(self.view) if end > start + 2]

    def in_quote(self, position: int) -> bool:
        """True when the character at `position` lies inside a quotation."""
        quotes = self.quotes
        return bool(quotes) and any(start <= position < end for start, end in quotes)


@dataclass
class Document:
    """The sentences of one article that a pack carries, in order."""

    owner: str
    sentences: list[Sentence] = field(default_factory=list)


def as_read(text: str) -> str:
    """`text` with two- and three-character quotation marks as a straight mark and spaces,
    and invisible format marks as spaces."""
    if not text.isascii() and _FORMAT_MARK.search(text):  # (no format mark is ASCII)
        text = _FORMAT_MARK.sub(" ", text)
    if not ("''" in text or "`" in text or "‘‘" in text or "’’" in text or '"""' in text):
        return text  # the usual case, tested without a generator: called for every sentence
    return _DOUBLED_QUOTE.sub(lambda mark: '"'.ljust(len(mark.group(0))), text)


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the quotations in `text` (marks included), pairing marks in order whatever
    their shape: a straight opening mark may close on a curly one and the other way round.
    A curly opening mark inside an open quotation starts a new one, unless it stands where
    a quotation ends (`called it “abhorrent“ on Sunday`); a curly closing mark with none
    open is a stray, unless it stands where one begins (`”Sorry,” she said`); a quotation
    left open runs to the end of the text."""
    spans, opened = _scan_quotes(text)
    return [*spans, (opened, len(text))] if opened is not None else spans


_AFTER_CLOSING = frozenset(" \t\n.,;:!?)]—–-…")
_BEFORE_OPENING = frozenset(" \t\n([—–-")


def _closes_here(text: str, position: int) -> bool:
    """A mark right after a word and before a space, a punctuation mark or the end."""
    before = text[position - 1 : position]
    after = text[position + 1 : position + 2]
    return bool(before) and before not in _BEFORE_OPENING and (not after or after in _AFTER_CLOSING)


def _opens_here(text: str, position: int) -> bool:
    """A mark at the start or after a space, right before a word."""
    before = text[position - 1 : position]
    after = text[position + 1 : position + 2]
    return (not before or before in _BEFORE_OPENING) and after.isalnum()


def _scan_quotes(text: str) -> tuple[list[tuple[int, int]], int | None]:
    """The closed quotations of `text`, and where one left open starts."""
    if '"' not in text and "“" not in text and "”" not in text:
        return [], None  # most sentences quote nothing: no scan
    spans = []
    opened: int | None = None
    for match in _QUOTE_MARK.finditer(text):
        mark, position = match.group(0), match.start()
        if opened is None:
            if mark != "”" or _opens_here(text, position):
                opened = position
        elif mark == "“" and not _closes_here(text, position):
            spans.append((opened, position))
            opened = position
        else:
            spans.append((opened, position + 1))
            opened = None
    return spans, opened


def mend_quote_marks(text: str) -> str:
    """`text` with each curly mark turned the way it is used (`“abhorrent“` →
    `“abhorrent”`, `”Sorry,”` → `“Sorry,”`), so that the marks pair up when shown."""
    if "“" not in text and "”" not in text:
        return text
    chars = list(text)
    for start, end in _scan_quotes(text)[0]:
        if chars[start] == "”":
            chars[start] = "“"
        if end - start > 1 and chars[end - 1] == "“":
            chars[end - 1] = "”"
    return "".join(chars)


def quote_left_open(text: str) -> bool:
    """True when a quotation opened in `text` is still open at its end."""
    return _scan_quotes(as_read(text))[1] is not None


def _attribution_tail(previous: str, sentence: str) -> bool:
    """`"Will it ever be finished?"` + `Abbasov said.`: a sentence whose attribution verb
    comes in its first words (any of them when it is short), right after one that ends on
    a closing quotation mark (a single mark may close inside it: `…to help?’”`). A
    quotation before the verb or right after it (`After all, he said, "…"`) makes the
    sentence a statement of its own."""
    if not _ENDS_ON_QUOTATION.search(previous):
        return False
    words = as_read(sentence).split()
    verbs = lexicon().speech_verbs
    reach = len(words) if len(words) <= _ATTRIBUTION_TAIL_WORDS else _TAIL_VERB_REACH
    for position, word in enumerate(words[:reach]):
        if _QUOTE_MARK.search(word):
            return False
        if word.strip(".,;:!?").lower() in verbs:
            after = words[position + 1 : position + 1 + _QUOTE_AFTER_TAIL_VERB]
            return not any(_QUOTE_MARK.search(following) for following in after)
    return False


def sentences_of(paragraph: str) -> list[str]:
    """Split a paragraph into sentences, keeping a quotation that spans sentences together
    and a quotation together with the short attribution after it."""
    merged: list[str] = []
    pending = ""
    count = 0
    for sentence in split_sentences(paragraph):
        if not pending and merged and _attribution_tail(merged[-1], sentence):
            merged[-1] = f"{merged[-1]} {sentence}"
            continue
        pending = f"{pending} {sentence}" if pending else sentence
        count += 1
        if not quote_left_open(pending) or count >= _MAX_MERGED_SENTENCES:
            merged.append(pending)
            pending, count = "", 0
    if pending:
        merged.append(pending)
    return [_verbatim(paragraph, sentence) for sentence in merged]


def _verbatim(paragraph: str, sentence: str) -> str:
    """Merged sentences are rejoined with one space; take the original span instead."""
    if sentence in paragraph:
        return sentence
    first, last = sentence.split(" ", 1)[0], sentence.rsplit(" ", 1)[-1]
    start = paragraph.find(first)
    end = paragraph.find(last, start) + len(last)
    return paragraph[start:end] if start >= 0 and end > start else sentence


def is_heading(paragraph: str) -> bool:
    """A line in capitals, or one without closing punctuation that is short or in title case."""
    words = paragraph.split()
    if not words or len(words) > _HEADING_MAX_WORDS * 2:
        return False
    capitalised = sum(1 for word in words if word[0].isupper() or not word[0].isalpha())
    ends_like_sentence = paragraph.rstrip().endswith((".", "!", "?", "”", '"', ":", "’", "'"))
    if paragraph.isupper():
        return True
    title_case = capitalised / len(words) > 0.6
    if paragraph.rstrip().endswith("?") and title_case and len(words) <= _HEADING_MAX_WORDS:
        return True  # "Russia-North Korea: More Than Military Partners?"
    if ends_like_sentence:
        return False
    return len(words) <= _HEADING_MAX_WORDS or title_case


def documents_of(pack: Pack) -> list[Document]:
    """Group a pack's blocks into per-article documents, sentences in reading order."""
    documents: list[Document] = []
    paragraph_index = 0
    for block in pack.blocks:
        owner = block.source_ids[0]
        if not documents or documents[-1].owner != owner:
            documents.append(Document(owner))
        for paragraph in block.paragraphs:
            heading = is_heading(paragraph)
            for text in sentences_of(paragraph):
                documents[-1].sentences.append(
                    Sentence(text, list(block.source_ids), paragraph_index, heading)
                )
            paragraph_index += 1
    return documents


def opens_with_quote(text: str) -> bool:
    """True when a sentence starts with a quotation mark (of any shape: a curly closing
    mark right before a word opens one too, `”Sorry,” she said`)."""
    start = as_read(text.lstrip())
    return start[:1] in _OPEN_QUOTES or (start[:1] == "”" and start[1:2].isalnum())
