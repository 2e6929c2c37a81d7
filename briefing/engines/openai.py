"""The `openai` engine: structured extraction through the OpenAI API or any compatible server.

Each pack is one `chat.completions.parse` call whose response format is the `Extraction`
model (strict JSON schema), or JSON mode plus validation with `--schema-mode json` for
servers without strict schemas. Transient trouble (429, 5xx, timeouts, resets, broken or
malformed bodies) is retried under a time budget per request by `briefing.engines.retry`,
which honours Retry-After (the SDK's own retries are off: they count tries, not time);
an answer that cannot be used (invalid against the schema, cut off, refused, filtered,
empty) is asked for again with the problem stated, at most `MAX_REASKS` times, before the
pack is reported as failed. A replayed cassette answers in the recorded order, so a
recorded error and its retry replay as they happened, without the waits. Problems only
the user can fix (no key, a rejected key, an unknown model, an unreachable base URL) stop
the run with a one-line `BriefingError`.

Other servers are spoken to in their dialect (`briefing.engines.servers` finds it): a
refusal of strict schemas switches the run to JSON mode, once, for good (the schema in the
prompt and in `response_format.schema`, which llama.cpp's servers turn into a grammar, so
every string and list in it is given a limit where a looping model has to stop); the
prompt leaves out the worked example, which is there only for OpenAI's prompt cache;
`max_tokens` is sent and capped by the context; packs are sized to the context, and a
prompt that does not fit raises `PackTooLong` (the pipeline splits the pack), before any
call when the context is known; local servers stream their answers, get as many requests
at once as they take, and a timed-out request is tried once more only.

Answers are cached by content (see `briefing.cache`), so a re-run calls nothing; the
summary is one more small call, written from the reconciled facts, and cached the same way.
So are the server's facts and which prompts it found too long.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import math
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import httpx2
import openai
from openai import AsyncOpenAI
from openai.lib import type_to_response_format_param
from openai.types import CompletionUsage
from pydantic import BaseModel, ValidationError

from briefing.cache import ResponseCache, cache_key
from briefing.config import Options
from briefing.engines import batch
from briefing.engines.base import ExtractionFailed, PackTooLong, SummaryInput, Usage
from briefing.engines.pricing import cost_usd
from briefing.engines.prompting import (
    PROMPT_VERSION,
    AnswerBudget,
    ExtractPrompt,
    Message,
    billed_schema_tokens,
    cacheable_tokens,
    compact_response_model,
    extract_prompt,
    extraction_items,
    limited_schema,
    message_tokens,
    message_tokens_each,
    prompt_cache_key,
    reask_message,
    schema_text,
    summary_messages,
)
from briefing.engines.rebuild import completed
from briefing.engines.replay import COMPLETE, cassette, is_cassette_miss, note, recorded_notes
from briefing.engines.retry import (
    Attempts,
    OutOfBudget,
    RetryPolicy,
    Transient,
    retry_after_seconds,
)
from briefing.engines.servers import FACTS_VERSION, ServerFacts, is_openai, probe
from briefing.errors import BriefingError
from briefing.pack import Pack
from briefing.schema import Bullet, Evidence, Extraction, Summary
from briefing.text import one_line
from briefing.tokens import count_tokens

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
MAX_REASKS = 2
# Statuses worth another try besides 5xx (as the SDK retries them): timeout, conflict, rate limit.
RETRIED_STATUSES = frozenset({408, 409, 429})
CONNECT_TIMEOUT_SECONDS = 10.0
# Caps on output (reasoning included) so one runaway answer cannot run up the bill.
EXTRACT_MAX_COMPLETION_TOKENS = 16_000
SUMMARY_MAX_COMPLETION_TOKENS = 4_000
REASONING_EFFORT = "low"
# Never sent to a real server: replayed requests are answered by the cassette, and local
# servers (Ollama, vLLM, llama.cpp) accept any key.
REPLAY_KEY = "replay-needs-no-key"
LOCAL_SERVER_KEY = "local-server-needs-no-key"

# --dry-run rules for what cannot be counted before calling. An extraction answer follows its
# prompt's BUDGET line (`briefing.engines.prompting.pack_budget`): about 88 completion tokens
# per claim or figure the budget allows, actors included (the counting fake model's answers
# on 1,000 synthetic articles: 281,219 tokens for 3,193 budget items over 110 packs, fit
# per call 22 tokens, `benchmarks/answer_size.py`; the wonsan cassette's hand-written answer
# is 1,711 tokens for 17 items). Reasoning tokens are not counted: the fake model writes
# none and no real run has measured them. The summary reads a digest of the reconciled
# facts of about a sixth of the article text (capped, as the digest is) and answers in
# about 450 tokens, reasoning included.
EXTRACT_TOKENS_PER_BUDGET_ITEM = 88
SUMMARY_FACTS_RATIO = 0.16
SUMMARY_FACTS_MAX_TOKENS = 1_200
SUMMARY_COMPLETION_TOKENS = 450
# The dry run renders and counts this many packs' prompts at a time (not all at once: the
# rendered prompts of a large run would hold its whole text again).
ESTIMATE_BATCH_PACKS = 2_000

_REASONING_MODEL = re.compile(r"^(o\d|gpt-5)(?!.*-chat)")
_KEY_LIKE = re.compile(r"sk-[A-Za-z0-9_*\-]{4,}")
_CODE_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(.*?)\n?```\s*$", re.DOTALL)
_FATAL_BAD_REQUEST_HINT = "if the server lacks strict structured outputs, try --schema-mode json"

# Local servers count tokens with the model's own tokenizer, not tiktoken: keep this share
# of their context free so a prompt tiktoken counts as fitting fits theirs too.
TOKENIZER_MARGIN = 0.1
# Room always left for an answer, even when the prompt fills most of the context.
MIN_ANSWER_TOKENS = 256
# A local server that did not answer within --timeout is tried once more, not for minutes.
LOCAL_TIMEOUT_RETRIES = 1
_SCHEMA_NAMED = re.compile(r"response_format|json_schema")
_CONTEXT_OVERFLOW = re.compile(
    r"context_length_exceeded|exceed_context_size|maximum context length"
    r"|exceeds? (?:the )?(?:available )?context"
    r"|context (?:window|size|length) (?:of|is )?\d*\s*exceeded",
    re.IGNORECASE,
)
_CONTEXT_NAMED = re.compile(r"(?:maximum context length is|context window of|\"n_ctx\":)\s*(\d+)")

Answer = TypeVar("Answer", bound=BaseModel)


class _Unusable(Exception):
    """One answer that cannot be used: why, what it cost, and what to append to ask again."""

    def __init__(self, reason: str, usage: Usage, followup: list[Message]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.usage = usage
        self.followup = followup


@dataclass(frozen=True)
class _Question(Generic[Answer]):
    """One request the engine may send: its kind (part of the cache key), messages, answer
    format and output cap, the source labels its prompt uses, how announcements name it,
    and the caps on its answer's lists (where a server decodes under a grammar)."""

    kind: str
    messages: list[Message]
    response_format: type[Answer]
    sources: dict[str, str]
    max_tokens: int
    label: str
    items: dict[str, int]


