"""The whole pipeline on the seed cluster, through the library API, with the offline engine."""

import json
import multiprocessing
import os
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing import Briefing, Options, ahead, build, pipeline, plan, render, summary, tokens
from briefing.engines import offline
from briefing.errors import NothingUsable
from briefing.parallel import map_in_processes
from briefing.text import normalize_for_match

from .corpus import EXAMPLE

JUNK = re.compile(r"\b403\b|Sorry!!|Legal Disclaimer|Also Read|without warranty|No comment", re.I)


@pytest.fixture(scope="module")
def wonsan():
    return build([EXAMPLE], Options(engine="offline"))


def test_one_lavrov_with_both_spellings(wonsan):
    lavrovs = [a for a in wonsan.actors if "Lavrov" in a.name]
    assert len(lavrovs) == 1
    names = {lavrovs[0].name, *lavrovs[0].aliases}
    assert {"Sergey Lavrov", "Sergei Lavrov"} <= names


@pytest.mark.parametrize(
    "name, kind",
    [
        ("Kim Jong Un", "person"),
        ("Choe Son Hui", "person"),
        ("Vladimir Putin", "person"),
        ("Kyrylo Budanov", "person"),
        ("KCNA", "media"),
    ],
)
def test_key_actors_are_found_with_their_kind(wonsan, name, kind):
    actor = next(a for a in wonsan.actors if a.name == name or name in a.aliases)
    assert actor.kind == kind


def test_mr_kim_is_kim_jong_un(wonsan):
    assert not any(a.name in ("Mr Kim", "Kim") for a in wonsan.actors)
    assert "Mr Kim" in next(a for a in wonsan.actors if a.name == "Kim Jong Un").aliases


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_no_page_furniture_reaches_the_briefing(wonsan, fmt):
    assert not JUNK.search(render(wonsan, fmt))


def test_ammunition_figures_are_one_dispute_with_attributions(wonsan):
    disputes = [
        d
        for d in wonsan.disputes
        if {"up to 40%", "about 12 million rounds"} <= {v.value for v in d.versions}
    ]
    assert len(disputes) == 1
    versions = {v.value: v for v in disputes[0].versions}
    assert versions["up to 40%"].attributed_to == "Kyrylo Budanov"
    assert "intelligence" in versions["about 12 million rounds"].attributed_to
    assert all(v.source_ids for v in versions.values())


def test_every_evidence_quote_is_verbatim_in_the_original_file(wonsan):
    originals = {
        s.id: normalize_for_match((EXAMPLE.parent / s.path).read_text(encoding="utf-8"))
        for s in wonsan.sources
    }
    evidence = [e for c in wonsan.claims for e in c.evidence] + [
        e for f in wonsan.figures for e in f.evidence
    ]
    assert evidence
    missing = [e for e in evidence if normalize_for_match(e.quote) not in originals[e.source_id]]
    assert not missing


def test_claims_are_attributed_to_named_speakers(wonsan):
    speakers = {c.speaker for c in wonsan.claims}
    assert {"Sergey Lavrov", "Choe Son Hui", "Kyrylo Budanov"} <= speakers


def test_stats_count_articles_and_tokens_with_no_calls(wonsan):
    stats = wonsan.stats
    assert (stats.engine, stats.articles, stats.calls, stats.dropped_evidence) == (
        "offline",
        5,
        0,
        0,
    )
    assert stats.unique_tokens > 0 and stats.packs == 1


def test_sources_carry_dates_and_relative_paths(wonsan):
    by_id = {s.id: s for s in wonsan.sources}
    assert by_id["001-268191f0e664f62b"].published == "2025-07-13"
    assert all(s.path.startswith("wonsan-2025-07/") for s in wonsan.sources)


def test_the_same_input_gives_the_same_briefing(wonsan):
    again = build([EXAMPLE], Options(engine="offline"))
    assert again.model_dump(exclude={"stats"}) == wonsan.model_dump(exclude={"stats"})


def test_bad_files_are_skipped_with_reasons_and_the_rest_is_briefed(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "broken.json").write_text('{"title": "x", ')
    (tmp_path / "good.txt").write_text((EXAMPLE / "000_d4e32ca0a1cc28c4.txt").read_text())
    briefing = build([tmp_path], Options(engine="offline"))
    assert [s.id for s in briefing.sources] == ["good"]
    reasons = {s.path.split("/")[-1]: s.reason for s in briefing.skipped}
    assert set(reasons) == {"empty.txt", "binary.txt", "broken.json"}
    assert all(reasons.values())


