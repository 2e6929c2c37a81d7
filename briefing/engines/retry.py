"""When to send a request again, and how long to wait first: the retry policy of unattended runs.

A transient failure (rate limiting, a 5xx, a reset or broken connection, a timeout, a
body cut short) is retried with capped exponential backoff and jitter, waiting at least
as long as the server asked (``retry-after-ms``, ``Retry-After`` in seconds or as a
date), until the request's time budget (``--retry-budget``) would run out. The budget
counts from the first try of a request, so one pack can never hold a run for longer than
its budget plus one timeout. Waits that add up to ``NOTICE_AFTER_SECONDS`` or more are
announced on stderr, so a run never waits silently.

Time is read and waited through a `Clock`, so tests can pass time without sleeping.
Engines other than `openai` (batch, local servers) can reuse `RetryPolicy` and raise
`Transient` from their own calls.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from briefing.config import DEFAULT_RETRY_BUDGET_SECONDS

log = logging.getLogger(__name__)

INITIAL_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 30.0
NOTICE_AFTER_SECONDS = 10.0

Result = TypeVar("Result")


class Transient(Exception):
    """A failure worth trying again: why, and how long the server asked to wait (if it did)."""

    def __init__(
        self,
        reason: str,
        *,
        waits_for: str,
        retry_after: float | None = None,
        max_retries: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.waits_for = waits_for
        self.retry_after = retry_after
        # At most this many retries of the request after this kind of failure (None: as many
        # as the budget allows): a slow local server that timed out will likely time out again.
        self.max_retries = max_retries


class OutOfBudget(Exception):
    """A request kept failing transiently until its time budget ran out."""

    def __init__(self, reason: str, retries: int) -> None:
        super().__init__(reason)
        self.retries = retries


@dataclass(frozen=True)
class Clock:
    """Where retries read the time and wait: the event loop's real time unless replaced."""

    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


SYSTEM_CLOCK = Clock()


def retry_after_seconds(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """How long the server asked to wait: ``retry-after-ms``, else ``Retry-After`` as seconds
    or an HTTP date (relative to `now`, a Unix time, default the current time)."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) / scale
        except ValueError:
            continue
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass
class RetryPolicy:
    """Backoff, budget and announcements for retrying transient failures (see the module)."""

    budget: float = DEFAULT_RETRY_BUDGET_SECONDS
    clock: Clock = field(default_factory=lambda: SYSTEM_CLOCK)
    initial_delay: float = INITIAL_DELAY_SECONDS
    max_delay: float = MAX_DELAY_SECONDS
    notice_after: float = NOTICE_AFTER_SECONDS
    jitter: Callable[[], float] = random.random
    waits: bool = True  # False when replaying a recording: its answers need no waiting for

    def backoff(self, retry: int) -> float:
        """The wait before retry number `retry` (1, 2, …) when the server named none: doubling
        from `initial_delay`, capped at `max_delay`, less a random part of up to half."""
        ceiling = min(self.max_delay, self.initial_delay * 2.0 ** min(retry - 1, 64))
        return ceiling * (1.0 - 0.5 * self.jitter())

    def start(self, label: str) -> Attempts:
        """The tries of one request, named `label` in announcements ("the pack of a, b"); its
        budget starts now."""
        return Attempts(self, label, self.clock.now())


@dataclass
class Attempts:
    """The tries of one request under one budget; `retries` counts the tries after the first."""

    policy: RetryPolicy
    label: str
    started: float
    retries: int = 0
    last_failure: str | None = None
    _waited: float = 0.0
    _arriving: bool = False

    async def call(self, send: Callable[[], Awaitable[Result]]) -> Result:
        """`send()`'s result, sending again after each `Transient` failure while the budget
        lasts; `OutOfBudget` when the next wait would pass it."""
        policy = self.policy
        while True:
            try:
                return await self._announced(send())
            except Transient as failure:
                self.last_failure = failure.reason
                # Retry-After says "not before": a shorter ask than the backoff does not hurry us,
                # so a server asking for tiny waits is not hammered for the whole budget.
                delay = max(failure.retry_after or 0.0, policy.backoff(self.retries + 1))
                spent = policy.clock.now() - self.started
                if failure.max_retries is not None and self.retries >= failure.max_retries:
                    raise OutOfBudget(
                        f"{failure.reason}, still after {self.retries} retries", self.retries
                    ) from None
                if spent + delay > policy.budget:
                    raise OutOfBudget(self._gave_up(failure, delay, spent), self.retries) from None
                self.retries += 1
                if policy.waits:
                    await self._wait(delay, failure, spent)

    async def _wait(self, delay: float, failure: Transient, spent: float) -> None:
        self._waited += delay
        if self._waited >= self.policy.notice_after:
            log.warning(
                "waiting %.0f s for %s on %s (retry %d; %.0f s of the %g s retry budget left)",
                delay,
                failure.waits_for,
                self.label,
                self.retries,
                self.policy.budget - spent,
                self.policy.budget,
            )
        await self.policy.clock.sleep(delay)

    def answer_arriving(self) -> None:
        """The answer of the current try has begun to arrive: whoever reads it announces its
        progress from now on, so the "still waiting" notices stop."""
        self._arriving = True

    async def _announced(self, answer: Awaitable[Result]) -> Result:
        """Await `answer`, saying on stderr every `notice_after` seconds that it is still
        awaited (in the event loop's own time: that is where the answer arrives) until it
        begins to arrive (`answer_arriving`)."""
        task = asyncio.ensure_future(answer)
        waited = 0.0
        self._arriving = False
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=self.policy.notice_after)
                if done:
                    return task.result()
                waited += self.policy.notice_after
                if not self._arriving:
                    log.warning(
                        "still waiting for the answer on %s (%.0f s so far)", self.label, waited
                    )
        finally:
            task.cancel()

    def _gave_up(self, failure: Transient, delay: float, spent: float) -> str:
        asked = failure.retry_after is not None and failure.retry_after >= delay
        wait = (
            f"the server asked to wait {delay:.0f} s" if asked else f"the next wait, {delay:.0f} s,"
        )
        return (
            f"{failure.reason}, still after {self.retries} retries in {spent:.0f} s ({wait} "
            f"would pass the retry budget of {self.policy.budget:g} s: --retry-budget)"
        )
