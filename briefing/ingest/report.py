"""`briefing inspect` as a table: per input, the articles ingest read or why it skipped them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from briefing.ingest.models import InputReport

if TYPE_CHECKING:
    from rich.table import Table

_MAX_TITLE = 70


def render_inspect_table(reports: Sequence[InputReport]) -> Table:
    """A rich table with one row per article and per skipped input or item."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title="What ingest read", show_lines=False, expand=False)
    for column in ("input", "id", "title / reason", "outlet", "date", "url", "chars", "notes"):
        table.add_column(column, overflow="fold")
    for report in reports:
        for article in report.articles:
            teaser = " (teaser)" if article.teaser else ""
            table.add_row(
                article.path,
                article.id,
                _shorten(article.title or "—"),
                article.outlet or "—",
                article.published or "—",
                article.url or "—",
                f"{article.characters:,}{teaser}",
                "; ".join(article.notes),
            )
        for skipped in report.skipped:
            table.add_row(
                skipped.path, Text("skipped", style="red"), Text(skipped.reason, style="red")
            )
    return table


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_TITLE else text[: _MAX_TITLE - 1] + "…"
