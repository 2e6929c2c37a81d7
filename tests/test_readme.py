"""README.md renders cleanly: every table is a table, and every row has the header's columns."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from .corpus import REPO

README = REPO / "README.md"
_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")


def _cells(line: str) -> int:
    """The cells of one table row as GFM counts them: unescaped pipes separate cells."""
    return len(_CELL_SEPARATOR.split(line.strip().strip("|")))


def _tables_and_pipe_lines(text: str) -> tuple[list[range], set[int]]:
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    tables = [range(*t.map) for t in tokens if t.type == "table_open" and t.map]
    fenced = {n for t in tokens if t.type == "fence" and t.map for n in range(*t.map)}
    lines = text.splitlines()
    pipes = {n for n, line in enumerate(lines) if line.startswith("|") and n not in fenced}
    return tables, pipes


def test_every_pipe_row_of_the_readme_belongs_to_a_table():
    tables, pipes = _tables_and_pipe_lines(README.read_text(encoding="utf-8"))
    in_tables = {n for table in tables for n in table}
    assert tables and pipes
    assert sorted(pipes - in_tables) == []


def test_every_row_of_every_readme_table_has_the_headers_column_count():
    text = README.read_text(encoding="utf-8")
    lines = text.splitlines()
    tables, _ = _tables_and_pipe_lines(text)
    for table in tables:
        header = _cells(lines[table.start])
        wrong = [lines[n] for n in table if _cells(lines[n]) != header]
        assert wrong == [], f"rows without {header} columns in the table at line {table.start + 1}"


def test_the_checks_catch_a_table_split_by_a_paragraph():
    broken = "| code | meaning |\n|---|---|\n| 0 | ok |\n\nA paragraph.\n| 3 | partial |\n"
    tables, pipes = _tables_and_pipe_lines(broken)
    assert sorted(pipes - {n for table in tables for n in table}) == [5]
