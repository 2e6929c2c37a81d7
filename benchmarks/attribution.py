"""Who said it: the offline engine's claims against PolNeAR's human attribution spans.

Each PolNeAR article (``../shared/attribution/polnear/<split>/text/NAME.txt``) is briefed on
its own with `briefing.build` and the offline engine, the same path as ``briefing build``.
Every claim's evidence quotes are located in the article text (exactly, else after folding
quotes and whitespace), and the claim covers the union of those character spans. The gold
is one annotator's brat file per article: when several annotators annotated an article, the
one whose id sorts first (a choice that does not look at the engine's output).

Measures, each over the whole split:

* **direct-quote recall**: gold Content spans holding a quotation mark, covered ≥ 50 % of
  their characters by one claim's evidence;
* **recall**: the same over every gold attribution with a Content (indirect speech too);
* **speaker accuracy**: over covered gold attributions whose Source names someone, the share
  where a claim covering the content best names the same speaker (they share a name word,
  the actor's aliases included). A pronoun Source ("he", "they") or a definite description
  ("the newspaper", "the senator") stands for the nearest earlier gold Source that names
  someone (for "he"/"she", the nearest whose title or first name does not say the other
  gender, read with the engine's own gender list); an indefinite one ("a source", "officials")
  names nobody and is not scored;
* **precision**: claims whose evidence overlaps some gold Content span;
* **actor precision**: actors that are a gold Source of the article (a shared name word) or a
  named entity of its text, approximated as: the name (or an alias) occurs in the text with
  every word capitalised (``of``/``and``/``the``… allowed inside), none of its capitalised
  words is a function word ("But", "Was", "To"), it has at most six words, it is neither a
  month nor a weekday, and a short all-caps token occurs at least twice.

Errors are grouped into kinds (what went wrong and the gold cue or source type), and the
ten most common are listed with one example each; missed direct quotations are also
grouped by the shape of the text around them (`direct_miss_kind`). The claims scored are
all the briefing's claims, key or not: the brief stage ranks and marks, it drops none.
Run from the repository root:

    .venv/bin/python benchmarks/attribution.py --split dev [--errors 10] [--json FILE]
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from briefing import Options, build
from briefing.language.gender import (
    PRONOUN_GENDER,
    Gender,
    compatible,
    first_name_gender,
    title_gender,
)
from briefing.schema import Briefing

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "attribution" / "polnear"
_COVERED = 0.5
_QUOTE_MARKS = ('"', "“", "”")


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_PRONOUNS = _set(
    "i me my we us our you your he him his she her it its they them their this that these "
    "those who which one"
)
_DEFINITE = _set("the this that these those his her its their our my your")
_FUNCTION_WORDS = _set(
    "some many most several few all both each other others "
    "a an the of and or but for to in on at by with from as is was are were be been has have "
    "had do does did not no so if then than that this these those it he she they we you i "
    "over after before into out up down about just"
)
_CONNECTORS = _set("of and the for de la von van al &")
_CALENDAR = _set(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday"
)
_HONORIFICS = _set("mr mrs ms dr sen rep gov president senator sir")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_LOWER_WORD = re.compile(r"\b[a-z]+\b")


@dataclass
class Gold:
    """One gold attribution: its Content, Cue and Source spans and texts."""

    content: list[tuple[int, int]]
    content_text: str
    cue_text: str
    source: list[tuple[int, int]]
    source_text: str
    names: set[str] = field(default_factory=set)  # the Source's own name words
    named: str | None = None  # the named Source it is or stands for
    wanted: set[str] = field(default_factory=set)  # that Source's name words

    @property
    def direct(self) -> bool:
        return any(mark in self.content_text for mark in _QUOTE_MARKS)

    @property
    def source_start(self) -> int:
        return self.source[0][0] if self.source else -1


@dataclass
class Found:
    """One claim of the briefing, located in the article."""

    speaker: str | None
    names: set[str]
    text: str
    spans: list[tuple[int, int]]


@dataclass
class Tally:
    """Counts over a split, and the examples of each error kind."""

    articles: int = 0
    direct: int = 0
    direct_covered: int = 0
    gold: int = 0
    covered: int = 0
    speaker_scored: int = 0
    speaker_right: int = 0
    claims: int = 0
    claims_matched: int = 0
    claims_unlocated: int = 0
    actors: int = 0
    actors_supported: int = 0
    seconds: float = 0.0
    errors: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    direct_missed: Counter[str] = field(default_factory=Counter)
    direct_examples: dict[str, str] = field(default_factory=dict)

    def error(self, kind: str, example: str) -> None:
        self.errors[kind] += 1
        self.examples.setdefault(kind, example)

    def direct_miss(self, kind: str, example: str) -> None:
        self.direct_missed[kind] += 1
        self.direct_examples.setdefault(kind, example)


def _spans(field_text: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in (part.split() for part in field_text.split(";"))]


def read_gold(path: Path, text: str) -> list[Gold]:
    """The attributions of one brat `.ann` file (those without a Content are left out)."""
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            kind, _, offsets = parts[1].partition(" ")
            spans[parts[0]] = (kind, _spans(offsets))
        elif line.startswith("E") and len(parts) >= 2:
            roles = dict(item.split(":", 1) for item in parts[1].split() if ":" in item)
            events.append(roles)
    gold = []
    lowercase = set(_LOWER_WORD.findall(text))
    for roles in events:
        content = spans.get(roles.get("Content", ""), ("", []))[1]
        if not content:
            continue
        cue = spans.get(roles.get("Cue", ""), ("", []))[1]
        source = spans.get(roles.get("Source", ""), ("", []))[1]
        gold.append(
            Gold(
                content=content,
                content_text=" … ".join(text[a:b] for a, b in content),
                cue_text=" ".join(text[a:b] for a, b in cue),
                source=source,
                source_text=" ".join(text[a:b] for a, b in source),
                names=_source_names(text, source, lowercase),
            )
        )
    _resolve_sources(gold)
    return gold


def name_words(phrase: str) -> set[str]:
    """The capitalised words of a phrase that can name someone, lower-cased."""
    found = set()
    for word in _WORD.findall(phrase):
        bare = re.sub(r"['’]s?$", "", word).rstrip(".")
        lowered = bare.lower()
        if not bare or not bare[0].isupper() or lowered in _PRONOUNS | _DEFINITE | _HONORIFICS:
            continue
        if lowered in _FUNCTION_WORDS:
            continue
        found.add(lowered)
    return found


def _source_names(text: str, source: list[tuple[int, int]], lowercase: set[str]) -> set[str]:
    """A Source's name words; a capitalised word opening a sentence ("Several", "Critics")
    counts only when the article never writes it in lower case."""
    if not source:
        return set()
    phrase = " ".join(text[a:b] for a, b in source)
    names = name_words(phrase)
    first = _WORD.search(phrase)
    before = text[: source[0][0]].rstrip(" \t\"“‘'(")
    if first and (not before or before.endswith(("\n", ".", "!", "?", ":"))):
        lowered = re.sub(r"['’]s?$", "", first.group(0)).rstrip(".").lower()
        if lowered in lowercase:
            names.discard(lowered)
    return names


_HEAD = re.compile(r"^[^,(;–—]*?([\w.'’-]+)['’]?\s*(?:[,(;–—]|$)")


def _head(phrase: str) -> str:
    """The last word of a phrase before any apposition: "senator" in "the Vermont senator,
    who …"."""
    match = _HEAD.match(phrase.strip())
    return match.group(1) if match else ""


