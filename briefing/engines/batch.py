"""`--batch`: the calls of a run through the OpenAI Batch API, at half price, in two
batches: the extraction packs, then (once their answers are verified and reconciled) the
stories' summaries.

Every request whose answer is not cached yet becomes one line of a JSONL file (its
`custom_id` is the request's cache key, its body the request the engine would send), which
is uploaded (`files`, purpose `batch`) and run as one batch (`/v1/chat/completions`, 24 h
window). The batch's id, kind and keys are kept in the cache dir (`batches/<id>.json`), so
`briefing batch status|resume ID` can pick it up after the process has ended, and a run
with `--batch` whose requests a kept, unfinished batch covers picks that batch up instead
of starting another. While it runs, each poll logs how many lines are done. When it ends,
each answer in the output file is stored in the response cache beside its key
(`batch_answer_key`) and the batch is marked as ended; the run then goes on as without
`--batch`, so each answer goes through the same reading, verify and reconcile, and is
cached like any other. A line that failed (the error file), whose answer cannot be used,
or that did not run before the batch expired or was cancelled (the error file again, with
code `batch_expired`; what did run is in the output file) is asked synchronously by that
run.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Collection
from pathlib import Path
from typing import Any, Final

import openai
from openai import AsyncOpenAI
from openai.lib._parsing._completions import type_to_response_format_param
from openai.types import Batch
from pydantic import BaseModel

from briefing.cache import ResponseCache, default_cache_dir
from briefing.errors import BriefingError

log = logging.getLogger(__name__)

ENDPOINT: Final = "/v1/chat/completions"
COMPLETION_WINDOW: Final = "24h"
POLL_SECONDS = 30.0
FINISHED = frozenset({"completed", "expired", "cancelled", "failed"})
STATE_FOLDER = "batches"
_ANSWER_PREFIX = "batch-answer:"
# What is kept in place of a batch answer that could not be used once a run has counted what
# it cost, so that a later run (whose re-ask is needed again) does not count it a second time.
COUNTED: Final = "counted"

Sleep = Callable[[float], Awaitable[None]]


class BatchState(BaseModel):
    """What is kept of a submitted batch, to pick it up again from another process: its
    kind ("extraction" or "summary" requests), the cache keys of its requests, and how it ended
    (None until its answers are kept in the cache)."""

    id: str
    keys: list[str]
    model: str
    created: float
    kind: str = "extraction"
    base_url: str | None = None
    ended: str | None = None


class BatchOutcome(BaseModel):
    """How a batch ended: its status and how many answers it left in the cache."""

    id: str
    status: str
    answered: int
    failed: int


def batch_answer_key(key: str) -> str:
    """Where the batch answer of the request with cache key `key` is kept in the cache."""
    return _ANSWER_PREFIX + key


def request_body(request: dict[str, Any]) -> dict[str, Any]:
    """The JSON body of a request given as keyword arguments of the SDK's `parse`."""
    body = dict(request)
    response_format = body.get("response_format")
    if isinstance(response_format, type):
        body["response_format"] = type_to_response_format_param(response_format)
    return body


