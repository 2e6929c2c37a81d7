"""End to end through the real openai SDK against the fake server, with planted drift:
nothing invented ships, and real quotes ship as verbatim spans of the sources holding them."""

from __future__ import annotations

from briefing import build
from briefing.config import Options
from briefing.pipeline import read_articles
from briefing.testing.drift import KINDS, Drift, judge, tally
from briefing.testing.fake_openai import FakeOpenAI
from briefing.verify import SourceTexts

HARBOUR = [
    "Harbour officials in the coastal town said the storm had damaged most of the old piers.",
    "The mayor told reporters that the repair work would begin as soon as the weather cleared.",
    "Fishermen complained that they had been given almost no warning before the storm arrived.",
    "Engineers from the regional office will inspect every bridge along the coast road this week.",
    "Residents were asked to stay away from the seafront until the inspections were complete.",
]
VALLEY = [
    "Farmers in the river valley said the flooding had ruined much of the winter wheat crop.",
    "The agriculture ministry promised that emergency payments would reach families within weeks.",
    "Volunteers spent the night filling sandbags to protect the school and the village hall.",
    "The regional governor visited the worst affected villages and met the local council there.",
    "Forecasters expect the river to fall slowly over the coming days if the rain holds off.",
]


def test_drifted_answers_ship_no_invention_and_keep_the_real_quotes(tmp_path):
    (tmp_path / "harbour.txt").write_text("\n\n".join(HARBOUR))
    (tmp_path / "valley.txt").write_text("\n\n".join(VALLEY))
    drift = Drift()
    with FakeOpenAI(then=drift.reply) as server:
        options = Options(engine="openai", base_url=server.base_url, use_cache=False)
        briefing = build([tmp_path], options)
    articles, _ = read_articles([tmp_path], Options(engine="offline"))
    texts = SourceTexts(articles)
    counts = tally(drift.items, briefing, texts)
    assert set(counts) == set(KINDS)  # every kind planted, inventions of each kind included
    assert all(handled == planted for handled, planted in counts.values()), counts
    verdicts = [(item.kind, judge(item, briefing, texts)) for item in drift.items]
    assert all(v.repaired for kind, v in verdicts if kind in ("dropped_word", "marks_case"))
    assert all(v.recited and not v.repaired for kind, v in verdicts if kind == "wrong_source")
    assert not any(v.repaired or v.recited for kind, v in verdicts if kind == "exact")
    stats = briefing.stats
    assert stats.repaired_evidence >= 2 and stats.recited_evidence >= 1
    assert stats.dropped_bullets == 1 and stats.dropped_figures >= 1
    assert stats.rewritten_claims >= 1
