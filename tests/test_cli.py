"""The command line: formats, outputs, stdin, dry runs and exit codes."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.schema import Briefing, Stats
from briefing.testing.drift import Drift
from briefing.testing.fake_openai import (
    FakeOpenAI,
    Reply,
    auto_reply,
    error_reply,
    hang,
    refusal_reply,
)

from .corpus import EXAMPLE


def run(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


def test_build_prints_markdown_and_names_the_engine_on_stderr():
    result = run("build", str(EXAMPLE))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# ")
    assert "## Disputed figures" in result.stdout
    assert "engine: offline" in result.stderr
    assert "no OPENAI_API_KEY" in result.stderr


def test_format_json_is_a_valid_briefing():
    result = run("build", str(EXAMPLE), "--format", "json")
    assert result.exit_code == 0
    assert Briefing.model_validate_json(result.stdout).stats.articles == 5


@pytest.mark.parametrize(
    "name, opening", [("b.html", "<!doctype html>"), ("b.json", '{\n  "title"'), ("b.md", "# ")]
)
def test_output_format_follows_the_file_suffix(tmp_path, name, opening):
    target = tmp_path / name
    result = run("build", str(EXAMPLE), "-o", str(target))
    assert result.exit_code == 0
    assert target.read_text().startswith(opening)
    assert f"wrote {target}" in result.stderr
    assert result.stdout == ""


def test_stdin_is_read_with_a_dash():
    article = (EXAMPLE / "003_95f36704ba18b9c9.txt").read_bytes()
    result = run("build", "-", "--format", "json", stdin=article)
    assert result.exit_code == 0, result.stderr
    briefing = Briefing.model_validate_json(result.stdout)
    assert any(a.name == "Kim Jong Un" for a in briefing.actors)


def test_dry_run_prints_the_plan_and_calls_nothing():
    result = run("build", str(EXAMPLE), "--dry-run")
    assert result.exit_code == 0
    assert "articles: 5" in result.stdout and "packs: 1" in result.stdout
    assert "estimated cost: $0.0000" in result.stdout


def test_dry_run_json_prints_the_stats_object():
    result = run("build", str(EXAMPLE), "--dry-run", "--format", "json")
    stats = Stats.model_validate_json(result.stdout)
    assert (stats.articles, stats.packs, stats.engine) == (5, 1, "offline")


def test_record_and_replay_together_is_a_usage_error(tmp_path):
    cassette = tmp_path / "c.yaml"
    cassette.write_text("interactions: []\n")
    record = str(tmp_path / "r.yaml")
    result = run("build", str(EXAMPLE), "--record", record, "--replay", str(cassette))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "cannot be used together" in result.stderr


def test_openai_engine_without_a_key_says_what_to_do():
    result = run("build", str(EXAMPLE), "--engine", "openai")
    assert result.exit_code == 1
    assert "OPENAI_API_KEY" in result.stderr and "--engine offline" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["build", str(EXAMPLE), "--frobnicate"], "No such option"),
        (["build", str(EXAMPLE), "--budget", "0"], "--budget"),
        (["build"], "nothing to read: give files, folders, URLs"),
        (["summarise"], "No such command"),
    ],
)
def test_usage_errors_exit_1_not_clicks_2(args, message):
    result = run(*args)
    assert result.exit_code == 1
    assert message in result.stderr


def test_help_and_version_exit_0():
    assert run("--help").exit_code == 0
    version = run("--version")
    assert version.exit_code == 0 and "briefing" in version.stdout


def test_nothing_usable_exits_2_and_lists_reasons(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "bad.json").write_text("{")
    result = run("build", str(tmp_path))
    assert result.exit_code == 2
    assert "nothing usable" in result.stderr
    assert "empty.txt" in result.stderr and "bad.json" in result.stderr


def test_missing_path_is_skipped_and_the_rest_briefed(tmp_path):
    result = run("build", str(EXAMPLE), str(tmp_path / "nope.txt"), "--format", "json")
    assert result.exit_code == 0
    skipped = json.loads(result.stdout)["skipped"]
    assert any("nope.txt" in s["path"] for s in skipped)


def test_python_dash_m_runs_the_cli():
    result = subprocess.run(
        [sys.executable, "-m", "briefing", "--help"], capture_output=True, text=True, check=True
    )
    assert "build" in result.stdout


# ---------------------------------------------------------------- secrets

PLANTED_KEY = "sk-proj-PLANTEDtestKEY0123456789abcdefABCDEF"


def _everything_written(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file())


def test_the_api_key_never_reaches_outputs_logs_cache_or_cassettes(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", PLANTED_KEY)
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "cache"))
    with FakeOpenAI() as server:
        recorded = run(
            "-v",
            "build",
            str(EXAMPLE),
            "--base-url",
            server.base_url,
            "--record",
            str(tmp_path / "run.yaml"),
            "-o",
            str(tmp_path / "out.json"),
        )
        cached = run(
            "-v",
            "build",
            str(EXAMPLE),
            "--base-url",
            server.base_url,
            "-o",
            str(tmp_path / "b.html"),
        )
    with FakeOpenAI([error_reply(401, f"Incorrect API key provided: {PLANTED_KEY}")]) as server:
        rejected = run("-v", "build", str(EXAMPLE), "--base-url", server.base_url, "--no-cache")
    assert (recorded.exit_code, cached.exit_code, rejected.exit_code) == (0, 0, 1)
    assert server.headers[0]["authorization"] == f"Bearer {PLANTED_KEY}"  # the key was really used
    assert "rejected the API key" in rejected.stderr
    written = _everything_written(tmp_path)
    assert (tmp_path / "run.yaml").exists() and list((tmp_path / "cache").iterdir())
    for text in (recorded.output, cached.output, rejected.output, written.decode("latin-1")):
        assert PLANTED_KEY not in text
        assert PLANTED_KEY[8:30] not in text


# ---------------------------------------------------------------- interruption


def _extraction_requests(server: FakeOpenAI) -> int:
    return sum(
        1 for r in server.requests if r["response_format"]["json_schema"]["name"] != "Summary"
    )


def test_an_interrupted_run_leaves_a_consistent_cache_and_a_rerun_resumes(tmp_path):
    env = {**os.environ, "BRIEFING_CACHE_DIR": str(tmp_path / "cache"), "PYTHONUNBUFFERED": "1"}
    env.pop("OPENAI_API_KEY", None)
    output = tmp_path / "briefing.json"
    output.write_text("previous briefing")
    command = [
        sys.executable,
        "-m",
        "briefing",
        "build",
        str(EXAMPLE),
        "--engine",
        "openai",
        "--budget",
        "1300",
        "--concurrency",
        "1",
        "-o",
        str(output),
    ]
    third_asked = threading.Event()

    def hold_the_third(request: dict) -> Reply:
        third_asked.set()
        return hang()  # in flight when the run is interrupted

    with FakeOpenAI([auto_reply, auto_reply, hold_the_third]) as server:
        process = subprocess.Popen(
            [*command, "--base-url", server.base_url],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
            # A runner such as pytest-xdist may ignore SIGINT, and children inherit that.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        assert third_asked.wait(300), "the run never sent its third request"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=300)
        interrupted_requests = len(server.requests)
    assert process.returncode == 130, stderr
    assert "running the same command again resumes" in stderr
    assert output.read_text() == "previous briefing"
    database = next((tmp_path / "cache").glob("*.sqlite*"))
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with FakeOpenAI() as server:
        subprocess.run(
            [*command, "--base-url", server.base_url], env=env, check=True, capture_output=True
        )
        packs = json.loads(output.read_text())["stats"]["packs"]
        resumed = _extraction_requests(server)
    assert interrupted_requests == 3 and packs > 3
    assert resumed <= packs - 2  # at least two packs came from the cache


# ---------------------------------------------------------------- inspect


def test_inspect_lists_each_article_and_each_skipped_input(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    result = run("inspect", str(EXAMPLE), str(tmp_path / "empty.txt"))
    assert result.exit_code == 0
    assert "001-268191f0e664f62b" in result.stdout and "2025-07-13" in result.stdout
    assert "empty file" in result.stdout


def test_inspect_json_is_what_build_reads(tmp_path):
    result = run("inspect", str(EXAMPLE), "--format", "json")
    reports = json.loads(result.stdout)
    ids = [article["id"] for report in reports for article in report["articles"]]
    built = Briefing.model_validate_json(run("build", str(EXAMPLE), "--format", "json").stdout)
    assert ids == [source.id for source in built.sources]


def test_inspect_of_nothing_readable_exits_2(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    assert run("inspect", str(tmp_path)).exit_code == 2


def test_max_articles_caps_what_is_read():
    result = run("build", str(EXAMPLE), "--max-articles", "2", "--format", "json")
    briefing = Briefing.model_validate_json(result.stdout)
    assert len(briefing.sources) == 2
    assert [s.reason for s in briefing.skipped] == [
        "stopped after 2 files (max_articles); the rest was not read"
    ]


def test_skipped_inputs_are_listed_on_stderr_even_when_the_run_succeeds(tmp_path):
    result = run("build", str(EXAMPLE), str(tmp_path / "typo.txt"), "-o", str(tmp_path / "b.md"))
    assert result.exit_code == 0
    assert "skipped 1 input(s):" in result.stderr and "typo.txt: no such file" in result.stderr


def test_an_unknown_output_suffix_says_it_writes_markdown(tmp_path):
    result = run("build", str(EXAMPLE), "-o", str(tmp_path / "b.pdf"))
    assert result.exit_code == 0
    assert "no format is named .pdf; writing Markdown" in result.stderr
    assert (tmp_path / "b.pdf").read_text().startswith("# ")


def test_verbose_logs_each_stage():
    result = run("-v", "build", str(EXAMPLE))
    assert "read 5 articles" in result.stderr
    assert "passages after dedup" in result.stderr and "disputes" in result.stderr


def test_detail_brief_is_the_default_and_full_lists_every_item_in_one_place():
    brief = run("build", str(EXAMPLE), "--engine", "offline")
    full = run("build", str(EXAMPLE), "--engine", "offline", "--detail", "full")
    assert brief.exit_code == 0 and full.exit_code == 0
    assert "## All extracted facts" in brief.stdout and "## Run stats" not in brief.stdout
    assert "## All extracted facts" not in full.stdout and "## Run stats" in full.stdout
    assert len(brief.stdout.split("## All extracted facts")[0]) < len(full.stdout) / 2


def test_dash_output_writes_stdout_not_a_file_named_dash(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("build", str(EXAMPLE), "-o", "-", "--format", "json")
    assert result.exit_code == 0, result.output
    assert Briefing.model_validate_json(result.stdout).sources
    assert not (tmp_path / "-").exists()


def test_verbose_and_quiet_are_accepted_after_the_subcommand_too():
    verbose = run("build", str(EXAMPLE), "-v")
    assert verbose.exit_code == 0 and "read 5 articles" in verbose.stderr
    quiet = run("build", str(EXAMPLE), "--format", "json", "-q")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert Briefing.model_validate_json(quiet.stdout).sources
    assert "engine: offline" in run("-q", "build", str(EXAMPLE), "-v").stderr


def test_when_every_article_fails_nothing_is_written_and_the_exit_code_is_3(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Officials said the bridge would reopen on Monday.")
    out = tmp_path / "b.md"
    with FakeOpenAI(then=lambda request: refusal_reply()) as server:
        result = run(
            "build",
            str(tmp_path / "in"),
            "--base-url",
            server.base_url,
            "--no-cache",
            "-o",
            str(out),
        )
    assert result.exit_code == 3, result.output
    assert not out.exists()
    assert "1 article(s) not covered:" in result.stderr
    assert "no article could be briefed; nothing was written" in result.stderr


def test_inspect_of_a_folder_with_a_symlink_loop_and_a_dangling_link_skips_them(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("A story that reads fine.")
    (folder / "loop").symlink_to(folder / "loop")
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    result = run("inspect", str(folder), "--format", "json")
    assert result.exit_code == 0, result.output
    reasons = {s["path"]: s["reason"] for r in json.loads(result.stdout) for s in r["skipped"]}
    assert reasons == {
        "in/gone.txt": "broken symbolic link",
        "in/loop": "cannot access: Too many levels of symbolic links",
    }


def test_inspect_of_the_filesystem_root_lists_or_skips_without_a_traceback():
    result = run("inspect", "/", "--max-articles", "3", "--format", "json")
    assert result.exit_code in (0, 2), result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    reports = json.loads(result.stdout)
    assert reports[-1]["skipped"][-1]["reason"].startswith("stopped after 3 files")


def test_include_and_exclude_choose_the_files_read(tmp_path):
    for name in ("a.txt", "b.md", "notes/c.txt"):
        (tmp_path / "in" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "in" / name).write_text(f"Story {name} was filed on Friday.")
    result = run("inspect", str(tmp_path / "in"), "--include", "*.txt", "--exclude", "notes")
    assert result.exit_code == 0, result.output
    listed = json.loads(
        run(
            "inspect",
            str(tmp_path / "in"),
            "--include",
            "*.txt",
            "--exclude",
            "notes",
            "--format",
            "json",
        ).stdout
    )
    assert {r["path"]: [s["reason"] for s in r["skipped"]] for r in listed} == {
        "in/a.txt": [],
        "in/b.md": ["not matched by --include *.txt"],
        "in/notes": ["excluded by --exclude notes"],
    }


def test_an_incomplete_install_exits_1_naming_the_missing_module(tmp_path, monkeypatch):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><article><p>The port reopened on Monday.</p></article></body></html>"
    )
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    result = run("build", str(page))
    assert result.exit_code == 1
    assert "installation is incomplete" in result.stderr and "trafilatura" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_an_internal_error_exits_1_with_one_line_and_writes_nothing(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise AttributeError("'NoneType' object has no attribute 'paragraphs'")

    monkeypatch.setattr("briefing.pipeline.clean", broken)
    target = tmp_path / "out.md"
    result = run("build", str(EXAMPLE), "-o", str(target))
    assert result.exit_code == 1 and not target.exists()
    [line] = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert "internal error (AttributeError:" in line and "a bug" in line


def test_shell_completion_as_the_readme_documents_it_completes_commands_and_options():
    def complete(words: str) -> str:
        env = {
            "_BRIEFING_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - 1),
        }
        return CliRunner().invoke(main, [], env=env, prog_name="briefing").output

    assert complete("briefing da").split() == ["plain,daily"]
    assert "plain,--feeds" in complete("briefing daily --fe").split()
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "_BRIEFING_COMPLETE=bash_source briefing" in readme


def test_what_the_checks_changed_is_one_line_on_stderr_and_in_the_footer(tmp_path):
    drift = Drift()
    with FakeOpenAI(then=drift.reply) as server:
        result = run("build", str(EXAMPLE), "--base-url", server.base_url, "--no-cache")
    assert result.exit_code == 0, result.stderr
    line = next(line for line in result.stderr.splitlines() if line.startswith("checks: "))
    assert "quotes repaired" in line and "quotes re-cited" in line
    assert "1 summary bullet dropped" in line
    footer = result.stdout.rstrip().splitlines()[-1]
    assert line.removeprefix("checks: ") in footer


def test_a_run_the_checks_left_alone_prints_no_checks_line(tmp_path):
    (tmp_path / "a.txt").write_text("The bridge over the river reopened on Monday after repairs.")
    result = run("build", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert "checks:" not in result.stderr
    assert "every quote and fact held" in result.stdout.rstrip().splitlines()[-1]
