"""Render a briefing as Markdown, standalone HTML or JSON from the Jinja templates in
`templates/` (installed as the package `briefing.templates`).

Everything that came from an article is untrusted. HTML output autoescapes it, allows
only http(s) links and carries a Content-Security-Policy that forbids scripts; Markdown
output escapes the characters that would turn text into markup or raw HTML.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from pydantic import BaseModel

from briefing.ingest.urls import host_of
from briefing.memory import cycle_collector_paused
from briefing.schema import Briefing, Claim, Daily, Source

Format = Literal["md", "html", "json"]
FORMATS: tuple[Format, ...] = ("md", "html", "json")

# Brackets are escaped, so parentheses can never complete a link; `#`, `+`, `-`, `>` and
# numbered items ("1." or "1)") only mean something at the start of a line.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_LINE_START_MARK = re.compile(r"^(\s*)([-+=>#])", re.M)
_LINE_START_NUMBER = re.compile(r"^(\s*\d+)([.)])(?=\s|$)", re.M)


def markdown_escape(value: object) -> str:
    """Text safe to place inside Markdown: no markup, no raw HTML, one line."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = _LINE_START_MARK.sub(r"\1\\\2", text)
    return _LINE_START_NUMBER.sub(r"\1\\\2", text)


def markdown_code(value: object) -> str:
    """Text for inside a Markdown code span: one line, no backticks to break out with."""
    return " ".join(str(value).split()).replace("`", "'")


def safe_url(value: object) -> str | None:
    """The URL if it is a plain http(s) link, else None (no `javascript:` or `data:`)."""
    if not value:
        return None
    url = str(value).strip()
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not re.search(r"\s", url):
        return url
    return None


def anchor(value: object) -> str:
    """An id for an HTML element or Markdown anchor derived from any text."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")
    return slug or "item"


class ClaimGroup(BaseModel):
    """The claims of one speaker, as the templates show them."""

    speaker: str | None
    claims: list[Claim]


def claims_by_speaker(briefing: Briefing) -> list[ClaimGroup]:
    """Claims grouped by speaker in the order speakers first appear; unattributed last."""
    groups: dict[str | None, list[Claim]] = {}
    for claim in briefing.claims:
        groups.setdefault(claim.speaker, []).append(claim)
    ordered = [ClaimGroup(speaker=s, claims=c) for s, c in groups.items() if s is not None]
    if None in groups:
        ordered.append(ClaimGroup(speaker=None, claims=groups[None]))
    return ordered


class NumberedSource(Source):
    """A source with its place in the briefing's list of sources (from 1)."""

    number: int


def source_label(source: Source) -> str:
    """How a source is named to a reader, never by its id: its outlet, else its URL's host.

    A numbered source (from `index_sources`) adds its number, "The New York Times #2", and
    is "Source #2" when neither is known; otherwise the fallback is its title, then
    "Unnamed source".
    """
    name = (source.outlet or "").strip() or host_of(source.url)
    if isinstance(source, NumberedSource):
        return f"{name or 'Source'} #{source.number}"
    return name or source.title or "Unnamed source"


def plural(count: int, singular: str, many: str | None = None) -> str:
    """ "1 story", "3 stories": a count with its noun in the right number."""
    return f"{count} {singular if count == 1 else many or singular + 's'}"


def index_sources(sources: list[Source]) -> dict[str, Source]:
    """Sources by id, numbered in their order, for looking up the outlet behind a cited id."""
    return {
        source.id: NumberedSource(**dict(source), number=number)
        for number, source in enumerate(sources, start=1)
    }


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("briefing.templates", "."),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        plural=plural, md=markdown_escape, md_code=markdown_code, safe_url=safe_url, anchor=anchor
    )
    env.globals.update(
        claims_by_speaker=claims_by_speaker, source_label=source_label, index_sources=index_sources
    )
    return env


_ENV = _environment()


@cycle_collector_paused()
def render(document: Briefing | Daily, fmt: Format) -> str:
    """The briefing (or daily page) as text in `fmt` (one of `FORMATS`: md, html, json)."""
    if fmt not in FORMATS:
        raise ValueError(f"cannot render {fmt!r}: the formats are {', '.join(FORMATS)}")
    if fmt == "json":
        return document.model_dump_json(indent=2) + "\n"
    kind = "daily" if isinstance(document, Daily) else "briefing"
    template = _ENV.get_template(f"{kind}.{fmt}.j2")
    return template.render(doc=document)


def _new_file_mode(path: Path) -> int:
    """The permissions a plain `open` would give `path`: the old file's, else 0o666 less
    the umask (a temporary file is created 0o600, which a web server could not read)."""
    if path.exists():
        return stat.S_IMODE(path.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so that readers see the old file or the new one, never half.

    The text goes to a temporary file in the same folder, is flushed to disk, then renamed
    over the target, keeping the permissions a plain write would have given it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _new_file_mode(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fchmod(stream.fileno(), mode)
            os.fsync(stream.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