def usage_from(block: object, model: str, tier: str = "default") -> Usage:
    """One call's tokens and cost from an API `usage` block (zero tokens if it is not one);
    `tier` is the price tier it was served at (see `briefing.engines.pricing`)."""
    try:
        usage = CompletionUsage.model_validate(block)
    except ValidationError:
        return Usage(calls=1)
    details = usage.prompt_tokens_details
    cached = (details.cached_tokens or 0) if details else 0
    prompt, completion = usage.prompt_tokens, usage.completion_tokens
    return Usage(
        calls=1,
        prompt_tokens=prompt,
        cached_prompt_tokens=cached,
        completion_tokens=completion,
        cost_usd=cost_usd(model, prompt, cached, completion, tier=tier),
    )


def answer_tokens(budget: AnswerBudget) -> int:
    """Completion tokens `--dry-run` expects for an extraction answer under `budget` (its
    prompt's BUDGET line): the claims and figures at the measured size of one (see the
    module's constants)."""
    return EXTRACT_TOKENS_PER_BUDGET_ITEM * (budget.claims + budget.figures)


def is_reasoning_model(model: str) -> bool:
    """True for OpenAI reasoning models (o-series, gpt-5 family), which reject temperature."""
    return bool(_REASONING_MODEL.match(model.rsplit("/", 1)[-1]))


