"""Regenerate cassettes/wonsan-2025-07.yaml from the hand-written answers beside it.

    .venv/bin/python cassettes/make_wonsan_cassette.py

There is no network where this project is built, so the model's answers are written by
hand (wonsan-2025-07.answers.json). This script runs the real pipeline on
examples/wonsan-2025-07 with the default model and settings against a local fake
OpenAI server that gives those answers in the exact chat.completions wire format, with
usage blocks counted with tiktoken on the actual requests, and records the traffic with
`--record`. The recorded host is then rewritten to api.openai.com.

Request bodies carry the pack text, the reconciled facts and the prompts, so run this
again whenever ingest, clean, dedup, pack, reconcile or the prompts change what is sent
(tests/test_cassettes.py then fails with "re-record it"); the output is deterministic.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from briefing import pipeline
from briefing.config import DEFAULT_MODEL, Options
from briefing.engines.openai import OpenAIEngine
from briefing.engines.prompting import (
    ExtractPrompt,
    billed_schema_tokens,
    extract_prompt,
    message_tokens,
)
from briefing.testing.fake_openai import (
    FakeOpenAI,
    Reply,
    completion_reply,
    error_reply,
    fit_to_schema,
    usage_block,
)
from briefing.tokens import count_tokens

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS = REPO / "examples" / "wonsan-2025-07"
ANSWERS = HERE / "wonsan-2025-07.answers.json"
CASSETTE = HERE / "wonsan-2025-07.yaml"
TIKTOKEN_FILES = REPO.parent / "shared" / "data" / "tiktoken"
OPENAI_BASE_URL = "https://api.openai.com/v1"

HEADER = """\
# Hand-written cassette: there was no network when it was made, so no real API produced it.
# The answers in wonsan-2025-07.answers.json were written by hand; make_wonsan_cassette.py
# ran `briefing build examples/wonsan-2025-07 --engine openai` (default model and settings)
# against a local fake server returning them in the OpenAI chat.completions wire format,
# with usage counted by tiktoken on the real requests, recorded it with --record, and
# rewrote the host to api.openai.com. Each answer holds only the fields its request's schema
# asks for (prompt 2026-12.2: no actor sources, no figure number, unit or qualifier, which
# code rebuilds), as a model answering under that strict schema would write it. The summary
# answer cites fact ids per bullet, and its last bullet is an invention planted on purpose
# ("87 percent of the funds"): the briefing must drop it (stats.dropped_bullets == 1).
# Requests match on their bodies, so regenerate it after any change to ingest, clean, dedup, pack, reconcile or the prompts with:
#     .venv/bin/python cassettes/make_wonsan_cassette.py
# To re-record against the real API instead (about two US cents; --record skips the cache):
#     OPENAI_API_KEY=... .venv/bin/briefing build examples/wonsan-2025-07 --engine openai \\
#         --concurrency 1 --record cassettes/wonsan-2025-07.yaml --format json
# Replay, with no key and no network:
#     .venv/bin/briefing build examples/wonsan-2025-07 --engine openai \\
#         --replay cassettes/wonsan-2025-07.yaml --format json
"""


def _use_genuine_encoding() -> None:
    """Count tokens with the real o200k_base file when it is there, as the API would."""
    if TIKTOKEN_FILES.is_dir():
        os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(TIKTOKEN_FILES))


def _compact_json(value: object) -> str:
    """JSON as models write it under structured outputs: no spaces, characters unescaped."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class HandWrittenModel:
    """Answers the pipeline's requests from the hand-written answers."""

    def __init__(
        self, answers: dict[str, Any], prompts: list[ExtractPrompt], ids: dict[str, str]
    ) -> None:
        self.answers = answers
        self.prompts = prompts
        self.ids = ids

    def __call__(self, request: dict[str, Any]) -> Reply:
        schema = request["response_format"]["json_schema"]["schema"]
        if request["response_format"]["json_schema"]["name"] == "Summary":
            answer, kind = self.answers["summary"], "summarize"
        else:
            prompt = next((p for p in self.prompts if p.messages == request["messages"]), None)
            if prompt is None:
                return error_reply(500, "make_wonsan_cassette: unexpected request")
            answer, kind = self._extraction(prompt.sources), "extract"
        # Only the fields the request's schema asks for, as a model would answer.
        content = _compact_json(fit_to_schema(answer, schema))
        return completion_reply(
            content,
            model=self.answers["model"],
            usage=self._usage(request, content, self.answers["reasoning_tokens"][kind]),
        )

    def _extraction(self, labels: dict[str, str]) -> dict[str, Any]:
        """The hand-written extraction limited to one pack's sources, cited by its labels."""
        label_of = {source_id: label for label, source_id in labels.items()}

        def cite(prefix: str) -> str | None:
            return label_of.get(self.ids[prefix])

        def cited(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            kept = []
            for item in items:
                evidence = [
                    {**e, "source_id": cite(e["source_id"])}
                    for e in item["evidence"]
                    if cite(e["source_id"])
                ]
                if evidence:
                    kept.append({**item, "evidence": evidence})
            return kept

        answer = self.answers["extraction"]
        actors = [
            {**actor, "sources": [cite(s) for s in actor["sources"] if cite(s)]}
            for actor in answer["actors"]
        ]
        return {
            "actors": [actor for actor in actors if actor["sources"]],
            "claims": cited(answer["claims"]),
            "figures": cited(answer["figures"]),
        }

    @staticmethod
    def _usage(request: dict[str, Any], content: str, reasoning: int) -> dict[str, Any]:
        model = request["model"]
        schema = request["response_format"]["json_schema"]["schema"]
        prompt = message_tokens(request["messages"], model) + billed_schema_tokens(schema, model)
        completion = count_tokens(content, model) + reasoning
        return usage_block(prompt, completion, reasoning_tokens=reasoning)


def main() -> int:
    """Regenerate the cassette; print the briefing's stats."""
    _use_genuine_encoding()
    options = Options(engine="openai", model=DEFAULT_MODEL, use_cache=False, concurrency=1)
    articles, skipped = pipeline.read_articles([CORPUS], options)
    planner = OpenAIEngine(options.model_copy(update={"dry_run": True}))
    prepared = pipeline.prepare(articles, skipped, planner, options)
    ids = {Path(article.source.path).name[:3]: article.id for article in articles}
    answers = json.loads(ANSWERS.read_text(encoding="utf-8"))
    model = HandWrittenModel(answers, [extract_prompt(pack) for pack in prepared.packs], ids)
    with tempfile.TemporaryDirectory() as scratch, FakeOpenAI(then=model) as server:
        recording = Path(scratch) / "cassette.yaml"
        run = options.model_copy(update={"base_url": server.base_url, "record": recording})
        briefing = pipeline.build([CORPUS], run)
        text = recording.read_text(encoding="utf-8").replace(server.base_url, OPENAI_BASE_URL)
    CASSETTE.write_text(HEADER + text, encoding="utf-8")
    print(briefing.stats.model_dump_json(indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
