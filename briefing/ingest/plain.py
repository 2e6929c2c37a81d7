"""Plain text and Markdown: header lines, front matter, and paragraphs that survive hard wraps.

Header lines open a file, one per line: ``title …``, ``outlet …``, ``url …``, ``date
YYYY-MM-DD`` (also ``author``, ``source``, ``published``, ``link``; ``Key: value`` works in
any case). ``url`` and ``date`` take one value token, and body text may follow it on the same
line (`` date 2025-07-13 Russian foreign minister…``). Markdown may also open with ``---``
YAML-style front matter.

Paragraphs are separated by blank lines. Inside a block every line is its own paragraph
(captions, datelines and list items are written one per line) unless the line was
hard-wrapped: it does not end a sentence and the next line starts in lower case, or it ends
in a hyphen after a letter.
"""

from __future__ import annotations

import re

from briefing.ingest.dates import parse_date, split_leading_date
from briefing.ingest.models import Draft, Unusable
from briefing.ingest.urls import clean_url

_HEADER_KEYS = {
    "title": "title", "headline": "title",
    "outlet": "outlet", "source": "outlet", "publisher": "outlet", "publication": "outlet",
    "site": "outlet", "site_name": "outlet", "sitename": "outlet",
    "url": "url", "link": "url", "canonical_url": "url", "permalink": "url",
    "date": "date", "published": "date", "published_at": "date", "pubdate": "date",
    "date_published": "date",
    "author": "author", "authors": "author", "byline": "author",
}  # fmt: skip
_HEADER_LINE = re.compile(r"[ \t]*(?P<key>[A-Za-z_]+)(?P<colon>[ \t]*:)?[ \t]+(?P<value>\S.*)")
_FRONT_MATTER = re.compile(r"\A(---|\+\+\+)[ \t]*\n(.*?)\n\1[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_LINE = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*[:=]\s*(.*?)\s*$")
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_TERMINAL = (".", "!", "?", ":", ";", "…")
_CLOSERS = "\"'”’»)]"
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+(.*?)[ \t#]*$", re.MULTILINE)
_MD_SETEXT = re.compile(r"^(?:=+|-+)[ \t]*$", re.MULTILINE)
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MD_BLOCK_START = re.compile(r"(?:[-*+]\s|\d{1,3}[.)]\s|>|\|)")


def text_to_draft(text: str, *, path: str, markdown: bool) -> Draft:
    """Read header lines (and front matter for Markdown) and split the body into paragraphs.

    `text` must already be decoded and cleaned. Raises `Unusable` if no body text is left.
    """
    fields: dict[str, str] = {}
    if markdown:
        text = _read_front_matter(text, fields)
    body = _read_header_lines(text, fields)
    if markdown:
        paragraphs = split_markdown_paragraphs(_strip_markdown(body, fields))
    else:
        paragraphs = split_paragraphs(body)
    if not paragraphs:
        raise Unusable("no text after the header lines" if fields else "file holds no text")
    return Draft(
        path=path,
        paragraphs=paragraphs,
        title=fields.get("title"),
        outlet=fields.get("outlet"),
        url=clean_url(fields.get("url")),
        published=parse_date(fields["date"]) if "date" in fields else None,
        author=fields.get("author"),
    )


def split_paragraphs(text: str) -> list[str]:
    """Split on blank lines; inside a block, one paragraph per line unless hard-wrapped."""
    paragraphs: list[str] = []
    for block in _BLANK_LINES.split(text):
        current = ""
        for raw_line in block.split("\n"):
            line = raw_line.strip()
            if not line:
                continue
            if not current:
                current = line
            elif _ends_with_letter_hyphen(current) and line[0].isalpha():
                current += line
            elif _is_wrapped(current, line):
                current = f"{current} {line}"
            else:
                paragraphs.append(current)
                current = line
        if current:
            paragraphs.append(current)
    return paragraphs


def split_markdown_paragraphs(text: str) -> list[str]:
    """Markdown paragraphs: a single line break is a soft wrap, except before a list item,
    a quote or a table row, which start paragraphs of their own."""
    paragraphs: list[str] = []
    for block in _BLANK_LINES.split(text):
        in_block: list[str] = []
        for raw_line in block.split("\n"):
            line = raw_line.strip()
            if line and in_block and not _MD_BLOCK_START.match(line):
                in_block[-1] = f"{in_block[-1]} {line}"
            elif line:
                in_block.append(line)
        paragraphs.extend(in_block)
    return paragraphs


def _is_wrapped(previous: str, line: str) -> bool:
    return line[0].islower() and not previous.rstrip(_CLOSERS).endswith(_TERMINAL)


def _ends_with_letter_hyphen(line: str) -> bool:
    return len(line) > 1 and line[-1] == "-" and line[-2].isalpha()


def _read_header_lines(text: str, fields: dict[str, str]) -> str:
    """Consume header lines at the top of `text` into `fields`; return the rest."""
    lines = text.lstrip("\n").split("\n")
    for index, line in enumerate(lines):
        parsed = _parse_header_line(line)
        if parsed is None or parsed[0] in fields:
            return "\n".join(lines[index:])
        key, value, inline_body = parsed
        fields[key] = value
        if inline_body:
            return "\n".join([inline_body, *lines[index + 1 :]])
    return ""


def _parse_header_line(line: str) -> tuple[str, str, str] | None:
    """(field, value, body text following on the same line) for a header line, else None."""
    match = _HEADER_LINE.fullmatch(line)
    if not match:
        return None
    written_key, value = match["key"], match["value"].strip()
    key = _HEADER_KEYS.get(written_key.lower())
    # Without a colon only the lower-case form counts: "Source close to…" is prose.
    if key is None or (not match["colon"] and written_key != written_key.lower()):
        return None
    if key == "date":
        leading = split_leading_date(value)
        if leading:
            return key, leading[0], leading[1]
        return (key, value, "") if parse_date(value) else None
    if key == "url":
        token, _, rest = value.partition(" ")
        return (key, token, rest.strip()) if clean_url(token) else None
    return key, value, ""


def _read_front_matter(text: str, fields: dict[str, str]) -> str:
    match = _FRONT_MATTER.match(text.lstrip("\n"))
    if not match:
        return text
    for line in match.group(2).split("\n"):
        parsed = _FRONT_MATTER_LINE.match(line)
        if not parsed:
            continue
        key = _HEADER_KEYS.get(parsed.group(1).lower().replace("-", "_"))
        value = parsed.group(2).strip().strip("[]").strip().strip("\"'").strip()
        if key and value and key not in fields:
            fields[key] = value
    return text.lstrip("\n")[match.end() :]


def _strip_markdown(body: str, fields: dict[str, str]) -> str:
    """Markdown markup that is not text: comments, images, link targets, heading markers.

    A leading ``# Heading`` becomes the title when no title was given.
    """
    body = _MD_COMMENT.sub("", body)
    body = _MD_IMAGE.sub("", body)
    body = _MD_LINK.sub(r"\1", body)
    first_heading = _MD_HEADING.search(body)
    if "title" not in fields and first_heading and not body[: first_heading.start()].strip():
        fields["title"] = first_heading.group(1)
        body = body[first_heading.end() :]
    body = _MD_SETEXT.sub("", body)
    return _MD_HEADING.sub(r"\n\n\1\n\n", body)
