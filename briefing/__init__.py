"""briefing: turn a pile of news articles from several outlets into a sourced briefing.

>>> from briefing import build, render
>>> briefing = build(["examples/wonsan-2025-07"])
>>> print(render(briefing, "md"))
"""

from importlib.metadata import PackageNotFoundError, version

from briefing.config import Options
from briefing.daily import daily, plan_daily
from briefing.errors import BriefingError, NothingUsable
from briefing.pipeline import build, plan
from briefing.render import render
from briefing.schema import (
    Actor,
    Article,
    Briefing,
    Claim,
    Daily,
    Dispute,
    DisputeVersion,
    Evidence,
    Figure,
    OtherReport,
    Skipped,
    Source,
    Stats,
    Story,
)

try:
    __version__ = version("briefing")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = [
    "Actor",
    "Article",
    "Briefing",
    "BriefingError",
    "Claim",
    "Daily",
    "Dispute",
    "DisputeVersion",
    "Evidence",
    "Figure",
    "NothingUsable",
    "Options",
    "OtherReport",
    "Skipped",
    "Source",
    "Stats",
    "Story",
    "__version__",
    "build",
    "daily",
    "plan",
    "plan_daily",
    "render",
]