def sampling_options(model: str) -> dict[str, object]:
    """Low reasoning effort for reasoning models (cheaper, enough to copy quotes), else
    temperature 0 (reasoning models reject any temperature but the default)."""
    if is_reasoning_model(model):
        return {"reasoning_effort": REASONING_EFFORT}
    return {"temperature": 0}


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The strict JSON schema the SDK sends when `model` is the response format of a
    `parse` call (its public `type_to_response_format_param`)."""
    response_format = type_to_response_format_param(model)
    if isinstance(response_format, dict) and response_format["type"] == "json_schema":
        return dict(response_format["json_schema"].get("schema", {}))
    raise TypeError(f"the SDK gives no JSON schema for {model.__name__}")


def scrub_secret(text: str, secret: str | None) -> str:
    """`text` with the API key, and anything shaped like an OpenAI key, masked."""
    if secret:
        text = text.replace(secret, "***")
    return _KEY_LIKE.sub("sk-***", text)


def _unfenced(content: str) -> str:
    """The answer without a Markdown code fence around it (some local models add one)."""
    match = _CODE_FENCE.match(content)
    return match.group(1) if match else content


def _validation_problem(error: ValidationError) -> str:
    """A short, one-line account of what was wrong with an answer."""
    details = [
        f"{'.'.join(map(str, item['loc'])) or 'answer'}: {item['msg']}"
        for item in error.errors(include_url=False)[:5]
    ]
    more = f" (and {error.error_count() - 5} more)" if error.error_count() > 5 else ""
    return "it did not match the schema: " + "; ".join(details) + more


def _relabel(extraction: Extraction, sources: dict[str, str]) -> Extraction:
    """The extraction with source labels (S1 …) mapped back to source ids.

    An unknown label is kept as is, so verify drops it as a source the pack never showed.
    """

    def source(label: str) -> str:
        return sources.get(label.strip(), label)

    def cited(evidence: list[Evidence]) -> list[Evidence]:
        return [Evidence(source_id=source(item.source_id), quote=item.quote) for item in evidence]

    return Extraction(
        actors=[
            actor.model_copy(update={"sources": [source(label) for label in actor.sources]})
            for actor in extraction.actors
        ],
        claims=[
            claim.model_copy(update={"evidence": cited(claim.evidence)})
            for claim in extraction.claims
        ],
        figures=[
            figure.model_copy(update={"evidence": cited(figure.evidence)})
            for figure in extraction.figures
        ],
    )


class OpenAIEngine:
    """Extraction and summaries through `AsyncOpenAI`; see the module docstring."""

    name = "openai"
    writes_summaries = True

    def __init__(self, options: Options, *, retry: RetryPolicy | None = None) -> None:
        self.options = options
        self.model = options.model
        self._retry = retry or RetryPolicy(
            budget=options.retry_budget, waits=options.replay is None
        )
        self._timeout = options.timeout
        self._extraction_format = compact_response_model(Extraction)
        self._summary_format = compact_response_model(Summary)
        self._client: AsyncOpenAI | None = None
        self._cache: ResponseCache | None = None
        self._facts: ServerFacts | None = None
        self._first_answer = asyncio.Lock()
        self._slots: asyncio.Semaphore | None = None
        self._failures = 0
        if not options.dry_run:
            self._api_key()  # a missing key stops the run before any work is done

    # -- session -------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[OpenAIEngine]:
        """Hold the HTTP client, the response cache and any cassette for one run."""
        client = AsyncOpenAI(
            api_key=self._api_key(),
            base_url=self.options.base_url or DEFAULT_BASE_URL,
            max_retries=0,  # retried by self._retry, under a time budget
            timeout=openai.Timeout(
                self._timeout, connect=min(self._timeout, CONNECT_TIMEOUT_SECONDS)
            ),
        )
        server = self.server()
        with cassette(self.options.record, self.options.replay):
            if self.options.record:
                note(server=server.model_dump(), outcome="interrupted")
            self._client, self._cache = client, self._open_cache()
            self._first_answer, self._failures = asyncio.Lock(), 0
            self._slots = asyncio.Semaphore(server.slots) if server.slots else None
            try:
                yield self
                if self.options.record:
                    note(outcome=f"{self._failures} failed calls" if self._failures else COMPLETE)
            finally:
                await client.close()
                if self._cache is not None:
                    self._cache.close()
                self._client, self._cache = None, None

    def _api_key(self) -> str:
        if self.options.replay:
            return REPLAY_KEY
        if self.options.api_key:
            return self.options.api_key.get_secret_value()
        if self.options.base_url:
            return LOCAL_SERVER_KEY
        raise BriefingError("no OpenAI API key: set OPENAI_API_KEY, or use --engine offline")

    def _open_cache(self) -> ResponseCache | None:
        """The response cache, unless disabled; replays skip it so the cassette is exercised."""
        if not self.options.use_cache or self.options.replay:
            return None
        return ResponseCache.open(self.options.cache_dir)

    def _secret(self) -> str | None:
        return self.options.api_key.get_secret_value() if self.options.api_key else None

    # -- the server ------------------------------------------------------------------------

    def server(self) -> ServerFacts:
        """What the server is and can do (`briefing.engines.servers`): as recorded when
        replaying, else probed once per base URL and model and remembered in the cache."""
        if self._facts is None:
            self._facts = self._find_facts()
        return self._facts

    def _find_facts(self) -> ServerFacts:
        if self.options.replay:
            recorded = recorded_notes(self.options.replay).get("server")
            return ServerFacts.model_validate(recorded) if recorded else _OPENAI_FACTS
        if is_openai(self.options.base_url):
            return _OPENAI_FACTS
        with self._facts_store() as store:
            stored = store.get(self._facts_key()) if store else None
            if stored is not None:
                return ServerFacts.model_validate_json(stored)
            facts = probe(self.options.base_url or DEFAULT_BASE_URL, self.model)
            if store:
                store.put(self._facts_key(), facts.model_dump_json())
            return facts

    @contextlib.contextmanager
    def _facts_store(self) -> Any:
        """The response cache, for the server's facts (None with --no-cache or a replay)."""
        store = self._cache or self._open_cache()
        try:
            yield store
        finally:
            if store is not None and store is not self._cache:
                store.close()

    def _facts_key(self) -> str:
        where = {"base_url": self.options.base_url, "model": self.model}
        return cache_key({"kind": "server", "version": FACTS_VERSION, **where})

    def _schema_taken(self) -> None:
        """The server answered a strict schema: remember it if that was not known yet."""
        if self.server().json_schema is None:
            self._remember(self.server().model_copy(update={"json_schema": True}))

    def _schema_refused(self, why: str) -> None:
        """The server refused strict schemas: say so once, and use JSON mode from now on."""
        log.warning(
            "%s does not take strict JSON schemas (%s); using JSON mode with the schema in the "
            "prompt from now on (remembered for this server)",
            self._where(),
            why,
        )
        self._remember(self.server().model_copy(update={"json_schema": False}))

    def _remember(self, facts: ServerFacts) -> None:
        """Use `facts` for the rest of the run and, through the cache, the next runs."""
        self._facts = facts
        if self.options.replay is None:
            with self._facts_store() as store:
                if store is not None:
                    store.put(self._facts_key(), facts.model_dump_json())

    def _schema_mode(self) -> str:
        """strict unless --schema-mode json or the server refused strict schemas."""
        if self.options.schema_mode == "json" or self.server().json_schema is False:
            return "json"
        return "strict"

    def _schema_settled(self) -> bool:
        return self.options.schema_mode == "json" or self.server().json_schema is not None

    def _context(self) -> int | None:
        """The server's context in tokens: --context, else as the server says, else unknown."""
        return self.options.context or self.server().context

    def _usable(self, context: int) -> int:
        return context - math.ceil(context * TOKENIZER_MARGIN)

    # -- planning --------------------------------------------------------------------------

    def _schema_prompt(self, model: type[BaseModel], mode: str | None = None) -> str | None:
        """The schema text that goes in the system prompt: only in JSON mode."""
        return schema_text(model) if (mode or self._schema_mode()) == "json" else None

    def _extract_prompt(self, pack: Pack, mode: str | None = None) -> ExtractPrompt:
        """The extraction prompt of `pack` for this server: with the worked example only for
        the OpenAI API, where it makes the static prefix long enough to be cached; elsewhere
        it would only take context from the pack text."""
        schema = self._schema_prompt(self._extraction_format, mode)
        return extract_prompt(pack, schema, example=self.server().dialect == "openai")

    def _schema_tokens(self, model: type[BaseModel], mode: str | None = None) -> int:
        if (mode or self._schema_mode()) == "json":
            return 0  # it is part of the system prompt, counted with the messages
        return billed_schema_tokens(strict_schema(model), self.model)

    def _prompt_tokens(
        self, messages: list[Message], model: type[BaseModel], mode: str | None = None
    ) -> int:
        """Input tokens a request is billed for: its messages and the schema sent with them."""
        return message_tokens(messages, self.model) + self._schema_tokens(model, mode)

    def prompt_overhead(self) -> int:
        """Tokens each extraction call spends besides the pack text (instructions, schema, key).

        Against a server that may turn out to refuse strict schemas, the larger of the two
        modes' overheads, so the packs are the same before and after it is found out (and
        their cached answers are found again).
        """
        empty = Pack(blocks=[], tokens=0)
        may_change = self.options.schema_mode == "strict" and self.server().dialect != "openai"
        modes = ["strict", "json"] if may_change else [self._schema_mode()]
        return max(
            self._prompt_tokens(
                self._extract_prompt(empty, mode).messages, self._extraction_format, mode
            )
            for mode in modes
        )

    def prompt_budget(self, requested: int) -> int:
        """`requested`, or less when the server's context is known: the pack text then gets
        at most half of what the instructions leave, the answer the other half."""
        context = self._context()
        if context is None:
            return requested
        overhead = self.prompt_overhead()
        return min(requested, overhead + max(0, self._usable(context) - overhead) // 2)

    def static_prefix_tokens(self) -> int:
        """Tokens every extraction call sends before anything specific to its pack: the
        schema and the system message (what the provider's prompt cache can serve)."""
        empty = Pack(blocks=[], tokens=0)
        system = self._extract_prompt(empty).messages[0]
        return self._prompt_tokens([system], self._extraction_format)

    def estimate(self, packs: list[Pack]) -> Usage:
        """Calls, tokens and cost of extracting `packs` plus one summary, calling nothing.

        Prompt tokens are counted on the rendered messages; completion tokens (from each
        pack's answer budget) and the summary's input follow the rules documented at the top
        of this module. The static
        prefix of every extraction call after the first is counted as cached input (at the
        cached price), as the provider's prompt cache serves it; the price is that of the
        tier the calls are asked at (`--batch`, `--service-tier`).
        """
        schema_tokens = self._schema_tokens(self._extraction_format)
        extract_prompts: list[int] = []
        completion = SUMMARY_COMPLETION_TOKENS
        for start in range(0, len(packs), ESTIMATE_BATCH_PACKS):
            prompts = [self._extract_prompt(p) for p in packs[start : start + ESTIMATE_BATCH_PACKS]]
            counted = message_tokens_each([prompt.messages for prompt in prompts], self.model)
            extract_prompts.extend(tokens + schema_tokens for tokens in counted)
            completion += sum(answer_tokens(prompt.budget) for prompt in prompts)
        text_tokens = sum(pack.tokens for pack in packs)
        facts = min(SUMMARY_FACTS_MAX_TOKENS, math.ceil(SUMMARY_FACTS_RATIO * text_tokens))
        summary_prompt = (
            self._prompt_tokens(
                summary_messages(_empty_story(), self._schema_prompt(self._summary_format)),
                self._summary_format,
            )
            + facts
        )
        prompt = sum(extract_prompts) + summary_prompt
        cached = max(0, len(packs) - 1) * cacheable_tokens(self.static_prefix_tokens())
        return Usage(
            calls=len(packs) + 1,
            prompt_tokens=prompt,
            cached_prompt_tokens=cached,
            completion_tokens=completion,
            cost_usd=cost_usd(self.model, prompt, cached, completion, tier=self._planned_tier()),
        )

    def _planned_tier(self) -> str:
        """The price tier the calls of this run are asked at: the Batch API's with --batch."""
        return "batch" if self.options.batch else self.options.service_tier or "default"

    # -- calls ---------------------------------------------------------------------------

    async def extract(self, pack: Pack) -> tuple[Extraction, Usage]:
        """Extract actors, claims and figures from one pack (cached by content)."""

        async def ask() -> tuple[Extraction, Usage]:
            question = self._extraction_question(pack)
            extraction, usage = await self._answer(question)
            return completed(_relabel(extraction, question.sources), pack), usage

        return await self._settled(ask)

    async def summarize(self, story: SummaryInput) -> tuple[Summary, Usage]:
        """Write a headline and bullets from the reconciled facts (cached by content)."""

        async def ask() -> tuple[Summary, Usage]:
            answer, usage = await self._answer(self._summary_question(story))
            # A bullet's sources are those of the facts it cites, found by code, never the
            # model's.
            bullets = [Bullet(text=b.text, facts=b.facts, source_ids=[]) for b in answer.bullets]
            return Summary(title=answer.title, bullets=bullets), usage

        return await self._settled(ask)

    def _extraction_question(self, pack: Pack) -> _Question[Extraction]:
        prompt = self._extract_prompt(pack)
        return _Question(
            kind="extract",
            messages=prompt.messages,
            response_format=self._extraction_format,
            sources=prompt.sources,
            max_tokens=EXTRACT_MAX_COMPLETION_TOKENS,
            label=_pack_label(pack),
            items=extraction_items(pack),
        )

    def _summary_question(self, story: SummaryInput) -> _Question[Summary]:
        return _Question(
            kind="summarize",
            messages=summary_messages(story, self._schema_prompt(self._summary_format)),
            response_format=self._summary_format,
            sources={},
            max_tokens=SUMMARY_MAX_COMPLETION_TOKENS,
            label="the summary",
            items={},
        )

    async def _settled(self, ask: Callable[[], Awaitable[Result]]) -> Result:
        """`ask()`, alone while nobody knows yet whether the server takes strict schemas (so a
        server that refuses them refuses once, not once per pack), and asked again in JSON
        mode when it turns out to refuse them."""
        try:
            if not self._schema_settled():
                async with self._first_answer:
                    if not self._schema_settled():
                        return await ask()
            return await ask()
        except _SchemaRefused as refusal:
            self._schema_refused(refusal.detail)
            return await ask()

    async def _answer(self, question: _Question[Answer]) -> tuple[Answer, Usage]:
        """The cached answer to the question, else the server's (then cached); `PackTooLong`
        without a call when the prompt is known not to fit the server's context."""
        messages, response_format = question.messages, question.response_format
        key = self._key_of(question)
        too_long = self._key_of(question, f"{question.kind} too long")
        cached = self._cached(key, response_format)
        if cached is not None:
            return cached, Usage(cached_calls=1)
        # A batch answer that cannot be used was paid for all the same: its usage is counted,
        # by this run only (kept as counted, in case the re-ask below fails).
        batched, batch_usage = self._batch_answer(key, response_format)
        if batched is not None:
            self._store(key, batched)
            return batched, batch_usage
        if batch_usage.calls:
            self._store_text(batch.batch_answer_key(key), batch.COUNTED)
        if self._known_too_long(too_long, messages):
            self._store_text(too_long, "true")
            raise PackTooLong(
                f"{question.label} does not fit the server's context of {self._context()}",
                batch_usage,
            )
        try:
            # A server that works on few requests at once gets no more: the others wait
            # here (their retry budgets not started), not silently in its queue.
            async with self._slots or contextlib.nullcontext():
                answer, usage = await self._ask(
                    messages, response_format, question.max_tokens, question.label, question.items
                )
        except ExtractionFailed as failure:
            failure.usage += batch_usage
            if isinstance(failure, PackTooLong):
                self._store_text(too_long, "true")
            else:
                self._failures += 1
            raise
        if self._schema_mode() == "strict":
            self._schema_taken()
        self._store(key, answer)
        return answer, batch_usage + usage

    def _known_too_long(self, too_long: str, messages: list[Message]) -> bool:
        """True when an earlier run found this prompt too long, or it cannot fit the context."""
        if self._cache is not None and not self.options.record and self._cache.get(too_long):
            return True
        context = self._context()
        if context is None:
            return False
        return message_tokens(messages, self.model) + MIN_ANSWER_TOKENS > self._usable(context)

    # -- batches ---------------------------------------------------------------------------

    def pending_requests(self, questions: Sequence[_Question[Any]]) -> dict[str, dict[str, Any]]:
        """The requests of the questions with no answer cached (nor kept from a batch) yet,
        by cache key."""
        pending: dict[str, dict[str, Any]] = {}
        for question in questions:
            key = self._key_of(question)
            stored = self._cache.get(key) if self._cache else None
            if stored is None and self._batch_answer(key, question.response_format)[0] is None:
                pending[key] = self.request(
                    question.messages,
                    question.response_format,
                    question.max_tokens,
                    items=question.items,
                )
        return pending

    async def extract_by_batch(self, packs: list[Pack]) -> batch.BatchOutcome | None:
        """Ask for the packs' extractions as one batch and keep the answers in the cache,
        where `extract` finds them; None when every pack is answered already."""
        return await self._by_batch("extraction", [self._extraction_question(p) for p in packs])

    async def summarize_by_batch(self, stories: list[SummaryInput]) -> batch.BatchOutcome | None:
        """Ask for the stories' summaries as one batch and keep the answers in the cache,
        where `summarize` finds them; None when every summary is answered already."""
        return await self._by_batch("summary", [self._summary_question(s) for s in stories])

    async def _by_batch(
        self, kind: str, questions: Sequence[_Question[Any]]
    ) -> batch.BatchOutcome | None:
        """The questions not answered yet, asked as one batch of `kind` (or by the kept,
        unfinished batch that asks them all, picked up instead of starting another), its
        answers kept in the cache; None when every question is answered already."""
        client, cache = self._batch_session()
        requests = self.pending_requests(questions)
        if not requests:
            return None
        base_url, cache_dir = self.options.base_url, self.options.cache_dir
        state = batch.unfinished(requests, self.model, base_url, cache_dir)
        if state is None:
            state = await batch.submit(
                client,
                requests,
                kind=kind,
                model=self.model,
                base_url=base_url,
                cache_dir=cache_dir,
            )
        else:
            started = datetime.fromtimestamp(state.created, UTC).strftime("%Y-%m-%d %H:%M UTC")
            log.warning(
                "picking up batch %s (%d %s requests, started %s) instead of starting another: "
                "it asks for all %d of this run's",
                state.id,
                len(state.keys),
                state.kind,
                started,
                len(requests),
            )
        return await self._run_batch(client, cache, state)

    async def _run_batch(
        self, client: AsyncOpenAI, cache: ResponseCache, state: batch.BatchState
    ) -> batch.BatchOutcome:
        return await batch.run(
            client, cache, state, self.options.cache_dir, self._retry.clock.sleep
        )

    def _batch_session(self) -> tuple[AsyncOpenAI, ResponseCache]:
        if self._client is None:
            raise RuntimeError("OpenAIEngine used outside `async with engine.session()`")
        if self._cache is None:
            raise BriefingError(
                "--batch keeps its answers in the response cache: drop --no-cache "
                "(and --record/--replay, which skip the cache)"
            )
        return self._client, self._cache

    async def resume_batch(self, batch_id: str) -> batch.BatchOutcome:
        """Wait for a batch started earlier (its state kept in the cache dir) and keep its
        answers in the cache."""
        client, cache = self._batch_session()
        return await self._run_batch(
            client, cache, batch.load_state(batch_id, self.options.cache_dir)
        )

    async def batch_status(self, batch_id: str) -> str:
        """Where a batch started earlier stands, on one line."""
        client, _ = self._batch_session()
        batch.load_state(batch_id, self.options.cache_dir)
        try:
            return batch.progress_line(await client.batches.retrieve(batch_id))
        except openai.OpenAIError as error:
            raise self._translate(error) from None

    def _batch_answer(self, key: str, response_format: type[Answer]) -> tuple[Answer | None, Usage]:
        """A batch's answer to the request with cache key `key` and its usage, priced at the
        Batch API's rate; no answer (the request is asked synchronously) when none is kept,
        or the one kept cannot be used: then the usage is what that answer cost (nothing once
        a run has counted it)."""
        stored = self._cache.get(batch.batch_answer_key(key)) if self._cache else None
        if stored is None or stored == batch.COUNTED:
            return None, Usage()
        try:
            body = json.loads(stored)
        except ValueError:
            return None, Usage()
        if not isinstance(body, dict):
            return None, Usage()
        try:
            return _answer_in(
                body, response_format, usage_from(body.get("usage"), self.model, "batch")
            )
        except _Unusable as problem:
            log.info(
                "a batch answer cannot be used (%s); asking for it synchronously", problem.reason
            )
            return None, problem.usage

    def _cache_key(
        self,
        kind: str,
        messages: list[Message],
        response_format: type[BaseModel],
        sources: dict[str, str],
    ) -> str:
        return cache_key(
            {
                "kind": kind,
                "prompt_version": PROMPT_VERSION,
                "model": self.model,
                "schema_mode": self._schema_mode(),
                "schema": strict_schema(response_format),
                "sampling": sampling_options(self.model),
                "messages": messages,
                "sources": sources,
            }
        )

    def _key_of(self, question: _Question[Any], kind: str | None = None) -> str:
        """The cache key of the question's answer (or of another `kind` of fact about it)."""
        return self._cache_key(
            kind or question.kind, question.messages, question.response_format, question.sources
        )

    def _cached(self, key: str, model: type[Answer]) -> Answer | None:
        if self._cache is None or self.options.record:
            return None  # a recording must capture every call
        stored = self._cache.get(key)
        if stored is None:
            return None
        try:
            return model.model_validate_json(stored)
        except ValidationError:
            log.warning("ignoring a cache entry that no longer matches the schema")
            return None

    def _store(self, key: str, answer: BaseModel) -> None:
        self._store_text(key, answer.model_dump_json())

    def _store_text(self, key: str, value: str) -> None:
        if self._cache is not None:
            self._cache.put(key, value)

    async def _ask(
        self,
        messages: list[Message],
        response_format: type[Answer],
        max_tokens: int,
        label: str,
        items: dict[str, int],
    ) -> tuple[Answer, Usage]:
        """One answer: transient failures retried under the retry budget, unusable answers
        asked for again with the problem stated up to MAX_REASKS times."""
        attempts = self._retry.start(label)
        spent = Usage()
        conversation = messages
        for reask in range(MAX_REASKS + 1):
            send = functools.partial(
                self._complete, conversation, response_format, max_tokens, attempts, items
            )
            try:
                answer, usage = await attempts.call(send)
                return answer, spent + usage + Usage(retries=attempts.retries, reasks=reask)
            except _Unusable as problem:
                log.info("unusable answer on %s (%s); asking again", label, problem.reason)
                spent += problem.usage
                last = problem
                # Only the latest mistake is shown, so re-asks stay as short as the first ask.
                conversation = messages + problem.followup
            except OutOfBudget as failure:
                raise ExtractionFailed(
                    str(failure), spent + Usage(retries=failure.retries, reasks=reask)
                ) from None
            except _CassetteMiss:
                raise self._cassette_miss(attempts.last_failure, reask) from None
        raise ExtractionFailed(
            f"{last.reason} (asked {MAX_REASKS + 1} times)",
            spent + Usage(retries=attempts.retries, reasks=MAX_REASKS),
        )

    def _cassette_miss(self, last_failure: str | None, reask: int) -> Exception:
        """A request the replayed cassette cannot answer: after a transient failure, or in a
        recording of a run that was interrupted or had failures, the recording gave up there
        too (the call failed then as now); else the cassette is out of date."""
        if last_failure is not None:
            return ExtractionFailed(
                f"{last_failure}; the recording has no later answer (it gave up there)",
                Usage(reasks=reask),
            )
        outcome = (
            recorded_notes(self.options.replay).get("outcome") if self.options.replay else None
        )
        if outcome not in (None, COMPLETE):
            return ExtractionFailed(
                f"the recording has no answer for this request (its run ended: {outcome})",
                Usage(reasks=reask),
            )
        return BriefingError(
            f"the cassette {self.options.replay} has no response recorded for this request "
            "(the input, the prompts or the model changed since it was recorded): "
            "re-record it with --record"
        )

    def request(
        self,
        messages: list[Message],
        response_format: type[BaseModel],
        max_tokens: int,
        *,
        items: dict[str, int] | None = None,
    ) -> dict[str, Any]:
        """One chat completions request, as keyword arguments of the SDK's `parse`, in the
        server's dialect: the answer format (the pydantic model in strict mode; in JSON mode
        for other servers, the schema with its strings and lists closed, `items` capping
        lists by name), the output limit (`max_tokens` too for other servers, capped by what
        their context leaves)."""
        facts = self.server()
        strict = self._schema_mode() == "strict"
        if strict:
            answer_format: Any = response_format
        elif facts.dialect == "openai":
            answer_format = {"type": "json_object"}
        else:  # llama.cpp constrains its output to a schema given this way; others ignore it
            schema = limited_schema(response_format.model_json_schema(), items or {})
            answer_format = {"type": "json_object", "schema": schema}
        request: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "response_format": answer_format,
            **sampling_options(self.model),
        }
        if facts.dialect == "openai":
            request["max_completion_tokens"] = max_tokens
            request["prompt_cache_key"] = prompt_cache_key(response_format.__name__.lower())
            if self.options.service_tier is not None:
                request["service_tier"] = self.options.service_tier
            return request
        context = self._context()
        if context is not None:
            room = self._usable(context) - message_tokens(messages, self.model)
            max_tokens = max(MIN_ANSWER_TOKENS, min(max_tokens, room))
        return {**request, "max_tokens": max_tokens, "max_completion_tokens": max_tokens}

    async def _complete(
        self,
        messages: list[Message],
        response_format: type[Answer],
        max_tokens: int,
        attempts: Attempts,
        items: dict[str, int],
    ) -> tuple[Answer, Usage]:
        """One try: the validated answer and its usage, or `_Unusable` saying why not."""
        request = self.request(messages, response_format, max_tokens, items=items)
        body = await self._streamed(request, attempts) if self.server().is_local else None
        if body is None:  # not streamed, or a stream that ended without a word: ask whole
            body = _json_body(await self._post(request))
        return _answer_in(body, response_format, self._usage(body, messages, response_format))

    async def _post(self, request: dict[str, Any]) -> Any:
        """Send one request; API errors become ours (`Transient` if worth another try)."""
        try:
            return await self._live_client().chat.completions.with_raw_response.parse(**request)
        except openai.OpenAIError as error:
            raise self._translate(error) from None
        except Exception as error:
            if is_cassette_miss(error):
                raise _CassetteMiss from None
            raise

    async def _streamed(self, request: dict[str, Any], attempts: Attempts) -> dict[str, Any] | None:
        """One call whose answer streams in, so --timeout measures silence, not the time a
        slow server takes to write it; the tokens received are announced while it does.
        None when the stream ended without a word (see `_read_stream`)."""
        answer_format = request["response_format"]
        if isinstance(answer_format, type):
            answer_format = type_to_response_format_param(answer_format)
        try:
            stream = await self._live_client().chat.completions.create(
                **{**request, "response_format": answer_format},
                stream=True,
                stream_options={"include_usage": True},
            )
            return await self._read_stream(stream, attempts)
        except openai.OpenAIError as error:
            raise self._translate(error) from None
        except httpx2.TimeoutException:
            raise self._timed_out() from None
        except httpx2.TransportError as error:
            raise Transient(
                f"the connection broke ({one_line(str(error), 100)})", waits_for="a new connection"
            ) from None
        except Exception as error:
            if is_cassette_miss(error):
                raise _CassetteMiss from None
            raise

    async def _read_stream(self, stream: Any, attempts: Attempts) -> dict[str, Any] | None:
        """The streamed answer put together as the body of an answer sent whole: its text,
        finish reason and usage. Once its words flow, the tokens received are announced
        instead of the wait (`attempts`); how long it takes is read on the engine's clock.

        None for a stream that ended without a word or a finish reason: llama-cpp-python
        fails that way, after its 200, on a prompt longer than its context; asked whole, it
        says so with a status and a message."""
        parts: list[str] = []
        finish_reason: str | None = None
        usage: dict[str, Any] | None = None
        clock = self._retry.clock
        started = last_notice = clock.now()
        async for chunk in stream:
            if chunk.usage is not None:
                usage = chunk.usage.model_dump()
            for choice in chunk.choices:
                if choice.delta.content:
                    parts.append(choice.delta.content)
                    attempts.answer_arriving()
                finish_reason = choice.finish_reason or finish_reason
            now = clock.now()
            if parts and now - last_notice >= self._retry.notice_after:
                last_notice = now
                log.warning(
                    "receiving the answer on %s: %d tokens so far, in %.0f s",
                    attempts.label,
                    len(parts),
                    now - started,
                )
        if not parts and finish_reason is None:
            log.info("the answer on %s streamed nothing; asking for it whole", attempts.label)
            return None
        message = {"role": "assistant", "content": "".join(parts)}
        return {"choices": [{"message": message, "finish_reason": finish_reason}], "usage": usage}

    def _live_client(self) -> AsyncOpenAI:
        if self._client is None:
            raise RuntimeError("OpenAIEngine used outside `async with engine.session()`")
        return self._client

    def _usage(
        self, body: dict[str, Any], messages: list[Message], response_format: type[BaseModel]
    ) -> Usage:
        """Tokens and cost from an answer's `usage` block, priced at the service tier asked
        for. A server that sends none (llama-cpp-python, streaming) has its tokens counted
        here, as `estimate` counts them, and the call marked `estimated_calls`."""
        tier = self.options.service_tier or "default"
        if body.get("usage") is not None:
            return usage_from(body["usage"], self.model, tier)
        prompt = self._prompt_tokens(messages, response_format)
        completion = count_tokens(_content_of(body), self.model)
        return Usage(
            calls=1,
            estimated_calls=1,
            prompt_tokens=prompt,
            completion_tokens=completion,
            cost_usd=cost_usd(self.model, prompt, 0, completion, tier=tier),
        )

    # -- errors --------------------------------------------------------------------------

    def _where(self) -> str:
        return self.options.base_url or "api.openai.com"

    def _timed_out(self) -> Transient:
        openai_api = self.server().dialect == "openai"
        return Transient(
            f"no answer within --timeout {self.options.timeout:g} s",
            waits_for="another try after a timeout",
            max_retries=None if openai_api else LOCAL_TIMEOUT_RETRIES,
        )

    def _translate(self, error: openai.OpenAIError) -> Exception:
        """A `BriefingError` for what the user must fix, `Transient` for what may pass, else
        `ExtractionFailed` for this pack."""
        if isinstance(error, openai.APITimeoutError):
            return self._timed_out()
        if isinstance(error, openai.APIConnectionError):
            cause = one_line(str(error.__cause__ or error) or type(error.__cause__).__name__, 100)
            if isinstance(error.__cause__, httpx2.ConnectError):
                return BriefingError(
                    f"could not connect to {self._where()} ({cause}): check --base-url / "
                    "OPENAI_BASE_URL and the network, or use --engine offline"
                )
            # The server was reached but the connection broke: this pack's trouble, not the run's.
            return Transient(f"the connection broke ({cause})", waits_for="a new connection")
        if isinstance(error, openai.APIStatusError):
            return self._translate_status(error)
        if isinstance(error, openai.APIError) and error.body is not None:
            # An error the server sent as an event of a streamed answer.
            detail = self._scrubbed(one_line(_error_text(error), 200))
            if _overflows_context(error):
                return self._too_long(error, detail)
            return ExtractionFailed(f"the server stopped the answer ({detail})")
        return BriefingError(self._scrubbed(f"the OpenAI client failed: {error}"))

    def _translate_status(self, error: openai.APIStatusError) -> Exception:
        status, code = error.status_code, error.code
        detail = self._scrubbed(_server_message(error))
        where, model = self._where(), self.model
        if _overflows_context(error):
            return self._too_long(error, detail)
        if self._refuses_schema(error):
            return _SchemaRefused(f"HTTP {status}: {one_line(detail, 120)}")
        if status == 401:
            return BriefingError(
                f"{where} rejected the API key (401): set a valid OPENAI_API_KEY, "
                "or use --engine offline"
            )
        if status == 403:
            return BriefingError(
                f"{where} refused access (403: {detail}): check the key's access to {model}"
            )
        if status == 404:
            return BriefingError(
                f"model {model} was not found at {where} (404: {detail}): check --model / "
                "BRIEFING_MODEL, and that --base-url ends in /v1"
            )
        if status == 429 and code == "insufficient_quota":
            return BriefingError(
                f"{where} says the quota is used up (429): check the account's billing"
            )
        if status in (400, 422) and code != "invalid_prompt":
            return BriefingError(
                f"{where} rejected the request ({status}: {detail}); {_FATAL_BAD_REQUEST_HINT}"
            )
        kind = "rate limited (429)" if status == 429 else f"HTTP {status} ({detail})"
        headers = error.response.headers
        advice = headers.get("x-should-retry")
        if advice == "false" or (advice != "true" and not _is_retried_status(status)):
            return ExtractionFailed(kind, Usage())
        waits_for = "the rate limit" if status == 429 else f"the server (HTTP {status})"
        return Transient(kind, waits_for=waits_for, retry_after=retry_after_seconds(headers))

    def _refuses_schema(self, error: openai.APIStatusError) -> bool:
        """True when the server refused the strict JSON schema: its error names the response
        format, or it is a 400/422 before it ever took one (never for the OpenAI API)."""
        if self._schema_mode() != "strict" or self.server().dialect == "openai":
            return False
        if _SCHEMA_NAMED.search(_error_text(error)):
            return True
        return error.status_code in (400, 422) and self.server().json_schema is None

    def _too_long(self, error: openai.APIError, detail: str) -> PackTooLong:
        """The prompt did not fit: learn the context if the server named it (so the halves of
        the pack are checked before they are sent)."""
        named = _CONTEXT_NAMED.search(_error_text(error))
        known = self._context()
        if named and (known is None or int(named.group(1)) < known):
            self._facts = self.server().model_copy(update={"context": int(named.group(1))})
        return PackTooLong(f"the prompt is too long for {self.model} ({detail})")

    def _scrubbed(self, text: str) -> str:
        return scrub_secret(text, self._secret())


