"""--batch: extractions, then summaries, through the Batch API of the fake server, picked up
again by id or by the same command. Polls wait on the tests' virtual clock (conftest)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.config import Options
from briefing.engines import batch
from briefing.engines.base import SummaryInput
from briefing.engines.openai import OpenAIEngine, usage_from
from briefing.engines.pricing import cost_usd
from briefing.pipeline import plan, prepare, read_articles
from briefing.schema import Briefing
from briefing.testing.fake_openai import (
    FakeOpenAI,
    auto_reply,
    error_reply,
    refusal_reply,
    usage_block,
)

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "wonsan-2025-07"
# Small enough that the example's five articles need several packs.
SEVERAL_PACKS = OpenAIEngine(Options(engine="openai", dry_run=True)).prompt_overhead() + 700


class ProcessEnded(Exception):
    """Stands for the end of the process (a kill, a closed laptop) while it waits."""


def _ends_waiting_for(monkeypatch, nth: int) -> None:
    """The process ends while it waits for the `nth` batch it started (1: the extractions)."""
    waited: list[str] = []
    real_wait = batch.wait

    async def wait(client, batch_id, sleep):
        waited.append(batch_id)
        if len(waited) == nth:
            monkeypatch.setattr(batch, "wait", real_wait)
            raise ProcessEnded
        return await real_wait(client, batch_id, sleep)

    monkeypatch.setattr(batch, "wait", wait)


def _started(log: str, kind: str) -> str:
    """The id of the batch of `kind` requests the log says was started."""
    found = re.search(rf"batch (\S+) started with \d+ {kind} requests", log)
    assert found, log
    return found.group(1)


def _build(server: FakeOpenAI, *flags: str):
    args = ["build", str(EXAMPLE), "--engine", "openai", "--base-url", server.base_url]
    result = CliRunner().invoke(main, [*args, "--format", "json", *flags])
    briefing = Briefing.model_validate_json(result.stdout) if result.stdout.strip() else None
    return result, briefing


def _asked(server: FakeOpenAI, kind: str) -> int:
    return sum(r["response_format"]["json_schema"]["name"] == kind for r in server.requests)


def _extractions(server: FakeOpenAI) -> int:
    return _asked(server, "Extraction")


def _packs() -> int:
    options = Options(engine="openai", dry_run=True, budget=SEVERAL_PACKS)
    articles, skipped = read_articles([EXAMPLE], options)
    return len(prepare(articles, skipped, OpenAIEngine(options), options).packs)


def test_batch_asks_every_pack_in_one_batch_then_the_summary_in_a_second():
    with FakeOpenAI() as server:
        result, briefing = _build(server, "--batch", "--budget", str(SEVERAL_PACKS))
        assert result.exit_code == 0, result.output
        assert server.batches.created == 2
        assert server.batches.lines_answered == _extractions(server) + 1 == _packs() + 1 > 2
        asked = len(server.requests)
        _, again = _build(server, "--batch", "--budget", str(SEVERAL_PACKS))
    assert asked == server.batches.lines_answered  # nothing was asked synchronously
    assert briefing is not None and briefing.stats.uncovered_articles == 0
    assert briefing.stats.calls == _packs() + 1
    assert again is not None and again.stats.calls == 0 and server.batches.created == 2


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
    assert server.batches.lines_answered == 2  # an extraction, then the summary's batch
    assert _extractions(server) == _packs()  # one in the batch, the rest synchronously
    assert "expired" in caplog.text and "asked synchronously" in caplog.text


def test_a_failed_line_is_asked_again_synchronously():
    failing_first = [error_reply(500, "the model crashed", kind="server_error")]
    with FakeOpenAI(failing_first) as server:
        result, briefing = _build(server, "--batch", "--budget", str(SEVERAL_PACKS))
    assert result.exit_code == 0, result.output
    assert briefing is not None and briefing.stats.uncovered_articles == 0
    packs = _packs()
    assert server.batches.lines_answered == packs - 1 + 1  # and the summary
    assert _extractions(server) == packs + 1


def test_a_batch_answer_that_cannot_be_used_is_asked_again_synchronously():
    with FakeOpenAI([refusal_reply()]) as server:
        result, briefing = _build(server, "--batch", "--budget", str(SEVERAL_PACKS))
    assert result.exit_code == 0, result.output
    assert briefing is not None and briefing.stats.uncovered_articles == 0
    packs = _packs()
    # The refusal came back as a batch line; that pack was then asked once more.
    assert server.batches.lines_answered == packs + 1  # and the summary
    assert _extractions(server) == packs + 1
    # The refused line was paid for too: every answer received is counted.
    assert briefing.stats.calls == server.batches.lines_answered + 1


def test_an_unusable_batch_answer_is_counted_by_one_run_only():
    packs = _packs()
    # The first pack's batch line is refused, and its synchronous re-ask turned down.
    script = [refusal_reply(), *[auto_reply] * (packs - 1), error_reply(400, "bad request")]
    with FakeOpenAI(script) as server:
        _build(server, "--batch", "--budget", str(SEVERAL_PACKS))
        asked = len(server.requests)
        result, briefing = _build(server, "--budget", str(SEVERAL_PACKS))
    assert result.exit_code == 0, result.output
    assert briefing is not None and briefing.stats.uncovered_articles == 0
    # The next run pays for what it asks, not again for the refusal the first run counted.
    assert briefing.stats.calls == len(server.requests) - asked > 0


def _stories(count: int) -> list[SummaryInput]:
    return [
        SummaryInput(actors=[], claims=[], figures=[], disputes=[], passages=[], titles=[title])
        for title in (f"Story number {n}" for n in range(count))
    ]


def _summaries_by_batch(server: FakeOpenAI, stories: list[SummaryInput]):
    async def run():
        engine = OpenAIEngine(Options.from_env(engine="openai", base_url=server.base_url))
        async with engine.session():
            outcome = await engine.summarize_by_batch(stories)
            return outcome, [await engine.summarize(story) for story in stories]

    return asyncio.run(run())


def test_an_expired_summary_batch_keeps_its_answers_and_asks_the_rest_synchronously():
    with FakeOpenAI() as server:
        server.batches.lines_per_poll = 1
        server.batches.expire_after = 1
        outcome, answers = _summaries_by_batch(server, _stories(3))
    assert outcome is not None and outcome.status == "expired"
    assert (outcome.answered, outcome.failed) == (1, 2)  # two lines never ran
    assert _asked(server, "Summary") == 3  # one batch line, two synchronous calls
    assert all(summary.title == "Briefing" for summary, _ in answers)
    batched, synchronous = answers[0][1], answers[1][1]
    assert batched.cost_usd < synchronous.cost_usd  # the Batch API's half price


def test_a_failed_summary_line_is_asked_again_synchronously():
    failing_first = [error_reply(500, "the model crashed", kind="server_error")]
    with FakeOpenAI(failing_first) as server:
        outcome, answers = _summaries_by_batch(server, _stories(2))
    assert outcome is not None and outcome.status == "completed"
    assert (outcome.answered, outcome.failed) == (1, 1)
    assert _asked(server, "Summary") == 3 and len(answers) == 2


def test_the_dry_run_prices_a_batch_run_at_half():
    options = Options(engine="openai")
    standard = plan([EXAMPLE], options)
    batched = plan([EXAMPLE], options.model_copy(update={"batch": True}))
    assert batched.prompt_tokens == standard.prompt_tokens
    assert batched.cost_usd == pytest.approx(standard.cost_usd / 2)


def test_progress_is_shown_while_the_batch_runs(caplog):
    with FakeOpenAI() as server:
        server.batches.lines_per_poll = 1
        with caplog.at_level(logging.WARNING, logger="briefing"):
            _build(server, "--batch", "--budget", str(SEVERAL_PACKS))
    packs = _packs()
    assert f"1/{packs} done" in caplog.text and f"{packs}/{packs} done" in caplog.text


def test_a_batch_left_behind_is_picked_up_by_status_and_resume(monkeypatch, caplog):
    with FakeOpenAI() as server, caplog.at_level(logging.WARNING, logger="briefing"):
        server.batches.lines_per_poll = 1
        _ends_waiting_for(monkeypatch, 1)
        ended, _ = _build(server, "--batch", "--budget", str(SEVERAL_PACKS))
        batch_id = _started(caplog.text, "extraction")
        runner = CliRunner()
        status = runner.invoke(main, ["batch", "status", batch_id, "--base-url", server.base_url])
        resumed = runner.invoke(main, ["batch", "resume", batch_id, "--base-url", server.base_url])
        before = _extractions(server)
        result, briefing = _build(server, "--batch", "--budget", str(SEVERAL_PACKS))
    assert ended.exit_code == 1  # the CLI reports the end as an unexpected error
    assert status.exit_code == 0
    assert f"{batch_id} (extraction requests): in_progress, 1/" in status.stdout
    assert resumed.exit_code == 0 and f"completed: {_packs()} answers kept" in resumed.stdout
    assert result.exit_code == 0 and _extractions(server) == before  # nothing asked again
    assert "picking up" not in caplog.text  # the resumed batch had ended: nothing to pick up
    assert briefing is not None and briefing.stats.uncovered_articles == 0


def test_the_same_command_picks_up_its_unfinished_extraction_batch(monkeypatch, caplog):
    with FakeOpenAI() as server, caplog.at_level(logging.WARNING, logger="briefing"):
        _ends_waiting_for(monkeypatch, 1)
        _build(server, "--batch", "--budget", str(SEVERAL_PACKS))
        batch_id = _started(caplog.text, "extraction")
        result, briefing = _build(server, "--batch", "--budget", str(SEVERAL_PACKS))
    assert result.exit_code == 0, result.output
    packs = _packs()
    picked = [line for line in caplog.text.splitlines() if "picking up" in line]
    assert len(picked) == 1 and f"batch {batch_id} ({packs} extraction requests" in picked[0]
    assert server.batches.created == 2  # that batch, then the summaries: nothing new asked
    assert _extractions(server) == server.batches.lines_answered - 1 == packs
    assert briefing is not None and briefing.stats.uncovered_articles == 0


def test_the_same_command_picks_up_its_unfinished_summary_batch(monkeypatch, caplog):
    with FakeOpenAI() as server, caplog.at_level(logging.WARNING, logger="briefing"):
        _ends_waiting_for(monkeypatch, 2)
        ended, _ = _build(server, "--batch")
        summaries = _started(caplog.text, "summary")
        status = CliRunner().invoke(
            main, ["batch", "status", summaries, "--base-url", server.base_url]
        )
        result, briefing = _build(server, "--batch")
    assert ended.exit_code == 1 and server.batches.created == 2
    assert status.exit_code == 0
    assert f"{summaries} (summary requests): completed, 1/1 done" in status.stdout
    assert f"picking up batch {summaries} (1 summary requests" in caplog.text
    assert result.exit_code == 0, result.output
    assert _asked(server, "Summary") == 1 and len(server.requests) == server.batches.lines_answered
    assert briefing is not None and briefing.title == "Briefing"  # the fake model's headline


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


def test_daily_asks_every_storys_packs_in_one_batch_and_their_summaries_in_another():
    examples = EXAMPLE.parent
    with FakeOpenAI() as server:
        args = ["daily", str(examples), "--engine", "openai", "--base-url", server.base_url]
        result = CliRunner().invoke(main, [*args, "--batch", "--format", "json"])
    assert result.exit_code == 0, result.output
    stories = len(json.loads(result.stdout)["stories"])
    assert server.batches.created == 2 and stories >= 2
    assert server.batches.lines_answered == _extractions(server) + stories
    assert _extractions(server) >= stories  # a pack per story at least
    assert _asked(server, "Summary") == stories + 1  # the day in brief is asked synchronously
