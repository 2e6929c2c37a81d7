"""A content-addressed response cache in SQLite, so a re-run with the same input calls nothing.

Keys are hashes of everything that shapes an answer (model, prompt version, schema, the
exact request and the pack's text and source ids); values are the validated answers as
JSON. The database runs in WAL mode and every write is its own transaction, so a run
killed at any moment leaves the cache consistent: each entry is there whole or not at all.
A cache that cannot be opened is reported and skipped, never fatal.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
from pathlib import Path

import platformdirs

log = logging.getLogger(__name__)

FILE_NAME = "responses.sqlite3"
BUSY_TIMEOUT_MS = 10_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at REAL NOT NULL
) WITHOUT ROWID
"""


def default_cache_dir() -> Path:
    """The user cache directory for briefing (BRIEFING_CACHE_DIR overrides it via Options)."""
    return platformdirs.user_cache_path("briefing", appauthor=False)


def cache_key(parts: dict[str, object]) -> str:
    """A stable hash of `parts` (JSON-serialisable), independent of dict order."""
    canonical = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class ResponseCache:
    """Answers stored by key in one SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA journal_mode = WAL")
            # NORMAL in WAL mode can lose the last commits on power loss, never consistency.
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute(_SCHEMA)
        except sqlite3.Error:
            self._db.close()
            raise

    @classmethod
    def open(cls, directory: Path | None) -> ResponseCache | None:
        """The cache in `directory` (default: the user cache dir), or None if it is unusable."""
        path = (directory or default_cache_dir()) / FILE_NAME
        try:
            return cls(path)
        except (OSError, sqlite3.Error) as error:
            log.warning("response cache %s is unusable (%s); running without it", path, error)
            return None

    def get(self, key: str) -> str | None:
        """The stored value for `key`, or None."""
        try:
            row = self._db.execute("SELECT value FROM responses WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as error:
            log.warning("could not read the response cache (%s)", error)
            return None
        return row[0] if row else None

    def put(self, key: str, value: str) -> None:
        """Store `value` under `key` in one transaction (a failed write is only logged)."""
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute(
                    "INSERT OR REPLACE INTO responses (key, value, created_at) VALUES (?, ?, ?)",
                    (key, value, time.time()),
                )
        except sqlite3.Error as error:
            log.warning("could not write the response cache (%s)", error)

    def close(self) -> None:
        """Close the database."""
        self._db.close()
