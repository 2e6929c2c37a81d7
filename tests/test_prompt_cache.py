"""The fake server's prompt cache: cached tokens for identical prefixes, as OpenAI bills them."""

from __future__ import annotations

from briefing.engines.prompting import CACHE_MIN_TOKENS, CACHE_STEP_TOKENS, cacheable_tokens
from briefing.testing.prompt_cache import PromptCache

STATIC = " ".join(f"word{number}" for number in range(900))  # well over 1,024 tokens


def request(user: str, *, system: str = STATIC, key: str | None = "k") -> dict[str, object]:
    return {
        "model": "gpt-5.4-mini",
        "prompt_cache_key": key,
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
    }


def test_a_repeated_static_prefix_is_cached_in_whole_blocks():
    cache = PromptCache()
    assert cache.cached_tokens(request("first pack")) == 0
    cached = cache.cached_tokens(request("second pack"))
    assert cached >= CACHE_MIN_TOKENS
    assert (cached - CACHE_MIN_TOKENS) % CACHE_STEP_TOKENS == 0


def test_a_prefix_that_differs_early_or_is_short_is_not_cached():
    cache = PromptCache()
    cache.cached_tokens(request("a", system="short instructions"))
    assert cache.cached_tokens(request("b", system="short instructions")) == 0
    cache.cached_tokens(request("a"))
    assert cache.cached_tokens(request("a", system="KEY=1 " + STATIC)) == 0


def test_another_cache_key_does_not_share_the_cache():
    cache = PromptCache()
    cache.cached_tokens(request("a", key="one"))
    assert cache.cached_tokens(request("b", key="two")) == 0
    cache.clear()
    assert cache.cached_tokens(request("b", key="one")) == 0


def test_cacheable_tokens_rounds_down_to_whole_blocks():
    assert cacheable_tokens(CACHE_MIN_TOKENS - 1) == 0
    assert cacheable_tokens(CACHE_MIN_TOKENS + CACHE_STEP_TOKENS + 5) == 1_152
