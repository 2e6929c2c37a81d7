"""A fake OpenAI-compatible chat completions server on 127.0.0.1, for tests and benchmarks.

    with FakeOpenAI([error_reply(429, "slow down", headers={"retry-after-ms": "10"})]) as server:
        options = Options(engine="openai", base_url=server.base_url, ...)
        ...
        assert len(server.requests) == 2

Requests are answered in order by the scripted replies (a `Reply`, or a function of the
request body returning one), then by `then` (by default `auto_reply`: a valid, empty
answer of the kind asked for, with a plausible usage block). Replies can carry any
status, headers and body, including malformed ones, and a delay to simulate slow or
hung servers, bodies cut short (`truncated_reply`, `reset_mid_body`) and faults that
last a span of time on an injected clock (`rate_limited_for`). The server is bounded: it
answers at most `max_requests` requests and stops by itself after `lifetime` seconds, so a
forgotten server never outlives its test. The lifetime runs on a `threading.Timer` unless
`timer` makes another (`briefing.testing.clock.ManualTimer` fires only when told to). It
also serves the Files and Batch endpoints (`briefing.testing.fake_batches`), answering each
batch line as a chat completions request.

It plays the OpenAI API by default, or a local server's dialect (`dialect=`, see
`briefing.testing.dialects`): its endpoints, refusals and limits. A request with
`"stream": true` is answered as server-sent events, one per `CHARS_PER_TOKEN` characters of
the answer, `Reply.pace` seconds apart.
"""

from __future__ import annotations

import hashlib
import json
import socket
import struct
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Protocol

from briefing.testing.dialects import OPENAI, Dialect
from briefing.testing.fake_batches import FakeBatches

DEFAULT_MODEL = "gpt-5.4-mini"
# A fixed creation time (2025-07-13) keeps recorded responses byte-for-byte reproducible.
CREATED = 1_752_400_000
CHARS_PER_TOKEN = 4
POLL_SECONDS = 0.02  # how soon `stop` takes effect
# What a test client should wait for an answer: the fake server answers in milliseconds, but
# a loaded machine can stall it for a good part of a second. With this timeout only a reply
# that never comes (`hang(UNTIL_STOPPED)`) times out.
PATIENT_TIMEOUT = 3.0
UNTIL_STOPPED = 3600.0  # a delay no test waits out: the server drops the reply when it stops


@dataclass(frozen=True)
class Reply:
    """One HTTP response: status, headers, body, and how long to wait before sending it."""

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    reset: bool = False  # drop the connection with a TCP reset instead of (finishing) the answer
    cut_after: int | None = None  # send only this many bytes of the body, then hang up
    pace: float = 0.0  # seconds between the events of a streamed answer


Responder = Callable[[dict[str, Any]], Reply]


class Timer(Protocol):
    """What runs an action once its time has come: `threading.Timer`'s start and cancel."""

    def start(self) -> None:
        """Start counting."""

    def cancel(self) -> None:
        """Never run the action."""


TimerFactory = Callable[[float, Callable[[], None]], Timer]


def daemon_timer(seconds: float, action: Callable[[], None]) -> Timer:
    """A `threading.Timer` that does not keep the interpreter alive."""
    timer = threading.Timer(seconds, action)
    timer.daemon = True
    return timer


def _json_reply(status: int, payload: object, headers: Mapping[str, str] | None = None) -> Reply:
    body = json.dumps(payload, indent=2, ensure_ascii=False).encode()
    request_id = "req_" + hashlib.sha256(body).hexdigest()[:24]
    return Reply(
        status=status,
        body=body,
        headers={"content-type": "application/json", "x-request-id": request_id, **(headers or {})},
    )


