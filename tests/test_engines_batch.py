"""--batch: extraction through the Batch API of the fake server, picked up again by id."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.config import Options
from briefing.engines import batch
from briefing.engines.openai import OpenAIEngine, usage_from
from briefing.engines.pricing import cost_usd
from briefing.pipeline import prepare, read_articles
from briefing.schema import Briefing
from briefing.testing.fake_openai import FakeOpenAI, error_reply, refusal_reply, usage_block

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "wonsan-2025-07"
# Small enough that the example's five articles need several packs.
SEVERAL_PACKS = OpenAIEngine(Options(engine="openai", dry_run=True)).prompt_overhead() + 700


@pytest.fixture(autouse=True)
def _polls_at_once(monkeypatch):
    """A batch is polled again at once: no test waits out the poll interval."""
    monkeypatch.setattr(batch, "POLL_SECONDS", 0.0)


def _build(server: FakeOpenAI, *flags: str):
    args = ["build", str(EXAMPLE), "--engine", "openai", "--base-url", server.base_url]
    result = CliRunner().invoke(main, [*args, "--format", "json", *flags])
    briefing = Briefing.model_validate_json(result.stdout) if result.stdout.strip() else None
    return result, briefing


def _extractions(server: FakeOpenAI) -> int:
    return sum(r["response_format"]["json_schema"]["name"] == "Extraction" for r in server.requests)


def _packs() -> int:
    options = Options(engine="openai", dry_run=True, budget=SEVERAL_PACKS)
    articles, skipped = read_articles([EXAMPLE], options)
    return len(prepare(articles, skipped, OpenAIEngine(options), options).packs)


def test_batch_asks_every_pack_in_one_batch_at_half_price():
    with FakeOpenAI() as server:
        result, briefing = _build(server, "--batch", "--budget", str(SEVERAL_PACKS))
        assert result.exit_code == 0, result.output
        assert server.batches.lines_answered == _extractions(server) == _packs() > 1
        _, again = _build(server, "--batch", "--budget", str(SEVERAL_PACKS))
    assert briefing is not None and briefing.stats.uncovered_articles == 0
    assert briefing.stats.calls == _packs() + 1  # the summary is asked synchronously
    assert again is not None and again.stats.calls == 0 and server.batches.created == 1


def test_batch_answers_cost_half_of_the_same_synchronous_answers():
    block = usage_block(10_000, 2_000, cached_tokens=4_000)
    standard, batched = (
        usage_from(block, "gpt-5.4-mini"),
        usage_from(block, "gpt-5.4-mini", "batch"),
    )
    assert batched.cost_usd == pytest.approx(standard.cost_usd / 2)
    with FakeOpenAI() as server:
        _, by_batch = _build(server, "--batch")
    with FakeOpenAI() as server:
        _, synchronous = _build(server, "--no-cache")
    assert by_batch is not None and synchronous is not None
    assert by_batch.stats.prompt_tokens == synchronous.stats.prompt_tokens
    assert by_batch.stats.cost_usd < synchronous.stats.cost_usd


def test_an_expired_batch_keeps_its_answers_and_asks_the_rest_synchronously(caplog):
    with FakeOpenAI() as server:
        server.batches.lines_per_poll = 1
        server.batches.expire_after = 1
        with caplog.at_level(logging.WARNING, logger="briefing"):
            result, briefing = _build(server, "--batch", "--budget", str(SEVERAL_PACKS))
    assert result.exit_code == 0, result.output
    assert briefing is not None and briefing.stats.uncovered_articles == 0
    assert server.batches.lines_answered == 1
    assert _extractions(server) == _packs()  # one in the batch, the rest synchronously
    assert "expired" in caplog.text and "asked synchronously" in caplog.text


def test_a_failed_line_is_asked_again_synchronously():
    failing_first = [error_reply(500, "the model crashed", kind="server_error")]
    with FakeOpenAI(failing_first) as server:
        result, briefing = _build(server, "--batch", "--budget", str(SEVERAL_PACKS))
    assert result.exit_code == 0, result.output
    assert briefing is not None and briefing.stats.uncovered_articles == 0
    packs = _packs()
    assert server.batches.lines_answered == packs - 1 and _extractions(server) == packs + 1


def test_a_batch_answer_that_cannot_be_used_is_asked_again_synchronously():
    with FakeOpenAI([refusal_reply()]) as server:
        result, briefing = _build(server, "--batch", "--budget", str(SEVERAL_PACKS))
    assert result.exit_code == 0, result.output
    assert briefing is not None and briefing.stats.uncovered_articles == 0
    packs = _packs()
    # The refusal came back as a batch line; that pack was then asked once more.
    assert server.batches.lines_answered == packs and _extractions(server) == packs + 1


def test_progress_is_shown_while_the_batch_runs(caplog):
    with FakeOpenAI() as server:
        server.batches.lines_per_poll = 1
        with caplog.at_level(logging.WARNING, logger="briefing"):
            _build(server, "--batch", "--budget", str(SEVERAL_PACKS))
    packs = _packs()
    assert f"1/{packs} done" in caplog.text and f"{packs}/{packs} done" in caplog.text


def test_a_batch_left_behind_is_picked_up_by_status_and_resume():
    async def start(base_url: str) -> str:
        options = Options.from_env(engine="openai", budget=SEVERAL_PACKS, base_url=base_url)
        engine = OpenAIEngine(options)
        articles, skipped = read_articles([EXAMPLE], options)
        packs = prepare(articles, skipped, engine, options).packs
        async with engine.session():
            state = await engine.start_batch(packs)
        assert state is not None
        return state.id

    with FakeOpenAI() as server:
        server.batches.lines_per_poll = 1
        batch_id = asyncio.run(start(server.base_url))  # the process that started it ended
        runner = CliRunner()
        status = runner.invoke(main, ["batch", "status", batch_id, "--base-url", server.base_url])
        resumed = runner.invoke(main, ["batch", "resume", batch_id, "--base-url", server.base_url])
        before = _extractions(server)
        result, briefing = _build(server, "--batch", "--budget", str(SEVERAL_PACKS))
    assert status.exit_code == 0 and f"{batch_id}: in_progress, 1/" in status.stdout
    assert resumed.exit_code == 0 and f"completed: {_packs()} answers kept" in resumed.stdout
    assert result.exit_code == 0 and _extractions(server) == before  # nothing asked again
    assert briefing is not None and briefing.stats.uncovered_articles == 0


def test_an_unknown_batch_id_is_a_clear_error():
    with FakeOpenAI() as server:
        result = CliRunner().invoke(
            main, ["batch", "status", "batch-nope", "--base-url", server.base_url]
        )
    assert result.exit_code == 1 and "no batch batch-nope is kept" in result.stderr


def test_batch_needs_the_cache():
    with FakeOpenAI() as server:
        result, _ = _build(server, "--batch", "--no-cache")
    assert result.exit_code == 1 and "drop --no-cache" in result.stderr


def test_the_flex_tier_is_asked_for_and_priced_at_half():
    with FakeOpenAI() as server:
        _, flex = _build(server, "--no-cache", "--service-tier", "flex")
    assert {r["service_tier"] for r in server.requests} == {"flex"}
    assert flex is not None
    stats = flex.stats
    standard = cost_usd(
        "gpt-5.4-mini", stats.prompt_tokens, stats.cached_prompt_tokens, stats.completion_tokens
    )
    assert stats.cost_usd == pytest.approx(standard / 2)


def test_the_batch_file_holds_one_request_per_line_keyed_by_cache_key():
    lines = batch.jsonl({"k1": {"model": "m", "messages": []}, "k2": {"model": "m"}}).splitlines()
    assert [line.startswith(b'{"custom_id":"k') for line in lines] == [True, True]
    assert b'"url":"/v1/chat/completions"' in lines[0] and b'"method":"POST"' in lines[0]


def test_daily_asks_the_packs_of_every_story_in_one_batch():
    examples = EXAMPLE.parent
    with FakeOpenAI() as server:
        args = ["daily", str(examples), "--engine", "openai", "--base-url", server.base_url]
        result = CliRunner().invoke(main, [*args, "--batch", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert server.batches.created == 1
    assert server.batches.lines_answered == _extractions(server) >= 3  # a pack per story
