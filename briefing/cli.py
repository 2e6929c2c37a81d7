"""The `briefing` command: a thin layer over the library.

Exit codes: 0 ok; 1 usage or configuration error (one line on stderr); 2 nothing usable
in the input; 3 partial: some articles were not covered, each listed on stderr.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from briefing import engines, history, pipeline
from briefing.config import (
    DEFAULT_BUDGET,
    DEFAULT_CONCURRENCY,
    DEFAULT_FETCH_TIMEOUT,
    DEFAULT_MAX_ARTICLES,
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_RETRY_BUDGET_SECONDS,
    DEFAULT_TIMEOUT_SECONDS,
    Options,
)
from briefing.daily import daily as make_daily
from briefing.daily import plan_daily
from briefing.errors import BriefingError, NothingUsable
from briefing.ingest import Selection, describe, read_url_list, render_inspect_table
from briefing.ingest.feedlist import FeedEntry, read_feed_list
from briefing.render import DETAILS, FORMATS, Format, check_changes, render, write_atomic
from briefing.schema import Briefing, Daily, Skipped, Stats
from briefing.text import one_line

STDOUT_ARGUMENT = "-"
EXIT_USAGE = 1
EXIT_NOTHING_USABLE = 2
EXIT_PARTIAL = 3
EXIT_INTERRUPTED = 130
LISTED_ON_STDERR = 10
PIPED_TABLE_WIDTH = 160  # rich assumes 80 columns when stdout is not a terminal

stderr = Console(stderr=True)


def _format_for(output: Path | None, fmt: str | None) -> Format:
    if fmt:
        return fmt  # type: ignore[return-value]
    if output is None:
        return "md"
    suffix = output.suffix.lower().lstrip(".")
    chosen = {"markdown": "md", "htm": "html"}.get(suffix, suffix)
    if chosen in FORMATS:
        return chosen
    click.echo(f"{output}: no format is named .{suffix}; writing Markdown (see --format)", err=True)
    return "md"


def _quiet() -> bool:
    return logging.getLogger("briefing").level > logging.WARNING


def _note(text: str) -> None:
    """A line for the user on stderr, unless -q asked for errors only."""
    if not _quiet():
        click.echo(text, err=True)


def _announce_engine(options: Options) -> None:
    if options.resolved_engine == "offline":
        why = " (no OPENAI_API_KEY or OPENAI_BASE_URL set)" if options.engine == "auto" else ""
        _note(f"engine: offline, rules only, no API calls{why}")
    else:
        where = options.base_url or "api.openai.com"
        mode = f", replaying {options.replay}" if options.replay else ""
        _note(f"engine: openai, model {options.model} at {where}{mode}")


class _ProgressBar:
    """A rich progress bar on stderr while packs are extracted (only on a terminal)."""

    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("extracting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=stderr,
            transient=True,
            disable=not stderr.is_terminal,
        )
        self._task: TaskID | None = None

    def packs_planned(self, total: int) -> None:
        self._task = self._progress.add_task("packs", total=total)
        self._progress.start()

    def pack_done(self) -> None:
        if self._task is not None:
            self._progress.advance(self._task)

    def close(self) -> None:
        self._progress.stop()


@contextlib.contextmanager
def _progress_bar() -> Iterator[_ProgressBar]:
    bar = _ProgressBar()
    try:
        yield bar
    finally:
        bar.close()


def _emit(text: str, output: Path | None) -> None:
    if output is None or str(output) == STDOUT_ARGUMENT:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)
        _note(f"wrote {output}")


def _list_on_stderr(heading: str, items: list[Skipped]) -> None:
    if not items:
        return
    _note(heading)
    for item in items[:LISTED_ON_STDERR]:
        _note(f"  {item.path}: {item.reason}")
    if len(items) > LISTED_ON_STDERR:
        more = len(items) - LISTED_ON_STDERR
        _note(f"  … and {more} more, listed under Skipped inputs in the output")


def _report_skipped(skipped: list[Skipped]) -> int:
    """Say on stderr which inputs were skipped and which articles were not covered; the
    exit code: partial when any article was not covered."""
    uncovered = [item for item in skipped if item.reason.startswith(pipeline.NOT_COVERED)]
    unused = [item for item in skipped if item not in uncovered]
    _list_on_stderr(f"skipped {len(unused)} input(s):", unused)
    _list_on_stderr(f"{len(uncovered)} article(s) not covered:", uncovered)
    return EXIT_PARTIAL if uncovered else 0


def _report_retries(stats: Stats) -> None:
    """Say on stderr how many requests had to be sent again, if any."""
    if stats.retries or stats.reasks:
        click.echo(
            f"retries: {stats.retries} after transient errors (rate limits, 5xx, timeouts, "
            f"broken connections), {stats.reasks} re-asked for an unusable answer",
            err=True,
        )


def _report_checks(stats: Stats) -> None:
    """Say on stderr what the checks against the sources changed, if anything (not with -q)."""
    changes = check_changes(stats)
    if changes:
        _note(f"checks: {', '.join(changes)}")


def _nothing_covered(document: Briefing | Daily) -> bool:
    """True when every article an engine was given failed: a briefing of nothing."""
    briefings = document.stories if isinstance(document, Daily) else [document]
    return bool(briefings) and all(
        b.stats.articles and b.stats.uncovered_articles >= b.stats.articles for b in briefings
    )


def _dry_run_text(stats: Stats) -> str:
    return (
        f"articles: {stats.articles}\nunique tokens: {stats.unique_tokens}\n"
        f"packs: {stats.packs}\ncalls: {stats.calls}\nprompt tokens: {stats.prompt_tokens}\n"
        f"estimated completion tokens: {stats.completion_tokens}\n"
        f"estimated cost: ${stats.cost_usd:.4f} ({stats.engine}"
        f"{', ' + stats.model if stats.model else ''})\n"
    )


def _run(action: Callable[[], int]) -> None:
    try:
        code = action()
    except NothingUsable as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_NOTHING_USABLE)
    except BriefingError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        click.echo(
            "Interrupted: nothing was written; packs already extracted are cached, "
            "so running the same command again resumes.",
            err=True,
        )
        sys.exit(EXIT_INTERRUPTED)
    except Exception as error:
        logging.getLogger("briefing").info("the run stopped on", exc_info=error)
        click.echo(f"Error: {_unexpected(error)}", err=True)
        sys.exit(EXIT_USAGE)
    sys.exit(code)


def _unexpected(error: Exception) -> str:
    """One line for an error that is no input's fault: a broken install or a bug."""
    detail = one_line(f"{type(error).__name__}: {error}", 300)
    if isinstance(error, ImportError):
        return (
            f"briefing's installation is incomplete ({detail}): reinstall it with its "
            "dependencies (pip install --force-reinstall briefing)"
        )
    return (
        f"the run stopped on an internal error ({detail}); nothing was written. "
        "This is a bug: please report it (-v shows the traceback)"
    )


