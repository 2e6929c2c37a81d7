"""Benchmark inputs: the real clusters under ../shared/corpus/ and larger sets made from them.

A larger set of N articles cycles through the corpus articles. The first copy of each is the
file as found. Every further copy is made into a new story, deterministically:

- the sentences of its prose paragraphs (12 words or more) are shuffled and regrouped into
  paragraphs of the original sizes; short paragraphs (headings, junk, captions, credits)
  stay as they were;
- its names are renamed for the copy: every capitalised word that the corpus never writes
  in lower case gets a copy-specific ending ("Lavrov" → "Lavrovanel" in one copy,
  "Lavrovosti" in another), the same way throughout the copy;
- its file name, title and URL get the copy number.

So each copy has the length, wording and page furniture of a real article but its own
people, places and organisations; dedup merges what is really repeated (short lines, and
wire copy shared by the outlets of one cluster) and not whole copies. The sets are still
more repetitive than a real day: the same sentences come back with other names.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import sys
import zlib
from pathlib import Path

from briefing.ingest.models import Draft
from briefing.ingest.plain import text_to_draft
from briefing.text import split_sentences, words

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
TIKTOKEN_FILES = SHARED / "data" / "tiktoken"
CLUSTERS = (
    "wonsan-2025-07",
    "spain-luis-enrique-replaced-after-world-cup-exit-2022-12-08",
    "h2med-iberian-green-hydrogen-pipeline-agreed-2022-12-09",
    "china-covid-cases-surge-after-controls-eased-2022-12-09",
    "nato-condemns-russia-nuclear-rhetoric-belarus-2023-03-26",
    "migrant-caravan-reaches-us-mexico-border-2018-04-29",
    "us-delays-steel-aluminum-tariffs-eu-canada-mexico-2018-04-30",
    "mueller-questions-for-trump-revealed-2018-04-30",
    "walmart-sex-discrimination-case-supreme-court-2011-03-29",
)
SEED = 20250712
# Shorter paragraphs (headings, junk, captions, credits) stay where they are in a copy.
PROSE_MIN_WORDS = 12
SYLLABLES = ("an", "el", "osti", "ar", "ik", "ova", "us", "em", "ito", "ur",
             "ade", "on", "is", "ek", "ara", "ol", "uz", "en", "ima", "ot")  # fmt: skip
_WORD = re.compile(r"[A-Za-z]{2,}")


def use_genuine_encoding() -> None:
    """Count with the real o200k_base file when it is there (as the API bills)."""
    if TIKTOKEN_FILES.is_dir():
        os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(TIKTOKEN_FILES))


def clusters() -> list[Path]:
    """The corpus clusters present on this machine; a missing one is reported and skipped."""
    found = []
    for name in CLUSTERS:
        folder = CORPUS / name
        if folder.is_dir() and any(folder.glob("*.txt")):
            found.append(folder)
        else:
            print(f"skipping cluster {name}: not found under {CORPUS}", file=sys.stderr)
    return found


def corpus_files() -> list[Path]:
    """Every article file of the clusters present, cluster by cluster."""
    return [path for folder in clusters() for path in sorted(folder.glob("*.txt"))]


def _is_prose(paragraph: str) -> bool:
    return len(words(paragraph)) >= PROSE_MIN_WORDS


def _draft(path: Path) -> Draft:
    return text_to_draft(path.read_text(encoding="utf-8"), path=str(path), markdown=False)


class _Vocabulary:
    """The words the corpus writes in lower case: a capitalised word outside it is a name."""

    def __init__(self, files: list[Path]) -> None:
        found = {word for path in files for word in _WORD.findall(path.read_text("utf-8"))}
        self.lower = {word for word in found if word.islower()}

    def rename(self, text: str, copy: int) -> str:
        """`text` with every name given the ending of copy number `copy`."""

        def replace(match: re.Match[str]) -> str:
            word = match.group(0)
            if not word[0].isupper() or word.lower() in self.lower:
                return word
            return word + _ending(f"{copy}:{word}")

        return _WORD.sub(replace, text)


def _ending(seed: str) -> str:
    """Two syllables picked by a checksum of `seed`: 400 endings in all."""
    number = zlib.crc32(seed.encode())
    return SYLLABLES[number % len(SYLLABLES)] + SYLLABLES[number // len(SYLLABLES) % len(SYLLABLES)]


def _shuffled(paragraphs: list[str], rng: random.Random) -> list[str]:
    """Prose sentences shuffled into paragraphs of the original sizes."""
    prose = [split_sentences(p) for p in paragraphs if _is_prose(p)]
    pool = [sentence for sentences in prose for sentence in sentences]
    rng.shuffle(pool)
    sizes = iter(len(sentences) for sentences in prose)
    result = []
    for paragraph in paragraphs:
        if not _is_prose(paragraph):
            result.append(paragraph)
            continue
        size = next(sizes)
        result.append(" ".join(pool[:size]))
        pool = pool[size:]
    return result


def variant_text(path: Path, copy: int, vocabulary: _Vocabulary) -> str:
    """Copy number `copy` (≥ 1) of a corpus article as a plain-text file with header lines."""
    draft = _draft(path)
    rng = random.Random(f"{SEED}:{path.name}:{copy}")
    title = vocabulary.rename(f"{draft.title or path.parent.name} ({copy})", copy)
    url = f"https://example.org/{path.parent.name}/{path.stem}/{copy}"
    header = [f"title {title}", f"outlet {draft.outlet or 'Unknown'}", f"url {url}"]
    if draft.published:
        header.append(f"date {draft.published}")
    body = [vocabulary.rename(p, copy) for p in _shuffled(draft.paragraphs, rng)]
    return "\n".join(header) + "\n\n" + "\n\n".join(body) + "\n"


def synthetic_set(size: int, directory: Path) -> Path:
    """Write `size` articles made from the corpus into `directory` (see the module doc)."""
    sources = corpus_files()
    if not sources:
        raise SystemExit(f"no corpus articles under {CORPUS}: nothing to build a set from")
    directory.mkdir(parents=True, exist_ok=True)
    vocabulary = _Vocabulary(sources)
    for index in range(size):
        source = sources[index % len(sources)]
        copy = index // len(sources)
        target = directory / f"{copy:05d}_{source.parent.name[:24]}_{source.name}"
        if copy == 0:
            shutil.copyfile(source, target)
        else:
            target.write_text(variant_text(source, copy, vocabulary), encoding="utf-8")
    return directory
