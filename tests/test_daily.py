"""`briefing daily`: stories, ranking, the day in brief, coverage, --date, output, CLI."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.config import Options
from briefing.daily import _SharedLimit, daily, with_coverage
from briefing.engines import Usage, offline
from briefing.errors import BriefingError, NothingUsable
from briefing.render import render
from briefing.schema import (
    Article,
    Briefing,
    Claim,
    Daily,
    Dispute,
    DisputeVersion,
    Evidence,
    Figure,
    Source,
    Stats,
)
from briefing.testing.clustering import (
    adjusted_rand_index,
    found_stories,
    mix_corpus,
    purity,
    story_folders,
)
from briefing.testing.fake_openai import FakeOpenAI, completion_reply

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
FEEDS = REPO.parent / "shared" / "ingest" / "feeds"

ARTICLES = {
    "ledger-flood.txt": (
        "Tessin floods Valmora old town",
        "Daily Ledger",
        "2024-05-14",
        [
            "The River Tessin burst its banks in Valmora on Tuesday, flooding the old town "
            "and the Kastell quarter overnight.",
            "Mayor Ilse Brandt said 400 residents were evacuated from the Kastell quarter "
            "before midnight.",
            '"We have never seen the Tessin this high," Brandt told reporters at the town hall.',
        ],
    ),
    "herald-flood.txt": (
        "Hundreds evacuated as the Tessin floods Valmora",
        "Northern Herald",
        "2024-05-14",
        [
            "Floodwater from the River Tessin swept through Valmora's old town on Tuesday.",
            "Mayor Ilse Brandt said 400 residents were evacuated from the Kastell quarter "
            "before midnight.",
            "The Valmora council opened the sports hall for the night and asked residents to "
            "stay away from the Tessin bridge.",
        ],
    ),
    "meridian-flood.txt": (
        "Valmora counts the cost of the Tessin flood",
        "Radio Meridian",
        "2024-05-14",
        [
            "Shopkeepers in Valmora began clearing mud on Wednesday after the River Tessin "
            "receded from the old town.",
            "Mayor Ilse Brandt asked the regional government for emergency funds to repair "
            "the Tessin bridge and the Kastell quarter.",
        ],
    ),
    "ledger-tennis.txt": (
        "Petrova beats Oliveira in the Caldera Open final",
        "Daily Ledger",
        "2024-05-14",
        [
            "Nadia Petrova won the Caldera Open on Tuesday, beating Marta Oliveira in three "
            "sets after saving two match points.",
            '"I never stopped believing," Petrova said after the Caldera Open final.',
        ],
    ),
    "wire-tennis.txt": (
        "Nadia Petrova lifts the Caldera Open trophy",
        "Sports Wire",
        "2024-05-14",
        [
            "Marta Oliveira led by a set and a break, but Nadia Petrova came back to win the "
            "Caldera Open final on Tuesday.",
            "Oliveira said Petrova had played the best tennis of her career at the Caldera Open.",
        ],
    ),
    "weekly-comet.txt": (
        "Comet Halvorsen visible from Tuesday",
        "Science Weekly",
        "2024-05-14",
        [
            "Astronomers at the Brightwater Observatory say comet Halvorsen will be visible "
            "to the naked eye from Tuesday, low on the western horizon after sunset.",
            "The comet last passed this close to the Sun in 1841.",
        ],
    ),
    "notes-market.txt": (
        "Gouda cheese market opens for the season",
        "Travel Notes",
        "2024-05-02",
        [
            "The weekly cheese market in Gouda reopened on Thursday, with farmers carrying "
            "wheels of cheese across the square as they have done for centuries.",
        ],
    ),
}


def write_articles(folder: Path, articles=ARTICLES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (title, outlet, published, paragraphs) in articles.items():
        header = f"title {title}\noutlet {outlet}\ndate {published}\n\n"
        (folder / name).write_text(header + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def folder() -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        yield write_articles(Path(tmp) / "day")


@pytest.fixture(scope="module")
def day(folder) -> Daily:
    return daily([folder], Options(engine="offline"))


def titles(story) -> set[str]:
    return {source.title for source in story.sources}


def test_stories_are_ranked_by_outlets_and_singletons_are_other_reports(day):
    assert [len(story.coverage.outlets) for story in day.stories] == [3, 2]
    assert "Valmora counts the cost of the Tessin flood" in titles(day.stories[0])
    assert "Nadia Petrova lifts the Caldera Open trophy" in titles(day.stories[1])
    others = {other.source.title for other in day.other_reports}
    assert others == {
        "Comet Halvorsen visible from Tuesday",
        "Gouda cheese market opens for the season",
    }
    placed = [s.path for story in day.stories for s in story.sources]
    placed += [other.source.path for other in day.other_reports]
    assert sorted(Path(path).name for path in placed) == sorted(ARTICLES)


def test_each_story_is_a_full_briefing_with_its_own_sources(day):
    flood = day.stories[0]
    assert {source.outlet for source in flood.sources} == {
        "Daily Ledger",
        "Northern Herald",
        "Radio Meridian",
    }
    assert flood.actors and flood.claims
    assert flood.stats.articles == 3
    assert day.stats.articles == len(ARTICLES)
    assert day.stats.packs == sum(story.stats.packs for story in day.stories)


def test_the_day_in_brief_has_three_to_seven_bullets_led_by_the_top_story(day):
    assert 3 <= len(day.summary) <= 7
    assert day.summary[0] == day.stories[0].summary[0]
    assert day.summary[1] == day.stories[1].summary[0]


def test_other_reports_carry_their_opening_sentence(day):
    comet = next(o for o in day.other_reports if "Halvorsen" in (o.source.title or ""))
    assert comet.lede.startswith("Astronomers at the Brightwater Observatory")
    assert comet.lede.endswith("after sunset.")


def test_the_coverage_matrix_lists_every_outlet_for_every_row(day):
    flood = day.stories[0].coverage
    names = [outlet.name for outlet in flood.outlets]
    assert sorted(names) == ["Daily Ledger", "Northern Herald", "Radio Meridian"]
    assert flood.rows
    for row in flood.rows:
        assert sorted(row.reported_by + row.left_out_by) == sorted(names)
        assert row.reported_by


def source(source_id, outlet, url=None):
    return Source(id=source_id, outlet=outlet, url=url, path=f"{source_id}.txt")


def article(source_id, outlet, *paragraphs, url=None):
    return Article(source=source(source_id, outlet, url), paragraphs=list(paragraphs))


def test_coverage_finds_wire_copy_and_figures_given_by_other_outlets_and_who_left_them_out():
    articles = [
        article("a", "Ledger", "Mayor Brandt said 400 residents were evacuated overnight."),
        article("b", "Herald", "Mayor Brandt said 400 residents were evacuated overnight. Rain."),
        article(
            "c",
            None,
            "Some 400 residents left; 1400 sandbags were filled.",
            url="https://www.meridian.example/flood",
        ),
        article("d", None, "Firefighters put the number at 600 residents."),
    ]
    quote = "Mayor Brandt said 400 residents were evacuated overnight."
    briefing = Briefing(
        title="Flood",
        summary=[],
        actors=[],
        claims=[
            Claim(
                speaker="Brandt",
                text="400 evacuated",
                evidence=[Evidence(source_id="a", quote=quote)],
            )
        ],
        figures=[
            Figure(
                subject="residents evacuated",
                value="400",
                number=400,
                unit=None,
                qualifier=None,
                attributed_to="Brandt",
                evidence=[Evidence(source_id="a", quote=quote)],
            ),
        ],
        disputes=[
            Dispute(
                subject="residents evacuated",
                note="",
                versions=[
                    DisputeVersion(
                        value="400", number=400, attributed_to="Brandt", source_ids=["a"]
                    ),
                    DisputeVersion(
                        value="600", number=600, attributed_to="firefighters", source_ids=["d"]
                    ),
                ],
            ),
        ],
        sources=[a.source for a in articles],
        skipped=[],
        stats=Stats(engine="offline"),
    )
    story = with_coverage(briefing, articles)
    outlets = {o.name: (o.named, o.source_ids) for o in story.coverage.outlets}
    assert outlets == {
        "Ledger": (True, ["a"]),
        "Herald": (True, ["b"]),
        "meridian.example": (True, ["c"]),
        "Source #4": (False, ["d"]),
    }
    rows = {(row.kind, row.text): row for row in story.coverage.rows}
    four_hundred = rows["figure", "residents evacuated: 400"]
    assert four_hundred.source_ids == ["a", "b", "c"]  # "1400" does not count
    assert four_hundred.left_out_by == ["Source #4"]
    assert rows["figure", "residents evacuated: 600"].reported_by == ["Source #4"]
    assert rows["claim", "400 evacuated"].source_ids == ["a", "b"]  # the wire copy in b
    assert [row.kind for row in story.coverage.rows] == ["figure", "figure", "claim"]


def test_date_keeps_that_day_and_lists_other_days_as_skipped(folder):
    result = daily([folder], Options(engine="offline"), date="2024-05-14")
    assert result.date == "2024-05-14"
    assert result.title == "Daily briefing: 2024-05-14"
    assert [Path(item.path).name for item in result.skipped] == ["notes-market.txt"]
    assert "published 2024-05-02, not on 2024-05-14" in result.skipped[0].reason
    assert all("Gouda" not in (o.source.title or "") for o in result.other_reports)


def test_without_a_date_the_page_is_labelled_with_the_usual_day(day):
    assert day.date == "2024-05-14"


def test_a_bad_date_is_refused(folder):
    with pytest.raises(BriefingError, match="YYYY-MM-DD"):
        daily([folder], Options(engine="offline"), date="14/05/2024")


def test_a_day_with_nothing_published_on_the_date_is_nothing_usable(folder):
    with pytest.raises(NothingUsable):
        daily([folder], Options(engine="offline"), date="1999-01-01")


def test_json_follows_the_daily_contract(day):
    text = render(day, "json")
    assert Daily.model_validate_json(text) == day
    data = json.loads(text)
    assert {"date", "title", "summary", "stories", "skipped", "stats"} <= set(data)
    story_fields = set(Briefing.model_fields) | {"coverage", "story_id", "changes"}
    assert set(data["stories"][0]) == story_fields


def test_markdown_has_contents_linking_to_each_story_and_the_matrix(day):
    text = render(day, "md")
    assert "## The day in brief" in text
    assert "(#story-1) — Covered by 3 outlets" in text
    assert '<a id="story-1"></a>' in text and '<a id="story-2"></a>' in text
    assert "### Who reported what" in text
    assert "| Claim or figure | Daily Ledger | Northern Herald | Radio Meridian |" in text
    assert "## Other reports" in text and "Comet Halvorsen" in text


def test_html_has_a_toc_whose_links_all_have_targets(day):
    html = render(day, "html")
    ids = set(re.findall(r'id="([^"]+)"', html))
    links = set(re.findall(r'href="#([^"]+)"', html))
    assert {"story-1", "story-2", "other-reports", "stats"} <= links
    assert links <= ids
    assert len(ids) == len(re.findall(r'id="([^"]+)"', html)), "element ids are unique"
    assert '<table class="coverage">' in html
    assert "Covered by 3 outlets" in html


def test_article_markup_never_reaches_the_page(tmp_path):
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    write_articles(
        tmp_path,
        {
            name: (
                f"{title} {hostile}",
                f"{outlet} {hostile}",
                published,
                [*paragraphs, f"Brandt said it was {hostile} in Valmora."],
            )
            for name, (title, outlet, published, paragraphs) in ARTICLES.items()
        },
    )
    result = daily([tmp_path], Options(engine="offline"))
    for fmt in ("html", "md"):
        text = render(result, fmt)
        assert "<script" not in text and "<img" not in text


def asks_for_summary(request) -> bool:
    return "Summary" in json.dumps(request.get("response_format"))


_LISTED_CLAIM = re.compile(r"^- \[(c\d+)\] [^:\n]*: (.*)$", re.MULTILINE)
_BLOCK = re.compile(r'<src-(\w+) id="(S\d+)">\n(.*?)\n</src-\1>', re.DOTALL)


def first_paragraphs_as_claims(request):
    """An extraction answer: each source's first paragraph, as an unattributed claim."""
    claims = [
        {
            "speaker": None,
            "text": text.split("\n\n")[0],
            "evidence": [{"source_id": label, "quote": text.split("\n\n")[0]}],
        }
        for _, label, text in _BLOCK.findall(request["messages"][-1]["content"])
    ]
    answer = {"actors": [], "claims": claims, "figures": []}
    return completion_reply(json.dumps(answer))