def usage_block(
    prompt_tokens: int, completion_tokens: int, *, cached_tokens: int = 0, reasoning_tokens: int = 0
) -> dict[str, Any]:
    """A chat completions `usage` object as the OpenAI API sends it."""
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
        "prompt_tokens_details": {"cached_tokens": cached_tokens, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": reasoning_tokens,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def rough_usage(request: Mapping[str, Any], content: str | None) -> dict[str, Any]:
    """A usage block estimated from text lengths (about four characters per token)."""
    prompt = len(json.dumps(request.get("messages", []))) // CHARS_PER_TOKEN
    return usage_block(prompt, len(content or "") // CHARS_PER_TOKEN + 1)


def fit_to_schema(
    value: Any, schema: Mapping[str, Any], root: Mapping[str, Any] | None = None
) -> Any:
    """`value` with every object key the JSON `schema` does not list left out, as a model
    answering under that strict schema would write it (`$ref`s resolved against `root`)."""
    root = root or schema
    ref = schema.get("$ref")
    if isinstance(ref, str):
        schema = root["$defs"][ref.rsplit("/", 1)[-1]]
    for option in schema.get("anyOf", ()):
        if option.get("type") != "null" and value is not None:
            return fit_to_schema(value, option, root)
    if isinstance(value, dict) and "properties" in schema:
        properties = schema["properties"]
        return {
            k: fit_to_schema(v, properties[k], root) for k, v in value.items() if k in properties
        }
    if isinstance(value, list) and "items" in schema:
        return [fit_to_schema(item, schema["items"], root) for item in value]
    return value


def completion_body(
    content: str | None,
    *,
    model: str = DEFAULT_MODEL,
    finish_reason: str = "stop",
    refusal: str | None = None,
    usage: Mapping[str, Any] | None = None,
    completion_id: str | None = None,
) -> dict[str, Any]:
    """A chat.completion object in the OpenAI wire format, with one choice."""
    seed = json.dumps([content, refusal, finish_reason], ensure_ascii=False).encode()
    return {
        "id": completion_id or "chatcmpl-" + hashlib.sha256(seed).hexdigest()[:29],
        "object": "chat.completion",
        "created": CREATED,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": content,
                    "refusal": refusal,
                    "annotations": [],
                },
                "logprobs": None,
                "finish_reason": finish_reason,
            }
        ],
        "usage": dict(usage) if usage is not None else usage_block(100, 10),
        "service_tier": "default",
        "system_fingerprint": None,
    }


def completion_reply(content: str | None, **details: Any) -> Reply:
    """A 200 response carrying one answer; `details` as for `completion_body`."""
    return _json_reply(200, completion_body(content, **details))


def refusal_reply(refusal: str = "I'm sorry, I can't help with that.") -> Reply:
    """A 200 response in which the model refuses."""
    return completion_reply(None, refusal=refusal)


def no_choices_reply() -> Reply:
    """A 200 response with an empty `choices` list."""
    body = completion_body(None)
    body["choices"] = []
    return _json_reply(200, body)


def malformed_reply() -> Reply:
    """A 200 response whose JSON body breaks off."""
    return Reply(
        body=b'{"id": "chatcmpl-broken", "object": "chat.completion", "choices": [{"ind',
        headers={"content-type": "application/json"},
    )


