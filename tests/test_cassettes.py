"""Recorded cassettes: free of secrets, and the wonsan one replays into a verified briefing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from briefing import pipeline
from briefing.cli import main
from briefing.config import Options
from briefing.engines.openai import OpenAIEngine
from briefing.schema import Briefing, Stats
from briefing.verify import SourceTexts

REPO = Path(__file__).resolve().parent.parent
CASSETTES = sorted((REPO / "cassettes").glob("*.yaml"))
WONSAN_CASSETTE = REPO / "cassettes" / "wonsan-2025-07.yaml"
EXAMPLE = REPO / "examples" / "wonsan-2025-07"
SHARED_CORPUS = REPO.parent / "shared" / "corpus" / "wonsan-2025-07"
WONSAN_INPUTS = [EXAMPLE] + ([SHARED_CORPUS] if SHARED_CORPUS.is_dir() else [])

KEY_LIKE = [
    re.compile(r"sk-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"Bearer\s+\S", re.IGNORECASE),
    re.compile(r"\bsess-[A-Za-z0-9]{8,}"),
]
SECRET_HEADERS = {
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "openai-organization",
    "openai-project",
    "api-key",
    "x-api-key",
}


def _headers(cassette: Path) -> list[tuple[str, object]]:
    data = yaml.safe_load(cassette.read_text(encoding="utf-8"))
    return [
        (name, values)
        for interaction in data["interactions"]
        for part in ("request", "response")
        for name, values in interaction[part]["headers"].items()
    ]


def build(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["build", *args])
    return result.exit_code, result.stdout, result.stderr


def test_there_is_a_wonsan_cassette():
    assert WONSAN_CASSETTE in CASSETTES


@pytest.mark.parametrize("cassette", CASSETTES, ids=lambda path: path.name)
def test_no_cassette_holds_anything_key_like(cassette):
    text = cassette.read_text(encoding="utf-8")
    for pattern in KEY_LIKE:
        assert not pattern.search(text), f"{cassette.name} matches {pattern.pattern}"
    for name, values in _headers(cassette):
        assert name.lower() not in SECRET_HEADERS, f"{cassette.name} keeps the {name} header"
        assert "bearer" not in json.dumps(values).lower()


@pytest.mark.parametrize("cassette", CASSETTES, ids=lambda path: path.name)
def test_every_cassette_says_how_it_was_made(cassette):
    header = cassette.read_text(encoding="utf-8").split("\ninteractions:", 1)[0]
    assert header.startswith("#") and "--record" in header


@pytest.mark.parametrize("source", WONSAN_INPUTS, ids=lambda path: path.parent.name)
def test_the_wonsan_cassette_replays_into_a_verified_briefing(source):
    code, out, err = build(
        str(source), "--engine", "openai", "--replay", str(WONSAN_CASSETTE), "--format", "json"
    )
    assert code == 0, err
    briefing = Briefing.model_validate_json(out)
    stats = briefing.stats
    assert (stats.engine, stats.model, stats.calls, stats.cached_calls) == (
        "openai",
        "gpt-5.4-mini",
        2,
        0,
    )
    assert stats.prompt_tokens > stats.unique_tokens and stats.completion_tokens > 0
    assert stats.cost_usd > 0 and stats.dropped_evidence == 0 and not briefing.skipped

    articles, _ = pipeline.read_articles([source], Options())
    texts = SourceTexts(articles)
    evidence = [e for item in briefing.claims + briefing.figures for e in item.evidence]
    assert evidence and all(texts.quotes(e.source_id, e.quote) for e in evidence)

    lavrov = next(actor for actor in briefing.actors if actor.name == "Sergey Lavrov")
    assert "Sergei Lavrov" in lavrov.aliases and len(lavrov.sources) == 5
    speakers = {claim.speaker for claim in briefing.claims}
    assert {"Sergey Lavrov", "Kim Jong Un", "Choe Son Hui", "Kyrylo Budanov"} <= speakers
    values = {v.value for d in briefing.disputes for v in d.versions}
    assert {"up to 40%", "about 12 million rounds"} <= values
    assert "Wonsan" in briefing.title and briefing.summary
    # The planted invented bullet is dropped; the others cite facts and link their sources.
    assert briefing.stats.dropped_bullets == 1
    assert not any("87 percent" in text for text in briefing.summary)
    assert len(briefing.bullets) == 4
    assert all(bullet.facts and bullet.source_ids for bullet in briefing.bullets)


def test_the_wonsan_cassette_renders_html(tmp_path):
    page = tmp_path / "x.html"
    code, _, err = build(
        str(EXAMPLE), "--engine", "openai", "--replay", str(WONSAN_CASSETTE), "-o", str(page)
    )
    assert code == 0, err
    html = page.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and "Kyrylo Budanov" in html


def test_dry_run_needs_no_key_and_plans_two_calls_near_the_token_floor():
    code, out, err = build(str(EXAMPLE), "--engine", "openai", "--dry-run", "--format", "json")
    assert code == 0, err
    planned = Stats.model_validate_json(out)
    assert planned.calls <= 2 and planned.packs == 1
    engine = OpenAIEngine(Options(engine="openai", dry_run=True))
    # The tokens sent beyond the unique article text, apart from the fixed prompts (the
    # instructions and schemas of each call), stay within 25% of it.
    fixed = planned.packs * engine.prompt_overhead() + engine.estimate([]).prompt_tokens
    assert planned.prompt_tokens - fixed <= 1.25 * planned.unique_tokens
    assert planned.prompt_tokens > planned.unique_tokens and planned.cost_usd > 0
