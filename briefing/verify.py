"""Keep only evidence that is really there: every quote must be a span of the source it cites.

This is the guard against invented claims and citations. A quote counts when it occurs in
its source's cleaned text after quotes, dashes and whitespace are folded
(`briefing.text.normalize_for_match`). A quote not found there is looked for, in order:
verbatim in the pack's other sources whose own text the engine was shown (then cited to
the one that holds it; the sources that only carry wire copy of theirs are cited for it
afterwards, by `cite_carriers`), and by fuzzy alignment in the cited source and then
those others (`briefing.spans`): a span close enough to it (a word dropped, case or quote
marks changed) replaces it, so the shipped quote is that source's own text. Another
source is aligned with a quote only when it holds half the quote's words. A quote with an
ellipsis must match part by part, in order. The rest is dropped and counted. Claims and
figures left without evidence are dropped; actors keep only source ids that exist.

Then the text: a claim's numbers and names must be in its quotes (`briefing.grounding`),
else its text becomes its longest quote; its speaker must be an extracted actor named in
(or just before) a quote's paragraph, or a speaker no actor stands for that a quote holds
word for word ("a Chinese official"), else the claim is unattributed; a figure's value must
be quoted, else the figure is dropped. Summary bullets (`ground_summary`) must state only
numbers and names of the facts they cite, or be a sentence of their sources word for word.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections.abc import Callable, Hashable, Iterable, Iterator
from functools import cached_property
from typing import NamedTuple, TypeVar

from pydantic import BaseModel

from briefing.facts import Fact
from briefing.grounding import not_name_words, stated_values, unsupported
from briefing.pack import Pack
from briefing.schema import (
    Actor,
    Article,
    Bullet,
    Claim,
    Dispute,
    Evidence,
    Extraction,
    Figure,
    Summary,
)
from briefing.spans import INDEX_MIN_CHARS, SourceText, Span, normalized
from briefing.text import normalize_for_match

MIN_QUOTE_CHARS = 8
# A quote shorter than this must be found verbatim: too little text to align safely.
MIN_REPAIR_CHARS = 20
# The least case-insensitive `fuzz.ratio` between a quote and the span replacing it
# (measured by benchmarks/faithfulness.py: see benchmarks/README.md).
REPAIR_CUTOFF = 90.0
# A source other than the cited one is aligned with a quote only when it holds at least this
# share of the quote's words: a drifted copy keeps most of its passage's words, and aligning
# every source of the pack with every quote that is nowhere verbatim costs the most.
OTHER_SOURCE_WORDS = 0.5
_ELLIPSIS = re.compile(r"\s*\.\.\.+\s*")
_NAME_WORD = re.compile(r"[\w'’-]+")


class SourceTexts:
    """Each source's normalised text and index, for quote lookups."""

    def __init__(self, articles: Iterable[Article], index_min_chars: int = INDEX_MIN_CHARS) -> None:
        self._texts: dict[str, SourceText] = {
            article.id: SourceText(article.paragraphs, index_min_chars) for article in articles
        }

    def __contains__(self, source_id: object) -> bool:
        return source_id in self._texts

    def get(self, source_id: str) -> SourceText | None:
        """The text of source `source_id`, if there is one."""
        return self._texts.get(source_id)

    def quotes(self, source_id: str, quote: str) -> bool:
        """True when `quote` occurs in the source `source_id`."""
        needle = normalized(quote)
        text = self._texts.get(source_id)
        return text is not None and len(needle) >= MIN_QUOTE_CHARS and text.find(needle) is not None