_OPENAI_FACTS = ServerFacts(dialect="openai", json_schema=True)
Result = TypeVar("Result")


class _SchemaRefused(Exception):
    """The server refused a strict JSON schema as the response format."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _error_text(error: openai.APIError) -> str:
    """All the server said about an error: its body as JSON, else its message."""
    return json.dumps(error.body) if error.body is not None else str(error.message)


def _overflows_context(error: openai.APIError) -> bool:
    """True when the server refused the prompt as longer than its context."""
    if getattr(error, "status_code", 400) not in (400, 413, 422, 500):
        return False
    return error.code == "context_length_exceeded" or bool(
        _CONTEXT_OVERFLOW.search(_error_text(error))
    )


def _cut_off(usage: Usage) -> _Unusable:
    problem = "it was cut off at the output token limit"
    return _Unusable(problem, usage, [reask_message(problem, shorter=True)])


def _filtered(usage: Usage) -> _Unusable:
    return _Unusable("the provider's content filter stopped it", usage, [])


def _validated(
    content: str | None, response_format: type[Answer], usage: Usage
) -> tuple[Answer, Usage]:
    """The answer in `content` (JSON mode, a streamed answer, or an empty one in strict mode),
    or `_Unusable` saying what was wrong with it."""
    try:
        return response_format.model_validate_json(_unfenced(content or "")), usage
    except ValidationError as error:
        raise _Unusable(_validation_problem(error), usage, _correction(content, error)) from error


def _json_body(raw: Any) -> dict[str, Any]:
    """The JSON body of a raw response, or `Transient` if it is cut short or garbled."""
    try:
        body = raw.http_response.json()
    except ValueError as error:
        raise Transient(
            "the server sent a malformed response", waits_for="a well-formed response"
        ) from error
    return body if isinstance(body, dict) else {}


def _first_choice(body: dict[str, Any]) -> dict[str, Any] | None:
    """The first answer of a chat completion body, if it has one."""
    choices = body.get("choices")
    choice = choices[0] if isinstance(choices, list) and choices else None
    return choice if isinstance(choice, dict) else None


def _message_of(choice: dict[str, Any]) -> dict[str, Any]:
    """An answer's message ({} if it has none)."""
    message = choice.get("message")
    return message if isinstance(message, dict) else {}


