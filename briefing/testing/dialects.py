"""How the fake server (`briefing.testing.fake_openai`) plays each kind of real server.

    with FakeOpenAI(dialect=LLAMA_CPP.with_context(2_048)) as server:
        ...

A dialect answers the endpoints its real server has for saying what it is (llama.cpp's
`/props`, Ollama's `/api/show`, the model listing), refuses what its real server refuses
(strict JSON schemas, prompts longer than the context), in that server's words and
status, and reads only the output limit that server reads. Prompts are counted with
tiktoken times `tokenizer_ratio`, as a server counting with its model's own tokenizer
counts a little differently. What each real server does is summed up in
`briefing.engines.servers`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from briefing.tokens import count_tokens

CREATED = 1_752_400_000
Answer = tuple[int, dict[str, Any]]  # an HTTP status and a JSON body

# The words llama-cpp-python's server answers a `json_schema` response format with (HTTP 500).
_SCHEMA_REFUSAL = (
    "1 validation error: {'type': 'literal_error', 'loc': ('body', 'response_format', "
    "'type'), 'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema'}"
)


@dataclass(frozen=True)
class Dialect:
    """One kind of server, as the fake plays it (see the module docstring)."""

    name: str
    context: int | None = None
    takes_json_schema: bool = True
    reads_max_completion_tokens: bool = True
    tokenizer_ratio: float = 1.0
    slots: int = 1  # llama.cpp's server: requests it works on at once

    def with_context(self, context: int) -> Dialect:
        """The same server, started with another context size."""
        return replace(self, context=context)

    def describe(self, method: str, path: str, body: dict[str, Any]) -> Answer | None:
        """The answer to a request about the server itself, or None where it has no such
        endpoint (the fake then answers 404)."""
        if method == "GET" and path.endswith("/models"):
            return 200, self._listing()
        if self.name == "llama.cpp" and method == "GET" and path == "/props":
            settings = {"n_ctx": self.context}
            return 200, {"default_generation_settings": settings, "total_slots": self.slots}
        if self.name == "ollama" and method == "POST" and path == "/api/show":
            parameters = f"num_ctx                        {self.context}" if self.context else ""
            info = {"general.architecture": "gemma3", "gemma3.context_length": 32_768}
            return 200, {"parameters": parameters, "model_info": info, "details": {}}
        return None

    def _listing(self) -> dict[str, Any]:
        owner = {"openai": "system", "vllm": "vllm", "ollama": "library"}.get(self.name, "me")
        model: dict[str, Any] = {"id": "model", "object": "model", "created": CREATED}
        model["owned_by"] = owner
        if self.name == "vllm":
            model["max_model_len"] = self.context
        return {"object": "list", "data": [model]}

    def refuse(self, request: dict[str, Any]) -> Answer | None:
        """The server's refusal of a chat completion request, or None when it takes it."""
        response_format = request.get("response_format") or {}
        if not self.takes_json_schema and response_format.get("type") == "json_schema":
            return 500, _error(_SCHEMA_REFUSAL, "internal_server_error")
        if self.context is None or self.name in ("openai", "ollama"):
            return None  # Ollama cuts a prompt that is too long instead of refusing it
        prompt = self.prompt_tokens(request)
        wanted = self.output_limit(request) or 0
        if self.name == "llama.cpp" and prompt >= self.context:
            return 400, _llama_cpp_overflow(prompt, self.context)
        if self.name == "vllm" and prompt + wanted > self.context:
            return 400, _vllm_overflow(prompt, wanted, self.context)
        if self.name == "llama-cpp-python" and prompt >= self.context:
            if request.get("stream"):
                return 200, {}  # it fails after its headers: an event stream with no event
            return 400, _llama_cpp_python_overflow(prompt, wanted, self.context)
        return None

    def prompt_tokens(self, request: dict[str, Any]) -> int:
        """The request's prompt tokens as this server counts them."""
        model = str(request.get("model") or "gpt-5.4-mini")
        counted = sum(
            count_tokens(str(message.get("content") or ""), model) + 4
            for message in request.get("messages") or []
        )
        return math.ceil(counted * self.tokenizer_ratio)

    def output_limit(self, request: dict[str, Any]) -> int | None:
        """The output limit this server reads from the request (llama.cpp's servers read
        only `max_tokens`)."""
        limit = request.get("max_tokens")
        if limit is None and self.reads_max_completion_tokens:
            limit = request.get("max_completion_tokens")
        return int(limit) if limit is not None else None


def _error(message: str, kind: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def _llama_cpp_overflow(prompt: int, context: int) -> dict[str, Any]:
    message = "the request exceeds the available context size, try increasing it"
    error = {"code": 400, "message": message, "type": "exceed_context_size_error"}
    return {"error": {**error, "n_prompt_tokens": prompt, "n_ctx": context}}


def _llama_cpp_python_overflow(prompt: int, wanted: int, context: int) -> dict[str, Any]:
    message = (
        f"This model's maximum context length is {context} tokens. However, you requested "
        f"{prompt + wanted} tokens ({prompt} in the messages, {wanted} in the completion). "
        "Please reduce the length of the messages or completion."
    )
    return _error(message, "invalid_request_error", "context_length_exceeded")


def _vllm_overflow(prompt: int, wanted: int, context: int) -> dict[str, Any]:
    message = (
        f"This model's maximum context length is {context} tokens. However, you requested "
        f"{prompt + wanted} tokens ({prompt} in the messages, {wanted} in the completion). "
        "Please reduce the length of the messages or completion."
    )
    return {"object": "error", "message": message, "type": "BadRequestError", "code": 400}


OPENAI = Dialect("openai")
# llama.cpp's server as issue 22 met it: its context readable at /props, strict schemas
# refused in llama-cpp-python's words, `max_completion_tokens` ignored.
LLAMA_CPP = Dialect(
    "llama.cpp",
    context=8_192,
    takes_json_schema=False,
    reads_max_completion_tokens=False,
    tokenizer_ratio=1.05,
)
# llama-cpp-python's server: no way to read its context (2,048 tokens unless started with
# another), which it names when it refuses a prompt as too long; asked to stream, it ends
# the event stream of such a prompt without an event instead.
LLAMA_CPP_PYTHON = Dialect(
    "llama-cpp-python",
    context=2_048,
    takes_json_schema=False,
    reads_max_completion_tokens=False,
    tokenizer_ratio=1.05,
)
OLLAMA = Dialect("ollama", context=4_096, tokenizer_ratio=1.05)
VLLM = Dialect("vllm", context=4_096, tokenizer_ratio=1.05)