def _source_type(gold: Gold) -> str:
    if not gold.source:
        return "no source"
    if gold.names:
        return "named"
    words = gold.source_text.lower().split()
    if len(words) == 1 and words[0] in _PRONOUNS:
        return "pronoun"
    return "definite" if words and words[0] in _DEFINITE else "indefinite"


def _one_person(phrase: str) -> bool:
    """Whether a named Source can be what "he" or "she" stands for: not several ("Clinton and
    Kaine", "Republican voters") nor a body named with "the" ("The New York Times")."""
    words = phrase.split()
    head = _head(phrase)
    joint = re.search(r"\band\b|&", re.split(r"[,(;–—]", phrase)[0])
    if joint or (head.islower() and head.endswith("s")):
        return False
    return not (words[0].lower() == "the" and head[:1].isupper())


def _resolve_sources(gold: list[Gold]) -> None:
    """Named Sources name themselves; pronouns and definite descriptions take the nearest
    earlier named Source ("he"/"she": the nearest not known to be of the other gender);
    indefinite ones name nobody."""
    named = sorted((g for g in gold if _source_type(g) == "named"), key=lambda g: g.source_start)
    surnames = _surname_genders(g.source_text for g in named)
    for item in gold:
        kind = _source_type(item)
        if kind == "named":
            item.named, item.wanted = item.source_text, item.names
            continue
        if kind not in {"pronoun", "definite"}:
            continue
        before = [g for g in reversed(named) if g.source_start < item.source_start]
        gender = PRONOUN_GENDER.get(item.source_text.lower())
        if gender:
            before = [
                g
                for g in before
                if _one_person(g.source_text)
                and compatible(gender, _source_gender(g.source_text, surnames))
            ]
        if before:
            item.named, item.wanted = before[0].source_text, before[0].names