def _apply(command: Callable[..., Any], decorators: list[Callable[..., Any]]) -> Callable[..., Any]:
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def _set_verbosity(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """-v logs each stage, -q keeps stderr to errors; either works before or after the
    subcommand (the last one given wins)."""
    if not value or ctx.resilient_parsing:
        return
    level = logging.INFO if param.name == "verbose" else logging.ERROR
    logging.getLogger("briefing").setLevel(level)


def verbosity_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """-v/--verbose and -q/--quiet, accepted by the group and by every subcommand."""
    return _apply(
        command,
        [
            click.option(
                "-v",
                "--verbose",
                is_flag=True,
                expose_value=False,
                callback=_set_verbosity,
                help="Log each stage on stderr.",
            ),
            click.option(
                "-q",
                "--quiet",
                is_flag=True,
                expose_value=False,
                callback=_set_verbosity,
                help="Only errors on stderr (no engine line, no list of skipped inputs).",
            ),
        ],
    )


def input_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """What is read and its limits, shared by every command that reads articles."""
    return _apply(
        command,
        [
            click.option(
                "--urls",
                "urls_file",
                type=click.Path(dir_okay=False, exists=True, path_type=Path),
                help="Also fetch the URLs in this file (one per line, # comments).",
            ),
            click.option(
                "--no-cache",
                is_flag=True,
                help="Neither read nor write the caches (model answers, fetched pages).",
            ),
            click.option(
                "--follow",
                is_flag=True,
                help="For feed items that carry only a teaser, fetch the item's page.",
            ),
            click.option(
                "--fetch-timeout",
                type=click.FloatRange(min=0, min_open=True),
                help=f"Seconds to fetch one URL, all told [default {DEFAULT_FETCH_TIMEOUT:g}].",
            ),
            click.option(
                "--include",
                metavar="GLOB",
                multiple=True,
                help="Read only files matching GLOB (name or path; repeatable). Also reads "
                "files skipped by default: README, LICENSE, CHANGELOG, PROVENANCE, dotfiles.",
            ),
            click.option(
                "--exclude",
                metavar="GLOB",
                multiple=True,
                help="Never read files or folders matching GLOB (name or path; repeatable).",
            ),
            click.option(
                "--max-file-bytes",
                type=click.IntRange(min=1),
                help=f"Read at most this much of each file [default {DEFAULT_MAX_FILE_BYTES:,}].",
            ),
            click.option(
                "--max-articles",
                type=click.IntRange(min=1),
                help=f"Skip articles beyond this many [default {DEFAULT_MAX_ARTICLES:,}].",
            ),
            verbosity_options,
        ],
    )


def engine_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options shared by `build` and `daily`."""
    decorators = [
        click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
            help="Write here (atomically); - or nothing: stdout.",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            help="Output format. Default: from the -o suffix, else md.",
        ),
        click.option(
            "--detail",
            type=click.Choice(DETAILS),
            help="brief: the key facts first, the rest in an appendix; full: every item in "
            "one list [default brief].",
        ),
        click.option(
            "--engine",
            type=click.Choice(["auto", "openai", "offline"]),
            default="auto",
            show_default=True,
            help="auto uses openai when OPENAI_API_KEY or OPENAI_BASE_URL is set.",
        ),
        click.option("--model", help="Model for the openai engine [env BRIEFING_MODEL]."),
        click.option("--base-url", help="Any OpenAI-compatible server [env OPENAI_BASE_URL]."),
        click.option(
            "--budget",
            type=click.IntRange(min=1),
            help=f"Max prompt tokens per call [default {DEFAULT_BUDGET}].",
        ),
        click.option(
            "--context",
            type=click.IntRange(min=1),
            help="The server's context in tokens, for servers that do not say it (llama.cpp's "
            "server, Ollama and vLLM do): packs and answers are sized to fit it.",
        ),
        click.option(
            "--concurrency",
            type=click.IntRange(min=1),
            help=f"Calls in flight at once [default {DEFAULT_CONCURRENCY}].",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            help=f"Seconds to wait for one answer [default {DEFAULT_TIMEOUT_SECONDS:g}].",
        ),
        click.option(
            "--retry-budget",
            type=click.FloatRange(min=0),
            help="Seconds one request may keep retrying rate limits, 5xx, timeouts and broken "
            f"connections, from its first try [default {DEFAULT_RETRY_BUDGET_SECONDS:g}].",
        ),
        click.option(
            "--max-cost",
            type=click.FloatRange(min=0),
            help="Refuse to start a run estimated above this many USD.",
        ),
        click.option(
            "--dry-run",
            is_flag=True,
            help="Print articles, tokens, packs, calls and cost; call nothing.",
        ),
        click.option(
            "--record",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Record API traffic to this vcrpy cassette.",
        ),
        click.option(
            "--replay",
            type=click.Path(dir_okay=False, exists=True, path_type=Path),
            help="Replay API traffic from this cassette, offline.",
        ),
        click.option(
            "--schema-mode",
            type=click.Choice(["strict", "json"]),
            help="json: JSON mode plus validation, for servers without strict schemas.",
        ),
        click.option(
            "--batch",
            is_flag=True,
            help="Extract, then summarise, through the OpenAI Batch API: half price, answers "
            "within 24 hours (progress shown while it waits; the same command, or `briefing "
            "batch resume ID`, picks an unfinished batch up later).",
        ),
        click.option(
            "--service-tier",
            type=click.Choice(["auto", "default", "flex"]),
            help="OpenAI processing tier of the calls; flex is half price and slower.",
        ),
    ]
    return input_options(_apply(command, decorators))


def _options(**flags: Any) -> Options:
    if flags.get("record") and flags.get("replay"):
        raise BriefingError("--record and --replay cannot be used together; pick one.")
    return Options.from_env(
        engine=flags["engine"],
        model=flags["model"],
        base_url=flags["base_url"],
        budget=flags["budget"],
        context=flags["context"],
        concurrency=flags["concurrency"],
        timeout=flags["timeout"],
        retry_budget=flags["retry_budget"],
        max_cost=flags["max_cost"],
        dry_run=flags["dry_run"],
        record=flags["record"],
        replay=flags["replay"],
        schema_mode=flags["schema_mode"],
        batch=flags["batch"] or None,
        service_tier=flags["service_tier"],
        detail=flags["detail"],
        **_input_settings(flags),
    )


def _input_settings(flags: dict[str, Any]) -> dict[str, Any]:
    """The options every reading command shares, from its flags."""
    return {
        "max_file_bytes": flags["max_file_bytes"],
        "max_articles": flags["max_articles"],
        "include": flags["include"],
        "exclude": flags["exclude"],
        "fetch_timeout": flags["fetch_timeout"],
        "follow": flags["follow"] or None,
        "use_cache": False if flags.get("no_cache") else None,
    }


def _inputs(paths: tuple[str, ...], flags: dict[str, Any]) -> list[str]:
    """The command's inputs: its PATHS and URLs, then those of --urls FILE."""
    inputs = list(paths)
    if flags.get("urls_file"):
        try:
            inputs += read_url_list(flags["urls_file"])
        except (OSError, UnicodeError, ValueError) as error:
            raise BriefingError(f"--urls: {error}") from error
    if not inputs and not flags.get("feeds"):
        raise BriefingError("nothing to read: give files, folders, URLs, - or --urls FILE.")
    return inputs


class _StderrHandler(logging.Handler):
    """Log lines to whatever stderr is now (click swaps it in tests), prefixed "briefing:"."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("briefing: %(levelname)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


class _BriefingGroup(click.Group):
    """Click, but a usage error exits with 1: exit code 2 means nothing usable in the input."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        logging.getLogger("briefing").setLevel(logging.WARNING)  # until -v or -q says otherwise
        try:
            return super().main(*args, **kwargs)
        except click.UsageError as error:
            error.show()
            sys.exit(EXIT_USAGE)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Interrupted.", err=True)
            sys.exit(EXIT_INTERRUPTED)


@click.group(cls=_BriefingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="briefing", prog_name="briefing")
@verbosity_options
def main() -> None:
    """Turn news articles from several outlets into a sourced briefing."""
    logger = logging.getLogger("briefing")
    if not any(isinstance(handler, _StderrHandler) for handler in logger.handlers):
        logger.addHandler(_StderrHandler())


def _produce(
    paths: tuple[str, ...],
    output: Path | None,
    fmt: str | None,
    flags: dict[str, Any],
    plan: Callable[[list[str], Options], Stats],
    make: Callable[[list[str], Options, _ProgressBar], Briefing | Daily],
) -> None:
    """Run a command that writes a document: `plan` for --dry-run, else `make` it, write it
    and exit with the code its coverage calls for."""

    def action() -> int:
        options = _options(**flags)
        inputs = _inputs(paths, flags)
        chosen = _format_for(output, fmt)
        if options.dry_run:
            planned = plan(inputs, options)
            as_json = chosen == "json"
            text = planned.model_dump_json(indent=2) + "\n" if as_json else _dry_run_text(planned)
            _emit(text, output)
            return 0
        _announce_engine(options)
        with _progress_bar() as bar:
            document = make(inputs, options, bar)
        _report_retries(document.stats)
        _report_checks(document.stats)
        if _nothing_covered(document):
            code = _report_skipped(document.skipped)
            click.echo("Error: no article could be briefed; nothing was written.", err=True)
            return code
        _emit(render(document, chosen, options.detail), output)
        return _report_skipped(document.skipped)

    _run(action)


@main.command()
@click.argument("paths", nargs=-1)
@engine_options
def build(paths: tuple[str, ...], output: Path | None, fmt: str | None, **flags: Any) -> None:
    """Build one briefing from PATHS (files, folders, http(s) URLs of pages or feeds, or -
    for stdin)."""
    _produce(
        paths,
        output,
        fmt,
        flags,
        plan=lambda inputs, options: pipeline.plan(inputs, options, stdin=sys.stdin.buffer),
        make=lambda inputs, options, bar: pipeline.build(
            inputs, options, stdin=sys.stdin.buffer, reporter=bar
        ),
    )


@main.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--date",
    "day",
    metavar="YYYY-MM-DD",
    help="Keep only articles published on this day (and those with no known date; the "
    "others are listed as skipped), and label the page with it. Default: every article; "
    "the label is the day at least half the dated articles share, if any.",
)
@click.option(
    "--feeds",
    "feeds_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Also read the feeds of this list: OPML (as feed readers export it) or one feed "
    "URL per line. The page credits each feed.",
)
@click.option(
    "--since",
    metavar="last|YYYY-MM-DD|FILE",
    help="Say what changed since the story history: the last stored run, the runs from a "
    "day on, or a daily page saved as JSON. Continuing stories keep their id and list new "
    "claims, figures that moved (old → new), new actors and outlets; new stories are marked "
    "new and stories gone quiet are listed. Every run stores its stories in the history "
    "($BRIEFING_HOME, else the user data dir).",
)
@engine_options
def daily(
    paths: tuple[str, ...],
    day: str | None,
    feeds_file: Path | None,
    since: str | None,
    output: Path | None,
    fmt: str | None,
    **flags: Any,
) -> None:
    """Brief a day's articles from PATHS (files, folders, URLs of pages or feeds) on one page:
    the day in brief, then one section per story (articles about the same event), ranked by
    how many outlets covered it."""
    feeds = _feed_list(feeds_file)
    _produce(
        paths,
        output,
        fmt,
        {**flags, "feeds": feeds},
        plan=lambda inputs, options: plan_daily(
            inputs, options, date=day, stdin=sys.stdin.buffer, feeds=feeds
        ),
        make=lambda inputs, options, bar: _daily_with_history(
            since,
            day,
            lambda: make_daily(
                inputs, options, date=day, stdin=sys.stdin.buffer, reporter=bar, feeds=feeds
            ),
        ),
    )


