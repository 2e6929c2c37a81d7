"""Engines turn packs into extractions. `select_engine` picks one from the options."""

from __future__ import annotations

from briefing.config import Options
from briefing.engines.base import Engine, ExtractionFailed, PackTooLong, SummaryInput, Usage

__all__ = [
    "Engine",
    "ExtractionFailed",
    "PackTooLong",
    "SummaryInput",
    "Usage",
    "select_engine",
]


def select_engine(options: Options) -> Engine:
    """The engine the options ask for (`auto`: openai with a key or base URL, else offline)."""
    if options.resolved_engine == "openai":
        from briefing.engines.openai import OpenAIEngine

        return OpenAIEngine(options)
    from briefing.engines.offline import OfflineEngine

    return OfflineEngine()
