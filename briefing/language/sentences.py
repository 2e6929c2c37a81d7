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
# ("Wal-Mart", "N-Korea"), a lower-case part after a hyphen starts a new one ("US-led").
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_][\w'’]*(?:-[A-Z][\w'’]*)*\.?")
_INITIALS = re.compile(r"(?:[A-Z]\.)+")
_ABBREVIATIONS = frozenset({"Inc", "Ltd", "Co", "Corp", "St", "Ark", "Calif", "Gen", "Sen", "Rep"})
_OPEN_QUOTES = '“"'
_QUOTE_SPAN = re.compile(r"“[^“”]*(?:”|$)|\"[^\"]*(?:\"|$)")
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
    for match in _TOKEN.finditer(text, start, len(text) if end is None else end):
        word, end = match.group(0), match.end()
        if word[-1] == "." and not _keeps_full_stop(word):
            word, end = word[:-1], end - 1
        if not word:
            continue
        if "'" in word or "’" in word:
            bare, possessive = _bare(word), word.endswith(_POSSESSIVE_ENDINGS)
        else:  # most words have no apostrophe, so nothing to strip
            bare, possessive = word, False
        tokens.append(Token(word, match.start(), end, bare, possessive, word[0].isupper()))
    return tokens


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
    def quotes(self) -> list[tuple[int, int]]:
        """Character spans of the double-quoted passages, quote marks included."""
        return [
            match.span()
            for match in _QUOTE_SPAN.finditer(self.text)
            if match.end() > match.start() + 2
        ]

    def in_quote(self, position: int) -> bool:
        """True when the character at `position` lies inside a quotation."""
        return any(start <= position < end for start, end in self.quotes)


@dataclass
class Document:
    """The sentences of one article that a pack carries, in order."""

    owner: str
    sentences: list[Sentence] = field(default_factory=list)


def _quote_balance(text: str) -> int:
    return text.count("“") - text.count("”") + (text.count('"') % 2)


def sentences_of(paragraph: str) -> list[str]:
    """Split a paragraph into sentences, keeping a quotation that spans sentences together."""
    merged: list[str] = []
    pending = ""
    count = 0
    for sentence in split_sentences(paragraph):
        pending = f"{pending} {sentence}" if pending else sentence
        count += 1
        if _quote_balance(pending) <= 0 or count >= _MAX_MERGED_SENTENCES:
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
    """True when a sentence starts with a quotation mark."""
    return text.lstrip()[:1] in _OPEN_QUOTES
