import hashlib
import json
import random

import numpy as np
import pytest

from briefing import dedup as dedup_module
from briefing.dedup import dedup
from briefing.parallel import results_in_processes
from briefing.schema import Article, Source

WIRE = (
    "Russia and North Korea have also signed a mutual defence treaty, which obliges them to "
    "immediately provide military assistance using all means if either is attacked."
)


def article(source_id: str, *paragraphs: str) -> Article:
    return Article(
        source=Source(id=source_id, path=f"{source_id}.txt"), paragraphs=list(paragraphs)
    )


def test_identical_paragraph_in_two_articles_becomes_one_passage_with_both_sources():
    passages = dedup([article("a", WIRE, "Only in a."), article("b", "Only in b.", WIRE)])
    assert [p.text for p in passages] == [WIRE, "Only in a.", "Only in b."]
    assert passages[0].source_ids == ["a", "b"]


def test_copy_differing_in_quotes_case_and_spacing_is_an_exact_duplicate():
    variant = WIRE.upper().replace(" ", "  ")
    passages = dedup([article("a", WIRE), article("b", variant)])
    assert len(passages) == 1 and passages[0].source_ids == ["a", "b"]


def test_lightly_edited_wire_copy_is_merged():
    edited = WIRE.replace("immediately", "promptly")
    passages = dedup([article("a", WIRE), article("b", edited)])
    assert len(passages) == 1
    assert passages[0].source_ids == ["a", "b"]


def test_different_paragraphs_on_the_same_topic_stay_apart():
    other = (
        "North Korea last month agreed to dispatch 6,000 military engineers and builders for "
        "reconstruction in Russia's Kursk region, state media said on Sunday."
    )
    assert len(dedup([article("a", WIRE), article("b", other)])) == 2


def test_short_paragraphs_only_merge_when_identical():
    passages = dedup([article("a", "He said no."), article("b", "He said yes.")])
    assert len(passages) == 2


def test_near_copy_of_a_merged_near_copy_is_compared_only_with_what_was_kept():
    # b nearly repeats a and is merged into it; c nearly repeats b but not a. Only a is
    # kept, so c stays apart (merging is not transitive).
    rng = random.Random(7)
    words = [
        "".join(rng.choices("abcdefghijklmnoprstuvw", k=rng.randint(3, 8))) for _ in range(500)
    ]
    original = rng.choices(words, k=60)
    edited = list(original)
    edited[15], edited[45] = "zulu", "yankee"
    edited_again = list(edited)
    edited_again[5], edited_again[30] = "xray", "whiskey"
    texts = [" ".join(version) for version in (original, edited, edited_again)]
    passages = dedup([article(name, text) for name, text in zip("abc", texts, strict=True)])
    assert [p.source_ids for p in passages] == [["a", "b"], ["c"]]


def generated_day(seed: int = 18, size: int = 120) -> list[Article]:
    """Articles made of shared wire paragraphs, copies of them with 0-25 words replaced
    (so their overlap spans the merge threshold), many variants of one paragraph, short
    lines and paragraphs of their own, from a made-up vocabulary."""
    rng = random.Random(seed)
    vocabulary = [
        "".join(rng.choices("abcdefghijklmnoprstuvw", k=rng.randint(2, 8))) for _ in range(400)
    ]

    def paragraph() -> list[str]:
        return rng.choices(vocabulary, k=rng.randint(12, 60))

    wire = [paragraph() for _ in range(30)]
    short = ["Read more.", "Photo: staff.", "Share this story"]
    articles = []
    for index in range(size):
        paragraphs = []
        for _ in range(rng.randint(4, 9)):
            kind = rng.random()
            if kind < 0.25:
                text = rng.choice(wire)
            elif kind < 0.55:
                text = list(wire[0] if kind < 0.4 else rng.choice(wire))
                for _ in range(rng.randint(0, 25)):
                    text[rng.randrange(len(text))] = rng.choice(vocabulary)
            elif kind < 0.65:
                paragraphs.append(rng.choice(short))
                continue
            else:
                text = paragraph()
            paragraphs.append(" ".join(text).capitalize() + ".")
        articles.append(article(f"a{index}", *paragraphs))
    return articles


def test_passages_of_a_generated_day_stay_the_same():
    # Recorded before dedup's memory changes (issue 18): a change of representation must
    # not change which paragraphs merge.
    passages = dedup(generated_day())
    listing = json.dumps([[p.text, p.source_ids] for p in passages])
    assert len(passages) == 496
    assert hashlib.sha256(listing.encode()).hexdigest() == (
        "dff925f1b7bf0e6aa75d1eb93cc21437109dac36e983d4b397e4f96ec817fca3"
    )


def test_two_processes_hashing_small_batches_give_the_same_passages(monkeypatch, worker_batches):
    day = generated_day()
    alone = dedup(day)
    monkeypatch.setattr(dedup_module, "PARALLEL_HASHING_MIN_CHARS", 1)
    monkeypatch.setattr(dedup_module, "HASHING_BATCH_CHARS", 700)
    monkeypatch.setattr(
        dedup_module, "results_in_processes", worker_batches.through(results_in_processes)
    )
    assert dedup(day) == alone
    [batches] = worker_batches
    assert batches > len(day)  # batches end inside articles too


def test_band_values_sharing_a_sort_key_still_merge_only_equal_paragraphs(monkeypatch):
    # With every mixer zero, all band values get the same sort key: rows are then told
    # apart by their columns, and the passages are those of distinct keys.
    alone = dedup(generated_day())
    monkeypatch.setattr(
        dedup_module, "_ROW_MIXERS", np.zeros(dedup_module.ROWS_PER_BAND, np.uint64)
    )
    assert dedup(generated_day()) == alone


def test_pairs_tested_in_blocks_of_few_rows_give_the_same_passages(monkeypatch):
    # Tiny blocks, cut short by every repeated band value: the indexed passages come from
    # earlier blocks' records far more often than from the block's own rows.
    alone = dedup(generated_day())
    monkeypatch.setattr(dedup_module, "NEAR_BLOCK", 5)
    monkeypatch.setattr(dedup_module, "MAX_RUN", 1)
    assert dedup(generated_day()) == alone


@pytest.mark.parametrize("bucket", [1, 2])
def test_a_block_compares_a_row_only_with_rows_indexed_under_its_values(monkeypatch, bucket):
    # With tiny buckets, many of a block's rows share a value with a later one without
    # being indexed under it: one row per block (no pair within a block) says what to find.
    monkeypatch.setattr(dedup_module, "MAX_BUCKET", bucket)
    in_blocks = dedup(generated_day())
    monkeypatch.setattr(dedup_module, "NEAR_BLOCK", 1)
    assert dedup(generated_day()) == in_blocks


def test_range_counts_only_rule_out_pairs_below_the_threshold(monkeypatch):
    alone = dedup(generated_day())
    monkeypatch.setattr(dedup_module, "PARTS", 1)  # the bound is the smaller set: no help
    assert dedup(generated_day()) == alone


def test_capped_range_counts_do_not_keep_near_copies_apart(monkeypatch):
    # Every count capped at 1: a bound from them would rule out every pair.
    alone = dedup(generated_day())
    monkeypatch.setattr(dedup_module, "PART_COUNT_CAP", 1)
    assert dedup(generated_day()) == alone
