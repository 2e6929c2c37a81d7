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
from typing import Any, Literal
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from pydantic import BaseModel
from rapidfuzz import fuzz

from briefing.brief import best_quote
from briefing.config import Detail
from briefing.ingest.urls import host_of
from briefing.memory import cycle_collector_paused
from briefing.schema import Actor, Briefing, Bullet, Claim, Daily, Figure, Source, Stats
from briefing.text import normalize_for_match

Format = Literal["md", "html", "json"]
FORMATS: tuple[Format, ...] = ("md", "html", "json")
DETAILS: tuple[Detail, ...] = ("brief", "full")
APPENDIX_HEADING = "All extracted facts"  # the brief layout's appendix: everything not key
STORY_MATCH = 60  # rapidfuzz token-set ratio a day bullet needs to be linked to a story
HIGHLIGHT_MATCH = 90  # rapidfuzz score a quote's span needs to be marked as the claim

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
    return _grouped(briefing.claims)


class KeyView(BaseModel):
    """A briefing split the way the brief layout shows it: the key section, then the rest."""

    bullets: list[Bullet]
    actors: list[Actor]
    claims: list[ClaimGroup]
    figures: list[Figure]
    other_actors: list[Actor]
    other_claims: list[ClaimGroup]
    other_figures: list[Figure]
    numbers: dict[str, int]  # source id → its number in the source list, 1 first
    prefix: str  # what the page prefixes this briefing's anchors with ("" on its own page)

    def cite(self, source_ids: list[str]) -> list[tuple[int, str]]:
        """(number, source id) of each cited source, once, in the source list's order."""
        known = {source_id for source_id in source_ids if source_id in self.numbers}
        return sorted((self.numbers[source_id], source_id) for source_id in known)


def _grouped(claims: list[Claim]) -> list[ClaimGroup]:
    """Claims grouped by speaker, speakers in the order of their first claim; unattributed
    last."""
    groups: dict[str | None, list[Claim]] = {}
    for claim in claims:
        groups.setdefault(claim.speaker, []).append(claim)
    ordered = [ClaimGroup(speaker=s, claims=c) for s, c in groups.items() if s is not None]
    if None in groups:
        ordered.append(ClaimGroup(speaker=None, claims=groups[None]))
    return ordered


def _quoted_in(claim: Claim, texts: list[str]) -> bool:
    """Whether a bullet already shows the claim's quote (so the claim is not shown again)."""
    quote = best_quote(claim)
    if quote is None:
        return False
    shown = normalize_for_match(quote.quote)
    return any(shown in text or text in shown for text in texts)


def _by_rank(items: list[Any]) -> list[Any]:
    return sorted(items, key=lambda item: item.rank or len(items) + 1)


def key_view(briefing: Briefing, prefix: str = "") -> KeyView:
    """What the key section shows (items marked `key`, by rank; each quote once: claims a
    bullet already quotes are left out) and what goes to the appendix. A briefing that
    never went through the brief stage (nothing ranked) shows everything as key."""
    bullets = briefing.bullets
    texts = [normalize_for_match(bullet.text) for bullet in bullets]
    ranked = (
        any(actor.rank for actor in briefing.actors)
        or any(claim.rank for claim in briefing.claims)
        or any(figure.rank for figure in briefing.figures)
    )

    def split(items: list[Any]) -> tuple[list[Any], list[Any]]:
        ordered = _by_rank(items)
        if not ranked:
            return ordered, []
        return [i for i in ordered if i.key], [i for i in ordered if not i.key]

    actors, other_actors = split(briefing.actors)
    claims, other_claims = split(briefing.claims)
    figures, other_figures = split(briefing.figures)
    return KeyView(
        bullets=bullets,
        actors=actors,
        claims=_grouped([c for c in claims if not _quoted_in(c, texts)]),
        figures=figures,
        other_actors=other_actors,
        other_claims=_grouped(other_claims),
        other_figures=other_figures,
        numbers={source.id: n for n, source in enumerate(briefing.sources, 1)},
        prefix=prefix,
    )


