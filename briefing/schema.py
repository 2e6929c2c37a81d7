"""Data models that flow through the pipeline and the public JSON output contract.

The models an engine fills (`Evidence`, `Actor`, `Claim`, `Figure`, `Extraction`) follow
the strict structured-output rules: every field is required and optional ones are
`X | None`, so the same classes serve as the model's response format and as output.
Fields that code fills after the engine has answered (a fact's `id`, a bullet's
`source_ids`, an actor's `sources`, a figure's `number`, `unit` and `qualifier`) are marked
`OUTPUT_ONLY`: they are left out of the schema a model is given
(`briefing.engines.prompting.compact_response_model`), so no model ever fills them.
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator
from pydantic.config import JsonDict

ActorKind = Literal["person", "organization", "country", "media", "other"]

# Marks a field that code fills after the model has answered: not in the model's schema.
OUTPUT_ONLY: JsonDict = {"output_only": True}


def _fact_id(prefix: str) -> Any:
    """The output-only `id` field of a fact whose ids are `prefix` and a number."""
    return Field(
        default="",
        description=f"Stable within a briefing: {prefix}1, {prefix}2 … (set after reconcile).",
        json_schema_extra=OUTPUT_ONLY,
    )


def _key_field() -> Any:
    """The output-only `key` flag of an actor or fact."""
    return Field(
        default=False,
        description="Shown in the key section (set by the brief stage).",
        json_schema_extra=OUTPUT_ONLY,
    )


def _rank_field() -> Any:
    """The output-only `rank` of an actor or fact."""
    return Field(
        default=0,
        description="Position by importance, 1 = first (set by the brief stage; 0 = unranked).",
        json_schema_extra=OUTPUT_ONLY,
    )


class Source(BaseModel):
    """One input article as it appears in the briefing's source list."""

    id: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    author: str | None = None
    path: str
    teaser: bool = Field(
        default=False, description="True when the input held only a teaser, not the full text."
    )
    notes: list[str] = Field(
        default_factory=list, description="What ingest had to do to read it (encoding, truncation)."
    )


