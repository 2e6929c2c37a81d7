"""Work on a run's stories done in a forked process beside the parent's own, on a large
offline run: while the parent reconciles a story's facts, the process reads its passages
for the summary; while the parent briefs them, it counts how often the texts name each
actor; then it composes the summary from the facts. Each answer is what the parent would
have computed itself (`summary.read_passages`, `brief.count_mentions`,
`summary.summarize_story`); only the actors, the facts and the answers are pickled, as the
process has the passages and texts from its fork."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from briefing.brief import count_mentions
from briefing.dedup import Passage
from briefing.engines.base import SummaryInput
from briefing.parallel import Beside, start_beside
from briefing.schema import Actor, Article, Summary
from briefing.summary import Reading, read_passages, summarize_story


@dataclass
class Story:
    """What the process knows of a story from its fork."""

    passages: list[Passage]
    articles: list[Article]


@dataclass
class _Read:
    story: int


@dataclass
class _CountMentions:
    story: int
    actors: list[Actor]


@dataclass
class _Summarize:
    story: int
    facts: SummaryInput


_Request = _Read | _CountMentions | _Summarize
_Answer = Counter[str] | Summary | None


class _Worker:
    """Handles the requests in the process, keeping each story's reading until its summary."""

    def __init__(self, stories: list[Story]) -> None:
        self.stories = stories
        self.readings: dict[int, Reading] = {}

    def __call__(self, request: _Request) -> _Answer:
        story = self.stories[request.story]
        if isinstance(request, _Read):
            self.readings[request.story] = read_passages(story.passages)
            return None
        if isinstance(request, _CountMentions):
            return count_mentions(request.actors, [article.text for article in story.articles])
        reading = self.readings.pop(request.story, None) or read_passages(story.passages)
        return summarize_story(request.facts, reading)


class StoriesAhead:
    """The process for a run's stories (see the module docstring)."""

    def __init__(self, process: Beside[_Request, _Answer]) -> None:
        self._process = process

    @classmethod
    def start(cls, stories: list[Story]) -> StoriesAhead | None:
        """The process for `stories`, or None where none can be forked. Start it before
        starting other threads."""
        process = start_beside(_Worker(stories))
        return cls(process) if process is not None else None

    def story(self, index: int) -> StoryAhead:
        """Story number `index` in this process."""
        return StoryAhead(self._process, index)

    def stop(self) -> None:
        """End the process."""
        self._process.stop()


class StoryAhead:
    """One story's work in a `StoriesAhead` process. Each step starts there at once; the
    parent waits only when it asks for the answer."""

    def __init__(self, process: Beside[_Request, _Answer], index: int) -> None:
        self._process, self._index = process, index

    def read(self) -> None:
        """Start reading the story's passages for its summary."""
        self._process.send(_Read(self._index))

    def count_mentions(self, actors: list[Actor]) -> Callable[[], Counter[str]]:
        """Start counting how often the story's texts name each of `actors`; what to call
        for the counts (it waits for them)."""
        number = self._process.send(_CountMentions(self._index, actors))
        return lambda: cast(Counter[str], self._process.receive(number))

    def summary(self, facts: SummaryInput) -> Summary:
        """`summarize_story` of the story: only the facts are sent, the process has the
        passages."""
        request = _Summarize(self._index, facts.model_copy(update={"passages": []}))
        return cast(Summary, self._process.receive(self._process.send(request)))