def test_nothing_usable_raises_with_every_reason(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(NothingUsable) as failure:
        build([tmp_path], Options(engine="offline"))
    assert {s.path.split("/")[-1] for s in failure.value.skipped} == {"empty.txt", "broken.json"}


def test_an_article_of_only_furniture_is_skipped_not_briefed(tmp_path):
    (tmp_path / "junk.txt").write_text("403\n\nSorry!!\n\nComments\n\nNo comment\n")
    (tmp_path / "good.txt").write_text((EXAMPLE / "003_95f36704ba18b9c9.txt").read_text())
    briefing = build([tmp_path], Options(engine="offline"))
    assert [s.id for s in briefing.sources] == ["good"]
    [junk] = [s for s in briefing.skipped if "junk.txt" in s.path]
    assert junk.reason == (
        "no article text left after removing page furniture "
        "(4 paragraphs: 2 error page, 2 widget or credit line)"
    )


def test_plan_counts_without_calling(tmp_path):
    stats = plan([EXAMPLE], Options(engine="offline"))
    assert (stats.articles, stats.packs, stats.calls, stats.cost_usd) == (5, 1, 0, 0.0)


def test_two_processes_cleaning_and_two_threads_counting_give_the_same_estimate(
    monkeypatch, worker_batches
):
    options = Options(engine="openai", base_url="http://127.0.0.1:9/v1", use_cache=False)
    alone = plan([EXAMPLE], options)
    recorded = worker_batches.through(map_in_processes)
    monkeypatch.setattr(pipeline, "PARALLEL_CLEAN_MIN_ARTICLES", 1)
    monkeypatch.setattr(tokens, "PARALLEL_COUNT_MIN_CHARS", 1)
    monkeypatch.setattr(pipeline, "map_in_processes", recorded)
    assert plan([EXAMPLE], options) == alone
    assert worker_batches == [5]  # the five articles' cleaning


# ------------------------------------------------- packs extracted by worker processes

HARBOUR_ARTICLES = {
    "port.txt": (
        "Harbour master Lena Ortiz said the new quay would open in May.\n\n"
        '"We expect 40 ships a week," Ortiz told reporters on Monday.'
    ),
    "council.txt": (
        "The city council approved 12 million euros for the harbour, council leader "
        "Tom Becker said.\n\nBecker said the money would also pay for dredging."
    ),
    "unions.txt": (
        "Dock workers' union chief Maria Santos said 300 jobs were at risk.\n\n"
        '"Nobody asked us," Santos said at a rally.'
    ),
    "shipping.txt": (
        "Shipping firm Nordline said it would move two routes to the new quay.\n\n"
        "Its chief executive, Karl Ahn, said fuel costs had risen by 8%."
    ),
}
# Small enough that each article is a pack of its own.
ONE_ARTICLE_BUDGET = 60


@pytest.fixture
def harbour(tmp_path):
    """Four short articles of one story, written here, that make four packs."""
    folder = tmp_path / "harbour"
    folder.mkdir()
    for name, text in HARBOUR_ARTICLES.items():
        (folder / name).write_text(f"title {name}\n\n{text}\n", encoding="utf-8")
    return folder


_EXTRACTING_PROCESSES = Path(tempfile.gettempdir())  # set by `extracting_processes`


def _extract_recording_process(pack):
    """`extract_pack`, noting the process that ran it (a worker's note cannot come back any
    other way)."""
    with (_EXTRACTING_PROCESSES / "pids").open("a") as notes:
        notes.write(f"{os.getpid()}\n")
    return _ORIGINAL_EXTRACT_PACK(pack)


def _extract_failing(pack):
    raise ValueError("a rule broke on this pack")


_ORIGINAL_EXTRACT_PACK = offline.extract_pack


@pytest.fixture
def extracting_processes(monkeypatch, tmp_path):
    """Gives the ids of the processes that extracted packs since it was last asked."""
    monkeypatch.setattr(f"{__name__}._EXTRACTING_PROCESSES", tmp_path)
    monkeypatch.setattr(offline, "extract_pack", _extract_recording_process)

    def taken() -> set[int]:
        notes = tmp_path / "pids"
        processes = {int(line) for line in notes.read_text().split()}
        notes.unlink()
        return processes

    return taken


def test_packs_extracted_by_worker_processes_give_the_same_briefing(
    harbour, monkeypatch, extracting_processes
):
    options = Options(engine="offline", budget=ONE_ARTICLE_BUDGET)
    monkeypatch.setattr(offline, "PARALLEL_MIN_TOKENS", 10**9)
    alone = build([harbour], options)
    assert extracting_processes() == {os.getpid()}
    monkeypatch.setattr(offline, "PARALLEL_MIN_TOKENS", 1)
    shared = build([harbour], options)
    workers = extracting_processes()
    assert workers and os.getpid() not in workers
    assert alone.stats.packs == len(HARBOUR_ARTICLES)
    assert shared.model_dump(exclude={"stats": {"seconds"}}) == alone.model_dump(
        exclude={"stats": {"seconds"}}
    )
    assert {c.speaker for c in shared.claims} >= {"Lena Ortiz", "Maria Santos"}


def _noting_process(function, notes):
    """`function`, noting in the file `notes` the process that ran it."""

    def noted(*arguments):
        with (_EXTRACTING_PROCESSES / notes).open("a") as file:
            file.write(f"{os.getpid()}\n")
        return function(*arguments)

    return noted


def _children_left() -> list[multiprocessing.process.BaseProcess]:
    """Child processes still running once each has had a minute to end: workers told to
    stop end on their own time, which a loaded machine can delay past the run's return."""
    for child in multiprocessing.active_children():
        child.join(timeout=60)
    return multiprocessing.active_children()


def test_a_run_extracted_by_workers_reads_its_summary_and_counts_mentions_beside_itself(
    harbour, monkeypatch, tmp_path
):
    monkeypatch.setattr(f"{__name__}._EXTRACTING_PROCESSES", tmp_path)
    monkeypatch.setattr(summary, "read_passages", _noting_process(summary.read_passages, "read"))
    monkeypatch.setattr(ahead, "read_passages", _noting_process(ahead.read_passages, "read"))
    monkeypatch.setattr(ahead, "count_mentions", _noting_process(ahead.count_mentions, "count"))
    options = Options(engine="offline", budget=ONE_ARTICLE_BUDGET)
    monkeypatch.setattr(offline, "PARALLEL_MIN_TOKENS", 10**9)
    alone = build([harbour], options)
    assert (tmp_path / "read").read_text().split() == [str(os.getpid())]
    assert not (tmp_path / "count").exists()  # counted by `brief_story` itself
    (tmp_path / "read").unlink()
    monkeypatch.setattr(offline, "PARALLEL_MIN_TOKENS", 1)
    beside = build([harbour], options)
    [reader] = (tmp_path / "read").read_text().split()
    [counter] = (tmp_path / "count").read_text().split()
    assert reader == counter != str(os.getpid())
    assert not _children_left()  # the process ended with the run
    assert beside.model_dump(exclude={"stats": {"seconds"}}) == alone.model_dump(
        exclude={"stats": {"seconds"}}
    )


def _summary_failing(story, reading=None):
    raise ValueError("a summary rule broke")


def test_an_error_in_the_summary_process_stops_the_run_with_that_error(harbour, monkeypatch):
    monkeypatch.setattr(offline, "PARALLEL_MIN_TOKENS", 1)
    monkeypatch.setattr(ahead, "summarize_story", _summary_failing)
    with pytest.raises(ValueError, match="a summary rule broke"):
        build([harbour], Options(engine="offline", budget=ONE_ARTICLE_BUDGET))
    assert not _children_left()


def test_a_run_with_little_text_extracts_its_packs_itself(harbour, extracting_processes):
    briefing = build([harbour], Options(engine="offline", budget=ONE_ARTICLE_BUDGET))
    assert briefing.stats.packs == len(HARBOUR_ARTICLES)
    assert extracting_processes() == {os.getpid()}


@pytest.mark.parametrize("min_tokens", [10**9, 1], ids=["alone", "in workers"])
def test_an_error_extracting_a_pack_stops_the_run_with_that_error(harbour, monkeypatch, min_tokens):
    monkeypatch.setattr(offline, "PARALLEL_MIN_TOKENS", min_tokens)
    monkeypatch.setattr(offline, "extract_pack", _extract_failing)
    with pytest.raises(ValueError, match="a rule broke on this pack"):
        build([harbour], Options(engine="offline", budget=ONE_ARTICLE_BUDGET))


# ---------------------------------------------------------------- fuzzing


SUFFIXES = st.sampled_from([".txt", ".md", ".html", ".json", ".jsonl", ".xml", ".rss", ".gz", ""])
ARTICLE_TEXT = st.lists(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",)),  # any code point a file can hold
        min_size=0,
        max_size=300,
    ),
    min_size=1,
    max_size=8,
).map("\n\n".join)


