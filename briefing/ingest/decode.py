"""Bytes to clean text: charset detection, mojibake repair and removal of invisible characters.

Decoding order, most to least trustworthy:

1. a byte-order mark;
2. strict UTF-8 — valid UTF-8 with non-ASCII bytes is practically never another encoding, so
   it beats a (often wrong) declaration;
3. the charset the document declares (HTML ``<meta>`` anywhere in the page, XML declaration),
   with the WHATWG rule that ``iso-8859-1``/``ascii`` mean windows-1252;
4. charset-normalizer's guess, preferring windows-1252 when it is as plausible as the best
   guess (charset-normalizer often picks a Baltic or Central-European code page for Western
   text, which garbles accented letters);
5. nothing plausible: the bytes are not text and the input is skipped.

Every fallback after step 2 is reported in the returned notes, so it can end up in
``Source.notes``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from briefing.ingest.models import Unusable

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels that browsers decode as windows-1252 (WHATWG Encoding Standard).
_WINDOWS_1252_ALIASES = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii"}
_WESTERN_SINGLE_BYTE = {"cp1252", "latin_1", "iso8859_15", "iso8859_1", "windows-1252"}

# C0/C1 controls except tab and newline, zero-width and bidi formatting characters, BOM, soft
# hyphen: invisible in print, and a favourite hiding place for injected instructions.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u061c\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
MOJIBAKE_NOTE = "repaired mis-decoded characters (mojibake)"
_LINE_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
# UTF-8 lead byte followed by continuation bytes, as they look when read as windows-1252.
_CP1252_CONTINUATION = (
    "\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_CONT = f"[{_CP1252_CONTINUATION}]"
# A cheap superset of `_MOJIBAKE` (a single character-class pair), tried first.
_MOJIBAKE_HINT = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152-\u0192\u02c6\u02dc\u2013-\u2122]")
_MOJIBAKE = re.compile(
    f"[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|[\u00f0-\u00f4]{_CONT}{{3}}"
)


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, with what had to be done to read it."""

    text: str
    encoding: str
    notes: list[str] = field(default_factory=list)


def decode_bytes(data: bytes, *, declared: str | None = None, truncated: bool = False) -> Decoded:
    """Decode `data` to text following the order in the module docstring.

    `declared` is the charset the document itself names, if any. `truncated` says the bytes
    were cut at a size limit, so an incomplete last character is dropped rather than treated
    as an encoding error. Raises `Unusable` when no encoding yields plausible text.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(_decode_lenient(data[len(bom) :], encoding), encoding)
    if truncated:
        data = _drop_partial_utf8_tail(data)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    declared_codec = _codec_name(declared)
    if declared_codec and declared_codec != "utf-8":
        try:
            return Decoded(data.decode(declared_codec), declared_codec)
        except UnicodeDecodeError:
            pass
    guess = _guess_encoding(data)
    if guess is None:
        raise Unusable("not text: the bytes are not valid UTF-8 and match no known encoding")
    why = f"declared {declared} does not fit the bytes" if declared else "not valid UTF-8"
    note = f"decoded as {guess} ({why}; encoding guessed)"
    return Decoded(_decode_lenient(data, guess), guess, [note])


def clean_text(text: str) -> str:
    """Normalise line breaks and drop control, zero-width and bidi-override characters.

    Everything else, including non-breaking spaces and typographic quotes, is kept verbatim.
    """
    if "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:
        text = _LINE_BREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    return _TRAILING_SPACE.sub("\n", text) if " \n" in text or "\t\n" in text else text


def repair_mojibake(text: str) -> tuple[str, bool]:
    """Undo UTF-8 that was decoded as windows-1252 somewhere upstream (``Ã©`` → ``é``).

    Only sequences that re-encode to valid UTF-8 are replaced, so ordinary accented text is
    left alone. Returns the text and whether anything was repaired.
    """
    if text.isascii() or not _MOJIBAKE_HINT.search(text):
        return text, False
    repaired = _MOJIBAKE.sub(_repair_match, text)
    return repaired, repaired != text


def readable_text(text: str) -> tuple[str, bool]:
    """`repair_mojibake` then `clean_text` (in that order: repair needs the C1 characters that
    cleaning drops). Also returns whether mojibake was repaired."""
    repaired, changed = repair_mojibake(text)
    return clean_text(repaired), changed


def _repair_match(match: re.Match[str]) -> str:
    chunk = match.group(0)
    try:
        # Bytes undefined in windows-1252 (0x81, 0x8D, 0x8F, 0x90, 0x9D) came through as the
        # same-numbered C1 control characters, so those map back through Latin-1.
        original = b"".join(
            char.encode("latin-1") if "\x80" <= char <= "\x9f" else char.encode("cp1252")
            for char in chunk
        )
        return original.decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return chunk


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("'\"").lower()
    if label in _WINDOWS_1252_ALIASES:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _guess_encoding(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        return None
    best_chaos = min(match.chaos for match in matches)
    for match in matches:
        if match.encoding in _WESTERN_SINGLE_BYTE and match.chaos <= best_chaos + 0.01:
            return "cp1252"
    return min(matches, key=lambda match: match.chaos).encoding


def _decode_lenient(data: bytes, encoding: str) -> str:
    # Bytes undefined in windows-1252 (0x81, 0x8D, ...) map to the C1 controls, exactly as
    # browsers do; `clean_text` then drops them, so no U+FFFD ever reaches an article.
    if codecs.lookup(encoding).name == "cp1252":
        return data.decode("cp1252", errors="_briefing_latin1")
    return data.decode(encoding, errors="_briefing_latin1")


def _latin1_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("latin-1"), error.end


codecs.register_error("_briefing_latin1", _latin1_fallback)


def _drop_partial_utf8_tail(data: bytes) -> bytes:
    """Cut an incomplete UTF-8 sequence at the very end (left there by a size limit)."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return data
        if byte >= 0xC0:
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return data[:-back] if needed > back else data
    return data