def day_call_answering(*bullets_for):
    """A fake model: first paragraphs as claims, a lead bullet per story, and the day's
    summary call (the one that sees every story) answered with `bullets_for(listed
    claims)`, each claim as (id, text)."""
    numbers = itertools.count(1)

    def answer(request):
        facts = request["messages"][-1]["content"]
        if not asks_for_summary(request):
            return first_paragraphs_as_claims(request)
        if "Story 1" in facts and "Story 2" in facts:  # the day's call sees every story
            claims = _LISTED_CLAIM.findall(facts)
            bullets = [bullet for make in bullets_for for bullet in make(claims)]
            summary = {"title": "The day", "bullets": bullets}
        else:
            number = next(numbers)
            bullet = {"text": f"Lead of story {number}.", "facts": []}
            summary = {"title": f"Story {number}", "bullets": [bullet]}
        return completion_reply(json.dumps(summary))

    return answer


def copied_claims(count):
    """Bullets copying the first `count` claims listed, each citing its claim."""
    return lambda claims: [{"text": text, "facts": [id_]} for id_, text in claims[:count]]


def test_the_openai_engine_writes_the_day_in_brief_in_one_extra_call(folder):
    with FakeOpenAI(then=day_call_answering(copied_claims(2))) as server:
        options = Options(engine="openai", base_url=server.base_url, use_cache=False)
        result = daily([folder], options)
    summaries = [request for request in server.requests if asks_for_summary(request)]
    packs = sum(story.stats.packs for story in result.stories)
    assert len(summaries) == len(result.stories) + 1
    assert len(server.requests) == packs + len(result.stories) + 1
    assert result.stats.calls == len(server.requests)
    # Two bullets from the call, topped up to three with a story's lead not yet there.
    claims = _LISTED_CLAIM.findall(summaries[-1]["messages"][-1]["content"])
    assert result.summary[:2] == [claims[0][1], claims[1][1]] and len(result.summary) == 3
    assert result.summary[2] in {lead for story in result.stories for lead in story.summary}


