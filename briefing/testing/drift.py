"""A fake model whose answers drift the way real models' answers do, for the fake server.

    planted = Drift()
    with FakeOpenAI(then=planted.reply) as server:
        briefing = build(paths, Options(engine="openai", base_url=server.base_url))
    planted.items  # what was planted, by kind, to check the briefing against

For every source of every pack it answers with claims whose quotes are, in turn: an exact
sentence span (`exact`), the same with an inner word dropped (`dropped_word`), lower-cased
in straight quote marks (`marks_case`), an invented sentence (`invented_quote`), a real
span cited under another source of the pack (`wrong_source`), and a real span under a
claim text carrying an invented number (`invented_number`); plus a figure with an invented
value (`invented_figure`). The summary answer has one bullet copied from a fact and one
with an invented figure (`invented_bullet`), both citing that fact.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from briefing.schema import Briefing
from briefing.testing.fake_openai import Reply, auto_reply, completion_reply, rough_usage
from briefing.text import normalize_for_match, split_sentences
from briefing.verify import SourceTexts

INVENTED_QUOTE = "We will double the harbour budget for the northern provinces next spring"
INVENTED_NUMBER_TEXT = "4,321 people were affected"
INVENTED_FIGURE_VALUE = "9,876"
INVENTED_BULLET = "87 percent of the funds were never accounted for."
SPAN_WORDS = 12
_BLOCK = re.compile(r'<src-\w+ id="(S\d+)">\n(.*?)\n</src-\w+>', re.DOTALL)
_FACT = re.compile(r"^- \[(\w+)\] (.*)$", re.MULTILINE)


@dataclass(frozen=True)
class Planted:
    """One drifted item: its kind, the source label and id it truly comes from, the real
    span (empty for inventions) and what the answer said."""

    kind: str
    label: str
    span: str
    said: str


@dataclass
class Drift:
    """Answers every request with planted drift, and records what it planted."""

    items: list[Planted] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reply(self, request: dict[str, Any]) -> Reply:
        """The fake server's answer to one request (see the module docstring)."""
        schema = (request.get("response_format") or {}).get("json_schema") or {}
        prompt = str(request["messages"][-1]["content"])
        if schema.get("name") == "Summary":
            answer = self._summary(prompt)
        elif schema.get("name") == "Extraction":
            answer = self._extraction(prompt)
        else:
            return auto_reply(request)
        content = json.dumps(answer, ensure_ascii=False)
        return completion_reply(content, usage=rough_usage(request, content))

    def _plant(self, kind: str, label: str, span: str, said: str) -> None:
        with self._lock:
            self.items.append(Planted(kind, label, span, said))

    def _extraction(self, prompt: str) -> dict[str, Any]:
        blocks = _BLOCK.findall(prompt)
        labels = [label for label, _ in blocks]
        claims: list[dict[str, Any]] = []
        figures: list[dict[str, Any]] = []
        for number, (label, text) in enumerate(blocks):
            spans = _spans(text)
            other = labels[(number + 1) % len(labels)] if len(labels) > 1 else None
            if len(spans) < 5:
                continue
            words = spans[1].split()
            dropped = " ".join(words[:5] + words[6:])
            kinds = [
                ("exact", spans[0], spans[0], label),
                ("dropped_word", spans[1], dropped, label),
                ("marks_case", spans[2], '"' + spans[2].lower() + '"', label),
                ("invented_quote", "", INVENTED_QUOTE, label),
            ]
            if other:
                kinds.append(("wrong_source", spans[3], spans[3], other))
            for kind, span, said, cited in kinds:
                self._plant(kind, label, span, said)
                claims.append(_claim(said, said, cited))
            self._plant("invented_number", label, spans[4], INVENTED_NUMBER_TEXT)
            claims.append(_claim(INVENTED_NUMBER_TEXT, spans[4], label))
            self._plant("invented_figure", label, spans[4], INVENTED_FIGURE_VALUE)
            figures.append(
                {
                    "subject": "people affected",
                    "value": INVENTED_FIGURE_VALUE,
                    "number": 9876,
                    "unit": None,
                    "qualifier": None,
                    "attributed_to": None,
                    "evidence": [{"source_id": label, "quote": spans[4]}],
                }
            )
        return {"actors": [], "claims": claims, "figures": figures}

    def _summary(self, prompt: str) -> dict[str, Any]:
        facts = _FACT.findall(prompt)
        if not facts:
            return {"title": "Briefing", "bullets": []}
        fact_id, line = facts[0]
        text = line.split(": ", 1)[-1]
        self._plant("invented_bullet", "", "", INVENTED_BULLET)
        return {
            "title": "Briefing",
            "bullets": [
                {"text": text, "facts": [fact_id]},
                {"text": INVENTED_BULLET, "facts": [fact_id]},
            ],
        }


def _claim(text: str, quote: str, label: str) -> dict[str, Any]:
    return {"speaker": None, "text": text, "evidence": [{"source_id": label, "quote": quote}]}


def _spans(text: str) -> list[str]:
    """Spans of SPAN_WORDS words opening distinct sentences that are long enough, free of
    quote marks and digits (so drift is all the model changes)."""
    found: list[str] = []
    for paragraph in text.split("\n\n"):
        for sentence in split_sentences(paragraph):
            words = sentence.split()
            if len(words) > SPAN_WORDS and not re.search(r"[\"“”'’\d]", sentence):
                found.append(" ".join(words[:SPAN_WORDS]))
    return found


SAME_SPAN_RATIO = 90


def _same(span: str, quote: str) -> bool:
    a, b = normalize_for_match(span).lower(), normalize_for_match(quote).lower()
    return fuzz.ratio(a, b) >= SAME_SPAN_RATIO


def outcome(item: Planted, briefing: Briefing, texts: SourceTexts) -> bool:
    """True when the briefing handled a planted item right: inventions never ship; real
    quotes ship as verbatim spans, only under sources that hold them."""
    evidence = [e for claim in briefing.claims for e in claim.evidence]
    evidence += [e for figure in briefing.figures for e in figure.evidence]
    if item.kind == "invented_quote":
        return not any(_same(item.said, e.quote) for e in evidence)
    if item.kind == "invented_number":
        return not any("4,321" in claim.text for claim in briefing.claims)
    if item.kind == "invented_figure":
        return not any(figure.value == INVENTED_FIGURE_VALUE for figure in briefing.figures)
    if item.kind == "invented_bullet":
        return not any("87 percent" in text for text in briefing.summary)
    shipped = [e for e in evidence if _same(item.span, e.quote)]
    return bool(shipped) and all(texts.quotes(e.source_id, e.quote) for e in shipped)


def tally(items: list[Planted], briefing: Briefing, texts: SourceTexts) -> dict[str, list[int]]:
    """Per kind: [handled right, planted]."""
    counts: dict[str, list[int]] = {}
    for item in items:
        row = counts.setdefault(item.kind, [0, 0])
        row[0] += outcome(item, briefing, texts)
        row[1] += 1
    return counts
