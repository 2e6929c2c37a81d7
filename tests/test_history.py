"""The story history across daily runs: linking, what changed, storage, locking, damage."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing import history
from briefing.cli import main
from briefing.config import Options
from briefing.daily import daily
from briefing.history import History, HistoryError, Snapshot
from briefing.render import render
from briefing.schema import Daily
from briefing.testing.fake_openai import FakeOpenAI
from tests.corpus import CORPUS


def article(title: str, outlet: str, day: str, *paragraphs: str) -> str:
    """A plain-text article with the header lines ingest reads."""
    return f"title {title}\noutlet {outlet}\ndate {day}\n\n" + "\n\n".join(paragraphs) + "\n"


# A small made-up flood story over two days: the toll moves from 12 to 19 (the mayor gives
# both), a governor speaks for the first time and a third outlet joins on day two.
DAY_ONE = {
    "ledger.txt": article(
        "Floods kill 12 in Valmora as River Tessin bursts its banks",
        "Daily Ledger",
        "2024-05-14",
        "The River Tessin burst its banks in Valmora on Tuesday, flooding the old town "
        "and the Kastell quarter.",
        '"At least 12 people have died and 400 residents were evacuated overnight," Mayor '
        "Ilse Brandt said at a news conference in the town hall.",
        "Rescue crews used boats to reach homes near the Tessin bridge, the Valmora fire "
        "service said.",
    ),
    "herald.txt": article(
        "Valmora floods: mayor says 12 dead, hundreds evacuated",
        "Northern Herald",
        "2024-05-14",
        "Floodwater from the Tessin swept through Valmora's old town on Tuesday.",
        "Mayor Ilse Brandt said at least 12 people had died and that 400 residents were "
        "evacuated from the Kastell quarter.",
        '"We have never seen the Tessin rise this fast," Brandt told reporters.',
    ),
}
DAY_TWO = {
    "ledger.txt": article(
        "Valmora flood death toll rises to 19",
        "Daily Ledger",
        "2024-05-15",
        "The death toll from the Tessin floods in Valmora rose on Wednesday as rescue "
        "crews reached the Kastell quarter.",
        '"At least 19 people have died," Mayor Ilse Brandt said, adding that 400 '
        "residents were still in emergency shelters.",
        "Regional governor Paul Ferrand said the region would ask for emergency funds to "
        "rebuild the Tessin bridge.",
    ),
    "radio.txt": article(
        "Valmora counts its dead after Tessin flood",
        "Radio Meridian",
        "2024-05-15",
        "Mayor Ilse Brandt said on Wednesday that at least 19 people had died in the "
        "Valmora floods.",
        "Governor Paul Ferrand visited the Kastell quarter and said the Tessin bridge "
        "would be rebuilt.",
    ),
}
# Another story, only on day one: it goes quiet on day two.
ELECTION = {
    "vote-a.txt": article(
        "Orvane council vote won by Greens",
        "Coastal Times",
        "2024-05-14",
        "The Greens led by Marta Kessel won 14 of the 31 seats on the Orvane council, "
        "officials said.",
        '"Orvane voted for clean harbours," Marta Kessel said after the count in the '
        "Orvane guildhall.",
    ),
    "vote-b.txt": article(
        "Kessel's Greens take Orvane council",
        "Valley Post",
        "2024-05-14",
        "Marta Kessel's Greens became the largest party on the Orvane council with 14 seats.",
        "Outgoing leader Hugo Brandauer conceded defeat in the Orvane guildhall on Tuesday night.",
    ),
}


def dated(files: dict[str, str], day: str) -> dict[str, str]:
    """The same articles published on another day (a feed serving them again)."""
    return {
        name: re.sub(r"^date .*$", f"date {day}", text, count=1, flags=re.M)
        for name, text in files.items()
    }


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def daily_json(*args: str) -> Daily:
    result = run("daily", *args, "--format", "json", "--engine", "offline")
    assert result.exit_code == 0, result.output
    return Daily.model_validate_json(result.stdout)


def store_file() -> Path:
    return history.store_path()


def test_the_store_lives_under_briefing_home(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_HOME", str(tmp_path / "somewhere"))
    assert history.store_path() == tmp_path / "somewhere" / "history.sqlite3"


def test_two_runs_show_a_moved_figure_old_to_new_with_who_gives_each(tmp_path):
    first = daily_json(str(write(tmp_path / "d1", DAY_ONE)), "--since", "last")
    second = daily_json(str(write(tmp_path / "d2", DAY_TWO)), "--since", "last")

    assert [story.changes.status for story in first.stories] == ["new"]
    (story,) = second.stories
    assert story.story_id == first.stories[0].story_id
    changes = story.changes
    assert changes.status == "continuing" and changes.since == "2024-05-14"
    (moved,) = [f for f in changes.changed_figures if "died" in f.subject]
    assert (moved.old, moved.new) == ("at least 12", "at least 19")
    assert moved.old_attributed_to == moved.new_attributed_to == "Ilse Brandt"
    assert moved.old_day == "2024-05-14"
    assert "Paul Ferrand" in changes.new_actors
    assert changes.new_outlets == ["Radio Meridian"]
    new_texts = [claim.text for claim in story.claims if claim.id in changes.new_claims]
    assert any("19 people" in text for text in new_texts)
    assert second.developing and "at least 12 → at least 19" in second.developing[0]


def test_the_page_shows_the_change_on_top_of_the_story_and_in_the_day_in_brief(tmp_path):
    assert run("daily", str(write(tmp_path / "d1", DAY_ONE)), "--since", "last").exit_code == 0
    folder = write(tmp_path / "d2", DAY_TWO)
    result = run("daily", str(folder), "--since", "last", "--format", "json")
    (tmp_path / "again.json").write_text(result.stdout)
    page = render(Daily.model_validate_json(result.stdout), "md")
    brief = page.split("## Contents")[0]
    assert "- Developing: Valmora" in brief
    story = page.split('<a id="story-1"></a>')[1]
    assert story.index("**Developing** since 2024-05-14") < story.index("### ")
    assert "at least 12 (Ilse Brandt, 2024-05-14) → at least 19 (Ilse Brandt)" in story
    html = render(Daily.model_validate_json((tmp_path / "again.json").read_text()), "html")
    assert "Developing since 2024-05-14" in html and "<strong>at least 19</strong>" in html


def test_a_run_with_nothing_new_says_no_change(tmp_path):
    daily_json(str(write(tmp_path / "d1", DAY_ONE)), "--since", "last")
    daily_json(str(write(tmp_path / "d2", DAY_TWO)), "--since", "last")
    folder = write(tmp_path / "d3", dated(DAY_TWO, "2024-05-16"))
    again = daily_json(str(folder), "--since", "last")
    (story,) = again.stories
    assert story.changes.status == "continuing" and story.changes.unchanged
    assert story.changes.days == ["2024-05-14", "2024-05-15"]
    assert again.developing == []
    assert "**Continuing, no change** since 2024-05-15" in render(again, "md")


def test_rerunning_a_stored_day_compares_with_the_day_before_and_replaces_it(tmp_path):
    daily_json(str(write(tmp_path / "d1", DAY_ONE)), "--since", "last")
    daily_json(str(write(tmp_path / "d2", DAY_TWO)), "--since", "last")
    rerun = daily_json(str(tmp_path / "d2"), "--since", "last")
    assert rerun.stories[0].changes.since == "2024-05-14"
    assert rerun.stories[0].changes.changed_figures
    with History.open() as store:
        assert [len(day.stories) for day in store.listing()] == [1, 1]


def test_rerunning_an_older_day_keeps_the_ids_of_its_stories(tmp_path):
    first = daily_json(str(write(tmp_path / "d1", DAY_ONE | ELECTION)), "--since", "last")
    ids = {story.title: story.story_id for story in first.stories}
    daily_json(str(write(tmp_path / "d2", DAY_TWO)), "--since", "last")
    rerun = daily_json(str(tmp_path / "d1"), "--since", "last")
    assert {story.title: story.story_id for story in rerun.stories} == ids
    with History.open() as store:
        assert store.story_ids() == set(ids.values())
        flood = next(s for s in rerun.stories if "Valmora" in s.title).story_id
        assert store.days_of(flood) == ["2024-05-14", "2024-05-15"]
    again = daily_json(str(tmp_path / "d1"))  # without --since too
    assert {story.title: story.story_id for story in again.stories} == ids


def test_with_the_openai_engine_changes_cost_no_call_and_a_rerun_makes_none(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-history")
    write(tmp_path / "d1", DAY_ONE)
    write(tmp_path / "d2", DAY_TWO)
    write(tmp_path / "d3", dated(DAY_TWO, "2024-05-16"))
    with FakeOpenAI() as server:

        def brief(folder: str) -> Daily:
            result = run(
                "daily", str(tmp_path / folder), "--since", "last", "--engine", "openai",
                "--base-url", server.base_url, "--format", "json",
            )  # fmt: skip
            assert result.exit_code == 0, result.output
            return Daily.model_validate_json(result.stdout)

        brief("d1")
        before = len(server.requests)
        second = brief("d2")
        second_calls = len(server.requests) - before
        third = brief("d3")
        third_calls = len(server.requests) - before - second_calls
    assert second_calls == second.stats.calls  # packs and the summaries: nothing for changes
    assert third_calls == 0 and third.stats.calls == 0
    assert all(story.changes.unchanged for story in third.stories)


def test_a_new_story_is_marked_new_and_a_story_gone_quiet_is_listed_once(tmp_path):
    write(tmp_path / "d1", DAY_ONE | ELECTION)
    first = daily_json(str(tmp_path / "d1"), "--since", "last")
    election_id = next(s.story_id for s in first.stories if "Orvane" in s.title)
    second = daily_json(str(write(tmp_path / "d2", DAY_TWO)), "--since", "last")
    assert [(q.id, q.last_day) for q in second.quiet] == [(election_id, "2024-05-14")]
    third = daily_json(str(write(tmp_path / "d3", dated(DAY_TWO, "2024-05-16"))), "--since", "last")
    assert third.quiet == []
    later = write(tmp_path / "d4", dated(ELECTION, "2024-05-17"))
    back = daily_json(str(later), "--since", "last")
    assert [s.changes.status for s in back.stories] == ["new"]  # not in the last run
    back = daily_json(str(later), "--since", "2024-05-14")
    assert [s.changes.status for s in back.stories] == ["continuing"]
    assert back.stories[0].story_id == election_id


def test_without_since_stories_get_ids_and_are_stored_but_not_compared(tmp_path):
    page = daily_json(str(write(tmp_path / "d1", DAY_ONE)))
    assert page.stories[0].story_id == "2024-05-14.1"
    assert page.stories[0].changes is None
    with History.open() as store:
        assert store.days() == ["2024-05-14"]


def test_since_a_date_compares_with_every_run_from_that_day(tmp_path):
    daily_json(str(write(tmp_path / "d1", DAY_ONE | ELECTION)), "--since", "last")
    daily_json(str(write(tmp_path / "d2", DAY_TWO)), "--since", "last")
    later = write(tmp_path / "d3", dated(ELECTION, "2024-05-17"))
    third = daily_json(str(later), "--since", "2024-05-14")
    assert third.stories[0].changes.status == "continuing"
    assert [q.title for q in third.quiet] == ["Valmora counts its dead after Tessin flood"]


def test_since_a_saved_daily_json_links_to_its_stories(tmp_path):
    result = run(
        "daily", str(write(tmp_path / "d1", DAY_ONE)), "--engine", "offline", "-o",
        str(tmp_path / "day1.json"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    store_file().unlink()  # the history is gone; the saved page still links
    second = daily_json(
        str(write(tmp_path / "d2", DAY_TWO)), "--since", str(tmp_path / "day1.json")
    )
    assert second.stories[0].changes.status == "continuing"
    assert second.stories[0].story_id == "2024-05-14.1"


def test_since_a_file_that_is_not_a_daily_page_is_a_usage_error(tmp_path):
    (tmp_path / "notes.json").write_text('{"hello": 1}')
    result = run(
        "daily", str(write(tmp_path / "d1", DAY_ONE)), "--since", str(tmp_path / "notes.json")
    )
    assert result.exit_code == 1
    assert "not a daily briefing saved as JSON" in result.stderr


def test_history_lists_days_and_stories_and_story_shows_a_timeline(tmp_path):
    daily_json(str(write(tmp_path / "d1", DAY_ONE)), "--since", "last")
    second = daily_json(str(write(tmp_path / "d2", DAY_TWO)), "--since", "last")
    listing = run("history")
    assert listing.exit_code == 0
    assert "2024-05-14 (1 story)" in listing.stdout and "2024-05-15 (1 story)" in listing.stdout
    days = json.loads(run("history", "--format", "json").stdout)
    assert [day["day"] for day in days] == ["2024-05-14", "2024-05-15"]

    story_id = second.stories[0].story_id
    timeline = run("story", story_id)
    assert timeline.exit_code == 0
    text = timeline.stdout
    assert text.index("## 2024-05-14") < text.index("## 2024-05-15")
    assert "at least 12 (Ilse Brandt) → at least 19 (Ilse Brandt)" in text
    assert run("story", story_id, "-o", str(tmp_path / "t.html")).exit_code == 0
    html = (tmp_path / "t.html").read_text()
    assert "<strong>at least 19</strong>" in html and "Content-Security-Policy" in html
    missing = run("story", "1999-01-01.9")
    assert missing.exit_code == 1 and "briefing history" in missing.stderr


def test_html_from_articles_is_escaped_in_the_timeline(tmp_path):
    hostile = {
        name: text.replace("Valmora floods", "Valmora <script>alert(1)</script> floods")
        for name, text in DAY_ONE.items()
    }
    page = daily_json(str(write(tmp_path / "d1", hostile)))
    with History.open() as store:
        html = history.render_timeline(store.timeline(page.stories[0].story_id), "html")
    assert "<script>" not in html


def snapshot_of(story_id: str, title: str) -> Snapshot:
    return Snapshot(
        id=story_id, day="2024-05-14", title=title, actors=[], claims=[], figures=[],
        sources=[], outlets=[],
    )  # fmt: skip


class Exploding(Snapshot):
    def model_dump_json(self, **_: object) -> str:
        raise RuntimeError("the run dies while storing its second story")


def test_a_crash_while_storing_a_day_leaves_the_store_as_it_was(tmp_path):
    path = tmp_path / "h.sqlite3"
    with History.open(path) as store:
        store.save_day("2024-05-14", [(snapshot_of("a", "Before"), None)])
        exploding = Exploding(**snapshot_of("c", "Never stored").model_dump())
        with pytest.raises(RuntimeError):
            store.save_day(
                "2024-05-14",
                [(snapshot_of("b", "Half"), None), (exploding, None)],
            )
        with pytest.raises(RuntimeError):
            store.save_day("2024-05-15", [(snapshot_of("d", "Half"), None), (exploding, None)])
    with History.open(path) as store:
        assert [(day.day, [s.title for s in day.stories]) for day in store.listing()] == [
            ("2024-05-14", ["Before"])
        ]


# A run storing its day (replacing 2024-05-14) that stalls half-way: inside the transaction
# it says so and waits for a line on its stdin (or to be killed).
STALLING_RUN = """
import sys
from pathlib import Path
from briefing.history import History, Snapshot

