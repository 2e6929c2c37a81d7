"""The messages the openai engine sends, rendered from the Jinja templates in `prompts/`.

Layout, for provider prompt caching: the system message is static (instructions, a worked
example, plus the schema in JSON mode), so every call shares it as a prefix, and with the
schema it is over the 1,024 tokens a provider needs before it caches anything; the pack
text comes last, in the user message, after the per-pack key. The worked example is there
for OpenAI's cache: other servers get the same instructions without it, as on a local
server it would only take context from the pack text. Each block of article text
sits between tags named with a key derived from a hash of the pack, which article text
cannot predict and so cannot forge. Sources are shown as short labels (S1, S2 …), which
the engine maps back to source ids.

Nothing here depends on file locations, the clock or dict order: the same pack always
renders to the same bytes, which keeps cache keys and recorded cassettes stable.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, TypeVar

from jinja2 import Environment, PackageLoader, StrictUndefined
from pydantic import BaseModel

from briefing.engines.base import SummaryInput
from briefing.pack import Pack
from briefing.schema import OUTPUT_ONLY, Actor, Claim, Dispute, Figure
from briefing.tokens import count_tokens, count_tokens_each

# Part of every cache key: bump it when a prompt or the way answers are read changes meaning.
PROMPT_VERSION = "2026-12.2"
KEY_HEX_DIGITS = 10
# Providers cache a prompt's first 1,024 identical tokens, then each further 128 (OpenAI).
CACHE_MIN_TOKENS = 1_024
CACHE_STEP_TOKENS = 128
# Chat framing per message and for priming the reply, as in OpenAI's token-counting guide.
TOKENS_PER_MESSAGE = 3
TOKENS_FOR_REPLY = 3
# Empirically the API bills a strict schema as its JSON without these keys, plus 9 tokens.
_UNBILLED_SCHEMA_KEYS = frozenset({"required", "additionalProperties", "$schema"})
SCHEMA_FRAMING_TOKENS = 9

# The answer budget grows with the distinct text a pack shows: a briefing is read instead of
# the articles, and output tokens cost several times input tokens. Counted in words, not
# tokens, so the request is the same whichever tokenizer is installed.
WORDS_PER_CLAIM = 225
WORDS_PER_FIGURE = 450
MIN_CLAIMS = 8
MIN_FIGURES = 4

# Servers that turn the schema into a grammar (llama.cpp's) let a model write until the
# grammar allows it to stop: a small model looping inside a string or a list fills the whole
# context. So the schema they get closes every string and list the answer fills, each
# limit well above what the instructions ask for (quotes of 4 to 15 words, short sentences).
STRING_CHARACTERS = {
    "quote": 160,
    "text": 240,
    "title": 160,
    "value": 60,
    "source_id": 8,
    "facts": 8,
}
DEFAULT_STRING_CHARACTERS = 80
LIST_ITEMS = {"aliases": 3, "evidence": 3, "bullets": 5, "facts": 6}

MAX_SUMMARY_TITLES = 5
MAX_SUMMARY_ACTORS = 10
MAX_SUMMARY_CLAIMS = 10
MAX_SUMMARY_FIGURES = 6
MAX_SUMMARY_DISPUTES = 5

Message = dict[str, str]
Model = TypeVar("Model", bound=BaseModel)

_templates = Environment(
    loader=PackageLoader("briefing.prompts", "."),
    undefined=StrictUndefined,
    autoescape=False,  # prompts are plain text; the delimiters, not escaping, fence the data
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
)


class LabelledArticle(BaseModel):
    """One article's paragraphs in a pack, under its source label.

    Wire copy shared with other sources is shown only under the article that owns it; code
    cites the other carriers afterwards (`briefing.verify.cite_every_carrier`), so a pack's
    prompt does not change when another article repeats one of its paragraphs.
    """

    label: str
    paragraphs: list[str]


class AnswerBudget(BaseModel):
    """The most claims and figures an extraction answer should hold."""

    claims: int
    figures: int


class ExtractPrompt(BaseModel):
    """The messages for one pack, the label → source id map to read the answer with, and
    the answer budget its BUDGET line states."""

    messages: list[Message]
    sources: dict[str, str]
    budget: AnswerBudget


def _render(name: str, **values: object) -> str:
    return _templates.get_template(name).render(**values).strip()


def _without_keys(node: Any, dropped: frozenset[str]) -> Any:
    """A copy of a JSON schema without annotation keys; field names under properties stay."""
    if isinstance(node, list):
        return [_without_keys(item, dropped) for item in node]
    if not isinstance(node, dict):
        return node
    kept: dict[str, Any] = {}
    for key, value in node.items():
        if key in dropped:
            continue
        if key in ("properties", "$defs"):
            kept[key] = {name: _without_keys(sub, dropped) for name, sub in value.items()}
        else:
            kept[key] = _without_keys(value, dropped)
    return kept


def _is_output_only(property_schema: Any) -> bool:
    return isinstance(property_schema, dict) and all(
        property_schema.get(mark) == flag for mark, flag in OUTPUT_ONLY.items()
    )


def _without_output_only(node: Any) -> Any:
    """A copy of a JSON schema without the properties code fills after the model answers
    (those marked `OUTPUT_ONLY` in `briefing.schema`)."""
    if isinstance(node, list):
        return [_without_output_only(item) for item in node]
    if not isinstance(node, dict):
        return node
    kept: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            kept[key] = {
                name: _without_output_only(sub)
                for name, sub in value.items()
                if not _is_output_only(sub)
            }
        else:
            kept[key] = _without_output_only(value)
    if "required" in kept and "properties" in kept:
        kept["required"] = [name for name in kept["required"] if name in kept["properties"]]
    return kept


def compact_response_model(model: type[Model]) -> type[Model]:
    """A subclass of `model` whose JSON schema is what the model fills, and nothing more:
    no titles or descriptions, and none of the fields code fills afterwards.

    The schema is billed as prompt tokens on every call; the field names and the system
    prompt already say what each field means, so the annotations are pure cost.
    """

    def model_json_schema(cls: type[Model], *args: Any, **kwargs: Any) -> dict[str, Any]:
        schema = _without_output_only(model.model_json_schema(*args, **kwargs))
        return _without_keys(schema, frozenset({"title", "description"}))

    namespace: dict[str, Any] = {"__module__": __name__, "__doc__": model.__doc__}
    namespace["model_json_schema"] = classmethod(model_json_schema)
    return type(model.__name__, (model,), namespace)


def limited_schema(schema: dict[str, Any], items: dict[str, int]) -> dict[str, Any]:
    """`schema` with every string and list closed (see `STRING_CHARACTERS`): strings by
    their property's name, lists by `items` or `LIST_ITEMS`, for servers that decode under a
    grammar made from the schema."""
    return _limited(schema, "", {**LIST_ITEMS, **items})


def _limited(node: Any, name: str, items: dict[str, int]) -> Any:
    if isinstance(node, list):
        return [_limited(item, name, items) for item in node]
    if not isinstance(node, dict):
        return node
    kept: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "$defs"):
            kept[key] = {child: _limited(sub, child, items) for child, sub in value.items()}
        else:
            kept[key] = _limited(value, name, items)
    if kept.get("type") == "string" and "enum" not in kept:
        kept["maxLength"] = STRING_CHARACTERS.get(name, DEFAULT_STRING_CHARACTERS)
    if kept.get("type") == "array" and name in items:
        kept["maxItems"] = items[name]
    return kept


def extraction_items(pack: Pack) -> dict[str, int]:
    """The most actors, claims and figures the grammar lets an answer about `pack` hold:
    its BUDGET line's, and as many actors as claims."""
    budget = pack_budget(pack)
    return {"actors": budget.claims, "claims": budget.claims, "figures": budget.figures}


