"""Errors a user can act on. Each message says what went wrong and what to do next."""

from __future__ import annotations

from briefing.schema import Skipped


class BriefingError(Exception):
    """A usage or configuration problem (exit code 1)."""


class NothingUsable(BriefingError):
    """No input could be used (exit code 2). `skipped` says why for each input."""

    def __init__(self, skipped: list[Skipped]) -> None:
        reasons = "; ".join(f"{item.path}: {item.reason}" for item in skipped[:5])
        more = f" (and {len(skipped) - 5} more)" if len(skipped) > 5 else ""
        super().__init__(
            "nothing usable in the input"
            + (f": {reasons}{more}" if skipped else ": no files given")
        )
        self.skipped = skipped
