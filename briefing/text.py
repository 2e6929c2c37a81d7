"""Small text helpers shared by several stages: normalisation and sentence splitting."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
    }
)
_FOLDED = re.compile("[" + re.escape("".join(map(chr, _QUOTES))) + "]")
_WORD = re.compile(r"\w+")


def _folded_char(match: re.Match[str]) -> str:
    return _QUOTES[ord(match.group())]


def normalize_for_match(text: str) -> str:
    """Fold quotes, dashes and whitespace so that a quote can be found in its source.

    Case and wording are kept: a match after this is still a verbatim match.
    """
    if text.isascii():  # NFKC leaves ASCII alone; of the folded characters only ` is ASCII
        text = text.replace("`", "'")
    else:
        # str.translate looks up every character: slow next to finding the few to fold.
        text = _FOLDED.sub(_folded_char, unicodedata.normalize("NFKC", text))
    # Whitespace runs become single spaces first, so the spaces around a dash or a quote
    # mark are single spaces: plain replacements are much faster than a regex at each place.
    if not _single_spaced(text):
        text = " ".join(text.split())
    for mark in '-"':
        if mark in text:
            text = text.replace(f" {mark}", mark).replace(f"{mark} ", mark)
    return text


def _single_spaced(text: str) -> bool:
    """True when splitting the text at whitespace and joining it with single spaces gives it
    back: no whitespace but single inner spaces (every other whitespace character is not
    printable), checked in C instead of cutting the text into words."""
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


# What a fold may change one character at a time: all but printable ASCII, and the backquote.
_UNPLAIN = re.compile("[^\x20-\x5f\x61-\x7e]")
# A run of spaces the fold changes, matched from its first space: several spaces, a space
# after or before a dash or a quote mark, a space at either end.
_SPACES_CHANGED = re.compile(r' (?: +|(?<=[-"] )|(?<=\A )|(?=[-"])|\Z)')


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """`normalize_for_match(text)` worked out piece by piece, with the offset in `text` of
    each character of the result (so a span of the result maps back to `text`).

    It agrees with `normalize_for_match` except where NFKC composes across characters;
    callers that map a span back check the result with `normalize_for_match`. Plain runs
    of text are copied whole: only the characters and runs of spaces that change are
    looked at one by one.
    """
    chars, where = _fold_characters(text)
    kept: list[str] = []
    kept_where: list[int] = []
    copied = 0
    for run in _SPACES_CHANGED.finditer(chars):
        start, end = run.span()
        kept.append(chars[copied:start])
        kept_where.extend(where[copied:start])
        before, after = chars[start - 1 : start], chars[end : end + 1]
        if before not in ("", "-", '"') and after not in ("", "-", '"'):
            kept.append(" ")
            kept_where.append(where[start])
        copied = end
    kept.append(chars[copied:])
    kept_where.extend(where[copied:])
    return "".join(kept), kept_where


def _fold_characters(text: str) -> tuple[str, list[int]]:
    """Each character NFKC-normalised, its quote marks and dashes folded and whitespace made a
    space, with the offset in `text` each resulting character comes from."""
    pieces: list[str] = []
    where: list[int] = []
    copied = 0
    for char in _UNPLAIN.finditer(text):
        offset = char.start()
        pieces.append(text[copied:offset])
        where.extend(range(copied, offset))
        for folded in unicodedata.normalize("NFKC", char.group()).translate(_QUOTES):
            pieces.append(" " if folded.isspace() else folded)
            where.append(offset)
        copied = offset + 1
    pieces.append(text[copied:])
    where.extend(range(copied, len(text)))
    return "".join(pieces), where


def balance_quotes(text: str) -> str:
    """Close a quotation left open (or open one left closed) when a clause is cut out
    of a longer sentence, so that displayed text never has a dangling quote mark."""
    opened, closed = text.count("\u201c"), text.count("\u201d")
    if opened > closed:
        text += "\u201d" * (opened - closed)
    elif closed > opened:
        text = "\u201c" * (closed - opened) + text
    if text.count('"') % 2:
        text = text + '"' if text.startswith('"') or ' "' in text else '"' + text
    return text


def words(text: str) -> list[str]:
    """Lower-cased word tokens of a text (runs of `\\w`). Text that is ASCII but for
    typographic marks is split without the regular expression, in about half the time."""
    lowered = text.lower()
    plain = _plain(lowered)
    if plain is None:
        return _WORD.findall(lowered)
    return plain.translate(_ASCII_NON_WORD_SPACED).split()


# Characters outside ASCII that news prose is full of and that are never part of a word.
_TYPOGRAPHIC_MARKS = re.compile("[\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0]")
# ASCII characters that `\w` does not match, each mapped to a space.
_ASCII_NON_WORD_SPACED = {
    code: " " for code in range(128) if not (chr(code).isalnum() or chr(code) == "_")
}
# ASCII letters lower-cased, digits and "_" kept (what `\w` matches in ASCII), every other
# byte a space.
_ASCII_WORD_BYTES = (
    bytes(
        byte + 32 if 65 <= byte <= 90 else byte if chr(byte).isalnum() or byte == 95 else 32
        for byte in range(128)
    )
    + b" " * 128
)


def _plain(text: str) -> str | None:
    """`text` with its typographic marks made spaces (which splits words just where the
    marks did) when that leaves it ASCII; None when it does not."""
    if text.isascii():
        return text
    spaced = _TYPOGRAPHIC_MARKS.sub(" ", text)
    return spaced if spaced.isascii() else None


def encoded_words(text: str) -> list[bytes]:
    """`words(text)`, each UTF-8 encoded; text that is ASCII but for typographic marks is
    split without the regular expression, in about half the time."""
    plain = _plain(text)
    if plain is None:
        return [word.encode() for word in words(text)]
    return plain.encode().translate(_ASCII_WORD_BYTES).split()


# A sentence ends at . ! ? (optionally followed by closing quotes or brackets) when the next
# sentence starts with a capital, a digit or an opening quote (also one typed as two
# apostrophes or backticks, as some outlets do: ''Like this'')
_SENTENCE_END = re.compile(
    r"""[.!?]+["'\u201d\u2019)\]]*(?=\s+(?:''|``|["'\u201c\u2018(\[])?[A-Z0-9\u00C0-\u024F])"""
)
_ABBREVIATIONS = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Lt|Col|Sgt|Capt|Gov|Sen|Rep|St|Jr|Sr|Inc|Ltd|Co|Corp|No|vs|"
    r"U\.S|U\.K|U\.N|E\.U|a\.m|p\.m|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|[A-Z])\.$"
)