def test_a_day_bullet_its_facts_do_not_support_is_dropped_and_counted(folder):
    def invented(claims):
        first = claims[0][0]
        return [
            {"text": "87 percent of the funds were never accounted for.", "facts": [first]},
            {"text": "Valmora counts its losses.", "facts": []},
        ]

    with FakeOpenAI(then=day_call_answering(copied_claims(1), invented)) as server:
        options = Options(engine="openai", base_url=server.base_url, use_cache=False)
        result = daily([folder], options)
    day_call = [request for request in server.requests if asks_for_summary(request)][-1]
    ids = [id_ for id_, _ in _LISTED_CLAIM.findall(day_call["messages"][-1]["content"])]
    assert len(ids) == len(set(ids)) > 1  # numbered across the day, not per story
    assert not any(
        "87 percent" in bullet or "Valmora counts" in bullet for bullet in result.summary
    )
    from_stories = sum(story.stats.dropped_bullets for story in result.stories)
    assert result.stats.dropped_bullets == from_stories + 2


def test_offline_day_bullets_are_their_stories_checked_bullets(day):
    story_bullets = {bullet for story in day.stories for bullet in story.summary}
    assert day.summary and set(day.summary) <= story_bullets
    assert day.stats.dropped_bullets == sum(story.stats.dropped_bullets for story in day.stories)


