"""The retry policy: backoff, Retry-After, the time budget, and fault combinations end to end.

Every wait passes on the virtual clock of the autouse `virtual_clock` fixture (conftest),
so a 30-second rate limit takes no 30 seconds; requests and timeouts still take real time.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from briefing.cli import main
from briefing.config import Options
from briefing.engines.openai import OpenAIEngine
from briefing.engines.replay import RECORDED_HEADER
from briefing.engines.retry import OutOfBudget, RetryPolicy, Transient, retry_after_seconds
from briefing.schema import Briefing
from briefing.testing.clock import VirtualClock
from briefing.testing.fake_openai import (
    PATIENT_TIMEOUT,
    FakeOpenAI,
    Reply,
    auto_reply,
    error_reply,
    hang,
    malformed_reply,
    rate_limited_for,
    reset_mid_body,
    reset_reply,
    truncated_reply,
)

ARTICLES = {
    "a.txt": "Lavrov said Moscow backs Pyongyang. " * 12,
    "b.txt": "Budanov said North Korea supplies up to 40% of Russia's ammunition. " * 12,
    "c.txt": "Kim Jong Un said the resort in Wonsan would open to Russian tourists. " * 12,
}
B_MARK = "Budanov"  # only article b's pack carries it
TIMEOUT = ("--format", "json", "--timeout", str(PATIENT_TIMEOUT))
# Room for any one of the articles, never two.
ONE_ARTICLE_PER_PACK = OpenAIEngine(Options(engine="openai", dry_run=True)).prompt_overhead() + 250

# -- the policy alone ---------------------------------------------------------------------


def test_backoff_doubles_up_to_its_cap_and_jitter_takes_off_at_most_half():
    steady = RetryPolicy(jitter=lambda: 0.0, initial_delay=1, max_delay=30)
    assert [steady.backoff(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    assert RetryPolicy(jitter=lambda: 0.999, initial_delay=1).backoff(3) == pytest.approx(2.002)


def test_retry_after_is_read_in_milliseconds_first_then_seconds_or_a_date():
    assert retry_after_seconds({"retry-after-ms": "2500", "retry-after": "9"}) == 2.5
    assert retry_after_seconds({"retry-after": "7"}) == 7.0
    when = email.utils.formatdate(1_000_000 + 42, usegmt=True)
    assert retry_after_seconds({"retry-after": when}, now=1_000_000) == 42
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({"retry-after-ms": "-5"}) is None
    assert retry_after_seconds({}) is None


def _flaky(failures: list[Transient]) -> Callable[[], object]:
    async def send() -> str:
        if failures:
            raise failures.pop(0)
        return "answer"

    return send


def test_a_short_retry_after_does_not_hurry_the_backoff(virtual_clock):
    policy = RetryPolicy(clock=virtual_clock.as_clock(), jitter=lambda: 0.0)
    asks = [Transient("429", waits_for="the rate limit", retry_after=0.01) for _ in range(3)]
    answer = asyncio.run(policy.start("a request").call(_flaky(asks)))
    assert answer == "answer" and virtual_clock.slept == [1.0, 2.0, 4.0]


def test_the_budget_counts_from_the_first_try_and_the_retries_are_counted(virtual_clock):
    policy = RetryPolicy(budget=10, clock=virtual_clock.as_clock(), jitter=lambda: 0.0)
    attempts = policy.start("a request")
    failures = [Transient("HTTP 500", waits_for="the server") for _ in range(10)]
    with pytest.raises(OutOfBudget, match=r"HTTP 500, still after 3 retries in 7 s") as out:
        asyncio.run(attempts.call(_flaky(failures)))
    assert virtual_clock.slept == [1.0, 2.0, 4.0]  # the next wait, 8 s, would end at 15 s
    assert out.value.retries == attempts.retries == 3


def test_the_wait_is_no_longer_announced_once_the_answer_arrives(caplog):
    # No time passes between notices (notice_after 0): each turn of the event loop is one.
    attempts = RetryPolicy(notice_after=0).start("a request")
    waiting_notices: list[int] = []

    def count_waiting_notices() -> int:
        return sum(r.getMessage().startswith("still waiting") for r in caplog.records)

    async def answer_arriving_after_a_while() -> str:
        for _ in range(5):
            await asyncio.sleep(0)
        waiting_notices.append(count_waiting_notices())
        attempts.answer_arriving()
        for _ in range(20):
            await asyncio.sleep(0)
        return "answer"

    with caplog.at_level(logging.WARNING, logger="briefing"):
        assert asyncio.run(attempts.call(answer_arriving_after_a_while)) == "answer"
    assert waiting_notices[0] > 0 and count_waiting_notices() == waiting_notices[0]


def test_a_replayed_request_retries_without_waiting(virtual_clock):
    policy = RetryPolicy(clock=virtual_clock.as_clock(), waits=False)
    failures = [Transient("HTTP 500", waits_for="the server") for _ in range(4)]
    attempts = policy.start("a request")
    assert asyncio.run(attempts.call(_flaky(failures))) == "answer"
    assert attempts.retries == 4 and virtual_clock.slept == []


# -- fault combinations, end to end ------------------------------------------------------


def _articles(tmp_path: Path) -> Path:
    """The articles, in a folder of their own (the cache and cassettes go beside it)."""
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text)
    return folder


def _is_b_pack(request: dict) -> bool:
    text = " ".join(str(message.get("content")) for message in request["messages"])
    return B_MARK in text and "Summary" not in json.dumps(request["response_format"])


def _faults_for_b(faults: list[Callable[[], Reply]]) -> Callable[[dict], Reply]:
    """Article b's pack gets `faults` in turn (each called for a fresh reply), then answers."""
    left = list(faults)

    def respond(request: dict) -> Reply:
        if _is_b_pack(request) and left:
            return left.pop(0)()
        return auto_reply(request)

    return respond