def _daily_with_history(since: str | None, day: str | None, make: Callable[[], Daily]) -> Daily:
    """Brief the day with the story history: opened first (a damaged store stops the run
    before any call), linked to `--since`, and the day's stories stored after."""
    page = history.saved_page(since) if since else None
    with history.History.open() as store:
        document = make()
        today = day or document.date or history.utc_today()
        if since is None:
            document = history.ids_only(document, today, store)
        else:
            earlier = page if page is not None else history.earlier_stories(store, since, today)
            document = history.follow(document, earlier, today, store)
        if document.stories:
            history.record(store, document, today)
    return document


@main.command(name="history")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="A list for reading, or JSON for scripts.",
)
def history_command(fmt: str) -> None:
    """List the days in the story history and the stories of each, with their ids."""

    def action() -> int:
        with history.History.open() as store:
            click.echo(history.render_listing(store.listing(), fmt), nl=False)
        return 0

    _run(action)


@main.command()
@click.argument("story_id")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="md, html or json (default: from the -o extension, else md).",
)
def story(story_id: str, output: Path | None, fmt: str | None) -> None:
    """Show a story's timeline across the stored days: what it said each day and what moved."""

    def action() -> int:
        with history.History.open() as store:
            timeline = store.timeline(story_id)
        _emit(history.render_timeline(timeline, _format_for(output, fmt)), output)
        return 0

    _run(action)