# The longest abbreviation above ("Sept.") with the character before it.
ABBREVIATION_REACH = 6


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences, keeping each sentence verbatim.

    Abbreviations such as "Mr." or initials such as "S." do not end a sentence.
    """
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        # Only the end of the text before the stop can be an abbreviation: searching from
        # there keeps a run of initials or abbreviations linear, not quadratic.
        if _ABBREVIATIONS.search(
            paragraph, max(start, match.end() - ABBREVIATION_REACH), match.end()
        ):
            continue
        candidate = paragraph[start : match.end()].strip()
        if candidate:
            sentences.append(candidate)
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def one_line(text: str, limit: int = 160) -> str:
    """`text` on one line, whitespace collapsed, cut with an ellipsis beyond `limit` chars."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


_Trie = dict[str, "_Trie"]
_END = ""  # the mark, in a trie node, that a phrase ends there


def phrase_alternation(phrases: Iterable[str]) -> str:
    """A regex source matching any of `phrases` (literally), the longest one first: what
    `"|".join` of the escaped phrases sorted longest first matches, but built as a trie,
    so that matching at a position costs the length of the phrase, not the number of
    phrases (a story's names, or every country's, number in the thousands). For a
    case-insensitive pattern, give the phrases in one case."""
    trie: _Trie = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[_END] = {}
    return _trie_source(trie)


