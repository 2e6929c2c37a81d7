from briefing.dedup import Passage
from briefing.pack import BLOCK_OVERHEAD_TOKENS, Block, Pack, halves, make_packs
from briefing.pack import _split_long as split_long
from briefing.text import split_sentences


def count(text: str) -> int:
    return len(text.split())


def passages_for(article_id: str, paragraphs: int, words: int = 50) -> list[Passage]:
    return [
        Passage(text=" ".join([f"{article_id}w{i}"] * words) + ".", source_ids=[article_id])
        for i in range(paragraphs)
    ]


def pack_texts(packs) -> set[tuple[str, ...]]:
    return {tuple(p for b in pack.blocks for p in b.paragraphs) for pack in packs}


def test_everything_fits_in_one_pack_when_under_capacity():
    passages = passages_for("a", 3) + passages_for("b", 3)
    packs = make_packs(passages, capacity=10_000, count=count)
    assert len(packs) == 1
    assert packs[0].owner_ids == sorted(packs[0].owner_ids, key=packs[0].owner_ids.index)
    assert set(packs[0].source_ids) == {"a", "b"}


def test_no_pack_exceeds_capacity():
    passages = [p for i in range(30) for p in passages_for(f"s{i}", 4)]
    capacity = 1_000
    packs = make_packs(passages, capacity=capacity, count=count)
    assert all(pack.tokens <= capacity for pack in packs)
    sent = [p for pack in packs for b in pack.blocks for p in b.paragraphs]
    assert sorted(sent) == sorted(p.text for p in passages)


def test_long_article_is_split_at_paragraph_boundaries():
    passages = passages_for("long", 10, words=100)
    packs = make_packs(passages, capacity=350, count=count)
    assert len(packs) >= 4
    assert all(pack.tokens <= 350 for pack in packs)


def test_paragraph_longer_than_capacity_is_split_at_sentences():
    text = " ".join(f"Sentence number {i} has some words in it." for i in range(100))
    packs = make_packs([Passage(text=text, source_ids=["a"])], capacity=120, count=count)
    pieces = [p for pack in packs for b in pack.blocks for p in b.paragraphs]
    assert sorted(s for piece in pieces for s in split_sentences(piece)) == sorted(
        split_sentences(text)
    )
    assert all(count(piece) <= 120 - BLOCK_OVERHEAD_TOKENS for piece in pieces)


def test_a_single_enormous_line_is_still_cut_to_fit():
    text = "x" * 50_000
    packs = make_packs(
        [Passage(text=text, source_ids=["a"])], capacity=200, count=lambda t: len(t) // 4
    )
    pieces = [p for pack in packs for b in pack.blocks for p in b.paragraphs]
    assert sum(len(piece) for piece in pieces) == len(text)
    assert all(pack.tokens <= 200 for pack in packs)


def test_adding_an_article_changes_at_most_the_pack_it_lands_in():
    day = [p for i in range(50) for p in passages_for(f"story-{i}", 6)]
    before = pack_texts(make_packs(day, capacity=3_000, count=count))
    for extra in range(20):
        after = pack_texts(
            make_packs(day + passages_for(f"new-{extra}", 6), capacity=3_000, count=count)
        )
        assert len(after - before) <= 2, f"adding new-{extra} changed {len(after - before)} packs"


def test_shared_passages_keep_all_their_sources_in_one_block():
    passages = [
        Passage(text="Own paragraph of a.", source_ids=["a"]),
        Passage(text="Wire paragraph.", source_ids=["a", "b"]),
        Passage(text="Own paragraph of b.", source_ids=["b"]),
    ]
    pack = make_packs(passages, capacity=10_000, count=count)[0]
    blocks = {tuple(b.source_ids): b.paragraphs for b in pack.blocks}
    assert blocks[("a", "b")] == ["Wire paragraph."]
    assert pack.owner_ids.count("a") == 1


class CountingCounter:
    """A word counter that adds up how many characters it was asked to count."""

    def __init__(self) -> None:
        self.characters = 0

    def __call__(self, text: str) -> int:
        self.characters += len(text)
        return len(text.split())


def test_splitting_a_long_paragraph_counts_each_sentence_about_once():
    text = " ".join(f"Sentence number {i} has some words in it." for i in range(4_000))
    counter = CountingCounter()
    packs = make_packs([Passage(text=text, source_ids=["a"])], capacity=2_000, count=counter)
    assert len(packs) >= 16
    # Re-counting the growing piece at each sentence would count about 500 times the text.
    assert counter.characters <= 4 * len(text)


def test_an_enormous_token_is_cut_counting_each_slice_only():
    text = "abcdefghij" * 100_000  # 1 MB without a space or a sentence end
    counter = CountingCounter()
    tokens = lambda t: counter(t) and len(t) // 3  # noqa: E731 (about three letters a token)
    pieces = split_long(text, 300, tokens)
    assert "".join(pieces) == text
    assert all(len(piece) // 3 <= 300 for piece in pieces) and len(pieces) == 1_000_000 // 900 + 1
    assert counter.characters <= 4 * len(text)


def test_pieces_fit_under_the_models_own_token_counts():
    from briefing.tokens import count_tokens

    sentences = [
        f"“We counted {i * 7:,} rounds,” said Gen. Kim Yong-bok on day {i}." for i in range(300)
    ]
    text = " ".join(sentences) + " " + "Ж" * 5_000
    pieces = split_long(text, 120, count_tokens)
    assert all(count_tokens(piece) <= 120 for piece in pieces)
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")  # in order, nothing lost


def test_halves_cut_a_pack_between_paragraphs_into_about_equal_text():
    pack = Pack(
        blocks=[
            Block(source_ids=["a"], paragraphs=["x" * 100, "y" * 50, "z" * 60]),
            Block(source_ids=["b", "a"], paragraphs=["w" * 200]),
        ],
        tokens=100,
    )
    first, second = halves(pack)
    assert first.blocks == [Block(source_ids=["a"], paragraphs=["x" * 100, "y" * 50, "z" * 60])]
    assert second.blocks == [Block(source_ids=["b", "a"], paragraphs=["w" * 200])]
    assert first.tokens + second.tokens == 100


def test_halves_cut_a_single_paragraph_between_sentences_and_give_up_on_one_sentence():
    one = Pack(
        blocks=[Block(source_ids=["a"], paragraphs=["First one. Second one here."])], tokens=8
    )
    assert [b.paragraphs for part in halves(one) for b in part.blocks] == [
        ["First one."],
        ["Second one here."],
    ]
    assert halves(Pack(blocks=[Block(source_ids=["a"], paragraphs=["Alone."])], tokens=2)) == []