class Stalling(Snapshot):
    def model_dump_json(self, **_):
        print("writing", flush=True)
        sys.stdin.readline()
        return super().model_dump_json()

kept = dict(day="2024-05-14", actors=[], claims=[], figures=[], sources=[], outlets=[])
with History.open(Path(sys.argv[1])) as store:
    store.save_day("2024-05-14", [
        (Snapshot(id="b", title="First", **kept), None),
        (Stalling(id="c", title="Second", **kept), None),
    ])
"""
STALLING = [sys.executable, "-c", STALLING_RUN]


def test_a_run_killed_while_storing_its_day_leaves_the_store_as_it_was(tmp_path):
    path = tmp_path / "h.sqlite3"
    with History.open(path) as store:
        store.save_day("2024-05-14", [(snapshot_of("a", "Before"), None)])
    with subprocess.Popen(
        [*STALLING, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline() == b"writing\n"  # the day is half written
        child.kill()
    with History.open(path) as store:
        assert [(day.day, [s.title for s in day.stories]) for day in store.listing()] == [
            ("2024-05-14", ["Before"])
        ]


def test_a_second_run_waits_for_the_first_to_store_its_day(tmp_path):
    path = tmp_path / "h.sqlite3"
    History.open(path).close()
    stored: list[str] = []

    def patient_run() -> None:
        with History.open(path) as store:
            store.save_day("2024-05-15", [(snapshot_of("d", "Patient"), None)])
            stored.append("2024-05-15")

    with subprocess.Popen(
        [*STALLING, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    ) as first:
        assert first.stdin is not None and first.stdout is not None
        assert first.stdout.readline() == b"writing\n"  # the first run holds the store
        with (
            History.open(path, busy_seconds=0.05) as hasty,
            pytest.raises(HistoryError, match="locked by another briefing run"),
        ):
            hasty.save_day("2024-05-15", [(snapshot_of("d", "Hasty"), None)])
        second = threading.Thread(target=patient_run)
        second.start()
        first.stdin.write(b"go on\n")
        first.stdin.flush()
        assert first.wait() == 0
    second.join()
    assert stored == ["2024-05-15"]
    with History.open(path) as store:
        assert [(day.day, [s.title for s in day.stories]) for day in store.listing()] == [
            ("2024-05-14", ["First", "Second"]),
            ("2024-05-15", ["Patient"]),
        ]


def test_a_locked_store_is_reported_and_written_once_the_lock_is_gone(tmp_path):
    path = tmp_path / "h.sqlite3"
    History.open(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a concurrent run is writing its day
    with History.open(path, busy_seconds=0.05) as store:
        with pytest.raises(HistoryError, match="locked by another briefing run"):
            store.save_day("2024-05-14", [(snapshot_of("a", "Waiting"), None)])
        other.execute("COMMIT")
        store.save_day("2024-05-14", [(snapshot_of("a", "Stored"), None)])
        assert [s.title for s in store.listing()[0].stories] == ["Stored"]
    other.close()


def test_a_damaged_store_is_reported_and_never_replaced(tmp_path):
    store = store_file()
    store.parent.mkdir(parents=True)
    store.write_bytes(b"this is not a database, it is a note" * 100)
    before = store.read_bytes()
    result = run("daily", str(write(tmp_path / "d1", DAY_ONE)), "--engine", "offline")
    assert result.exit_code == 1
    assert str(store) in result.stderr and "damaged" in result.stderr
    assert "move it away" in result.stderr
    assert run("history").exit_code == 1
    assert store.read_bytes() == before


def test_a_sqlite_file_of_another_program_is_not_taken_for_a_history(tmp_path):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(HistoryError, match="not a briefing history"):
        History.open(path)


def test_migrations_are_versioned_and_a_newer_store_is_refused(tmp_path):
    path = tmp_path / "h.sqlite3"
    History.open(path).close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == len(history.MIGRATIONS)
        raw.execute(f"PRAGMA user_version = {len(history.MIGRATIONS) + 1}")
    with pytest.raises(HistoryError, match="newer briefing"):
        History.open(path)


NATO = CORPUS / "nato-condemns-russia-nuclear-rhetoric-belarus-2023-03-26"
SPAIN = CORPUS / "spain-luis-enrique-replaced-after-world-cup-exit-2022-12-08"
FOLLOW_UP = article(
    "Belarus says Russian nuclear weapons will arrive by July",
    "Follow-up Desk",
    "2023-03-27",
    "Belarus said on Monday that Russian tactical nuclear weapons would be stationed "
    "on its territory by July, after NATO called Vladimir Putin's plan dangerous and "
    "irresponsible.",
    "Alexander Lukashenko's government said the move was a response to pressure from "
    "NATO and the West.",
)


@pytest.mark.skipif(not NATO.is_dir(), reason=f"the shared corpus is not at {CORPUS}")
def test_a_real_story_split_by_publication_day_continues_on_the_second_day(tmp_path):
    by_day: dict[str, list[Path]] = {}
    for article in sorted(NATO.glob("*.txt")):
        day = next(
            line.split()[1] for line in article.read_text().splitlines() if line.startswith("date")
        )
        by_day.setdefault(day, []).append(article)
    (first_day, first), (second_day, second) = sorted(by_day.items())
    assert len(first) >= 2 and second
    for folder, articles in (("d1", first), ("d2", second)):
        (tmp_path / folder).mkdir()
        for article in articles:
            shutil.copyfile(article, tmp_path / folder / article.name)
    (tmp_path / "d2" / "follow-up.txt").write_text(FOLLOW_UP)
    options = Options(engine="offline")
    with History.open() as store:
        one = history.ids_only(daily([tmp_path / "d1"], options))
        history.record(store, one)
        two = daily([tmp_path / "d2"], options)
        two = history.follow(two, history.earlier_stories(store, "last", second_day), None, store)
    assert one.date == first_day and two.date == second_day
    (story,) = two.stories
    assert story.story_id == one.stories[0].story_id
    assert story.changes.status == "continuing"
    assert "Follow-up Desk" in story.changes.new_outlets


def test_a_new_story_never_takes_an_id_the_history_already_holds(tmp_path):
    first = daily_json(str(write(tmp_path / "d1", DAY_ONE)))
    other = daily_json(str(write(tmp_path / "d2", ELECTION)))  # same day label, another story
    assert other.date == first.date
    assert other.stories[0].story_id != first.stories[0].story_id


def test_a_dry_run_neither_reads_nor_writes_the_history(tmp_path):
    store = store_file()
    store.parent.mkdir(parents=True)
    store.write_bytes(b"damaged")  # a dry run does not even open it
    result = run("daily", str(write(tmp_path / "d1", DAY_ONE)), "--dry-run", "--since", "last")
    assert result.exit_code == 0, result.output
    assert store.read_bytes() == b"damaged"