def _run(server: FakeOpenAI, folder: Path, *flags: str):
    """`briefing build` of three articles in three packs (a small --budget), as JSON."""
    base = ["--base-url", server.base_url] if server is not None else []
    budget = str(ONE_ARTICLE_PER_PACK)
    result = CliRunner().invoke(
        main,
        ["build", str(folder), "--engine", "openai", *base, "--budget", budget, *TIMEOUT, *flags],
    )
    briefing = Briefing.model_validate_json(result.stdout) if result.stdout else None
    return result, briefing


def _complete(result, briefing: Briefing | None) -> Briefing:
    assert result.exit_code == 0, result.output
    assert briefing is not None and briefing.skipped == []
    assert briefing.stats.packs == 3 and briefing.stats.uncovered_articles == 0
    assert {s.id for s in briefing.sources} == {"a", "b", "c"}
    return briefing


BURST = [
    lambda: error_reply(500, "The server had an error", kind="server_error"),
    lambda: error_reply(429, "Rate limit reached", kind="requests"),
    reset_reply,
    lambda: error_reply(503, "Overloaded", kind="server_error", headers={"retry-after": "3"}),
    truncated_reply,
    lambda: error_reply(502, "Bad gateway", kind="server_error"),
]


def test_a_burst_of_six_transient_faults_on_one_request_is_ridden_out(tmp_path):
    with FakeOpenAI(then=_faults_for_b(BURST)) as server:
        result, briefing = _run(server, _articles(tmp_path), "--no-cache")
    briefing = _complete(result, briefing)
    assert briefing.stats.retries == 6 and briefing.stats.failed_calls == 0
    assert "retries: 6 after transient errors" in result.stderr
    assert len([r for r in server.requests if _is_b_pack(r)]) == 7


def test_a_server_rate_limiting_for_30_seconds_is_waited_out(tmp_path, virtual_clock):
    started = virtual_clock.now()
    limited = rate_limited_for(30, virtual_clock.now, retry_after=5)
    served: list[int] = []

    def respond(request: dict) -> Reply:
        reply = limited(request)
        served.append(reply.status)
        return reply

    with FakeOpenAI(then=respond) as server:
        result, briefing = _run(server, _articles(tmp_path), "--no-cache")
    briefing = _complete(result, briefing)
    assert virtual_clock.now() - started >= 30
    assert served.count(429) >= 3 and briefing.stats.retries == served.count(429)
    assert min(virtual_clock.slept) == 5  # never sooner than the server asked
    assert "waiting 5 s for the rate limit on the pack of" in result.stderr