def test_a_rerun_makes_no_calls_and_a_new_article_only_those_of_its_story(folder, tmp_path):
    day = tmp_path / "day"
    shutil.copytree(folder, day)
    with FakeOpenAI() as server:
        options = Options(engine="openai", base_url=server.base_url, cache_dir=tmp_path / "cache")
        daily([day], options)
        first = len(server.requests)
        assert daily([day], options).stats.calls == 0
        write_articles(day, {"post-bakery.txt": (
            "Bakery wins bread prize", "Morning Post", "2024-05-14",
            ["A family bakery in Lindholm won the national bread prize for its rye loaf."],
        )})  # fmt: skip
        assert daily([day], options).stats.calls == 0  # a new other report costs nothing
        write_articles(day, {"post-tennis.txt": (
            "Petrova wins the Caldera Open", "Morning Post", "2024-05-14",
            ["Nadia Petrova beat Marta Oliveira to win the Caldera Open final on Tuesday."],
        )})  # fmt: skip
        grown = daily([day], options)
    assert len(server.requests) - first == grown.stats.calls <= 3  # its pack, summary, the day
    tennis = next(story for story in grown.stories if "Caldera" in " ".join(titles(story)))
    assert len(tennis.sources) == 3


def test_calls_are_bounded_across_all_stories_together():
    class SlowEngine:
        """Holds each call at a gate: every call that the limit lets in is in flight at once."""

        name, model, writes_summaries = "slow", None, True
        running = peak = 0
        gate: asyncio.Event

        async def extract(self, pack):
            SlowEngine.running += 1
            SlowEngine.peak = max(SlowEngine.peak, SlowEngine.running)
            await SlowEngine.gate.wait()
            SlowEngine.running -= 1
            return None, Usage()

    async def many_stories():
        SlowEngine.gate = asyncio.Event()
        limited = _SharedLimit(SlowEngine(), 3)
        calls = [asyncio.ensure_future(limited.extract(None)) for _ in range(20)]
        # Runs after each call's first step (the loop runs callbacks in order), by which
        # time every call the limit admits is waiting at the gate.
        asyncio.get_running_loop().call_soon(SlowEngine.gate.set)
        await asyncio.gather(*calls)

    asyncio.run(many_stories())
    assert SlowEngine.peak == 3


