"""What ingest returns (`IngestResult`, `InputReport`) and the drafts it builds internally."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from briefing.schema import Article, Skipped, Source

# What every reading entry point takes: paths, or one path as a string or Path.
Paths = Sequence[str | Path] | str | Path
InputFormat = Literal["text", "markdown", "html", "feed", "json", "jsonl"]


class Unusable(Exception):
    """Raised inside ingest when an input (or one item of it) cannot be used; carries the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Draft:
    """An article as a parser read it, before duplicates, limits and ids are settled."""

    path: str
    paragraphs: list[str]
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    author: str | None = None
    teaser: bool = False
    notes: list[str] = field(default_factory=list)
    # Set for items inside a feed or JSON collection: the id becomes <file>-<item slug>.
    in_collection: bool = False

    @property
    def characters(self) -> int:
        """Length of the article text (paragraphs joined by blank lines)."""
        return sum(len(p) for p in self.paragraphs) + 2 * max(0, len(self.paragraphs) - 1)


class ArticleReport(Source):
    """What ingest made of one article: its source record and its size (`briefing inspect`)."""

    characters: int
    paragraphs: int


class InputReport(BaseModel):
    """One input (a file or stdin): its articles, and why it or any of its items was skipped."""

    path: str
    format: InputFormat | None = Field(description="How the input was read; None if it was not.")
    articles: list[ArticleReport]
    skipped: list[Skipped]


class IngestResult(BaseModel):
    """The articles read from all inputs, the inputs or items skipped, and a report per input."""

    articles: list[Article]
    skipped: list[Skipped]
    inputs: list[InputReport]
