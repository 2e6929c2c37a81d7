"""The SQLite response cache: keys, persistence, WAL, and consistency after a kill."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
import textwrap

from briefing.cache import FILE_NAME, ResponseCache, cache_key, default_cache_dir


def test_values_round_trip_and_survive_reopening(tmp_path):
    cache = ResponseCache.open(tmp_path)
    assert cache is not None and cache.get("k") is None
    cache.put("k", '{"a": 1}')
    cache.put("k", '{"a": 2}')
    cache.close()
    reopened = ResponseCache.open(tmp_path)
    assert reopened.get("k") == '{"a": 2}'
    reopened.close()


def test_the_database_runs_in_wal_mode(tmp_path):
    ResponseCache.open(tmp_path).close()
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_keys_ignore_dict_order_and_see_every_part():
    base = {"model": "gpt-5.4-mini", "prompt_version": "1", "messages": [{"role": "user"}]}
    assert cache_key(base) == cache_key(dict(reversed(base.items())))
    assert cache_key(base) != cache_key({**base, "model": "gpt-5.4-nano"})
    assert cache_key(base) != cache_key({**base, "prompt_version": "2"})
    assert len(cache_key(base)) == 64


def test_default_directory_is_the_user_cache_dir():
    assert default_cache_dir().name == "briefing"


def test_an_unusable_cache_is_skipped_with_a_warning(tmp_path, caplog):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / FILE_NAME).write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING):
        assert ResponseCache.open(blocker) is None
        assert ResponseCache.open(corrupt) is None
    assert caplog.text.count("running without it") == 2


def test_a_process_killed_mid_write_leaves_the_cache_consistent(tmp_path):
    cache = ResponseCache.open(tmp_path)
    cache.put("done", "kept")
    cache.close()
    writer = textwrap.dedent(
        f"""
        import os, sqlite3
        from briefing.cache import ResponseCache
        from pathlib import Path
        cache = ResponseCache.open(Path({str(tmp_path)!r}))
        cache._db.execute("BEGIN IMMEDIATE")
        cache._db.execute("INSERT INTO responses VALUES ('torn', 'half', 0)")
        os._exit(9)  # dies holding an uncommitted transaction
        """
    )
    assert subprocess.run([sys.executable, "-c", writer], check=False).returncode == 9
    reopened = ResponseCache.open(tmp_path)
    assert reopened.get("done") == "kept"
    assert reopened.get("torn") is None
    assert reopened._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    reopened.put("after", "writable")
    assert reopened.get("after") == "writable"
    reopened.close()
