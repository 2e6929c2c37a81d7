"""What actors, claims and figures all compare by: folded names, name words, evidence."""

from __future__ import annotations

import functools
import re
import unicodedata

from briefing.language.lexicon import lexicon
from briefing.schema import Evidence

_DOTTED_INITIALISM = re.compile(r"(?<!\S)(?:[A-Z]\.){2,}(?!\S)")


@functools.lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Lower case without diacritics, curly quotes, full stops or a leading "the".

    Initialisms lose their full stops first, so "F.B.I." folds like "FBI".
    """
    text = _DOTTED_INITIALISM.sub(lambda m: m.group(0).replace(".", ""), text)
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[.\-_,]", " ", text)
    text = re.sub(r"'s\b", "", text)
    return re.sub(r"^the\s+", "", " ".join(text.split()))


def name_tokens(name: str) -> list[str]:
    """A person's name words without honorifics, initials and generational suffixes."""
    return list(_name_words(name))


@functools.lru_cache(maxsize=65_536)
def _name_words(name: str) -> tuple[str, ...]:
    lx = lexicon()
    skip = {h.lower() for h in lx.honorifics} | {s.lower() for s in lx.name_suffixes}
    return tuple(t for t in fold(name).split() if t not in skip and len(t) > 1)


def evidence_union(items: list[list[Evidence]]) -> list[Evidence]:
    """The evidence of all lists, each (source, quote) once, in first-seen order."""
    seen: dict[tuple[str, str], Evidence] = {}
    for evidence in items:
        for item in evidence:
            seen.setdefault((item.source_id, item.quote), item)
    return list(seen.values())
