"""Pausing Python's cyclic garbage collector around the stages that allocate in bulk.

Ingest, clean, dedup, packing, the offline engine, verify, reconcile, render and
clustering make millions of small containers and next to no reference cycles (feed
parsing leaves about fifteen cyclic objects per item; the other stages none). With the
collector running, every few thousand allocations it rescans the heap, which holds all
the articles, so its cost grows with the input: at 10,000 articles it is about a sixth of
the run. Reference counting still frees everything else as usual; the few cycles wait
until the stage is over.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector inside, as a `with` block or a decorator.

    Use it on synchronous code only: across an `await` it would pause collection for
    whatever else the event loop runs. The collector is left as it was found, so nested
    and concurrent uses never leave it off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
