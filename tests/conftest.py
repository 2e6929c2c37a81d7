"""Shared fixtures: small, hand-written briefings and paths to the sample corpora."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from briefing.schema import (
    Actor,
    Briefing,
    Claim,
    Dispute,
    DisputeVersion,
    Evidence,
    Figure,
    Skipped,
    Source,
    Stats,
)
from briefing.testing.clock import VirtualClock


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """No test sees a real key, a real base URL, the user's cache or story history."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "BRIEFING_MODEL", "OPENAI_ORG_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BRIEFING_HOME", str(tmp_path / "home"))


@pytest.fixture(autouse=True)
def virtual_clock(monkeypatch) -> VirtualClock:
    """Retry waits pass at once: no test sleeps out a backoff or a Retry-After."""
    clock = VirtualClock()
    monkeypatch.setattr("briefing.engines.retry.SYSTEM_CLOCK", clock.as_clock())
    return clock


class WorkerBatches(list[int]):
    """The sizes of the item lists a stage hands to its worker processes."""

    def through(self, mapper: Callable[..., Any]) -> Callable[..., Any]:
        """`mapper` (`map_in_processes` or `results_in_processes`), recording each list's size."""

        def recorded(function: Callable[..., Any], items: Any, *, chunksize: int) -> Any:
            self.append(len(items))
            return mapper(function, items, chunksize=chunksize)

        return recorded


@pytest.fixture
def worker_batches() -> WorkerBatches:
    """An empty record of the item lists handed to worker processes."""
    return WorkerBatches()


@pytest.fixture
def evacuation_figure() -> Callable[..., Figure]:
    """Makes a figure of residents evacuated with one quote: `value` in source "a" unless
    `source` or `quote` say otherwise."""

    def make(value: str, *, source: str = "a", quote: str | None = None) -> Figure:
        return Figure(
            subject="residents evacuated",
            value=value,
            number=None,
            unit=None,
            qualifier=None,
            attributed_to=None,
            evidence=[
                Evidence(source_id=source, quote=quote or f"{value} residents were evacuated")
            ],
        )

    return make


@pytest.fixture
def sample_briefing() -> Briefing:
    """A small briefing with one of everything."""
    sources = [
        Source(
            id="a",
            title="Lavrov in Wonsan",
            outlet="Daily News",
            url="https://example.com/a",
            published="2025-07-12",
            path="a.txt",
        ),
        Source(
            id="b",
            title="Kim meets Lavrov",
            outlet="The Times",
            url=None,
            published=None,
            path="b.txt",
        ),
    ]
    return Briefing(
        title="Lavrov visits Kim Jong Un in Wonsan",
        summary=["Russia's foreign minister met Kim Jong Un in Wonsan."],
        actors=[
            Actor(
                name="Sergey Lavrov",
                aliases=["Sergei Lavrov"],
                kind="person",
                role="Russian Foreign Minister",
                sources=["a", "b"],
            ),
        ],
        claims=[
            Claim(
                speaker="Sergey Lavrov",
                text="Russia warns against alliances targeting Pyongyang",
                evidence=[Evidence(source_id="a", quote="We warn against exploiting these ties")],
            ),
        ],
        figures=[
            Figure(
                subject="ammunition",
                value="up to 40%",
                number=40,
                unit="%",
                qualifier="up to",
                attributed_to="Kyrylo Budanov",
                evidence=[Evidence(source_id="a", quote="up to 40% of its needed ammunition")],
            ),
        ],
        disputes=[
            Dispute(
                subject="ammunition supplied by North Korea",
                versions=[
                    DisputeVersion(
                        value="up to 40%",
                        number=40,
                        attributed_to="Kyrylo Budanov",
                        source_ids=["a"],
                    ),
                    DisputeVersion(
                        value="about 12 million rounds",
                        number=12_000_000,
                        attributed_to="South Korean intelligence",
                        source_ids=["b"],
                    ),
                ],
                note="different measures: a share versus a count",
            )
        ],
        sources=sources,
        skipped=[Skipped(path="broken.json", reason="malformed JSON at line 1")],
        stats=Stats(engine="offline", articles=2, unique_tokens=900, packs=1),
    )
