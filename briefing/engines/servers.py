"""What an OpenAI-compatible server can do, found by asking it rather than by flags.

Servers speak dialects of the OpenAI API, and each says how large its context is in its
own way (checked against each project's documentation):

- llama.cpp's server (`llama-server`): `GET /props` has `default_generation_settings.n_ctx`,
  the context of one slot. It answers in JSON mode with `response_format.schema`.
- Ollama: `POST /api/show` at the server root (not under /v1) with the model's name; the
  context is `num_ctx` among the model's `parameters` when its Modelfile sets one, else
  Ollama's default (4,096 tokens on machines with under 24 GiB of VRAM), never above the
  model's own `<architecture>.context_length`. Ollama cuts a longer prompt silently instead
  of refusing it, so packs must be sized to it. Its OpenAI endpoint takes `json_schema`.
- vLLM: `GET /v1/models` gives each model's `max_model_len`; it takes `json_schema`
  (guided decoding) and refuses a prompt plus `max_tokens` longer than the context.
- A server that lists the model as owned by OpenAI ("system", "openai": the OpenAI API, or
  a proxy in front of it) is spoken to as the OpenAI API.
- Anything else (llama-cpp-python, LM Studio): the context is unknown unless `--context N`
  says it; llama-cpp-python names it when it refuses a prompt as too long.

A server on this machine or the local network that is not known to take many requests
at once (llama.cpp's server says how many slots it has) is sent one request at a time:
others wait their turn in the engine rather than in the server's queue, where a streamed
answer would stay silent past --timeout. Its answers are streamed, as the local dialects'
are, even when it speaks no dialect this module knows: it is most likely a model on a CPU
(llama-cpp-python writes 10 to 30 tokens a second on two cores).

Whether the server takes strict JSON schemas is learned from its first answer (see the
openai engine). The facts are remembered per base URL and model in the response cache,
so a second run probes nothing.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx2
from pydantic import BaseModel

log = logging.getLogger(__name__)

Dialect = Literal["openai", "llama.cpp", "ollama", "vllm", "compatible"]
# Servers that run models on the user's own machine: slow, so answers are streamed.
LOCAL_DIALECTS = frozenset({"llama.cpp", "ollama", "vllm"})
OPENAI_HOST = "api.openai.com"
OPENAI_OWNERS = frozenset({"openai", "system", "openai-internal"})
OLLAMA_DEFAULT_CONTEXT = 4_096
PROBE_TIMEOUT_SECONDS = 5.0
# Part of the cache key a server's facts are remembered under: bump it when the probe
# learns something new, so servers probed before are probed again.
FACTS_VERSION = 2

_NUM_CTX = re.compile(r"^\s*num_ctx\s+(\d+)\s*$", re.MULTILINE)


class ServerFacts(BaseModel):
    """What a server is and can do: its dialect, its context in tokens (None: unknown),
    whether it takes strict JSON schemas (None: not known until its first answer), how
    many requests it works on at once (None: as many as --concurrency sends) and whether
    it is one box on this machine or network rather than a service."""

    dialect: Dialect = "compatible"
    context: int | None = None
    json_schema: bool | None = None
    slots: int | None = None
    one_box: bool = False

    @property
    def is_local(self) -> bool:
        """True for servers that run models on the user's machine (streamed, fewer retries):
        the local dialects', and any compatible server on this machine or network
        (llama-cpp-python, LM Studio)."""
        return self.dialect in LOCAL_DIALECTS or self.one_box


def is_openai(base_url: str | None) -> bool:
    """True for the OpenAI API itself (no base URL, or one on its host)."""
    return base_url is None or urlsplit(base_url).hostname == OPENAI_HOST


def is_on_this_network(base_url: str) -> bool:
    """True for a server on this machine or a private network (one box, not a service)."""
    host = urlsplit(base_url).hostname or ""
    if host == "localhost" or host.endswith(".local"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def server_root(base_url: str) -> str:
    """The base URL without its trailing /v1, where native APIs (Ollama's /api) live."""
    trimmed = base_url.rstrip("/")
    return trimmed[: -len("/v1")] if trimmed.endswith("/v1") else trimmed


def probe(base_url: str, model: str, *, timeout: float = PROBE_TIMEOUT_SECONDS) -> ServerFacts:
    """Ask the server at `base_url` which dialect it speaks and how large its context is.

    Each dialect's endpoint is tried in turn; a server that answers none of them (or cannot
    be reached: the first call will say so) is a plain compatible server of unknown context.
    """
    if is_openai(base_url):
        return ServerFacts(dialect="openai", json_schema=True)
    facts = _asked(base_url, model, timeout) or ServerFacts()
    if facts.dialect not in ("vllm", "openai") and is_on_this_network(base_url):
        facts = facts.model_copy(update={"one_box": True, "slots": facts.slots or 1})
    log.info("%s: %s", base_url, facts)
    return facts


def _asked(base_url: str, model: str, timeout: float) -> ServerFacts | None:
    """The facts of the first dialect whose endpoint answers, or None."""
    with httpx2.Client(timeout=timeout) as client:
        for ask in (_llama_cpp, _ollama, _listed_model):
            try:
                facts = ask(client, base_url, model)
            except (httpx2.HTTPError, ValueError, TypeError, KeyError, AttributeError):
                continue
            if facts is not None:
                return facts
    return None


def _json(response: httpx2.Response) -> Any:
    response.raise_for_status()
    return response.json()


def _llama_cpp(client: httpx2.Client, base_url: str, model: str) -> ServerFacts | None:
    props = _json(client.get(f"{server_root(base_url)}/props"))
    settings = props.get("default_generation_settings") or {}
    context = settings.get("n_ctx") or props.get("n_ctx")
    if not context:
        return None
    slots = props.get("total_slots")
    return ServerFacts(
        dialect="llama.cpp", context=int(context), slots=int(slots) if slots else None
    )


def _ollama(client: httpx2.Client, base_url: str, model: str) -> ServerFacts | None:
    shown = _json(client.post(f"{server_root(base_url)}/api/show", json={"model": model}))
    if "model_info" not in shown and "parameters" not in shown:
        return None
    trained = [
        int(value)
        for key, value in (shown.get("model_info") or {}).items()
        if key.endswith(".context_length")
    ]
    configured = _NUM_CTX.search(shown.get("parameters") or "")
    context = int(configured.group(1)) if configured else OLLAMA_DEFAULT_CONTEXT
    return ServerFacts(dialect="ollama", context=min([context, *trained]), json_schema=True)


def _listed_model(client: httpx2.Client, base_url: str, model: str) -> ServerFacts | None:
    """vLLM (its model's `max_model_len`) or OpenAI (its owner), from the model listing."""
    listed = _json(client.get(f"{base_url.rstrip('/')}/models")).get("data") or []
    entry = next((item for item in listed if item.get("id") == model), listed[0] if listed else {})
    if entry.get("max_model_len"):
        return ServerFacts(dialect="vllm", context=int(entry["max_model_len"]), json_schema=True)
    if entry.get("owned_by") in OPENAI_OWNERS:
        return ServerFacts(dialect="openai", json_schema=True)
    return None
