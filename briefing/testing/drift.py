"""A fake model whose answers drift the way real models' answers do, for the fake server.

    planted = Drift()
    with FakeOpenAI(then=planted.reply) as server:
        briefing = build(paths, Options(engine="openai", base_url=server.base_url))
    planted.items  # what was planted, by kind, to check the briefing against

For every source of every pack (with at least one usable span per kind) it answers with
one claim quoting an invented sentence (`invented_quote`), and goes through the source's
usable spans (opening distinct sentences, free of digits and quote marks) giving each, in
turn, one kind of drift: quoted exactly (`exact`), with an inner word dropped, a different
one from span to span (`dropped_word`), lower-cased in straight quote marks
(`marks_case`), cited under another source of the pack (`wrong_source`), or under a claim
text carrying an invented number (`invented_number`) and a figure with an invented value
(`invented_figure`). The summary answer has one bullet copied from a fact and one with an
invented figure (`invented_bullet`), both citing that fact.

`judge` tells what became of each planted item in the briefing (shipped, verbatim,
repaired, re-cited), `tally` counts the items handled right per kind.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from briefing.schema import Briefing, Evidence
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
    """One drifted item: its kind, the label of the source it truly comes from, the real
    span (empty for inventions), what the answer said, and the opening paragraph of the
    block the answer cited it under (to tell the source it was cited to)."""

    kind: str
    label: str
    span: str
    said: str
    cited: str


# Kinds planted on the real spans of a source, in turn: one span per kind.
SPAN_KINDS = ("exact", "dropped_word", "marks_case", "wrong_source", "invented_number")
INVENTIONS = ("invented_quote", "invented_number", "invented_figure", "invented_bullet")
KINDS = (*SPAN_KINDS[:4], *INVENTIONS)


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

    def _plant(self, kind: str, label: str, span: str, said: str, cited: str) -> None:
        with self._lock:
            self.items.append(Planted(kind, label, span, said, cited))

    def _extraction(self, prompt: str) -> dict[str, Any]:
        blocks = _BLOCK.findall(prompt)
        openings = [text.split("\n\n", 1)[0] for _, text in blocks]
        claims: list[dict[str, Any]] = []
        figures: list[dict[str, Any]] = []
        for number, (label, text) in enumerate(blocks):
            other = (number + 1) % len(blocks)
            kinds = [k for k in SPAN_KINDS if k != "wrong_source" or other != number]
            spans = _spans(text)
            if len(spans) < len(kinds):
                continue
            own = openings[number]
            self._plant("invented_quote", label, "", INVENTED_QUOTE, own)
            claims.append(_claim(INVENTED_QUOTE, INVENTED_QUOTE, label))
            for index, span in enumerate(spans):
                kind = kinds[index % len(kinds)]
                if kind == "invented_number":
                    self._plant(kind, label, span, INVENTED_NUMBER_TEXT, own)
                    claims.append(_claim(INVENTED_NUMBER_TEXT, span, label))
                    self._plant("invented_figure", label, span, INVENTED_FIGURE_VALUE, own)
                    figures.append(_invented_figure(span, label))
                elif kind == "wrong_source":
                    self._plant(kind, label, span, span, openings[other])
                    claims.append(_claim(span, span, blocks[other][0]))
                else:
                    said = _drifted(kind, span, index)
                    self._plant(kind, label, span, said, own)
                    claims.append(_claim(said, said, label))
        return {"actors": [], "claims": claims, "figures": figures}

    def _summary(self, prompt: str) -> dict[str, Any]:
        facts = _FACT.findall(prompt)
        if not facts:
            return {"title": "Briefing", "bullets": []}
        fact_id, line = facts[0]
        text = line.split(": ", 1)[-1]
        self._plant("invented_bullet", "", "", INVENTED_BULLET, "")
        return {
            "title": "Briefing",
            "bullets": [
                {"text": text, "facts": [fact_id]},
                {"text": INVENTED_BULLET, "facts": [fact_id]},
            ],
        }


def _drifted(kind: str, span: str, index: int) -> str:
    """The span as the answer gives it: as it is, with an inner word dropped (a different
    one from span to span), or lower-cased in straight quote marks."""
    if kind == "dropped_word":
        words = span.split()
        gone = 1 + index % (len(words) - 2)
        return " ".join(words[:gone] + words[gone + 1 :])
    if kind == "marks_case":
        return '"' + span.lower() + '"'
    return span


def _invented_figure(span: str, label: str) -> dict[str, Any]:
    return {
        "subject": "people affected",
        "value": INVENTED_FIGURE_VALUE,
        "number": 9876,
        "unit": None,
        "qualifier": None,
        "attributed_to": None,
        "evidence": [{"source_id": label, "quote": span}],
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


@dataclass(frozen=True)
class Verdict:
    """What became of one planted item in the briefing. For an invention, `shipped` says
    whether it reached the briefing; for a real span, whether a quote of it did, and how."""

    shipped: bool
    verbatim: bool = False  # every shipped quote of it is a span of the source it cites
    repaired: bool = False  # it shipped as the source's own words, not as the answer said
    recited: bool = False  # it never shipped under the source the answer cited

    def right(self, kind: str) -> bool:
        """True when the item was handled right: inventions never ship; real quotes ship
        as verbatim spans, only under sources that hold them."""
        return not self.shipped if kind in INVENTIONS else self.verbatim


def _invention_shipped(item: Planted, briefing: Briefing, evidence: list[Evidence]) -> bool:
    if item.kind == "invented_quote":
        return any(_same(item.said, e.quote) for e in evidence)
    if item.kind == "invented_number":
        return any(INVENTED_NUMBER_TEXT.split()[0] in claim.text for claim in briefing.claims)
    if item.kind == "invented_figure":
        return any(figure.value == INVENTED_FIGURE_VALUE for figure in briefing.figures)
    return any(INVENTED_BULLET.split(" of ")[0] in text for text in briefing.summary)


def judge(item: Planted, briefing: Briefing, texts: SourceTexts) -> Verdict:
    """What became of `item` in `briefing`, judged against the story's source texts."""
    evidence = [e for claim in briefing.claims for e in claim.evidence]
    evidence += [e for figure in briefing.figures for e in figure.evidence]
    if item.kind in INVENTIONS:
        return Verdict(shipped=_invention_shipped(item, briefing, evidence))
    shipped = [e for e in evidence if _same(item.span, e.quote)]
    said = normalize_for_match(item.said)
    return Verdict(
        shipped=bool(shipped),
        verbatim=bool(shipped) and all(texts.quotes(e.source_id, e.quote) for e in shipped),
        repaired=any(normalize_for_match(e.quote) != said for e in shipped),
        recited=bool(shipped) and not any(texts.quotes(e.source_id, item.cited) for e in shipped),
    )


def tally(items: list[Planted], briefing: Briefing, texts: SourceTexts) -> dict[str, list[int]]:
    """Per kind: [handled right, planted]."""
    counts: dict[str, list[int]] = {}
    for item in items:
        row = counts.setdefault(item.kind, [0, 0])
        row[0] += judge(item, briefing, texts).right(item.kind)
        row[1] += 1
    return counts