class _Wire:
    """A pack's wire copy: the blocks several of its sources carry (normalised), and the
    numbers of each carrier's blocks."""

    def __init__(self, pack: Pack) -> None:
        self.blocks = [
            (normalize_for_match(" ".join(block.paragraphs)), block.source_ids)
            for block in pack.blocks
            if len(block.source_ids) > 1
        ]
        self.carried: dict[str, list[int]] = {}
        for number, (_, carriers) in enumerate(self.blocks):
            for source_id in carriers:
                self.carried.setdefault(source_id, []).append(number)

    def spread(self, evidence: list[Evidence]) -> list[Evidence]:
        """The evidence, then each quote cited for every other carrier of a block that
        holds it (new citations only; none are checked here)."""
        # Most quotes are of no wire copy: the citations are keyed only once one is.
        spread: dict[tuple[str, str], Evidence] | None = None
        quotes_spread: set[str] = set()
        for item in evidence:
            numbers = self.carried.get(item.source_id)
            if numbers is None or item.quote in quotes_spread:
                # An outlet's own text spreads nowhere; an engine may already cite a wire
                # quote for each carrier.
                continue
            quotes_spread.add(item.quote)
            needle = normalized(item.quote)
            for number in numbers:
                text, carriers = self.blocks[number]
                if needle in text:
                    if spread is None:
                        spread = {(cited.source_id, cited.quote): cited for cited in evidence}
                    for other in carriers:
                        if (other, item.quote) not in spread:
                            spread[other, item.quote] = Evidence(source_id=other, quote=item.quote)
        return [] if spread is None else list(spread.values())[len(evidence) :]

    def credited(self, actor: Actor) -> Actor:
        """The actor also credited to every carrier of a block of its sources that names it."""
        names = [normalized(name) for name in (actor.name, *actor.aliases)]
        sources = dict.fromkeys(actor.sources)
        # Most of an actor's sources carry the same blocks: each block is read once.
        read: set[int] = set()
        for source_id in actor.sources:
            for number in self.carried.get(source_id, ()):
                if number in read:
                    continue
                read.add(number)
                text, carriers = self.blocks[number]
                if not all(map(sources.__contains__, carriers)) and any(
                    name in text for name in names
                ):
                    sources.update(dict.fromkeys(carriers))
        if len(sources) == len(actor.sources):
            return actor
        return actor.model_copy(update={"sources": list(sources)})


Backed = TypeVar("Backed", Claim, Figure)


def _with_evidence(fact: Backed, evidence: list[Evidence]) -> Backed:
    """The fact with more evidence, or the fact itself when there is none to add."""
    return fact.model_copy(update={"evidence": [*fact.evidence, *evidence]}) if evidence else fact


def cite_every_carrier(extraction: Extraction, pack: Pack) -> Extraction:
    """The extraction with each quote also cited for every other source that carries the
    quoted passage word for word, and each actor credited to them too.

    Wire copy is shown to an engine once, under the article that owns it, so that a pack's
    prompt does not depend on which other articles repeat it; this puts the other outlets
    back. `verify` still checks every citation against its source.
    """
    wire = _Wire(pack)
    if not wire.blocks:
        return extraction
    return Extraction(
        actors=[wire.credited(actor) for actor in extraction.actors],
        claims=[_with_evidence(c, wire.spread(c.evidence)) for c in extraction.claims],
        figures=[_with_evidence(f, wire.spread(f.evidence)) for f in extraction.figures],
    )


class VerifyCounts(BaseModel):
    """What verify changed: quotes dropped, repaired and re-cited, claims and figures
    dropped, claims rewritten to their quote or left unattributed."""

    dropped: int = 0
    repaired: int = 0
    recited: int = 0
    dropped_claims: int = 0
    dropped_figures: int = 0
    rewritten_claims: int = 0
    unattributed_claims: int = 0


class Verified(VerifyCounts):
    """An extraction reduced to what its sources support, and what verify changed."""

    extraction: Extraction


class _Held(NamedTuple):
    """A quote that holds, the text of its source, and where the quote starts there."""

    evidence: Evidence
    text: SourceText
    start: int

    @property
    def paragraph(self) -> int:
        """The number of the source's paragraph the quote starts in (worked out only for a
        speaker check: most quotes never need it)."""
        return self.text.paragraph_at(self.start)