def _brief_files(files: dict[str, bytes]) -> None:
    """Build from the files with the offline engine; every format must render, JSON must parse."""
    with tempfile.TemporaryDirectory() as folder:
        for name, content in files.items():
            (Path(folder) / name).write_bytes(content)
        try:
            briefing = build([folder], Options(engine="offline"))
        except NothingUsable as nothing:
            assert len(nothing.skipped) >= 1
            return
        assert Briefing.model_validate_json(render(briefing, "json")) == briefing
        html = render(briefing, "html")
        assert "<script" not in html.lower()
        render(briefing, "md")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.binary(max_size=2_000), suffix=SUFFIXES)
def test_random_bytes_never_crash_the_pipeline(content, suffix):
    _brief_files({f"random{suffix}": content})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(ARTICLE_TEXT, min_size=1, max_size=4))
def test_random_unicode_articles_give_valid_output(texts):
    _brief_files(
        {f"a{i}.txt": text.encode("utf-8", "surrogatepass") for i, text in enumerate(texts)}
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=ARTICLE_TEXT)
def test_random_text_around_a_real_article_keeps_it_briefed(prefix):
    real = (EXAMPLE / "003_95f36704ba18b9c9.txt").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "a.txt").write_text(prefix + "\n\n" + real, encoding="utf-8")
        briefing = build([folder], Options(engine="offline"))
    assert any(a.name == "Kim Jong Un" for a in briefing.actors)