@pytest.mark.parametrize(
    "fault",
    [truncated_reply, reset_mid_body, malformed_reply],
    ids=["truncated body", "reset mid-body", "malformed body"],
)
def test_a_body_cut_short_is_retried(tmp_path, fault):
    with FakeOpenAI(then=_faults_for_b([fault])) as server:
        result, briefing = _run(server, _articles(tmp_path), "--no-cache")
    assert _complete(result, briefing).stats.retries == 1


def test_a_slow_server_under_timeout_is_retried_until_it_answers_in_time(tmp_path):
    with FakeOpenAI(then=_faults_for_b([hang, hang])) as server:
        result, briefing = _run(server, _articles(tmp_path), "--no-cache")
    assert _complete(result, briefing).stats.retries == 2


def test_an_outage_of_one_pack_names_exactly_its_article_and_a_rerun_redoes_only_it(tmp_path):
    folder = _articles(tmp_path)
    outage = _faults_for_b([lambda: error_reply(503, "Overloaded", kind="server_error")] * 1000)
    with FakeOpenAI(then=outage) as server:
        result, partial = _run(server, folder, "--retry-budget", "60")
    assert result.exit_code == 3, result.output
    assert [s.path for s in partial.skipped] == [f"{folder.name}/b.txt"]
    assert "HTTP 503 (Overloaded), still after" in partial.skipped[0].reason
    assert "the retry budget of 60 s: --retry-budget" in partial.skipped[0].reason
    assert partial.stats.uncovered_articles == 1 and partial.stats.retries >= 5
    assert "b.txt" in result.stderr and "a.txt" not in result.stderr

    with FakeOpenAI() as server:
        result, briefing = _run(server, folder)
    briefing = _complete(result, briefing)
    redone = [r for r in server.requests if "Summary" not in json.dumps(r["response_format"])]
    assert len(redone) == 1 and _is_b_pack(redone[0])
    assert briefing.stats.cached_calls == 3  # a's and c's packs, and the unchanged summary


# -- replay of recorded errors -----------------------------------------------------------


def test_a_run_recorded_through_a_transient_500_replays_to_the_same_success(tmp_path):
    folder, cassette = _articles(tmp_path), tmp_path / "run.yaml"
    flaky = [lambda: error_reply(500, "The server had an error", kind="server_error")]
    with FakeOpenAI(then=_faults_for_b(flaky)) as server:
        result, recorded = _run(server, folder, "--record", str(cassette))
    recorded = _complete(result, recorded)
    assert recorded.stats.retries == 1
    text = cassette.read_text()
    assert text.startswith(RECORDED_HEADER)
    statuses = [i["response"]["status"]["code"] for i in yaml.safe_load(text)["interactions"]]
    assert sorted(statuses) == [200, 200, 200, 200, 500]

    result, replayed = _run(None, folder, "--replay", str(cassette))
    replayed = _complete(result, replayed)
    assert replayed.stats.retries == 1
    keep = {"stats", "sources"}
    assert replayed.model_dump(exclude=keep) == recorded.model_dump(exclude=keep)


def test_a_recorded_outage_replays_to_the_same_partial_briefing(tmp_path):
    folder, cassette = _articles(tmp_path), tmp_path / "run.yaml"
    outage = _faults_for_b([lambda: error_reply(503, "Overloaded", kind="server_error")] * 1000)
    with FakeOpenAI(then=outage) as server:
        recorded, _ = _run(server, folder, "--record", str(cassette), "--retry-budget", "20")
    assert recorded.exit_code == 3, recorded.output

    result, replayed = _run(None, folder, "--replay", str(cassette))
    assert result.exit_code == 3, result.output
    assert [s.path for s in replayed.skipped] == [f"{folder.name}/b.txt"]
    assert "the recording has no later answer" in replayed.skipped[0].reason


def test_replay_needs_no_clock(tmp_path, virtual_clock: VirtualClock):
    folder, cassette = _articles(tmp_path), tmp_path / "run.yaml"
    limited = [
        lambda: error_reply(429, "Rate limit", kind="requests", headers={"retry-after": "9"})
    ]
    with FakeOpenAI(then=_faults_for_b(limited)) as server:
        _run(server, folder, "--record", str(cassette))
    slept = len(virtual_clock.slept)
    result, _ = _run(None, folder, "--replay", str(cassette))
    assert result.exit_code == 0 and len(virtual_clock.slept) == slept
