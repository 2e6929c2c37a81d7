import threading

import tiktoken

from briefing import tokens
from briefing.tokens import count_tokens, count_tokens_each


def test_a_text_given_several_times_is_counted_once_with_the_same_count(monkeypatch):
    texts = ["The same instructions.", "Pack one.", "The same instructions.", "Pack two."]
    seen: list[str] = []

    def counting(encoding: tiktoken.Encoding, batch: list[str]) -> list[int]:
        seen.extend(batch)
        return [count_tokens(text) for text in batch]

    monkeypatch.setattr(tokens, "_count_batch", counting)
    assert count_tokens_each(texts) == [count_tokens(text) for text in texts]
    assert seen == ["The same instructions.", "Pack one.", "Pack two."]


def test_many_texts_are_counted_by_two_threads_with_the_same_counts(monkeypatch):
    texts = [f"Paragraph {number}: the harbour handled {number * 7} ships." for number in range(9)]
    alone = count_tokens_each(texts)
    running = threading.active_count()
    threads: set[int] = set()
    counted = tokens._count_batch

    def counting(encoding: tiktoken.Encoding, batch: list[str]) -> list[int]:
        threads.add(threading.get_ident())
        return counted(encoding, batch)

    monkeypatch.setattr(tokens, "PARALLEL_COUNT_MIN_CHARS", 1)
    monkeypatch.setattr(tokens, "COUNTING_BATCH", 2)
    monkeypatch.setattr(tokens, "_count_batch", counting)
    assert count_tokens_each(texts) == alone
    assert threading.get_ident() not in threads
    assert threading.active_count() == running  # the threads are gone: the run may still fork