@pytest.fixture(scope="module")
def key_section(wonsan):
    """The Markdown briefing before its appendix: what a reader sees first."""
    return render(wonsan, "md").split("## All extracted facts", 1)[0]


def test_the_key_section_keeps_the_seed_facts(key_section):
    lavrov = [line for line in key_section.splitlines() if line.startswith("- **Sergey Lavrov**")]
    assert len(lavrov) == 1 and "Sergei Lavrov" in lavrov[0]
    for name in ("Kim Jong Un", "Choe Son Hui", "Vladimir Putin", "Kyrylo Budanov"):
        assert f"- **{name}**" in key_section
    dispute = key_section.split("## Disputed figures", 1)[1]
    assert "| **up to 40%** | Kyrylo Budanov |" in dispute
    assert "| **about 12 million rounds** |" in dispute


def test_the_json_keeps_every_item_with_its_rank_and_key_mark(wonsan):
    data = json.loads(render(wonsan, "json"))
    for kind in ("actors", "claims", "figures"):
        items = data[kind]
        assert sorted(item["rank"] for item in items) == list(range(1, len(items) + 1))
        assert not all(item["key"] for item in items)
    assert any(item["key"] for item in data["actors"]) and any(c["key"] for c in data["claims"])


def test_build_takes_one_path_as_a_string():
    briefing = build(str(EXAMPLE), Options(engine="offline"))
    assert len(briefing.sources) == len(list(EXAMPLE.iterdir()))
    assert briefing.skipped == []


class _BodyText(HTMLParser):
    """The text a reader sees in an HTML page: no tags, attributes, styles or scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("style", "script", "title")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("style", "script", "title")

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def test_sources_are_named_by_outlet_and_number_never_by_their_id():
    briefing = build([EXAMPLE], Options(engine="offline"))
    ids = [source.id for source in briefing.sources]
    assert any(re.search(r"[0-9a-f]{16}", source_id) for source_id in ids)
    markdown = render(briefing, "md")
    page = _BodyText()
    page.feed(render(briefing, "html"))
    body = " ".join(page.text)
    for source_id in ids:
        assert source_id not in markdown and source_id not in body
    assert "Source #1" in markdown