class Article(BaseModel):
    """An ingested article: its source record and its text split into paragraphs."""

    source: Source
    paragraphs: list[str]

    @property
    def id(self) -> str:
        """The source id of this article."""
        return self.source.id

    @property
    def text(self) -> str:
        """The article text, paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)


class Skipped(BaseModel):
    """An input that could not be used, and why."""

    path: str
    reason: str


class Evidence(BaseModel):
    """A verbatim quote from one source backing a claim, actor or figure."""

    model_config = ConfigDict(extra="forbid")

    source_id: str
    quote: str


class Actor(BaseModel):
    """A person, organisation, country or outlet that matters in the story."""

    model_config = ConfigDict(extra="forbid")

    name: str
    aliases: list[str]
    kind: ActorKind
    role: str | None
    sources: list[str] = Field(
        default_factory=list,
        description="Ids of the sources naming the actor (found in their text by code).",
        json_schema_extra=OUTPUT_ONLY,
    )
    key: bool = _key_field()
    rank: int = _rank_field()


class Claim(BaseModel):
    """Something a speaker asserts, with the quotes that show it."""

    model_config = ConfigDict(extra="forbid")

    id: str = _fact_id("c")
    speaker: str | None
    text: str
    evidence: list[Evidence]
    key: bool = _key_field()
    rank: int = _rank_field()


class Figure(BaseModel):
    """A number as reported: what it counts, how it was qualified and who gave it."""

    model_config = ConfigDict(extra="forbid")

    id: str = _fact_id("f")
    subject: str
    value: str
    number: float | None = Field(
        default=None, description="Read from the value by code.", json_schema_extra=OUTPUT_ONLY
    )
    unit: str | None = Field(
        default=None, description="Read from the value by code.", json_schema_extra=OUTPUT_ONLY
    )
    qualifier: str | None = Field(
        default=None, description="Read from the value by code.", json_schema_extra=OUTPUT_ONLY
    )
    attributed_to: str | None
    evidence: list[Evidence]
    key: bool = _key_field()
    rank: int = _rank_field()


class Extraction(BaseModel):
    """What an engine extracted from one pack of passages."""

    model_config = ConfigDict(extra="forbid")

    actors: list[Actor]
    claims: list[Claim]
    figures: list[Figure]


class Bullet(BaseModel):
    """One summary bullet and the facts (claim, figure and dispute ids) it was written from."""

    model_config = ConfigDict(extra="forbid")

    text: str
    facts: list[str] = Field(description="Ids of the claims, figures and disputes it states.")
    source_ids: list[str] = Field(
        default_factory=list,
        description="The sources of its facts (or the sources it is taken from verbatim).",
        json_schema_extra=OUTPUT_ONLY,
    )


class Summary(BaseModel):
    """A headline and a few bullet points, written from the reconciled data."""

    model_config = ConfigDict(extra="forbid")

    title: str
    bullets: list[Bullet]


class DisputeVersion(BaseModel):
    """One side of a dispute: the value a group of sources gives."""

    value: str
    number: float | None
    attributed_to: str | None
    source_ids: list[str]


class Dispute(BaseModel):
    """Sources that give different values for the same quantity."""

    id: str = Field(
        default="", description="Stable within a briefing: d1, d2 … (set after reconcile)."
    )
    subject: str
    versions: list[DisputeVersion]
    note: str


class Usage(BaseModel):
    """What engine calls cost, as reported by the API (all zero for the offline engine)."""

    calls: int = 0
    cached_calls: int = 0
    failed_calls: int = 0
    retries: int = Field(
        default=0, description="Requests sent again after a transient error (429, 5xx, timeout)."
    )
    reasks: int = Field(
        default=0, description="Answers asked for again because they could not be used."
    )
    prompt_tokens: int = 0
    cached_prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    estimated_calls: int = Field(
        default=0,
        description="Calls whose server reported no token usage: their tokens are counted here.",
    )

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            **{name: getattr(self, name) + getattr(other, name) for name in Usage.model_fields}
        )


class Stats(Usage):
    """What a run did and what it cost: the usage of its calls plus the size of its input."""

    engine: str
    model: str | None = None
    packs: int = 0
    seconds: float = 0.0
    articles: int = 0
    unique_tokens: int = 0
    dropped_evidence: int = Field(
        default=0, description="Quotes removed by verify because they were not in their source."
    )
    repaired_evidence: int = Field(
        default=0, description="Near-verbatim quotes verify replaced by the exact span of a source."
    )
    recited_evidence: int = Field(
        default=0, description="Quotes verify cited to the pack's source that really holds them."
    )
    dropped_claims: int = Field(
        default=0, description="Claims removed by verify: no quote left, or text its quotes lack."
    )
    dropped_figures: int = Field(
        default=0, description="Figures removed by verify: no quote left, or a value not quoted."
    )
    rewritten_claims: int = Field(
        default=0, description="Claims whose text named what their quotes lack: now the quote."
    )
    unattributed_claims: int = Field(
        default=0, description="Claims whose speaker their quotes' paragraphs do not name."
    )
    dropped_bullets: int = Field(
        default=0, description="Summary bullets removed: numbers or names their facts lack."
    )
    uncovered_articles: int = Field(
        default=0, description="Articles whose text an engine failed to read (listed in skipped)."
    )
    merged_claims: int = Field(
        default=0, description="Claims the brief stage merged into another as paraphrases."
    )


class Outlet(BaseModel):
    """An outlet that covered a story, with its articles in that story."""

    name: str = Field(description="The outlet's name, or a source's title or id when unknown.")
    named: bool = Field(description="False when the input did not say which outlet it is.")
    source_ids: list[str]


class CoverageRow(BaseModel):
    """One key claim or figure of a story, and which outlets report it."""

    kind: Literal["claim", "figure"]
    text: str = Field(description="The claim, or the figure as 'subject: value'.")
    attributed_to: str | None = Field(description="The claim's speaker or the figure's source.")
    source_ids: list[str] = Field(description="The articles that report it.")
    reported_by: list[str] = Field(description="Names of the outlets that report it.")
    left_out_by: list[str] = Field(description="Names of the outlets in the story that do not.")


class Coverage(BaseModel):
    """Who covered a story and who reported what: the daily page's coverage matrix."""

    outlets: list[Outlet] = Field(description="Most articles first.")
    rows: list[CoverageRow]


