"""Record API traffic to a vcrpy cassette (`--record FILE`) or replay it offline (`--replay FILE`).

Requests match on method, path and body only, never the host, so a cassette recorded
against one server replays against any base URL and from any directory. Only the headers
needed to read a response back are kept: every other header (authorization, cookies,
organisation and project ids, the SDK's machine fingerprint, dates) is dropped before
anything is written.

A request sent more than once (a retry after a transient error, a re-ask) is answered by
its recordings in the order they were made (vcrpy plays each recorded response once), and
the engine retries on replay as it did when recording, without waiting: a recorded 500
followed by its successful retry replays to the same success. Every recorded cassette
says so in its header (`RECORDED_HEADER`).

The header also carries the run's notes (`note`): what the server was found to be (its
dialect and context, which shape the packs, so a replay packs as the recording did) and
how the recording ended. A recording of a run that was interrupted, or in which packs
failed, says so; replaying it, a request it has no answer for fails that pack as the
recorded run failed it, instead of stopping the replay.

vcrpy is imported only when a run records or replays: a plain run never loads it.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import vcr
    from vcr.request import Request

MATCH_ON = ("method", "path", "body")
KEPT_REQUEST_HEADERS = frozenset({"content-type"})
KEPT_RESPONSE_HEADERS = frozenset(
    {"content-type", "x-request-id", "openai-processing-ms", "openai-version", "retry-after"}
)


def scrub_request(request: Request) -> Request:
    """The request as it may be written down: the content-type header only (vcrpy needs it
    to compare JSON bodies by value)."""
    for name in list(request.headers):
        if name.lower() not in KEPT_REQUEST_HEADERS:
            del request.headers[name]
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """The response as it may be written down: only the headers needed to read it back."""
    response["headers"] = {
        name: values
        for name, values in response["headers"].items()
        if name.lower() in KEPT_RESPONSE_HEADERS
    }
    return response


RECORDED_HEADER = """\
# Recorded by `briefing build --record`. Requests match on method, path and body; a
# request sent more than once (a retry after a 429, a 5xx or a broken body, or a re-ask
# of an unusable answer) is answered by its recordings in the order they were made, so
# recorded errors followed by their successful retry replay to the same success, without
# the waits. Timeouts and connection resets left no recording.
"""
SERIALIZER = "briefing-yaml"
NOTES_PREFIX = "# briefing: "
COMPLETE = "complete"  # the outcome of a recorded run in which every call was answered

# The notes of the cassette being recorded, written into its header when vcrpy saves it.
_notes: dict[str, Any] = {}


def note(**facts: Any) -> None:
    """Set notes (JSON values) for the header of the cassette being recorded."""
    _notes.update(facts)


def recorded_notes(path: Path) -> dict[str, Any]:
    """The notes in the header of the cassette at `path` ({} for one recorded without)."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.startswith("#"):
                break
            if line.startswith(NOTES_PREFIX):
                notes: dict[str, Any] = json.loads(line[len(NOTES_PREFIX) :])
                return notes
    return {}


class _HeadedYaml:
    """vcrpy's YAML, written after `RECORDED_HEADER` (YAML reads the header as comments)."""

    @staticmethod
    def serialize(cassette: dict[str, Any]) -> str:
        from vcr.serializers import yamlserializer

        notes = NOTES_PREFIX + json.dumps(_notes, sort_keys=True) + "\n" if _notes else ""
        return RECORDED_HEADER + notes + yamlserializer.serialize(cassette)

    @staticmethod
    def deserialize(text: str) -> dict[str, Any]:
        from vcr.serializers import yamlserializer

        return yamlserializer.deserialize(text)


def _recorder() -> vcr.VCR:
    import vcr

    recorder = vcr.VCR(
        serializer=SERIALIZER,
        match_on=MATCH_ON,
        before_record_request=scrub_request,
        before_record_response=scrub_response,
        decode_compressed_response=True,
        record_on_exception=True,
    )
    recorder.register_serializer(SERIALIZER, _HeadedYaml)
    return recorder


@contextlib.contextmanager
def cassette(record: Path | None = None, replay: Path | None = None) -> Iterator[None]:
    """Record all HTTP traffic inside the block to `record` (overwriting it), or answer it
    from `replay` without touching the network; with neither, do nothing."""
    if record is not None:
        record.unlink(missing_ok=True)
        _notes.clear()
        with _recorder().use_cassette(str(record), record_mode="all"):
            yield
    elif replay is not None:
        with _recorder().use_cassette(str(replay), record_mode="none"):
            yield
    else:
        yield


def is_cassette_miss(error: BaseException) -> bool:
    """True when a replayed cassette had no recorded response for a request (never when
    no cassette was used: then vcrpy was not even imported)."""
    errors = sys.modules.get("vcr.errors")
    return errors is not None and isinstance(error, errors.CannotOverwriteExistingCassetteException)