def _trie_source(node: _Trie) -> str:
    """The regex of a trie node: its branches (each a run of single-child nodes, then what
    follows), optional when a phrase ends here; longer matches are tried first."""
    branches = []
    for char, child in node.items():
        if char == _END:
            continue
        literal = char
        while len(child) == 1 and _END not in child:
            ((char, child),) = child.items()
            literal += char
        branches.append(re.escape(literal) + _trie_source(child))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if _END in node else body


_WORD_RUN = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")


class _Headed:
    """The phrases that open with one word, and their lengths, longest first (at one place
    of a text at most one phrase of each length can be there)."""

    def __init__(self) -> None:
        self.phrases: set[str] = set()
        self.lengths: list[int] = []

    def add(self, phrase: str) -> None:
        """Add `phrase`, keeping `lengths` longest first."""
        self.phrases.add(phrase)
        if len(phrase) not in self.lengths:
            self.lengths = sorted([*self.lengths, len(phrase)], reverse=True)


class Phrases:
    r"""Finds any of a set of phrases in texts, literally and as whole words (not inside a
    longer word), the longest one first, left to right: what the regex
    `(?<!\w)(?:phrase_alternation(phrases))(?!\w)` finds. Compiling that regex costs
    Python's regex compiler about 0.1 ms per phrase, and a story's names number in the
    thousands; here each word of the text is looked up instead. A phrase that does not
    open with a word character (rare: "'Ndrangheta") can start where no word does, so a
    set holding one is searched with the regex after all. No phrase: nothing is found.

    At a word, only the lengths of the phrases it heads are tried, longest first, each by
    one set lookup: a huge input's names number many variants of one head ("U.S. Customs
    …"), and trying each phrase in turn would cost more per word the longer the input.
    Only words opening with a character some phrase opens with are looked at (names open
    with a capital, so most words of a text are skipped inside `re`)."""

    def __init__(self, phrases: Iterable[str]) -> None:
        unique = list(dict.fromkeys(phrases))
        self._by_head: dict[str, _Headed] = {}
        self._pattern: re.Pattern[str] | None = None
        self._heads: re.Pattern[str] | None = None
        for phrase in unique:
            head = _WORD_RUN.match(phrase)
            if head is None:
                self._by_head = {}
                self._pattern = re.compile(rf"(?<!\w)(?:{phrase_alternation(unique)})(?!\w)")
                return
            self._by_head.setdefault(head.group(), _Headed()).add(phrase)
        # A word run whose first character opens some head; a match inside a word (after a
        # word character) is not the start of a word and is passed over.
        openings = "".join(sorted({head[0] for head in self._by_head}))
        if openings:
            self._heads = re.compile(f"[{re.escape(openings)}]\\w*")

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the phrases are found in `text`: (start, end) of each, in order."""
        if self._pattern is not None:
            return [match.span() for match in self._pattern.finditer(text)]
        found: list[tuple[int, int]] = []
        if self._heads is None:
            return found
        end = 0
        heads = self._by_head
        for word in self._heads.finditer(text):
            start = word.start()
            headed = heads.get(word.group())
            if headed is None or start < end or (start and _WORD_CHAR.match(text, start - 1)):
                continue
            for length in headed.lengths:
                stop = start + length
                if (
                    stop <= len(text)
                    and text[start:stop] in headed.phrases
                    and not _WORD_CHAR.match(text, stop)
                ):
                    found.append((start, stop))
                    end = stop
                    break
        return found

    def findall(self, text: str) -> list[str]:
        """The phrases found in `text`, in order."""
        return [text[start:end] for start, end in self.spans(text)]

    def sub(self, replace: Callable[[str], str], text: str) -> str:
        """`text` with each phrase found replaced by `replace(phrase)`."""
        pieces = []
        done = 0
        for start, end in self.spans(text):
            pieces += [text[done:start], replace(text[start:end])]
            done = end
        pieces.append(text[done:])
        return "".join(pieces)
