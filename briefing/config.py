"""Run options, read from the command line and the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr

DEFAULT_MODEL = "gpt-5.4-mini"
DEFAULT_BUDGET = 12_000
DEFAULT_CONCURRENCY = 16
DEFAULT_MAX_FILE_BYTES = 20_000_000
DEFAULT_MAX_ARTICLES = 20_000
DEFAULT_TIMEOUT_SECONDS = 300.0
DEFAULT_FETCH_TIMEOUT = 20.0
DEFAULT_RETRY_BUDGET_SECONDS = 180.0

EngineName = Literal["auto", "openai", "offline"]
Detail = Literal["brief", "full"]


class Options(BaseModel):
    """Everything that shapes a run. Build one with `Options.from_env(...)`."""

    engine: EngineName = "auto"
    model: str = DEFAULT_MODEL
    base_url: str | None = None
    api_key: SecretStr | None = Field(default=None, repr=False)
    budget: int = Field(default=DEFAULT_BUDGET, gt=0)
    # The server's context in tokens, when it cannot be read from the server itself.
    context: int | None = Field(default=None, gt=0)
    concurrency: int = Field(default=DEFAULT_CONCURRENCY, gt=0)
    timeout: float = Field(default=DEFAULT_TIMEOUT_SECONDS, gt=0)
    retry_budget: float = Field(default=DEFAULT_RETRY_BUDGET_SECONDS, ge=0)
    max_cost: float | None = Field(default=None, ge=0)
    dry_run: bool = False
    use_cache: bool = True
    cache_dir: Path | None = None
    record: Path | None = None
    replay: Path | None = None
    schema_mode: Literal["strict", "json"] = "strict"
    # OpenAI's processing tier for synchronous calls: "flex" is half price, slower, and may
    # answer 429 "resource unavailable" more often (retried like any rate limit).
    service_tier: Literal["auto", "default", "flex"] | None = None
    # Extraction packs go through the Batch API (half price, answers within 24 hours).
    batch: bool = False
    max_file_bytes: int = Field(default=DEFAULT_MAX_FILE_BYTES, gt=0)
    max_articles: int = Field(default=DEFAULT_MAX_ARTICLES, gt=0)
    detail: Detail = Field(
        default="brief",
        description="How Markdown and HTML show a briefing: `brief`, the key section first "
        "and every other item in an appendix; `full`, every item in one list.",
    )
    fetch_timeout: float = Field(default=DEFAULT_FETCH_TIMEOUT, gt=0)  # per URL, all told
    follow: bool = False  # fetch the page of each feed item that is only a teaser
    include: tuple[str, ...] = ()  # globs: read only matching files (--include)
    exclude: tuple[str, ...] = ()  # globs: never read matching files or folders (--exclude)

    @classmethod
    def from_env(cls, **overrides: object) -> Options:
        """Options from OPENAI_API_KEY, OPENAI_BASE_URL, BRIEFING_MODEL, BRIEFING_CACHE_DIR,
        with explicit `overrides` (command-line flags) taking precedence; None means unset."""
        values: dict[str, object] = {
            "api_key": os.environ.get("OPENAI_API_KEY") or None,
            "base_url": os.environ.get("OPENAI_BASE_URL") or None,
            "model": os.environ.get("BRIEFING_MODEL") or DEFAULT_MODEL,
            "cache_dir": os.environ.get("BRIEFING_CACHE_DIR") or None,
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls.model_validate(values)

    @property
    def fetch_cache_dir(self) -> Path | None:
        """Where fetched pages are cached: the cache dir, or None with ``--no-cache``."""
        if not self.use_cache:
            return None
        from briefing.cache import default_cache_dir

        return self.cache_dir or default_cache_dir()

    @property
    def resolved_engine(self) -> Literal["openai", "offline"]:
        """The engine `auto` stands for: openai when a key, base URL or replay is set."""
        if self.engine != "auto":
            return self.engine
        if self.api_key or self.base_url or self.replay:
            return "openai"
        return "offline"