def schema_text(model: type[BaseModel]) -> str:
    """The model's JSON schema as compact text, for JSON mode where it goes in the prompt."""
    return json.dumps(model.model_json_schema(), separators=(",", ":"))


def billed_schema_tokens(strict_schema: dict[str, Any], model: str) -> int:
    """Prompt tokens the API bills for sending `strict_schema` as a structured-output format."""
    billed = _without_keys(strict_schema, _UNBILLED_SCHEMA_KEYS)
    return count_tokens(json.dumps(billed), model) + SCHEMA_FRAMING_TOKENS


def cacheable_tokens(prefix_tokens: int) -> int:
    """How many of a static prefix of `prefix_tokens` a provider serves from its cache once
    it has seen it: whole blocks only, nothing below the minimum."""
    if prefix_tokens < CACHE_MIN_TOKENS:
        return 0
    return prefix_tokens - (prefix_tokens - CACHE_MIN_TOKENS) % CACHE_STEP_TOKENS


def prompt_cache_key(kind: str) -> str:
    """The `prompt_cache_key` of a kind of call: the same for every call of that kind and
    prompt version, so the provider routes them to the machine that caches their prefix."""
    return f"briefing-{kind}-{PROMPT_VERSION}"


def message_tokens(messages: list[Message], model: str) -> int:
    """Prompt tokens `messages` take, chat framing included."""
    [tokens] = message_tokens_each([messages], model)
    return tokens