@main.group(name="batch")
def batch_group() -> None:
    """Batches started with --batch: where one stands, or wait for it and keep its answers."""


@batch_group.command(name="status")
@click.argument("batch_id")
@click.option("--base-url", help="The server it was started on [env OPENAI_BASE_URL].")
def batch_status(batch_id: str, base_url: str | None) -> None:
    """Say where batch BATCH_ID stands: its status and how many requests are done."""

    def action() -> int:
        options = Options.from_env(base_url=base_url)
        click.echo(asyncio.run(engines.batch_status(options, batch_id)))
        return 0

    _run(action)


@batch_group.command(name="resume")
@click.argument("batch_id")
@click.option("--base-url", help="The server it was started on [env OPENAI_BASE_URL].")
def batch_resume(batch_id: str, base_url: str | None) -> None:
    """Wait for batch BATCH_ID (started by an earlier --batch run) and keep its answers in
    the cache; the same command with --batch then writes the briefing without asking again."""

    def action() -> int:
        outcome = asyncio.run(engines.resume_batch(Options.from_env(base_url=base_url), batch_id))
        click.echo(
            f"batch {outcome.id} {outcome.status}: {outcome.answered} answers kept in the "
            f"cache, {outcome.failed} failed; run the same command again to write the briefing"
        )
        return 0

    _run(action)


