"""Figure disputes and figure subjects of the offline engine against a labelled set.

The labels (`benchmarks/data/disputes.json`, written by reading every article of the nine
stories in ``../shared/corpus/``) give, per story, the quantities that outlets state
differently and pairs of figures that must never be shown as a dispute, plus a sample of
figures with the subject and unit a reader would give them and numbers that are not figures
(dates, times, ages, scores). Four more stories (``benchmarks/data/written/``) were written
for this benchmark in the style of wire copy, to hold kinds of figures the corpus lacks
(prices per unit, money moved from a fund, counts in words, death tolls next to other counts
of people). Both are development sets of the figure rules: the numbers say how well the
rules do here, not on unseen news.

* A found dispute is **true** when two of its versions that disagree match two labelled
  versions of one real dispute (value text contained either way after folding case and
  spaces, and a shared source file); it is **acceptable** when it matches an entry marked
  acceptable; every other found dispute is **false**. Precision = true / (true + false);
  recall = real disputes found / real disputes labelled.
* A labelled "not" pair is **broken** when one found dispute has the two sides in two
  different versions.
* Figure subjects: a sample figure is **found** when a figure of that file has the labelled
  value; its subject is **right** when it contains every word of one labelled alternative
  (singular or plural); its unit is right when it equals the labelled unit.
* Kept out: a labelled non-figure is **leaked** when a figure of its file comes from it.

Run from the repository root (about two seconds):

    .venv/bin/python benchmarks/disputes.py [--corpus ../shared/corpus] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from briefing import Briefing, Options, build
from briefing.schema import Dispute, Figure

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
LABELS = REPO / "benchmarks" / "data" / "disputes.json"
WRITTEN = REPO / "benchmarks" / "data" / "written"


def fold(text: str) -> str:
    """Lower case with single spaces: how labelled and found values are compared."""
    return " ".join(text.lower().split())


def _in_files(files: list[str], found: set[str]) -> bool:
    return any(name.startswith(prefix) for prefix in files for name in found)


def value_matches(label: dict, value: str, files: set[str]) -> bool:
    """Whether a found value from these files is the labelled value."""
    want, got = fold(label["value"]), fold(value)
    return (want in got or got in want) and _in_files(label["files"], files)


def subject_words(text: str) -> set[str]:
    """The words of a subject, singular or plural alike."""
    tokens = (t.strip(".,;:’'\"()") for t in fold(text).split())
    return {t[:-1] if t.endswith("s") and len(t) > 3 else t for t in tokens if t}


@dataclass
class StoryScore:
    story: str
    real: int
    found: int
    true: int = 0
    false: int = 0
    acceptable: int = 0
    recalled: int = 0
    broken: int = 0
    problems: list[str] = field(default_factory=list)


def _version_files(briefing: Briefing) -> dict[str, str]:
    return {s.id: Path(s.path).name for s in briefing.sources}


def _labels_matched(dispute: Dispute, entry: dict, names: dict[str, str]) -> set[int]:
    """Which labelled versions of an entry the dispute's versions match (at least two
    different ones, each by a different found version, or none)."""
    matched: dict[int, int] = {}
    for found_index, version in enumerate(dispute.versions):
        files = {names[s] for s in version.source_ids}
        for label_index, label in enumerate(entry["versions"]):
            if label_index not in matched and value_matches(label, version.value, files):
                matched[label_index] = found_index
                break
    return set(matched) if len(set(matched.values())) >= 2 else set()


def _breaks(dispute: Dispute, pair: dict, names: dict[str, str]) -> bool:
    sides = []
    for version in dispute.versions:
        files = {names[s] for s in version.source_ids}
        sides.append(
            (
                value_matches(pair["a"], version.value, files),
                value_matches(pair["b"], version.value, files),
            )
        )
    return any(a for a, _ in sides) and any(
        b for i, (_, b) in enumerate(sides) if any(a for j, (a, _) in enumerate(sides) if j != i)
    )


def score_story(story: str, labels: dict, briefing: Briefing) -> StoryScore:
    """Match the briefing's disputes to the story's labels."""
    names = _version_files(briefing)
    entries = labels["disputes"]
    real = [e for e in entries if e["kind"] == "real"]
    score = StoryScore(story=story, real=len(real), found=len(briefing.disputes))
    recalled: set[int] = set()
    for dispute in briefing.disputes:
        kinds = []
        for index, entry in enumerate(entries):
            if _labels_matched(dispute, entry, names):
                kinds.append(entry["kind"])
                if entry["kind"] == "real":
                    recalled.add(index)
        if "real" in kinds:
            score.true += 1
        elif kinds:
            score.acceptable += 1
        else:
            score.false += 1
            score.problems.append(f"false dispute: {_describe(dispute, names)}")
        for pair in labels["not_disputes"]:
            if _breaks(dispute, pair, names):
                score.broken += 1
                score.problems.append(f"not a dispute ({pair['why']}): {_describe(dispute, names)}")
    score.recalled = len(recalled)
    for index, entry in enumerate(entries):
        if entry["kind"] == "real" and index not in recalled:
            score.problems.append(f"missed: {entry['quantity']}")
    return score


def _describe(dispute: Dispute, names: dict[str, str]) -> str:
    versions = "; ".join(
        f"{v.value} [{', '.join(names[s][:3] for s in v.source_ids)}]" for v in dispute.versions
    )
    return f"{dispute.subject!r}: {versions}"


@dataclass
class FigureScore:
    sample: int = 0
    found: int = 0
    subject: int = 0
    unit_checked: int = 0
    unit: int = 0
    kept_out: int = 0
    leaked: int = 0
    problems: list[str] = field(default_factory=list)


def _figures_of(briefing: Briefing, prefix: str) -> list[tuple[Figure, str]]:
    names = _version_files(briefing)
    found = []
    for figure in briefing.figures:
        for evidence in figure.evidence:
            if names[evidence.source_id].startswith(prefix):
                found.append((figure, evidence.quote))
    return found


def score_figures(labels: dict, briefings: dict[str, Briefing]) -> FigureScore:
    """Subject and unit accuracy on the labelled sample; leaks of labelled non-figures."""
    score = FigureScore()
    for sample in labels["figures"]:
        score.sample += 1
        candidates = [
            f
            for f, _ in _figures_of(briefings[sample["story"]], sample["file"])
            if fold(f.value) == fold(sample["value"]) or fold(sample["value"]) in fold(f.value)
        ]
        where = f"{sample['story'][:12]}/{sample['file']} {sample['value']!r}"
        if not candidates:
            score.problems.append(f"figure not found: {where}")
            continue
        score.found += 1
        wanted = [subject_words(alternative) for alternative in sample["subject"]]
        if any(any(w <= subject_words(f.subject) for w in wanted) for f in candidates):
            score.subject += 1
        else:
            score.problems.append(
                f"subject {', '.join(repr(f.subject) for f in candidates)} for {where}"
            )
        if "unit" in sample:
            score.unit_checked += 1
            if any(f.unit == sample["unit"] for f in candidates):
                score.unit += 1
            else:
                score.problems.append(
                    f"unit {', '.join(repr(f.unit) for f in candidates)} for {where}"
                )
    for item in labels["not_figures"]:
        score.kept_out += 1
        leaks = [
            f
            for f, quote in _figures_of(briefings[item["story"]], item["file"])
            if item["text"] in quote and f.value.strip() and f.value.strip() in item["text"]
        ]
        if leaks:
            score.leaked += 1
            score.problems.append(f"{item['why']} {item['text']!r} became {leaks[0].value!r}")
    return score


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "–"


def report(scores: list[StoryScore], figures: FigureScore) -> str:
    """The Markdown tables of a run."""
    lines = [
        "| story | real | found | true | false | acceptable | precision | recall | not broken |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in scores:
        lines.append(
            f"| {s.story[:40]} | {s.real} | {s.found} | {s.true} | {s.false} | {s.acceptable} "
            f"| {_ratio(s.true, s.true + s.false)} | {_ratio(s.recalled, s.real)} | {s.broken} |"
        )
    total = StoryScore("all", sum(s.real for s in scores), sum(s.found for s in scores))
    for name in ("true", "false", "acceptable", "recalled", "broken"):
        setattr(total, name, sum(getattr(s, name) for s in scores))
    lines.append(
        f"| **all** | {total.real} | {total.found} | {total.true} | {total.false} "
        f"| {total.acceptable} | {_ratio(total.true, total.true + total.false)} "
        f"| {_ratio(total.recalled, total.real)} | {total.broken} |"
    )
    lines += [
        "",
        "| figure sample | n | found | subject right | unit right | non-figures | leaked |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| all stories | {figures.sample} | {figures.found} "
        f"| {figures.subject} ({_ratio(figures.subject, figures.sample)}) "
        f"| {figures.unit}/{figures.unit_checked} | {figures.kept_out} | {figures.leaked} |",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Build every labelled story offline and print the scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--verbose", action="store_true", help="list every miss and false hit")
    args = parser.parse_args(argv)
    labels = json.loads(args.labels.read_text(encoding="utf-8"))
    briefings = {
        story: build(
            [(WRITTEN if entry.get("set") == "written" else args.corpus) / story],
            Options(engine="offline"),
        )
        for story, entry in labels["stories"].items()
    }
    scores = [score_story(s, labels["stories"][s], b) for s, b in briefings.items()]
    figures = score_figures(labels, briefings)
    print(report(scores, figures))
    if args.verbose:
        for problem in [p for s in scores for p in s.problems] + figures.problems:
            print(f"- {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