def _surname_genders(sources: Iterable[str]) -> dict[str, Gender]:
    """Surnames whose full name with a title or first name appears among the Sources."""
    found: dict[str, Gender] = {}
    for phrase in sources:
        words = [w.rstrip(".,") for w in _WORD.findall(phrase) if w[0].isupper()]
        for first, _ in itertools.pairwise(words):
            gender = title_gender(first) or first_name_gender(first)
            if gender:
                found.setdefault(re.sub(r"['’]s?$", "", words[-1]).lower(), gender)
                break
    return found


def _source_gender(phrase: str, surnames: dict[str, Gender]) -> Gender | None:
    """What a Source's title, first name or known surname says of its gender."""
    words = [w.rstrip(".,") for w in _WORD.findall(phrase) if w[0].isupper()]
    for word in words:
        gender = title_gender(word) or (first_name_gender(word) if len(words) > 1 else None)
        if gender:
            return gender
    return surnames.get(re.sub(r"['’]s?$", "", words[-1]).lower()) if words else None


def _fold(text: str) -> tuple[str, list[int]]:
    """Text with quotes folded and whitespace runs collapsed, and each character's offset."""
    table = {"“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "–": "-"}
    out: list[str] = []
    offsets: list[int] = []
    space = False
    for index, char in enumerate(text):
        if char.isspace():
            if not space:
                out.append(" ")
                offsets.append(index)
            space = True
            continue
        space = False
        out.append(table.get(char, char))
        offsets.append(index)
    return "".join(out), offsets


def locate(quote: str, text: str, folded: tuple[str, list[int]]) -> tuple[int, int] | None:
    """Where an evidence quote lies in the article text."""
    start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    needle = _fold(quote)[0].strip()
    haystack, offsets = folded
    position = haystack.find(needle)
    if position < 0 or not needle:
        return None
    return offsets[position], offsets[position + len(needle) - 1] + 1


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _length(spans: list[tuple[int, int]]) -> int:
    return sum(end - start for start, end in spans)


def claims_of(briefing: Briefing, text: str) -> tuple[list[Found], int]:
    """The briefing's claims with their evidence located in `text`, and how many could not be."""
    aliases = {actor.name: [actor.name, *actor.aliases] for actor in briefing.actors}
    folded = _fold(text)
    found, unlocated = [], 0
    for claim in briefing.claims:
        spans = [
            span for e in claim.evidence if (span := locate(e.quote, text, folded)) is not None
        ]
        if not spans:
            unlocated += 1
            continue
        names: set[str] = set()
        for form in aliases.get(claim.speaker or "", [claim.speaker or ""]):
            names |= name_words(form) | {w.lower() for w in _WORD.findall(form) if w[0].isupper()}
        found.append(Found(claim.speaker, names, claim.text, spans))
    return found, unlocated


def _cue_kind(cue: str) -> str:
    words = [w.strip('.,:;!?"“”').lower() for w in cue.split()]
    words = [w for w in words if w]
    if "according" in words:
        return "according to"
    if not words:
        return "colon" if ":" in cue else "none"
    if any(w in {"said", "says", "say", "saying"} for w in words):
        return "say"
    if any(w in {"told", "tell", "tells", "telling"} for w in words):
        return "tell"
    if any(w.endswith(("ed", "es")) or w in {"wrote", "thought", "knew"} for w in words):
        return "other verb"
    return "noun or phrase"


def _short(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def score_article(text: str, gold: list[Gold], briefing: Briefing, tally: Tally) -> None:
    """Add one article's counts and errors to the tally."""
    found, unlocated = claims_of(briefing, text)
    tally.articles += 1
    tally.claims += len(found) + unlocated
    tally.claims_unlocated += unlocated
    for claim in found:
        if any(_overlap(claim.spans, g.content) for g in gold):
            tally.claims_matched += 1
        else:
            tally.error(
                "claim outside every gold attribution",
                f"{claim.speaker!r}: {_short(claim.text)}",
            )
    for g in gold:
        size = _length(g.content) or 1
        shares = [(_overlap(c.spans, g.content) / size, c) for c in found]
        best = max((share for share, _ in shares), default=0.0)
        covered = best >= _COVERED
        tally.gold += 1
        tally.covered += covered
        if g.direct:
            tally.direct += 1
            tally.direct_covered += covered
        kind = "direct" if g.direct else "indirect"
        if g.direct and not covered:
            tally.direct_miss(
                direct_miss_kind(text, g, best),
                f"[{_short(g.source_text, 40)}] [{g.cue_text}] {_short(g.content_text)}",
            )
        if not covered:
            tally.error(
                f"missed {kind}, cue {_cue_kind(g.cue_text)}, source {_source_type(g)}",
                f"[{_short(g.source_text, 40)}] [{g.cue_text}] {_short(g.content_text)}",
            )
            continue
        if not g.named:
            continue
        want = g.wanted
        tally.speaker_scored += 1
        candidates = [c for share, c in shares if share == best]
        if any(want & c.names for c in candidates):
            tally.speaker_right += 1
            continue
        got = candidates[0].speaker
        what = "no speaker" if got is None else "another speaker"
        tally.error(
            f"wrong speaker ({what}), gold source {_source_type(g)}",
            f"gold {g.source_text!r} (= {g.named!r}), got {got!r}: {_short(g.content_text, 80)}",
        )
    gold_names = set().union(*(g.names for g in gold)) if gold else set()
    for actor in briefing.actors:
        tally.actors += 1
        forms = [actor.name, *actor.aliases]
        if any(name_words(form) & gold_names for form in forms) or any(
            is_named_entity(form, text) for form in forms
        ):
            tally.actors_supported += 1
        else:
            tally.error(f"actor not a source nor a name ({actor.kind})", repr(actor.name))


_QUOTED = re.compile(r"[\"“”]([^\"“”]*)[\"“”]")


def _paragraph_of(text: str, position: int) -> int:
    return text.count("\n\n", 0, position)


def direct_miss_kind(text: str, gold: Gold, best: float) -> str:
    """Why a gold direct quotation was missed, by the shape of the text around it (the first
    that applies): evidence covering part of it, a quotation over several paragraphs, its
    speaker in another paragraph, a colon before it, quote marks that do not pair, a quoted
    word or two, a partial quotation inside indirect speech, else a whole quotation with its
    speaker in its paragraph (lost to the attribution rules themselves)."""
    start, end = gold.content[0][0], gold.content[-1][1]
    content = gold.content_text.strip()
    marks = [c for c in content if c in _QUOTE_MARKS]
    quoted = _QUOTED.findall(content)
    if best > 0:
        return "evidence covers part of it"
    if "\n" in text[start:end]:
        return "quotation over several paragraphs"
    if gold.source and _paragraph_of(text, gold.source[0][0]) != _paragraph_of(text, start):
        return "speaker in another paragraph"
    if text[:start].rstrip(' “"').endswith(":"):
        return "introduced by a colon"
    if len(marks) % 2 or re.search(r"“[^”\"]*“\s|\s”\w", content):
        return "quote marks that do not pair"
    if quoted and max(len(q.split()) for q in quoted) <= 2:
        return "a quoted word or two"
    if content[:1] not in _QUOTE_MARKS:
        return "partial quotation inside indirect speech"
    return "whole quotation, speaker in its paragraph"


def is_named_entity(name: str, text: str) -> bool:
    """The benchmark's stand-in for a named-entity tagger (see the module docstring)."""
    words = name.split()
    if not words or len(words) > 6 or name not in text:
        return False
    if words[0].lower() in _CONNECTORS or words[-1].lower() in _CONNECTORS:
        return False
    for word in words:
        bare = re.sub(r"['’]s?$", "", word).rstrip(".,")
        lowered = bare.lower()
        if lowered in _CONNECTORS and not bare[:1].isupper():
            continue
        if not bare[:1].isupper() or lowered in _FUNCTION_WORDS or lowered in _CALENDAR:
            return False
    letters = name.replace(".", "").replace("&", "")
    return not (letters.isupper() and len(letters) <= 4 and text.count(name) < 2)


def articles(data: Path, split: str) -> list[tuple[Path, Path]]:
    """(text, chosen annotation) of every article of a split."""
    chosen: dict[str, Path] = {}
    for ann in sorted((data / split / "attributions").glob("*.ann")):
        name = ann.stem.rsplit("_", 1)[0]
        chosen.setdefault(name, ann)
    texts = data / split / "text"
    return [(texts / f"{name}.txt", ann) for name, ann in sorted(chosen.items())]


def run(data: Path, split: str) -> Tally:
    """Brief and score every article of the split."""
    tally = Tally()
    options = Options.from_env(engine="offline")
    for text_path, ann in articles(data, split):
        text = text_path.read_text(encoding="utf-8")
        gold = read_gold(ann, text)
        started = time.process_time()
        briefing = build([text_path], options)
        tally.seconds += time.process_time() - started
        score_article(text, gold, briefing, tally)
    return tally


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "—"


def report(tally: Tally, split: str, errors: int) -> str:
    """The split's results as Markdown."""
    lines = [
        f"PolNeAR `{split}`: {tally.articles} articles, {tally.gold} gold attributions, "
        f"{tally.claims} claims, {tally.actors} actors; "
        f"{tally.articles / tally.seconds:.0f} articles per CPU second in `build`"
        if tally.seconds
        else f"PolNeAR `{split}`: no articles",
        "",
        "| measure | value |",
        "|---|---|",
        f"| direct-quote recall | {_ratio(tally.direct_covered, tally.direct)} |",
        f"| speaker accuracy | {_ratio(tally.speaker_right, tally.speaker_scored)} |",
        f"| precision | {_ratio(tally.claims_matched, tally.claims)} |",
        f"| recall (all attributions) | {_ratio(tally.covered, tally.gold)} |",
        f"| actor precision | {_ratio(tally.actors_supported, tally.actors)} |",
        f"| claims whose evidence was not found in the text | {tally.claims_unlocated} |",
        "",
        "| error kind | count | example |",
        "|---|---|---|",
    ]
    for kind, count in tally.errors.most_common(errors):
        example = tally.examples[kind].replace("|", "\\|")
        lines.append(f"| {kind} | {count} | {example} |")
    lines += ["", "| missed direct quotation, by shape | count | example |", "|---|---|---|"]
    for kind, count in tally.direct_missed.most_common():
        example = tally.direct_examples[kind].replace("|", "\\|")
        lines.append(f"| {kind} | {count} | {example} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark on one split and print its Markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["train", "dev"], default="dev")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--errors", type=int, default=10, help="error kinds to list")
    parser.add_argument("--json", type=Path, help="also write the counts and examples here")
    args = parser.parse_args(argv)
    if not (args.data / args.split).is_dir():
        print(f"no PolNeAR {args.split} split under {args.data}", file=sys.stderr)
        return 1
    tally = run(args.data, args.split)
    print(report(tally, args.split, args.errors))
    if args.json:
        counts = {k: v for k, v in vars(tally).items() if k not in {"errors", "examples"}}
        payload = {"split": args.split, **counts, "errors": dict(tally.errors.most_common())}
        payload["examples"] = tally.examples
        args.json.write_text(json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