def test_progress_is_reported_once_for_the_whole_day(folder):
    class Recorder:
        def __init__(self):
            self.planned = []
            self.done = 0

        def packs_planned(self, total):
            self.planned.append(total)

        def pack_done(self):
            self.done += 1

    recorder = Recorder()
    result = daily([folder], Options(engine="offline"), reporter=recorder)
    assert recorder.planned == [result.stats.packs]
    assert recorder.done == result.stats.packs


def test_a_day_extracted_by_worker_processes_is_the_day_extracted_alone(folder, day, monkeypatch):
    started, start_workers = [], offline.start_workers

    def starting_workers():
        started.append(start_workers())
        return started[-1]

    monkeypatch.setattr(offline, "PARALLEL_MIN_TOKENS", 1)
    monkeypatch.setattr(offline, "start_workers", starting_workers)
    shared = daily([folder], Options(engine="offline"))
    assert started and started[0] is not None
    timings = {"stats": {"seconds"}, "stories": {"__all__": {"stats": {"seconds"}}}}
    assert shared.model_dump(exclude=timings) == day.model_dump(exclude=timings)


def test_cli_writes_each_format_and_plans_a_dry_run(folder, tmp_path):
    runner = CliRunner()
    for name in ("day.html", "day.md", "day.json"):
        outcome = runner.invoke(main, ["daily", str(folder), "-o", str(tmp_path / name)])
        assert outcome.exit_code == 0, outcome.output
    assert Daily.model_validate_json((tmp_path / "day.json").read_text()).stories
    assert (tmp_path / "day.html").read_text().startswith("<!doctype html>")
    dry = runner.invoke(main, ["daily", str(folder), "--dry-run", "--format", "json"])
    assert dry.exit_code == 0
    assert json.loads(dry.stdout)["articles"] == len(ARTICLES)


