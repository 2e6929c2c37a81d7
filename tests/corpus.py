"""Paths to the sample corpora, and corpora read the way the pipeline reads them."""

from __future__ import annotations

from pathlib import Path

from briefing.config import Options
from briefing.dedup import dedup
from briefing.pack import Pack, make_packs
from briefing.pipeline import read_articles
from briefing.schema import Article

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "wonsan-2025-07"
WONSAN = EXAMPLE
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"


def corpus_articles(folder: Path) -> list[Article]:
    """Every article of a folder, ingested and cleaned."""
    articles, _ = read_articles([folder], Options(engine="offline"))
    return articles


def corpus_packs(folder: Path) -> list[Pack]:
    """A folder as packs the way the pipeline builds them, all in one pack where they fit."""
    return make_packs(dedup(corpus_articles(folder)), capacity=100_000, count=len)