def error_reply(
    status: int,
    message: str,
    *,
    code: str | None = None,
    kind: str = "invalid_request_error",
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """An API error response in the OpenAI format."""
    error = {"message": message, "type": kind, "param": None, "code": code}
    return _json_reply(status, {"error": error}, headers)


def reset_reply() -> Reply:
    """No answer: the server resets the connection, as a crashing proxy or server would."""
    return Reply(reset=True)


def truncated_reply(reply: Reply | None = None, *, keep: float = 0.5) -> Reply:
    """`reply` (default: a valid empty extraction) whose body stops after `keep` of its bytes
    while its content-length announces all of them, and the connection then closes."""
    whole = reply or completion_reply('{"actors": [], "claims": [], "figures": []}')
    return replace(whole, cut_after=int(len(whole.body) * keep))


def reset_mid_body(reply: Reply | None = None, *, keep: float = 0.5) -> Reply:
    """`reply` cut off by a TCP reset after `keep` of its body was sent."""
    return replace(truncated_reply(reply, keep=keep), reset=True)


def stream_events(completion: dict[str, Any]) -> list[bytes]:
    """A chat.completion as the server-sent events of its streamed form: the role (as the
    first event of OpenAI's and llama.cpp's streams), its content in pieces of
    `CHARS_PER_TOKEN` characters, its finish reason, its usage (if it has one), and [DONE];
    no event at all for a body without choices (a server that failed after its headers)."""
    if not completion.get("choices"):
        return []
    choice = completion["choices"][0]
    content = choice["message"].get("content") or ""
    head = {key: completion[key] for key in ("id", "created", "model")}
    head["object"] = "chat.completion.chunk"

    def event(choices: list[dict[str, Any]], **extra: Any) -> bytes:
        return b"data: " + json.dumps({**head, "choices": choices, **extra}).encode() + b"\n\n"

    pieces = [content[at : at + CHARS_PER_TOKEN] for at in range(0, len(content), CHARS_PER_TOKEN)]
    role = {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
    deltas = [{"index": 0, "delta": {"content": piece}, "finish_reason": None} for piece in pieces]
    last = {"index": 0, "delta": {}, "finish_reason": choice["finish_reason"]}
    usage = [event([], usage=completion["usage"])] if completion.get("usage") else []
    return [
        event([role]),
        *(event([delta]) for delta in deltas),
        event([last]),
        *usage,
        b"data: [DONE]\n\n",
    ]


def hang(seconds: float = UNTIL_STOPPED) -> Reply:
    """A reply that only comes after `seconds`: longer than the client's timeout, a timeout.
    By default it never comes: the server drops it when it stops."""
    return Reply(
        status=200, body=b"{}", headers={"content-type": "application/json"}, delay=seconds
    )


def _asks_for_summary(request: Mapping[str, Any]) -> bool:
    response_format = request.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        return response_format["json_schema"].get("name") == "Summary"
    messages = request.get("messages") or [{}]
    return '"bullets"' in str(messages[0].get("content", ""))


def auto_reply(request: dict[str, Any]) -> Reply:
    """A valid answer to any request: an empty extraction, or a one-bullet summary."""
    if _asks_for_summary(request):
        bullet = {"text": "Nothing notable was reported.", "facts": []}
        answer: dict[str, Any] = {"title": "Briefing", "bullets": [bullet]}
    else:
        answer = {"actors": [], "claims": [], "figures": []}
    content = json.dumps(answer)
    return completion_reply(
        content, model=str(request.get("model", DEFAULT_MODEL)), usage=rough_usage(request, content)
    )


def rate_limited_for(
    seconds: float,
    clock: Callable[[], float],
    *,
    retry_after: float | None = None,
    then: Responder = auto_reply,
) -> Responder:
    """A responder that answers 429 (with Retry-After when given) from its first request
    until `seconds` have passed on `clock`, then as `then`."""
    started: list[float] = []
    headers = {"retry-after": f"{retry_after:g}"} if retry_after is not None else {}

    def respond(request: dict[str, Any]) -> Reply:
        if not started:
            started.append(clock())
        if clock() - started[0] < seconds:
            return error_reply(
                429,
                "Rate limit reached",
                code="rate_limit_exceeded",
                kind="requests",
                headers=headers,
            )
        return then(request)

    return respond


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real API: benchmarks measure no handshakes
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read `FakeOpenAI.requests` instead of a log."""

    def do_GET(self) -> None:
        """Retrieve a batch or the content of a stored file; else say what the server is, as
        its dialect does (404 where it has no such endpoint)."""
        batches = self.server.fake.batches
        parts = self.path.rstrip("/").split("/")
        found: object = None
        if len(parts) >= 2 and parts[-2] == "batches":
            found = batches.retrieve(parts[-1])
        elif len(parts) >= 3 and parts[-3] == "files" and parts[-1] == "content":
            data = batches.content(parts[-2])
            if data is not None:
                self._send(Reply(body=data, headers={"content-type": "application/octet-stream"}))
                return
        else:
            self._describe({})
            return
        if found is None:
            self._send(error_reply(404, f"no such object at {self.path}", code="not_found"))
            return
        self._send(_json_reply(200, found))

    def do_POST(self) -> None:
        """Answer a chat completions request with the next scripted reply; store an
        uploaded file or create a batch."""
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length)
        if self.path.endswith("/files"):
            content_type = self.headers.get("content-type", "")
            self._send(_json_reply(200, self.server.fake.batches.upload(content_type, raw)))
            return
        if self.path.endswith("/batches"):
            created = self.server.fake.batches.create(json.loads(raw or b"{}"))
            if created is None:
                self._send(error_reply(400, "no such input file", code="invalid_file"))
            else:
                self._send(_json_reply(200, created))
            return
        try:
            request = json.loads(raw)
        except ValueError:
            self._send(error_reply(400, "request body is not JSON"))
            return
        if not self.path.endswith("/chat/completions"):
            self._describe(request)
            return
        reply = self.server.fake.reply_to(request, dict(self.headers))
        if reply.delay and self.server.fake.stopped.wait(reply.delay):
            return  # stopped while waiting: drop the connection
        if reply.reset and reply.cut_after is None:
            self._reset()
            return
        if request.get("stream") and reply.status == 200 and reply.cut_after is None:
            self._stream(reply)
            return
        self._send(reply)

    def _describe(self, body: dict[str, Any]) -> None:
        answer = self.server.fake.dialect.describe(self.command, self.path, body)
        if answer is None:
            self._send(error_reply(404, f"no route {self.path}", code="unknown_url"))
        else:
            self._send(_json_reply(*answer))

    def _stream(self, reply: Reply) -> None:
        """Send `reply`'s answer as server-sent events in a chunked body, `pace` apart."""
        try:
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            for event in stream_events(json.loads(reply.body)):
                if reply.pace and self.server.fake.stopped.wait(reply.pace):
                    return
                self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up

    def _reset(self) -> None:
        """Close the connection with RST (linger 0) so the client sees a connection reset."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _send(self, reply: Reply) -> None:
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(reply.body)))
            self.end_headers()
            if reply.cut_after is None:
                self.wfile.write(reply.body)
                return
            self.wfile.write(reply.body[: reply.cut_after])
            self.wfile.flush()
            if reply.reset:
                self._reset()
            else:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    # socketserver's default backlog of 5 drops connections when a client opens a dozen at
    # once, and each dropped one costs a second-long SYN retry: benchmarks would measure that.
    request_queue_size = 128
    fake: FakeOpenAI


class FakeOpenAI:
    """A chat completions server on 127.0.0.1 answering from a script; a context manager."""

    def __init__(
        self,
        script: Sequence[Reply | Responder] = (),
        *,
        then: Responder = auto_reply,
        max_requests: int = 10_000,
        lifetime: float = 60.0,
        timer: TimerFactory = daemon_timer,
        dialect: Dialect = OPENAI,
    ) -> None:
        self.dialect = dialect
        self._script = list(script)
        self._then = then
        self._max_requests = max_requests
        self._lifetime = lifetime
        self._lock = threading.Lock()
        self._stop_lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.stopped = threading.Event()  # set first: wakes replies waiting out a delay
        self.closed = threading.Event()  # set last: the port no longer accepts connections
        self.batches = FakeBatches(self)
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, daemon=True
        )
        self._timer = timer(lifetime, self.stop)

    @property
    def base_url(self) -> str:
        """The base URL to give the client, ending in /v1."""
        return f"http://127.0.0.1:{self._server.server_port}/v1"

    def reply_to(self, request: dict[str, Any], headers: dict[str, str]) -> Reply:
        """Record `request` and pick its reply: the next scripted one, else `then`."""
        with self._lock:
            if len(self.requests) >= self._max_requests:
                return error_reply(
                    503,
                    "fake server request limit reached",
                    kind="server_error",
                    headers={"x-should-retry": "false"},
                )
            self.requests.append(request)
            self.headers.append(headers)
            refusal = self.dialect.refuse(request)
            if refusal is not None:
                return _json_reply(*refusal)
            step = self._script.pop(0) if self._script else self._then
        return step if isinstance(step, Reply) else step(request)

    def start(self) -> FakeOpenAI:
        """Start serving in a background thread."""
        self._thread.start()
        self._timer.start()
        return self

    def stop(self) -> None:
        """Stop serving and wake any reply still waiting out its delay."""
        with self._stop_lock:
            if self.stopped.is_set():
                return
            self.stopped.set()
        self._timer.cancel()
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()
        self.closed.set()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
