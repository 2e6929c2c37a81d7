"""What model calls cost: a small per-model price table that users can override.

Prices are USD per million tokens: fresh input, cached input (served from the provider's
prompt cache) and output (which includes reasoning tokens). Override or extend the table
with `BRIEFING_PRICES`: either inline JSON or the path of a JSON or TOML file mapping a
model name to `{"input": …, "cached_input": …, "output": …}`.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import tomllib
from pathlib import Path

from pydantic import BaseModel, ValidationError

from briefing.errors import BriefingError

log = logging.getLogger(__name__)

PRICES_ENV = "BRIEFING_PRICES"
# The Batch API and the flex service tier bill every token at half the standard price.
DISCOUNTED_TIERS = {"batch": 0.5, "flex": 0.5}
_DATED_SNAPSHOT = re.compile(r"-\d{4}-\d{2}-\d{2}$")


class Price(BaseModel):
    """USD per million tokens."""

    input: float
    cached_input: float
    output: float


DEFAULT_PRICES: dict[str, Price] = {
    "gpt-5.4-mini": Price(input=0.75, cached_input=0.075, output=4.50),
    "gpt-5.4-nano": Price(input=0.20, cached_input=0.02, output=1.25),
    "gpt-5-mini": Price(input=0.25, cached_input=0.025, output=2.00),
    "gpt-5-nano": Price(input=0.05, cached_input=0.005, output=0.40),
    "gpt-4.1-mini": Price(input=0.40, cached_input=0.10, output=1.60),
    "gpt-4.1-nano": Price(input=0.10, cached_input=0.025, output=0.40),
    "gpt-4o-mini": Price(input=0.15, cached_input=0.075, output=0.60),
}


def _read_overrides(setting: str) -> dict[str, Price]:
    """Parse the BRIEFING_PRICES value: inline JSON, or a .json / .toml file."""
    try:
        if setting.lstrip().startswith("{"):
            raw = json.loads(setting)
        else:
            path = Path(setting).expanduser()
            text = path.read_text(encoding="utf-8")
            raw = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
        return {model: Price.model_validate(price) for model, price in raw.items()}
    except (OSError, ValueError, ValidationError, AttributeError) as error:
        raise BriefingError(
            f"{PRICES_ENV} could not be read ({type(error).__name__}): give inline JSON or a "
            "JSON/TOML file mapping each model to input, cached_input and output USD per 1M tokens."
        ) from error


@functools.cache
def price_table(setting: str | None = None) -> dict[str, Price]:
    """The default prices with the overrides from `setting` (a BRIEFING_PRICES value) applied."""
    return {**DEFAULT_PRICES, **(_read_overrides(setting) if setting else {})}


@functools.cache
def _warn_unpriced(model: str) -> None:
    log.warning(
        "no price known for model %s, so costs show as $0; add it with %s", model, PRICES_ENV
    )


def price_of(model: str) -> Price | None:
    """The price of `model` (a dated snapshot falls back to its base name), None if unknown."""
    table = price_table(os.environ.get(PRICES_ENV) or None)
    price = table.get(model) or table.get(_DATED_SNAPSHOT.sub("", model))
    if price is None:
        _warn_unpriced(model)
    return price


def cost_usd(
    model: str,
    prompt_tokens: int,
    cached_prompt_tokens: int,
    completion_tokens: int,
    *,
    tier: str = "default",
) -> float:
    """What the tokens of one or more calls cost; 0 for a model with no known price.

    `tier` "batch" (the Batch API) or "flex" (the flex service tier) bills at half price.
    """
    price = price_of(model)
    if price is None:
        return 0.0
    fresh = prompt_tokens - cached_prompt_tokens
    total = (
        fresh * price.input
        + cached_prompt_tokens * price.cached_input
        + completion_tokens * price.output
    )
    return total * DISCOUNTED_TIERS.get(tier, 1.0) / 1_000_000
