"""Local servers without hand-tuning: the openai engine against the fake server playing
llama.cpp, llama-cpp-python, Ollama and vLLM (their endpoints, refusals and limits)."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.config import Options
from briefing.engines.base import ExtractionFailed, PackTooLong
from briefing.engines.openai import OpenAIEngine
from briefing.engines.prompting import WORDS_PER_CLAIM, WORDS_PER_FIGURE
from briefing.engines.replay import recorded_notes
from briefing.engines.servers import (
    OLLAMA_DEFAULT_CONTEXT,
    ServerFacts,
    is_on_this_network,
    probe,
)
from briefing.pack import Block, Pack
from briefing.testing.dialects import LLAMA_CPP, LLAMA_CPP_PYTHON, OLLAMA, OPENAI, VLLM
from briefing.testing.fake_openai import FakeOpenAI, auto_reply, error_reply, hang, stream_events

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "wonsan-2025-07"
PACK = Pack(
    blocks=[Block(source_ids=["a"], paragraphs=["Lavrov said Moscow supports Pyongyang."])],
    tokens=12,
)


def engine_for(server: FakeOpenAI, **options: object) -> OpenAIEngine:
    settings = {"engine": "openai", "base_url": server.base_url, "timeout": 5.0, **options}
    return OpenAIEngine(Options(**settings))  # type: ignore[arg-type]


async def _extract(engine: OpenAIEngine, pack: Pack = PACK):
    async with engine.session():
        return await engine.extract(pack)


def build(server: FakeOpenAI, *flags: str):
    return CliRunner().invoke(
        main, ["build", str(EXAMPLE), "--base-url", server.base_url, "--format", "json", *flags]
    )


def strict_requests(server: FakeOpenAI) -> int:
    return sum(1 for r in server.requests if r["response_format"]["type"] == "json_schema")


# -- probing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dialect", "facts"),
    [
        (LLAMA_CPP, ServerFacts(dialect="llama.cpp", context=8_192, slots=1, one_box=True)),
        (
            OLLAMA,
            ServerFacts(dialect="ollama", context=4_096, json_schema=True, slots=1, one_box=True),
        ),
        (VLLM, ServerFacts(dialect="vllm", context=4_096, json_schema=True)),
        (OPENAI, ServerFacts(dialect="openai", json_schema=True)),
        (LLAMA_CPP_PYTHON, ServerFacts(slots=1, one_box=True)),
    ],
    ids=["llama.cpp", "ollama", "vllm", "openai", "llama-cpp-python"],
)
def test_the_dialect_and_context_are_read_from_the_server(dialect, facts):
    with FakeOpenAI(dialect=dialect) as server:
        assert probe(server.base_url, "model") == facts
    assert not server.requests  # probing asks no model anything


def test_ollama_without_num_ctx_is_taken_at_its_default_context():
    with FakeOpenAI(dialect=replace(OLLAMA, context=None)) as server:
        assert probe(server.base_url, "model").context == OLLAMA_DEFAULT_CONTEXT


def test_an_unreachable_server_is_probed_as_unknown_and_the_first_call_says_why():
    with FakeOpenAI() as server:
        base_url = server.base_url
    assert probe(base_url, "model") == ServerFacts(slots=1, one_box=True)


# -- strict schemas ------------------------------------------------------------------------


def test_a_refused_schema_is_never_retried_and_json_mode_carries_the_schema(tmp_path, caplog):
    with FakeOpenAI(dialect=LLAMA_CPP) as server, caplog.at_level(logging.WARNING):
        _, usage = asyncio.run(_extract(engine_for(server, cache_dir=tmp_path)))
    refused, answered = server.requests
    assert refused["response_format"]["type"] == "json_schema"
    assert answered["response_format"]["type"] == "json_object"
    assert answered["response_format"]["schema"]["properties"].keys() == {
        "actors",
        "claims",
        "figures",
    }
    assert "JSON schema" in answered["messages"][0]["content"]  # and in the prompt, as before
    assert (usage.calls, usage.retries, usage.reasks) == (1, 0, 0)
    assert caplog.text.count("does not take strict JSON schemas") == 1


def test_the_refusal_is_remembered_per_server_in_the_cache(tmp_path):
    other = PACK.model_copy(update={"blocks": [Block(source_ids=["b"], paragraphs=["Other."])]})
    with FakeOpenAI(dialect=LLAMA_CPP) as server:
        asyncio.run(_extract(engine_for(server, cache_dir=tmp_path)))
        asyncio.run(_extract(engine_for(server, cache_dir=tmp_path), other))
    assert strict_requests(server) == 1 and len(server.requests) == 3


def test_concurrent_packs_meet_the_refusal_once(tmp_path):
    packs = [
        Pack(blocks=[Block(source_ids=[f"s{n}"], paragraphs=[f"Text {n}."])], tokens=5)
        for n in range(6)
    ]

    async def extract_all(engine: OpenAIEngine):
        async with engine.session():
            return await asyncio.gather(*(engine.extract(pack) for pack in packs))

    with FakeOpenAI(dialect=LLAMA_CPP) as server:
        asyncio.run(extract_all(engine_for(server, use_cache=False)))
    assert strict_requests(server) == 1 and len(server.requests) == 7


def test_a_400_before_any_strict_answer_is_taken_as_a_refusal():
    dialect = replace(LLAMA_CPP_PYTHON, context=None, takes_json_schema=True)
    with FakeOpenAI([error_reply(400, "Bad request")], dialect=dialect) as server:
        asyncio.run(_extract(engine_for(server, use_cache=False)))
    formats = [r["response_format"]["type"] for r in server.requests]
    assert formats == ["json_schema", "json_object"]


# -- what a local server is sent ------------------------------------------------------------


def closed_and_open(schema: object) -> tuple[set[str], set[str]]:
    """The names of the strings and lists in `schema` that have a limit, and of those without."""
    closed: set[str] = set()
    unlimited: set[str] = set()

    def walk(node: object, name: str) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, name)
            return
        if not isinstance(node, dict):
            return
        limit = {"string": "maxLength", "array": "maxItems"}.get(node.get("type"))
        if limit and "enum" not in node:
            (closed if limit in node else unlimited).add(name)
        for key, value in node.items():
            if key in ("properties", "$defs"):
                for child, sub in value.items():
                    walk(sub, child)
            else:
                walk(value, name)

    walk(schema, "answer")
    return closed, unlimited


def test_json_mode_closes_every_string_and_list_of_the_schema_a_grammar_is_made_from():
    words = " ".join(["Lavrov said Moscow supports Pyongyang."] * 400)  # 2,000 words
    long_pack = Pack(blocks=[Block(source_ids=["a"], paragraphs=[words])], tokens=2_500)
    with FakeOpenAI(dialect=LLAMA_CPP) as server:
        asyncio.run(_extract(engine_for(server, use_cache=False), long_pack))
    schema = server.requests[-1]["response_format"]["schema"]
    closed, unlimited = closed_and_open(schema)
    assert not unlimited and {"quote", "text", "claims", "evidence", "aliases"} <= closed
    assert schema["properties"]["claims"]["maxItems"] == 2_000 // WORDS_PER_CLAIM
    assert schema["properties"]["figures"]["maxItems"] == 2_000 // WORDS_PER_FIGURE


def test_the_summary_schema_sent_to_a_grammar_server_is_closed_too():
    with FakeOpenAI(dialect=LLAMA_CPP) as server:
        result = build(server, "--no-cache")
    assert result.exit_code == 0, result.stderr
    summary = next(r for r in server.requests if "briefing headline" in r["messages"][0]["content"])
    closed, unlimited = closed_and_open(summary["response_format"]["schema"])
    assert not unlimited and {"title", "bullets", "facts"} <= closed


def test_the_worked_example_goes_only_to_the_openai_api_whose_cache_it_fills():
    prompts = {}
    for dialect in (OPENAI, LLAMA_CPP, OLLAMA):
        with FakeOpenAI(dialect=dialect) as server:
            asyncio.run(_extract(engine_for(server, use_cache=False)))
        prompts[dialect.name] = server.requests[-1]["messages"][0]["content"]
    assert "Worked example" in prompts["openai"]
    assert "Worked example" not in prompts["llama.cpp"] + prompts["ollama"]
    assert prompts["ollama"] in prompts["openai"]  # the same instructions, less the example


def test_a_compatible_server_on_this_machine_streams_like_the_local_dialects():
    paced = lambda request: replace(auto_reply(request), pace=0.05)  # noqa: E731
    with FakeOpenAI(dialect=LLAMA_CPP_PYTHON.with_context(8_192), then=paced) as server:
        _, usage = asyncio.run(_extract(engine_for(server, timeout=0.3, use_cache=False)))
    assert server.requests[-1]["stream"] is True
    assert usage.calls == 1 and usage.retries == 0


# -- token limits ----------------------------------------------------------------------------


def test_local_servers_get_max_tokens_capped_by_their_context():
    with FakeOpenAI(dialect=LLAMA_CPP.with_context(2_048)) as server:
        asyncio.run(_extract(engine_for(server, use_cache=False)))
    answered = server.requests[-1]
    prompt = LLAMA_CPP.prompt_tokens(answered)
    assert answered["max_tokens"] == answered["max_completion_tokens"]
    assert prompt + answered["max_tokens"] <= 2_048


def test_the_openai_api_gets_only_max_completion_tokens():
    with FakeOpenAI(dialect=OPENAI) as server:
        asyncio.run(_extract(engine_for(server, use_cache=False)))
    assert "max_tokens" not in server.requests[0] and server.requests[0]["max_completion_tokens"]


@pytest.mark.parametrize("dialect", [OLLAMA, VLLM], ids=["ollama", "vllm"])
def test_every_request_fits_a_server_that_cuts_or_refuses_long_prompts(dialect):
    small = dialect.with_context(2_048)
    with FakeOpenAI(dialect=small) as server:
        result = build(server, "--no-cache")
    assert result.exit_code == 0, result.stderr
    for request in server.requests:
        assert small.prompt_tokens(request) + request["max_tokens"] <= 2_048


def test_context_flag_sizes_packs_for_a_server_that_does_not_say_its_context():
    with FakeOpenAI(dialect=LLAMA_CPP_PYTHON.with_context(4_096)) as server:
        result = build(server, "--no-cache", "--context", "4096")
    assert result.exit_code == 0, result.stderr
    assert not any("maximum context" in json.dumps(r) for r in server.requests)
    assert all(LLAMA_CPP_PYTHON.prompt_tokens(r) < 4_096 for r in server.requests)


# -- context overflow -------------------------------------------------------------------------


def test_a_pack_that_overflows_is_split_and_every_article_covered(tmp_path):
    dialect = LLAMA_CPP_PYTHON.with_context(2_048)
    with FakeOpenAI(dialect=dialect) as server:
        first = build(server, "--concurrency", "1")
        requests = len(server.requests)
        again = build(server, "--concurrency", "1")
    assert first.exit_code == 0, first.stderr
    briefing = json.loads(first.stdout)
    assert briefing["stats"]["uncovered_articles"] == 0 and not briefing["skipped"]
    overflowed = [
        r
        for r in server.requests
        if dialect.prompt_tokens(r) >= 2_048 and r["response_format"]["type"] == "json_object"
    ]
    # It did overflow, and streamed nothing for it: asked again whole, it said why.
    assert [r.get("stream", False) for r in overflowed] == [True, False]
    assert again.exit_code == 0 and len(server.requests) == requests  # the rerun calls nothing


def test_a_2048_token_server_keeps_every_finished_pack():
    with FakeOpenAI(dialect=LLAMA_CPP.with_context(2_048)) as server:
        result = build(server)
    assert result.exit_code == 0, result.stderr
    stats = json.loads(result.stdout)["stats"]
    assert stats["uncovered_articles"] == 0 and stats["failed_calls"] == 0
    assert all(LLAMA_CPP.prompt_tokens(r) < 2_048 for r in server.requests)


def test_a_prompt_known_not_to_fit_is_split_without_a_call():
    long_pack = Pack(blocks=[Block(source_ids=["a"], paragraphs=["Word " * 3_000])], tokens=3_000)
    with FakeOpenAI(dialect=LLAMA_CPP.with_context(2_048)) as server, pytest.raises(PackTooLong):
        asyncio.run(_extract(engine_for(server, use_cache=False), long_pack))
    assert strict_requests(server) == 0 and not server.requests


# -- the done-when of issue 22 ---------------------------------------------------------------


def test_a_llama_cpp_server_briefs_the_seed_story_with_default_flags_in_at_most_8_requests():
    with FakeOpenAI(dialect=LLAMA_CPP) as server:
        first = build(server)
        requests = len(server.requests)
        again = build(server)
    assert first.exit_code == 0, first.stderr
    assert json.loads(first.stdout)["stats"]["uncovered_articles"] == 0
    assert requests <= 8
    assert again.exit_code == 0 and len(server.requests) == requests


# -- slow servers ----------------------------------------------------------------------------


def test_a_streamed_answer_slower_than_the_timeout_arrives_while_tokens_flow():
    pace, timeout = 0.25, 1.5  # each gap far inside the timeout, even on a loaded machine
    paced = lambda request: replace(auto_reply(request), pace=pace)  # noqa: E731
    with FakeOpenAI(dialect=OLLAMA, then=paced) as server:
        _, usage = asyncio.run(_extract(engine_for(server, timeout=timeout, use_cache=False)))
    events = stream_events(json.loads(auto_reply(server.requests[0]).body))
    assert len(events) * pace > timeout
    assert server.requests[0]["stream"] is True
    assert usage.calls == 1 and usage.retries == 0 and usage.completion_tokens > 0


def test_a_local_server_that_times_out_is_tried_once_more_only():
    hung = FakeOpenAI(dialect=OLLAMA, then=lambda request: hang(3))
    with hung as server, pytest.raises(ExtractionFailed, match="still after 1 retries"):
        asyncio.run(_extract(engine_for(server, timeout=0.3, use_cache=False)))
    assert len(server.requests) == 2


# -- recording ---------------------------------------------------------------------------------


def test_a_recording_of_a_local_server_replays_with_its_packs(tmp_path):
    cassette = tmp_path / "llama.yaml"
    with FakeOpenAI(dialect=LLAMA_CPP.with_context(2_048)) as server:
        recorded = build(server, "--record", str(cassette))
    replayed = CliRunner().invoke(
        main, ["build", str(EXAMPLE), "--replay", str(cassette), "--format", "json"]
    )
    assert (recorded.exit_code, replayed.exit_code) == (0, 0), replayed.stderr
    notes = recorded_notes(cassette)
    assert notes["server"]["context"] == 2_048 and notes["outcome"] == "complete"
    first, again = json.loads(recorded.stdout), json.loads(replayed.stdout)
    assert again["stats"]["packs"] == first["stats"]["packs"] > 1
    assert again["stats"]["calls"] == first["stats"]["calls"]


def test_a_recording_of_a_run_with_failures_says_so_and_replays_to_the_same_outcome(tmp_path):
    cassette = tmp_path / "failed.yaml"

    def stalls_on_budanov(request):
        return hang(3) if "Budanov" in request["messages"][-1]["content"] else auto_reply(request)

    with FakeOpenAI(dialect=OLLAMA.with_context(2_048), then=stalls_on_budanov) as server:
        recorded = build(server, "--record", str(cassette), "--timeout", "0.3")
    replayed = CliRunner().invoke(
        main, ["build", str(EXAMPLE), "--replay", str(cassette), "--format", "json"]
    )
    assert recorded.exit_code == replayed.exit_code == 3, replayed.stderr
    assert "failed calls" in recorded_notes(cassette)["outcome"]
    assert cassette.read_text().splitlines()[0].startswith("# Recorded by")

    def uncovered(result):
        lines = result.stderr.splitlines()
        return sorted(line.split(": not covered")[0] for line in lines if "not covered" in line)

    assert uncovered(replayed) == uncovered(recorded) != []


def test_llama_cpp_slots_and_remote_servers_are_not_held_to_one_request():
    with FakeOpenAI(dialect=replace(LLAMA_CPP, slots=4)) as server:
        assert probe(server.base_url, "model").slots == 4
    assert not is_on_this_network("https://models.example.com/v1")
    assert is_on_this_network("http://192.168.1.20:11434/v1")
