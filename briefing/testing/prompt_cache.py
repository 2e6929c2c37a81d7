"""A provider prompt cache as OpenAI describes it, for the fake server's usage blocks.

A request's prompt (the structured-output schema, then the messages in order) is cached in
blocks: the first 1,024 tokens, then every further 128. A later request is billed
`cached_tokens` for the longest run of whole blocks its prompt shares with one seen
before, from the start, so nothing is cached below 1,024 identical leading tokens.
Requests with different `prompt_cache_key`s (or models) never share a cache.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from typing import Any

from briefing.engines.prompting import CACHE_MIN_TOKENS, CACHE_STEP_TOKENS
from briefing.tokens import encoding_for


def _prompt_text(request: Mapping[str, Any]) -> list[str]:
    """The parts of a request's prompt in the order a provider caches them."""
    parts: list[str] = []
    response_format = request.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        parts.append(json.dumps(response_format["json_schema"], sort_keys=True))
    for message in request.get("messages", []):
        content = message.get("content")
        text = content if isinstance(content, str) else json.dumps(content, sort_keys=True)
        parts.append(f"<|{message.get('role')}|>{text}")
    return parts


class PromptCache:
    """Which leading blocks of earlier prompts were seen; thread-safe."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def cached_tokens(self, request: Mapping[str, Any]) -> int:
        """Tokens of `request`'s prompt served from the cache; remembers its blocks."""
        model = str(request.get("model") or "")
        tokens: list[int] = []
        encoding = encoding_for(model or None)
        for part in _prompt_text(request):
            tokens.extend(encoding.encode(part, disallowed_special=()))
        digest = hashlib.sha256(f"{model}\0{request.get('prompt_cache_key') or ''}".encode())
        ends = range(CACHE_MIN_TOKENS, len(tokens) + 1, CACHE_STEP_TOKENS)
        block_keys: list[tuple[int, str]] = []
        start = 0
        for end in ends:
            digest.update(json.dumps(tokens[start:end]).encode())
            block_keys.append((end, digest.copy().hexdigest()))
            start = end
        with self._lock:
            cached = 0
            for end, key in block_keys:
                if key not in self._seen:
                    break
                cached = end
            self._seen.update(key for _, key in block_keys)
        return cached

    def clear(self) -> None:
        """Forget every prompt seen."""
        with self._lock:
            self._seen.clear()
