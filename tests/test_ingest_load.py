"""`load` / `describe`: inputs, display paths, ids, duplicates, limits, bad files, stdin."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from briefing.ingest import core as ingest_core
from briefing.ingest import describe, html, load, render_inspect_table
from briefing.parallel import map_in_processes

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
STORY = "title {title}\noutlet Example\n\n{body} It was reported on Friday.\n"


def _write(folder: Path, relative: str, text: str) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _rss(items: list[tuple[str, str, str]]) -> str:
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link><description>{text}</description></item>"
        for title, link, text in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wire</title>'
        f"<link>https://wire.example.com/</link>{entries}</channel></rss>"
    )


def test_folder_is_read_recursively_in_sorted_order_ignoring_hidden_files(tmp_path):
    corpus = tmp_path / "wonsan-2025-07"
    _write(corpus, "b/002_second.txt", "Second story.")
    _write(corpus, "001_first.txt", "First story.")
    _write(corpus, "a/003_third.md", "Third story.")
    _write(corpus, ".notes.txt", "hidden")
    _write(corpus, ".git/config.txt", "hidden")
    result = load([corpus])
    assert [a.source.path for a in result.articles] == [
        "wonsan-2025-07/001_first.txt",
        "wonsan-2025-07/a/003_third.md",
        "wonsan-2025-07/b/002_second.txt",
    ]
    assert [a.id for a in result.articles] == ["001-first", "003-third", "002-second"]


def test_file_argument_displays_its_name_and_never_an_absolute_path(tmp_path):
    path = _write(tmp_path, "deep/down/000_d4e32ca0a1cc28c4.txt", "Text.")
    article = load([path]).articles[0]
    assert (article.id, article.source.path) == ("000-d4e32ca0a1cc28c4", "000_d4e32ca0a1cc28c4.txt")


def test_same_file_name_in_two_folders_gets_distinct_ids_that_do_not_shift(tmp_path):
    for folder, body in (("day1", "Caravan arrives."), ("day2", "Tariffs delayed.")):
        _write(tmp_path / "corpus", f"{folder}/01_nytimes.txt", body)
    first = [a.id for a in load([tmp_path / "corpus"]).articles]
    assert first[0] == "01-nytimes" and first[1].startswith("01-nytimes-") and len(set(first)) == 2
    _write(tmp_path / "corpus", "day3/01_nytimes.txt", "Mueller questions.")
    again = [a.id for a in load([tmp_path / "corpus"]).articles]
    assert again[:2] == first


def test_byte_identical_files_are_read_once(tmp_path):
    original = _write(tmp_path, "a.html", "<p>Same text.</p>")
    (tmp_path / "a.html.gz").write_bytes(gzip.compress(original.read_bytes()))
    result = load([tmp_path / "a.html", tmp_path / "a.html.gz"])
    assert len(result.articles) == 1
    assert result.skipped[0].reason == "same content as a.html"


def test_same_story_in_two_feeds_becomes_one_article_keeping_the_fuller_text(tmp_path):
    url = "https://news.example.com/2023/11/24/pistorius-parole"
    short = _write(
        tmp_path, "a.rss", _rss([("Pistorius paroled", f"{url}?utm_source=rss", "Out.")])
    )
    full_text = "Oscar Pistorius will be released on parole in January. " * 30
    full = _write(
        tmp_path, "b.rss", _rss([("Pistorius paroled", f"{url}?at_medium=RSS", full_text)])
    )
    result = load([short, full])
    assert [a.source.path for a in result.articles] == ["b.rss#1"]
    assert result.articles[0].source.url == url
    assert result.skipped[0].path == "a.rss#1"
    assert result.skipped[0].reason.startswith(f"same story as {result.articles[0].id} (same URL")


def test_bad_files_are_skipped_with_specific_reasons_while_good_ones_load(tmp_path):
    folder = tmp_path / "inbox"
    _write(folder, "good.txt", "A perfectly good story.")
    _write(folder, "empty.txt", "")
    _write(folder, "blank.md", "  \n\n \t\n")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (folder / "nul.txt").write_bytes(b"abc\x00\x01\x02def" * 20)
    (folder / "rubbish.txt").write_bytes(bytes(range(0x80, 0x100)) * 4)
    _write(folder, "broken.json", '{"title": "x",')
    _write(folder, "shape.json", '{"weather": {"city": "Oslo"}}')
    result = load([folder, tmp_path / "missing.txt"])
    assert [a.source.path for a in result.articles] == ["inbox/good.txt"]
    reasons = {s.path: s.reason for s in result.skipped}
    assert reasons == {
        "inbox/blank.md": "file holds only whitespace",
        "inbox/broken.json": "malformed JSON: Expecting property name enclosed in double quotes "
        "(line 1, column 15)",
        "inbox/empty.txt": "empty file",
        "inbox/image.png": "binary file (a PNG image), not text",
        "inbox/nul.txt": "binary file (too many control bytes for text), not text",
        "inbox/rubbish.txt": "not text: the bytes are not valid UTF-8 and match no known encoding",
        "inbox/shape.json": "unknown JSON shape: an object with keys weather; expected article "
        "fields (title, url, text/content/body) or a list of articles",
        str(tmp_path / "missing.txt"): "no such file or folder",
    }


def test_empty_folder_is_skipped_with_a_reason(tmp_path):
    (tmp_path / "nothing").mkdir()
    assert load([tmp_path / "nothing"]).skipped[0].reason == "folder holds no files"


def test_hidden_files_in_a_folder_are_listed_as_skipped_not_read(tmp_path):
    _write(tmp_path, "inbox/.hidden", "x")
    _write(tmp_path, "inbox/.git/config", "x")
    skipped = load([tmp_path / "inbox"]).skipped
    assert [(s.path, s.reason.split(",")[0]) for s in skipped] == [
        ("inbox/.git", "hidden folder"),
        ("inbox/.hidden", "hidden file"),
    ]


def test_stdin_is_read_as_bytes_and_its_format_sniffed():
    feed = (FIXTURES / "teasers.atom").read_bytes()
    result = load(["-"], stdin=io.BytesIO(feed))
    assert [a.source.path for a in result.articles] == ["stdin#1", "stdin#2"]
    assert result.articles[0].id == "stdin-truce-hostages-released"
    text = load(["-"], stdin=io.BytesIO(b"title Stdin story\n\nBody.")).articles[0]
    assert (text.id, text.source.title, text.paragraphs) == ("stdin", "Stdin story", ["Body."])


def test_stdin_named_twice_is_read_once():
    result = load(["-", "-"], stdin=io.BytesIO(b"Body."))
    assert len(result.articles) == 1
    assert result.skipped[0].reason == "standard input was already read"


def test_file_over_the_byte_limit_is_read_up_to_it_and_the_cut_noted(tmp_path):
    path = _write(tmp_path, "long.txt", "word " * 50_000)
    article = load([path], max_file_bytes=1000).articles[0]
    assert len(article.text) <= 1000
    assert article.source.notes == ["read only the first 1,000 bytes of 250 kB (max_file_bytes)"]


def test_gzip_over_the_byte_limit_is_cut_after_decompression(tmp_path):
    (tmp_path / "big.txt.gz").write_bytes(gzip.compress(b"word " * 100_000))
    article = load([tmp_path / "big.txt.gz"], max_file_bytes=2000).articles[0]
    assert len(article.text) <= 2000
    assert "decompressed" in article.source.notes[0]


def test_truncated_gzip_yields_what_could_be_decompressed_and_says_so(tmp_path):
    compressed = gzip.compress(" ".join(f"Sentence number {n}." for n in range(5000)).encode())
    (tmp_path / "cut.txt.gz").write_bytes(compressed[: len(compressed) // 2])
    article = load([tmp_path / "cut.txt.gz"]).articles[0]
    assert article.text.startswith("Sentence number 0.")
    assert article.source.notes == [
        "gzip data ends early (truncated archive); read what could be decompressed"
    ]


def test_json_over_the_byte_limit_is_skipped_but_json_lines_keep_complete_lines(tmp_path):
    items = [{"title": f"Story {n}", "text": "Body text. " * 20} for n in range(50)]
    _write(tmp_path, "all.json", json.dumps(items))
    _write(tmp_path, "all.jsonl", "\n".join(json.dumps(item) for item in items))
    result = load([tmp_path / "all.json", tmp_path / "all.jsonl"], max_file_bytes=4000)
    assert result.skipped[0].reason.startswith("JSON cut at the size limit (max_file_bytes)")
    assert 10 < len(result.articles) < 50
    assert all(a.source.path.startswith("all.jsonl#") for a in result.articles)


def test_articles_beyond_max_articles_are_skipped_with_a_reason(tmp_path):
    for n in range(4):
        _write(tmp_path, f"corpus/{n}.txt", f"Story number {n}.")
    files = [tmp_path / "corpus" / f"{n}.txt" for n in range(4)]
    result = load(files, max_articles=2)
    assert [a.source.path for a in result.articles] == ["0.txt", "1.txt"]
    assert [s.reason for s in result.skipped] == ["over the limit of 2 articles (max_articles)"] * 2


def test_a_folder_walk_stops_after_max_articles_files_and_says_so(tmp_path):
    for n in range(5):
        _write(tmp_path, f"corpus/{n}.txt", f"Story number {n}.")
    result = load([tmp_path / "corpus"], max_articles=2)
    assert [a.source.path for a in result.articles] == ["corpus/0.txt", "corpus/1.txt"]
    assert [(s.path, s.reason) for s in result.skipped] == [
        ("corpus", "stopped after 2 files (max_articles); the rest was not read")
    ]


def test_describe_reports_exactly_what_load_reads(tmp_path):
    _write(tmp_path, "in/story.txt", STORY.format(title="Storm", body="Winds rose."))
    _write(tmp_path, "in/bad.json", "{")
    reports = describe([tmp_path / "in"])
    loaded = load([tmp_path / "in"])
    assert [r.path for r in reports] == ["in/bad.json", "in/story.txt"]
    assert reports == loaded.inputs
    story = reports[1].articles[0]
    assert (story.id, story.title, story.outlet, story.characters) == (
        loaded.articles[0].id,
        "Storm",
        "Example",
        len(loaded.articles[0].text),
    )
    assert reports[0].skipped[0].reason.startswith("malformed JSON")
    json.loads(json.dumps([r.model_dump() for r in reports]))


def test_inspect_table_has_a_row_per_article_and_per_skip():
    reports = describe([FIXTURES / "wordpress.json", FIXTURES / "empty_channel.rss"])
    table = render_inspect_table(reports)
    assert table.row_count == 3
    console = Console(record=True, width=200)
    console.print(table)
    rendered = console.export_text()
    assert "A Primavera Feminista" in rendered and "has no items" in rendered


def test_importing_ingest_loads_no_heavy_parser():
    code = (
        "import sys, briefing.ingest; "
        "print([m for m in ('trafilatura', 'feedparser', 'lxml', 'charset_normalizer', 'rich') "
        "if m in sys.modules])"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "[]"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=600),
    name=st.sampled_from(["a.txt", "a.md", "a.html", "a.json", "a.jsonl", "a.xml", "a", "a.gz"]),
)
def test_load_never_raises_whatever_the_bytes(tmp_path, data, name):
    path = tmp_path / name
    path.write_bytes(data)
    result = load([path])
    assert len(result.articles) + len(result.skipped) >= 1
    assert all(s.reason for s in result.skipped)


def test_a_stray_nul_in_text_is_stripped_not_a_reason_to_skip(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\x00Lavrov met Kim Jong Un in Wonsan on Saturday.\x00\n")
    result = load([tmp_path / "a.txt"])
    assert result.articles[0].paragraphs == ["Lavrov met Kim Jong Un in Wonsan on Saturday."]


PAGE = (
    "<html><head><title>Port reopens</title></head><body><article><p>The port reopened on "
    "Monday after a week of repairs, the harbour authority said.</p></article></body></html>"
)


def test_a_missing_module_stops_the_load_instead_of_skipping_the_page(tmp_path, monkeypatch):
    _write(tmp_path, "page.html", PAGE)
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # as an incomplete install would be
    with pytest.raises(ImportError):
        load([tmp_path])


def test_a_bug_inside_a_parser_stops_the_load(tmp_path, monkeypatch):
    _write(tmp_path, "page.html", PAGE)

    def broken(markup: str, *, path: str):
        raise TypeError("unsupported operand")

    monkeypatch.setattr("briefing.ingest.html.page_to_draft", broken)
    with pytest.raises(TypeError):
        load([tmp_path])


def test_a_parser_rejecting_its_input_skips_only_that_file(tmp_path, monkeypatch):
    _write(tmp_path, "page.html", PAGE)
    _write(tmp_path, "note.txt", "The harbour reopened on Monday, officials said.")

    def rejecting(markup: str, *, path: str):
        raise ValueError("unbalanced markup")

    monkeypatch.setattr("briefing.ingest.html.page_to_draft", rejecting)
    result = load([tmp_path])
    assert [a.source.path for a in result.articles] == [f"{tmp_path.name}/note.txt"]
    assert [s.reason for s in result.skipped] == [
        "could not be read (ValueError: unbalanced markup)"
    ]


def _many_inputs(folder: Path) -> None:
    """Good, broken and repeated files of several formats."""
    _write(folder, "good.txt", "A perfectly good story.")
    _write(folder, "copy-of-good.txt", "A perfectly good story.")
    _write(folder, "empty.txt", "")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    _write(folder, "broken.json", '{"title": "x",')
    _write(folder, "broken-again.json", '{"title": "x",')
    _write(folder, "page.html", PAGE)
    _write(folder, "page-as-text.txt", PAGE)
    _write(folder, "feed.xml", _rss([("https://ex.com/a", "Harbour", "It reopened on Monday.")]))


def _read_by_workers(monkeypatch, worker_batches) -> None:
    """Make ingest hand every file to the worker processes, recorded in `worker_batches`."""
    monkeypatch.setattr(ingest_core, "PARALLEL_READ_MIN_FILES", 1)
    monkeypatch.setattr(ingest_core, "READING_CHUNK", 2)
    monkeypatch.setattr(ingest_core, "map_in_processes", worker_batches.through(map_in_processes))


def test_files_read_by_two_processes_give_the_same_articles_skips_and_reasons(
    tmp_path, monkeypatch, worker_batches
):
    _many_inputs(tmp_path / "inbox")
    alone = load([tmp_path / "inbox", tmp_path / "missing.txt"])
    _read_by_workers(monkeypatch, worker_batches)
    shared = load([tmp_path / "inbox", tmp_path / "missing.txt"])
    assert shared == alone
    assert worker_batches == [9]
    assert [a.source.path for a in shared.articles] == [
        "inbox/copy-of-good.txt",
        "inbox/feed.xml#1",
        "inbox/page-as-text.txt",
    ]
    assert [s.reason for s in shared.skipped][:6] == [
        "malformed JSON: Expecting property name enclosed in double quotes (line 1, column 15)",
        "same content as inbox/broken-again.json",
        "empty file",
        "same content as inbox/copy-of-good.txt",
        "binary file (a PNG image), not text",
        "same content as inbox/page-as-text.txt",
    ]


def test_a_repeated_file_is_never_parsed_so_a_parser_bug_on_it_stops_nothing(
    tmp_path, monkeypatch, worker_batches
):
    _write(tmp_path, "a-page.html", PAGE)
    _write(tmp_path, "b-page.html", PAGE)
    parse = html.page_to_draft

    def broken_on_b(markup: str, *, path: str):
        if path.endswith("b-page.html"):
            raise TypeError("unsupported operand")
        return parse(markup, path=path)

    monkeypatch.setattr("briefing.ingest.html.page_to_draft", broken_on_b)
    alone = load([tmp_path])
    _read_by_workers(monkeypatch, worker_batches)
    assert load([tmp_path]) == alone
    assert [s.reason for s in alone.skipped] == [f"same content as {tmp_path.name}/a-page.html"]


def test_a_bug_inside_a_parser_stops_the_load_with_two_processes_too(
    tmp_path, monkeypatch, worker_batches
):
    _write(tmp_path, "page.html", PAGE)

    def broken(markup: str, *, path: str):
        raise TypeError("unsupported operand")

    monkeypatch.setattr("briefing.ingest.html.page_to_draft", broken)
    _read_by_workers(monkeypatch, worker_batches)
    with pytest.raises(TypeError, match="unsupported operand"):
        load([tmp_path])
