"""A small web server on 127.0.0.1 for fetch tests: fixed routes, validators, a request log.

Each route answers with its status, headers and body; a route with an ``etag`` or
``last_modified`` answers ``304 Not Modified`` to a request that sends them back, as real
servers do. Every request is logged (path, the conditional headers it carried, the status it
got, its User-Agent), so a test can show that a second run only asked conditionally. A
``hold`` route never answers before the server stops: the client's timeout fires first.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    hold: bool = False  # answer only when the server stops


@dataclass(frozen=True)
class Logged:
    """One request as the server saw it."""

    path: str
    status: int
    if_none_match: str | None
    if_modified_since: str | None
    user_agent: str | None

    @property
    def conditional(self) -> bool:
        """True when the request carried a validator back."""
        return bool(self.if_none_match or self.if_modified_since)


class WebServer:
    """``with WebServer({"/a": Route(b"<p>Hi</p>")}) as web: web.url("/a")``."""

    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes
        self.log: list[Logged] = []
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        """The full URL of `path` on this server."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def requests_to(self, path: str) -> list[Logged]:
        """The logged requests for `path`, in order."""
        with self._lock:
            return [entry for entry in self.log if entry.path == path]

    def __enter__(self) -> WebServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _record(self, entry: Logged) -> None:
        with self._lock:
            self.log.append(entry)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        web = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                """Quiet: tests read `WebServer.log`."""

            def do_GET(self) -> None:
                route = web.routes.get(self.path, Route(b"no such page", "text/plain", 404))
                if route.hold:
                    web._released.wait()
                    return
                not_modified = (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                    route.last_modified
                    and self.headers.get("If-Modified-Since") == route.last_modified
                )
                status = 304 if not_modified else route.status
                web._record(
                    Logged(
                        self.path,
                        status,
                        self.headers.get("If-None-Match"),
                        self.headers.get("If-Modified-Since"),
                        self.headers.get("User-Agent"),
                    )
                )
                self.send_response(status)
                body = b"" if status == 304 else route.body
                headers = dict(route.headers)
                if route.content_type and status != 304:
                    headers.setdefault("Content-Type", route.content_type)
                if route.etag:
                    headers["ETag"] = route.etag
                if route.last_modified:
                    headers["Last-Modified"] = route.last_modified
                headers["Content-Length"] = str(len(body))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        return Handler