def message_tokens_each(conversations: list[list[Message]], model: str) -> list[int]:
    """Prompt tokens each list of messages takes, chat framing included (as
    `message_tokens`, with the contents of all of them counted in one batch)."""
    contents = [message["content"] for messages in conversations for message in messages]
    sizes = iter(count_tokens_each(contents, model))
    return [
        sum(next(sizes) for _ in messages) + TOKENS_PER_MESSAGE * len(messages) + TOKENS_FOR_REPLY
        for messages in conversations
    ]


def pack_key(pack: Pack) -> str:
    """The delimiter key of a pack: a hash of its text and articles, unknowable to its authors.

    It depends on nothing else (not the token estimate, which varies with the tokenizer), so
    the same articles always give the same request.
    """
    return _key_of(_labelled_articles(pack, source_labels(pack)))


def _key_of(articles: list[LabelledArticle]) -> str:
    shown = [[article.label, article.paragraphs] for article in articles]
    digest = hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()
    return digest[:KEY_HEX_DIGITS]


def source_labels(pack: Pack) -> dict[str, str]:
    """Short labels S1, S2 … for the articles whose paragraphs the pack shows, in order."""
    return {source_id: f"S{number}" for number, source_id in enumerate(pack.owner_ids, 1)}


def _labelled_articles(pack: Pack, labels: dict[str, str]) -> list[LabelledArticle]:
    articles: list[LabelledArticle] = []
    for block in pack.blocks:
        owner = labels[block.source_ids[0]]
        if not articles or articles[-1].label != owner:
            articles.append(LabelledArticle(label=owner, paragraphs=[]))
        articles[-1].paragraphs.extend(block.paragraphs)
    return articles


def answer_budget(articles: list[LabelledArticle]) -> AnswerBudget:
    """How many claims and figures to ask for, in proportion to the words shown."""
    words = sum(len(paragraph.split()) for article in articles for paragraph in article.paragraphs)
    return AnswerBudget(
        claims=max(MIN_CLAIMS, words // WORDS_PER_CLAIM),
        figures=max(MIN_FIGURES, words // WORDS_PER_FIGURE),
    )


def pack_budget(pack: Pack) -> AnswerBudget:
    """The answer budget the extraction prompt of `pack` states (its BUDGET line)."""
    return answer_budget(_labelled_articles(pack, source_labels(pack)))


def extract_prompt(pack: Pack, schema: str | None = None, *, example: bool = True) -> ExtractPrompt:
    """The messages that ask for an `Extraction` of `pack` (`schema` only in JSON mode; the
    worked example only where it pays, see the module docstring)."""
    labels = source_labels(pack)
    blocks = _labelled_articles(pack, labels)
    budget = answer_budget(blocks)
    user = _render("extract.user.j2", key=_key_of(blocks), budget=budget, blocks=blocks)
    system = _render("extract.system.j2", schema=schema, example=example)
    return ExtractPrompt(
        messages=[
            {"role": "system", "content": system},
            {"role": "user", "content": user},
        ],
        sources={label: source_id for source_id, label in labels.items()},
        budget=budget,
    )


def reask_message(problem: str, *, shorter: bool = False) -> Message:
    """The follow-up that asks again after an unusable answer, saying what was wrong."""
    return {"role": "user", "content": _render("reask.user.j2", problem=problem, shorter=shorter)}


def _most_sourced_actors(actors: list[Actor]) -> list[Actor]:
    return sorted(actors, key=lambda actor: -len(actor.sources))[:MAX_SUMMARY_ACTORS]


def _best_evidenced(items: list[Claim] | list[Figure], limit: int) -> list[Any]:
    return sorted(items, key=lambda item: -len(item.evidence))[:limit]


def _undisputed(figures: list[Figure], disputes: list[Dispute]) -> list[Figure]:
    """Figures not already shown as a side of a dispute."""
    disputed = {version.value for dispute in disputes for version in dispute.versions}
    return [figure for figure in figures if figure.value not in disputed]


def summary_messages(story: SummaryInput, schema: str | None = None) -> list[Message]:
    """The messages that ask for a `Summary` of the reconciled story (not its raw text)."""
    facts = _render(
        "summarize.user.j2",
        titles=story.titles[:MAX_SUMMARY_TITLES],
        actors=_most_sourced_actors(story.actors),
        claims=_best_evidenced(story.claims, MAX_SUMMARY_CLAIMS),
        figures=_best_evidenced(_undisputed(story.figures, story.disputes), MAX_SUMMARY_FIGURES),
        disputes=story.disputes[:MAX_SUMMARY_DISPUTES],
    )
    return [
        {"role": "system", "content": _render("summarize.system.j2", schema=schema)},
        {"role": "user", "content": facts or "No facts were extracted."},
    ]