class _Located(NamedTuple):
    """Where a quote was found: the source, and the spans (one per part of the quote)."""

    source_id: str
    spans: list[Span]
    exact: bool


def _parts(needle: str) -> list[str]:
    """The pieces of a quote an ellipsis separates, long enough to look for, without the
    pair of quote marks an engine may have wrapped around the whole quote (a quote the
    source itself marks so is found verbatim before it is cut into parts)."""
    if len(needle) > 1 and needle[0] == needle[-1] == '"':
        needle = needle[1:-1].strip()
    pieces = _ELLIPSIS.split(needle) if "..." in needle else [needle]
    return [part for part in pieces if len(part) >= MIN_QUOTE_CHARS]


def _match_parts(text: SourceText, parts: list[str], missing: str) -> list[Span] | None:
    """Each part found (verbatim, else by alignment) after the one before it, or None; a
    part equal to `missing`, known not to occur verbatim, is aligned at once."""
    spans: list[Span] = []
    position = 0
    for part in parts:
        found = text.find(part, position) if part != missing else None
        span: Span | None
        if found is not None:
            span = Span(found, found + len(part), 100.0)
        elif len(part) >= MIN_REPAIR_CHARS:
            span = text.align(part, REPAIR_CUTOFF, position)
        else:
            span = None
        if span is None:
            return None
        spans.append(span)
        position = span.end
    return spans


