"""Test helpers for code built on briefing: a fake OpenAI-compatible server, scripted
replies and faults, test clocks and a fake model that plants drift. They ship in the wheel
and need nothing beyond briefing's own dependencies.

    from briefing import Options, build
    from briefing.testing import FakeOpenAI, error_reply

    with FakeOpenAI([error_reply(429, "slow down", headers={"retry-after-ms": "10"})]) as server:
        briefing = build([folder], Options(engine="openai", base_url=server.base_url))

The names below are the public, stable interface (README, "Testing code that uses
briefing"); they keep their meaning across minor versions. The modules' other names, and
the modules `browser`, `clustering`, `fake_batches` and `prompt_cache`, serve briefing's
own tests and benchmarks and may change at any time.
"""

from briefing.testing.clock import ManualTimer, VirtualClock
from briefing.testing.drift import Drift
from briefing.testing.fake_openai import (
    PATIENT_TIMEOUT,
    UNTIL_STOPPED,
    FakeOpenAI,
    Reply,
    Responder,
    auto_reply,
    completion_reply,
    error_reply,
    hang,
    malformed_reply,
    no_choices_reply,
    rate_limited_for,
    refusal_reply,
    reset_mid_body,
    reset_reply,
    truncated_reply,
    usage_block,
)

__all__ = [
    "PATIENT_TIMEOUT",
    "UNTIL_STOPPED",
    "Drift",
    "FakeOpenAI",
    "ManualTimer",
    "Reply",
    "Responder",
    "VirtualClock",
    "auto_reply",
    "completion_reply",
    "error_reply",
    "hang",
    "malformed_reply",
    "no_choices_reply",
    "rate_limited_for",
    "refusal_reply",
    "reset_mid_body",
    "reset_reply",
    "truncated_reply",
    "usage_block",
]
