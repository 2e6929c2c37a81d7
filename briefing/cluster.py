"""Group articles that cover the same event into stories, without a model or the network.

Each article becomes a sparse TF-IDF vector over its content words, the numbers it writes
("5.6", "288", "2013") and the pairs of capitalised words that name people, places and
organisations ("sergey lavrov", "white house"); words written as names (capitalised
mid-sentence, acronyms; not month or weekday names) and title words weigh more. Numbers
and names are what tell two events of the same kind apart (two earthquakes, two arrests):
the shared vocabulary of the kind ("magnitude", "police") is the same in both.

Vectors keep only their strongest features, and candidate pairs come from an inverted index
queried with each article's strongest (so mostly rare) features, so the work grows with the
number of articles times the length of short posting lists, not with its square.

Candidates are merged by average-linkage clustering: two groups join when the mean
similarity over all their pairs (pairs that were never candidates count as zero) reaches
the threshold, so one bridging pair cannot chain unrelated stories together. Two groups of
four or more articles also need to be held together about as tightly as each holds itself:
their mean cross similarity must reach `COHESION` times the mean similarity within them.
Two events of one kind form two tight groups that share only the kind's vocabulary, so
their cross similarity stays well below their own; the articles of one event do not.
But when the figures the two groups write say something, they decide instead of that
test: each number is read with its slot, the word it counts ("5.6 magnitude", "400
residents", "$160 million"), and a pair agrees when the two give one slot the same value,
disagrees when they share slots but no value; the groups merge when their pairs across
agree more often than they disagree, and never when they disagree more often. Fragments of
one event, told in different words, still give the same figures; two events of one kind
give different ones.
Articles whose publication dates are further apart than `max_days_apart`, or that share no
name, are never paired; an article without a publication date is placed by the latest full
date written in its text ("8 October 2011"), with a wider margin (`WRITTEN_DAYS_APART`),
since a text's dates only approach the day it was written.

Articles are put in a canonical order first and every tie is broken by that order, so
the result does not depend on the order of the input.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import math
import operator
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from briefing.ingest.dates import parse_date
from briefing.language.lexicon import lexicon
from briefing.language.numbers import word_number_value
from briefing.memory import cycle_collector_paused
from briefing.schema import Article

THRESHOLD = 0.1
MAX_DAYS_APART = 3
# Undated articles placed by a date in their text: a report written days after an event
# names the event's date, one written ahead names a date to come.
WRITTEN_DAYS_APART = 31
# Groups of at least this many articles merge only when their mean cross similarity reaches
# this share of the mean similarity within them (tuned on the odd ECB+ topics 1-35).
COHESION = 0.7
MIN_COHESION_SIZE = 4
FEATURES_PER_ARTICLE = 64
# Candidates come from this many of an article's strongest features.
INDEX_FEATURES = 16
# A feature carried by more articles than this links nothing specific: it is not used to
# find candidates (it still counts in their similarity).
MAX_POSTING = 200
# Pairs sharing fewer features are chance overlaps ("Japan" in two Japan Times items), and
# a similarity built on few shared features is shrunk: cosine * shared / (shared + 1).
MIN_SHARED_FEATURES = 2
NAME_BOOST = 1.5
NUMBER_BOOST = 1.5
# Numbers are features from two characters on ("12", "5.6"): single digits say little.
MIN_NUMBER_LENGTH = 2
NUMBER_MARK = "#"
TITLE_REPEAT = 3
MIN_WORD_LENGTH = 3
# Words are cut to this many letters: a cheap stemmer ("violent" and "violence" meet).
STEM_LENGTH = 6

_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de"
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
# Each pattern opens with the capital it looks for and checks what precedes it after, which
# lets the regex engine skip ahead to capitals.
_NAME_PAIR = re.compile(
    rf"([{_UPPER}](?<![^\W\d_'][{_UPPER}])[^\W\d_]*(?:'[^\W\d_]+)*) (?=([{_UPPER}][^\W\d_]*))"
)
_MID_SENTENCE_CAPITAL = re.compile(rf"[{_UPPER}](?<=[\w,] [{_UPPER}])[^\W\d_]*")
# A number as written, grouping commas included ("12,000", "5.6"), not inside a word ("MS08").
# It opens with the digit it looks for, so the regex engine skips ahead to digits.
_NUMBER = re.compile(r"\d(?<![\w.,]\d)\d*(?:[.,]\d+)*(?!\w)")
# A number as a figure in lower-cased text (twice as fast as ignoring case): digits or a
# spelled number ("five", "twenty-one"), not inside a word.
_NUMBER_WORD = "|".join(sorted((w for w in lexicon().number_words if " " not in w), key=len)[::-1])
_FIGURE = re.compile(
    rf"(?<![\w.,])(\d+(?:[.,]\d+)*|(?:{_NUMBER_WORD})(?:-(?:{_NUMBER_WORD}))?)(?!\w)"
)
# The word a figure counts: the one after it ("5.6 magnitude", "10 people", "$160 million"),
# else, when that is a stopword, the one before it ("magnitude of 5.6").
_WORD_AFTER = re.compile(r"[\s-]*(?:of\s+)?([^\W\d_]+)")
_WORD_BEFORE = re.compile(r"([^\W\d_]+)(?:\s+of)?[\s-]*$")
_WORD_BEFORE_CHARS = 40  # how far back the word before is looked for
# Full dates written in a text: "8 October 2011", "December 15, 2013", "2013-12-15".
_WRITTEN_DATE = re.compile(
    r"\b(?:\d{1,2}(?:st|nd|rd|th)?\s+[^\W\d_]{3,9}\.?,?\s+(?:19|20)\d\d"
    r"|[^\W\d_]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d"
    r"|(?:19|20)\d\d-\d\d-\d\d)\b"
)
# Words too common to say what a story is about.
_STOPWORD_TEXT = """
    a about above according across after afterwards again against ago ahead all almost
    along already also although always am among amid an and another any anyone anything are
    around as at away back be became because been before being below between both but by
    came can cannot could did do does doing done down during each early either else even
    ever every few first for former from further get gets got had has have having he her
    here hers herself him himself his how however i if in including instead into is it its
    itself just last late later least less like made make many may me meanwhile might more
    most much must my near nearly new next no nor not now of off often on once one only or
    other others our ours out over own part per put rather re said same say says see seen
    set several she should since so some still such take than that the their theirs them
    then there these they this those though three through thus time to told too took toward
    towards two under until up upon us use used very via was way we well were what when
    where whether which while who whom whose why will with within without would year years
    yet you your mr mrs ms dr
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())