def _feed_list(path: Path | None) -> list[FeedEntry]:
    """The feeds of ``--feeds FILE`` (none without it); a bad list is a usage error."""
    if path is None:
        return []
    try:
        return read_feed_list(path)
    except (OSError, UnicodeError, ValueError) as error:
        click.echo(f"Error: --feeds: {error}", err=True)
        sys.exit(EXIT_USAGE)


@main.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A table for reading, or JSON for scripts.",
)
@input_options
def inspect(paths: tuple[str, ...], fmt: str, **flags: Any) -> None:
    """Show what ingest makes of each input: its articles (title, outlet, date, URL, size)
    or why it was skipped. The same reading that `build` and `daily` use."""

    def action() -> int:
        options = Options.from_env(**_input_settings(flags))
        reports = describe(
            _inputs(paths, flags),
            stdin=sys.stdin.buffer,
            max_file_bytes=options.max_file_bytes,
            max_articles=options.max_articles,
            selection=Selection.of(options.include, options.exclude),
            fetch=pipeline.fetch_options(options),
        )
        if fmt == "json":
            click.echo(json.dumps([report.model_dump() for report in reports], indent=2))
        else:
            Console(width=None if sys.stdout.isatty() else PIPED_TABLE_WIDTH).print(
                render_inspect_table(reports)
            )
        return 0 if any(report.articles for report in reports) else EXIT_NOTHING_USABLE

    _run(action)
