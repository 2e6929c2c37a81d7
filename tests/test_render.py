import json
import os
import re
import stat
from pathlib import Path

import pytest

from briefing.render import (
    APPENDIX_HEADING,
    highlight,
    markdown_escape,
    render,
    safe_url,
    write_atomic,
)
from briefing.schema import Actor, Briefing, Bullet, Claim, Evidence, Figure, Source

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def hostile(briefing: Briefing) -> Briefing:
    """The sample briefing with markup and script payloads in every article-derived field."""
    data = briefing.model_dump()
    data["title"] = HOSTILE
    data["summary"] = [f"# heading {HOSTILE}"]
    data["bullets"] = [{"text": data["summary"][0], "facts": ["c1"], "source_ids": ["a"]}]
    data["actors"][0]["name"] = f"[click](javascript:alert(3)) {HOSTILE}"
    data["claims"][0]["text"] = f"**bold** {HOSTILE}"
    data["claims"][0]["evidence"][0]["quote"] = f"> quoted {HOSTILE}"
    data["sources"][0].update(title=HOSTILE, outlet=HOSTILE, url="javascript:alert(4)", id="a")
    data["disputes"][0]["note"] = HOSTILE
    data["skipped"][0]["reason"] = HOSTILE
    return Briefing.model_validate(data)


def test_json_output_is_the_model_and_round_trips(sample_briefing):
    text = render(sample_briefing, "json")
    assert Briefing.model_validate_json(text) == sample_briefing
    assert set(json.loads(text)) == {
        "title",
        "summary",
        "actors",
        "claims",
        "figures",
        "disputes",
        "sources",
        "skipped",
        "stats",
        "bullets",
    }


def test_full_markdown_has_every_section(sample_briefing):
    text = render(sample_briefing, "md", detail="full")
    for heading in (
        "# Lavrov visits",
        "## Key actors",
        "## Who claims what",
        "## Disputed figures",
        "## Sources",
        "## Skipped inputs",
        "## Run stats",
    ):
        assert heading in text
    assert "Sergei Lavrov" in text
    assert "| **up to 40%** | Kyrylo Budanov | [Daily News #1] |" in text
    assert "| **about 12 million rounds** | South Korean intelligence | [The Times #2] |" in text


@pytest.mark.parametrize(
    "detail, value",
    [("full", '<td class="value">{}</td>'), ("brief", '<span class="value">{}</span>')],
)
def test_html_shows_dispute_versions_side_by_side_and_links_quotes_to_sources(
    sample_briefing, detail, value
):
    html = render(sample_briefing, "html", detail=detail)
    assert html.startswith("<!doctype html>")
    assert value.format("up to 40%") in html
    assert value.format("about 12 million rounds") in html
    assert 'href="#src-a"' in html and 'id="src-a"' in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_article_markup_never_reaches_the_output_as_tags(sample_briefing, fmt):
    text = render(hostile(sample_briefing), fmt)
    assert "<script" not in text
    assert "<img" not in text
    assert "javascript:alert(4)" not in text


@pytest.mark.parametrize("detail", ["brief", "full"])
def test_markdown_turns_article_links_and_emphasis_into_plain_text(sample_briefing, detail):
    text = render(hostile(sample_briefing), "md", detail=detail)
    assert "[click](javascript:" not in text
    assert "\\[click\\](javascript:alert(3))" in text
    if detail == "full":  # the brief layout shows a claim as its quote when that holds it
        assert "\\*\\*bold\\*\\*" in text


def test_html_links_only_to_web_urls_and_its_own_anchors(sample_briefing):
    html = render(hostile(sample_briefing), "html")
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith(("#", "https://")) for h in hrefs)


def test_html_escapes_every_article_field(sample_briefing):
    html = render(hostile(sample_briefing), "html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "onerror=&#34;alert(2)&#34;" in html or "onerror=&quot;alert(2)&quot;" in html


def test_markdown_escape_neutralises_markup():
    assert markdown_escape("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
    assert markdown_escape("[a](javascript:x)") == "\\[a\\](javascript:x)"
    assert markdown_escape("# not a heading") == "\\# not a heading"
    assert markdown_escape("line one\nline two") == "line one line two"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://example.com/a?b=1", "https://example.com/a?b=1"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//evil.example/x", None),
        ("https://exa mple.com", None),
        (None, None),
    ],
)
def test_safe_url_allows_only_plain_web_links(url, expected):
    assert safe_url(url) == expected


def test_source_without_url_shows_its_title(sample_briefing):
    html = render(sample_briefing, "html")
    assert "Kim meets Lavrov" in html