Vector = dict[str, float]
# What an article's figures count, and the values it gives each: {"magnit": {5.6}}.
Frame = dict[str, frozenset[float]]
_WEIGHT_THEN_FEATURE = operator.itemgetter(1, 0)


@cycle_collector_paused()
def cluster(
    articles: Sequence[Article],
    *,
    threshold: float = THRESHOLD,
    max_days_apart: int = MAX_DAYS_APART,
) -> list[list[Article]]:
    """Partition `articles` into stories: every article lands in exactly one group.

    Groups come largest first (ties in canonical article order); a group of one is an
    article no other article covers. Within a group, articles are in canonical order
    (publication date, outlet, title, text, id).
    """
    ordered = sorted(articles, key=canonical_key)
    days = [_day(article) for article in ordered]
    profiles = _profiles(ordered)
    pairs = {
        pair: similarity
        for pair, similarity in _candidate_pairs(profiles).items()
        if _close_in_time(days[pair[0]], days[pair[1]], max_days_apart)
    }
    agreement = {
        pair: verdict
        for pair in pairs
        if (verdict := _frames_agree(profiles[pair[0]].frame, profiles[pair[1]].frame))
    }
    groups = _average_linkage(len(ordered), pairs, threshold, agreement)
    return [[ordered[index] for index in group] for group in groups]


def canonical_key(article: Article) -> tuple[str, str, str, str, str]:
    """The order articles are clustered and listed in, independent of input order."""
    source = article.source
    digest = hashlib.blake2b(article.text.encode(), digest_size=8).hexdigest()
    return (source.published or "", source.outlet or "", source.title or "", digest, source.id)


