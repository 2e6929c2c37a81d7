"""A counting fake model for the benchmarks, served by `briefing.testing.fake_openai.FakeOpenAI`.

    model = CountingModel(latency=0.5)
    with serve(model) as server:          # 127.0.0.1 only, bounded, stops by itself
        ...point any OpenAI client at server.base_url...
    model.total()                         # calls, prompt and completion tokens billed
    model.tallies["Extraction"]           # … by kind: "Extraction", "Summary" or "text"

Every request gets a valid answer of the kind asked for, of the size a model would write,
computed from the request itself with briefing's offline rules:

- `Extraction` (structured output): the offline engine's extraction of the passages in the
  prompt, citing the prompt's own source labels, quotes cut to the 25 words the prompt
  allows, as compact JSON.
- `Summary` (structured output): the first headline, and the first claims and disputes of
  the facts as bullets.
- Plain text (LangChain's summarize prompts, a naive "brief all of this" prompt): a concise
  extractive summary, the up to five most central sentences of the text in the prompt.

Tokens are counted with tiktoken for the request's model as the API bills them: the chat
messages with their framing, plus the JSON schema of a structured-output request; the
completion is the answer's tokens. Reasoning tokens are not modelled. The latency is the
time from request to response; answers are computed inside it, and requests are served
concurrently (one thread per connection).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from briefing.dedup import Passage
from briefing.engines.base import SummaryInput
from briefing.engines.offline import extract_pack
from briefing.engines.prompting import billed_schema_tokens, message_tokens
from briefing.pack import Block, Pack
from briefing.summary import summarize_story
from briefing.testing.fake_openai import (
    DEFAULT_MODEL,
    FakeOpenAI,
    Reply,
    completion_reply,
    fit_to_schema,
    usage_block,
)
from briefing.testing.prompt_cache import PromptCache
from briefing.tokens import count_tokens

MAX_REQUESTS = 100_000
LIFETIME_SECONDS = 1_800.0
_BLOCK = re.compile(r'<src-(?P<key>\w+) id="(?P<id>[^"]*)">\n(?P<text>.*?)\n</src-(?P=key)>', re.S)
# What the extraction prompt asks for: quotes of at most 15 words, claims in one short
# sentence, and actors that matter rather than every place named.
QUOTE_WORDS = 15
CLAIM_WORDS = 25
_QUOTE_WORDS = re.compile(rf"\s*(?:\S+\s+){{0,{QUOTE_WORDS - 1}}}\S*")
_ARTICLE = re.compile(r"^Article (\d+):\n", re.M)
_BUDGET = re.compile(r"^BUDGET: at most (?P<claims>\d+) claims and (?P<figures>\d+) figures", re.M)


@dataclass
class Tally:
    """What a fake model billed."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_prompt_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        """Prompt and completion tokens together."""
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.calls + other.calls,
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.cached_prompt_tokens + other.cached_prompt_tokens,
        )


class CountingModel:
    """A `FakeOpenAI` responder that answers like a model and counts what it would bill."""

    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency
        self.tallies: defaultdict[str, Tally] = defaultdict(Tally)
        self.prompt_cache = PromptCache()
        self._lock = threading.Lock()

    def total(self) -> Tally:
        """Everything billed since the last reset."""
        return sum(self.tallies.values(), Tally())

    def reset(self) -> None:
        """Start counting again from zero, with an empty prompt cache."""
        with self._lock:
            self.tallies = defaultdict(Tally)
        self.prompt_cache.clear()

    def __call__(self, request: dict[str, Any]) -> Reply:
        """Answer one chat completions request after the configured latency."""
        started = time.perf_counter()
        model = str(request.get("model") or DEFAULT_MODEL)
        content = answer_content(request)
        prompt, completion = _prompt_tokens(request, model), count_tokens(content, model)
        cached = min(prompt, self.prompt_cache.cached_tokens(request))
        with self._lock:
            self.tallies[_schema_name(request) or "text"] += Tally(1, prompt, completion, cached)
        usage = usage_block(prompt, completion, cached_tokens=cached)
        reply = completion_reply(content, model=model, usage=usage)
        return replace(reply, delay=max(0.0, self.latency - (time.perf_counter() - started)))


def serve(model: CountingModel, lifetime: float = LIFETIME_SECONDS) -> FakeOpenAI:
    """A fake OpenAI server answered by `model`, on 127.0.0.1, bounded in requests and time
    (`lifetime` seconds)."""
    return FakeOpenAI(then=model, max_requests=MAX_REQUESTS, lifetime=lifetime)


def _schema_name(request: Mapping[str, Any]) -> str | None:
    response_format = request.get("response_format") or {}
    if response_format.get("type") != "json_schema":
        return None
    return str(response_format["json_schema"].get("name"))


def _prompt_tokens(request: Mapping[str, Any], model: str) -> int:
    messages = [
        {"role": m["role"], "content": _text_of(m.get("content"))} for m in request["messages"]
    ]
    tokens = message_tokens(messages, model)
    response_format = request.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        tokens += billed_schema_tokens(response_format["json_schema"]["schema"], model)
    return tokens


def _text_of(content: object) -> str:
    """Message content as text (LangChain may send a list of parts)."""
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content or "")


def _last_user_text(request: Mapping[str, Any]) -> str:
    users = [m for m in request["messages"] if m.get("role") in ("user", "human")]
    return _text_of(users[-1].get("content")) if users else ""


def answer_content(request: Mapping[str, Any]) -> str:
    """The answer's content: JSON for a structured-output request, else plain text."""
    text = _last_user_text(request)
    name = _schema_name(request)
    if name is None:
        return _concise_summary(text)
    answer = _extraction(text) if name == "Extraction" else _summary(text)
    # Only what the schema asks for, compact, as models write JSON under structured outputs.
    fitted = fit_to_schema(answer, request["response_format"]["json_schema"]["schema"])
    return json.dumps(fitted, ensure_ascii=False, separators=(",", ":"))


