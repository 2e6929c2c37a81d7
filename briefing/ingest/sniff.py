"""What an input is: its format from the extension and the first bytes, binary detection, charset.

The extension decides when it is specific; the content decides for unknown extensions, for
stdin, and when it clearly contradicts a generic extension (an ``.xml`` that is HTML, a ``.txt``
that is a saved web page).
"""

from __future__ import annotations

import re

from briefing.ingest.ids import file_stem
from briefing.ingest.models import InputFormat, Unusable

_BY_EXTENSION: dict[str, InputFormat] = {
    ".txt": "text", ".text": "text",
    ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".json": "json",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".xml": "feed", ".rss": "feed", ".atom": "feed", ".rdf": "feed",
}  # fmt: skip
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "a Windows executable"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (b"ID3", "an MP3 file"),
    (b"OggS", "an Ogg media file"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF|channel)[\s>]", re.IGNORECASE)
_HTML_START = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|div|p|article|section|main)[\s>/]",
    re.IGNORECASE,
)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)")
_META_CHARSET = re.compile(
    rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE | re.DOTALL
)
_SNIFF_BYTES = 4096


BINARY_CONTROL_SHARE = 0.05
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0c")


def detect_format(name: str, data: bytes) -> InputFormat:
    """Decide how to read an input called `name` (may be empty for stdin) holding `data`.

    Raises `Unusable` for empty and binary inputs.
    """
    reject_non_text(data)
    by_extension = _BY_EXTENSION.get(_extension(name))
    by_content = _format_from_content(data)
    if by_extension is None:
        return by_content
    if by_extension == "feed" and by_content == "html":
        return "html"
    if by_extension in ("text", "markdown") and by_content in ("html", "feed"):
        return by_content
    return by_extension


def reject_non_text(data: bytes) -> None:
    """Raise `Unusable` if `data` is empty, whitespace only, or binary."""
    if not data:
        raise Unusable("empty file")
    reject_binary(data)
    if not data.strip():
        raise Unusable("file holds only whitespace")


def reject_binary(data: bytes) -> None:
    """Raise `Unusable` if the first bytes of `data` show a binary file (a known magic
    number, or too many control bytes for text). Enough to call on a file's first 4 kB."""
    head = data[:_SNIFF_BYTES]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            raise Unusable(f"binary file ({kind}), not text")
    if head.startswith(_TEXT_BOMS) or head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return
    if _control_share(head) > BINARY_CONTROL_SHARE and not _looks_like_utf16(head):
        raise Unusable("binary file (too many control bytes for text), not text")


def _control_share(head: bytes) -> float:
    """The share of bytes that are C0 controls other than whitespace: about 11% in random
    bytes, none in text (a stray one in text is stripped later, not a reason to reject)."""
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls / max(1, len(head))


def declared_charset(data: bytes) -> str | None:
    """The charset a document declares: XML declaration, else the first ``<meta … charset>``.

    The whole document is searched, not only the first kilobyte: pages saved after scripts
    ran put the ``<meta>`` anywhere (one real page has it at byte 143,026).
    """
    xml = _XML_ENCODING.match(data[:512])
    if xml:
        return xml.group(1).decode("ascii")
    meta = _META_CHARSET.search(data)
    return meta.group(1).decode("ascii") if meta else None


def _extension(name: str) -> str:
    lowered = name.lower().removesuffix(".gz")
    stem = file_stem(lowered)
    rest = lowered[len(stem) :]
    return rest[rest.rfind(".") :] if "." in rest else ""


def _format_from_content(data: bytes) -> InputFormat:
    head = data[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return "jsonl" if _looks_like_jsonl(data) else "json"
    if head.startswith(b"<"):
        if _FEED_ROOT.search(head):
            return "feed"
        if _HTML_START.search(head):
            return "html"
        if head.startswith(b"<?xml"):
            return "feed"
    if head.startswith(b"---") or head.startswith(b"+++"):
        return "markdown"
    return "text"


def _looks_like_jsonl(data: bytes) -> bool:
    lines = [line.strip() for line in data[:_SNIFF_BYTES].splitlines() if line.strip()]
    if len(lines) < 2:
        return False
    complete = lines[:-1] if len(data) > _SNIFF_BYTES else lines
    return all(line.startswith(b"{") and line.endswith(b"}") for line in complete)


def _looks_like_utf16(head: bytes) -> bool:
    even_nuls = head[0::2].count(0)
    odd_nuls = head[1::2].count(0)
    half = max(1, len(head) // 2)
    return max(even_nuls, odd_nuls) > 0.4 * half and min(even_nuls, odd_nuls) < 0.05 * half