def _features(text: str, names_allowed: bool) -> tuple[Counter[str], set[str]]:
    """How often each feature occurs in `text`, and which features are written as names.

    Features are content words cut to their stem, numbers (marked `NUMBER_MARK`) and pairs
    of adjacent capitalised words ("kim jong", "jong un"). A word is written as a name when
    it is capitalised after a word or a comma (not at a sentence start), or is an acronym;
    month and weekday names are capitalised without naming anyone.
    """
    text = text.replace("\u2019", "'")
    words = _WORD.findall(text)
    counts = Counter(filter(None, map(_stem, words)))
    for number in _NUMBER.findall(text):
        if len(number) >= MIN_NUMBER_LENGTH:
            counts[NUMBER_MARK + number.replace(",", "")] += 1
    if not names_allowed:
        return counts, set()
    acronyms = filter(str.isupper, set(words))
    names = {
        stem for word in (*acronyms, *_MID_SENTENCE_CAPITAL.findall(text)) if (stem := _stem(word))
    }
    for first, second in _NAME_PAIR.findall(text):
        first, second = first.lower().removesuffix("'s"), second.lower()
        if first not in _STOPWORDS and second not in _STOPWORDS and "'" not in first:
            counts[f"{first} {second}"] += 1
            names.add(f"{first} {second}")
    return counts, (names - _calendar_features()) & counts.keys()


def names_in(text: str) -> set[str]:
    """The names `text` writes, as clustering sees them: pairs of capitalised words
    ("ilse brandt") and stems of single ones written as names ("valmor")."""
    return _features(text, names_allowed=True)[1]


@functools.cache
def _calendar_features() -> frozenset[str]:
    """Month, weekday and holiday names as features: capitalised, but never names."""
    return frozenset(filter(None, map(_stem, lexicon().calendar)))


@functools.lru_cache(maxsize=1 << 17)
def _stem(word: str) -> str | None:
    """The feature a word counts as (lower case, no possessive, cut to `STEM_LENGTH`
    letters), or None for a word too short or too common to tell stories apart."""
    lowered = word.lower().removesuffix("'s")
    if len(lowered) < MIN_WORD_LENGTH or lowered in _STOPWORDS or "'" in lowered:
        return None
    return lowered[:STEM_LENGTH]


def _is_title_case(title: str) -> bool:
    """True for "Dublin Violence Brings Shame": capitals there say nothing about names."""
    long_words = [word for word in _WORD.findall(title) if len(word) > 3]
    capitalised = sum(word[0].isupper() for word in long_words)
    return len(long_words) >= 2 and capitalised > 0.6 * len(long_words)


def _article_features(article: Article) -> tuple[Counter[str], set[str]]:
    """Feature counts of the whole article, title words counted `TITLE_REPEAT` times."""
    title = article.source.title or ""
    counts, names = _features("\n".join(article.paragraphs), names_allowed=True)
    title_counts, title_names = _features(title, names_allowed=not _is_title_case(title))
    for feature, count in title_counts.items():
        counts[feature] += TITLE_REPEAT * count
    return counts, names | title_names


class _Profile(NamedTuple):
    """An article as the clustering sees it."""

    vector: Vector  # unit-length TF-IDF weights of its strongest features, strongest first
    features: frozenset[str]
    names: frozenset[str]  # the features it writes as names
    frame: Frame  # what its figures count, with their values


def _profiles(articles: Sequence[Article]) -> list[_Profile]:
    """Each article's TF-IDF vector, cut to its strongest features, and its figures."""
    featured = [_article_features(article) for article in articles]
    document_frequency: Counter[str] = Counter()
    for counts, _ in featured:
        document_frequency.update(counts.keys())
    idf = {
        feature: math.log((1 + len(articles)) / (1 + frequency)) + 1
        for feature, frequency in document_frequency.items()
    }
    profiles = []
    for (counts, names), article in zip(featured, articles, strict=True):
        weights = {
            feature: (1 + math.log(count))
            * idf[feature]
            * (
                NAME_BOOST
                if feature in names
                else NUMBER_BOOST
                if feature.startswith(NUMBER_MARK)
                else 1.0
            )
            for feature, count in counts.items()
        }
        # Ties in weight are broken by the feature itself, so the cut is deterministic.
        strongest = sorted(weights.items(), key=_WEIGHT_THEN_FEATURE, reverse=True)
        strongest = strongest[:FEATURES_PER_ARTICLE]
        norm = math.sqrt(sum(weight * weight for _, weight in strongest)) or 1.0
        vector = {feature: weight / norm for feature, weight in strongest}
        strong_names = frozenset(names.intersection(vector))
        frame = _figure_frame("\n".join(article.paragraphs))
        profiles.append(_Profile(vector, frozenset(vector), strong_names, frame))
    return profiles