def test_cli_exit_codes_for_a_bad_date_and_an_empty_input(folder, tmp_path):
    runner = CliRunner()
    bad = runner.invoke(main, ["daily", str(folder), "--date", "yesterday"])
    assert bad.exit_code == 1
    assert "YYYY-MM-DD" in bad.stderr
    (tmp_path / "empty").mkdir()
    empty = runner.invoke(main, ["daily", str(tmp_path / "empty")])
    assert empty.exit_code == 2


def test_the_examples_make_three_stories():
    examples = sorted(path for path in (REPO / "examples").iterdir() if path.is_dir())
    result = daily(examples, Options(engine="offline"))
    assert len(result.stories) == len(examples) == 3
    assert not result.other_reports
    for story in result.stories:
        assert len({Path(source.path).parent.name for source in story.sources}) == 1


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")
def test_the_mixed_corpus_comes_back_as_its_stories(tmp_path):
    truth = mix_corpus(CORPUS, tmp_path / "mixed")
    result = daily([tmp_path / "mixed"], Options(engine="offline"))
    found = found_stories(result)
    assert sorted(found) == sorted(truth)
    names = sorted(truth)
    expected = [truth[name] for name in names]
    predicted = [found[name] for name in names]
    assert purity(expected, predicted) >= 0.9
    assert adjusted_rand_index(expected, predicted) >= 0.9
    assert len(result.stories) == len(story_folders(CORPUS))
    seeds = {name for name, story in truth.items() if story == "wonsan-2025-07"}
    assert len(seeds) == 5
    assert len({found[name] for name in seeds}) == 1


def test_clustering_scores():
    assert purity(["a", "a", "b"], [1, 1, 2]) == 1.0
    assert adjusted_rand_index(["a", "a", "b", "b"], [7, 7, 9, 9]) == 1.0
    assert purity(["a", "a", "b", "b"], [1, 1, 1, 1]) == 0.5
    assert adjusted_rand_index(["a", "a", "b", "b"], [1, 2, 1, 2]) < 0


FEED_FILES = [
    "nytimes.com_2023-11-24_top-stories.rss.xml",
    "npr.org_2023-11-24_news.rss.xml",
    "japantimes.co.jp_2023-11-24_latest.rss.xml",
]


@pytest.mark.skipif(not FEEDS.is_dir(), reason=f"the shared feeds are not at {FEEDS}")
def test_three_feeds_of_one_day_share_their_common_stories():
    result = daily([FEEDS / name for name in FEED_FILES], Options(engine="offline"))

    def story_with(words):
        return [
            story
            for story in result.stories
            if sum(words in (source.title or "") for source in story.sources) >= 2
        ]

    pistorius = story_with("Pistorius")
    assert len(pistorius) == 1 and len(pistorius[0].coverage.outlets) == 3
    dublin = story_with("Dublin")
    assert len(dublin) == 1 and len(dublin[0].coverage.outlets) == 2
    assert len(story_with("Black Friday")) == 1


def test_a_date_no_article_carries_is_nothing_usable_even_with_undated_articles(tmp_path):
    for name, outlet in (("a.txt", "Ledger"), ("b.txt", "Herald")):
        (tmp_path / name).write_text(
            f"outlet {outlet}\n\nThe council said the bridge would reopen on Monday after repairs."
        )
    with pytest.raises(NothingUsable, match="no article is dated 2024-05-14"):
        daily([tmp_path], Options(engine="offline"), date="2024-05-14")
    result = CliRunner().invoke(main, ["daily", str(tmp_path), "--date", "2024-05-14"])
    assert result.exit_code == 2
    assert "no article is dated 2024-05-14 (2 have no date, 0 are dated other days)" in (
        result.stderr
    )
