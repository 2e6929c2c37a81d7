"""The story history of daily runs: what each day's stories were, and what moved since.

Every `briefing daily` run stores its stories (id, title, actors, claims with their quotes,
figures, sources, day) in one SQLite file: ``$BRIEFING_HOME/history.sqlite3``, else in the
user data dir. A day is written in one transaction, so a run that dies half-way leaves the
store as it was; a run of a day already stored replaces that day, and its stories keep
the ids they had in the run it replaces. Concurrent runs wait for
each other (SQLite's write lock, `BUSY_SECONDS`) and a run that cannot get the lock in time
stops with a message; a file that is not a readable store is reported, never replaced.

`briefing daily --since last|DATE|FILE` links today's stories to the stories of the history
from that point on (the last stored run, the runs since DATE, or a daily JSON file): two
stories are the same when they share sources, quotes or enough names. A linked story keeps
its id, and its `changes` list the claims, figures (old → new, with who gives each), actors
and outlets that are new; a story linked to nothing is new; a story of the history that
nothing links to is listed once as gone quiet. All of it is plain code: no model call.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from datetime import date as Date
from pathlib import Path

import platformdirs
from pydantic import BaseModel, Field, ValidationError

from briefing.cluster import names_in
from briefing.daily import outlet_name
from briefing.errors import BriefingError
from briefing.render import plural, render_page
from briefing.schema import (
    Daily,
    FigureChange,
    QuietStory,
    Story,
    StoryChanges,
)
from briefing.text import normalize_for_match

STORE_NAME = "history.sqlite3"
BUSY_SECONDS = 30.0
# Two stories are one when they share a source (URL, or outlet and headline) or a quote, or
# at least this many names (actors, and names written in headlines and claims) making at
# least this share of the smaller story's names.
MIN_SHARED_NAMES = 3
MIN_SHARED_NAME_SHARE = 0.3
MAX_DEVELOPING_PARTS = 3

# Each migration takes the store from version N to N + 1 (`PRAGMA user_version`).
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE days (
        day TEXT PRIMARY KEY,
        stored_at TEXT NOT NULL
    );
    CREATE TABLE story_days (
        story_id TEXT NOT NULL,
        day TEXT NOT NULL REFERENCES days(day) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        title TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        changes TEXT,
        PRIMARY KEY (story_id, day)
    );
    CREATE INDEX story_days_by_day ON story_days (day, position);
    """,
)


class HistoryError(BriefingError):
    """The story history cannot be read or written (exit code 1)."""


class StoredClaim(BaseModel):
    """A claim as the history keeps it."""

    speaker: str | None
    text: str
    quotes: list[str]


class StoredFigure(BaseModel):
    """A figure as the history keeps it."""

    subject: str
    value: str
    attributed_to: str | None


class StoredSource(BaseModel):
    """A source as the history keeps it: enough to recognise the article again."""

    outlet: str | None
    title: str | None
    url: str | None
    published: str | None


class Snapshot(BaseModel):
    """One story on one day, as stored."""

    id: str
    day: str
    title: str
    actors: list[str]
    claims: list[StoredClaim]
    figures: list[StoredFigure]
    sources: list[StoredSource]
    outlets: list[str]
    names: list[str] = Field(
        default_factory=list, description="Names its headlines and claims write (for linking)."
    )


class TimelineEntry(BaseModel):
    """A story on one of its days, with what had changed that day."""

    snapshot: Snapshot
    changes: StoryChanges | None


class Timeline(BaseModel):
    """A story across the stored days (`briefing story ID`)."""

    story_id: str
    title: str = Field(description="Its title on the latest day.")
    entries: list[TimelineEntry]


class DayListing(BaseModel):
    """A stored day and its stories (`briefing history`)."""

    day: str
    stored_at: str
    stories: list[Snapshot]


def store_path() -> Path:
    """Where the history lives: ``$BRIEFING_HOME/history.sqlite3``, else the user data dir."""
    home = os.environ.get("BRIEFING_HOME")
    folder = Path(home) if home else platformdirs.user_data_path("briefing", appauthor=False)
    return folder / STORE_NAME