def _figure_frame(text: str) -> Frame:
    """What the figures of `text` count and the values it gives each: "a 5.6 magnitude
    quake" gives {"magnit": {5.6}}, "a magnitude of 5.6" {"<magnit": {5.6}} (the word
    before, marked, when the word after is a stopword)."""
    text = text.replace("\u2019", "'").lower()
    slots: defaultdict[str, set[float]] = defaultdict(set)
    for match in _FIGURE.finditer(text):
        value = _figure_value(match.group(1))
        after = _WORD_AFTER.match(text, match.end())
        slot = _stem(after.group(1)) if after else None
        if slot is None:
            before = _WORD_BEFORE.search(
                text, max(0, match.start() - _WORD_BEFORE_CHARS), match.start()
            )
            slot = "<" + stem if before and (stem := _stem(before.group(1))) else None
        if slot is not None and value is not None:
            slots[slot].add(value)
    return {slot: frozenset(values) for slot, values in slots.items()}


def _figure_value(written: str) -> float | None:
    """The value of a figure as written: "12,000" is 12000.0, "twenty-one" 21."""
    if written[0].isdigit():
        try:
            return float(written.replace(",", ""))
        except ValueError:
            return None  # "1.2.3"
    return word_number_value(written)


def _frames_agree(first: Frame, second: Frame) -> int:
    """1 when two articles give one slot the same value, -1 when they share slots but no
    value, 0 when their figures count different things."""
    shared = first.keys() & second.keys()
    if not shared:
        return 0
    return 1 if any(not first[slot].isdisjoint(second[slot]) for slot in shared) else -1


def _candidate_pairs(profiles: Sequence[_Profile]) -> dict[tuple[int, int], float]:
    """Similarity of the pairs of articles that share two of either one's strong features."""
    postings: defaultdict[str, list[int]] = defaultdict(list)
    for index, profile in enumerate(profiles):
        for feature in profile.vector:
            postings[feature].append(index)
    pairs: dict[tuple[int, int], float] = {}
    for index, profile in enumerate(profiles):
        hits: Counter[int] = Counter()
        for feature in list(profile.vector)[:INDEX_FEATURES]:
            if len(postings[feature]) <= MAX_POSTING:
                hits.update(postings[feature])
        for other, shared in hits.items():
            pair = (min(index, other), max(index, other))
            if shared >= MIN_SHARED_FEATURES and other != index and pair not in pairs:
                pairs[pair] = _similarity(profile, profiles[other])
    return {pair: similarity for pair, similarity in pairs.items() if similarity > 0}


def _similarity(first: _Profile, second: _Profile) -> float:
    """Cosine similarity, shrunk when it rests on few shared features; 0 when they include
    no name (two stories about "mental health" are not one story)."""
    shared = first.features & second.features
    if shared.isdisjoint(first.names) and shared.isdisjoint(second.names):
        return 0.0
    # fsum is exact, so the result does not depend on the (hash-seeded) order of `shared`.
    products = map(
        operator.mul, map(first.vector.__getitem__, shared), map(second.vector.__getitem__, shared)
    )
    return math.fsum(products) * len(shared) / (len(shared) + 1)


class _Day(NamedTuple):
    """When an article was written: its publication date, or a date its text gives."""

    day: date
    written: bool  # True when taken from the text, not from the metadata


def _day(article: Article) -> _Day | None:
    """The article's publication date, else the latest full date written in its text."""
    try:
        return _Day(date.fromisoformat((article.source.published or "")[:10]), written=False)
    except ValueError:
        pass
    written = [
        date.fromisoformat(parsed)
        for found in _WRITTEN_DATE.findall(article.text)
        if (parsed := parse_date(found)) is not None
    ]
    return _Day(max(written), written=True) if written else None