def test_teaser_sources_are_marked(sample_briefing):
    teaser = sample_briefing.model_copy(
        update={"sources": [Source(id="t", title="Teaser", path="feed.xml#1", teaser=True)]}
    )
    assert "teaser only" in render(teaser, "md")
    assert "teaser only" in render(teaser, "html")


def test_write_atomic_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out" / "briefing.md"
    write_atomic(target, "first")
    write_atomic(target, "second")
    assert target.read_text() == "second"
    assert [p.name for p in target.parent.iterdir()] == ["briefing.md"]


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "briefing.md"
    write_atomic(target, "old")

    def broken_replace(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["briefing.md"]


@pytest.mark.parametrize(
    "text, escaped",
    [("1. first", "1\\. first"), ("12) twelve", "12\\) twelve"), ("1.5 million", "1.5 million")],
)
def test_markdown_escape_stops_numbered_lists_but_leaves_decimals(text, escaped):
    assert markdown_escape(text) == escaped


def test_write_atomic_gives_a_new_file_the_umask_permissions_and_keeps_an_old_files(tmp_path):
    old_umask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.html"
        write_atomic(fresh, "x")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        private = tmp_path / "private.html"
        private.write_text("old")
        private.chmod(0o600)
        write_atomic(private, "new")
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
    finally:
        os.umask(old_umask)


def ranked(briefing: Briefing) -> Briefing:
    """The sample briefing as the brief stage leaves it: one more actor, claim and figure,
    each ranked, the first of each key, and a bullet quoting the key claim's sentence."""
    quote = "We warn against exploiting these ties, Lavrov said."
    key_claim = Claim(
        speaker="Sergey Lavrov",
        text="We warn against exploiting these ties",
        evidence=[Evidence(source_id="a", quote=quote), Evidence(source_id="b", quote=quote)],
        key=True,
        rank=1,
        id="c1",
    )
    other_claim = Claim(
        speaker="Choe Son Hui",
        text="the talks went well",
        evidence=[Evidence(source_id="b", quote="Choe said the talks went well.")],
        rank=2,
        id="c2",
    )
    spoken = Claim(
        speaker="Choe Son Hui",
        text="ties are unbreakable",
        evidence=[Evidence(source_id="b", quote="Choe said ties are unbreakable.")],
        key=True,
        rank=3,
        id="c3",
    )
    extra = Actor(name="Tass", aliases=[], kind="media", role=None, sources=["b"], rank=2)
    choe = Actor(name="Choe Son Hui", aliases=[], kind="person", role=None, sources=["b"])
    key_figure = briefing.figures[0].model_copy(update={"key": True, "rank": 1})
    trivia = Figure(
        subject="pages",
        value="1,768",
        number=1768,
        unit=None,
        qualifier=None,
        attributed_to=None,
        evidence=[Evidence(source_id="b", quote="a report of 1,768 pages")],
        rank=2,
    )
    return briefing.model_copy(
        update={
            "actors": [
                briefing.actors[0].model_copy(update={"key": True, "rank": 1}),
                extra,
                choe.model_copy(update={"key": True, "rank": 3}),
            ],
            "claims": [key_claim, other_claim, spoken],
            "figures": [key_figure, trivia],
            "bullets": [Bullet(text=quote, facts=["c1"], source_ids=["a", "b"])],
            "summary": [quote],
        }
    )


def test_brief_markdown_puts_key_items_first_and_the_rest_in_the_appendix(sample_briefing):
    text = render(ranked(sample_briefing), "md")
    main, appendix = text.split(f"## {APPENDIX_HEADING}")
    assert "Sergey Lavrov" in main and "ties are unbreakable" in main and "up to 40%" in main
    assert "Tass" not in main and "the talks went well" not in main and "1,768" not in main
    assert "Tass" in appendix and "the talks went well" in appendix and "1,768" in appendix


def test_brief_markdown_shows_each_quote_once(sample_briefing):
    text = render(ranked(sample_briefing), "md")
    assert text.count("We warn against exploiting these ties") == 1
    assert text.count("ties are unbreakable") == 1


def test_brief_markdown_cites_sources_by_number_linking_to_the_source_list(sample_briefing):
    text = render(ranked(sample_briefing), "md")
    bullet = next(line for line in text.splitlines() if line.startswith("- We warn"))
    assert bullet.endswith("[1](#source-1), [2](#source-2)")
    assert '1. <a id="source-1"></a>**Daily News #1**' in text
    assert '2. <a id="source-2"></a>**The Times #2**' in text


def test_brief_markdown_has_one_footer_line_of_run_stats_not_a_table(sample_briefing):
    text = render(ranked(sample_briefing), "md")
    assert "## Run stats" not in text and "| Engine |" not in text
    footer = text.rstrip().splitlines()[-1]
    assert footer.startswith("_Run: offline engine") and "2 articles" in footer


def test_a_briefing_the_brief_stage_never_ranked_shows_everything_as_key(sample_briefing):
    text = render(sample_briefing, "md")
    assert APPENDIX_HEADING not in text
    assert "Sergey Lavrov" in text and "We warn against exploiting these ties" in text


def test_full_detail_is_the_layout_with_every_item_in_one_list(sample_briefing):
    text = render(ranked(sample_briefing), "md", detail="full")
    assert APPENDIX_HEADING not in text and "## Run stats" in text
    assert "Tass" in text and "the talks went well" in text


@pytest.mark.parametrize(
    "quote, text, expected",
    [
        (
            "He said the talks went well.",
            "the talks went well",
            ("He said ", "the talks went well", "."),
        ),
        (
            "She said ties were “unbreakable.”",
            "ties were “unbreakable”",
            ("She said ", "ties were “unbreakable.", "”"),
        ),
        ("Nothing alike here.", "the talks went well", ("Nothing alike here.", "", "")),
    ],
)
def test_highlight_finds_the_claim_inside_its_quote(quote, text, expected):
    assert highlight(quote, text) == expected


def test_an_unknown_format_is_a_clear_error_naming_the_formats(sample_briefing):
    with pytest.raises(ValueError, match=r"cannot render 'pdf': the formats are md, html, json"):
        render(sample_briefing, "pdf")  # type: ignore[arg-type]


def test_brief_html_collapses_the_rest_into_a_details_after_the_key_section(sample_briefing):
    html = render(ranked(sample_briefing), "html")
    key, appendix = html.split('<details class="appendix"')
    assert "<mark>ties are unbreakable</mark>" in key and "Tass" not in key
    assert "Tass" in appendix and "the talks went well" in appendix
    assert html.count("We warn against exploiting these ties") == 1
    assert '<a class="ref" href="#src-a">[1]</a><a class="ref" href="#src-b">[2]</a>' in key
    assert '<footer class="run" id="stats">Run: offline engine' in html


def test_a_day_bullet_is_linked_to_the_story_it_comes_from(sample_briefing):
    from briefing.render import story_of
    from briefing.schema import Coverage, Daily, Story

    story = Story(**dict(ranked(sample_briefing)), coverage=Coverage(outlets=[], rows=[]))
    other = story.model_copy(update={"title": "Harbour reopens", "bullets": [], "summary": []})
    day = Daily(
        date=None, title="Day", summary=[], stories=[other, story], skipped=[], stats=story.stats
    )
    assert story_of(day, story.bullets[0].text) == 2
    assert story_of(day, "Harbour reopens on Monday") == 1
    assert story_of(day, "Comet seen over the bay tonight") is None


def test_the_footer_says_what_the_checks_repaired_re_cited_and_dropped(sample_briefing):
    counted = {
        "repaired_evidence": 2,
        "recited_evidence": 1,
        "dropped_evidence": 3,
        "dropped_claims": 1,
        "dropped_figures": 1,
        "dropped_bullets": 1,
    }
    briefing = ranked(sample_briefing)
    briefing.stats = briefing.stats.model_copy(update=counted)
    said = (
        "2 quotes repaired, 1 quote re-cited, 3 quotes dropped, 1 claim dropped, "
        "1 figure dropped, 1 summary bullet dropped"
    )
    assert said in render(briefing, "md").rstrip().splitlines()[-1]
    html = render(briefing, "html")
    assert said in html[html.index('<footer class="run"') :]
    assert f"<dd>{said}</dd>" in render(briefing, "html", detail="full")
    assert f"| {said} |" in render(briefing, "md", detail="full")


def test_a_footer_with_nothing_changed_says_every_quote_held(sample_briefing):
    footer = render(ranked(sample_briefing), "md").rstrip().splitlines()[-1]
    assert "checks: every quote and fact held" in footer


def test_the_footer_says_when_tokens_were_counted_here_for_want_of_the_servers_usage(
    sample_briefing,
):
    briefing = ranked(sample_briefing)
    assert "counted here" not in render(briefing, "md").rstrip().splitlines()[-1]
    briefing.stats = briefing.stats.model_copy(update={"estimated_calls": 2})
    said = "completion tokens (counted here for 2 calls: no usage sent)"
    assert said in render(briefing, "md").rstrip().splitlines()[-1]
    html = render(briefing, "html")
    assert said in html[html.index('<footer class="run"') :]
