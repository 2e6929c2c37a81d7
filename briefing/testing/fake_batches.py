"""The Files and Batch endpoints of the fake OpenAI server (`briefing.testing.fake_openai`).

    with FakeOpenAI() as server:
        server.batches.lines_per_poll = 2       # progress: two lines answered per poll
        server.batches.expire_after = 3         # then the batch expires with partial results

A batch's JSONL lines are answered by the server's own replies (its script, then `then`),
as many per `GET /batches/{id}` as `lines_per_poll` allows, so a client polling it sees the
batch go from `in_progress` to `completed` with growing request counts. A line answered
with an error status goes to the error file, as OpenAI reports a failed line; with
`expire_after` set, the batch stops after that many lines with status `expired`, and every
line left is in the error file with the error code `batch_expired`. Only what the client
needs is modelled: upload, create, retrieve and file content.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefing.testing.fake_openai import FakeOpenAI

CREATED = 1_752_400_000


@dataclass
class _Batch:
    id: str
    input_file_id: str
    endpoint: str
    lines: list[dict[str, Any]]
    metadata: dict[str, str] | None = None
    done: int = 0
    failed: int = 0
    status: str = "validating"
    output: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    output_file_id: str | None = None
    error_file_id: str | None = None


def _form_fields(content_type: str, body: bytes) -> dict[str, tuple[str | None, bytes]]:
    """The fields of a multipart/form-data body: name → (file name, bytes)."""
    envelope = f"Content-Type: {content_type}\r\n\r\n".encode() + body
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in message_from_bytes(envelope).walk():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            fields[name] = (part.get_filename(), payload)
    return fields


class FakeBatches:
    """Uploaded files and batches, answered by the owning `FakeOpenAI`; thread-safe."""

    def __init__(self, server: FakeOpenAI) -> None:
        self._server = server
        self._files: dict[str, tuple[str, str, bytes]] = {}
        self._batches: dict[str, _Batch] = {}
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self.lines_per_poll: int | None = None  # None: every line on the first poll
        self.expire_after: int | None = None
        self.created = 0  # batches created
        self.lines_answered = 0  # batch lines answered with status 200

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}-fake{next(self._ids):04d}"

    def _file_object(self, file_id: str) -> dict[str, Any]:
        name, purpose, data = self._files[file_id]
        return {
            "id": file_id,
            "object": "file",
            "bytes": len(data),
            "created_at": CREATED,
            "filename": name,
            "purpose": purpose,
            "status": "processed",
        }

    def upload(self, content_type: str, body: bytes) -> dict[str, Any]:
        """Store an uploaded file (a multipart/form-data body); its file object."""
        fields = _form_fields(content_type, body)
        name, data = fields.get("file", (None, b""))
        purpose = fields.get("purpose", (None, b""))[1].decode()
        name = name or "upload.jsonl"
        with self._lock:
            file_id = self._new_id("file")
            self._files[file_id] = (name, purpose, data)
            return self._file_object(file_id)

    def content(self, file_id: str) -> bytes | None:
        """The bytes of a stored file, None if there is no such file."""
        with self._lock:
            stored = self._files.get(file_id)
        return stored[2] if stored else None

    def create(self, request: dict[str, Any]) -> dict[str, Any] | None:
        """A new batch over an uploaded JSONL file; None if the file is unknown."""
        data = self.content(str(request.get("input_file_id")))
        if data is None:
            return None
        lines = [json.loads(line) for line in data.decode().splitlines() if line.strip()]
        with self._lock:
            batch = _Batch(
                id=self._new_id("batch"),
                input_file_id=str(request["input_file_id"]),
                endpoint=str(request.get("endpoint")),
                lines=lines,
                metadata=request.get("metadata"),
            )
            self._batches[batch.id] = batch
            self.created += 1
            return self._batch_object(batch)

    def retrieve(self, batch_id: str) -> dict[str, Any] | None:
        """The batch after answering the lines this poll allows; None if unknown."""
        with self._lock:
            batch = self._batches.get(batch_id)
            if batch is None:
                return None
            if batch.status in ("validating", "in_progress"):
                self._advance(batch)
            return self._batch_object(batch)

    def _advance(self, batch: _Batch) -> None:
        batch.status = "in_progress"
        step = self.lines_per_poll or len(batch.lines)
        for line in batch.lines[batch.done + batch.failed :][:step]:
            if self.expire_after is not None and batch.done + batch.failed >= self.expire_after:
                break
            self._answer(batch, line)
        handled = batch.done + batch.failed
        if self.expire_after is not None and handled >= self.expire_after < len(batch.lines):
            for line in batch.lines[handled:]:
                batch.errors.append(_expired_line(line))
            self._finish(batch, "expired")
        elif handled == len(batch.lines):
            self._finish(batch, "completed")

    def _answer(self, batch: _Batch, line: dict[str, Any]) -> None:
        reply = self._server.reply_to(line["body"], {})
        try:
            body: Any = json.loads(reply.body)
        except ValueError:
            body = {"error": {"message": "malformed response", "code": None}}
        outcome = {
            "id": self._new_id("batch_req"),
            "custom_id": line["custom_id"],
            "response": {"status_code": reply.status, "request_id": "req", "body": body},
            "error": None,
        }
        if reply.status == 200:
            batch.done += 1
            self.lines_answered += 1
            batch.output.append(json.dumps(outcome))
        else:
            batch.failed += 1
            batch.errors.append(json.dumps(outcome))

    def _finish(self, batch: _Batch, status: str) -> None:
        batch.status = status
        for lines, attribute in ((batch.output, "output_file_id"), (batch.errors, "error_file_id")):
            if lines:
                file_id = self._new_id("file")
                data = ("\n".join(lines) + "\n").encode()
                self._files[file_id] = (f"{batch.id}_{attribute}.jsonl", "batch_output", data)
                setattr(batch, attribute, file_id)

    @staticmethod
    def _batch_object(batch: _Batch) -> dict[str, Any]:
        return {
            "id": batch.id,
            "object": "batch",
            "endpoint": batch.endpoint,
            "input_file_id": batch.input_file_id,
            "completion_window": "24h",
            "status": batch.status,
            "created_at": CREATED,
            "output_file_id": batch.output_file_id,
            "error_file_id": batch.error_file_id,
            "metadata": batch.metadata,
            "request_counts": {
                "total": len(batch.lines),
                "completed": batch.done,
                "failed": batch.failed,
            },
        }


def _expired_line(line: dict[str, Any]) -> str:
    error = {
        "code": "batch_expired",
        "message": "This request could not be executed before the completion window expired.",
    }
    return json.dumps(
        {"id": None, "custom_id": line["custom_id"], "response": None, "error": error}
    )