class _Pack:
    """The sources a pack may cite, in the pack's order, and those whose own text the
    engine was shown (`searched`), to find a quote that is not where it was cited; and the
    answer's claims and figures, to tell which sources cite a quote."""

    def __init__(
        self,
        texts: SourceTexts,
        source_ids: Iterable[str],
        shown: Iterable[str] | None,
        facts: list[Claim | Figure],
    ) -> None:
        self.texts = {s: text for s in source_ids if (text := texts.get(s)) is not None}
        kept = set(self.texts if shown is None else shown)
        self.searched = {s: text for s, text in self.texts.items() if s in kept}
        self.facts = facts
        # A pack's answer repeats quotes (a figure's and its claim's, one cited for each
        # source): each quote is looked for once per pack and source, not once per citation.
        self._located: dict[tuple[str, str], _Located | None] = {}
        self._holding: dict[str, _Located | None] = {}
        self._matched: dict[tuple[str, str], list[Span] | None] = {}
        self._elsewhere: dict[str, _Located | None] = {}

    def locate(self, needle: str, cited: str) -> _Located | None:
        """Where a normalised quote cited to `cited` is: verbatim in the cited source,
        verbatim in another source searched, then aligned in the cited source, then in the
        others; None for a quote too short to tell."""
        if len(needle) < MIN_QUOTE_CHARS:
            return None
        return _memo(self._located, (needle, cited), lambda: self._locate(needle, cited))

    def _locate(self, needle: str, cited: str) -> _Located | None:
        text = self.texts.get(cited)
        found = text.find(needle) if text is not None else None
        if found is not None:
            return _Located(cited, [Span(found, found + len(needle), 100.0)], exact=True)
        return self._first_holding(needle) or self._aligned(needle, cited)

    @cached_property
    def _scanned(self) -> tuple[str, list[int], list[str]]:
        """The short sources' texts (the long ones have an index) joined by newlines, which
        no normalised text holds, so that one scan finds a quote in all of them; each
        one's offset in the joined text, and its id."""
        ids = [source_id for source_id, text in self.searched.items() if text.index is None]
        offsets = list(
            itertools.accumulate((len(self.texts[s].text) + 1 for s in ids[:-1]), initial=0)
        )
        return "\n".join(self.texts[s].text for s in ids), offsets, ids

    @cached_property
    def _indexed(self) -> list[tuple[int, str]]:
        """The long sources searched, each with its place among them."""
        return [
            (place, source_id)
            for place, (source_id, text) in enumerate(self.searched.items())
            if text.index is not None
        ]

    def _first_holding(self, needle: str) -> _Located | None:
        """The quote in the first source searched that holds it verbatim, if any."""
        return _memo(self._holding, needle, lambda: self._scan_for(needle))

    def _scan_for(self, needle: str) -> _Located | None:
        joined, offsets, ids = self._scanned
        found = joined.find(needle)
        located = None
        if found >= 0:
            number = bisect.bisect_right(offsets, found) - 1
            start = found - offsets[number]
            located = _Located(ids[number], [Span(start, start + len(needle), 100.0)], True)
        for place, source_id in self._indexed:
            if located is not None and place > self._places[located.source_id]:
                break
            if (where := self.texts[source_id].find(needle)) is not None:
                return _Located(source_id, [Span(where, where + len(needle), 100.0)], True)
        return located

    @cached_property
    def _places(self) -> dict[str, int]:
        return {source_id: place for place, source_id in enumerate(self.searched)}

    def _aligned(self, needle: str, cited: str) -> _Located | None:
        """The quote aligned part by part in the cited source, else in the first other
        source that holds half its words."""
        parts = _parts(needle)
        if not parts:
            return None
        if cited in self.texts and (spans := self._match(cited, needle, parts)) is not None:
            return _Located(cited, spans, exact=False)
        # The cited source did not match, so it cannot be the other source that does: which
        # one that is does not depend on the citation, and is looked for once per quote.
        return _memo(self._elsewhere, needle, lambda: self._aligned_elsewhere(needle, parts))

    def _aligned_elsewhere(self, needle: str, parts: list[str]) -> _Located | None:
        """The quote aligned in the first source searched that holds half its words."""
        words = set(" ".join(parts).lower().split(" "))
        for source_id in self.searched:
            if (spans := self._match_other(source_id, needle, parts, words)) is not None:
                return _Located(source_id, spans, exact=False)
        return None

    def _match_other(
        self, source_id: str, needle: str, parts: list[str], words: set[str]
    ) -> list[Span] | None:
        """The quote aligned in a source other than the one cited, if that source holds half
        its words. A source searched that cites the quote too is aligned with it for that
        citation anyway (it is nowhere verbatim): its alignment is tried first, and its
        words tested only when it matched."""
        holds_words = self.texts[source_id].holds_words
        if source_id in self._citing.get(needle, ()):
            spans = self._match(source_id, needle, parts)
            return spans if spans is not None and holds_words(words, OTHER_SOURCE_WORDS) else None
        if not holds_words(words, OTHER_SOURCE_WORDS):
            return None
        return self._match(source_id, needle, parts)

    @cached_property
    def _citing(self) -> dict[str, set[str]]:
        """Each normalised quote of the answer, to the sources it is cited under (read only
        for a pack with a quote found nowhere verbatim)."""
        citing: dict[str, set[str]] = {}
        for fact in self.facts:
            for item in fact.evidence:
                citing.setdefault(normalized(item.quote), set()).add(item.source_id)
        return citing

    def _match(self, source_id: str, needle: str, parts: list[str]) -> list[Span] | None:
        text = self.texts[source_id]
        # Only a quote found verbatim nowhere searched, nor in the cited source, is aligned.
        return _memo(self._matched, (source_id, needle), lambda: _match_parts(text, parts, needle))


Key = TypeVar("Key", bound=Hashable)
Found = TypeVar("Found")


def _memo(found: dict[Key, Found], key: Key, work_out: Callable[[], Found]) -> Found:
    """`found[key]`, worked out the first time it is asked for."""
    if key not in found:
        found[key] = work_out()
    return found[key]