def snapshot(story: Story, story_id: str, day: str) -> Snapshot:
    """What the history keeps of `story` on `day`."""
    return Snapshot(
        id=story_id,
        day=day,
        title=story.title,
        actors=[actor.name for actor in story.actors],
        claims=[
            StoredClaim(
                speaker=claim.speaker,
                text=claim.text,
                quotes=[item.quote for item in claim.evidence],
            )
            for claim in story.claims
        ],
        figures=[
            StoredFigure(subject=f.subject, value=f.value, attributed_to=f.attributed_to)
            for f in story.figures
        ],
        sources=[
            StoredSource(outlet=s.outlet, title=s.title, url=s.url, published=s.published)
            for s in story.sources
        ],
        outlets=[outlet.name for outlet in story.coverage.outlets],
        names=sorted(_written_names(story)),
    )


def _written_names(story: Story) -> set[str]:
    """The names in a story's title, headlines, claims and quotes."""
    texts = [story.title, *(source.title or "" for source in story.sources)]
    for claim in story.claims:
        texts += [claim.text, *(item.quote for item in claim.evidence)]
    return set().union(*map(names_in, texts))


class History:
    """The SQLite story store. Open it with `History.open(path)`; close it when done."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    def open(cls, path: Path | None = None, *, busy_seconds: float = BUSY_SECONDS) -> History:
        """Open (creating or migrating) the store at `path` (default `store_path()`)."""
        path = path or store_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=busy_seconds, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise HistoryError(f"cannot open the story history {path}: {error}") from error
        history = cls(connection, path)
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            history._check()
            history._migrate()
        except sqlite3.DatabaseError as error:
            connection.close()
            raise _store_error(path, error) from error
        except HistoryError:
            connection.close()
            raise
        return history

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _check(self) -> None:
        """Refuse a file that is not a sound store, or one from a newer version."""
        (result,) = self._db.execute("PRAGMA quick_check").fetchone()
        if result != "ok":
            raise _corrupt(self.path, result)
        version = self._version()
        if version > len(MIGRATIONS):
            raise HistoryError(
                f"the story history {self.path} was written by a newer briefing (store "
                f"version {version}, this one knows {len(MIGRATIONS)}): upgrade briefing."
            )
        if version == 0 and self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise _corrupt(self.path, "an SQLite file that is not a briefing history")

    def _version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        """Apply the migrations the store lacks, each in its own transaction."""
        while (version := self._version()) < len(MIGRATIONS):
            with self._transaction():
                if self._version() != version:
                    continue  # a concurrent run migrated it meanwhile
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {version + 1}")

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction: all of it is stored, or none of it."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def save_day(self, day: str, stories: Sequence[tuple[Snapshot, StoryChanges | None]]) -> None:
        """Store `day`'s stories (replacing an earlier run of that day) in one transaction."""
        stored_at = datetime.now(UTC).isoformat(timespec="seconds")
        try:
            with self._transaction():
                self._db.execute("DELETE FROM days WHERE day = ?", (day,))
                self._db.execute("INSERT INTO days VALUES (?, ?)", (day, stored_at))
                for position, (kept, changes) in enumerate(stories):
                    self._db.execute(
                        "INSERT INTO story_days VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            kept.id,
                            day,
                            position,
                            kept.title,
                            kept.model_dump_json(),
                            changes.model_dump_json() if changes else None,
                        ),
                    )
        except sqlite3.DatabaseError as error:
            raise _store_error(self.path, error) from error

    def days(self) -> list[str]:
        """The stored days, oldest first."""
        return [row[0] for row in self._query("SELECT day FROM days ORDER BY day")]

    def listing(self) -> list[DayListing]:
        """Every stored day with its stories, oldest day first."""
        stamps = {row[0]: row[1] for row in self._query("SELECT day, stored_at FROM days")}
        stories: dict[str, list[Snapshot]] = {day: [] for day in sorted(stamps)}
        for day, text in self._query("SELECT day, snapshot FROM story_days ORDER BY day, position"):
            stories[day].append(self._parse(text))
        return [DayListing(day=d, stored_at=stamps[d], stories=s) for d, s in stories.items()]

    def latest_between(self, first: str, before: str) -> list[Snapshot]:
        """Each story's latest version among the days from `first` up to (not including)
        `before`, latest day first."""
        rows = self._query(
            "SELECT story_id, day, snapshot FROM story_days WHERE day >= ? AND day < ? "
            "ORDER BY day DESC, position",
            (first, before),
        )
        latest: dict[str, Snapshot] = {}
        for story_id, _, text in rows:
            latest.setdefault(story_id, self._parse(text))
        return list(latest.values())

    def stories_on(self, day: str) -> list[Snapshot]:
        """The stories stored for `day`, in their order on that day's page."""
        rows = self._query(
            "SELECT snapshot FROM story_days WHERE day = ? ORDER BY position", (day,)
        )
        return [self._parse(text) for (text,) in rows]

    def story_ids(self) -> set[str]:
        """Every story id the history holds."""
        return {row[0] for row in self._query("SELECT DISTINCT story_id FROM story_days")}

    def days_of(self, story_id: str) -> list[str]:
        """The days a story appears on, oldest first."""
        rows = self._query(
            "SELECT day FROM story_days WHERE story_id = ? ORDER BY day", (story_id,)
        )
        return [row[0] for row in rows]

    def timeline(self, story_id: str) -> Timeline:
        """A story's days, oldest first, each with what changed that day."""
        rows = self._query(
            "SELECT snapshot, changes FROM story_days WHERE story_id = ? ORDER BY day",
            (story_id,),
        )
        entries = [
            TimelineEntry(
                snapshot=self._parse(text),
                changes=StoryChanges.model_validate_json(changes) if changes else None,
            )
            for text, changes in rows
        ]
        if not entries:
            raise BriefingError(
                f"no story {story_id!r} in the history {self.path}: `briefing history` lists "
                "the stored stories and their ids."
            )
        return Timeline(story_id=story_id, title=entries[-1].snapshot.title, entries=entries)

    def _query(self, sql: str, parameters: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
        try:
            return self._db.execute(sql, parameters).fetchall()
        except sqlite3.DatabaseError as error:
            raise _store_error(self.path, error) from error

    def _parse(self, text: str) -> Snapshot:
        try:
            return Snapshot.model_validate_json(text)
        except ValidationError as error:
            raise _corrupt(self.path, "a stored story cannot be read") from error


def _corrupt(path: Path, detail: object) -> HistoryError:
    return HistoryError(
        f"the story history {path} is damaged or not a briefing history ({detail}). It was "
        "left as it is: move it away (a new one is then started) or restore a backup."
    )


def _store_error(path: Path, error: sqlite3.DatabaseError) -> HistoryError:
    """What an SQLite error means for the user: another run holds the lock, or the store is
    damaged."""
    locked = "locked" in str(error) or "busy" in str(error)
    if isinstance(error, sqlite3.OperationalError) and locked:
        return HistoryError(
            f"the story history {path} is locked by another briefing run that did not finish "
            "in time; run again when it is done."
        )
    return _corrupt(path, error)


def saved_page(since: str) -> list[Snapshot] | None:
    """The stories of `--since FILE` (a daily page saved as JSON); None when `since` is
    ``last`` or a date. A bad value is a usage error, raised before any work is done."""
    if since == "last":
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", since):
        try:
            Date.fromisoformat(since)
        except ValueError:
            raise BriefingError(f"--since {since!r} is not a date: use YYYY-MM-DD.") from None
        return None
    return stories_of_file(Path(since))


def earlier_stories(history: History, since: str, today: str) -> list[Snapshot]:
    """The stories to compare `today`'s with: `since` is ``last`` (the latest stored day
    before today), a day ``YYYY-MM-DD`` (every stored day from it up to today) or a daily
    JSON file. Today's own stored run is never compared with: it is about to be replaced."""
    page = saved_page(since)
    if page is not None:
        return page
    if since == "last":
        days = [day for day in history.days() if day < today]
        return history.latest_between(days[-1], today) if days else []
    return history.latest_between(since, today)


def stories_of_file(path: Path) -> list[Snapshot]:
    """The stories of a daily page saved as JSON (`briefing daily --format json`)."""
    try:
        earlier = Daily.model_validate_json(path.read_bytes())
    except OSError as error:
        raise BriefingError(f"--since {path}: {error.strerror or error}") from error
    except (ValidationError, ValueError) as error:
        raise BriefingError(
            f"--since {path}: not a daily briefing saved as JSON (briefing daily --format json)"
        ) from error
    day = earlier.date or "0000-00-00"
    return [
        snapshot(story, story.story_id or f"{day}.{number}", day)
        for number, story in enumerate(earlier.stories, start=1)
    ]


class _Keys:
    """What identifies a story across days: its sources, quotes and names."""

    def __init__(self, kept: Snapshot) -> None:
        self.sources = {_source_key(source) for source in kept.sources} - {None}
        self.quotes = {_fold(q) for claim in kept.claims for q in claim.quotes if q.strip()}
        self.names = {_fold(name) for name in kept.actors} | set(kept.names)

    def link(self, other: _Keys) -> float:
        """How strongly two stories look like one (0 = not the same story)."""
        sources = len(self.sources & other.sources)
        quotes = len(self.quotes & other.quotes)
        names = len(self.names & other.names)
        share = names / (min(len(self.names), len(other.names)) or 1)
        named = names >= MIN_SHARED_NAMES and share >= MIN_SHARED_NAME_SHARE
        if not (sources or quotes or named):
            return 0.0
        return 4.0 * sources + 2.0 * quotes + share


def _source_key(source: StoredSource) -> str | None:
    if source.url:
        return source.url.strip().rstrip("/")
    if source.title:
        return f"{_fold(source.outlet or '')}|{_fold(source.title)}"
    return None


def _fold(text: str) -> str:
    return normalize_for_match(text).casefold()


def follow(
    daily: Daily,
    earlier: Sequence[Snapshot],
    day: str | None = None,
    history: History | None = None,
) -> Daily:
    """`daily` with each story linked to the `earlier` stories: ids, `changes`, the
    "Developing" lines and the stories gone quiet. Plain code, no model call. With
    `history`, each continuing story lists every earlier day it appeared on."""
    today = day or daily.date or utc_today()
    snapshots = [snapshot(s, "", today) for s in daily.stories]
    links = _match(snapshots, earlier)
    kept_ids = _rerun_ids(snapshots, links, history, today)
    used_ids = {kept.id for kept in earlier} | (history.story_ids() if history else set())
    stories: list[Story] = []
    developing: list[str] = []
    for number, story in enumerate(daily.stories, start=1):
        previous = links.get(number - 1)
        if previous is None:
            story_id = kept_ids.get(number - 1) or _new_id(today, number, used_ids)
            changes = StoryChanges(status="new")
        else:
            story_id = previous.id
            changes = _changes(story, previous)
            if history is not None:
                earlier_days = [d for d in history.days_of(story_id) if d != today]
                changes.days = earlier_days or changes.days
            if not changes.unchanged:
                developing.append(_developing_line(story, changes))
        used_ids.add(story_id)
        stories.append(story.model_copy(update={"story_id": story_id, "changes": changes}))
    linked = {kept.id for kept in links.values()}
    quiet = [
        QuietStory(id=kept.id, title=kept.title, last_day=kept.day)
        for kept in earlier
        if kept.id not in linked
    ]
    return daily.model_copy(update={"stories": stories, "developing": developing, "quiet": quiet})


def ids_only(daily: Daily, day: str | None = None, history: History | None = None) -> Daily:
    """`daily` with a new id on each story, linked to nothing (a run without `--since`);
    with `history`, ids it holds are not given again."""
    today = day or daily.date or utc_today()
    kept_ids = _rerun_ids([snapshot(s, "", today) for s in daily.stories], {}, history, today)
    used = history.story_ids() if history else set()
    stories = []
    for number, story in enumerate(daily.stories, start=1):
        story_id = kept_ids.get(number - 1) or _new_id(today, number, used)
        used.add(story_id)
        stories.append(story.model_copy(update={"story_id": story_id}))
    return daily.model_copy(update={"stories": stories})


def record(history: History, daily: Daily, day: str | None = None) -> None:
    """Store the day's stories (each must carry its `story_id`)."""
    today = day or daily.date or utc_today()
    history.save_day(
        today,
        [
            (snapshot(story, story.story_id or "", today), story.changes)
            for story in daily.stories
            if story.story_id
        ],
    )


def utc_today() -> str:
    """Today's date (UTC), the day a run without a date stores its stories under."""
    return datetime.now(UTC).date().isoformat()


def _new_id(day: str, number: int, used: set[str]) -> str:
    """``DAY.N``: the story's rank on the day it first appeared, made unique."""
    candidate, extra = f"{day}.{number}", 1
    while candidate in used:
        extra += 1
        candidate = f"{day}.{number}-{extra}"
    return candidate


def _rerun_ids(
    today: list[Snapshot], links: dict[int, Snapshot], history: History | None, day: str
) -> dict[int, str]:
    """Today's story index → the id it had in the stored run of `day` that this run
    replaces, for the stories not linked to an earlier day: re-running a day keeps the ids
    of its stories, which later days and saved pages may refer to."""
    if history is None:
        return {}
    linked_ids = {kept.id for kept in links.values()}
    stored = [kept for kept in history.stories_on(day) if kept.id not in linked_ids]
    unlinked = [index for index in range(len(today)) if index not in links]
    matched = _match([today[index] for index in unlinked], stored)
    return {unlinked[position]: kept.id for position, kept in matched.items()}


def _match(today: list[Snapshot], earlier: Sequence[Snapshot]) -> dict[int, Snapshot]:
    """Today's story index → the earlier story it continues, one to one, strongest first."""
    keys = [_Keys(kept) for kept in earlier]
    scored = [
        (score, index, position)
        for index, story in enumerate(today)
        for position, key in enumerate(keys)
        if (score := _Keys(story).link(key)) > 0
    ]
    links: dict[int, Snapshot] = {}
    taken: set[int] = set()
    for _, index, position in sorted(scored, key=lambda item: (-item[0], item[1], item[2])):
        if index not in links and position not in taken:
            links[index] = earlier[position]
            taken.add(position)
    return links


def _changes(story: Story, previous: Snapshot) -> StoryChanges:
    """What `story` has that its earlier version did not."""
    old_texts = {_fold(claim.text) for claim in previous.claims}
    old_quotes = {_fold(q) for claim in previous.claims for q in claim.quotes}
    new_claims = [
        claim.id or claim.text
        for claim in story.claims
        if _fold(claim.text) not in old_texts
        and not any(_fold(item.quote) in old_quotes for item in claim.evidence)
    ]
    old_actors = {_fold(name) for name in previous.actors}
    new_actors = [
        actor.name
        for actor in story.actors
        if not ({_fold(actor.name)} | {_fold(alias) for alias in actor.aliases}) & old_actors
    ]
    old_outlets = {_fold(name) for name in previous.outlets}
    new_outlets = [
        name
        for name in dict.fromkeys(outlet_name(source) for source in story.sources)
        if name and _fold(name) not in old_outlets
    ]
    return StoryChanges(
        status="continuing",
        since=previous.day,
        days=[previous.day],
        new_claims=new_claims,
        changed_figures=_changed_figures(story, previous),
        new_actors=new_actors,
        new_outlets=new_outlets,
    )


def _changed_figures(story: Story, previous: Snapshot) -> list[FigureChange]:
    """Figures about a subject the earlier day counted too, with a value it did not give."""
    old_by_subject: dict[str, list[StoredFigure]] = {}
    for stored in previous.figures:
        old_by_subject.setdefault(_fold(stored.subject), []).append(stored)
    changes: list[FigureChange] = []
    seen: set[tuple[str, str]] = set()
    for figure in story.figures:
        olds = old_by_subject.get(_fold(figure.subject), [])
        if not olds or _fold(figure.value) in {_fold(old.value) for old in olds}:
            continue
        key = (_fold(figure.subject), _fold(figure.value))
        if key in seen:
            continue
        seen.add(key)
        old = olds[0]
        changes.append(
            FigureChange(
                subject=figure.subject,
                old=old.value,
                old_attributed_to=old.attributed_to,
                old_day=previous.day,
                new=figure.value,
                new_attributed_to=figure.attributed_to,
            )
        )
    return changes


def _developing_line(story: Story, changes: StoryChanges) -> str:
    """One line for the day in brief: the story and what moved in it."""
    parts = [
        f"{change.subject} {change.old} → {change.new}"
        + (f" (per {change.new_attributed_to})" if change.new_attributed_to else "")
        for change in changes.changed_figures
    ]
    if changes.new_claims:
        count = len(changes.new_claims)
        parts.append(f"{count} new claim{'s' if count != 1 else ''}")
    if changes.new_actors:
        parts.append("first heard from " + ", ".join(changes.new_actors[:MAX_DEVELOPING_PARTS]))
    if changes.new_outlets:
        parts.append("newly covered by " + ", ".join(changes.new_outlets[:MAX_DEVELOPING_PARTS]))
    return f"{story.title}: " + "; ".join(parts[: MAX_DEVELOPING_PARTS + 1])


def render_timeline(timeline: Timeline, fmt: str) -> str:
    """A story's timeline as Markdown, HTML or JSON."""
    if fmt == "json":
        return timeline.model_dump_json(indent=2) + "\n"
    return render_page(f"story.{fmt}.j2", timeline)


def render_listing(days: list[DayListing], fmt: str) -> str:
    """The stored days and their stories, as a plain list or JSON."""
    if fmt == "json":
        return json.dumps([day.model_dump(mode="json") for day in days], indent=2) + "\n"
    if not days:
        return "The story history is empty: `briefing daily` stores each day it briefs.\n"
    lines = []
    for listing in days:
        lines.append(f"{listing.day} ({plural(len(listing.stories), 'story', 'stories')})")
        lines += [f"  {story.id}  {story.title}" for story in listing.stories]
    return "\n".join(lines) + "\n"