def _content_of(body: dict[str, Any]) -> str:
    """The text of the first answer in a chat completion body ("" if it has none)."""
    choice = _first_choice(body)
    content = _message_of(choice).get("content") if choice is not None else None
    return content if isinstance(content, str) else ""


def _answer_in(
    body: dict[str, Any], response_format: type[Answer], usage: Usage
) -> tuple[Answer, Usage]:
    """The answer in a chat completion body (sent whole, streamed, or a batch's), or
    `_Unusable` saying why it cannot be used: cut off, filtered, refused, invalid."""
    choice = _first_choice(body)
    if choice is None:
        raise _Unusable("the response had no choices", usage, [])
    finish_reason = choice.get("finish_reason")
    if finish_reason == "length":
        raise _cut_off(usage)
    if finish_reason == "content_filter":
        raise _filtered(usage)
    message = _message_of(choice)
    if message.get("refusal"):
        problem = f"the model refused ({one_line(str(message['refusal']), 80)})"
        raise _Unusable(problem, usage, [reask_message(problem)])
    return _validated(message.get("content"), response_format, usage)


class _CassetteMiss(Exception):
    """The replayed cassette has no (further) response for a request."""


def _is_retried_status(status: int) -> bool:
    return status in RETRIED_STATUSES or status >= 500


def _pack_label(pack: Pack, shown: int = 3) -> str:
    """How announcements name a pack: by the articles whose text it carries."""
    owners = pack.owner_ids
    more = f" and {len(owners) - shown} more" if len(owners) > shown else ""
    return f"the pack of {', '.join(owners[:shown])}{more}"


def _server_message(error: openai.APIStatusError) -> str:
    """What the server said was wrong, on one line."""
    body = error.body
    message = body.get("message") if isinstance(body, dict) else None
    return one_line(str(message or error.message), 200)


def _correction(content: str | None, error: ValidationError) -> list[Message]:
    """The wrong answer and the request to fix it, appended when asking again."""
    mistake = [{"role": "assistant", "content": content}] if content else []
    return [*mistake, reask_message(_validation_problem(error))]


def _empty_story() -> SummaryInput:
    return SummaryInput(actors=[], claims=[], figures=[], disputes=[], passages=[], titles=[])