def story_of(day: Daily, bullet: str) -> int | None:
    """The number (from 1) of the story a day-in-brief bullet is about: the story that has
    it as a bullet, else the one whose title and bullets it shares the most words with
    (at least `STORY_MATCH` by rapidfuzz's token-set ratio); None when no story fits."""
    text = normalize_for_match(bullet)
    for number, story in enumerate(day.stories, 1):
        if any(normalize_for_match(b.text) == text for b in story.bullets):
            return number
    scores = [
        (fuzz.token_set_ratio(text, " ".join([story.title, *story.summary])), number)
        for number, story in enumerate(day.stories, 1)
    ]
    best = max(scores, default=(0.0, None))
    return best[1] if best[0] >= STORY_MATCH else None


def highlight(quote: str, text: str) -> tuple[str, str, str]:
    """`quote` cut around the claim `text` it holds (before, the claim, after), so the
    claim can be marked inside its quote. The claim is found verbatim, else as the closest
    span (punctuation and quote marks may differ); (quote, "", "") when no span is close."""
    at = quote.casefold().find(text.casefold()) if text else -1
    if at >= 0:
        start, end = at, at + len(text)
    else:
        found = fuzz.partial_ratio_alignment(text, quote, processor=str.casefold)
        if found is None or found.score < HIGHLIGHT_MATCH:
            return quote, "", ""
        start, end = _word_start(quote, found.dest_start), _word_end(quote, found.dest_end)
    return quote[:start], quote[start:end], quote[end:]


def _word_start(text: str, at: int) -> int:
    """`at` moved back to the start of the word it falls in."""
    while 0 < at < len(text) and text[at - 1].isalnum() and text[at].isalnum():
        at -= 1
    return at


def _word_end(text: str, at: int) -> int:
    """`at` moved on to the end of the word it falls in."""
    while 0 < at < len(text) and text[at - 1].isalnum() and text[at].isalnum():
        at += 1
    return at


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


# What verify and the summary check changed, as (count field, singular, plural) phrases.
CHECK_COUNTS = (
    ("repaired_evidence", "quote repaired", "quotes repaired"),
    ("recited_evidence", "quote re-cited", "quotes re-cited"),
    ("dropped_evidence", "quote dropped", "quotes dropped"),
    ("dropped_claims", "claim dropped", "claims dropped"),
    ("rewritten_claims", "claim text set to its quote", "claim texts set to their quotes"),
    ("unattributed_claims", "speaker removed", "speakers removed"),
    ("dropped_figures", "figure dropped", "figures dropped"),
    ("dropped_bullets", "summary bullet dropped", "summary bullets dropped"),
)


def check_changes(stats: Stats) -> list[str]:
    """What the checks against the sources changed, in words ("2 quotes repaired", "1 figure
    dropped"): only the counts that are not zero."""
    return [
        plural(count, singular, many)
        for name, singular, many in CHECK_COUNTS
        if (count := getattr(stats, name))
    ]


def check_counts(stats: Stats) -> str:
    """`check_changes` as one phrase, for a run's footer."""
    return ", ".join(check_changes(stats)) or "every quote and fact held"


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
        claims_by_speaker=claims_by_speaker,
        source_label=source_label,
        index_sources=index_sources,
        key_view=key_view,
        highlight=highlight,
        story_of=story_of,
        check_counts=check_counts,
        appendix_heading=APPENDIX_HEADING,
    )
    return env


_ENV = _environment()


@cycle_collector_paused()
def render(document: Briefing | Daily, fmt: Format, detail: Detail = "brief") -> str:
    """The briefing (or daily page) as text in `fmt` (one of `FORMATS`: md, html, json).

    `detail="brief"` shows the key section first and every other item in an appendix
    ("All extracted facts"); `"full"` shows every item in one list, as before the brief
    stage. JSON always holds every item, with its `key` and `rank`.
    """
    if fmt not in FORMATS:
        raise ValueError(f"cannot render {fmt!r}: the formats are {', '.join(FORMATS)}")
    if detail not in DETAILS:
        raise ValueError(f"cannot render {detail!r} detail: the choices are {', '.join(DETAILS)}")
    if fmt == "json":
        return document.model_dump_json(indent=2) + "\n"
    kind = "daily" if isinstance(document, Daily) else "briefing"
    template = _ENV.get_template(f"{kind}.{fmt}.j2")
    return template.render(doc=document, detail=detail)


def render_page(template: str, doc: object) -> str:
    """`doc` through the named output template (such as ``story.md.j2``)."""
    return _ENV.get_template(template).render(doc=doc)


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