def _close_in_time(first: _Day | None, second: _Day | None, max_days_apart: int) -> bool:
    """False when both days are known and further apart than allowed: the margin is
    `WRITTEN_DAYS_APART` when either day comes from a text rather than metadata."""
    if first is None or second is None:
        return True
    margin = WRITTEN_DAYS_APART if first.written or second.written else max_days_apart
    return abs((first.day - second.day).days) <= max(margin, max_days_apart)


def _average_linkage(
    count: int,
    pairs: dict[tuple[int, int], float],
    threshold: float,
    agreement: dict[tuple[int, int], int] | None = None,
) -> list[list[int]]:
    """Merge items into groups while the best mean pairwise similarity reaches `threshold`.

    Groups of `MIN_COHESION_SIZE` or more must also pass `_may_merge`: the pairs across
    them agree on their figures (`agreement` 1) more often than they disagree (-1), or,
    when neither, hold together about as tightly as each group holds itself. A group is named
    by its smallest member, and ties between equally similar merges go to the smallest
    names, so the result is deterministic.
    """
    size = [1] * count
    inner = [0.0] * count  # the sum of similarities over each group's own pairs
    alive = [True] * count
    members: list[list[int]] = [[index] for index in range(count)]
    links: list[dict[int, float]] = [{} for _ in range(count)]
    balance: list[dict[int, float]] = [{} for _ in range(count)]  # agreeing - disagreeing
    heap: list[tuple[float, int, int]] = []
    for (first, second), total in pairs.items():
        links[first][second] = links[second][first] = total
        if total >= threshold:
            heap.append((-total, first, second))
    for (first, second), verdict in (agreement or {}).items():
        balance[first][second] = balance[second][first] = verdict
    heapq.heapify(heap)
    while heap:
        negative_mean, first, second = heapq.heappop(heap)
        if not (alive[first] and alive[second]):
            continue
        if -negative_mean != links[first][second] / (size[first] * size[second]):
            continue  # stale: a side grew since this entry was pushed
        if not _may_merge(
            -negative_mean,
            (size[first], inner[first]),
            (size[second], inner[second]),
            balance[first].get(second, 0),
        ):
            continue  # pushed again if either side grows
        inner[first] += inner[second] + links[first][second]
        alive[second] = False
        size[first] += size[second]
        members[first] += members[second]
        members[second] = []
        _absorb_links(links, first, second)
        _absorb_links(balance, first, second)
        for other, total in links[first].items():
            mean = total / (size[first] * size[other])
            if mean >= threshold:
                heapq.heappush(heap, (-mean, min(first, other), max(first, other)))
    groups = [sorted(members[index]) for index in range(count) if alive[index]]
    return sorted(groups, key=lambda group: (-len(group), group[0]))


def _may_merge(
    mean: float, first: tuple[int, float], second: tuple[int, float], balance: float
) -> bool:
    """Whether two groups (size, sum of inner similarities) may merge at cross mean `mean`,
    `balance` being how many more of the pairs across agree on their figures than disagree:
    always when either is smaller than `MIN_COHESION_SIZE`; else as the figures say when
    they say something (balance above or below zero); else when `mean` reaches `COHESION`
    times the mean similarity over both groups' own pairs."""
    (size_a, inner_a), (size_b, inner_b) = first, second
    if min(size_a, size_b) < MIN_COHESION_SIZE:
        return True
    if balance:
        return balance > 0
    own_pairs = (size_a * (size_a - 1) + size_b * (size_b - 1)) / 2
    return mean >= COHESION * (inner_a + inner_b) / own_pairs


def _absorb_links(links: list[dict[int, float]], keep: int, gone: int) -> None:
    """Move `gone`'s sums (of similarities, or of agreements) onto `keep`: their union's
    sums to every other group."""
    for other, total in links[gone].items():
        if other == keep:
            continue
        links[keep][other] = links[keep].get(other, 0.0) + total
        links[other][keep] = links[keep][other]
        del links[other][gone]
    links[keep].pop(gone, None)
    links[gone] = {}