class Briefing(BaseModel):
    """The output of `briefing build`: the public JSON contract."""

    title: str
    summary: list[str] = Field(default_factory=list, description="The bullets' texts.")
    actors: list[Actor]
    claims: list[Claim]
    figures: list[Figure]
    disputes: list[Dispute]
    sources: list[Source]
    skipped: list[Skipped]
    stats: Stats
    bullets: list[Bullet] = Field(
        default_factory=list, description="The summary, each bullet with the facts it states."
    )

    @model_validator(mode="after")
    def _summary_is_the_bullets(self) -> Self:
        """Keep `summary` the bullets' texts: either may be given, and if both, they agree."""
        texts = [bullet.text for bullet in self.bullets]
        if not self.bullets:
            self.bullets = [Bullet(text=text, facts=[], source_ids=[]) for text in self.summary]
        elif not self.summary:
            self.summary = texts
        elif self.summary != texts:
            raise ValueError("summary must be the texts of bullets")
        return self


class FigureChange(BaseModel):
    """A figure whose value moved since an earlier day: old → new, with who gave each."""

    subject: str
    old: str = Field(description="The value as written on the earlier day.")
    old_attributed_to: str | None
    old_day: str
    new: str = Field(description="Today's value as written.")
    new_attributed_to: str | None


class StoryChanges(BaseModel):
    """What moved in a story since the stored history (`briefing daily --since`)."""

    status: Literal["new", "continuing"]
    since: str | None = Field(
        default=None, description="The day of the earlier version compared with."
    )
    days: list[str] = Field(
        default_factory=list, description="The earlier days the story appeared on."
    )
    new_claims: list[str] = Field(default_factory=list, description="Ids of today's new claims.")
    changed_figures: list[FigureChange] = Field(default_factory=list)
    new_actors: list[str] = Field(default_factory=list)
    new_outlets: list[str] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def unchanged(self) -> bool:
        """A continuing story with nothing new ("no change")."""
        return self.status == "continuing" and not (
            self.new_claims or self.changed_figures or self.new_actors or self.new_outlets
        )


class QuietStory(BaseModel):
    """A story of the stored history that today's articles no longer cover."""

    id: str
    title: str
    last_day: str


class Story(Briefing):
    """One story of a daily briefing: its briefing, plus who covered it and reported what."""

    coverage: Coverage
    story_id: str | None = Field(
        default=None, description="Stable across days: a continuing story keeps its id."
    )
    changes: StoryChanges | None = Field(
        default=None, description="What moved since the history compared with (`--since`)."
    )


class OtherReport(BaseModel):
    """An article no other article in the day covers: listed on the daily page, not briefed."""

    source: Source
    lede: str = Field(description="Its opening sentence, verbatim.")


class FeedCredit(BaseModel):
    """A feed the day was read from (``--feeds``), and what it gave."""

    url: str
    title: str | None = Field(description="The feed's name in the list, else its own title.")
    articles: int = Field(description="How many of the day's articles came from this feed.")
    problem: str | None = Field(default=None, description="Why the feed could not be read.")


class Daily(BaseModel):
    """The output of `briefing daily`: one briefing per story, ranked."""

    date: str | None
    title: str
    summary: list[str]
    stories: list[Story]
    skipped: list[Skipped]
    stats: Stats
    other_reports: list[OtherReport] = Field(
        default_factory=list, description="Articles that form no story with any other."
    )
    feeds: list[FeedCredit] = Field(
        default_factory=list, description="The feeds of `--feeds`, each credited."
    )
    developing: list[str] = Field(
        default_factory=list,
        description="One line per continuing story that moved (`--since`), for the day in brief.",
    )
    quiet: list[QuietStory] = Field(
        default_factory=list, description="Stories of the compared history not covered today."
    )
