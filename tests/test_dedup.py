from briefing.dedup import dedup
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
