"""The offline summary's sentence index: the whole sentence of a source a quote is from."""

from __future__ import annotations

from collections import Counter

from briefing.summary import _Sentence, _SentenceIndex


def _index(*texts_and_sources: tuple[str, list[str]]) -> _SentenceIndex:
    return _SentenceIndex(
        [
            _Sentence(text, Counter(), sources, position)
            for position, (text, sources) in enumerate(texts_and_sources)
        ]
    )


def test_a_quote_cut_mid_word_finds_the_first_sentence_of_its_source_holding_it():
    index = _index(
        ("The port will reopen next week, officials said.", ["a"]),
        ("Traders said the port will reopen next month.", ["b"]),
        ("Traders said the port will reopen next month, not sooner.", ["a"]),
        ("They added that the port will reopen next month.", ["a"]),
    )
    found = index.holding("ers said  the port\nwill reopen next mon", "a")
    assert found is not None
    assert found.text == "Traders said the port will reopen next month, not sooner."


def test_no_sentence_is_found_for_a_quote_its_source_does_not_hold():
    index = _index(("The port will reopen next week, officials said.", ["a"]))
    assert index.holding("the port will close next week", "a") is None
    assert index.holding("The port will reopen next week", "b") is None


def test_a_quote_of_one_or_two_words_is_looked_for_in_every_sentence():
    index = _index(("Officials spoke.", ["a"]), ("The port will reopen, they said.", ["a"]))
    found = index.holding("will reo", "a")
    assert found is not None
    assert found.text == "The port will reopen, they said."


def test_a_sentence_carried_by_two_sources_is_found_from_either():
    index = _index(
        ("Officials in the capital spoke first.", ["b"]),
        ("The port will reopen next week, officials said.", ["a", "b"]),
    )
    for source_id in ("a", "b"):
        found = index.holding("port will reopen next", source_id)
        assert found is not None
        assert found.text == "The port will reopen next week, officials said."
    assert index.holding("the capital spoke", "a") is None