def _passages(prompt: str) -> list[Block]:
    """The sources of a prompt: its tagged blocks (briefing's), else its "Article N:"
    sections (a stuffed prompt), else its whole text as one source (a chunk)."""
    tagged = [
        Block(source_ids=[match["id"]], paragraphs=match["text"].split("\n\n"))
        for match in _BLOCK.finditer(prompt)
    ]
    if tagged:
        return tagged
    sections = _ARTICLE.split(prompt)
    if len(sections) > 1:
        numbers, texts = sections[1::2], sections[2::2]
        return [
            Block(source_ids=[number], paragraphs=re.split(r"\n\s*\n", text.strip()))
            for number, text in zip(numbers, texts, strict=True)
        ]
    return [Block(source_ids=["1"], paragraphs=re.split(r"\n\s*\n", prompt.strip()))]


def _extraction(prompt: str) -> dict[str, Any]:
    """The offline engine's extraction of the passages in an extraction prompt, held to
    what the prompt asks of a model: quotes cut to 15 words (the offline engine quotes whole
    sentences), claims to one short sentence, no more claims and figures than the prompt's
    budget if it gives one (those cited by most sources first), and only the actors that
    speak, give a figure or are named in more than one source (the offline engine lists
    every country named)."""
    blocks = _passages(prompt)
    answer = extract_pack(Pack(blocks=blocks, tokens=0)).model_dump()
    for item in answer["claims"] + answer["figures"]:
        for evidence in item["evidence"]:
            evidence["quote"] = _QUOTE_WORDS.match(evidence["quote"]).group(0)
    for claim in answer["claims"]:
        claim["text"] = " ".join(claim["text"].split()[:CLAIM_WORDS])
    budget = _BUDGET.search(prompt)
    if budget:
        for kind in ("claims", "figures"):
            answer[kind] = _best_cited(answer[kind], int(budget[kind]))
    voices = {c["speaker"] for c in answer["claims"]} | {
        f["attributed_to"] for f in answer["figures"]
    }
    answer["actors"] = [
        actor for actor in answer["actors"] if actor["name"] in voices or len(actor["sources"]) > 1
    ]
    return answer


def _best_cited(items: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """The `limit` items cited by most sources, in their original order."""
    ranked = sorted(range(len(items)), key=lambda i: -len(items[i]["evidence"]))[:limit]
    return [items[i] for i in sorted(ranked)]


def _story(paragraphs: list[str], titles: list[str]) -> SummaryInput:
    passages = [Passage(text=p, source_ids=["x"]) for p in paragraphs if p.strip()]
    return SummaryInput(
        actors=[], claims=[], figures=[], disputes=[], passages=passages, titles=titles
    )


def _summary(facts: str) -> dict[str, Any]:
    """A headline and bullets from the facts of a summary prompt: the first headline, the
    first claims and the disputed figures, as given, each citing the id it was shown with."""
    sections: dict[str, list[str]] = defaultdict(list)
    heading = ""
    for line in facts.splitlines():
        if line.startswith("- "):
            sections[heading].append(line[2:])
        elif line.endswith(":"):
            heading = line[:-1]
    lines = sections["Claims"][:3] + sections["Disputed"][:2] or sections["Actors"][:3]
    bullets = [_cited(line) for line in lines]
    title = (sections["Headlines"] or [b["text"] for b in bullets] or ["Briefing"])[0]
    return {"title": title, "bullets": bullets}


def _cited(line: str) -> dict[str, Any]:
    """A fact line of the prompt ("[c1] speaker: text") as a bullet citing its id."""
    match = re.match(r"\[(\w+)\] (.*)", line)
    if match is None:
        return {"text": line, "facts": []}
    return {"text": match.group(2), "facts": [match.group(1)]}


def _concise_summary(text: str) -> str:
    """The central sentences of a plain-text prompt, as one paragraph."""
    summary = summarize_story(_story(re.split(r"\n\s*\n", text), []))
    return " ".join(bullet.text for bullet in summary.bullets) or text[:400]