def jsonl(requests: dict[str, dict[str, Any]]) -> bytes:
    """The batch input file: one request per line, its cache key as `custom_id`."""
    lines = [
        json.dumps(
            {"custom_id": key, "method": "POST", "url": ENDPOINT, "body": request_body(body)},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for key, body in requests.items()
    ]
    return ("\n".join(lines) + "\n").encode()


def state_dir(cache_dir: Path | None) -> Path:
    """The folder holding the state of submitted batches."""
    return (cache_dir or default_cache_dir()) / STATE_FOLDER


def save_state(state: BatchState, cache_dir: Path | None) -> None:
    """Keep a submitted batch's state (written whole, then renamed into place)."""
    folder = state_dir(cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f"{state.id}.json.part"
    partial.write_text(state.model_dump_json(), encoding="utf-8")
    partial.replace(folder / f"{state.id}.json")


def load_state(batch_id: str, cache_dir: Path | None) -> BatchState:
    """The kept state of batch `batch_id`, or a `BriefingError` saying none is kept."""
    path = state_dir(cache_dir) / f"{Path(batch_id).name}.json"
    try:
        return BatchState.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BriefingError(
            f"no batch {batch_id} is kept in {path.parent} ({type(error).__name__}): "
            "check the id, and that --cache-dir / BRIEFING_CACHE_DIR is the one it ran with"
        ) from error


def unfinished(
    keys: Collection[str], model: str, base_url: str | None, cache_dir: Path | None
) -> BatchState | None:
    """The newest kept batch whose answers were never collected that asks for every one of
    `keys` (same model, same server), if there is one."""
    wanted = set(keys)
    found: list[BatchState] = []
    for path in state_dir(cache_dir).glob("*.json"):
        try:
            state = BatchState.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        same_run = state.model == model and state.base_url == base_url
        if same_run and state.ended is None and wanted <= set(state.keys):
            found.append(state)
    return max(found, key=lambda state: state.created, default=None)


async def submit(
    client: AsyncOpenAI,
    requests: dict[str, dict[str, Any]],
    *,
    kind: str,
    model: str,
    base_url: str | None,
    cache_dir: Path | None,
) -> BatchState:
    """Upload the requests and start a batch of `kind` over them; its state is kept at once."""
    try:
        uploaded = await client.files.create(
            file=("briefing-batch.jsonl", jsonl(requests)), purpose="batch"
        )
        batch = await client.batches.create(
            input_file_id=uploaded.id,
            endpoint=ENDPOINT,
            completion_window=COMPLETION_WINDOW,
            metadata={"made_by": "briefing", "kind": kind},
        )
    except openai.OpenAIError as error:
        raise BriefingError(f"the batch could not be started: {error}") from None
    state = BatchState(
        id=batch.id,
        keys=list(requests),
        model=model,
        created=time.time(),
        kind=kind,
        base_url=base_url,
    )
    save_state(state, cache_dir)
    log.warning(
        "batch %s started with %d %s requests; if this process ends, pick it up with "
        "`briefing batch resume %s` or the same command again",
        batch.id,
        len(requests),
        kind,
        batch.id,
    )
    return state


def progress_line(batch: Batch) -> str:
    """One line saying where a batch stands."""
    counts = batch.request_counts
    done = f"{counts.completed}/{counts.total} done, {counts.failed} failed" if counts else ""
    kind = (batch.metadata or {}).get("kind")
    name = f"batch {batch.id}{f' ({kind} requests)' if kind else ''}"
    return f"{name}: {batch.status}{', ' + done if done else ''}"


async def wait(client: AsyncOpenAI, batch_id: str, sleep: Sleep) -> Batch:
    """Poll the batch every `POLL_SECONDS` until it has ended, logging its progress each
    time it changes."""
    shown = ""
    while True:
        try:
            batch = await client.batches.retrieve(batch_id)
        except openai.OpenAIError as error:
            raise BriefingError(f"batch {batch_id} could not be read: {error}") from None
        line = progress_line(batch)
        if line != shown:
            log.warning("%s", line)
            shown = line
        if batch.status in FINISHED:
            return batch
        await sleep(POLL_SECONDS)


async def _lines(client: AsyncOpenAI, file_id: str | None) -> list[dict[str, Any]]:
    if not file_id:  # None, or "" as some servers say of a batch with no such file
        return []
    content = await client.files.content(file_id)
    return [json.loads(line) for line in content.text.splitlines() if line.strip()]


async def collect(client: AsyncOpenAI, batch: Batch, cache: ResponseCache) -> BatchOutcome:
    """Store each answer of an ended batch in the cache; count the lines that failed."""
    answered = 0
    for line in await _lines(client, batch.output_file_id):
        response = line.get("response") or {}
        if response.get("status_code") == 200 and isinstance(response.get("body"), dict):
            cache.put(batch_answer_key(str(line["custom_id"])), json.dumps(response["body"]))
            answered += 1
    failed = await _lines(client, batch.error_file_id)
    for line in failed:
        error = line.get("error") or (line.get("response") or {}).get("body", {}).get("error")
        log.info("batch line %s failed: %s", line.get("custom_id"), error)
    return BatchOutcome(id=batch.id, status=batch.status, answered=answered, failed=len(failed))


async def run(
    client: AsyncOpenAI,
    cache: ResponseCache,
    state: BatchState,
    cache_dir: Path | None,
    sleep: Sleep = asyncio.sleep,
) -> BatchOutcome:
    """Wait for a submitted batch, store its answers and mark it as ended; say what was left
    to ask again."""
    batch = await wait(client, state.id, sleep)
    outcome = await collect(client, batch, cache)
    save_state(state.model_copy(update={"ended": batch.status}), cache_dir)
    if batch.status == "failed" and batch.errors and batch.errors.data:
        log.warning("batch %s failed: %s", batch.id, batch.errors.data[0].message)
    missing = len(state.keys) - outcome.answered
    if missing:
        log.warning(
            "batch %s ended %s with %d of %d answers; the other %d are asked synchronously",
            batch.id,
            batch.status,
            outcome.answered,
            len(state.keys),
            missing,
        )
    return outcome