def _check(evidence: list[Evidence], pack: _Pack, tally: VerifyCounts) -> list[_Held]:
    """The evidence that holds, each quote a span of the source it now cites, without
    repeats; what was repaired, re-cited or dropped is added to `tally`."""
    unique: dict[tuple[str, str], _Held] = {}
    for item in evidence:
        located = pack.locate(normalized(item.quote), item.source_id)
        if located is None:
            tally.dropped += 1
            continue
        if located.source_id != item.source_id:
            tally.recited += 1
        if not located.exact:
            tally.repaired += 1
        text = pack.texts[located.source_id]
        for span in located.spans:
            if not located.exact:
                held = Evidence(
                    source_id=located.source_id,
                    quote=text.original(span.start, span.end),
                )
            elif located.source_id != item.source_id:
                held = Evidence(source_id=located.source_id, quote=item.quote)
            else:
                held = item
            key = (located.source_id, text.text[span.start : span.end])
            unique.setdefault(key, _Held(held, text, span.start))
    return list(unique.values())


class _Known:
    """An extracted actor, and what tells that a text names it: its names and role, as
    they are looked for in a lower-cased paragraph, and the words that identify it alone
    (read only when no phrase is found)."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        # Looked for in normalised paragraphs: "O’Malley" is "O'Malley" there.
        self._folded = [normalize_for_match(name) for name in (actor.name, *actor.aliases)]
        role = normalize_for_match(actor.role or "")
        self.phrases = [phrase.lower() for phrase in (*self._folded, role) if phrase]

    @cached_property
    def words(self) -> frozenset[str]:
        """The words of its names that identify it alone."""
        return frozenset().union(*map(_distinctive, self._folded))

    @cached_property
    def common_surname(self) -> re.Pattern[str] | None:
        """A person's surname that is also a common word ("Will", "May"), as a pattern
        finding it written as a name: lower-cased it would be found in any paragraph, left
        out it leaves "Will said" naming no one."""
        if self.actor.kind != "person":
            return None
        surnames = _common_surnames(self._folded)
        if not surnames:
            return None
        alternatives = "|".join(map(re.escape, sorted(surnames)))
        return re.compile(rf"(?<![\w'’-])(?:{alternatives})(?![\w'’-])")


def _common_surnames(names: list[str]) -> set[str]:
    """The last words of the names that are common words written as a name ("Will")."""
    lasts = (words[-1] for name in names if (words := _NAME_WORD.findall(name)))
    return {
        word
        for word in lasts
        if word[:1].isupper() and len(word) > 2 and word.lower() in not_name_words()
    }


class _Speakers:
    """The pack's extracted actors, to tell whether a claim's speaker is one of them and is
    named in (or just before) the paragraph of one of the claim's quotes.

    What names an actor is read only for the actors a speaker may name, once a pack: most
    actors are extracted once, so a cache across packs would hold little that comes back.
    """

    def __init__(self, actors: list[Actor]) -> None:
        self._actors = actors
        # Many claims name the same speaker and quote the same few paragraphs.
        self._speakers: dict[str, _Known | None] = {}
        self._names: dict[int, list[frozenset[str]]] = {}
        self._name_words: dict[str, frozenset[str]] = {}
        self._known: dict[int, _Known] = {}
        self._lowered: dict[tuple[SourceText, int], str] = {}
        self._words: dict[tuple[SourceText, int], set[str]] = {}

    @cached_property
    def _lines(self) -> tuple[str, list[int]]:
        """The actors' names and aliases lower-cased, a line an actor, and where each line
        starts (and the end): an actor whose names hold a word has it in its line."""
        lines = [_sigma_folded(" ".join((a.name, *a.aliases)).lower()) for a in self._actors]
        starts = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))
        return "\n".join(lines), starts

    def _named_with(self, words: frozenset[str]) -> Iterator[int]:
        """The numbers of the actors whose lines hold one of the words, in order (all
        actors' numbers for no word), found one at a time: the first usually does."""
        if not words:
            yield from range(len(self._actors))
            return
        joined, starts = self._lines
        folded = [_sigma_folded(word) for word in words]
        position = 0
        while True:
            found = [where for word in folded if (where := joined.find(word, position)) >= 0]
            if not found:
                return
            number = bisect.bisect_right(starts, min(found)) - 1
            yield number
            position = starts[number + 1]

    def _name_sets(self, number: int) -> list[frozenset[str]]:
        actor = self._actors[number]
        return _memo(
            self._names, number, lambda: list(map(self._words_of, (actor.name, *actor.aliases)))
        )

    def _words_of(self, name: str) -> frozenset[str]:
        """`_name_words` of a name, read once a pack (a speaker is most often written as an
        actor's name)."""
        return _memo(self._name_words, name, lambda: _name_words(name))

    def actor(self, speaker: str) -> _Known | None:
        """The extracted actor `speaker` names: by a full name or alias, or by the words
        of one ("Lavrov" for "Sergey Lavrov", "Foreign Minister Sergey Lavrov" too): the
        first such actor in the pack's order."""
        if speaker not in self._speakers:
            wanted = self._words_of(speaker)
            # Names that hold the speaker's words, or that it holds, share a word with it.
            named = (
                number
                for number in self._named_with(wanted)
                if any(
                    words and (wanted <= words or words <= wanted)
                    for words in self._name_sets(number)
                )
            )
            number = next(named, None)
            self._speakers[speaker] = None if number is None else self._known_actor(number)
        return self._speakers[speaker]

    def _known_actor(self, number: int) -> _Known:
        return _memo(self._known, number, lambda: _Known(self._actors[number]))

    def named_near(self, known: _Known, text: SourceText, paragraph: int) -> bool:
        """True when the paragraph, or one of the few before it (which a "he said" refers
        back to), names the actor or gives its role."""
        near = range(paragraph, max(0, paragraph - SPEAKER_LOOKBACK_PARAGRAPHS) - 1, -1)
        lowered = [self._lowered_paragraph(text, number) for number in near]
        # Phrases in any of them first: the words are then rarely read.
        if any(phrase in paragraph_text for paragraph_text in lowered for phrase in known.phrases):
            return True
        words = known.words
        for number, paragraph_text in zip(near, lowered, strict=True):
            # A word of the paragraph is in it as text too: only then are its words read.
            if any(word in paragraph_text for word in words):
                key = (text, number)
                if key not in self._words:
                    self._words[key] = set(_NAME_WORD.findall(paragraph_text))
                if not words.isdisjoint(self._words[key]):
                    return True
        surname = known.common_surname
        return surname is not None and any(surname.search(text.paragraphs[n]) for n in near)

    def _lowered_paragraph(self, text: SourceText, number: int) -> str:
        return _memo(self._lowered, (text, number), lambda: text.paragraphs[number].lower())


SPEAKER_LOOKBACK_PARAGRAPHS = 3


def _name_words(name: str) -> frozenset[str]:
    return frozenset(word.lower() for word in _NAME_WORD.findall(name)) - not_name_words()


def _sigma_folded(lowered: str) -> str:
    """Lower-cased text with final sigma as any other: the only letter `str.lower` writes
    by its place in the text, so a word lower-cased alone is found in a text lower-cased
    whole."""
    return lowered.replace("ς", "σ")


def _distinctive(name: str) -> frozenset[str]:
    """The words of a name that identify it alone (not "the", "Minister", "of" …)."""
    return frozenset(word for word in _name_words(name) if len(word) > 2)


def _checked_claim(
    claim: Claim,
    held: list[_Held],
    speakers: _Speakers,
    tally: VerifyCounts,
) -> Claim:
    """The claim with a speaker its quotes support (else none), and a text stating only
    numbers and names its quotes hold (else the longest quote)."""
    speaker, exempt = claim.speaker, []
    if speaker:
        known = speakers.actor(speaker)
        if known is not None and any(
            speakers.named_near(known, item.text, item.paragraph) for item in held
        ):
            actor = known.actor
            exempt = [speaker, actor.name, *actor.aliases, actor.role or ""]
        elif known is None and _quoted_speaker(speaker, held):
            exempt = [speaker]  # "a Chinese official", "Twelve percent": unnamed, but shown
        else:
            speaker = None
            tally.unattributed_claims += 1
    quotes = [item.evidence.quote for item in held]
    text = claim.text
    if unsupported(text, quotes, exempt):
        text = max(quotes, key=len)
        tally.rewritten_claims += 1
    evidence = [item.evidence for item in held]
    if speaker == claim.speaker and text == claim.text and _same_items(evidence, claim.evidence):
        return claim  # most claims are kept as the engine gave them: no copy
    return claim.model_copy(update={"speaker": speaker, "text": text, "evidence": evidence})


def _same_items(evidence: list[Evidence], given: list[Evidence]) -> bool:
    """True when `evidence` holds the very items of `given`, in order."""
    return len(evidence) == len(given) and all(map(operator.is_, evidence, given))


def _quoted_speaker(speaker: str, held: list[_Held]) -> bool:
    """Whether one of the claim's quotes holds the speaker word for word (any case): a
    description of unnamed speakers ("local officials said") is shown as its text gives it."""
    wanted = normalize_for_match(speaker).casefold()
    for item in held:
        quote = normalize_for_match(item.evidence.quote).casefold()
        start = quote.find(wanted)
        while start >= 0:
            end = start + len(wanted)
            if not (quote[start - 1 : start].isalnum() or quote[end : end + 1].isalnum()):
                return True
            start = quote.find(wanted, start + 1)
    return False


def _value_is_quoted(figure: Figure, quotes: list[str]) -> bool:
    """True when each number of the figure's value is in its quotes (or, for a value with no
    number, such as "dozens", the value itself is)."""
    if stated_values(figure.value):
        return not [
            missing for missing in unsupported(figure.value, quotes) if missing[0].isdigit()
        ]
    joined = " ".join(quotes)
    return normalize_for_match(figure.value).lower() in normalize_for_match(joined).lower()


def _verify_claims(
    claims: list[Claim], pack: _Pack, speakers: _Speakers, tally: VerifyCounts
) -> list[Claim]:
    kept: list[Claim] = []
    for claim in claims:
        held = _check(claim.evidence, pack, tally)
        if held:
            kept.append(_checked_claim(claim, held, speakers, tally))
        else:
            tally.dropped_claims += 1
    return kept


def _verify_figures(figures: list[Figure], pack: _Pack, tally: VerifyCounts) -> list[Figure]:
    kept: list[Figure] = []
    for figure in figures:
        held = _check(figure.evidence, pack, tally)
        evidence = [item.evidence for item in held]
        if held and _value_is_quoted(figure, [e.quote for e in evidence]):
            same = _same_items(evidence, figure.evidence)
            kept.append(figure if same else figure.model_copy(update={"evidence": evidence}))
        else:
            tally.dropped_figures += 1
    return kept


def verify(
    extraction: Extraction,
    texts: SourceTexts,
    allowed_ids: Iterable[str],
    shown_ids: Iterable[str] | None = None,
) -> Verified:
    """Keep what the pack's sources support: evidence found there (repaired and re-cited
    where needed), claims whose text states only what their quotes hold (else their text
    becomes the quote) and whose speaker is an actor the quotes' paragraphs name (else they
    are unattributed), figures whose value is quoted.

    `allowed_ids` are the sources the pack may cite; a quote is only ever cited to one
    of them, whatever id the engine gave. A quote not found where it is cited is looked
    for only in `shown_ids` (default: all of them), the sources whose own text the engine
    was shown: the others only carry wire copy of theirs (`Pack.owner_ids`), which
    `cite_carriers` cites them for afterwards.
    """
    pack = _Pack(texts, allowed_ids, shown_ids, [*extraction.claims, *extraction.figures])
    tally = VerifyCounts()
    claims = _verify_claims(extraction.claims, pack, _Speakers(extraction.actors), tally)
    figures = _verify_figures(extraction.figures, pack, tally)
    actors = [
        actor
        if all(s in pack.texts for s in actor.sources)
        else actor.model_copy(update={"sources": [s for s in actor.sources if s in pack.texts]})
        for actor in extraction.actors
    ]
    return Verified(
        extraction=Extraction(
            actors=[actor for actor in actors if actor.sources],
            claims=claims,
            figures=figures,
        ),
        **tally.model_dump(),
    )


def cite_carriers(verified: Verified, pack: Pack, texts: SourceTexts) -> Verified:
    """The verified extraction with each quote also cited for every other source that
    carries it word for word (`cite_every_carrier`), keeping only citations that hold.

    It runs after `verify`, so a repaired quote of wire copy reaches every carrier too.
    A carrier whose copy differs (a near duplicate) is simply not cited: nothing an engine
    said is dropped here, so nothing is counted.
    """
    wire = _Wire(pack)
    if not wire.blocks:
        return verified  # no wire copy in the pack: nothing new to check
    extraction = verified.extraction
    facts: list[Claim | Figure] = [*extraction.claims, *extraction.figures]
    # The citations the facts already hold need no lookup: read once a quote is spread.
    held: set[tuple[str, str]] = set()

    def holding(evidence: list[Evidence]) -> list[Evidence]:
        spread = wire.spread(evidence)
        if spread and not held:
            held.update((item.source_id, item.quote) for fact in facts for item in fact.evidence)
        return [
            item
            for item in spread
            if (item.source_id, item.quote) in held or texts.quotes(item.source_id, item.quote)
        ]

    cited = Extraction(
        actors=[wire.credited(actor) for actor in extraction.actors],
        claims=[_with_evidence(c, holding(c.evidence)) for c in extraction.claims],
        figures=[_with_evidence(f, holding(f.evidence)) for f in extraction.figures],
    )
    return verified.model_copy(update={"extraction": cited})


class GroundedSummary(BaseModel):
    """A summary reduced to the bullets its facts support, and how many were dropped."""

    summary: Summary
    dropped_bullets: int


def fact_text(fact: Fact) -> str:
    """Everything a fact states, as one text: what a bullet citing it may repeat."""
    if isinstance(fact, Dispute):
        versions = [f"{v.value} {v.attributed_to or ''}" for v in fact.versions]
        return " ".join([fact.subject, fact.note, *versions])
    quotes = [item.quote for item in fact.evidence]
    if isinstance(fact, Claim):
        return " ".join([fact.speaker or "", fact.text, *quotes])
    return " ".join([fact.subject, fact.value, fact.attributed_to or "", *quotes])


def _is_grounded(bullet: Bullet, facts: dict[str, Fact], texts: SourceTexts) -> bool:
    """A bullet holds when it is a sentence of one of its sources, word for word, or when
    it cites facts and states only numbers and names they contain."""
    if any(texts.quotes(source_id, bullet.text) for source_id in bullet.source_ids):
        return True
    cited = [facts[fact_id] for fact_id in bullet.facts if fact_id in facts]
    return bool(cited) and not unsupported(bullet.text, [fact_text(fact) for fact in cited])


def ground_summary(summary: Summary, facts: dict[str, Fact], texts: SourceTexts) -> GroundedSummary:
    """The summary without the bullets their facts do not support (see `_is_grounded`)."""
    kept = [bullet for bullet in summary.bullets if _is_grounded(bullet, facts, texts)]
    return GroundedSummary(
        summary=summary.model_copy(update={"bullets": kept}),
        dropped_bullets=len(summary.bullets) - len(kept),
    )
